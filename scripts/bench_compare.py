#!/usr/bin/env python3
"""The Swift reference and PyTorch CPU on the benchmark workload
(golden/benchmark.json), side by side in one run, row by row (development
only: needs torch).

    /path/to/venv/python scripts/bench_compare.py --threads 1 --dtype float32

First it builds the release losscheck with native code generation
(`LOSSCHECK_NATIVE=1 swift build -c release --product losscheck
--scratch-path .build-native`, the build every published figure was
measured with; a folder of its own, because SwiftPM does not rebuild
objects when only that variable changes; --no-build skips the build, and
naming another binary with --losscheck skips it too). For each row it runs
`losscheck bench --loss ROW --json` and `scripts/bench_torch.py --loss ROW --json` one after the other, so both
see the same machine at the same moment, --rounds times, alternating. Each
run reports the median of --reps repetitions after a warm-up; a side's
figure is the median over its rounds, and the ratio is Swift / PyTorch of
those (below 1: the Swift reference is faster). On a shared virtual machine
a burst of fresh-page faults or a noisy neighbour can slow one run several
times over; alternating rounds lets both sides see it and keeps one burst
from deciding a row. The `spread` column is the lowest and highest ratio
of a single round. The last line is the median ratio over the rows.

Both processes run with the same glibc allocator settings. By default
(--allocator reuse) that is GLIBC_TUNABLES=%s
for both: large blocks stay on the heap after a free, so that a repetition
reuses the memory of the one before instead of taking fresh pages from the
kernel. Fresh pages are the noisiest cost on a virtual machine (each first
touch may fault in the host as well), and both the Swift reference and
PyTorch allocate their gradients through glibc's malloc, so the setting
applies to both alike. --allocator default leaves glibc as it is.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

REUSE_TUNABLES = "glibc.malloc.trim_threshold=1073741824:glibc.malloc.mmap_threshold=33554432"
__doc__ = __doc__ % REUSE_TUNABLES



def workload_losses():
    """The losses of golden/benchmark.json, in its order."""
    with open(os.path.join(ROOT, "golden", "benchmark.json"), encoding="utf-8") as f:
        return [r["loss"] for r in json.load(f)["rows"]]


def build_native():
    """The release losscheck with native code generation, in .build-native.
    SwiftPM 6.3 sometimes fails there with "unknown build description" once
    the manifest's environment changed; its cached build description is
    then removed and the build run once more."""
    scratch = os.path.join(ROOT, ".build-native")
    cmd = ["swift", "build", "-c", "release", "--product", "losscheck", "--scratch-path", scratch]
    env = dict(os.environ, LOSSCHECK_NATIVE="1")
    first = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    sys.stderr.write(first.stdout + first.stderr)
    if first.returncode == 0 and "unknown build description" not in first.stdout + first.stderr:
        return
    for stale in ("build.db", os.path.join("x86_64-unknown-linux-gnu", "release", "description.json")):
        try:
            os.remove(os.path.join(scratch, stale))
        except FileNotFoundError:
            pass
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def alternate(runners, rounds):
    """Calls each of `runners` in turn, `rounds` times (at least once), so
    that they all see the machine as it is at that moment. A runner returns
    a time in seconds, or a string saying why there is none, which stops
    the row. Returns (a list of times per runner, None) or (empty lists,
    the reason)."""
    times = [[] for _ in runners]
    for _ in range(max(1, rounds)):
        for k, run in enumerate(runners):
            value = run()
            if isinstance(value, str):
                return [[] for _ in runners], value
            times[k].append(value)
    return times, None


def print_summary(ratios, what):
    """The last line: the median and the worst of the rows' ratios."""
    if ratios:
        print(f"median {what} {statistics.median(ratios):.3f}, worst {max(ratios):.3f} over {len(ratios)} rows")


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return {}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--allocator", choices=("reuse", "default"), default="reuse",
                    help="glibc malloc settings for both sides (see above)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating Swift/PyTorch runs per row")
    ap.add_argument("--loss", action="append")
    ap.add_argument("--losscheck", default=None,
                    help="a release losscheck binary to time as it is (default: build "
                         ".build-native/release/losscheck with LOSSCHECK_NATIVE=1)")
    ap.add_argument("--no-build", action="store_true",
                    help="time .build-native/release/losscheck without building it first")
    args = ap.parse_args()
    if args.losscheck is None:
        args.losscheck = os.path.join(ROOT, ".build-native", "release", "losscheck")
        if not args.no_build:
            # The native flags are opt-in (Package.swift): without them the
            # Swift side would be timed in its baseline build.
            build_native()
    common = ["--threads", str(args.threads), "--dtype", args.dtype, "--reps", str(args.reps), "--json"]
    ratios = []
    env = dict(os.environ)
    env.pop("GLIBC_TUNABLES", None)
    if args.allocator == "reuse":
        env["GLIBC_TUNABLES"] = REUSE_TUNABLES
    print(f"{'loss':32s} {'swift ms':>10s} {'torch ms':>10s} {'ratio':>7s} {'spread':>13s}"
          f"   ({args.dtype}, {args.threads} thread(s), {args.rounds} rounds of {args.reps} reps, "
          f"allocator {args.allocator})")
    for row in args.loss or workload_losses():
        def swift():
            s = subprocess.run([args.losscheck, "bench", "--loss", row] + common, capture_output=True, text=True,
                               cwd=ROOT, env=env)
            value = last_json(s.stdout).get(row)
            return value if value is not None else ((s.stdout + s.stderr).strip().splitlines() or ["no answer"])[-1]

        def torch():
            t = subprocess.run([sys.executable, os.path.join(HERE, "bench_torch.py"), "--loss", row] + common,
                               capture_output=True, text=True, env=env)
            answer = last_json(t.stdout)
            if row in answer and answer[row] is None:
                return "n/a: PyTorch CPU does not implement it in " + args.dtype
            return answer[row] if answer.get(row) is not None else t.stderr.strip()[-200:]

        (sws, tos), why = alternate([swift, torch], args.rounds)
        if why is not None:
            print(f"{row:32s} {'-':>10s} {'-':>10s} {'-':>7s}   {why}")
            continue
        sv, tv = statistics.median(sws), statistics.median(tos)
        each = [a / b for a, b in zip(sws, tos)]
        ratios.append(sv / tv)
        print(f"{row:32s} {sv * 1e3:10.3f} {tv * 1e3:10.3f} {sv / tv:7.3f} {min(each):6.3f}-{max(each):6.3f}")
    print_summary(ratios, "ratio")

if __name__ == "__main__":
    main()
