"""The tolerance model of half-precision cases (docs/HALF_PRECISION.md).

A half case (float16 or bfloat16) carries

    "tolerance": {"rtol": r, "atol": a, "why": "...",
                  "atol_elements": {"output": T, "grads": {"<input>": T}}}

and an element passes when |actual - expected| <= atol_i + r |expected|
(NaN matches NaN, an infinity the same infinity). r = 2u covers the final
rounding of the result (u the dtype's unit roundoff); atol_i = c u M_i + q
bounds the error that intermediate roundings in the dtype leave in element
i: q is the dtype's smallest subnormal (the granularity of any half
answer), c a constant per loss and dtype (spec.json, "half_tolerance"), and
M_i the magnitude of what produces element i:

    M_i = |e_i| + S_i + P_i + K_i

* e_i: the exact answer (float64, on the half inputs).
* S_i (reduced outputs): the reduction's sum of |terms|, scaled as the
  reduction scales the sum (1/n for mean, 1/sum(w) for a weighted mean):
  accumulating terms of both signs may cancel, each term's own rounding
  error does not.
* P_i: the first-order change of element i when one input tensor (input,
  target, tensor option or grad_output) is scaled by 1 +- u, summed over
  the tensors (each a maximum over both signs). Rounding an intermediate
  value to the dtype perturbs it by a relative u; for the elementwise chains
  of these losses that is a perturbation of the same size of the inputs the
  chain starts from, so P_i is the running error of the chain, including the
  cancellation inside it (sigmoid(x) - t, x - t, log terms near zero). At a
  kink or a clamp within u of an input it is the jump: an honest bound.
* K_i (reduced outputs): sum_j |d out / d x_j| |x_j| over every input element,
  from the reference's own vector-Jacobian product: the componentwise
  condition of a reduced output, which P's uniform scaling would let cancel.

Where the exact answer is finite but one u perturbation of an input makes it
overflow (or NaN), M_i is infinite: the element is ill-posed in the dtype and
any answer is accepted (the count of such elements is in the note). Where the
exact answer is non-finite, atol_i is 0: only the same inf (or NaN) passes.
"""

from __future__ import annotations

import math
import random

import numpy as np

from . import core
from . import golden
from . import libm


def _paths(call, case):
    """The floating tensors of the case dtype: where a perturbation goes."""
    out = []
    for where, table in (("inputs", call.inputs), ("options", call.options)):
        for k, v in table.items():
            if isinstance(v, core.Tensor) and v.dtype == call.dtype:
                out.append((where, k))
    if isinstance(case.get("grad_output"), dict):
        out.append(("grad_output", None))
    return out


def _grad_output(case, shape):
    g = case.get("grad_output")
    return np.ones(shape) if g is None else core.decode_tensor(g).value


def _run(call, g, path=None, factor=None):
    """(output, {name: grad}, vjp) of the reference on the decoded case (the
    half dtype's semantics: constants and clamps in the dtype), with the
    tensor at `path` multiplied elementwise by `factor` (not rounded: a
    perturbation off the dtype's grid); None where the reference refuses."""
    from . import Call, module

    inputs, options = dict(call.inputs), dict(call.options)
    if path is not None and path[0] != "grad_output":
        table = inputs if path[0] == "inputs" else options
        t = table[path[1]]
        table[path[1]] = core.Tensor(t.value * factor.reshape(t.value.shape), t.dtype)
    try:
        c = Call(call.loss, call.dtype, options, inputs, call.grad_wrt, call.spec)
        out, vjp = module(call.loss).evaluate(c)
        out = np.asarray(out, dtype=np.float64)
        grads = {}
        if call.grad_wrt:
            gg = np.broadcast_to(g, out.shape) if g is not None else np.ones(out.shape)
            if path is not None and path[0] == "grad_output":
                gg = gg * factor.reshape(gg.shape)
            gr = vjp(gg)
            grads = {n: np.asarray(gr[n], dtype=np.float64) for n in call.grad_wrt}
        return out, grads, vjp
    except core.LossError:
        return None


