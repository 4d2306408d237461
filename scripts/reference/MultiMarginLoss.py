"""MultiMarginLoss: the multi-class hinge of Crammer–Singer / Weston–Watkins.

input (N, C), (C) or 0-d (C = 1); target int64 with N elements and at most
one dimension (a 0-d target for a single sample). With y the target class
and z_j = margin - x_y + x_j:

    loss_i = sum_{j != y} w[y] * max(0, z_j)^p / C,   p in {1, 2}

`mean` divides by N (not by the weights). The output of `none` is (N) when
the target has a dimension and 0-d when it is 0-d (so a (1, C) input with a
0-d target gives 0-d, and a (C) input with a (1) target gives (1)).
weight: 1-d with C elements, in the case dtype; only w[y] is read, and only
on active hinges (z_j > 0: not at the kink, not at NaN).
Gradient: d/dx_j = g * w[y] * p * z_j^(p-1) / C on active hinges; x_y gets
minus their sum. Empty batch: PyTorch returns uninitialised memory for
mean/sum; LossCheck defines NaN (mean) and 0 (sum).
"""

import numpy as np

from . import core
from . import libm
from .reduction import reduce_backward, reduce_forward
from .hinge import hinge_mask, point_name, shape_name
from .tags import STRICTER


def _layout(c, x, y):
    if x.ndim > 2 or (x.ndim >= 1 and x.shape[-1] == 0):
        raise core.LossError(
            "shape_mismatch",
            f"input: expected a non-empty vector or matrix (N, C) with C > 0 (N may be 0), got shape {list(x.shape)}")
    n, C = (1, 1 if x.ndim == 0 else x.shape[0]) if x.ndim <= 1 else x.shape
    if y.ndim > 1 or y.size != n:
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {list(y.shape)} does not fit input shape {list(x.shape)} "
            f"(expected {n} class indices in at most one dimension)")
    return x.reshape(n, C), y.reshape(n), n, C


