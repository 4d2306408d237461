"""Tensors of the NumPy reference: the error type, dtype rounding and the
tensor JSON of CASE_SCHEMA.md (written byte for byte the same under numpy
1.24 and 2.x: numbers are formatted here, never by numpy).

Values are held as float64 arrays. A float32 case holds float64 arrays whose
elements are exactly float32 values; the expected results are computed in
float64 and rounded to float32 only when written.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

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


class LossError(Exception):
    """PyTorch refuses the call: one of the error kinds of CASE_SCHEMA.md."""

    def __init__(self, kind: str, message: str):
        assert kind in ERROR_KINDS, kind
        super().__init__(message)
        self.kind = kind
        self.message = message


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
