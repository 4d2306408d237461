"""GaussianNLLLoss(full=False, eps=1e-6): v = max(var, eps),
0.5 (log v + (x - t)^2 / v), plus 0.5 log(2 pi) when full.

Checks, in PyTorch's order: a negative var (tensor or number) is
value_out_of_domain; then var's shape must be x's shape, x's shape without
its last dim (var is then unsqueezed at the end), or of x's rank with the
var sizes at the dims where the two differ summing to 1 (one dim where var
has size 1); else shape_mismatch. A plain-number var is broadcast to x.
x, t and var then broadcast together (x and t both ways).

Gradients: d/dx = g (x - t) / v, d/dt = -d/dx, d/dvar = g 0.5 (1/v - (x - t)^2 / v^2)
evaluated at the clamped v even where var < eps (the clamp runs without
gradient tracking); none for a plain-number var (it is a Python float).
NaN var passes the checks (NaN < 0 is false) and gives NaN.
"""

import math

import numpy as np

from . import core
from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def var_shape(x_shape, v_shape):
    """The shape var is read at (after the unsqueeze), or a shape_mismatch."""
    x_shape, v_shape = tuple(x_shape), tuple(v_shape)
    if v_shape == x_shape:
        return v_shape
    if x_shape[:-1] == v_shape:
        return v_shape + (1,)
    if len(x_shape) == len(v_shape) and sum(b for a, b in zip(x_shape, v_shape) if a != b) == 1:
        return v_shape
    raise core.LossError(
        "shape_mismatch",
        f"var: shape {list(v_shape)} is of incorrect size for input shape {list(x_shape)} "
        "(expected the input's shape, the input's shape without its last dim, "
        "or the input's shape with one dim of size 1)")


def evaluate(c):
    x = c.inputs["input"].value
    t = c.inputs["target"].value
    var = c.inputs["var"]
    # PyTorch clamps with eps converted to the tensor's dtype.
    eps = float(c.round(c.options["eps"]))
    if isinstance(var, float):
        if var < 0:
            raise core.LossError("value_out_of_domain", f"var: {var!r} is negative (expected var >= 0)")
        if "var" in c.grad_wrt:
            raise core.LossError("invalid_option", "grad_wrt: var is a plain number and has no gradient")
        v_raw = np.full(x.shape, core.round_to(c.dtype, var), dtype=np.float64)
        v_read_shape = x.shape
    else:
        v_raw = var.value
        if np.any(v_raw < 0):
            bad = float(v_raw[v_raw < 0].ravel()[0])
            raise core.LossError("value_out_of_domain",
                                 f"var: has a negative entry ({bad!r}); expected var >= 0")
        v_read_shape = var_shape(x.shape, v_raw.shape)
    vr = v_raw.reshape(v_read_shape)
    shape = broadcast_shapes(x.shape, t.shape, vr.shape, what="input, target and var")
    d = np.broadcast_to(x, shape) - np.broadcast_to(t, shape)
    # max(var, eps) that keeps NaN (np.maximum propagates NaN, like clamp_).
    v = np.maximum(np.broadcast_to(vr, shape), eps)
    sq = d * d
    values = 0.5 * (libm.log(v) + sq / v)
    if c.options["full"]:
        values = values + HALF_LOG_2PI
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, shape)
        gx = ge * d / v
        grads = {"input": sum_to_shape(gx, x.shape), "target": sum_to_shape(-gx, t.shape)}
        if not isinstance(var, float):
            gv = 0.5 * ge / v - 0.5 * ge * sq / (v * v)
            grads["var"] = sum_to_shape(gv, v_read_shape).reshape(v_raw.shape)
        return grads

    return out, vjp


def _point_name(point):
    return f"{point['reduction']}/full={str(point['full']).lower()}/eps={point['eps']}"


SHAPES = (((), ()), ((1,), (1,)), ((2, 3, 4), (2, 3, 4)))
IO = ("input", "target")
IOV = ("input", "target", "var")