def _delta(base, pert):
    """|pert - base| where base is finite; inf where only pert is not."""
    base = np.asarray(base, dtype=np.float64)
    pert = np.broadcast_to(np.asarray(pert, dtype=np.float64), base.shape)
    fin = np.isfinite(base)
    d = np.zeros(base.shape)
    both = fin & np.isfinite(pert)
    d[both] = np.abs(pert[both] - base[both])
    d[fin & ~np.isfinite(pert)] = math.inf
    return d


def _patterns(case, path, n):
    """Per-element signs of the perturbations of one tensor: all +1, and a
    seeded random pattern (which a scale-invariant function, e.g. a cosine
    or a softmax, does not ignore); each also negated."""
    rng = random.Random(f"{case.get('id', '')}/{path}")
    rand = np.array([rng.choice((-1.0, 1.0)) for _ in range(n)])
    ones = np.ones(n)
    return [ones, -ones, rand, -rand]


def magnitudes(case, c):
    """{"output": M, "grads": {name: M}} (float64 arrays) and the exact
    float64 answers {"output": e, "grads": {...}} of a half case; c scales
    the perturbations (see the module's doc)."""
    from . import decode_call

    dt = case["dtype"]
    u = core.UNIT_ROUNDOFF[dt]
    h = c * u
    call = decode_call(case)
    g0 = case.get("grad_output")
    g0 = None if g0 is None else core.decode_tensor(g0).value
    base = _run(call, g0)
    if base is None:
        raise AssertionError(f"{case['id']}: the reference refuses its own valid case")
    out, grads, vjp = base
    m_out = np.abs(np.where(np.isfinite(out), out, 0.0))
    m_grads = {n: np.abs(np.where(np.isfinite(g), g, 0.0)) for n, g in grads.items()}
    # P: perturbations of relative size c u of each tensor in turn.
    for path in _paths(call, case):
        if path[0] == "grad_output":
            size = np.size(g0)
        else:
            size = (call.inputs if path[0] == "inputs" else call.options)[path[1]].value.size
        p_out = np.zeros(out.shape)
        p_grads = {n: np.zeros(g.shape) for n, g in grads.items()}
        for sign in _patterns(case, path, size):
            r = _run(call, g0, path, 1.0 + h * sign)
            if r is None:  # e.g. a bound of the domain: that side only
                continue
            p_out = np.maximum(p_out, _delta(out, r[0]))
            for n in grads:
                p_grads[n] = np.maximum(p_grads[n], _delta(grads[n], r[1][n]))
        m_out = m_out + p_out / h
        for n in grads:
            m_grads[n] = m_grads[n] + p_grads[n] / h
    # L: a gradient whose local derivative (the VJP at a unit cotangent)
    # leaves the dtype's range is ill-posed whatever the cotangent: a kernel
    # may form that derivative before scaling it (2 (x - t) in MSELoss).
    if grads:
        r = _run(call, None)
        big = core.HALF_FORMATS[dt][2]
        for n in grads:
            if r is not None and n in r[1]:
                local = r[1][n]
                over = ~(np.abs(np.where(np.isnan(local), np.inf, local)) <= big)
                m_grads[n] = np.where(over, math.inf, m_grads[n])
    # S: the reduction's sum of |terms|.
    reduction_scale = None
    if call.reduction not in (None, "none") and out.ndim == 0:
        opts = {k: v for k, v in (case.get("options") or {}).items() if k not in ("size_average", "reduce")}
        r = _run(decode_call(dict(case, options=dict(opts, reduction="none"), grad_wrt=[])), None)
        if r is not None:
            terms = r[0]
            total = libm.fsum(terms)
            if math.isfinite(total) and total != 0 and math.isfinite(float(out)):
                scale = abs(float(out) / total)
            else:
                scale = 1.0 / max(terms.size, 1) if call.reduction == "mean" else 1.0
            reduction_scale = scale
            m_out = m_out + scale * libm.fsum(np.abs(terms))
    # T: the magnitudes of the terms the loss's formula adds, where the
    # module states them (vjp.half_terms): cancellation inside the formula
    # that no perturbation of the inputs shows.
    terms_of = getattr(vjp, "half_terms", None)
    if terms_of is not None:
        t = terms_of(np.ones(out.shape) if g0 is None else np.broadcast_to(g0, out.shape))
        vals = np.asarray(t["values"], dtype=np.float64)
        if call.reduction in (None, "none"):
            m_out = m_out + np.broadcast_to(vals, out.shape)
        else:
            sum_terms = libm.fsum(np.abs(vals))
            m_out = m_out + (reduction_scale if reduction_scale is not None else 1.0) * sum_terms
        for n in grads:
            if n in t["grads"]:
                m_grads[n] = m_grads[n] + np.abs(np.broadcast_to(t["grads"][n], grads[n].shape))
    # K: the componentwise condition of a reduced output.
    if call.reduction not in (None, "none") and out.ndim == 0 and math.isfinite(float(out)):
        try:
            gr = vjp(np.ones(()))
        except Exception:  # a reference without every input's gradient
            gr = {}
        k = 0.0
        for name, g in gr.items():
            x = call.inputs.get(name)
            if isinstance(x, core.Tensor) and x.is_float:
                prod = np.abs(np.asarray(g, dtype=np.float64)) * np.abs(x.value)
                k += libm.fsum(np.where(np.isfinite(prod), prod, math.inf))
        m_out = m_out + k
    exact = {"output": out, "grads": grads}
    return {"output": m_out, "grads": m_grads}, exact


