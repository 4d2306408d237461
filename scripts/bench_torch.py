#!/usr/bin/env python3
"""The BENCHMARK.md workload in PyTorch CPU (development only: needs torch).

    python scripts/bench_torch.py --threads 1 --dtype float32 --reps 7 [--loss CTCLoss]

Each row: one forward plus backward for the inputs marked ∂, after a
warm-up; prints a table, and with --json one JSON object {loss: median
seconds} on the last line.
"""

import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

E = 2 ** 22


def rows(dtype):
    g = torch.Generator().manual_seed(0)

    def rand(*shape, lo=-1.0, hi=1.0):
        return (torch.rand(*shape, generator=g, dtype=dtype) * (hi - lo) + lo)

    def sign(*shape):
        return torch.where(torch.rand(*shape, generator=g) < 0.5, -1.0, 1.0).to(dtype)

    def leaf(t):
        return t.detach().requires_grad_(True)

    r = {}
    r["L1Loss"] = (nn.L1Loss(), lambda: (leaf(rand(E)), rand(E)), (0,))
    r["MSELoss"] = (nn.MSELoss(), lambda: (leaf(rand(E)), rand(E)), (0,))
    r["HuberLoss"] = (nn.HuberLoss(), lambda: (leaf(rand(E, lo=-3, hi=3)), rand(E)), (0,))
    r["SmoothL1Loss"] = (nn.SmoothL1Loss(beta=0.5), lambda: (leaf(rand(E, lo=-3, hi=3)), rand(E)), (0,))
    r["PoissonNLLLoss"] = (nn.PoissonNLLLoss(), lambda: (leaf(rand(E)), rand(E, lo=0, hi=5)), (0,))
    r["GaussianNLLLoss"] = (nn.GaussianNLLLoss(),
                            lambda: (leaf(rand(E // 8, 8)), rand(E // 8, 8), rand(E // 8, 8, lo=0.1, hi=2)), (0,))
    r["KLDivLoss"] = (nn.KLDivLoss(reduction="batchmean"),
                      lambda: (leaf(F.log_softmax(rand(4096, 1024), 1)), F.softmax(rand(4096, 1024), 1)), (0,))
    r["BCELoss"] = (nn.BCELoss(), lambda: (leaf(rand(E, lo=0.01, hi=0.99)), rand(E, lo=0, hi=1)), (0,))
    r["BCEWithLogitsLoss"] = (nn.BCEWithLogitsLoss(pos_weight=rand(1024, lo=0.5, hi=2)),
                              lambda: (leaf(rand(E // 1024, 1024, lo=-4, hi=4)), rand(E // 1024, 1024, lo=0, hi=1)),
                              (0,))
    r["SoftMarginLoss"] = (nn.SoftMarginLoss(), lambda: (leaf(rand(E, lo=-3, hi=3)), sign(E)), (0,))
    r["CrossEntropyLoss"] = (nn.CrossEntropyLoss(label_smoothing=0.1),
                             lambda: (leaf(rand(2048, 8192, lo=-4, hi=4)),
                                      torch.randint(0, 8192, (2048,), generator=g)), (0,))
    r["NLLLoss"] = (nn.NLLLoss(), lambda: (leaf(F.log_softmax(rand(65536, 64), 1)),
                                            torch.randint(0, 64, (65536,), generator=g)), (0,))
    r["MultiLabelSoftMarginLoss"] = (nn.MultiLabelSoftMarginLoss(),
                                     lambda: (leaf(rand(4096, 1024, lo=-4, hi=4)),
                                              (torch.rand(4096, 1024, generator=g) < 0.5).to(dtype)), (0,))
    r["MarginRankingLoss"] = (nn.MarginRankingLoss(margin=0.1),
                              lambda: (leaf(rand(E)), leaf(rand(E)), sign(E)), (0, 1))
    r["HingeEmbeddingLoss"] = (nn.HingeEmbeddingLoss(), lambda: (leaf(rand(E, lo=-2, hi=2)), sign(E)), (0,))

    def mlm_target():
        t = torch.randint(0, 256, (4096, 256), generator=g)
        stop = torch.randint(1, 64, (4096, 1), generator=g)
        ar = torch.arange(256).unsqueeze(0)
        return torch.where(ar == stop, torch.tensor(-1), t)

    r["MultiLabelMarginLoss"] = (nn.MultiLabelMarginLoss(), lambda: (leaf(rand(4096, 256)), mlm_target()), (0,))
    r["MultiMarginLoss"] = (nn.MultiMarginLoss(), lambda: (leaf(rand(8192, 512)),
                                                            torch.randint(0, 512, (8192,), generator=g)), (0,))
    r["CosineEmbeddingLoss"] = (nn.CosineEmbeddingLoss(margin=0.2),
                                lambda: (leaf(rand(32768, 128)), leaf(rand(32768, 128)), sign(32768)), (0, 1))
    r["TripletMarginLoss"] = (nn.TripletMarginLoss(),
                              lambda: (leaf(rand(32768, 128)), leaf(rand(32768, 128)), leaf(rand(32768, 128))),
                              (0, 1, 2))
    r["TripletMarginWithDistanceLoss"] = (
        nn.TripletMarginWithDistanceLoss(distance_function=lambda a, b: 1.0 - F.cosine_similarity(a, b)),
        lambda: (leaf(rand(32768, 128)), leaf(rand(32768, 128)), leaf(rand(32768, 128))), (0, 1, 2))

    def ctc_inputs():
        lp = leaf(F.log_softmax(rand(200, 32, 40, lo=-3, hi=3), 2))
        targets = torch.randint(1, 40, (32, 50), generator=g)
        il = torch.full((32,), 200, dtype=torch.int64)
        tl = torch.randint(30, 51, (32,), generator=g)
        return lp, targets, il, tl

    r["CTCLoss"] = (nn.CTCLoss(), ctc_inputs, (0,))
    return r


def time_row(module, make, wrt, reps):
    args = make()
    leaves = [args[i] for i in wrt]

    def once():
        for l in leaves:
            l.grad = None
        out = module(*args)
        out.backward()

    once()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--loss", action="append")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    table = rows(dtype)
    result = {}
    for name, (module, make, wrt) in table.items():
        if args.loss and name not in args.loss:
            continue
        result[name] = time_row(module, make, wrt, args.reps)
        print(f"{name:32s} {result[name] * 1e3:10.3f} ms", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
