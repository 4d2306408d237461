"""MultiLabelMarginLoss: a multi-label hinge over (target, non-target) pairs.

input (N, C), (C) or 0-d (C = 1); target int64 of the same shape (for a 1-d
or 0-d input: any shape of <= 1 dims with C elements). Each row's target
classes are its entries up to the first -1 (duplicates count once per
occurrence); the non-targets are the classes not among them. With
z_jk = 1 - (x_j - x_k):

    loss_i = sum_{j in targets} sum_{k not in targets} max(0, z_jk) / C

(/C for every reduction). Output (N) for `none` with a 2-d input, 0-d for
a 1-d or 0-d input; `mean` divides by N. Every target entry, also after the
first -1, must lie in [-1, C) (index_out_of_range). NaN makes a hinge
inactive (loss 0, gradient 0), as does the kink z == 0.

Formulated here with a C x C pair-weight matrix W[j, k] = (multiplicity of
j among the targets) * (k is not a target); the gradient of x_j is
-sum_k A[j, k] and of x_k +sum_j A[j, k], with A = W on active hinges.
Empty batch (N = 0): PyTorch returns uninitialised memory for mean/sum;
LossCheck defines NaN (mean) and 0 (sum).
"""

import numpy as np

from . import core
from . import libm
from .reduction import reduce_backward, reduce_forward
from .hinge import hinge_mask, shape_name
from .tags import STRICTER


def _layout(x, y):
    if x.ndim > 2 or (x.ndim >= 1 and x.shape[-1] == 0):
        raise core.LossError(
            "shape_mismatch",
            f"input: expected a non-empty vector or matrix (N, C) with C > 0 (N may be 0), got shape {list(x.shape)}")
    if x.ndim <= 1:
        c = 1 if x.ndim == 0 else x.shape[0]
        if y.ndim > 1 or y.size != c:
            raise core.LossError(
                "shape_mismatch",
                f"target: shape {list(y.shape)} does not match input shape {list(x.shape)} (expected {c} class entries)")
        return x.reshape(1, c), y.reshape(1, c), False
    if y.shape != x.shape:
        raise core.LossError("shape_mismatch",
                             f"target: shape {list(y.shape)} does not match input shape {list(x.shape)}")
    return x, y, True


def evaluate(c):
    x0 = c.inputs["input"].value
    y0 = c.inputs["target"].value
    x, y, batched = _layout(x0, y0)
    n, C = x.shape
    bad = (y < -1) | (y >= C)
    if bad.any():
        v = int(y[bad][0])
        raise core.LossError("index_out_of_range",
                             f"target: class index {v} is out of range (expected -1 or a class in [0, {C}))")
    # W[i, j, k]: how often the pair (target j, non-target k) occurs in row i.
    W = np.zeros((n, C, C))
    for i in range(n):
        row = y[i].tolist()
        stop = row.index(-1) if -1 in row else C
        mult = np.bincount(np.asarray(row[:stop], dtype=np.int64), minlength=C).astype(np.float64)
        W[i] = np.outer(mult, (mult == 0).astype(np.float64))
    Z = 1.0 - (x[:, :, None] - x[:, None, :])
    active = hinge_mask(Z) & (W > 0)
    contrib = np.where(active, W * np.where(active, Z, 0.0), 0.0)
    per_row = np.array([libm.fsum(contrib[i]) / C for i in range(n)])
    values = per_row if batched else per_row.reshape(())
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, values.shape).reshape(n) / C
        A = np.where(active, W, 0.0)
        gx = (A.sum(axis=1) - A.sum(axis=2)) * ge[:, None]  # integer counts: exact sums
        return {"input": gx.reshape(x0.shape)}

    return out, vjp


