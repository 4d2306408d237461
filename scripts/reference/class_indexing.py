"""Shared by the class-index losses (NLLLoss, CrossEntropyLoss): the layout
of the class dimension, target and weight validation, and the case helpers.

The class dimension is 1 for a batched input (N, C, d1, ...) and 0 for an
unbatched input (C). The reference moves it last and works on rows: a
(M, C) matrix with M = N * d1 * ... (1 unbatched), one target per row.
The Swift counterpart is Sources/LossCheck/Losses/ClassIndexing.swift
(`ClassLayout` there and here).
"""

import numpy as np

from . import core
from . import libm


class ClassLayout:
    """The input as (M, C) rows and how to put a row-shaped result back."""

    def __init__(self, x_shape, out_shape):
        self.x_shape = tuple(x_shape)
        self.out_shape = tuple(out_shape)  # the unreduced output's shape
        self.C = self.x_shape[0] if len(self.x_shape) == 1 else self.x_shape[1]
        self.batched = len(self.x_shape) > 1

    def rows(self, a):
        """(N, C, d...) or (C) -> (M, C)."""
        a = np.asarray(a, dtype=np.float64)
        if not self.batched:
            return a.reshape(1, self.C)
        return np.moveaxis(a, 1, -1).reshape(-1, self.C)

    def unrows(self, r):
        """(M, C) -> the input's layout."""
        if not self.batched:
            return r.reshape(self.x_shape)
        moved = (self.x_shape[0],) + self.x_shape[2:] + (self.C,)
        return np.moveaxis(r.reshape(moved), -1, 1)


