#!/usr/bin/env python3
"""Seeded fuzzing of rbm-study (called by scripts/check-faults.sh), in two modes.

parser (default): malformed option values and token/maps files. numeric: valid-looking but
extreme numeric combinations for convergence, variance-sweep, work-precision and check (horizons
and time steps from 1e-300 to 1e300, noise, beta, batch sizes near N, --checkpoints, --expect).

Every command must exit 0, 1 (a rejected claim, check only), 2 or 3; a failure (2 or 3) must print
exactly one line on stderr besides progress and time-estimate lines, with no raw control byte; no
command may crash, print an EncodingError, or print a verdict next to NaN.
Usage: fuzz-inputs.py BINARY SEED COUNT [parser|numeric]. Prints "fuzz MODE: N commands, N bad,
N slow; exit codes …" and exits 1 on any bad command (a command still running after TIMEOUT seconds is "slow":
reported, not a failure)."""
import os, random, re, subprocess, sys, tempfile

binary, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else 'parser'
TIMEOUT = 60 if mode == 'parser' else 15
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

# --- Extreme numeric combinations (mode "numeric") --------------------------------------------
# Valid-looking options at the edges of their ranges: horizons and time steps from 1e-300 to 1e300
# (the τ grid always divides the horizon), noise and β up to their limits, batch sizes near N,
# --checkpoints, --expect of `check`. The failures this mode looks for are numerical: overflow or
# underflow that ends as an encoding error, a crash, or a verdict printed over NaN.
SCALES = [1e-300, 1e-150, 1e-12, 1e-3, 0.5, 1, 2, 8, 64, 1024, 1e6, 1e12, 1e150, 1e300]

def num(x):
    return '%.17g' % x

def grid():
    """A horizon T and a τ list dividing it (T/τ ≤ 64 steps, so each case is quick)."""
    horizon = rng.choice(SCALES) * rng.choice([1, 3])
    ks = rng.sample([1, 2, 4, 8, 16, 32, 64], rng.choice([2, 2, 3]))
    return horizon, [horizon / k for k in ks]

