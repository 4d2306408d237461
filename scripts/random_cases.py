#!/usr/bin/env python3
"""Random valid cases, drawn from each loss's `random_case()` (its declared
sample-input generator) for differential fuzzing: one case per line, no
`expected`.

    python3 scripts/random_cases.py --cases 1000 --seed 7 [--loss HuberLoss]
    python3 scripts/random_cases.py --cases 1000 --dtype float16 --dtype bfloat16

Half cases carry their tolerance (docs/HALF_PRECISION.md), as golden ones do.
"""

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reference import core, implemented, module  # noqa: E402
from reference.cases import Builder  # noqa: E402


def generate(losses, n, seed, dtypes=("float64", "float32")):
    rng = random.Random(seed)
    losses = [l for l in losses if hasattr(module(l), "random_case")]
    if not losses:
        return
    builders = {l: Builder(l) for l in losses}
    for k in range(n):
        loss = rng.choice(losses)
        dtype = rng.choice(dtypes)
        rc = module(loss).random_case(rng, dtype)
        case = builders[loss].add(f"fuzz/{seed}/{k}", dtype, rc["options"], rc["inputs"], rc.get("grad_wrt", ()),
                                  input_dtypes=rc.get("input_dtypes"))
        case = json.loads(core.dumps(case))
        case.pop("expected", None)
        yield case


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--loss", action="append")
    ap.add_argument("--dtype", action="append", choices=core.FLOAT_DTYPES,
                    help="draw from these dtypes (repeatable; default float64 and float32)")
    args = ap.parse_args()
    dtypes = tuple(args.dtype) if args.dtype else ("float64", "float32")
    for case in generate(args.loss or implemented(), args.cases, args.seed, dtypes):
        sys.stdout.write(json.dumps(case, separators=(",", ":")) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