def constant(loss, dtype):
    """c of the model for this loss and dtype (spec.json)."""
    table = golden.spec()["half_tolerance"][dtype]
    return float(table.get(loss, table["default"]))


def _bound_tensor(m, e, dtype, c):
    """atol_i = c u M_i + q, rounded up to 2 digits; 0 where the expected
    value is not finite; inf where M_i is."""
    from decimal import ROUND_CEILING, Context

    u = core.UNIT_ROUNDOFF[dtype]
    q = core.half_quantum(dtype)
    big = core.HALF_FORMATS[dtype][2]
    ctx = Context(prec=2, rounding=ROUND_CEILING)
    data = []
    for mi, ei in zip(np.asarray(m).reshape(-1).tolist(), np.asarray(e).reshape(-1).tolist()):
        if not math.isfinite(ei):
            data.append(0)
        elif not (mi <= big):  # terms beyond the range (or NaN): they overflow
            data.append("inf")
        else:
            data.append(core.Raw(repr(float(ctx.create_decimal(c * u * mi + c * q)))))
    return {"dtype": "float64", "shape": [int(n) for n in np.shape(m)], "data": data}


WHY = ("half precision: element bound c u M_i + q, M_i = |exact| + the reduction's sum of |terms| + "
       "first-order change under a u perturbation of each input + (0-d) sum |d out/d x_j| |x_j|; "
       "c = {c} for {loss} in {dtype} (docs/HALF_PRECISION.md)")


def tolerance(case):
    """The tolerance object of a half case (plain JSON values, Raw numbers)."""
    dtype = case["dtype"]
    loss = case["loss"]
    c = constant(loss, dtype)
    # The magnitudes rerun the reference on the case (and on perturbed
    # copies): its NaN and infinities are data, as in evaluate_case.
    with np.errstate(all="ignore"):
        m, exact = magnitudes(case, c)
    spec_tol = golden.spec()["tolerances"][dtype]
    return {
        "rtol": spec_tol["rtol"],
        "atol": spec_tol["atol"],
        "why": WHY.format(c=c, loss=loss, dtype=dtype),
        "atol_elements": {
            "output": _bound_tensor(m["output"], exact["output"], dtype, c),
            "grads": {n: _bound_tensor(m["grads"][n], exact["grads"][n], dtype, c) for n in m["grads"]},
        },
    }


def judge_tensor(actual, expected, rtol, atol_elements):
    """Indices (flat) of the elements outside the model, and the worst ratio
    |a - e| / (atol_i + rtol |e|) among finite pairs."""
    bad = []
    worst = 0.0
    for i, (a, e, t) in enumerate(zip(actual, expected, atol_elements)):
        if math.isnan(e) or math.isnan(a):
            if not (math.isnan(e) and math.isnan(a)):
                bad.append(i)
            continue
        if math.isinf(e):
            if a != e:
                bad.append(i)
            continue
        bound = t + rtol * abs(e)
        d = abs(a - e)
        if not d <= bound:
            bad.append(i)
        if math.isfinite(d) and bound > 0 and math.isfinite(bound):
            worst = max(worst, d / bound)
        elif not math.isfinite(d) and not math.isinf(bound):
            worst = math.inf
    return bad, worst
