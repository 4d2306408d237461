#!/usr/bin/env python3
"""PyTorch as a LossCheck backend: the eval protocol of CASE_SCHEMA.md.

    python3 scripts/backends/torch_backend.py < cases.jsonl > results.jsonl

Reads one case per line and answers one result line per case, flushed.
Each case is evaluated as `getattr(torch.nn, case["loss"])(**options)`
applied to the inputs (by the spec's input order), then `backward` with the
case's grad_output. PyTorch's exceptions become error results; their kind
is inferred from the exception and message (PyTorch has no error kinds), so
compare kinds from this backend with care.

Needs torch (never used in CI or to write goldens).
"""

import json
import math
import os
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(int(os.environ.get("LOSSCHECK_TORCH_THREADS", "1")))

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "golden", "spec")
DTYPES = {"float64": torch.float64, "float32": torch.float32, "float16": torch.float16,
          "bfloat16": torch.bfloat16, "int64": torch.int64}
HALF = ("float16", "bfloat16")
# Losses PyTorch CPU does not implement in the half dtypes ("not implemented
# for 'Half'" / "'BFloat16'", measured with torch 2.15): answered as
# unsupported, whatever the case.
NO_HALF = ("MultiLabelMarginLoss", "MultiMarginLoss", "CTCLoss")


def load_specs():
    specs = {}
    for name in os.listdir(SPEC_DIR):
        if name.endswith(".json"):
            with open(os.path.join(SPEC_DIR, name)) as f:
                s = json.load(f)
            specs[s["loss"]] = s
    return specs


SPECS = load_specs()


def _round_half(dtype, data):
    """The half values the decimals stand for, rounded once from the double
    (torch.tensor(..., dtype=torch.bfloat16) goes through float32)."""
    sys.path.insert(0, os.path.dirname(HERE))
    from reference import core

    return core.round_half(dtype, data).tolist()


def to_torch(t):
    data = [float(x) if isinstance(x, str) else x for x in t["data"]]
    dt = DTYPES[t["dtype"]]
    if t["dtype"] in HALF:
        # Exact half values: float64 -> half is then exact.
        return torch.tensor(_round_half(t["dtype"], data), dtype=torch.float64).to(dt).reshape(t["shape"])
    return torch.tensor(data, dtype=dt).reshape(t["shape"])


def num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def from_torch(t):
    t = t.detach()
    name = {v: k for k, v in DTYPES.items()}[t.dtype]
    if t.dtype in (torch.float16, torch.bfloat16):
        t = t.to(torch.float64)  # exact
    return {"dtype": name, "shape": list(t.shape), "data": [num(x) for x in t.reshape(-1).tolist()]}


def distance(name):
    import torch.nn.functional as F

    if name in (None, "pairwise_distance"):
        return None
    if name == "cosine_distance":
        return lambda a, b: 1.0 - F.cosine_similarity(a, b)
    if name == "l_infinity":
        return lambda a, b: (a - b).abs().amax(dim=-1)
    raise ValueError(f"unknown distance_function {name!r}")


# PyTorch has no error kinds: LossCheck's kind for each of PyTorch's
# messages, first match wins (ordered from the most specific).
KIND_RULES = [
    (r"unexpected keyword argument", "invalid_option"),
    (r"ignore_index is not supported", "invalid_option"),
    (r"must not be empty|Dimension specified as|Attempting to broadcast|Dimension out of range"
     r"|have the same number of dimensions|should have same dimension|target tensor should be"
     r"|expected weight to be None or 1D|0D or 1D target tensor expected|multi-target"
     r"|Expected reduction dim", "shape_mismatch"),
    (r"must be integral|Integral inputs not supported|expected scalar type|must be Tensor, not"
     r"|floating point|dtype|Long|Float", "dtype_mismatch"),
    (r"Expected (input|target)_lengths to have value", "value_out_of_domain"),
    (r"negative values for beta|smoothing|only p ==|reduction|margin|is not a valid value|blank"
     r"|distance_function|must be positive|delta", "invalid_option"),
    (r"out of bounds|out of range|index", "index_out_of_range"),
    (r"between 0 and 1|non-negative|negative|must be in|NaN", "value_out_of_domain"),
    (r"size|shape|match|broadcast|dimension|length|same number", "shape_mismatch"),
]


def kind_of(e):
    import re

    m = f"{type(e).__name__}: {e}"
    for pattern, kind in KIND_RULES:
        if re.search(pattern, m, re.IGNORECASE):
            return kind
    return "invalid_option"


def unsupported(case):
    """Why PyTorch CPU cannot run this case, or None."""
    if case.get("dtype") in HALF and case.get("loss") in NO_HALF:
        return f"{case['loss']} is not implemented for {case['dtype']} on the CPU"
    return None


def _not_implemented(e):
    m = str(e)
    return "not implemented for 'Half'" in m or "not implemented for 'BFloat16'" in m


def answer(case):
    """The result dict of one case: output and grads, error, or unsupported."""
    cid = case.get("id", "") if isinstance(case, dict) else ""
    why = unsupported(case) if isinstance(case, dict) else None
    if why:
        return {"id": cid, "unsupported": why}
    try:
        return evaluate(case)
    except Exception as e:  # PyTorch refused: an error result
        if _not_implemented(e):
            return {"id": cid, "unsupported": f"{type(e).__name__}: {e}"}
        return {"id": cid, "error": {"kind": kind_of(e), "message": f"{type(e).__name__}: {e}"}}


def evaluate(case):
    loss = case["loss"]
    spec = SPECS[loss]
    opts = {}
    for k, v in (case.get("options") or {}).items():
        if isinstance(v, dict):
            opts[k] = to_torch(v)
        elif k == "distance_function":
            opts[k] = distance(v)
        elif v in ("nan", "inf", "-inf"):
            # A non-finite float option is a string in the case schema.
            opts[k] = float(v)
        else:
            opts[k] = v
    module = getattr(torch.nn, loss)(**opts)
    args = []
    wrt = case.get("grad_wrt") or []
    leaves = {}
    for spec_in in spec["inputs"]:
        v = case["inputs"][spec_in["name"]]
        if isinstance(v, dict):
            t = to_torch(v)
            if spec_in["name"] in wrt:
                t.requires_grad_(True)
                leaves[spec_in["name"]] = t
            args.append(t)
        else:
            args.append(float(v))
    out = module(*args)
    result = {"id": case.get("id", ""), "output": from_torch(out)}
    if wrt:
        g = case.get("grad_output")
        g = to_torch(g) if g is not None else torch.ones_like(out)
        grads = torch.autograd.grad(out, [leaves[n] for n in wrt], g, allow_unused=True)
        result["grads"] = {
            n: from_torch(gr if gr is not None else torch.zeros_like(leaves[n])) for n, gr in zip(wrt, grads)
        }
    return result


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except ValueError as e:
            result = {"id": "", "error": {"kind": "invalid_option", "message": f"bad JSON: {e}"}}
        else:
            result = answer(case)
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
