#!/usr/bin/env python3
"""Seeded fuzzing of rbm-study's option parser and token/maps file readers (called by
scripts/check-faults.sh). Every command must exit 0, 2 or 3; a failure must print exactly one
line on stderr with no raw control byte and no crash report; a success must not print NaN.
Usage: fuzz-inputs.py BINARY SEED COUNT. Prints "fuzz: N commands, N bad" and exits 1 on any bad."""
import os, random, re, subprocess, sys, tempfile

binary, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
work = tempfile.mkdtemp()
atoms = ['0', '1', '-1', '1e308', '-1e308', '1e-320', 'nan', 'inf', '-0', '0x1p3', '1_0', '\uff11', '1e', '', '  ', ' 2 ',
         '\0', '\x1b[2J', '\r', '\t', '#', '"1"', '1,', '+5', '.5', '5.', 'e5', '1e400', '9' * 400]
values = ['0', '-1', '1', '2', '3', '4', '8', '16', '0.5', '1e-19', '1e19', 'nan', 'inf', '1e308', '9223372036854775807',
          '18446744073709551616', '', '1,1', '2,4', '0.25,0.125', '4,2', 'x', '\x1b[1m', '\uff11', '0x10']
names = {'--system': ['smooth', 'linear', 'dyson', 'attention', 'smooth,attention'], '--estimator': ['rba', 'bernoulli', 'random-batch', 'yoso'],
         '--estimators': ['rba', 'random-batch', 'rba,skeinformer', 'uniform-columns,importance-columns', 'bernoulli', 'soft'],
         '--normalization': ['softmax', 'mean-field'], '--geometry': ['sphere', 'euclidean'], '--tokens': ['gaussian', 'clustered'],
         '--maps': ['random', 'identity']}
base = {'convergence': ['--particles', '8', '--trajectories', '2', '--dt', '0.5,0.25', '--horizon', '1', '--batch-sizes', '2', '--threads', '1'],
        'variance-sweep': ['--particles', '8', '--draws', '4', '--configurations', '1', '--threads', '1', '--estimators', 'random-batch'],
        'work-precision': ['--particles', '8', '--dim', '2', '--draws', '2', '--repeats', '1', '--trajectories', '2', '--threads', '1', '--estimators', 'rba']}
options = {'convergence': ['--system', '--estimator', '--particles', '--dim', '--batch-sizes', '--dt', '--horizon', '--trajectories',
                           '--reference-refinement', '--beta', '--normalization', '--geometry', '--tokens', '--maps', '--seed', '--max-memory'],
           'variance-sweep': ['--system', '--particles', '--dim', '--estimators', '--sizes', '--match-cost', '--draws', '--bits', '--beta',
                              '--normalization', '--seed'],
           'work-precision': ['--particles', '--dim', '--estimators', '--sizes', '--draws', '--dt', '--horizon', '--trajectories', '--beta',
                              '--normalization', '--geometry', '--tokens', '--maps', '--seed']}

def malformed_file():
    rows, cols = rng.choice([0, 1, 2, 3, 4, 8]), rng.choice([1, 2, 3, 4])
    lines = [','.join(rng.choice(atoms) if rng.random() < 0.3 else '%.6f' % rng.uniform(-3, 3)
                      for _ in range(cols if rng.random() < 0.8 else rng.randint(1, 5))) for _ in range(rows)]
    if rng.random() < 0.2: lines.insert(rng.randint(0, len(lines)), '# comment')
    data = rng.choice(['\n', '\r\n', '\r']).join(lines).encode('utf-8', 'surrogatepass')
    if rng.random() < 0.1: data += bytes(rng.randrange(256) for _ in range(16))
    return data

def commands():
    for k in range(count):
        if k % 3 == 0:  # a token or maps file
            path = os.path.join(work, 'f%d.csv' % k)
            open(path, 'wb').write(malformed_file())
            yield rng.choice([
                ['convergence', '--system', 'attention', '--tokens-file', path, '--batch-sizes', '2', '--trajectories', '2',
                 '--dt', '0.5,0.25', '--horizon', '1', '--threads', '1'],
                ['convergence', '--system', 'attention', '--particles', '4', '--dim', '3', '--maps', 'file', '--maps-file', path,
                 '--batch-sizes', '2', '--trajectories', '2', '--dt', '0.5,0.25', '--horizon', '1'],
                ['work-precision', '--tokens-file', path, '--draws', '2', '--repeats', '1', '--trajectories', '2',
                 '--estimators', 'rba,importance-columns', '--sizes', '2', '--geometry', rng.choice(['sphere', 'euclidean'])],
                ['variance-sweep', '--system', 'attention', '--tokens-file', path, '--draws', '4', '--configurations', '1',
                 '--estimators', 'rba,importance-columns', '--sizes', '2']])
        else:
            command = rng.choice(list(base))
            args = list(base[command])
            for _ in range(rng.randint(1, 3)):
                option = rng.choice(options[command])
                args += [option, rng.choice(names[option]) if option in names and rng.random() < 0.8 else rng.choice(values)]
            yield [command] + args

bad = total = 0
for args in commands():
    total += 1
    try:
        r = subprocess.run([binary] + args, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        continue  # a valid but slow configuration
    err = r.stderr.rstrip(b'\n')
    lines = [l for l in err.split(b'\n') if l.strip()]
    problem = None
    if r.returncode not in (0, 2, 3): problem = 'exit %d' % r.returncode
    elif r.returncode != 0 and len(lines) != 1: problem = '%d lines on stderr' % len(lines)
    elif r.returncode != 0 and any(b < 32 and b != 9 or b == 127 for b in err): problem = 'raw control byte on stderr'
    elif r.returncode == 0 and args[0] != 'convergence' and re.search(rb'\bnan\b', r.stdout): problem = 'NaN printed on success'
    if problem:
        bad += 1
        print('FUZZ FAIL (%s): %r -> %r' % (problem, args, err[:200]))
print('fuzz: %d commands, %d bad' % (total, bad))
sys.exit(1 if bad else 0)
