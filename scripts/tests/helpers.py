"""Shared checks for the tests of the NumPy reference itself."""

import json
import os
import random
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from reference import core, decode_call, module  # noqa: E402
from reference.cases import build  # noqa: E402

_BUILT = {}


def declared(loss):
    if loss not in _BUILT:
        _BUILT[loss] = build(loss).declared
    return _BUILT[loss]


def as_float64(case):
    """The case computed in float64 (float32 inputs are exact in float64)."""
    c = json.loads(core.dumps(case))
    c["dtype"] = "float64"

    def conv(t):
        if isinstance(t, dict) and t.get("dtype") == "float32":
            t["dtype"] = "float64"
        if isinstance(t, dict) and t.get("dtype") in core.HALF_DTYPES:
            # The half values themselves (a short decimal is not one).
            exact = core.decode_tensor(t).value.reshape(-1).tolist()
            t["data"] = [x if np.isfinite(x) else str(x) for x in exact]
            t["dtype"] = "float64"
        return t

    for k in c["inputs"]:
        conv(c["inputs"][k])
    for k in c.get("options", {}):
        conv(c["options"][k])
    if "grad_output" in c:
        conv(c["grad_output"])
    return c


def evaluate_arrays(loss, call, arrays):
    """The loss output at `arrays` (input name -> float64 array)."""
    for name, a in arrays.items():
        call.inputs[name] = core.Tensor(a, "float64")
    out, vjp = module(loss).evaluate(call)
    return np.asarray(out, dtype=np.float64), vjp


def fd_problems(case, h=1e-6, tol=1e-6, seed=0):
    """Directional central differences vs the analytic VJP for each grad_wrt
    input of a smooth case. Returns a list of problem strings."""
    with np.errstate(all="ignore"):
        return _fd_problems(case, h, tol, seed)


def _fd_problems(case, h, tol, seed):
    c = as_float64(case)
    call = decode_call(c)
    loss = c["loss"]
    base = {n: call.inputs[n].value.astype(np.float64) for n in c["grad_wrt"]}
    out, vjp = evaluate_arrays(loss, call, dict(base))
    g = c.get("grad_output")
    g = core.decode_tensor(g).value if g is not None else np.ones(out.shape)
    grads = vjp(g)
    # A loss whose gradient is not the plain partial derivative (CTCLoss
    # returns PyTorch's form) says how to recover the partial.
    partial = getattr(module(loss), "partial_from_vjp", None)
    if partial is not None:
        grads = partial(call, g, grads)
    rng = random.Random(seed)
    problems = []
    for name, x in base.items():
        v = np.array([rng.uniform(-1, 1) for _ in range(x.size)]).reshape(x.shape)
        def f(s):
            moved = dict(base)
            moved[name] = x + s * v
            o, _ = evaluate_arrays(loss, decode_call(c), moved)
            return float(np.sum(o * g))
        numeric = (f(h) - f(-h)) / (2 * h)
        analytic = float(np.sum(np.asarray(grads[name]) * v))
        if not np.isfinite(numeric) and not np.isfinite(analytic):
            continue
        if abs(numeric - analytic) > tol * max(1.0, abs(numeric), abs(analytic)):
            problems.append(f"{case['id']}: {name}: finite differences {numeric}, VJP {analytic}")
    return problems