def _targets(rng, n, C):
    """Rows of target classes (possibly repeated) ended by -1 and junk."""
    rows = []
    for _ in range(n):
        k = rng.randint(0, C)
        row = [rng.randrange(C) for _ in range(k)]
        if k < C:
            row.append(-1)
            row += [rng.randrange(-1, C) for _ in range(C - k - 1)]
        rows.append(row)
    return np.array(rows, dtype=np.int64).reshape(n, C)


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            red = point["reduction"]
            opts = b.options_for(point)
            for shape in ((), (1,), (5,), (1, 4), (3, 5)):
                rng = b.rng(f"{b.loss}/{dtype}/{red}/{shape}")
                x = b.uniform(rng, shape, -1.5, 1.5, dtype)
                if len(shape) == 2:
                    y = _targets(rng, shape[0], shape[1])
                else:
                    C = shape[0] if shape else 1
                    y = _targets(rng, 1, C).reshape(shape)
                b.add(f"{red}/shape={shape_name(shape)}", dtype, opts, {"input": x, "target": y}, ("input",))
            if red in ("none", "sum"):
                # Kinks x_j - x_k == 1 exactly, duplicates, junk after -1.
                x = np.array([[1.0, 0.0, 0.5, -0.25], [0.25, 1.25, 0.25, 2.0]])
                y = np.array([[0, 0, -1, 3], [1, 3, -1, -1]], dtype=np.int64)
                b.add(f"{red}/edge=kinks", dtype, opts, {"input": x, "target": y}, ("input",), smooth=False)
        base = {"reduction": "sum"}
        rng = b.rng(f"{b.loss}/{dtype}/dup")
        x = b.uniform(rng, (2, 4), -1.5, 1.5, dtype)
        b.add("sum/duplicates", dtype, base, {"input": x, "target": np.array([[2, 2, 2, -1], [1, 1, 3, 0]])},
              ("input",))
        b.add("none/after-minus-one-ignored", dtype, dict(base, reduction="none"),
              {"input": x, "target": np.array([[2, -1, 0, 1], [-1, 3, 3, 0]])}, ("input",))
        b.add("none/all-targets-and-none", dtype, dict(base, reduction="none"),
              {"input": x, "target": np.array([[0, 1, 2, 3], [-1, -1, -1, -1]])}, ("input",))
        b.add("none/unbatched-1d-target-1", dtype, dict(base, reduction="none"),
              {"input": np.array([0.5]), "target": np.array(0, dtype=np.int64)}, ("input",))
        b.add("mean/0d-input-1d-target", dtype, dict(base, reduction="mean"),
              {"input": np.array(0.5), "target": np.array([-1], dtype=np.int64)}, ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/large")
        b.add("mean/shape=40x30", dtype, dict(base, reduction="mean"),
              {"input": b.uniform(rng, (40, 30), -1.5, 1.5, dtype), "target": _targets(rng, 40, 30)}, ("input",))
        x = np.array([[np.nan, 0.2, 0.4, np.inf], [1.0, 0.0, 0.5, -np.inf], [1.0, 0.0, 0.5, np.inf]])
        y = np.array([[0, 3, -1, 1], [0, 3, -1, 0], [0, -1, 3, 3]])
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, dict(base, reduction=red), {"input": x, "target": y}, ("input",),
                  smooth=False)
        # Empty batch: none gives (0,); mean and sum are LossCheck's own answer.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty-batch", dtype, dict(base, reduction=red),
                  {"input": np.zeros((0, 3)), "target": np.zeros((0, 3), dtype=np.int64)}, ("input",),
                  tags=STRICTER if red != "none" else ())
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        pair = {"input": b.uniform(rng, (2, 3), -1.5, 1.5, dtype), "target": _targets(rng, 2, 3)}
        b.reduction_cases(dtype, {}, pair, ("input",))
        # Errors.
        xs = np.zeros((2, 4))
        for label, y in (("4", [[0, 1, 4, -1], [0, -1, 0, 0]]), ("-2", [[0, -2, 1, -1], [0, -1, 0, 0]]),
                         ("after-minus-one", [[0, -1, 7, 1], [0, -1, 0, 0]])):
            b.error(f"error/target={label}", dtype, {}, {"input": xs, "target": np.array(y)}, "index_out_of_range",
                    ("input",))
        b.error("error/target=1/0d-input", dtype, {}, {"input": np.array(0.5), "target": np.array(1)},
                "index_out_of_range", ("input",))
        b.error("error/target-shape=2x3", dtype, {}, {"input": xs, "target": np.zeros((2, 3), dtype=np.int64)},
                "shape_mismatch", ("input",))
        b.error("error/target-shape=4/input=2x4", dtype, {}, {"input": xs, "target": np.zeros(4, dtype=np.int64)},
                "shape_mismatch", ("input",))
        b.error("error/target-shape=1x4/input=4", dtype, {},
                {"input": np.zeros(4), "target": np.zeros((1, 4), dtype=np.int64)}, "shape_mismatch", ("input",))
        b.error("error/input=2x2x4", dtype, {},
                {"input": np.zeros((2, 2, 4)), "target": np.zeros((2, 2, 4), dtype=np.int64)}, "shape_mismatch",
                ("input",))
        b.error("error/C=0", dtype, {}, {"input": np.zeros((2, 0)), "target": np.zeros((2, 0), dtype=np.int64)},
                "shape_mismatch", ("input",))
        b.error("error/C=0/1d", dtype, {}, {"input": np.zeros(0), "target": np.zeros(0, dtype=np.int64)},
                "shape_mismatch", ("input",))
        b.error("error/target_dtype=float", dtype, {}, {"input": xs, "target": np.zeros((2, 4))}, "dtype_mismatch",
                ("input",))


def random_case(rng, dtype):
    from .cases import Builder

    kind = rng.random()
    C = rng.randint(1, 6)
    if kind < 0.2:
        shape, n = (C,), 1
    elif kind < 0.25:
        shape, n, C = (), 1, 1
    else:
        n = rng.randint(1, 4)
        shape = (n, C)
    y = _targets(rng, n, C).reshape(shape)
    return {
        "options": {"reduction": rng.choice(["none", "mean", "sum"])},
        "inputs": {"input": Builder.uniform(rng, shape, -1.5, 1.5, dtype), "target": y},
        "grad_wrt": ["input"],
    }
