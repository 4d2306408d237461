"""Shared machinery of the NumPy reference: tensors, JSON, math, reductions.

Everything here is deliberately version-proof so that `make_golden.py`
writes the same bytes under Debian's numpy 1.24 and under numpy 2.x:

* Transcendental functions (exp, log, log1p, expm1, pow) are evaluated one
  element at a time through Python's `math` module (glibc's libm), never
  through numpy's SIMD kernels, whose last bit differs between numpy builds
  and CPUs (AVX-512 SVML).
* Every sum is `math.fsum`: the exactly rounded sum, independent of numpy's
  pairwise summation order.
* Random inputs come from `random.Random(case_id)`, whose `random()` stream
  Python guarantees to be reproducible.

Values are held as float64 arrays. A float32 case holds float64 arrays whose
elements are exactly float32 values; the expected results are computed in
float64 and rounded to float32 only when written.
"""

from __future__ import annotations

import json
import math
import os
import random
import struct

import numpy as np

# Non-finite values are data here (NaN and inf cases), not accidents.
np.seterr(all="ignore")

INF = float("inf")
NAN = float("nan")

ERROR_KINDS = (
    "shape_mismatch",
    "index_out_of_range",
    "value_out_of_domain",
    "invalid_option",
    "dtype_mismatch",
)

# PyTorch's float32 literal 1e-12, used in float64 computations too.
EPS_1E12 = struct.unpack("f", struct.pack("f", 1e-12))[0]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_DIR = os.path.join(ROOT, "golden")


class LossError(Exception):
    """PyTorch refuses the call: one of the error kinds of CASE_SCHEMA.md."""

    def __init__(self, kind: str, message: str):
        assert kind in ERROR_KINDS, kind
        super().__init__(message)
        self.kind = kind
        self.message = message


# ---------------------------------------------------------------------------
# Elementwise math through libm, one element at a time.


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


def sum_to_shape(a, shape):
    """Reverse of broadcasting: exact sums of `a` down to `shape`."""
    a = np.asarray(a, dtype=np.float64)
    shape = tuple(shape)
    lead = a.ndim - len(shape)
    for _ in range(lead):
        a = fsum_axis(a, 0)
    for axis, n in enumerate(shape):
        if n == 1 and a.shape[axis] != 1:
            a = np.expand_dims(fsum_axis(a, axis), axis)
    return a.reshape(shape)


def broadcast_shapes(*shapes, what="inputs"):
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise LossError(
            "shape_mismatch",
            f"{what}: shapes {' and '.join(str(list(s)) for s in shapes)} "
            "cannot be broadcast together",
        )


def round_to(dtype, a):
    """Round float64 values to the case dtype (float32 cases hold float32 values)."""
    a = np.asarray(a, dtype=np.float64)
    if dtype in HALF_DTYPES:
        return round_half(dtype, a)
    if dtype == "float32":
        with np.errstate(over="ignore"):
            return a.astype(np.float32).astype(np.float64)
    return a


# ---------------------------------------------------------------------------
# The half dtypes.

HALF_DTYPES = ("float16", "bfloat16")
FLOAT_DTYPES = ("float64", "float32") + HALF_DTYPES

# Per half dtype: significant bits p (the implicit bit included), the exponent
# of the smallest normal number, the largest finite value.
HALF_FORMATS = {
    "float16": (11, -14, 65504.0),
    "bfloat16": (8, -126, (2.0 - 2.0 ** -7) * 2.0 ** 127),
}

# Unit roundoff u = 2^-p: the largest relative error of one rounding to nearest.
UNIT_ROUNDOFF = {"float64": 2.0 ** -53, "float32": 2.0 ** -24, "float16": 2.0 ** -11, "bfloat16": 2.0 ** -8}


def half_quantum(dtype):
    """The smallest positive (subnormal) value of a half dtype."""
    p, emin, _ = HALF_FORMATS[dtype]
    return 2.0 ** (emin - (p - 1))


