"""What the exec backends in this folder share.

The eval protocol's loop over standard input (`serve`), case tensors
decoded to NumPy (`array`), torch.nn's resolution of `reduction` and of
the deprecated size_average/reduce (`reduction`), and, for the adapters of
other frameworks, the mapping of their exceptions to LossCheck's error
kinds (`serve_adapter`). A backend run as `python scripts/backends/X.py`
imports this module from its own folder.
"""

import json
import math
import re
import sys

import numpy as np

NP = {"float64": np.float64, "float32": np.float32, "int64": np.int64}
# Losses without the deprecated size_average/reduce, and those that refuse
# the deprecated 'elementwise_mean' spelling of 'mean'.
NO_DEPRECATED = {"HuberLoss", "GaussianNLLLoss",
                 "TripletMarginWithDistanceLoss", "CTCLoss"}
NO_ALIAS = {"PoissonNLLLoss", "GaussianNLLLoss", "MultiLabelSoftMarginLoss",
            "TripletMarginWithDistanceLoss"}


class Unsupported(Exception):
    """The framework cannot express this case."""


class Refused(Exception):
    """The PyTorch API refuses the call (kind is LossCheck's error kind)."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


def array(t):
    """A case tensor (float64, float32 or int64) as a NumPy array; the
    non-finite values, written as strings, become floats."""
    data = [float(x) if isinstance(x, str) else x for x in t["data"]]
    return np.array(data, dtype=NP[t["dtype"]]).reshape(t["shape"])


def option(v, tensor):
    """An option value: a tensor option through `tensor`, a non-finite
    float option (a string) as a float, anything else unchanged."""
    if isinstance(v, dict):
        return tensor(v)
    return float(v) if v in ("nan", "inf", "-inf") else v


def num(x):
    """A float for a result tensor: "nan", "inf", "-inf" when not finite."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def reduction(loss, o):
    """The reduction torch.nn would use, or Refused."""
    r = o.get("reduction", "mean")
    if "size_average" in o or "reduce" in o:
        if loss in NO_DEPRECATED:
            raise Refused("invalid_option",
                          f"{loss} has no size_average/reduce")
        if o.get("reduce") is False:
            r = "none"
        elif o.get("size_average") is False:
            r = "sum"
        else:
            r = "mean"
    if r == "elementwise_mean" and loss not in NO_ALIAS:
        r = "mean"
    allowed = {"none", "mean", "sum"} | (
        {"batchmean"} if loss == "KLDivLoss" else set())
    if r not in allowed:
        raise Refused("invalid_option",
                      f"{r} is not a valid value for reduction")
    return r


def bind(case, losses, tensor, framework):
    """The case's loss as a function of its inputs: `(fn, x, wrt)`, where
    `losses[case["loss"]](options, reduction, x)` made `fn`, `x` holds the
    decoded inputs and `wrt` the inputs whose gradients the case asks for.
    A loss not in `losses` is Unsupported (`framework` names who lacks it);
    a reduction torch.nn refuses is Refused."""
    loss = case["loss"]
    if loss not in losses:
        raise Unsupported(f"{framework} has no {loss}")
    opts = {k: option(v, tensor)
            for k, v in (case.get("options") or {}).items()}
    r = reduction(loss, opts)
    x = {k: tensor(v) if isinstance(v, dict) else v
         for k, v in case["inputs"].items()}
    return losses[loss](opts, r, x), x, case.get("grad_wrt") or []


def kind_of(e, rules):
    """LossCheck's error kind for a framework exception: the kind of the
    first (pattern, kind) rule whose pattern the type and message match,
    else invalid_option."""
    text = f"{type(e).__name__}: {e}"
    for pattern, kind in rules:
        if re.search(pattern, text, re.IGNORECASE):
            return kind
    return "invalid_option"


def serve(answer, dumps=json.dumps):
    """The eval protocol: one result line per case line of standard input,
    flushed, `answer(case)` written by `dumps`; blank lines are skipped and
    a line that is not a case gets an invalid_option error result."""
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            text = dumps(answer(json.loads(line)))
        except Exception as e:  # a line that is not JSON: an error result
            text = dumps({"id": "", "error": {
                "kind": "invalid_option",
                "message": f"{type(e).__name__}: {e}"}})
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def answer_adapted(case, evaluate, rules):
    """`evaluate(case)` as a result: Unsupported becomes an unsupported
    answer, Refused an error of its kind, any other exception (the
    framework refused the call) an error of the kind `rules` give."""
    cid = case.get("id", "") if isinstance(case, dict) else ""
    try:
        return evaluate(case)
    except Unsupported as e:
        return {"id": cid, "unsupported": str(e)}
    except Refused as e:
        return {"id": cid, "error": {"kind": e.kind, "message": str(e)}}
    except Exception as e:
        message = f"{type(e).__name__}: {e}"
        return {"id": cid, "error": {"kind": kind_of(e, rules),
                                     "message": message}}


def serve_adapter(evaluate, rules):
    """`serve` for a framework adapter, each case answered by
    `answer_adapted(case, evaluate, rules)`."""
    serve(lambda case: answer_adapted(case, evaluate, rules))
