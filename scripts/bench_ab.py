#!/usr/bin/env python3
"""Two losscheck binaries on the benchmark workload (golden/benchmark.json),
row by row, alternating, on the same machine at the same moment
(development only).

    python3 scripts/bench_ab.py --old /tmp/old/.build-native/release/losscheck \\
        --new .build-native/release/losscheck --dtype float32 --threads 1

Answers "is the new code slower than the old?" where a table against
PyTorch cannot: ratios measured on different days, or on different hosts
of a shared virtual machine, do not compare row by row. For each row it
runs `losscheck bench --loss ROW --json` with each binary, alternating,
--rounds times (--swap runs the new one first in each round, to show an
order effect); each side's figure is the median of its rounds, and the
ratio is new / old (above 1: the new code is slower). Each binary runs in
the folder of the package it was built from (four levels above
.build*/<triple>/release/losscheck, or --old-dir/--new-dir), so that it
finds its own golden/. Both run with bench_compare.py's allocator setting.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from bench_compare import REUSE_TUNABLES, alternate, last_json, print_summary, workload_losses  # noqa: E402


def package_dir(binary):
    """The package folder a binary was built in: the parent of its .build*
    folder."""
    path = os.path.realpath(binary)
    while path != os.path.dirname(path):
        path = os.path.dirname(path)
        if os.path.basename(path).startswith(".build"):
            return os.path.dirname(path)
    return ROOT


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--old", required=True, help="the old losscheck binary (release)")
    ap.add_argument("--new", required=True, help="the new losscheck binary (release)")
    ap.add_argument("--old-dir", help="where the old binary runs (default: its package folder)")
    ap.add_argument("--new-dir", help="where the new binary runs (default: its package folder)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--swap", action="store_true", help="run the new binary first in each round")
    ap.add_argument("--loss", action="append", help="a row (repeatable; default: every row)")
    args = ap.parse_args()
    sides = {
        "old": (args.old, args.old_dir or package_dir(args.old)),
        "new": (args.new, args.new_dir or package_dir(args.new)),
    }
    env = dict(os.environ, GLIBC_TUNABLES=REUSE_TUNABLES)
    common = ["--threads", str(args.threads), "--dtype", args.dtype, "--reps", str(args.reps), "--json"]
    order = ("new", "old") if args.swap else ("old", "new")
    print(f"{'loss':32s} {'old ms':>9s} {'new ms':>9s} {'new/old':>8s}   ({args.dtype}, {args.threads} "
          f"thread(s), {args.rounds} alternating rounds of {args.reps} reps)")
    ratios = []
    for row in args.loss or workload_losses():
        def runner(side):
            binary, cwd = sides[side]

            def run():
                out = subprocess.run([binary, "bench", "--loss", row] + common, capture_output=True,
                                     text=True, cwd=cwd, env=env)
                value = last_json(out.stdout).get(row)
                if value is None:
                    return f"{side}: " + ((out.stdout + out.stderr).strip().splitlines() or ["no answer"])[-1]
                return value
            return run

        times, failed = alternate([runner(side) for side in order], args.rounds)
        if failed:
            print(f"{row:32s} {'-':>9s} {'-':>9s} {'-':>8s}   {failed}")
            continue
        median = {side: statistics.median(t) for side, t in zip(order, times)}
        old, new = median["old"], median["new"]
        ratios.append(new / old)
        print(f"{row:32s} {old * 1e3:9.3f} {new * 1e3:9.3f} {new / old:8.3f}")
    print_summary(ratios, "new/old")

if __name__ == "__main__":
    main()