# Cases whose float16 intermediates leave the range (docs/HALF_PRECISION.md):
# (x - t)^2 / eps with eps = 1e-6 overflows 65504 where the exact gradient
# is 0 or finite, and PyTorch answers NaN or inf.
HALF_ILL_POSED = {
    "edge=var_below_eps_and_ties": (("float16",), "(x - t)^2 / max(var, eps) overflows in float16"),
    "var=number/1e-09": (("float16",), "(x - t) / eps overflows in float16"),
}


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = _point_name(point)
            for xs, vs in SHAPES:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{xs}")
                x = b.uniform(rng, xs, -2.0, 2.0, dtype)
                t = b.uniform(rng, xs, -2.0, 2.0, dtype)
                v = b.uniform(rng, vs, 0.1, 2.0, dtype)
                b.add(f"{pname}/shape={_sn(xs)}", dtype, opts, {"input": x, "target": t, "var": v}, IOV,
                      smooth=bool(np.all(v > point["eps"])))
            if point["reduction"] in ("none", "sum"):
                # var below eps (clamped: the var gradient is taken at eps),
                # 0, exactly eps, and ties x == t.
                e = core.round_to(dtype, point["eps"])
                x = np.array([0.5, 1.0, -0.25, 1.5, 0.75, 2.0])
                t = np.array([0.5, 0.0, 0.25, 1.5, -0.5, 1.0])
                v = np.array([0.0, float(e) / 4, float(e), 0.5, 1.25, 1e-9])
                b.add(f"{pname}/edge=var_below_eps_and_ties", dtype, opts, {"input": x, "target": t, "var": v},
                      IOV, smooth=False)
        base = {}
        rng = b.rng(f"{b.loss}/{dtype}/shapes")

        def u(shape, lo=-2.0, hi=2.0):
            return b.uniform(rng, shape, lo, hi, dtype)

        # var shape rules: homoscedastic forms.
        for red, xs, vs in (("none", (2, 3, 4), (2, 3)), ("mean", (2, 3, 4), (2, 3, 1)),
                            ("sum", (2, 3, 4), (1, 3, 4)), ("none", (2, 3, 4), (2, 1, 4)),
                            ("mean", (4, 3), (4,)), ("none", (4, 3), (1, 3)), ("none", (3,), ()),
                            ("sum", (3,), (1,)), ("none", (2, 1), (1, 1))):
            b.add(f"{red}/var_shape={_sn(xs)}-{_sn(vs)}", dtype, dict(base, reduction=red),
                  {"input": u(xs), "target": u(xs), "var": u(vs, 0.1, 2.0)}, IOV)
        # var as a plain number (no gradient), including 0 (clamped to eps).
        for red, number in (("none", 0.75), ("mean", 2.0), ("sum", 0.0), ("none", 1e-9)):
            b.add(f"{red}/var=number/{number}", dtype, dict(base, reduction=red),
                  {"input": u((2, 3)), "target": u((2, 3)), "var": number}, IO, smooth=number > 1e-6)
        b.add("mean/full=true/var=number/0.5", dtype, {"reduction": "mean", "full": True},
              {"input": u((3,)), "target": u((3,)), "var": 0.5}, IO)
        # input and target broadcast both ways (var follows input's shape).
        for red, xs, ts, vs in (("none", (2, 3), (3,), (2, 3)), ("sum", (3,), (2, 3), (3,)),
                                ("none", (2, 1), (2, 3), (2,)), ("mean", (), (2, 2), ())):
            b.add(f"{red}/broadcast={_sn(xs)}-{_sn(ts)}-{_sn(vs)}", dtype, dict(base, reduction=red),
                  {"input": u(xs), "target": u(ts), "var": u(vs, 0.1, 2.0)}, IOV)
        # One large case: 400 x 3 with a var per row.
        rng = b.rng(f"{b.loss}/{dtype}/large")
        b.add("mean/shape=400x3/var=400", dtype, {"reduction": "mean"},
              {"input": u((400, 3)), "target": u((400, 3)), "var": u((400,), 0.1, 2.0)}, IOV)
        # Non-finite values: NaN var passes the checks; inf var; NaN/inf x, t.
        x = np.array([0.5, 1.0, np.nan, np.inf, 0.0, 1.0])
        t = np.array([0.0, 0.0, 0.0, 0.0, np.inf, 1.0])
        v = np.array([np.nan, np.inf, 1.0, 1.0, 1.0, np.inf])
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, {"reduction": red}, {"input": x, "target": t, "var": v}, IOV,
                  smooth=False)
        # Empty tensors.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty", dtype, {"reduction": red},
                  {"input": np.zeros((0,)), "target": np.zeros((0,)), "var": np.ones((0,))}, IOV)
        # eps: negative eps is accepted (no clamp of 0 var then: log 0 = -inf).
        b.add("none/eps=-1/var_zero", dtype, {"reduction": "none", "eps": -1.0},
              {"input": np.array([1.0, 0.0]), "target": np.array([0.0, 0.0]), "var": np.array([0.0, 0.5])}, IOV,
              smooth=False)
        # Errors.
        x23 = {"input": np.zeros((2, 3)), "target": np.zeros((2, 3))}
        neg = np.array([[0.5, -0.25, 1.0], [1.0, 1.0, 1.0]])
        b.error("error/var_negative", dtype, {}, dict(x23, var=neg), "value_out_of_domain", IOV)
        b.error("error/var_negative_number", dtype, {}, dict(x23, var=-0.5), "value_out_of_domain", IO)
        b.error("error/var_negative_before_shape", dtype, {}, dict(x23, var=np.array([1.0, -1.0, 1.0, 1.0])),
                "value_out_of_domain", IOV)
        for vs in ((3,), (1, 1), (2, 3, 1), (6,), (3, 2), (1,)):
            b.error(f"error/var_shape=2x3-{_sn(vs)}", dtype, {}, dict(x23, var=np.ones(vs)), "shape_mismatch", IOV)
        b.error("error/var_shape=0d-1", dtype, {},
                {"input": np.array(0.5), "target": np.array(0.0), "var": np.ones((1,))}, "shape_mismatch", IOV)
        b.error("error/var_shape=2x3x4-1x1x4", dtype, {},
                {"input": np.zeros((2, 3, 4)), "target": np.zeros((2, 3, 4)), "var": np.ones((1, 1, 4))},
                "shape_mismatch", IOV)
        b.error("error/shape=2x3-4", dtype, {},
                {"input": np.zeros((2, 3)), "target": np.zeros((4,)), "var": np.ones((2, 3))}, "shape_mismatch", IOV)
        ok = dict(x23, var=np.ones((2, 3)))
        for red in ("elementwise_mean", "batchmean", "foo"):
            b.error(f"error/reduction={red}", dtype, {"reduction": red}, ok, "invalid_option", IOV)
        b.error("error/size_average", dtype, {"size_average": False}, ok, "invalid_option", IOV)
        b.error("error/target_dtype=int64", dtype, {},
                {"input": np.zeros(3), "target": np.zeros(3, dtype=np.int64), "var": np.ones(3)},
                "dtype_mismatch", IOV)