def fsum(a):
    """libm.fsum, also when +inf and -inf meet (NaN, as a plain sum gives)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    if not np.all(np.isfinite(a)):
        if np.any(np.isnan(a)) or (np.any(a == np.inf) and np.any(a == -np.inf)):
            return np.nan
        return np.inf if np.any(a == np.inf) else -np.inf
    return libm.fsum(a)


def shape_str(s):
    return str(list(s))


def index_rows(x_shape, t_shape, loss, allow_len1_unbatched=True):
    """Validate shapes for class-index targets (PyTorch's nll_loss_nd order)
    and return the ClassLayout. `t_shape` of () or (1,) goes with (C)."""
    nd = len(x_shape)
    if nd < 1:
        raise core.LossError("shape_mismatch", f"input: shape [] has no class dimension (expected (C), (N, C) or (N, C, d1, ...))")
    if nd == 1:
        if t_shape == () or (allow_len1_unbatched and t_shape == (1,)):
            return ClassLayout(x_shape, ())
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {shape_str(t_shape)} for an unbatched input {shape_str(x_shape)} "
            "(expected a 0-d target or shape [1])")
    if len(t_shape) == 0 or t_shape[0] != x_shape[0]:
        raise core.LossError(
            "shape_mismatch",
            f"target: batch size {t_shape[0] if t_shape else 'none (0-d)'} does not match "
            f"input batch size {x_shape[0]} (input {shape_str(x_shape)}, target {shape_str(t_shape)})")
    want = (x_shape[0],) + tuple(x_shape[2:])
    if tuple(t_shape) != want:
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {shape_str(t_shape)} where the input {shape_str(x_shape)} "
            f"needs {shape_str(want)}")
    return ClassLayout(x_shape, want)


def check_weight(weight, C, dtype):
    """A class weight: 1-d with C elements, in the case dtype."""
    if weight is None:
        return None
    if weight.dtype != dtype:
        raise core.LossError("dtype_mismatch", f"weight: dtype {weight.dtype} where the case computes in {dtype}")
    if len(weight.shape) != 1 or weight.shape[0] != C:
        raise core.LossError(
            "shape_mismatch",
            f"weight: shape {shape_str(weight.shape)}, expected [{C}] (one weight per class)")
    return weight.value.astype(np.float64)


def check_indices(t, C, ignore_index):
    """Class indices in [0, C) except where equal to ignore_index.
    Returns the mask of rows kept."""
    t = np.asarray(t, dtype=np.int64).reshape(-1)
    kept = t != ignore_index
    bad = kept & ((t < 0) | (t >= C))
    if bad.any():
        v = int(t[bad][0])
        raise core.LossError(
            "index_out_of_range",
            f"target: class index {v} is out of range (expected 0 <= index < C = {C}, "
            f"or ignore_index = {ignore_index})")
    return kept


def log_softmax_rows(r):
    """Stable log-softmax of each row (max shift; NaN rows stay NaN)."""
    r = np.asarray(r, dtype=np.float64)
    if r.shape[0] == 0 or r.shape[1] == 0:
        return r.copy()
    m = np.max(r, axis=1, keepdims=True)
    # A row of -inf only: keep the shift finite so the row gives NaN like PyTorch.
    m = np.where(np.isneginf(m), 0.0, m)
    z = r - m
    lse = libm.log(np.array([fsum(libm.exp(row)) for row in z])).reshape(-1, 1)
    return z - lse


def softmax_backward(glogp, logp):
    """VJP of log_softmax along rows: G - softmax * sum(G) (PyTorch's form:
    a row whose softmax is NaN gets NaN even where G is 0)."""
    if logp.size == 0:
        return np.zeros_like(logp)
    s = np.array([fsum(row) for row in glogp]).reshape(-1, 1)
    return glogp - libm.exp(logp) * s


def nll_rows(lp, t, kept, w, reduction):
    """The weighted NLL of rows `lp` (M, C) at targets `t` (M,).

    Returns (values per row, denominator for mean, picked weights); ignored
    rows have value 0 and weight 0.
    """
    M = lp.shape[0]
    safe_t = np.where(kept, t, 0)
    wt = np.ones(M) if w is None else w[safe_t]
    wt = np.where(kept, wt, 0.0)
    picked = lp[np.arange(M), safe_t] if M else np.zeros(0)
    vals = np.where(kept, -wt * picked, 0.0)
    return vals, fsum(wt), wt


def reduce_rows(vals, reduction, denom, out_shape):
    if reduction == "none":
        return np.asarray(vals, dtype=np.float64).reshape(out_shape)
    s = fsum(vals)
    if reduction == "sum":
        return np.array(s)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.array(np.float64(s) / np.float64(denom))


def row_cotangent(g, reduction, M, denom):
    """The cotangent of each row's value (M,) from the output cotangent."""
    g = np.asarray(g, dtype=np.float64)
    if reduction == "none":
        return g.reshape(M)
    scale = float(g.reshape(-1)[0]) if g.size else 1.0
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.full(M, np.float64(scale) / np.float64(denom))
    return np.full(M, scale)


# ---------------------------------------------------------------------------
# Case helpers.


def log_probs(b, rng, shape, dtype, lo=-3.0, hi=0.0):
    return b.uniform(rng, shape, lo, hi, dtype)


def probabilities(b, rng, shape, dtype, class_dim=1):
    """Random probability vectors along class_dim (exactly normalised is not
    required: PyTorch does not validate them)."""
    raw = b.uniform(rng, shape, 0.05, 1.0, dtype)
    s = np.expand_dims(libm.fsum_axis(raw, class_dim), class_dim) if raw.ndim else raw
    return core.round_to(dtype, raw / s)


def random_index_targets(rng, shape, C, ignore_index=None, p_ignore=0.0):
    n = int(np.prod(shape)) if len(shape) else 1
    vals = []
    for _ in range(n):
        if ignore_index is not None and rng.random() < p_ignore:
            vals.append(ignore_index)
        else:
            vals.append(rng.randrange(0, C))
    return np.array(vals, dtype=np.int64).reshape(shape)


def random_weight(b, rng, C, dtype):
    return b.uniform(rng, (C,), 0.25, 2.0, dtype)


def input_shapes_for(rng):
    """A random (input shape, target shape for indices) pair: (C), (N, C) or
    (N, C, d1, ..., dk), k <= 3."""
    C = rng.randint(1, 6)
    kind = rng.random()
    if kind < 0.15:
        return (C,), ()
    N = rng.randint(0, 4) if rng.random() < 0.1 else rng.randint(1, 4)
    extra = tuple(rng.randint(1, 3) for _ in range(rng.choice((0, 0, 1, 2, 3))))
    return (N, C) + extra, (N,) + extra
