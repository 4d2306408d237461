"""Version-proof numerics of the NumPy reference: libm and exact sums.

`make_golden.py` must write the same bytes under Debian's numpy 1.24 and
under numpy 2.x, so:

* Transcendental functions (exp, log, log1p, expm1, pow) are evaluated one
  element at a time through Python's `math` module (glibc's libm), never
  through numpy's SIMD kernels, whose last bit differs between numpy builds
  and CPUs (AVX-512 SVML).
* Every sum is `math.fsum`: the exactly rounded sum, independent of numpy's
  pairwise summation order.
"""

from __future__ import annotations

import math

import numpy as np

INF = float("inf")
NAN = float("nan")


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def _log(x):
    if x > 0:
        return math.log(x)
    if x == 0:
        return -INF
    return NAN  # negative or NaN


def _log1p(x):
    if x > -1:
        return math.log1p(x)
    if x == -1:
        return -INF
    return NAN


def _expm1(x):
    try:
        return math.expm1(x)
    except OverflowError:
        return INF


def _pow(x, y):
    try:
        return math.pow(x, y)
    except OverflowError:
        return INF
    except ValueError:
        # math.pow raises for 0 ** negative (an infinity) and for a negative
        # base with a fractional exponent (NaN).
        if x == 0:
            return INF
        return NAN


_vexp = np.frompyfunc(_exp, 1, 1)
_vlog = np.frompyfunc(_log, 1, 1)
_vlog1p = np.frompyfunc(_log1p, 1, 1)
_vexpm1 = np.frompyfunc(_expm1, 1, 1)
_vpow = np.frompyfunc(_pow, 2, 1)


def _f64(a):
    return np.asarray(a, dtype=object).astype(np.float64)


def exp(a):
    return _f64(_vexp(np.asarray(a, dtype=np.float64)))


def log(a):
    return _f64(_vlog(np.asarray(a, dtype=np.float64)))


def log1p(a):
    return _f64(_vlog1p(np.asarray(a, dtype=np.float64)))


def expm1(a):
    return _f64(_vexpm1(np.asarray(a, dtype=np.float64)))


def power(a, b):
    return _f64(_vpow(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)))


def sigmoid(a):
    """1 / (1 + exp(-a)), evaluated without overflow on either side."""
    a = np.asarray(a, dtype=np.float64)
    e = exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(a):
    """log(sigmoid(a)) = -(log1p(exp(-|a|)) + max(-a, 0))."""
    a = np.asarray(a, dtype=np.float64)
    return -(log1p(exp(-np.abs(a))) + np.maximum(-a, 0.0))


def _fsum(vals) -> float:
    """math.fsum, with IEEE answers where it raises: inf + -inf is NaN
    (math.fsum raises ValueError, even with a NaN present), and finite
    partial sums beyond the float range are summed exactly as fractions
    (then rounded, or +-inf)."""
    try:
        return math.fsum(vals)
    except ValueError:
        return NAN
    except OverflowError:
        from fractions import Fraction

        s = sum(Fraction(v) for v in vals)
        try:
            return float(s)
        except OverflowError:
            return INF if s > 0 else -INF


def fsum(a) -> float:
    """Exactly rounded sum of every element."""
    return _fsum(np.asarray(a, dtype=np.float64).ravel().tolist())


def fsum_axis(a, axis):
    """Exactly rounded sums along one axis."""
    a = np.moveaxis(np.asarray(a, dtype=np.float64), axis, -1)
    out = np.empty(a.shape[:-1], dtype=np.float64)
    flat = a.reshape(-1, a.shape[-1]) if a.size else a.reshape(out.size, a.shape[-1])
    out_flat = out.reshape(-1)
    for i in range(out_flat.size):
        out_flat[i] = _fsum(flat[i].tolist())
    return out
