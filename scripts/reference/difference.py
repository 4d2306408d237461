"""Shared by the losses that are a function of d = input - target
(L1, MSE, Huber, SmoothL1): the forward/VJP plumbing and the case grid.
The Swift counterpart is Sources/LossCheck/Losses/DifferenceLoss.swift.
"""

import numpy as np

from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward


def broadcast_pair(c, a="input", b="target"):
    x = c.inputs[a].value
    t = c.inputs[b].value
    shape = broadcast_shapes(x.shape, t.shape, what=f"{a} and {b}")
    return x, t, shape


def elementwise(c, loss, dloss):
    """Evaluate loss(d) with d = input - target broadcast both ways.

    `loss(d)` gives the elementwise values, `dloss(d)` their derivative in d;
    input gets +dloss, target -dloss, each summed back to its own shape.
    """
    x, t, shape = broadcast_pair(c)
    d = np.broadcast_to(x, shape) - np.broadcast_to(t, shape)
    with np.errstate(invalid="ignore", over="ignore"):
        out = reduce_forward(loss(d), c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, shape)
        with np.errstate(invalid="ignore", over="ignore"):
            gd = ge * dloss(d)
        return {"input": sum_to_shape(gd, x.shape), "target": sum_to_shape(-gd, t.shape)}

    return out, vjp


def point_name(point):
    """`mean` or `mean/delta=0.5`: a grid point as an id fragment."""
    parts = [str(point["reduction"])] if "reduction" in point else []
    for k, v in point.items():
        if k != "reduction":
            parts.append(f"{k}={str(v).lower() if isinstance(v, bool) else v}")
    return "/".join(parts)


def shape_name(shape):
    return "x".join(str(n) for n in shape) if shape else "0d"


SHAPES = ((), (1,), (2, 3, 4))


def declare_regression_cases(b, edges=None, lo=-2.0, hi=2.0, grad_wrt=("input", "target"),
                             target_range=None):
    """The standard grid of an elementwise regression loss.

    Every grid point x dtype x {0-d, one element, (2, 3, 4)}; broadcasting
    both ways; one case of 1200 elements; ties, NaN and inf; an empty
    tensor; the deprecated size_average/reduce; errors. `edges(point, dtype)`
    adds the loss's own edge inputs as (label, input, target) triples.
    """
    t_lo, t_hi = target_range or (lo, hi)
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = point_name(point)
            for shape in SHAPES:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                x = b.uniform(rng, shape, lo, hi, dtype)
                t = b.uniform(rng, shape, t_lo, t_hi, dtype)
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, opts, {"input": x, "target": t}, grad_wrt)
            if edges and point.get("reduction") in ("none", "sum"):
                for label, x, t in edges(point, dtype):
                    b.add(f"{pname}/edge={label}", dtype, opts, {"input": x, "target": t}, grad_wrt,
                          smooth=False)
        base = {k: v for k, v in b.options_for(b.grid()[0]).items() if k != "reduction"}
        rng = b.rng(f"{b.loss}/{dtype}/broadcast")
        for red, xs, ts in (("none", (3, 1), (1, 4)), ("mean", (3, 1), (1, 4)), ("sum", (4,), (3, 4)),
                            ("mean", (2, 3, 4), (4,)), ("none", (), (2, 2))):
            x = b.uniform(rng, xs, lo, hi, dtype)
            t = b.uniform(rng, ts, t_lo, t_hi, dtype)
            b.add(f"{red}/broadcast={shape_name(xs)}-{shape_name(ts)}", dtype, dict(base, reduction=red),
                  {"input": x, "target": t}, grad_wrt)
        rng = b.rng(f"{b.loss}/{dtype}/large")
        x = b.uniform(rng, (1200,), lo, hi, dtype)
        t = b.uniform(rng, (1200,), t_lo, t_hi, dtype)
        b.add("mean/shape=1200", dtype, dict(base, reduction="mean"), {"input": x, "target": t}, grad_wrt)
        # Non-finite values propagate.
        x = np.array([np.nan, np.inf, -np.inf, 1.0, np.inf, 0.5])
        t = np.array([0.5, 0.5, 0.5, np.nan, np.inf, -np.inf])
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, dict(base, reduction=red), {"input": x, "target": t}, grad_wrt,
                  smooth=False)
        # Empty tensors: none gives the empty tensor, sum 0, mean NaN.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty", dtype, dict(base, reduction=red),
                  {"input": np.zeros((0,)), "target": np.zeros((0,))}, grad_wrt)
        # Deprecated arguments override reduction (where the loss has them).
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        x = b.uniform(rng, (2, 3), lo, hi, dtype)
        t = b.uniform(rng, (2, 3), t_lo, t_hi, dtype)
        pair = {"input": x, "target": t}
        b.reduction_cases(dtype, base, pair, grad_wrt)
        b.error("error/shape=3-4", dtype, base, {"input": np.zeros(3), "target": np.zeros(4)}, "shape_mismatch",
                grad_wrt)
        b.error("error/target_dtype=int64", dtype, base,
                {"input": np.zeros(3), "target": np.zeros(3, dtype=np.int64)}, "dtype_mismatch", grad_wrt)


def tie_edges(point, dtype):
    """x == t (the kink of |d|) at several magnitudes, exactly representable."""
    x = np.array([0.0, 1.5, -0.25, 2.0, -3.0, 0.75])
    return [("tie", x, x.copy())]


def random_shapes(rng):
    """A random shape (rank 0 to 3, sizes 1 to 5) and a shape that
    broadcasts with it (equal half the time)."""
    shape = tuple(rng.randint(1, 5) for _ in range(rng.randint(0, 3)))
    if rng.random() < 0.5:
        return shape, shape
    other = tuple(1 if rng.random() < 0.4 else n for n in shape)
    if rng.random() < 0.3 and other:
        other = other[1:]
    return (shape, other) if rng.random() < 0.5 else (other, shape)


def random_regression_case(rng, dtype, spec, lo=-2.0, hi=2.0, target_range=None, extra=None):
    """A random valid case: random shapes, reduction and grid option values."""
    from .cases import Builder

    xs, ts = random_shapes(rng)
    t_lo, t_hi = target_range or (lo, hi)
    options = {"reduction": rng.choice(["none", "mean", "sum"])}
    for name, values in spec.get("grid", {}).items():
        if name != "reduction":
            options[name] = rng.choice(values)
    if extra:
        options.update(extra(rng))
    return {
        "options": options,
        "inputs": {"input": Builder.uniform(rng, xs, lo, hi, dtype),
                   "target": Builder.uniform(rng, ts, t_lo, t_hi, dtype)},
        "grad_wrt": [i["name"] for i in spec["inputs"] if i.get("differentiable")],
    }
