"""CrossEntropyLoss: log_softmax over the class dim, then

* class-index targets (target shaped like the input minus the class dim):
  (1 - e) * nll_i + (e / C) * s_i with nll_i = -w[t_i] * logp[i, t_i],
  s_i = -sum_c w_c * logp[i, c], both 0 where t_i == ignore_index; `mean`
  divides both by the summed weights of the rows kept;
* probability targets (target shaped like the input, floating):
  t' = (1 - e) t + e / C, loss_i = -sum_c w_c t'_ic logp_ic; `mean` divides
  by the number of rows N * d1 * ...

e = label_smoothing; e < 0 acts as 0, e > 1 is refused. The input gradient
goes through log_softmax: G - softmax * sum_c G with G the gradient in
log-probabilities (a row whose softmax is NaN gets NaN, even when ignored).
The probability target's gradient is -g_i w_c (1 - e) logp_ic / D.
"""

import numpy as np

from . import core
from . import libm
from . import class_indexing as cls


def evaluate(c):
    x = c.inputs["input"].value
    tt = c.inputs["target"]
    eps = float(c.options["label_smoothing"])
    ii = c.options["ignore_index"]
    if tuple(x.shape) == tuple(tt.shape):
        return _probabilities(c, x, tt, eps, ii)
    return _indices(c, x, tt, eps, ii)


def _check_smoothing(eps):
    if not eps <= 1.0:
        raise core.LossError("invalid_option",
                             f"label_smoothing: {eps!r} is out of range (expected a value <= 1.0; "
                             "PyTorch requires 0.0 <= label_smoothing <= 1.0, a negative value acts as 0)")


def _probabilities(c, x, tt, eps, ii):
    if not tt.is_float:
        raise core.LossError(
            "dtype_mismatch",
            f"target: dtype {tt.dtype} with the input's shape {list(x.shape)}: a target shaped like the "
            "input holds class probabilities and must be floating (class indices drop the class dim)")
    if ii >= 0:
        raise core.LossError(
            "invalid_option",
            f"ignore_index: {ii} with probability targets (expected a negative value: ignore_index is "
            "not supported for floating point targets)")
    _check_smoothing(eps)
    if x.ndim == 0:
        raise core.LossError("shape_mismatch", "input: shape [] has no class dimension (expected (C), (N, C) or (N, C, d1, ...))")
    if tt.dtype != c.dtype:
        raise core.LossError("dtype_mismatch", f"target: dtype {tt.dtype} where the case computes in {c.dtype}")
    layout = cls.ClassLayout(x.shape, (x.shape[0],) + tuple(x.shape[2:]) if x.ndim > 1 else ())
    C = layout.C
    w = cls.check_weight(c.options["weight"], C, c.dtype)
    wc = np.ones(C) if w is None else w
    lp = cls.log_softmax_rows(layout.rows(x))
    P = layout.rows(tt.value)
    keep = 1.0
    if eps > 0:
        keep = 1.0 - eps
        P = P * keep + eps / C
    M = lp.shape[0]
    with np.errstate(invalid="ignore"):
        terms = -(lp * P) * wc
    vals = np.array([cls.fsum(row) for row in terms]) if M else np.zeros(0)
    out = cls.reduce_rows(vals, c.reduction, M, layout.out_shape)

    def vjp(g):
        gr = cls.row_cotangent(g, c.reduction, M, M).reshape(-1, 1)
        with np.errstate(invalid="ignore"):
            glp = -(gr * wc) * P
            dx = cls.softmax_backward(glp, lp)
            dt = -(gr * wc) * lp * keep
        return {"input": layout.unrows(dx), "target": layout.unrows(dt)}

    def half_terms(g):
        """Magnitudes of the terms: log p = x - logsumexp(x) is a difference
        (|x| + |logsumexp|); the input's gradient P - softmax sum(P) too
        (docs/HALF_PRECISION.md)."""
        xr = layout.rows(x)
        with np.errstate(invalid="ignore"):
            lpm = np.abs(xr) + np.abs(xr - lp)
            vals = np.array([cls.fsum(row) for row in np.abs(P * wc) * lpm]) if M else np.zeros(0)
            gr = np.abs(cls.row_cotangent(g, c.reduction, M, M)).reshape(-1, 1)
            glp = gr * np.abs(wc * P)
            dx = glp + libm.exp(lp) * np.array([cls.fsum(row) for row in glp]).reshape(-1, 1)
            dt = gr * np.abs(wc) * lpm * keep
        return {"values": cls.reduce_rows(vals, "none", M, layout.out_shape) if c.reduction == "none" else vals,
                "grads": {"input": layout.unrows(dx), "target": layout.unrows(dt)}}

    vjp.half_terms = half_terms
    return out, vjp


