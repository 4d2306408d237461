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
    if dtype == "float32":
        with np.errstate(over="ignore"):
            return a.astype(np.float32).astype(np.float64)
    return a


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
    if dtype not in ("float64", "float32", "int64"):
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
        return self.dtype in ("float32", "float64")


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