def evaluate(c):
    p = c.options["p"]
    if p not in (1, 2):
        raise core.LossError("invalid_option", f"p: {p} is not supported (expected 1 or 2)")
    x0 = c.inputs["input"].value
    y0 = c.inputs["target"].value
    w = c.options["weight"]
    if w is not None:
        if w.dtype != c.dtype:
            raise core.LossError("dtype_mismatch",
                                 f"weight: dtype {w.dtype} where the case computes in {c.dtype}")
        if w.value.ndim != 1:
            raise core.LossError("shape_mismatch",
                                 f"weight: expected a 1-d tensor, got shape {list(w.value.shape)}")
    x, y, n, C = _layout(c, x0, y0)
    if w is not None and w.value.size != C:
        raise core.LossError("shape_mismatch", f"weight: {w.value.size} elements, expected C = {C}")
    bad = (y < 0) | (y >= C)
    if bad.any():
        raise core.LossError("index_out_of_range",
                             f"target: class index {int(y[bad][0])} is out of range (expected [0, {C}))")
    weights = np.ones(C) if w is None else w.value
    margin = float(c.options["margin"])
    rows = np.arange(n)
    wy = weights[y][:, None] if n else np.zeros((0, 1))
    z = margin - x[rows, y][:, None] + x
    active = hinge_mask(z) & (np.arange(C)[None, :] != y[:, None])
    zp = z if p == 1 else z * z
    terms = np.where(active, zp * wy, 0.0)
    per_row = np.array([libm.fsum(terms[i]) / C for i in range(n)])
    values = per_row.reshape(y0.shape) if y0.ndim else per_row.reshape(())
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, values.shape).reshape(n, 1) / C
        slope = np.ones_like(z) if p == 1 else 2.0 * z
        gj = np.where(active, ge * wy * slope, 0.0)
        gx = gj.copy()
        for i in range(n):
            gx[i, y[i]] = -libm.fsum(gj[i])
        return {"input": gx.reshape(x0.shape)}

    return out, vjp


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            for shape in ((4,), (1, 5), (4, 5)):
                C = shape[-1]
                n = 1 if len(shape) == 1 else shape[0]
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                x = b.uniform(rng, shape, -1, 1, dtype)
                y = b.integers(rng, (n,) if len(shape) == 2 else (), 0, C)
                opts = b.options_for(point)
                if point["weight"]:
                    opts = b.options_for(point, weight=b.uniform(rng, (C,), 0.25, 2, dtype))
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, opts, {"input": x, "target": y}, ("input",))
            if point["reduction"] in ("none", "sum"):
                # Hinges exactly at 0 (z_j == 0) beside active and inactive ones.
                m = point["margin"]
                x = np.array([[1.0, 1.0 - m, 0.5, -2.0], [0.25, 0.25 + m, 0.25 - m, 3.0]])
                y = np.array([0, 3], dtype=np.int64)
                opts = b.options_for(point)
                if point["weight"]:
                    opts = b.options_for(point, weight=np.array([0.5, 1.5, 2.0, 1.0]))
                b.add(f"{pname}/edge=kinks", dtype, opts, {"input": x, "target": y}, ("input",), smooth=False)
        base = {"reduction": "sum"}
        rng = b.rng(f"{b.loss}/{dtype}/unbatched")
        x = b.uniform(rng, (5,), -1, 1, dtype)
        b.add("none/input=5/target=1", dtype, dict(base, reduction="none"),
              {"input": x, "target": np.array([2], dtype=np.int64)}, ("input",))
        b.add("none/input=1x5/target=0d", dtype, dict(base, reduction="none"),
              {"input": x.reshape(1, 5), "target": np.array(2, dtype=np.int64)}, ("input",))
        b.add("none/input=0d", dtype, dict(base, reduction="none"),
              {"input": np.array(0.5), "target": np.array(0, dtype=np.int64)}, ("input",))
        b.add("none/input=1/weight", dtype, dict(base, reduction="none", weight=np.array([3.0])),
              {"input": np.array([0.5]), "target": np.array([0], dtype=np.int64)}, ("input",))
        for m in (0.0, -0.5, 2.0):
            rng = b.rng(f"{b.loss}/{dtype}/margin={m}")
            b.add(f"none/margin={m}", dtype, dict(base, reduction="none", margin=m),
                  {"input": b.uniform(rng, (3, 4), -1, 1, dtype), "target": b.integers(rng, (3,), 0, 4)}, ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/weight-mean")
        b.add("mean/weight/mean-over-N", dtype, dict(base, reduction="mean", weight=np.array([0.5, 3.0, 1.25])),
              {"input": b.uniform(rng, (4, 3), -1, 1, dtype), "target": np.array([1, 1, 0, 2])}, ("input",))
        b.add("sum/p=1.0", dtype, dict(base, p=1.0),
              {"input": b.uniform(rng, (2, 3), -1, 1, dtype), "target": np.array([1, 0])}, ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/large")
        for p in (1, 2):
            b.add(f"mean/p={p}/shape=60x20", dtype, dict(base, reduction="mean", p=p),
                  {"input": b.uniform(rng, (60, 20), -1, 1, dtype), "target": b.integers(rng, (60,), 0, 20)},
                  ("input",))
        x = np.array([[np.nan, 0.2, 0.4], [0.5, np.nan, 0.0], [1.0, 0.0, np.inf], [-np.inf, 0.0, 0.5]])
        y = np.array([0, 0, 0, 0])
        for p in (1, 2):
            for red in ("none", "sum"):
                b.add(f"{red}/p={p}/nonfinite", dtype, dict(base, reduction=red, p=p), {"input": x, "target": y},
                      ("input",), smooth=False)
        b.add("none/weight-nan-unused", dtype, dict(base, reduction="none", weight=np.array([np.nan, 1.0, 2.0])),
              {"input": np.array([[0.0, 2.0, 3.0], [0.0, 0.5, 0.25]]), "target": np.array([1, 1])}, ("input",))
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty-batch", dtype, dict(base, reduction=red),
                  {"input": np.zeros((0, 3)), "target": np.zeros((0,), dtype=np.int64)}, ("input",),
                  tags=STRICTER if red != "none" else ())
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        pair = {"input": b.uniform(rng, (3, 4), -1, 1, dtype), "target": b.integers(rng, (3,), 0, 4)}
        b.reduction_cases(dtype, {}, pair, ("input",))
        # Errors.
        xs = np.zeros((2, 3))
        ys = np.array([0, 1])
        for p in (0, 3, -1):
            b.error(f"error/p={p}", dtype, {"p": p}, {"input": xs, "target": ys}, "invalid_option", ("input",))
        b.error("error/target=3", dtype, {}, {"input": xs, "target": np.array([0, 3])}, "index_out_of_range",
                ("input",))
        b.error("error/target=-1", dtype, {}, {"input": xs, "target": np.array([-1, 0])}, "index_out_of_range",
                ("input",))
        b.error("error/target=1/0d-input", dtype, {}, {"input": np.array(0.5), "target": np.array(1)},
                "index_out_of_range", ("input",))
        b.error("error/target-shape=3", dtype, {}, {"input": xs, "target": np.array([0, 1, 2])}, "shape_mismatch",
                ("input",))
        b.error("error/target-shape=2x1", dtype, {}, {"input": xs, "target": np.array([[0], [1]])},
                "shape_mismatch", ("input",))
        b.error("error/target-shape=2/input=3", dtype, {}, {"input": np.zeros(3), "target": np.array([0, 1])},
                "shape_mismatch", ("input",))
        b.error("error/target-shape=0d/input=0x3", dtype, {},
                {"input": np.zeros((0, 3)), "target": np.array(1)}, "shape_mismatch", ("input",))
        b.error("error/input=2x3x1", dtype, {}, {"input": np.zeros((2, 3, 1)), "target": ys}, "shape_mismatch",
                ("input",))
        b.error("error/C=0", dtype, {}, {"input": np.zeros((2, 0)), "target": ys}, "shape_mismatch", ("input",))
        b.error("error/weight-shape=2", dtype, {"weight": np.ones(2)}, {"input": xs, "target": ys},
                "shape_mismatch", ("input",))
        b.error("error/weight-shape=1x3", dtype, {"weight": np.ones((1, 3))}, {"input": xs, "target": ys},
                "shape_mismatch", ("input",))
        b.error("error/weight-shape=0d", dtype, {"weight": np.array(2.0)}, {"input": xs, "target": ys},
                "shape_mismatch", ("input",))
        other = "float32" if dtype == "float64" else "float64"
        b.error(f"error/weight_dtype={other}", dtype, {"weight": np.ones(3)}, {"input": xs, "target": ys},
                "dtype_mismatch", ("input",), input_dtypes={"weight": other})
        b.error("error/target_dtype=float", dtype, {}, {"input": xs, "target": np.zeros(2)}, "dtype_mismatch",
                ("input",))


def random_case(rng, dtype):
    from .cases import Builder

    C = rng.randint(1, 6)
    kind = rng.random()
    if kind < 0.15:
        shape, tshape = (C,), ()
    elif kind < 0.25:
        shape, tshape = (C,), (1,)
    else:
        n = rng.randint(1, 4)
        shape, tshape = (n, C), (n,)
    options = {"reduction": rng.choice(["none", "mean", "sum"]), "p": rng.choice([1, 2]),
               "margin": rng.choice([1.0, 0.5, round(rng.uniform(-0.5, 2), 3)])}
    if rng.random() < 0.5:
        options["weight"] = Builder.uniform(rng, (C,), 0, 2, dtype)
    return {
        "options": options,
        "inputs": {"input": Builder.uniform(rng, shape, -1, 1, dtype), "target": Builder.integers(rng, tshape, 0, C)},
        "grad_wrt": ["input"],
    }