def _indices(c, x, tt, eps, ii):
    layout = cls.index_rows(x.shape, tt.shape, "CrossEntropyLoss")
    if tt.is_float:
        raise core.LossError(
            "dtype_mismatch",
            f"target: dtype {tt.dtype} for class-index targets (shape {list(tt.shape)} differs from the "
            f"input's {list(x.shape)}, so it holds class indices and must be int64)")
    _check_smoothing(eps)
    if "target" in c.grad_wrt:
        raise core.LossError("dtype_mismatch", "grad_wrt: 'target' holds class indices (int64) and has no gradient")
    C = layout.C
    unbatched_len1 = len(x.shape) == 1 and tt.shape == (1,)
    if unbatched_len1 and eps > 0:
        # PyTorch's smoothing term fails to broadcast here.
        raise core.LossError(
            "shape_mismatch",
            f"target: shape [1] for an unbatched input [{C}] with label_smoothing {eps} "
            "(PyTorch cannot broadcast the [1] target mask to the 0-d loss; use a 0-d target)")
    if unbatched_len1 and "input" in c.grad_wrt:
        raise core.LossError(
            "shape_mismatch",
            f"target: shape [1] for an unbatched input [{C}] has no gradient in PyTorch "
            "(use a 0-d target)")
    w = cls.check_weight(c.options["weight"], C, c.dtype)
    t = tt.value.reshape(-1)
    kept = cls.check_indices(t, C, ii)
    lp = cls.log_softmax_rows(layout.rows(x))
    M = lp.shape[0]
    nll, W, wt = cls.nll_rows(lp, t, kept, w, c.reduction)
    wc = np.ones(C) if w is None else w
    smooth = eps > 0
    if smooth:
        with np.errstate(invalid="ignore"):
            s = np.array([-cls.fsum(lp[m] * wc) for m in range(M)]) if M else np.zeros(0)
        s = np.where(kept, s, 0.0)
        a = cls.reduce_rows(nll, c.reduction, W, layout.out_shape)
        bb = cls.reduce_rows(s, c.reduction, W, layout.out_shape)
        out = (1.0 - eps) * a + (eps / C) * bb
    else:
        out = cls.reduce_rows(nll, c.reduction, W, layout.out_shape)

    def vjp(g):
        gr = cls.row_cotangent(g, c.reduction, M, W)
        G = np.zeros((M, C))
        for m in range(M):
            if not kept[m]:
                continue
            with np.errstate(invalid="ignore"):
                if smooth:
                    G[m, :] = -(eps / C) * gr[m] * wc
                    G[m, t[m]] += -(1.0 - eps) * wt[m] * gr[m]
                else:
                    G[m, t[m]] = -wt[m] * gr[m]
        return {"input": layout.unrows(cls.softmax_backward(G, lp))}

    def half_terms(g):
        """Magnitudes of the terms: x_t and logsumexp(x) in each value (and
        in the smoothing sum), G and softmax sum(G) in the gradient
        (docs/HALF_PRECISION.md)."""
        xr = layout.rows(x)
        with np.errstate(invalid="ignore"):
            lpm = np.abs(xr) + np.abs(xr - lp)
            vals = np.zeros(M)
            for m in range(M):
                if kept[m]:
                    vals[m] = abs(wt[m]) * lpm[m, t[m]] * (1.0 - eps if smooth else 1.0)
                    if smooth:
                        vals[m] += eps / C * cls.fsum(np.abs(wc) * lpm[m])
            G = np.abs(vjp_rows(np.abs(np.asarray(g, dtype=np.float64))))
            dx = G + libm.exp(lp) * np.array([cls.fsum(row) for row in G]).reshape(-1, 1)
        return {"values": cls.reduce_rows(vals, "none", M, layout.out_shape) if c.reduction == "none" else vals,
                "grads": {"input": layout.unrows(dx)}}

    def vjp_rows(g):
        gr = cls.row_cotangent(g, c.reduction, M, W)
        G = np.zeros((M, C))
        for m in range(M):
            if kept[m]:
                if smooth:
                    G[m, :] = np.abs((eps / C) * gr[m] * wc)
                    G[m, t[m]] += abs((1.0 - eps) * wt[m] * gr[m])
                else:
                    G[m, t[m]] = abs(wt[m] * gr[m])
        return G

    vjp.half_terms = half_terms
    return out, vjp


