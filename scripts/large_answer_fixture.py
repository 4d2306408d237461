#!/usr/bin/env python3
"""Writes a golden directory and an exec backend whose one answer is large.

The case is L1Loss, float64, reduction "none", an input of shape [R, 1]
against a target of shape [1, C]: a small case line whose output (R x C
numbers, about 21 bytes each as JSON) is large. The backend answers every
case line with that precomputed output, so timing

    losscheck run --golden DIR --loss L1Loss --filter ID \\
        --backend exec:'python3 DIR/backend.py DIR/answer.jsonl'

against the same command with `--backend reference` shows what reading,
parsing and judging one large exec answer costs (docs/BACKENDS.md).

Plain Python (no NumPy): IEEE double subtraction and abs, the same in any
interpreter. Usage: large_answer_fixture.py OUT_DIR [--rows R] [--cols C]
(defaults 2000 x 1500: a 3 million element, about 63 MB answer).
"""

import argparse
import json
import os
import shutil
import sys

CASE_ID = "L1Loss/float64/none/large-broadcast-answer"

BACKEND = """import sys
answer = open(sys.argv[1], "rb").read()
for line in sys.stdin:
    if line.strip():
        sys.stdout.buffer.write(answer)
        sys.stdout.buffer.flush()
"""


def values(n, seed):
    """n doubles in [-1, 1) from a 64-bit LCG: full 17-digit decimals."""
    state = seed
    out = []
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        out.append((state >> 11) / 2.0**52 - 1.0)
    return out


def tensor(shape, data):
    return {"dtype": "float64", "shape": shape, "data": data}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--cols", type=int, default=1500)
    args = parser.parse_args(argv)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    golden = os.path.join(root, "golden")
    os.makedirs(args.out, exist_ok=True)
    shutil.copy(os.path.join(golden, "spec.json"), args.out)
    shutil.copytree(
        os.path.join(golden, "spec"),
        os.path.join(args.out, "spec"),
        dirs_exist_ok=True,
    )
    x = values(args.rows, 1)
    y = values(args.cols, 2)
    output = [abs(a - b) for a in x for b in y]
    shape = [args.rows, args.cols]
    case = {
        "id": CASE_ID,
        "loss": "L1Loss",
        "dtype": "float64",
        "options": {"reduction": "none"},
        "inputs": {
            "input": tensor([args.rows, 1], x),
            "target": tensor([1, args.cols], y),
        },
        "grad_wrt": [],
        "expected": {"output": tensor(shape, output), "grads": {}},
    }
    # The real L1Loss cases too, so that the corpus has no uncovered grid
    # point; --filter CASE_ID runs the large one alone.
    with open(os.path.join(golden, "L1Loss.jsonl")) as f:
        cases = f.read()
    with open(os.path.join(args.out, "L1Loss.jsonl"), "w") as f:
        f.write(cases + json.dumps(case, separators=(",", ":")) + "\n")
    answer = {"id": CASE_ID, "output": tensor(shape, output)}
    with open(os.path.join(args.out, "answer.jsonl"), "w") as f:
        f.write(json.dumps(answer) + "\n")
    with open(os.path.join(args.out, "backend.py"), "w") as f:
        f.write(BACKEND)
    size = os.path.getsize(os.path.join(args.out, "answer.jsonl"))
    print(f"{CASE_ID}: answer of {len(output)} numbers, {size} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
