#!/usr/bin/env python3
"""Judge a backend's answers to the half-precision cases with the tolerance
model of docs/HALF_PRECISION.md (development: the Swift judge applies the
same rule in `losscheck run`).

    # PyTorch CPU over every float16 and bfloat16 golden
    /root/torchvenv/bin/python scripts/half_judge.py --backend torch
    # the planted backend that accumulates in half (must fail)
    python3 scripts/half_judge.py --backend half_accumulate --dtype float16
    # any eval-protocol command
    python3 scripts/half_judge.py --exec "python3 scripts/backends/numpy_backend.py"

The rule, per element of the output and of each gradient:
|actual - expected| <= atol_elements_i + rtol |expected|; NaN matches NaN,
an infinity only the same infinity. An expected error passes when the
backend refuses too (kinds are not compared: PyTorch has none); an
`unsupported` answer is skipped, counted apart.
"""

import argparse
import collections
import glob
import json
import math
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "backends"))

from reference import core, golden  # noqa: E402
from reference.half import judge_tensor  # noqa: E402


def _vals(t):
    return [float(x) for x in t["data"]]


def judge(case, result, scale=1.0):
    """("pass" | "fail" | "skip", detail) for one half case and an answer;
    `scale` multiplies the element bounds (calibration studies only)."""
    if "unsupported" in result:
        return "skip", result["unsupported"]
    exp = case["expected"]
    if "error" in exp:
        if "error" in result:
            return "pass", "both refuse"
        return "fail", "answers where the reference refuses (" + exp["error"]["kind"] + ")"
    if "error" in result:
        return "fail", "refuses: " + result["error"]["message"][:160]
    tol = case["tolerance"]
    fields = [("output", exp["output"], result.get("output"), tol["atol_elements"]["output"])]
    for n, g in (exp.get("grads") or {}).items():
        fields.append((f"grads.{n}", g, (result.get("grads") or {}).get(n), tol["atol_elements"]["grads"][n]))
    worst = 0.0
    for name, e, a, t in fields:
        if a is None:
            return "fail", f"{name}: missing"
        if list(a["shape"]) != list(e["shape"]):
            return "fail", f"{name}: shape {a['shape']} vs {e['shape']}"
        ev, av, tv = _vals(e), _vals(a), [scale * x for x in _vals(t)]
        bad, w = judge_tensor(av, ev, tol["rtol"], tv)
        worst = max(worst, w)
        if bad:
            i = bad[0]
            return "fail", (f"{name}[{i}]: {av[i]!r} vs expected {ev[i]!r} "
                            f"(bound {tv[i] + tol['rtol'] * abs(ev[i]) if math.isfinite(ev[i]) else 0:.3g}; "
                            f"{len(bad)} of {len(ev)} elements out)")
    return "pass", f"worst {worst:.3f}"


def load(files, dtypes):
    cases = []
    for f in files:
        with open(f) as fh:
            for line in fh:
                if line.strip():
                    c = json.loads(line)
                    if c["dtype"] in dtypes:
                        cases.append(c)
    return cases


def answers(cases, backend, command):
    plain = [{k: v for k, v in c.items() if k not in ("expected", "tolerance")} for c in cases]
    if command:
        proc = subprocess.run(shlex.split(command), input="".join(json.dumps(c) + "\n" for c in plain),
                              capture_output=True, text=True)
        out = [json.loads(line) for line in proc.stdout.splitlines()]
        if len(out) != len(cases):
            raise SystemExit(f"the command answered {len(out)} lines for {len(cases)} cases\n{proc.stderr[-2000:]}")
        return out
    if backend == "torch":
        import torch_backend

        return [torch_backend.answer(c) for c in plain]
    if backend == "half_accumulate":
        import half_accumulate_backend

        return [half_accumulate_backend.answer(c) for c in plain]
    if backend == "numpy":
        import numpy_backend

        return [numpy_backend.evaluate(c) for c in plain]
    raise SystemExit(f"unknown backend {backend!r}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="golden files (default: golden/*.jsonl)")
    ap.add_argument("--backend", default="torch", help="torch | half_accumulate | numpy (imported)")
    ap.add_argument("--exec", dest="command", help="an eval-protocol command instead")
    ap.add_argument("--dtype", action="append", choices=core.HALF_DTYPES)
    ap.add_argument("--loss", action="append")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    ap.add_argument("--bound-scale", type=float, default=1.0,
                    help="multiply every element bound (e.g. 0.5: what c / 2 would give); calibration only")
    args = ap.parse_args(argv)
    files = args.files or sorted(glob.glob(os.path.join(golden.GOLDEN_DIR, "*.jsonl")))
    if args.loss:
        files = [f for f in files if os.path.basename(f)[:-6] in args.loss]
    cases = load(files, tuple(args.dtype or core.HALF_DTYPES))
    results = answers(cases, args.backend, args.command)
    counts = collections.defaultdict(collections.Counter)
    for c, r in zip(cases, results):
        status, detail = judge(c, r, args.bound_scale)
        counts[(c["loss"], c["dtype"])][status] += 1
        if status == "fail" and args.verbose:
            print(f"FAIL {c['id']}: {detail}")
    total = collections.Counter()
    print(f"{'loss':32} {'dtype':9} {'pass':>5} {'fail':>5} {'skip':>5}")
    for (loss, dtype), k in sorted(counts.items()):
        total.update(k)
        print(f"{loss:32} {dtype:9} {k['pass']:5} {k['fail']:5} {k['skip']:5}")
    print(f"{'total':42} {total['pass']:5} {total['fail']:5} {total['skip']:5}")
    return 1 if total["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
