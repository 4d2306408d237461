"""Reductions: the effective reduction of a call, and its forward and
backward (the cotangent of each unreduced element)."""

from __future__ import annotations

import numpy as np

from .core import LossError
from .libm import NAN, fsum

REDUCTIONS = ("none", "mean", "sum")


def resolve_reduction(options, loss_spec):
    """The effective reduction, with PyTorch's deprecated-argument rules.

    `size_average`/`reduce`, when either is given (not null), override
    `reduction`: reduce=False gives none; else size_average=False gives sum;
    else mean. `'elementwise_mean'` is an alias of mean unless the loss spec
    sets `elementwise_mean_alias: false`.
    """
    spec_opts = {o["name"]: o for o in loss_spec["options"]}
    if "reduction" not in spec_opts:
        return None
    sa = options.get("size_average")
    rd = options.get("reduce")
    if sa is not None or rd is not None:
        if rd is False:
            return "none"
        if sa is False:
            return "sum"
        return "mean"
    reduction = options.get("reduction", spec_opts["reduction"]["default"])
    allowed = tuple(spec_opts["reduction"]["values"])
    if reduction == "elementwise_mean" and loss_spec.get("elementwise_mean_alias", True):
        return "mean"
    if reduction not in allowed:
        raise LossError(
            "invalid_option",
            f"reduction: {reduction!r} is not a valid value "
            f"(expected one of {', '.join(allowed)})",
        )
    return reduction


def reduce_forward(values, reduction):
    """Apply `none`/`sum`/`mean` (mean over zero elements is NaN)."""
    values = np.asarray(values, dtype=np.float64)
    if reduction == "none":
        return values
    s = fsum(values)
    if reduction == "sum":
        return np.array(s)
    return np.array(s / values.size if values.size else NAN)


def reduce_backward(grad_output, reduction, shape):
    """The cotangent of each unreduced element."""
    g = np.asarray(grad_output, dtype=np.float64)
    n = int(np.prod(shape)) if len(shape) else 1
    if reduction == "none":
        return np.broadcast_to(g, shape).astype(np.float64)
    scale = float(g.reshape(-1)[0]) if g.size else 1.0
    if reduction == "mean":
        scale = scale / n if n else NAN
    return np.full(shape, scale, dtype=np.float64)