def round_half(dtype, a):
    """Round float64 values to float16 or bfloat16, once and directly, to
    nearest with ties to even; NaN stays NaN, infinities and signed zeros are
    kept, a finite value beyond the rounding range becomes an infinity.

    The quantum (ulp) of x in the dtype is the power of two
    2^(max(e, emin) - (p - 1)) with 2^e <= |x| < 2^(e + 1); x / quantum and
    the product back are exact power-of-two scalings, so np.rint (ties to
    even) on x / quantum is the only rounding."""
    a = np.array(a, dtype=np.float64)
    p, emin, fmax = HALF_FORMATS[dtype]
    finite = np.isfinite(a) & (a != 0)
    x = a[finite]
    _, e = np.frexp(x)  # |x| in [2^(e - 1), 2^e)
    q = np.ldexp(np.ones_like(x), np.maximum(e - 1, emin) - (p - 1))
    r = np.rint(x / q) * q
    r = np.where(np.abs(r) > fmax, np.copysign(INF, x), r)
    a[finite] = r
    return a


def round_half_scalar(dtype, x: float) -> float:
    """round_half for one Python float (the same formulation, without numpy
    arrays: Python's round() of a float is exact and ties to even)."""
    if x == 0 or not math.isfinite(x):
        return x
    p, emin, fmax = HALF_FORMATS[dtype]
    _, e = math.frexp(x)
    q = math.ldexp(1.0, max(e - 1, emin) - (p - 1))
    r = round(x / q) * q
    return math.copysign(INF, x) if abs(r) > fmax else math.copysign(r, x)


def half_repr(v: float, dtype) -> str:
    """Shortest decimal that reads back as the half value `v` (finite, already
    a value of `dtype`). At each length the two nearest decimals, below and
    above v, are tried (nearest first): the set of decimals reading back as v
    is an interval, so if neither is in it, no decimal of that length is."""
    if v == 0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    for digits in range(1, 18):
        s = "%.*g" % (digits, v)  # the nearest decimal of this length
        if round_half_scalar(dtype, float(s)) == v:
            return s
        # The other neighbour: at a power of two v's interval is lopsided.
        from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

        exact = Decimal(v)
        rounding = ROUND_CEILING if Decimal(s) < exact else ROUND_FLOOR
        d = Context(prec=digits, rounding=rounding).create_decimal(exact)
        s = "%.*g" % (digits, float(d))
        if round_half_scalar(dtype, float(s)) == v:
            return s
    raise AssertionError(f"no decimal for {v!r}")


# ---------------------------------------------------------------------------
# Reductions.

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


# ---------------------------------------------------------------------------
# Tensor JSON.


def f32_repr(v: float) -> str:
    """Shortest decimal that reads back (through a double) as float32 `v`."""
    for p in range(1, 10):
        s = "%.*g" % (p, v)
        if struct.unpack("f", struct.pack("f", float(s)))[0] == v:
            return s
    return "%.9g" % v


def f64_repr(v: float) -> str:
    return repr(float(v))


class Raw:
    """A pre-formatted JSON number."""

    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def number(v, dtype):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if dtype == "float32":
        return Raw(f32_repr(v))
    if dtype in HALF_DTYPES:
        return Raw(half_repr(v, dtype))
    return Raw(f64_repr(v))


def encode_tensor(a, dtype):
    a = np.asarray(a)
    if dtype == "int64":
        data = [int(x) for x in a.reshape(-1).tolist()]
    else:
        vals = round_to(dtype, a).reshape(-1).tolist()
        data = [number(x, dtype) for x in vals]
    return {"dtype": dtype, "shape": [int(n) for n in a.shape], "data": data}


