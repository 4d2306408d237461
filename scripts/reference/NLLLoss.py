"""NLLLoss: loss_i = -w[t_i] * x[i, t_i] over the class dim (1, or 0 for an
unbatched (C) input), 0 where t_i == ignore_index.

`mean` divides the sum by the summed weights of the rows kept (their count
without weights): all rows ignored gives NaN with an all-zero gradient; kept
rows whose weights sum to 0 give NaN and NaN at their target entries. The
input gradient is -g_i * w[t_i] / D at (i, t_i) and 0 elsewhere.
"""

import numpy as np

from . import core
from . import class_indexing as cls


def evaluate(c):
    x = c.inputs["input"].value
    tt = c.inputs["target"]
    layout = cls.index_rows(x.shape, tt.shape, "NLLLoss")
    C = layout.C
    w = cls.check_weight(c.options["weight"], C, c.dtype)
    ii = c.options["ignore_index"]
    t = tt.value.reshape(-1)
    kept = cls.check_indices(t, C, ii)
    if "input" in c.grad_wrt and len(x.shape) == 1 and tt.shape == (1,):
        # PyTorch's forward accepts a (1,) target for a (C) input, its
        # backward refuses it ("size mismatch (got input: [C], target: [1])").
        raise core.LossError(
            "shape_mismatch",
            f"target: shape [1] for an unbatched input [{C}] has no gradient in PyTorch "
            "(use a 0-d target)")
    lp = layout.rows(x)
    M = lp.shape[0]
    vals, W, wt = cls.nll_rows(lp, t, kept, w, c.reduction)
    out = cls.reduce_rows(vals, c.reduction, W, layout.out_shape)

    def vjp(g):
        gr = cls.row_cotangent(g, c.reduction, M, W)
        G = np.zeros((M, C))
        for m in range(M):
            if kept[m]:
                G[m, t[m]] = -wt[m] * gr[m]
        return {"input": layout.unrows(G)}

    return out, vjp


SHAPES = (((5,), ()), ((4, 5), (4,)), ((2, 3, 4), (2, 4)))