def near(n):
    return sorted({max(2, min(n, p)) for p in rng.sample([2, 3, n - 1, n, n // 2, 4], rng.randint(1, 3))})

def numeric_case():
    command = rng.choice(['convergence', 'convergence', 'variance-sweep', 'work-precision', 'check'])
    if command == 'convergence':
        system = rng.choice(['smooth', 'linear', 'dyson', 'attention', 'thomson', 'opinion'])
        n = rng.choice([2, 3, 4, 8, 16, 33])
        noise = rng.choice([0, 1e-300, 1e-8, 1, 10, 1e3, 1e150, 1e300]) if system in ('smooth', 'linear') and rng.random() < 0.7 else None
        horizon, dts = grid()
        while (system in ('attention', 'thomson') or noise == 0) and horizon > 1e6:
            # Deterministic runs take GSL's adaptive reference, which over T ≫ 1 spends its 10⁶-step
            # budget before failing (exit 3): slow, not wrong, and too slow for this script.
            horizon, dts = grid()
        args = ['convergence', '--system', system, '--particles', str(n), '--trajectories', str(rng.choice([2, 3, 5])),
                '--horizon', num(horizon), '--dt', ','.join(num(d) for d in dts), '--batch-sizes', ','.join(map(str, near(n))),
                '--threads', '1', '--reference-refinement', str(rng.choice([4, 8]))]
        if noise is not None:
            args += ['--noise', num(noise)]
        if system == 'attention':
            args += ['--beta', num(rng.choice([0, 1e-8, 1, 50, 355, 709, 1000, 10000])),
                     '--normalization', rng.choice(['softmax', 'mean-field']), '--geometry', rng.choice(['sphere', 'euclidean'])]
        if system == 'dyson':
            args += ['--dim', '1']
        if rng.random() < 0.5:
            steps = round(horizon / max(dts))
            args += ['--checkpoints', str(rng.choice([1, 2, steps, 2 * steps, 1024]))]
        return args
    if command == 'variance-sweep':
        system = rng.choice(['smooth', 'linear', 'attention'])
        n = rng.choice([3, 4, 8, 64, 512])
        args = ['variance-sweep', '--system', system, '--particles', str(n), '--draws', str(rng.choice([4, 5, 16])),
                '--configurations', '1', '--threads', '1']
        if rng.random() < 0.6:
            args += ['--sizes', ','.join(map(str, near(n)))]
        if rng.random() < 0.4:
            args += ['--dim', str(rng.choice([1, 2, 64]))]
        if system == 'attention':
            args += ['--beta', num(rng.choice([0, 1e-8, 1, 50, 355, 709, 1000, 10000])),
                     '--normalization', rng.choice(['softmax', 'mean-field'])]
            args += ['--estimators', rng.choice(['rba', 'rba,importance-columns', 'uniform-columns', 'yoso'])]
        return args
    if command == 'work-precision':
        n = rng.choice([2, 3, 8, 16, 32])
        horizon = rng.choice(SCALES)
        args = ['work-precision', '--particles', str(n), '--dim', str(rng.choice([1, 2, 4])), '--draws', '2', '--repeats', '1',
                '--trajectories', '2', '--threads', '1', '--estimators', rng.choice(['rba', 'rba,uniform-columns', 'importance-columns']),
                '--horizon', num(horizon), '--dt', num(horizon / rng.choice([1, 4, 32])),
                '--beta', num(rng.choice([0, 1e-8, 1, 50, 355, 709, 1000, 10000])),
                '--normalization', rng.choice(['softmax', 'mean-field']), '--geometry', rng.choice(['sphere', 'euclidean'])]
        if rng.random() < 0.5:
            args += ['--sizes', ','.join(map(str, near(n)))]
        return args
    claim = rng.choice(['rbm-consistency-lemma', 'rba-mean-field-unbiased', 'euler-maruyama-time-order'])
    return ['check', claim, '--threads', '1', '--seed', str(rng.randrange(2 ** 64)),
            '--expect', num(rng.choice([0, -0.0, 1e-320, 1e-300, -1, 1, 1e15, 1e300, -1e300]))]

# Informational stderr lines that may accompany an error: progress and the up-front time estimate.
INFORMATIONAL = re.compile(rb'^(\S[^:]*: \d+/\d+ .*|estimated .*)$')
VERDICT_WORDS = re.compile(rb'\b(consistent|inconsistent|inconclusive|pre-asymptotic|holds|rejected|ok)\b')

def problem_of(args, r):
    """What is wrong with one command's outcome, or None."""
    err = r.stderr.rstrip(b'\n')
    lines = [l for l in err.split(b'\n') if l.strip() and not INFORMATIONAL.match(l.strip(b'\r'))]
    allowed = (0, 1, 2, 3) if args[0] == 'check' else (0, 2, 3)
    if r.returncode not in allowed: return 'exit %d' % r.returncode
    if re.search(rb'Backtracing|Program crashed|Fatal error', err): return 'crash report'
    if b'EncodingError' in err + r.stdout: return 'EncodingError'
    if r.returncode >= 2 and len(lines) != 1: return '%d lines on stderr' % len(lines)
    if r.returncode >= 2 and any(b < 32 and b not in (9, 10) or b == 127 for b in err.replace(b'\r', b'')): return 'raw control byte on stderr'
    if r.returncode in (0, 1):
        if args[0] != 'convergence' and re.search(rb'\bnan\b', r.stdout): return 'NaN printed on success'
        for line in r.stdout.split(b'\n'):
            if re.search(rb'\bnan\b', line) and VERDICT_WORDS.search(line.replace(b'not assessed', b'')):
                return 'verdict printed over NaN: %r' % line[:160]
    return None

bad = total = slow = 0
codes = {}
for args in (commands() if mode == 'parser' else (numeric_case() for _ in range(count))):
    total += 1
    try:
        r = subprocess.run([binary] + args, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        slow += 1  # a valid but slow configuration
        print('FUZZ SLOW (> %d s): %r' % (TIMEOUT, args))
        continue
    codes[r.returncode] = codes.get(r.returncode, 0) + 1
    problem = problem_of(args, r)
    if problem:
        bad += 1
        print('FUZZ FAIL (%s): %r -> %r' % (problem, args, r.stderr.rstrip(b'\n')[-300:]))
print('fuzz %s: %d commands, %d bad, %d slow; exit codes %s' % (mode, total, bad, slow, ', '.join('%d: %d' % kv for kv in sorted(codes.items()))))
sys.exit(1 if bad else 0)
