#!/usr/bin/env python3
"""Writes the "## Answer" section of notebooks-md/calibration.md from the tables below it.

For every calibration section it counts the intervals whose coverage holds (95% ± 3%, judged by
the Wilson interval), undercovers or is conservative, and the exact-null tests whose rejection
rate holds or exceeds its level, and names every row that does not hold. The answer is a function
of the tables alone, so rerunning this on an unchanged file changes nothing.
Usage: python3 scripts/calibration_answer.py notebooks-md/calibration.md
"""
import re
import sys

ASSESSMENTS = ("undercovers", "conservative", "exceeds level", "holds")


def sections(lines):
    """(title, body lines) of every '## ' section after the introduction."""
    out, title, body = [], None, []
    for line in lines:
        if line.startswith("## "):
            if title is not None:
                out.append((title, body))
            title, body = line[3:].strip(), []
        elif title is not None:
            body.append(line)
    if title is not None:
        out.append((title, body))
    return [(t, b) for t, b in out if t not in ("Question", "How to read the tables", "Answer")]


def assessment(line):
    """The assessment of a table row (a row carries a Wilson interval '[a, b]'), or None."""
    if "[" not in line or line.startswith(("-", "(", "coverage target", "rbm-study")):
        return None
    tail = line.split("]", 1)[1] if "]" in line else ""
    for word in ASSESSMENTS:
        if re.search(r"(^|\s)" + re.escape(word) + r"(\s|$)", tail):
            return word
    return None


def answer(lines):
    md = ["## Answer", ""]
    for title, body in sections(lines):
        counts, failing = {}, []
        for line in body:
            a = assessment(line)
            if a is None:
                continue
            counts[a] = counts.get(a, 0) + 1
            if a != "holds":
                failing.append(f"{re.split(r'  +', line.strip())[0]} ({a})")
        if not counts:
            continue
        total = sum(counts.values())
        parts = ", ".join(f"{counts[a]} {a}" for a in ASSESSMENTS if a in counts)
        md.append(f"- **{title}**: {total} intervals and tests; {parts}."
                  + (f" Not holding: {'; '.join(failing)}." if failing else ""))
    md += ["", "An interval that does not hold is one whose stated 95% a referee should not take at face value on that "
           "configuration; the rows above say which. Intervals marked *not printed as an interval* are measured for "
           "completeness and never shown as 95% intervals by the tools.", ""]
    return md


def main(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    # Drop an existing Answer section, then insert the new one before the first calibration section.
    kept, skipping = [], False
    for line in lines:
        if line.startswith("## "):
            skipping = line.strip() == "## Answer"
        if not skipping:
            kept.append(line)
    first = next(i for i, line in enumerate(kept)
                 if line.startswith("## ") and line[3:].strip() not in ("Question", "How to read the tables"))
    result = kept[:first] + answer(kept) + kept[first:]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(result))


if __name__ == "__main__":
    main(sys.argv[1])
