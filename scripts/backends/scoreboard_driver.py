#!/usr/bin/env python3
"""Feeds the golden cases to an exec backend and judges its answers.

    python3 scripts/backends/scoreboard_driver.py \
        --backend '/root/jaxvenv/bin/python scripts/backends/jax_backend.py' \
        [--loss HuberLoss] [--json out.json]

A stand-in for `losscheck run` while the harness learns the `unsupported`
result of schema 1.1: the same judgement as the Swift judge (NaN matches
NaN, an infinity the same infinity, |a - e| <= atol + rtol*|e| with the
case's tolerance or the spec's, shapes and dtypes must match, an expected
error needs an error of the same kind), plus `unsupported` counted as
skipped. Prints a per-loss table; --json writes every verdict.
"""

import argparse
import glob
import json
import math
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def values(t):
    return [float(x) for x in t["data"]]


def compare(field, e, a, tol, problems):
    """Appends a problem line when tensor `a` is not `e` within `tol`."""
    if not isinstance(a, dict) or "data" not in a:
        problems.append(f"{field}: not a tensor")
        return
    if list(e["shape"]) != list(a.get("shape", [])):
        problems.append(f"{field}: shape {a.get('shape')}, "
                        f"expected {e['shape']}")
        return
    if e["dtype"] != a.get("dtype"):
        problems.append(f"{field}: dtype {a.get('dtype')}, "
                        f"expected {e['dtype']}")
    worst = None
    bad = 0
    ev, av = values(e), values(a)
    for i, (x, y) in enumerate(zip(ev, av)):
        if math.isnan(x) or math.isnan(y):
            r = 0.0 if (math.isnan(x) and math.isnan(y)) else math.inf
        elif math.isinf(x) or math.isinf(y):
            r = 0.0 if x == y else math.inf
        else:
            err = abs(y - x)
            allowed = tol["atol"] + tol["rtol"] * abs(x)
            r = 0.0 if err == 0 else err / allowed
        if r > 1:
            bad += 1
        if worst is None or r > worst[0]:
            worst = (r, i, x, y)
    if worst and worst[0] > 1:
        problems.append(f"{field}: {bad}/{len(ev)} out of tolerance, worst "
                        f"[{worst[1]}] expected {worst[2]!r} got "
                        f"{worst[3]!r} (ratio {worst[0]:.3g})")


def judge(case, result, tol):
    """Returns (status, problems) with status passed/failed/skipped."""
    if "unsupported" in result:
        return "skipped", [result["unsupported"]]
    problems = []
    if result.get("id") != case["id"]:
        problems.append(f"result id {result.get('id')!r}")
    exp = case["expected"]
    if "error" in exp:
        if "error" in result:
            if result["error"].get("kind") != exp["error"]["kind"]:
                problems.append(f"expected error {exp['error']['kind']}, "
                                f"got error {result['error'].get('kind')}: "
                                f"{result['error'].get('message')}")
        else:
            problems.append(f"expected error {exp['error']['kind']}, "
                            "got a value")
    elif "error" in result:
        problems.append(f"expected a value, got error "
                        f"{result['error'].get('kind')}: "
                        f"{result['error'].get('message')}")
    else:
        compare("output", exp["output"], result.get("output"), tol, problems)
        for name in sorted(exp.get("grads", {})):
            got = (result.get("grads") or {}).get(name)
            if got is None:
                problems.append(f"no gradient for {name}")
            else:
                compare(f"grads.{name}", exp["grads"][name], got, tol,
                        problems)
    return ("failed" if problems else "passed"), problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", required=True)
    ap.add_argument("--loss", action="append")
    ap.add_argument("--json")
    args = ap.parse_args()
    with open(os.path.join(ROOT, "golden", "spec.json")) as f:
        tolerances = json.load(f)["tolerances"]
    def start():
        return subprocess.Popen(shlex.split(args.backend),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, cwd=ROOT)

    proc = start()
    rows, verdicts = {}, []
    for path in sorted(glob.glob(os.path.join(ROOT, "golden", "*.jsonl"))):
        loss = os.path.basename(path)[:-len(".jsonl")]
        if args.loss and loss not in args.loss:
            continue
        counts = rows.setdefault(loss, {"passed": 0, "failed": 0,
                                        "skipped": 0})
        with open(path) as f:
            for line in f:
                case = json.loads(line)
                try:
                    proc.stdin.write(line.rstrip("\n") + "\n")
                    proc.stdin.flush()
                    answer = proc.stdout.readline()
                except BrokenPipeError:
                    answer = ""
                if answer:
                    result = json.loads(answer)
                else:  # crashed: an error result, and a fresh backend
                    status = proc.wait()
                    tail = proc.stderr.read()[-300:].strip()
                    result = {"id": case["id"], "error": {
                        "kind": "backend_crashed",
                        "message": f"exit status {status}: {tail}"}}
                    proc = start()
                tol = case.get("tolerance") or tolerances[case["dtype"]]
                status, problems = judge(case, result, tol)
                counts[status] += 1
                verdicts.append({"id": case["id"], "loss": loss,
                                 "status": status, "problems": problems})
    proc.stdin.close()
    proc.wait()
    print(f"{'loss':<30} {'passed':>6} {'failed':>6} {'skipped':>7}")
    total = {"passed": 0, "failed": 0, "skipped": 0}
    for loss, c in rows.items():
        print(f"{loss:<30} {c['passed']:>6} {c['failed']:>6} "
              f"{c['skipped']:>7}")
        for k in total:
            total[k] += c[k]
    print(f"{'total':<30} {total['passed']:>6} {total['failed']:>6} "
          f"{total['skipped']:>7}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "verdicts": verdicts}, f, indent=1)


if __name__ == "__main__":
    main()
