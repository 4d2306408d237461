"""Shared by the binary/logistic losses (BCE, BCEWithLogits, SoftMargin,
MultiLabelSoftMargin): tensor options that broadcast to the input, targets
that may be int64, and the parts of the case grid they have in common.
The Swift counterpart is Sources/LossCheck/Losses/Logistic.swift.
"""

import numpy as np

from . import core
from .difference import point_name, shape_name  # noqa: F401  (re-exported for the loss modules)


def fits(small, big):
    """Whether shape `small` broadcasts to `big` without enlarging it."""
    small, big = tuple(small), tuple(big)
    if len(small) > len(big):
        return False
    return all(s == 1 or s == b for s, b in zip(small[::-1], big[::-1]))


def option_to(c, name, shape):
    """Tensor option `name` (or None) read at `shape`; PyTorch multiplies it
    into the loss in place, so it must broadcast to `shape` without
    enlarging it (else shape_mismatch)."""
    t = c.options.get(name)
    if t is None:
        return None
    if not fits(t.shape, shape):
        raise core.LossError(
            "shape_mismatch",
            f"{name}: shape {list(t.shape)} does not broadcast to the input's shape {list(shape)} "
            "without enlarging it",
        )
    return np.broadcast_to(t.value.astype(np.float64), shape)


def target_values(c, name="target"):
    """A target declared with dtype "any": int64 (promoted, as PyTorch does)
    or the case's floating dtype. A floating target of the other dtype is
    refused (PyTorch would promote the whole computation; a case has one
    dtype)."""
    t = c.inputs[name]
    if t.dtype == "int64":
        return t.value.astype(np.float64)
    if t.dtype != c.dtype:
        raise core.LossError(
            "dtype_mismatch", f"inputs.{name}: dtype {t.dtype} where the case computes in {c.dtype}"
        )
    return t.value


def uniform(b, rng, shape, lo, hi, dtype):
    return b.uniform(rng, shape, lo, hi, dtype)


def signs(rng, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    return np.array([rng.choice((-1.0, 1.0)) for _ in range(n)]).reshape(shape)


def bits(rng, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    return np.array([float(rng.randrange(2)) for _ in range(n)]).reshape(shape)


def declare_common(b, dtype, base, pair, grad_wrt, empty):
    """Empty inputs, the deprecated size_average/reduce, elementwise_mean and
    bad reductions: the same for every loss of the family."""
    for red in ("none", "mean", "sum"):
        b.add(f"{red}/empty", dtype, dict(base, reduction=red), empty, grad_wrt)
    b.reduction_cases(dtype, base, pair, grad_wrt)


def random_shape(rng, min_rank=0, max_rank=3):
    return tuple(rng.randint(1, 5) for _ in range(rng.randint(min_rank, max_rank)))


def random_fitting_shape(rng, shape):
    """A random shape that broadcasts to `shape` without enlarging it."""
    k = rng.randint(0, len(shape))
    tail = shape[len(shape) - k:]
    return tuple(1 if rng.random() < 0.3 else n for n in tail)


def random_reduction(rng):
    return rng.choice(["none", "mean", "sum"])
