#!/usr/bin/env python3
"""The benchmark workload (golden/benchmark.json) in PyTorch CPU (development only: needs torch).

    python scripts/bench_torch.py --threads 1 --dtype float32 --reps 7 [--loss CTCLoss]

Each row: one forward plus backward for the inputs marked ∂, after a
warm-up; prints a table, and with --json one JSON object {loss: median
seconds} on the last line.
"""

import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = os.path.join(os.path.dirname(HERE), "golden", "benchmark.json")


def workload():
    """The rows of golden/benchmark.json (what `losscheck bench` times)."""
    with open(WORKLOAD, encoding="utf-8") as f:
        return json.load(f)["rows"]


def _module(loss, options):
    """The torch.nn module of a row; `options` holds tensors already."""
    options = dict(options)
    if options.get("distance_function") == "cosine_distance":
        options["distance_function"] = lambda a, b: 1.0 - F.cosine_similarity(a, b)
    return getattr(nn, loss)(**options)


DTYPES = {"float32": torch.float32, "float64": torch.float64,
          "float16": torch.float16, "bfloat16": torch.bfloat16}


def rows(dtype):
    """{loss: (module, make_args, wrt positions)} for every workload row.
    The fills follow golden/benchmark.json; the values are PyTorch's own
    random draws (the Swift side draws SplitMix64), the shapes and ranges
    are the same."""
    g = torch.Generator().manual_seed(0)

    # Half inputs are drawn in float32 and rounded once to the dtype, as
    # the Swift side rounds its draws.
    draw = dtype if dtype in (torch.float32, torch.float64) else torch.float32

    def rand(shape, lo, hi):
        return (torch.rand(*shape, generator=g, dtype=draw) * (hi - lo) + lo).to(dtype)

    def fill(f):
        shape, kind = f["shape"], f["fill"]
        lo, hi = f.get("range", (0, 1))
        if kind == "uniform":
            return rand(shape, lo, hi)
        if kind == "signs":
            return torch.where(torch.rand(*shape, generator=g) < 0.5, -1.0, 1.0).to(dtype)
        if kind == "bits":
            return (torch.rand(*shape, generator=g) < 0.5).to(dtype)
        if kind == "indices":
            return torch.randint(int(lo), int(hi), tuple(shape), generator=g)
        if kind == "constant":
            return torch.full(tuple(shape), int(f["value"]), dtype=torch.int64)
        if kind == "log_softmax":
            return F.log_softmax(rand(shape, lo, hi).to(draw), -1).to(dtype)
        if kind == "softmax":
            return F.softmax(rand(shape, lo, hi).to(draw), -1).to(dtype)
        if kind == "multilabel":
            t = torch.randint(0, shape[1], tuple(shape), generator=g)
            stop = torch.randint(int(lo), int(hi), (shape[0], 1), generator=g)
            return torch.where(torch.arange(shape[1]).unsqueeze(0) == stop, torch.tensor(-1), t)
        raise ValueError(f"unknown fill {kind!r}")

    table = {}
    for row in workload():
        options = {k: fill(v) if isinstance(v, dict) else v for k, v in row.get("options", {}).items()}
        names = list(row["inputs"])
        wrt = tuple(names.index(n) for n in row["wrt"])

        def make(row=row, wrt=wrt):
            args = [fill(f) for f in row["inputs"].values()]
            return tuple(a.detach().requires_grad_(True) if i in wrt else a for i, a in enumerate(args))

        table[row["loss"]] = (_module(row["loss"], options), make, wrt)
    return table


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
    ap.add_argument("--dtype", choices=tuple(DTYPES), default="float32")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--loss", action="append")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = DTYPES[args.dtype]
    table = rows(dtype)
    result = {}
    for name, (module, make, wrt) in table.items():
        if args.loss and name not in args.loss:
            continue
        try:
            result[name] = time_row(module, make, wrt, args.reps)
        except (RuntimeError, NotImplementedError) as e:
            # PyTorch CPU lacks some losses in half dtypes
            # (MultiLabelMargin, MultiMargin, CTC): the row is n/a.
            if "not implemented" not in str(e):
                raise
            result[name] = None
            print(f"{name:32s}        n/a ({str(e).splitlines()[0][:80]})",
                  file=sys.stderr if args.json else sys.stdout)
            continue
        print(f"{name:32s} {result[name] * 1e3:10.3f} ms", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
