"""MultiLabelSoftMarginLoss: one value per sample,

    loss = -(1/C) sum_c w_c (t log sigmoid(x) + (1 - t) log sigmoid(-x))

over the class dimension, the input's last; C = input.size(-1). PyTorch
writes it as plain tensor code (torch/nn/functional.py): input, target and
weight broadcast *both ways* (PyTorch does not check), the sum runs over
dimension input.dim() - 1 *of the broadcast result*, counted from the front.
So a target or weight with more dimensions than the input moves the summed
axis: input (4) with target (3, 4) sums over the 3 and returns shape (4).
That is what PyTorch computes, so it is what we compute.

`mean` averages the per-sample values; C = 0 gives 0/0 = NaN per sample.
A 0-d input has no class dimension: an error (shape_mismatch).
'elementwise_mean' is rejected (invalid_option). Non-finite logits follow
the formula literally: x = +inf with t = 1 (0 * -inf) and x = -inf with
t = 0 give NaN.

d/dx = g w (sigmoid(x) - t) / C,  d/dt = -g w x / C, summed back to the
input's and target's shapes.
"""

import numpy as np

from . import core
from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward
from .logistic import declare_common, point_name, shape_name, target_values


def evaluate(c):
    x = c.inputs["input"].value
    t = target_values(c)
    shape = broadcast_shapes(x.shape, t.shape, what="input and target")
    w_opt = c.options.get("weight")
    if w_opt is not None:
        shape = broadcast_shapes(shape, w_opt.shape, what="the loss and weight")
    if x.ndim == 0:
        raise core.LossError(
            "shape_mismatch",
            "input: a 0-d tensor has no class dimension (expected at least 1 dimension: (C) or (N, C))",
        )
    axis = x.ndim - 1  # of the broadcast shape, counted from the front (as PyTorch)
    n_classes = x.shape[-1]
    xb = np.broadcast_to(x, shape)
    tb = np.broadcast_to(t, shape)
    wb = np.broadcast_to(w_opt.value, shape) if w_opt is not None else None
    elems = -(tb * libm.log_sigmoid(xb) + (1.0 - tb) * libm.log_sigmoid(-xb))
    if wb is not None:
        elems = elems * wb
    per_sample = libm.fsum_axis(elems, axis) / n_classes if n_classes else libm.fsum_axis(elems, axis) * core.NAN
    out = reduce_forward(per_sample, c.reduction)

    def vjp(g):
        gs = reduce_backward(g, c.reduction, per_sample.shape)
        ge = np.expand_dims(gs, axis) / n_classes if n_classes else np.expand_dims(gs, axis) * core.NAN
        ge = np.broadcast_to(ge, shape)
        if wb is not None:
            ge = ge * wb
        grads = {"input": sum_to_shape(ge * (libm.sigmoid(xb) - tb), x.shape)}
        if c.inputs["target"].is_float:
            grads["target"] = sum_to_shape(ge * -xb, t.shape)
        return grads

    def half_terms(g):
        """Magnitudes of the terms PyTorch adds: t log sigmoid(x) and
        (1 - t) log sigmoid(-x), whose difference is the target's gradient
        (docs/HALF_PRECISION.md)."""
        lp, ln = libm.log_sigmoid(xb), libm.log_sigmoid(-xb)
        mag = np.abs(tb * lp) + np.abs((1.0 - tb) * ln)
        gs = np.abs(reduce_backward(g, c.reduction, per_sample.shape))
        ge = np.broadcast_to(np.expand_dims(gs, axis) / max(n_classes, 1), shape)
        if wb is not None:
            mag = mag * np.abs(wb)
            ge = ge * np.abs(wb)
        grads = {"input": sum_to_shape(ge * (libm.sigmoid(xb) + np.abs(tb)), x.shape)}
        if c.inputs["target"].is_float:
            grads["target"] = sum_to_shape(ge * (np.abs(lp) + np.abs(ln)), t.shape)
        return {"values": libm.fsum_axis(mag, axis) / max(n_classes, 1), "grads": grads}

    vjp.half_terms = half_terms
    return out, vjp


