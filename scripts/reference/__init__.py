"""The NumPy reference of LossCheck: one module per loss, named after it.

Each loss module defines

    evaluate(call) -> (output, vjp)
        `call` is a `Call`; `output` a float64 ndarray; `vjp(g)` maps the
        cotangent (shaped like the output) to {input name: gradient}. It
        raises `LossError` where PyTorch refuses the call.

    cases(builder)
        declares the golden cases (see `cases.Builder`).

`evaluate_case(case_dict)` runs one case of the case schema and returns the
result dict; it never raises for bad input (it answers an error result).
"""

from __future__ import annotations

import importlib
import math

import numpy as np

from . import core
from . import golden
from .reduction import resolve_reduction
from .core import LossError

def losses():
    """Every loss, in golden/spec.json's "losses" order (the canonical one)."""
    return list(golden.spec()["losses"])


def module(loss: str):
    return importlib.import_module(f"{__name__}.{loss}")


def implemented():
    """The losses that have a spec entry (and so a module)."""
    return [n for n in losses() if n in golden.spec()["loss_specs"]]


class Call:
    """One decoded evaluation: what a loss module's `evaluate` receives."""

    def __init__(self, loss, dtype, options, inputs, grad_wrt, spec):
        self.loss = loss
        self.dtype = dtype
        self.options = options  # defaults filled in; tensor options as core.Tensor
        self.inputs = inputs  # name -> core.Tensor (or float, GaussianNLL var)
        self.grad_wrt = grad_wrt
        self.spec = spec
        # The effective reduction (deprecated arguments applied), or None.
        self.reduction = resolve_reduction(options, spec)

    def option(self, name):
        return self.options[name]

    def round(self, a):
        return core.round_to(self.dtype, a)


_TYPES = {
    "float": (int, float),
    "int": (int,),
    "bool": (bool,),
    "string": (str,),
    "enum": (str,),
}


def _check_option(spec_opt, value, where):
    t = spec_opt["type"]
    if value is None:
        if spec_opt.get("nullable", False) or t == "tensor":
            return value
        raise LossError("invalid_option", f"{where}: null is not allowed")
    if t == "tensor":
        return core.decode_tensor(value, where)
    if t == "bool" and not isinstance(value, bool):
        raise LossError("invalid_option", f"{where}: expected true or false, got {value!r}")
    if t in ("float", "int"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if t == "float" and value in ("nan", "inf", "-inf"):
                return float(value)
            raise LossError("invalid_option", f"{where}: expected a number, got {value!r}")
        if t == "int":
            if isinstance(value, float) and not value.is_integer():
                raise LossError("invalid_option", f"{where}: expected an integer, got {value!r}")
            return int(value)
        return float(value)
    if t in ("string", "enum") and not isinstance(value, str):
        raise LossError("invalid_option", f"{where}: expected a string, got {value!r}")
    return value


def _check_input_dtype(spec_in, tensor, dtype, name):
    """Inputs declared "float" must have the case dtype, "int64" int64;
    "any" is left to the loss."""
    want = spec_in.get("dtype", "float")
    if want == "float" and tensor.dtype != dtype:
        raise LossError(
            "dtype_mismatch",
            f"inputs.{name}: dtype {tensor.dtype} where the case computes in {dtype}",
        )
    if want == "int64" and tensor.dtype != "int64":
        raise LossError("dtype_mismatch", f"inputs.{name}: dtype {tensor.dtype}, expected int64")


def decode_call(case):
    spec = golden.spec()
    if not isinstance(case, dict):
        raise LossError("invalid_option", "case: expected a JSON object")
    loss = case.get("loss")
    if loss not in spec["loss_specs"]:
        raise LossError("invalid_option", f"loss: unknown loss {loss!r}")
    ls = spec["loss_specs"][loss]
    dtype = case.get("dtype")
    if dtype not in core.FLOAT_DTYPES:
        raise LossError("dtype_mismatch", f"dtype: {dtype!r} is not one of {', '.join(core.FLOAT_DTYPES)}")
    raw = case.get("options") or {}
    if not isinstance(raw, dict):
        raise LossError("invalid_option", "options: expected an object")
    known = {o["name"]: o for o in ls["options"]}
    options = {}
    for name, value in raw.items():
        if name not in known:
            raise LossError("invalid_option", f"{name}: not an option of {loss}")
        options[name] = _check_option(known[name], value, f"options.{name}")
    for name, o in known.items():
        if name not in options:
            d = o.get("default")
            options[name] = d
    inputs_raw = case.get("inputs")
    if not isinstance(inputs_raw, dict):
        raise LossError("invalid_option", "inputs: expected an object")
    inputs = {}
    for spec_in in ls["inputs"]:
        name = spec_in["name"]
        if name not in inputs_raw:
            raise LossError("invalid_option", f"inputs.{name}: missing")
        v = inputs_raw[name]
        if spec_in.get("number_allowed") and isinstance(v, (int, float)) and not isinstance(v, bool):
            inputs[name] = float(v)
        else:
            tensor = core.decode_tensor(v, f"inputs.{name}")
            _check_input_dtype(spec_in, tensor, dtype, name)
            inputs[name] = tensor
    for name in inputs_raw:
        if name not in inputs:
            raise LossError("invalid_option", f"inputs.{name}: not an input of {loss}")
    grad_wrt = case.get("grad_wrt") or []
    if not isinstance(grad_wrt, list):
        raise LossError("invalid_option", "grad_wrt: expected a list of input names")
    diff = {i["name"] for i in ls["inputs"] if i.get("differentiable")}
    for name in grad_wrt:
        if name not in inputs:
            raise LossError("invalid_option", f"grad_wrt: {name!r} is not an input of {loss}")
        if name not in diff and not (isinstance(inputs[name], core.Tensor) and inputs[name].is_float):
            raise LossError("dtype_mismatch", f"grad_wrt: {name!r} is not a floating input")
    return Call(loss, dtype, options, inputs, list(grad_wrt), ls)


def evaluate_case(case):
    """Run one case dict; return the result dict (output and grads, or error).

    NaN and infinities are data here (the non-finite cases), not accidents,
    so numpy's floating-point warnings are off while the case runs, and only
    then: importing the reference leaves numpy's error state alone."""
    with np.errstate(all="ignore"):
        return _evaluate_case(case)


def _evaluate_case(case):
    cid = case.get("id", "") if isinstance(case, dict) else ""
    try:
        call = decode_call(case)
        output, vjp = module(call.loss).evaluate(call)
        output = np.asarray(output, dtype=np.float64)
        result = {"id": cid, "output": core.encode_tensor(output, call.dtype)}
        if call.grad_wrt:
            g = case.get("grad_output")
            if g is None:
                g = np.ones(output.shape)
            else:
                g = core.decode_tensor(g, "grad_output").value.astype(np.float64)
                if tuple(g.shape) != tuple(output.shape):
                    raise LossError(
                        "shape_mismatch",
                        f"grad_output: shape {list(g.shape)} does not match "
                        f"the output's {list(output.shape)}",
                    )
            grads = vjp(g)
            out = {}
            for name in call.grad_wrt:
                if name not in grads:
                    raise LossError("invalid_option", f"grad_wrt: {call.loss} gives no gradient for {name!r}")
                out[name] = core.encode_tensor(np.asarray(grads[name], dtype=np.float64), call.dtype)
            result["grads"] = out
        return result
    except LossError as e:
        return {"id": cid, "error": {"kind": e.kind, "message": e.message}}