def _targets_for(rng, ts, C, ii):
    t = cls.random_index_targets(rng, ts, C)
    if ii == 1 and t.size > 1:
        t.reshape(-1)[0] = 1
        t.reshape(-1)[-1] = 0
    return t


def cases(b):
    from .difference import point_name, shape_name

    idx_shapes = (((5,), ()), ((4, 5), (4,)), ((2, 3, 4), (2, 4)))
    prob_shapes = ((4, 5), (2, 3, 2, 2))
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            ii = point["ignore_index"]
            for xs, ts in idx_shapes:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{xs}")
                C = xs[0] if len(xs) == 1 else xs[1]
                x = b.uniform(rng, xs, -3.0, 3.0, dtype)
                t = _targets_for(rng, ts, C, ii)
                extra = {"weight": cls.random_weight(b, rng, C, dtype)} if point["weight"] else {}
                b.add(f"{pname}/index/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, ("input",))
            if ii < 0:
                for xs in prob_shapes:
                    rng = b.rng(f"{b.loss}/{dtype}/{pname}/prob/{xs}")
                    x = b.uniform(rng, xs, -3.0, 3.0, dtype)
                    t = cls.probabilities(b, rng, xs, dtype)
                    extra = {"weight": cls.random_weight(b, rng, xs[1], dtype)} if point["weight"] else {}
                    b.add(f"{pname}/probabilities/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                          {"input": x, "target": t}, ("input", "target"))
        rng = b.rng(f"{b.loss}/{dtype}/extra")
        w5 = cls.random_weight(b, rng, 5, dtype)
        x = b.uniform(rng, (4, 5), -3.0, 3.0, dtype)
        t4 = np.array([0, 4, 2, 1])
        p4 = cls.probabilities(b, rng, (4, 5), dtype)
        # Unbatched probabilities, and (N, C, d1, d2, d3) for both kinds.
        b.add("mean/probabilities/unbatched", dtype, {"reduction": "mean", "label_smoothing": 0.2},
              {"input": x[0], "target": p4[0]}, ("input", "target"))
        b.add("none/probabilities/unbatched/weight", dtype, {"reduction": "none", "weight": w5},
              {"input": x[1], "target": p4[1]}, ("input", "target"))
        x5 = b.uniform(rng, (2, 3, 2, 1, 2), -3.0, 3.0, dtype)
        w3 = cls.random_weight(b, rng, 3, dtype)
        for red in ("none", "mean"):
            b.add(f"{red}/index/weight/label_smoothing=0.1/shape=2x3x2x1x2", dtype,
                  {"reduction": red, "weight": w3, "label_smoothing": 0.1, "ignore_index": 2},
                  {"input": x5, "target": cls.random_index_targets(rng, (2, 2, 1, 2), 3)}, ("input",))
            b.add(f"{red}/probabilities/weight/label_smoothing=0.1/shape=2x3x2x1x2", dtype,
                  {"reduction": red, "weight": w3, "label_smoothing": 0.1},
                  {"input": x5, "target": cls.probabilities(b, rng, x5.shape, dtype)}, ("input", "target"))
        x4 = b.uniform(rng, (2, 3, 2, 2), -3.0, 3.0, dtype)
        b.add("sum/index/shape=2x3x2x2", dtype, {"reduction": "sum"},
              {"input": x4, "target": cls.random_index_targets(rng, (2, 2, 2), 3)}, ("input",))
        # ignore_index: negative, >= C, the default -100 present, crossed with smoothing and weights.
        for ii, t in ((-1, [0, -1, 3, -1]), (7, [7, 2, 7, 4]), (-100, [-100, 1, 2, -100]), (5, [5, 0, 1, 2])):
            for red in ("mean", "none"):
                b.add(f"{red}/index/ignore_index={ii}", dtype, {"reduction": red, "ignore_index": ii},
                      {"input": x, "target": np.array(t)}, ("input",))
            b.add(f"mean/index/weight/label_smoothing=0.3/ignore_index={ii}", dtype,
                  {"reduction": "mean", "ignore_index": ii, "weight": w5, "label_smoothing": 0.3},
                  {"input": x, "target": np.array(t)}, ("input",))
        # Label smoothing + ignore_index + weight (#73205, #69339): the
        # smoothing term is zeroed on ignored rows and divided by the same
        # summed weights as the NLL term.
        for red in ("mean", "sum", "none"):
            b.add(f"{red}/index/issue73205/weight/ignore_index=3/label_smoothing=0.4", dtype,
                  {"reduction": red, "weight": w5, "ignore_index": 3, "label_smoothing": 0.4},
                  {"input": x, "target": np.array([3, 1, 3, 4])}, ("input",))
        # All targets ignored (#70348): mean NaN, gradient all 0; sum 0.
        for red in ("mean", "sum"):
            for label, extra in (("", {}), ("/weight/label_smoothing=0.2", {"weight": w5, "label_smoothing": 0.2})):
                b.add(f"{red}/index/issue70348/all_ignored{label}", dtype,
                      dict({"reduction": red, "ignore_index": 2}, **extra),
                      {"input": x, "target": np.array([2, 2, 2, 2])}, ("input",))
        # An ignored row holding NaN or +inf still gets a NaN gradient row;
        # -inf does not.
        xn = x.copy()
        xn[1, 2] = np.nan
        xn[3, 0] = np.inf
        xn[2, 4] = -np.inf
        for eps in (0.0, 0.2):
            b.add(f"sum/index/nonfinite_ignored_rows/label_smoothing={eps}", dtype,
                  {"reduction": "sum", "ignore_index": 3, "label_smoothing": eps},
                  {"input": xn, "target": np.array([0, 3, 1, 3])}, ("input",), smooth=False)
        b.add("none/probabilities/nonfinite", dtype, {"reduction": "none"},
              {"input": xn, "target": p4}, ("input", "target"), smooth=False)
        # Kept rows whose weights sum to 0: NaN.
        wz = np.array([0.0, 1.0, 0.5, 2.0, 1.0])
        b.add("mean/index/weight_sum_zero", dtype, {"reduction": "mean", "weight": wz},
              {"input": x, "target": np.array([0, 0, 0, 0])}, ("input",), smooth=False)
        # label_smoothing: < 0 acts as 0, exactly 1.
        for eps in (-0.5, 1.0):
            b.add(f"mean/index/label_smoothing={eps}", dtype, {"reduction": "mean", "label_smoothing": eps},
                  {"input": x, "target": t4}, ("input",))
            b.add(f"mean/probabilities/label_smoothing={eps}", dtype, {"reduction": "mean", "label_smoothing": eps},
                  {"input": x, "target": p4}, ("input", "target"))
        # Probability targets: zeros, a one-hot row, unnormalised and negative values (not validated).
        pz = np.array([[0.0, 1.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.5, 0.0],
                       [0.25, 0.25, 0.25, 0.25, 0.5], [-0.25, 0.5, 0.75, 0.0, 0.0]])
        b.add("none/probabilities/edge_values", dtype, {"reduction": "none", "weight": w5},
              {"input": x, "target": pz}, ("input", "target"))
        # ignore_index < 0 (not the default) is accepted with probabilities and does nothing.
        b.add("mean/probabilities/ignore_index=-1", dtype, {"reduction": "mean", "ignore_index": -1},
              {"input": x, "target": p4}, ("input", "target"))
        # Empty batch.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/index/empty", dtype, {"reduction": red, "label_smoothing": 0.1},
                  {"input": np.zeros((0, 5)), "target": np.zeros((0,), dtype=np.int64)}, ("input",))
            b.add(f"{red}/probabilities/empty", dtype, {"reduction": red},
                  {"input": np.zeros((0, 5)), "target": np.zeros((0, 5))}, ("input", "target"))
        # A (1,) index target for a (C) input: forward only.
        for red in ("none", "mean"):
            b.add(f"{red}/index/unbatched/target_shape=1", dtype, {"reduction": red},
                  {"input": x[0], "target": np.array([3])}, ())
        b.error("error/unbatched/target_shape=1/grad", dtype, {"reduction": "mean"},
                {"input": x[0], "target": np.array([3])}, "shape_mismatch", ("input",))
        b.error("error/unbatched/target_shape=1/label_smoothing=0.1", dtype,
                {"reduction": "mean", "label_smoothing": 0.1},
                {"input": x[0], "target": np.array([3])}, "shape_mismatch")
        # Large logits: log-sum-exp must shift.
        xb = np.array([[1000.0, 0.0, -1000.0], [-800.0, -790.0, -805.0]])
        b.add("none/index/large_logits", dtype, {"reduction": "none"},
              {"input": xb, "target": np.array([2, 0])}, ("input",))
        # Large.
        rng = b.rng(f"{b.loss}/{dtype}/large")
        xl = b.uniform(rng, (200, 5), -3.0, 3.0, dtype)
        b.add("mean/index/weight/label_smoothing=0.1/shape=200x5", dtype,
              {"reduction": "mean", "weight": w5, "label_smoothing": 0.1},
              {"input": xl, "target": cls.random_index_targets(rng, (200,), 5)}, ("input",))
        # Deprecated arguments, the elementwise_mean alias.
        pair = {"input": x, "target": t4}
        b.reduction_cases(dtype, {}, pair, ("input",))
        # Errors.
        b.error("error/target=5/C=5", dtype, {}, {"input": x, "target": np.array([0, 5, 1, 1])},
                "index_out_of_range", ("input",))
        b.error("error/target=-1", dtype, {"label_smoothing": 0.1}, {"input": x, "target": np.array([0, -1, 1, 1])},
                "index_out_of_range", ("input",))
        b.error("error/unbatched/target=7", dtype, {}, {"input": x[0], "target": np.array(7)},
                "index_out_of_range", ("input",))
        b.error("error/weight_length=4", dtype, {"weight": w5[:4]}, pair, "shape_mismatch", ("input",))
        b.error("error/weight_length=4/label_smoothing=0.1", dtype, {"weight": w5[:4], "label_smoothing": 0.1},
                pair, "shape_mismatch", ("input",))
        b.error("error/probabilities/weight_length=4", dtype, {"weight": w5[:4]},
                {"input": x, "target": p4}, "shape_mismatch", ("input",))
        b.error("error/weight_shape=1x5", dtype, {"weight": w5.reshape(1, 5)}, pair, "shape_mismatch", ("input",))
        b.error("error/target_dtype=float/index_shape", dtype, {},
                {"input": x, "target": t4.astype(np.float64)}, "dtype_mismatch", ("input",))
        b.error("error/target_dtype=int64/input_shape", dtype, {},
                {"input": x, "target": np.zeros((4, 5), dtype=np.int64)}, "dtype_mismatch", ("input",))
        b.error("error/probabilities/ignore_index=0", dtype, {"ignore_index": 0},
                {"input": x, "target": p4}, "invalid_option", ("input",))
        b.error("error/probabilities/ignore_index=7", dtype, {"ignore_index": 7},
                {"input": x, "target": p4}, "invalid_option", ("input",))
        b.error("error/label_smoothing=1.5", dtype, {"label_smoothing": 1.5}, pair, "invalid_option", ("input",))
        b.error("error/probabilities/label_smoothing=1.25", dtype, {"label_smoothing": 1.25},
                {"input": x, "target": p4}, "invalid_option", ("input",))
        b.error("error/batch=4-3", dtype, {}, {"input": x, "target": t4[:3]}, "shape_mismatch", ("input",))
        b.error("error/spatial=2x4-2x5", dtype, {},
                {"input": np.zeros((2, 3, 4)), "target": np.zeros((2, 5), dtype=np.int64)}, "shape_mismatch",
                ("input",))
        b.error("error/probabilities/shape=4x5-4x4", dtype, {},
                {"input": x, "target": p4[:, :4]}, "shape_mismatch", ("input",))
        b.error("error/input_0d/target_0d_int64", dtype, {}, {"input": np.array(0.5), "target": np.array(0)},
                "dtype_mismatch", ("input",))
        b.error("error/input_0d/target_0d_float", dtype, {}, {"input": np.array(0.5), "target": np.array(0.5)},
                "shape_mismatch", ("input",))
        b.error("error/grad_wrt_index_target", dtype, {}, pair, "dtype_mismatch", ("input", "target"))


def random_case(rng, dtype):
    from .cases import Builder as B

    xs, ts = cls.input_shapes_for(rng)
    C = xs[0] if len(xs) == 1 else xs[1]
    options = {"reduction": rng.choice(["none", "mean", "sum"])}
    if rng.random() < 0.5:
        options["label_smoothing"] = rng.choice([0.0, 0.1, 0.5, 1.0, -0.25, round(rng.uniform(0, 1), 3)])
    if rng.random() < 0.5:
        options["weight"] = B.uniform(rng, (C,), 0.0, 2.0, dtype)
    x = B.uniform(rng, xs, -5.0, 5.0, dtype)
    if rng.random() < 0.4:
        if rng.random() < 0.3:
            options["ignore_index"] = -rng.randint(1, 5)
        class_dim = 0 if len(xs) == 1 else 1
        t = cls.probabilities(B, rng, xs, dtype, class_dim=class_dim)
        return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input", "target"]}
    ii = rng.choice([-100, -100, rng.randrange(0, C), -1, C + rng.randrange(0, 3)])
    if ii != -100:
        options["ignore_index"] = ii
    t = cls.random_index_targets(rng, ts, C, ii, 0.25)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input"]}