GRAD = ("input", "target")
SHAPES = ((5,), (1, 1), (3, 5), (2, 3, 4))


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            for xs in SHAPES:
                rng = b.rng(f"MultiLabelSoftMarginLoss/{dtype}/{pname}/{xs}")
                x = b.uniform(rng, xs, -4.0, 4.0, dtype)
                t = b.uniform(rng, xs, 0.0, 1.0, dtype)
                extra = {"weight": b.uniform(rng, xs[-1:], 0.0, 2.0, dtype)} if point["weight"] else {}
                b.add(f"{pname}/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, GRAD)
            if point["reduction"] in ("none", "sum"):
                extra = {"weight": np.array([0.5, 2.0, 1.0])} if point["weight"] else {}
                opts = b.options_for(point, **extra)
                x = np.array([[100.0, -100.0, 1000.0], [-1000.0, 40.0, -40.0]])
                t = np.array([[1.0, 0.0, 0.5], [1.0, 0.0, 1.0]])
                b.add(f"{pname}/edge=large_logits", dtype, opts, {"input": x, "target": t}, GRAD, smooth=False)
                x = np.array([[np.inf, -np.inf, 0.5], [np.inf, -np.inf, 0.5], [np.nan, 1.0, 2.0]])
                t = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [1.0, 0.5, 0.0]])
                b.add(f"{pname}/edge=nonfinite", dtype, opts, {"input": x, "target": t}, GRAD, smooth=False)
        rng = b.rng(f"MultiLabelSoftMarginLoss/{dtype}/broadcast")
        # weight broadcasting onto (3, 4).
        for red, ws in (("none", (1,)), ("mean", ()), ("none", (3, 1)), ("sum", (3, 4))):
            b.add(f"{red}/weight_shape={shape_name(ws)}", dtype,
                  {"reduction": red, "weight": b.uniform(rng, ws, 0.0, 2.0, dtype)},
                  {"input": b.uniform(rng, (3, 4), -3.0, 3.0, dtype), "target": b.uniform(rng, (3, 4), 0.0, 1.0, dtype)},
                  GRAD)
        # The target broadcasts; a larger target or weight moves the summed axis (PyTorch's code).
        for red, xs, ts, ws in (("none", (3, 4), (4,), None), ("none", (3, 4), (3, 1), None),
                                ("none", (4,), (3, 4), None), ("none", (3, 4), (3, 4), (2, 3, 4)),
                                ("mean", (3, 1), (3, 5), None)):
            opts = {"reduction": red}
            label = f"{red}/broadcast=input_{shape_name(xs)}-target_{shape_name(ts)}"
            if ws:
                opts["weight"] = b.uniform(rng, ws, 0.0, 2.0, dtype)
                label += f"-weight_{shape_name(ws)}"
            b.add(label, dtype, opts,
                  {"input": b.uniform(rng, xs, -3.0, 3.0, dtype), "target": b.uniform(rng, ts, 0.0, 1.0, dtype)}, GRAD)
        b.add("mean/target_dtype=int64", dtype, {"reduction": "mean"},
              {"input": b.uniform(rng, (2, 3), -3.0, 3.0, dtype),
               "target": np.array([[1, 0, 1], [0, 0, 1]], dtype=np.int64)}, ("input",))
        b.add("mean/hard_targets/weight", dtype, {"reduction": "mean", "weight": np.array([1.0, 0.0, 3.0, 0.5])},
              {"input": b.uniform(rng, (4, 4), -3.0, 3.0, dtype),
               "target": np.array([float(rng.randrange(2)) for _ in range(16)]).reshape(4, 4)}, GRAD)
        # C = 0: 0/0 = NaN for each sample.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/classes=0", dtype, {"reduction": red}, {"input": np.zeros((3, 0)), "target": np.zeros((3, 0))},
                  GRAD)
        rng = b.rng(f"MultiLabelSoftMarginLoss/{dtype}/large")
        b.add("mean/shape=120x10", dtype, {"reduction": "mean"},
              {"input": b.uniform(rng, (120, 10), -5.0, 5.0, dtype), "target": b.uniform(rng, (120, 10), 0.0, 1.0, dtype)},
              ("input",))

        rng = b.rng(f"MultiLabelSoftMarginLoss/{dtype}/common")
        pair = {"input": b.uniform(rng, (2, 3), -3.0, 3.0, dtype), "target": b.uniform(rng, (2, 3), 0.0, 1.0, dtype)}
        declare_common(b, dtype, {}, pair, GRAD, {"input": np.zeros((0, 4)), "target": np.zeros((0, 4))})

        # Refusals.
        b.error("error/input_0d", dtype, {}, {"input": np.array(0.5), "target": np.array(1.0)}, "shape_mismatch", GRAD)
        b.error("error/input_0d/target=3", dtype, {"reduction": "none"},
                {"input": np.array(0.5), "target": np.ones(3)}, "shape_mismatch", GRAD)
        b.error("error/target_shape=3x5-3x4", dtype, {}, {"input": np.zeros((3, 4)), "target": np.zeros((3, 5))},
                "shape_mismatch", GRAD)
        b.error("error/weight_shape=5-3x4", dtype, {"weight": np.ones(5)},
                {"input": np.zeros((3, 4)), "target": np.zeros((3, 4))}, "shape_mismatch", GRAD)
        b.error("error/weight_shape=2x4-3x4", dtype, {"weight": np.ones((2, 4))},
                {"input": np.zeros((3, 4)), "target": np.zeros((3, 4))}, "shape_mismatch", GRAD)


def random_case(rng, dtype):
    from .logistic import random_fitting_shape, random_reduction, random_shape
    from .cases import Builder

    shape = random_shape(rng, 1, 3)
    scale = rng.choice((1.0, 4.0, 30.0))
    x = Builder.uniform(rng, shape, -scale, scale, dtype)
    ts = shape if rng.random() < 0.7 else random_fitting_shape(rng, shape)
    if rng.random() < 0.3:
        t = np.array([float(rng.randrange(2)) for _ in range(int(np.prod(ts)) if ts else 1)]).reshape(ts)
    else:
        t = Builder.uniform(rng, ts, 0.0, 1.0, dtype)
    options = {"reduction": random_reduction(rng)}
    if rng.random() < 0.5:
        ws = shape[-1:] if rng.random() < 0.5 else random_fitting_shape(rng, shape)
        options["weight"] = Builder.uniform(rng, ws, 0.0, 2.0, dtype)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input", "target"]}
