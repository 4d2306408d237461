#!/usr/bin/env python3
"""Compare a backend's answers with PyTorch's, case by case (development
only: needs torch, e.g. a venv's python).

    # golden cases: the NumPy reference (expected) vs PyTorch
    /path/to/venv/python scripts/torch_check.py golden/HuberLoss.jsonl
    # random cases not in golden/, answered by `losscheck eval` vs PyTorch
    /path/to/venv/python scripts/torch_check.py --random 200 --loss HuberLoss \
        --eval ".build/debug/losscheck eval"

Tolerances: float64 1e-9 relative (atol 1e-12), float32 2e-5 relative
(atol 1e-6); float16 and bfloat16 cases (--dtype float16 --dtype bfloat16)
by the half tolerance model of docs/HALF_PRECISION.md, each case's own
element bounds. Cases PyTorch does not implement are counted as skipped. Error cases pass when both sides refuse (kinds are printed,
since PyTorch has none of its own).
"""

import argparse
import json
import math
import os
import random
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "backends"))

import torch_backend  # noqa: E402

TOL = {"float64": (1e-9, 1e-12), "float32": (2e-5, 1e-6)}


def values(t):
    return [float(x) for x in t["data"]]


def close(a, b, dtype, tolerance=None):
    rtol, atol = TOL[dtype]
    if tolerance:  # the case's own tolerance (CASE_SCHEMA.md), where it declares one
        rtol, atol = tolerance["rtol"], tolerance["atol"]
    if a["shape"] != b["shape"]:
        return False, f"shape {a['shape']} vs {b['shape']}"
    worst = 0.0
    for x, y in zip(values(a), values(b)):
        if math.isnan(x) and math.isnan(y):
            continue
        if x == y:
            continue
        if math.isinf(x) or math.isinf(y) or math.isnan(x) or math.isnan(y):
            return False, f"{x} vs {y}"
        r = abs(x - y) / (atol + rtol * abs(y))
        worst = max(worst, r)
        if r > 1:
            return False, f"{x} vs {y} (|d|={abs(x-y):.3g})"
    return True, f"{worst:.3f}"


def compare_half(case, mine, torch_result):
    """A half case: the tolerance model's element rule (scripts/half_judge.py)."""
    from half_judge import judge

    status, why = judge(dict(case, expected=mine), torch_result)
    return status == "pass", why


def compare(case, mine, torch_result):
    if case["dtype"] in ("float16", "bfloat16") and "unsupported" not in torch_result:
        return compare_half(case, mine, torch_result)
    if "error" in torch_result or "error" in mine:
        if "error" in torch_result and "error" in mine:
            return True, f"both refuse ({mine['error']['kind']} / torch: {torch_result['error']['message'][:80]})"
        which = "torch" if "error" in torch_result else "ours"
        msg = (torch_result if which == "torch" else mine)["error"]["message"]
        return False, f"only {which} refuses: {msg[:160]}"
    ok, why = close(mine["output"], torch_result["output"], case["dtype"], case.get("tolerance"))
    if not ok:
        return False, "output: " + why
    for n, g in (mine.get("grads") or {}).items():
        tg = (torch_result.get("grads") or {}).get(n)
        if tg is None:
            return False, f"torch gave no gradient for {n}"
        ok, why = close(g, tg, case["dtype"], case.get("tolerance"))
        if not ok:
            return False, f"grads.{n}: " + why
    return True, ""


def random_cases(losses, n, seed, dtypes=("float64", "float32")):
    from reference import core, implemented, module
    from reference.cases import Builder

    out = []
    rng = random.Random(seed)
    for loss in losses or implemented():
        mod = module(loss)
        if not hasattr(mod, "random_case"):
            print(f"{loss}: no random_case() in its reference module; skipped", file=sys.stderr)
            continue
        b = Builder(loss)
        for k in range(n):
            dtype = rng.choice(dtypes)
            rc = mod.random_case(rng, dtype)
            case = b.add(f"random/{seed}/{k}", dtype, rc["options"], rc["inputs"], rc.get("grad_wrt", ()),
                         input_dtypes=rc.get("input_dtypes"))
            out.append(json.loads(core.dumps(case)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="golden files (expected values are what is compared)")
    ap.add_argument("--random", type=int, default=0, help="N random cases per loss from random_case()")
    ap.add_argument("--loss", action="append")
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--dtype", action="append", help="random cases in these dtypes (default float64, float32)")
    ap.add_argument("--eval", help="command answering the eval protocol (default: the goldens' expected)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    cases = []
    for f in args.files:
        with open(f) as fh:
            cases += [json.loads(line) for line in fh if line.strip()]
    if args.random:
        cases += random_cases(args.loss, args.random, args.seed, tuple(args.dtype or ("float64", "float32")))
    if args.eval:
        proc = subprocess.run(shlex.split(args.eval), input="".join(json.dumps(c) + "\n" for c in cases),
                              capture_output=True, text=True)
        mine = [json.loads(line) for line in proc.stdout.splitlines()]
        if len(mine) != len(cases):
            print(f"the eval command answered {len(mine)} lines for {len(cases)} cases", file=sys.stderr)
            print(proc.stderr[-2000:], file=sys.stderr)
            return 2
    else:
        mine = [c["expected"] for c in cases]
    failed = skipped = 0
    for c, m in zip(cases, mine):
        t = torch_backend.answer(c)
        if "unsupported" in t:
            skipped += 1
            continue
        ok, why = compare(c, m, t)
        if not ok:
            failed += 1
            print(f"DIFF {c['id']}: {why}")
        elif args.verbose:
            print(f"ok   {c['id']} {why}")
    print(f"{len(cases) - failed - skipped} passed, {failed} failed, {skipped} skipped (unsupported by PyTorch)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
