#!/usr/bin/env python3
"""The Swift reference and PyTorch CPU on the BENCHMARK.md workload, side by
side in one run, row by row (development only: needs torch).

    /path/to/venv/python scripts/bench_compare.py --threads 1 --dtype float32

For each row it runs `losscheck bench --loss ROW --json` (release build)
and `scripts/bench_torch.py --loss ROW --json` one after the other, so both
see the same machine at the same moment, and prints the medians and the
ratio Swift / PyTorch (below 1: the Swift reference is faster). The last
line is the median ratio over the rows.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

ROWS = [
    "L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss", "PoissonNLLLoss", "GaussianNLLLoss", "KLDivLoss",
    "BCELoss", "BCEWithLogitsLoss", "SoftMarginLoss", "CrossEntropyLoss", "NLLLoss", "MultiLabelSoftMarginLoss",
    "MarginRankingLoss", "HingeEmbeddingLoss", "MultiLabelMarginLoss", "MultiMarginLoss", "CosineEmbeddingLoss",
    "TripletMarginLoss", "TripletMarginWithDistanceLoss", "CTCLoss",
]


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
    ap.add_argument("--loss", action="append")
    ap.add_argument("--losscheck", default=os.path.join(ROOT, ".build", "release", "losscheck"),
                    help="the release losscheck binary (swift build -c release)")
    args = ap.parse_args()
    common = ["--threads", str(args.threads), "--dtype", args.dtype, "--reps", str(args.reps), "--json"]
    ratios = []
    print(f"{'loss':32s} {'swift ms':>10s} {'torch ms':>10s} {'ratio':>7s}   ({args.dtype}, {args.threads} thread(s))")
    for row in args.loss or ROWS:
        s = subprocess.run([args.losscheck, "bench", "--loss", row] + common, capture_output=True, text=True,
                           cwd=ROOT)
        t = subprocess.run([sys.executable, os.path.join(HERE, "bench_torch.py"), "--loss", row] + common,
                           capture_output=True, text=True)
        sv = last_json(s.stdout).get(row)
        tv = last_json(t.stdout).get(row)
        if sv is None or tv is None:
            why = (s.stdout + s.stderr).strip().splitlines()[-1:] if sv is None else t.stderr.strip()[-200:]
            print(f"{row:32s} {'-':>10s} {'-':>10s} {'-':>7s}   {why}")
            continue
        ratios.append(sv / tv)
        print(f"{row:32s} {sv * 1e3:10.3f} {tv * 1e3:10.3f} {sv / tv:7.3f}")
    if ratios:
        print(f"median ratio {statistics.median(ratios):.3f}, worst {max(ratios):.3f} over {len(ratios)} rows")


if __name__ == "__main__":
    main()