def decode_tensor(obj, where="tensor"):
    """A JSON tensor as a numpy array (float64 for floating dtypes)."""
    if not isinstance(obj, dict):
        raise LossError("dtype_mismatch", f"{where}: expected a tensor object")
    dtype = obj.get("dtype")
    shape = obj.get("shape")
    data = obj.get("data")
    if dtype not in FLOAT_DTYPES + ("int64",):
        raise LossError("dtype_mismatch", f"{where}: unknown dtype {dtype!r}")
    if not isinstance(shape, list) or any(
        not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in shape
    ):
        raise LossError("shape_mismatch", f"{where}: bad shape {shape!r}")
    count = 1
    for n in shape:
        count *= n
    if not isinstance(data, list) or len(data) != count:
        raise LossError(
            "shape_mismatch",
            f"{where}: shape {shape} needs {count} elements, "
            f"data has {len(data) if isinstance(data, list) else 'none'}",
        )
    vals = []
    for x in data:
        if isinstance(x, Raw):
            x = float(x.text)
        if isinstance(x, str):
            if x not in ("nan", "inf", "-inf"):
                raise LossError("dtype_mismatch", f"{where}: bad element {x!r}")
            if dtype == "int64":
                raise LossError("dtype_mismatch", f"{where}: {x!r} in an int64 tensor")
            vals.append(float(x))
        elif isinstance(x, bool) or not isinstance(x, (int, float)):
            raise LossError("dtype_mismatch", f"{where}: bad element {x!r}")
        elif dtype == "int64":
            if isinstance(x, float) and not x.is_integer():
                raise LossError("dtype_mismatch", f"{where}: non-integral {x!r} in an int64 tensor")
            vals.append(int(x))
        else:
            v = float(x)
            if not math.isfinite(v) or (dtype == "float32" and math.isinf(float(np.float32(v)))):
                raise LossError("dtype_mismatch", f"{where}: {x!r} is not a finite {dtype} number "
                                "(write \"inf\" for an infinity)")
            if dtype in HALF_DTYPES and math.isinf(float(round_half(dtype, v))):
                raise LossError("dtype_mismatch", f"{where}: {x!r} is beyond the range of {dtype} "
                                "(write \"inf\" for an infinity)")
            vals.append(v)
    if dtype == "int64":
        arr = np.array(vals, dtype=np.int64).reshape(shape)
    else:
        arr = round_to(dtype, np.array(vals, dtype=np.float64)).reshape(shape)
    return Tensor(arr, dtype)


class Tensor:
    """A decoded tensor: values (float64 or int64 ndarray) and its dtype name."""

    __slots__ = ("value", "dtype")

    def __init__(self, value, dtype):
        self.value = value
        self.dtype = dtype

    @property
    def shape(self):
        return tuple(self.value.shape)

    @property
    def is_float(self):
        return self.dtype in FLOAT_DTYPES


def dumps(obj) -> str:
    """Compact, deterministic JSON (keys in insertion order)."""
    parts = []
    _dump(obj, parts)
    return "".join(parts)


def _dump(obj, out):
    if isinstance(obj, Raw):
        out.append(obj.text)
    elif isinstance(obj, dict):
        out.append("{")
        first = True
        for k, v in obj.items():
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(k))
            out.append(":")
            _dump(v, out)
        out.append("}")
    elif isinstance(obj, (list, tuple)):
        out.append("[")
        for i, v in enumerate(obj):
            if i:
                out.append(",")
            _dump(v, out)
        out.append("]")
    elif obj is None or isinstance(obj, (bool, str)):
        out.append(json.dumps(obj))
    elif isinstance(obj, (int, np.integer)):
        out.append(str(int(obj)))
    elif isinstance(obj, (float, np.floating)):
        v = float(obj)
        if math.isfinite(v):
            out.append(repr(v))
        else:
            out.append(json.dumps("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")))
    else:
        raise TypeError(f"cannot encode {type(obj)}")


# ---------------------------------------------------------------------------
# The spec.


def load_spec():
    with open(os.path.join(GOLDEN_DIR, "spec.json")) as f:
        spec = json.load(f)
    spec["loss_specs"] = {}
    spec_dir = os.path.join(GOLDEN_DIR, "spec")
    for name in sorted(os.listdir(spec_dir)):
        if name.endswith(".json"):
            with open(os.path.join(spec_dir, name)) as f:
                ls = json.load(f)
            spec["loss_specs"][ls["loss"]] = ls
    return spec


_SPEC = None


def spec():
    global _SPEC
    if _SPEC is None:
        _SPEC = load_spec()
    return _SPEC


def option_default(loss_spec, name):
    for o in loss_spec["options"]:
        if o["name"] == name:
            return o.get("default")
    raise KeyError(name)


def seeded(case_id: str) -> random.Random:
    return random.Random(case_id)