def cases(b):
    from .difference import point_name, shape_name

    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            ii = point["ignore_index"]
            for xs, ts in SHAPES:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{xs}")
                C = xs[0] if len(xs) == 1 else xs[1]
                x = cls.log_probs(b, rng, xs, dtype)
                t = cls.random_index_targets(rng, ts, C)
                if ii == 1 and t.size > 1:
                    # At least one ignored row and one kept row.
                    t.reshape(-1)[0] = 1
                    t.reshape(-1)[-1] = 0
                extra = {"weight": cls.random_weight(b, rng, C, dtype)} if point["weight"] else {}
                b.add(f"{pname}/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/extra")
        w5 = cls.random_weight(b, rng, 5, dtype)
        # (N, C, d1, d2) and (N, C, d1, d2, d3).
        for xs in ((2, 3, 2, 2), (2, 3, 2, 1, 2)):
            x = cls.log_probs(b, rng, xs, dtype)
            t = cls.random_index_targets(rng, (xs[0],) + xs[2:], 3)
            for red in ("none", "mean"):
                b.add(f"{red}/weight/shape={shape_name(xs)}", dtype,
                      {"reduction": red, "weight": cls.random_weight(b, rng, 3, dtype)},
                      {"input": x, "target": t}, ("input",))
        # ignore_index: negative, >= C, the default -100 present in targets.
        x = cls.log_probs(b, rng, (4, 5), dtype)
        for ii, t in ((-1, [0, -1, 3, -1]), (7, [7, 2, 7, 4]), (-100, [-100, 1, 2, -100]), (5, [5, 0, 1, 2])):
            for red in ("mean", "none"):
                b.add(f"{red}/ignore_index={ii}", dtype, {"reduction": red, "ignore_index": ii},
                      {"input": x, "target": np.array(t)}, ("input",))
            b.add(f"mean/weight/ignore_index={ii}", dtype, {"reduction": "mean", "ignore_index": ii, "weight": w5},
                  {"input": x, "target": np.array(t)}, ("input",))
        # All targets ignored (#70348): mean NaN with a zero gradient, sum 0.
        for red in ("mean", "sum", "none"):
            for extra in ({}, {"weight": w5}):
                b.add(f"{red}/all_ignored{'/weight' if extra else ''}", dtype,
                      dict({"reduction": red, "ignore_index": 2}, **extra),
                      {"input": x, "target": np.array([2, 2, 2, 2])}, ("input",))
        # Kept rows whose weights sum to 0: NaN value, NaN at the target entries.
        wz = np.array([0.0, 1.0, 0.5, 2.0, 1.0])
        b.add("mean/weight_sum_zero", dtype, {"reduction": "mean", "weight": wz},
              {"input": x, "target": np.array([0, 0, 0, 0])}, ("input",), smooth=False)
        b.add("sum/weight_zero_rows", dtype, {"reduction": "sum", "weight": wz},
              {"input": x, "target": np.array([0, 1, 0, 3])}, ("input",))
        # Empty batch: none empty, mean NaN, sum 0.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty", dtype, {"reduction": red},
                  {"input": np.zeros((0, 5)), "target": np.zeros((0,), dtype=np.int64)}, ("input",))
        b.add("mean/empty_spatial", dtype, {"reduction": "mean"},
              {"input": np.zeros((2, 5, 0)), "target": np.zeros((2, 0), dtype=np.int64)}, ("input",))
        # One element per class dim, unbatched ignored.
        b.add("mean/unbatched/ignored", dtype, {"reduction": "mean", "ignore_index": 3},
              {"input": x[0], "target": np.array(3)}, ("input",))
        # A (1,) target for a (C) input: the forward works (0-d output) ...
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/unbatched/target_shape=1", dtype, {"reduction": red},
                  {"input": x[1], "target": np.array([2])}, ())
        # ... but PyTorch's backward refuses it.
        b.error("error/unbatched/target_shape=1/grad", dtype, {"reduction": "sum"},
                {"input": x[1], "target": np.array([2])}, "shape_mismatch", ("input",))
        # Non-finite inputs: only the picked entries matter.
        xn = np.array([[np.nan, -1.0, -2.0], [-np.inf, -0.5, np.inf], [-1.0, np.nan, -0.25]])
        b.add("none/nonfinite", dtype, {"reduction": "none"}, {"input": xn, "target": np.array([1, 0, 2])},
              ("input",), smooth=False)
        b.add("sum/nonfinite", dtype, {"reduction": "sum"}, {"input": xn, "target": np.array([0, 1, 2])},
              ("input",), smooth=False)
        # Large.
        rng = b.rng(f"{b.loss}/{dtype}/large")
        xl = cls.log_probs(b, rng, (200, 5), dtype)
        tl = cls.random_index_targets(rng, (200,), 5)
        b.add("mean/weight/shape=200x5", dtype, {"reduction": "mean", "weight": w5},
              {"input": xl, "target": tl}, ("input",))
        # Deprecated arguments, the elementwise_mean alias.
        t4 = np.array([0, 4, 2, 1])
        pair = {"input": x, "target": t4}
        b.reduction_cases(dtype, {}, pair, ("input",))
        # Errors.
        b.error("error/target=5/C=5", dtype, {}, {"input": x, "target": np.array([0, 5, 1, 1])},
                "index_out_of_range", ("input",))
        b.error("error/target=-1", dtype, {}, {"input": x, "target": np.array([0, -1, 1, 1])},
                "index_out_of_range", ("input",))
        b.error("error/target=-1/ignore_index=-2", dtype, {"ignore_index": -2},
                {"input": x, "target": np.array([-2, -1, 1, 1])}, "index_out_of_range", ("input",))
        b.error("error/unbatched/target=5", dtype, {}, {"input": x[0], "target": np.array(5)},
                "index_out_of_range", ("input",))
        b.error("error/weight_length=4", dtype, {"weight": w5[:4]}, pair, "shape_mismatch", ("input",))
        b.error("error/weight_shape=1x5", dtype, {"weight": w5.reshape(1, 5)}, pair, "shape_mismatch", ("input",))
        b.error("error/target_dtype=float", dtype, {}, {"input": x, "target": t4.astype(np.float64)},
                "dtype_mismatch", ("input",))
        b.error("error/target_shaped_like_input", dtype, {},
                {"input": x, "target": np.zeros((4, 5), dtype=np.int64)}, "shape_mismatch", ("input",))
        b.error("error/batch=4-3", dtype, {}, {"input": x, "target": t4[:3]}, "shape_mismatch", ("input",))
        b.error("error/spatial=2x4-2x5", dtype, {},
                {"input": np.zeros((2, 3, 4)), "target": np.zeros((2, 5), dtype=np.int64)}, "shape_mismatch",
                ("input",))
        b.error("error/target_shape=4x1", dtype, {},
                {"input": x, "target": t4.reshape(4, 1)}, "shape_mismatch", ("input",))
        b.error("error/unbatched/target_shape=2", dtype, {},
                {"input": x[0], "target": np.array([1, 2])}, "shape_mismatch", ("input",))
        b.error("error/input_0d", dtype, {}, {"input": np.array(-0.5), "target": np.array(0)},
                "shape_mismatch", ("input",))


def random_case(rng, dtype):
    from .cases import Builder as B

    xs, ts = cls.input_shapes_for(rng)
    C = xs[0] if len(xs) == 1 else xs[1]
    options = {"reduction": rng.choice(["none", "mean", "sum"])}
    ii = rng.choice([-100, -100, rng.randrange(0, C), -1, C + rng.randrange(0, 3)])
    if ii != -100:
        options["ignore_index"] = ii
    if rng.random() < 0.5:
        options["weight"] = B.uniform(rng, (C,), 0.0, 2.0, dtype)
    x = B.uniform(rng, xs, -4.0, 1.0, dtype)
    t = cls.random_index_targets(rng, ts, C, ii, 0.25)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input"]}