def _sn(shape):
    return "x".join(str(n) for n in shape) if shape else "0d"


def random_case(rng, dtype):
    from .cases import Builder

    xs = tuple(rng.randint(1, 4) for _ in range(rng.randint(0, 3)))
    forms = ["same", "number"]
    if xs:
        forms.append("drop_last")
        forms.append("one_dim")
    form = rng.choice(forms)
    if form == "same":
        vs = xs
    elif form == "drop_last":
        vs = xs[:-1]
    elif form == "one_dim":
        k = rng.randrange(len(xs))
        vs = xs[:k] + (1,) + xs[k + 1:]
    ts = xs
    if xs and rng.random() < 0.3:  # target broadcasting
        ts = tuple(1 if rng.random() < 0.5 else n for n in xs)
        if rng.random() < 0.3:
            ts = ts[1:]
    options = {"reduction": rng.choice(["none", "mean", "sum"]), "full": rng.random() < 0.5}
    if rng.random() < 0.5:
        options["eps"] = rng.choice([1e-6, 0.25, round(rng.uniform(1e-6, 0.5), 6)])
    inputs = {"input": Builder.uniform(rng, xs, -2.0, 2.0, dtype), "target": Builder.uniform(rng, ts, -2.0, 2.0, dtype)}
    if form == "number":
        inputs["var"] = round(rng.uniform(0.1, 2.0), 4)
        wrt = ["input", "target"]
    else:
        inputs["var"] = Builder.uniform(rng, vs, 0.1, 2.0, dtype)
        wrt = ["input", "target", "var"]
    return {"options": options, "inputs": inputs, "grad_wrt": wrt}
