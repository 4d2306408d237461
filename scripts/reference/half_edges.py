"""The half-precision edges of every loss, declared in float16 and bfloat16
after the loss's own case blocks (cases.build's half pass).

Per dtype, with BIG its largest finite value (65504 in float16) and SUB its
smallest subnormal (2^-24 in float16):

* overflow: inputs near BIG whose outputs or gradients overflow (the exact
  answer rounded to the dtype is then inf) or just stay finite;
* subnormals: inputs of a few SUB, whose squares and products underflow;
* logits past the exp overflow of the dtype (|x| > 11.1 in float16), for
  the losses that exponentiate;
* long sums: 4096 terms (elements, or classes C = 4096), where a sum
  accumulated in the dtype stagnates (in float16 the partial sum passes
  2048, where the spacing is 2);
* an error case.
"""

import numpy as np

from . import core

N_LONG = 4096


def _big(dtype):
    return core.HALF_FORMATS[dtype][2]


def _sub(dtype):
    return core.half_quantum(dtype)


def _exp_over(dtype):
    """The smallest integer x with exp(x) beyond the dtype's range."""
    return float(int(np.log(_big(dtype))) + 1)


def _u(b, key, shape, lo, hi, dtype):
    return b.uniform(b.rng(f"{b.loss}/{dtype}/half/{key}"), shape, lo, hi, dtype)


def _long_pair(b, dtype, lo, hi, tlo=None, thi=None):
    x = _u(b, "long/x", (N_LONG,), lo, hi, dtype)
    t = _u(b, "long/t", (N_LONG,), lo if tlo is None else tlo, hi if thi is None else thi, dtype)
    return x, t


def _difference(b, dtype, extra=None):
    """L1, MSE, Huber, SmoothL1: input - target."""
    big, sub = _big(dtype), _sub(dtype)
    opts = extra or {}
    wrt = ("input", "target")
    x = np.array([big, -big, big / 2, 0.75 * big, 255.0, 256.0, 1.0, -3.0])
    t = np.array([-big, big, -big / 2, 0.0, 0.0, 0.0, 1.0 - 2.0 ** -7, -3.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=overflow", dtype, dict(opts, reduction=red), {"input": x, "target": t}, wrt, smooth=False)
    xs = np.array([sub, 3 * sub, -5 * sub, 1024 * sub, 0.0, -sub])
    ts = np.array([0.0, sub, 2 * sub, -1024 * sub, sub, sub])
    b.add("none/half_edge=subnormal", dtype, dict(opts, reduction="none"), {"input": xs, "target": ts}, wrt, smooth=False)
    x, t = _long_pair(b, dtype, -2.0, 2.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, dict(opts, reduction=red), {"input": x, "target": t}, wrt)
    b.error("half_error/target_shape=3-4", dtype, opts, {"input": np.zeros(3), "target": np.zeros((2, 4))},
            "shape_mismatch", wrt)


def _logistic_logits(dtype):
    e = _exp_over(dtype)
    return np.array([e, -e, e + 1.0, -(e + 1.0), 20.0, -20.0, 2 * e, -2 * e, 0.5])


def _bce_with_logits(b, dtype):
    wrt = ("input", "target")
    x = _logistic_logits(dtype)
    t = np.array([0.0, 1.0, 1.0, 0.0, 0.25, 0.75, 0.5, 0.5, 1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=exp_overflow", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.add("none/half_edge=exp_overflow/pos_weight", dtype,
          {"reduction": "none", "pos_weight": np.full(x.shape, 3.0)}, {"input": x, "target": t}, wrt)
    x, t = _long_pair(b, dtype, -6.0, 6.0, 0.0, 1.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.error("half_error/target_shape=3-4", dtype, {}, {"input": np.zeros(3), "target": np.zeros(4)},
            "shape_mismatch", wrt)


def _soft_margin(b, dtype):
    x = _logistic_logits(dtype)
    t = np.array([-1.0, 1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=exp_overflow", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",),
              smooth=False)
    x = _u(b, "long/x", (N_LONG,), -4.0, 4.0, dtype)
    t = np.where(_u(b, "long/t", (N_LONG,), -1.0, 1.0, dtype) >= 0, 1.0, -1.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",))
    b.error("half_error/target_shape=3-4", dtype, {}, {"input": np.zeros(3), "target": np.ones(4)},
            "shape_mismatch", ("input",))


def _multilabel_soft_margin(b, dtype):
    wrt = ("input", "target")
    x = _logistic_logits(dtype).reshape(1, -1)
    t = np.array([[0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]])
    b.add("none/half_edge=exp_overflow", dtype, {"reduction": "none"}, {"input": x, "target": t}, wrt)
    x = _u(b, "long/x", (2, N_LONG), -6.0, 6.0, dtype)
    t = np.where(_u(b, "long/t", (2, N_LONG), -1.0, 1.0, dtype) >= 0, 1.0, 0.0)
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=classes_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.error("half_error/input=0d", dtype, {}, {"input": np.array(0.5), "target": np.array(1.0)},
            "shape_mismatch", wrt)


def _bce(b, dtype):
    wrt = ("input", "target")
    sub = _sub(dtype)
    u = core.UNIT_ROUNDOFF[dtype]
    # x = t = 7 SUB: a subnormal log with a 0 gradient (a gradient like
    # g x / x(1 - x) at x = 7 SUB rests on subnormal products, whose
    # granularity no element bound of the model covers).
    x = np.array([sub, 7 * sub, 1.0 - u / 2, 1.0 - u, 0.5, u])
    t = np.array([1.0, 7 * sub, 0.0, 1.0, 0.5, 1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=subnormal_and_near_1", dtype, {"reduction": red}, {"input": x, "target": t}, wrt,
              smooth=False)
    x, t = _long_pair(b, dtype, 0.02, 0.98, 0.0, 1.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.error("half_error/input=1.5", dtype, {}, {"input": np.array([1.5]), "target": np.array([0.5])},
            "value_out_of_domain", wrt)


def _poisson(b, dtype):
    wrt = ("input", "target")
    e = _exp_over(dtype)
    x = np.array([e, e - 1.0, -e, 0.5, 2 * e])
    t = np.array([1.0, 3.0, 0.0, 2.0, 0.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=exp_overflow", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    sub = _sub(dtype)
    b.add("none/half_edge=subnormal/log_input=false", dtype, {"reduction": "none", "log_input": False},
          {"input": np.array([sub, 4 * sub, 1.0]), "target": np.array([1.0, 0.0, sub])}, wrt, smooth=False)
    x, t = _long_pair(b, dtype, -2.0, 2.0, 0.0, 4.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.error("half_error/reduction=batchmean", dtype, {"reduction": "batchmean"},
            {"input": np.zeros(3), "target": np.zeros(3)}, "invalid_option", wrt)


def _gaussian(b, dtype):
    # (x - t)^2 / var overflows where x - t and 2 (x - t) stay in range:
    # the values overflow, the input gradients are finite. (A finite value
    # whose (x - t)^2 alone overflows would be ill-posed in float16.)
    wrt = ("input", "target", "var")
    s = 1.0 if dtype == "float16" else 2.0 ** 60
    x = np.array([200.0, -100.0, 300.0, 1.0]) * s
    t = np.array([-100.0, 150.0, 0.0, 1.0]) * s
    v = np.array([1.0, 0.25, 0.5, 2.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=overflow", dtype, {"reduction": red}, {"input": x, "target": t, "var": v}, wrt)
    x, t = _long_pair(b, dtype, -2.0, 2.0)
    v = _u(b, "long/v", (N_LONG,), 0.25, 2.0, dtype)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t, "var": v}, wrt)
    b.error("half_error/var=-1", dtype, {}, {"input": np.zeros(2), "target": np.zeros(2), "var": np.array([1.0, -1.0])},
            "value_out_of_domain", wrt)


def _kldiv(b, dtype):
    wrt = ("input", "target")
    e = _exp_over(dtype)
    x = np.array([-1.0, -2.0, 0.5, -0.25])
    t = np.array([e, e - 1.0, -e, 0.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=exp_overflow/log_target=true", dtype, {"reduction": red, "log_target": True},
              {"input": x, "target": t}, wrt)
    # t >= 0.01: the gradient's g t / t would otherwise rest on subnormal
    # products (g = 1/4096).
    x, t = _long_pair(b, dtype, -4.0, 0.0, 0.01, 1.0)
    for red in ("batchmean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, wrt)
    b.error("half_error/reduction=foo", dtype, {"reduction": "foo"}, {"input": np.zeros(3), "target": np.zeros(3)},
            "invalid_option", wrt)


def _cross_entropy(b, dtype):
    e = _exp_over(dtype)
    big = _big(dtype)
    x = np.array([[e, 0.0, -e], [2 * e, 2 * e - 1.0, 0.0], [big / 2, -big / 2, 0.0]])
    t = np.array([2, 1, 1], dtype=np.int64)
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=exp_overflow", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",))
    x = _u(b, "long/x", (2, N_LONG), -4.0, 4.0, dtype)
    t = np.array([7, N_LONG - 1], dtype=np.int64)
    # Smoothing sums |log p| over the 4096 classes: 34000 a row, finite in
    # float16 (two rows summed would not be: so `none`).
    for red, extra in (("mean", {}), ("none", {"label_smoothing": 0.1})):
        b.add(f"{red}/half_edge=classes_{N_LONG}", dtype, dict(extra, reduction=red), {"input": x, "target": t},
              ("input",))
    b.error("half_error/target=4096", dtype, {}, {"input": x, "target": np.array([0, N_LONG], dtype=np.int64)},
            "index_out_of_range", ("input",))


def _nll(b, dtype):
    x = _u(b, "long/x", (N_LONG, 3), -4.0, 0.0, dtype)
    t = np.array([i % 3 for i in range(N_LONG)], dtype=np.int64)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",))
    x = _u(b, "classes/x", (2, N_LONG), -4.0, 0.0, dtype)
    b.add(f"none/half_edge=classes_{N_LONG}", dtype, {"reduction": "none"},
          {"input": x, "target": np.array([0, N_LONG - 1], dtype=np.int64)}, ("input",))
    big = _big(dtype)
    b.add("sum/half_edge=overflow", dtype, {"reduction": "sum"},
          {"input": np.array([[-big, 0.0], [0.0, -big]]), "target": np.array([0, 1], dtype=np.int64)}, ("input",))
    b.error("half_error/target=-1", dtype, {}, {"input": np.zeros((2, 3)), "target": np.array([0, -1], dtype=np.int64)},
            "index_out_of_range", ("input",))


def _margin_ranking(b, dtype):
    wrt = ("input1", "input2", "target")
    big = _big(dtype)
    x1 = np.array([-big, big / 2, 1.0])
    x2 = np.array([big, -big / 2, 1.0])
    y = np.array([1.0, -1.0, 1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=overflow", dtype, {"reduction": red}, {"input1": x1, "input2": x2, "target": y}, wrt)
    x1, x2 = _long_pair(b, dtype, -2.0, 2.0)
    y = np.where(_u(b, "long/y", (N_LONG,), -1.0, 1.0, dtype) >= 0, 1.0, -1.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red, "margin": 0.5},
              {"input1": x1, "input2": x2, "target": y}, wrt)
    b.error("half_error/shape=3-4", dtype, {}, {"input1": np.zeros(3), "input2": np.zeros(4), "target": np.ones(3)},
            "shape_mismatch", wrt)


def _hinge_embedding(b, dtype):
    big = _big(dtype)
    x = np.array([-big, big, -big / 2, 0.5])
    y = np.array([-1.0, 1.0, -1.0, -1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=overflow", dtype, {"reduction": red, "margin": big / 2}, {"input": x, "target": y},
              ("input",), smooth=False)
    x = _u(b, "long/x", (N_LONG,), 0.0, 2.0, dtype)
    y = np.where(_u(b, "long/y", (N_LONG,), -1.0, 1.0, dtype) >= 0, 1.0, -1.0)
    for red in ("mean", "sum"):
        b.add(f"{red}/half_edge=long_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": y}, ("input",))
    b.error("half_error/reduction=foo", dtype, {"reduction": "foo"}, {"input": np.zeros(3), "target": np.ones(3)},
            "invalid_option", ("input",))


def _cosine_embedding(b, dtype):
    wrt = ("input1", "input2")
    x1 = _u(b, "long/x1", (2, N_LONG), -1.0, 1.0, dtype)
    x2 = _u(b, "long/x2", (2, N_LONG), -1.0, 1.0, dtype)
    y = np.array([1.0, -1.0])
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=dim_{N_LONG}", dtype, {"reduction": red, "margin": -0.5},
              {"input1": x1, "input2": x2, "target": y}, wrt)
    b.error("half_error/target_shape=3", dtype, {}, {"input1": np.ones((2, 3)), "input2": np.ones((2, 3)),
                                                      "target": np.ones(3)}, "shape_mismatch", wrt)


def _multi_margin(b, dtype):
    x = _u(b, "long/x", (2, N_LONG), -1.0, 1.0, dtype)
    t = np.array([3, N_LONG - 1], dtype=np.int64)
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=classes_{N_LONG}", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",))
    b.error("half_error/target=4096", dtype, {}, {"input": x, "target": np.array([0, N_LONG], dtype=np.int64)},
            "index_out_of_range", ("input",))


def _multilabel_margin(b, dtype):
    x = _u(b, "long/x", (2, 512), -1.0, 1.0, dtype)
    t = np.full((2, 512), -1, dtype=np.int64)
    t[0, :3] = [5, 100, 511]
    t[1, :1] = [0]
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=classes_512", dtype, {"reduction": red}, {"input": x, "target": t}, ("input",))
    b.error("half_error/target=512", dtype, {}, {"input": np.zeros((1, 4)), "target": np.array([[4, -1, 0, 0]])},
            "index_out_of_range", ("input",))


def _triplet(b, dtype, extra):
    wrt = ("anchor", "positive", "negative")
    ins = {k: _u(b, f"long/{k}", (2, N_LONG), -1.0, 1.0, dtype) for k in wrt}
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=dim_{N_LONG}", dtype, dict(extra, reduction=red, margin=2.0), ins, wrt)
    b.error("half_error/rank=2-1-2", dtype, extra, {"anchor": np.zeros((2, 3)), "positive": np.zeros(3),
                                                     "negative": np.zeros((2, 3))}, "shape_mismatch", wrt)


def _ctc(b, dtype):
    from .CTCLoss import random_log_probs

    lp = random_log_probs(b.rng(f"CTCLoss/{dtype}/half/long"), (200, 1, 20), dtype)
    ints = {"targets": np.array([[3, 4, 5, 4, 3, 9, 12, 1]], dtype=np.int64),
            "input_lengths": np.array([200], dtype=np.int64), "target_lengths": np.array([8], dtype=np.int64)}
    for red in ("none", "sum"):
        b.add(f"{red}/half_edge=frames_200", dtype, {"reduction": red}, dict(ints, log_probs=lp), ("log_probs",))
    b.error("half_error/blank=20", dtype, {"blank": 20}, dict(ints, log_probs=lp), "invalid_option", ("log_probs",))


def declare(b):
    """The half edges of b.loss, in every half dtype."""
    for dtype in core.HALF_DTYPES:
        loss = b.loss
        if loss in ("L1Loss", "MSELoss"):
            _difference(b, dtype)
        elif loss == "HuberLoss":
            _difference(b, dtype, {"delta": 2.0})
        elif loss == "SmoothL1Loss":
            _difference(b, dtype, {"beta": 0.5})
        elif loss == "BCEWithLogitsLoss":
            _bce_with_logits(b, dtype)
        elif loss == "SoftMarginLoss":
            _soft_margin(b, dtype)
        elif loss == "MultiLabelSoftMarginLoss":
            _multilabel_soft_margin(b, dtype)
        elif loss == "BCELoss":
            _bce(b, dtype)
        elif loss == "PoissonNLLLoss":
            _poisson(b, dtype)
        elif loss == "GaussianNLLLoss":
            _gaussian(b, dtype)
        elif loss == "KLDivLoss":
            _kldiv(b, dtype)
        elif loss == "CrossEntropyLoss":
            _cross_entropy(b, dtype)
        elif loss == "NLLLoss":
            _nll(b, dtype)
        elif loss == "MarginRankingLoss":
            _margin_ranking(b, dtype)
        elif loss == "HingeEmbeddingLoss":
            _hinge_embedding(b, dtype)
        elif loss == "CosineEmbeddingLoss":
            _cosine_embedding(b, dtype)
        elif loss == "MultiMarginLoss":
            _multi_margin(b, dtype)
        elif loss == "MultiLabelMarginLoss":
            _multilabel_margin(b, dtype)
        elif loss == "TripletMarginLoss":
            _triplet(b, dtype, {})
        elif loss == "TripletMarginWithDistanceLoss":
            _triplet(b, dtype, {"distance_function": "cosine_distance"})
        elif loss == "CTCLoss":
            _ctc(b, dtype)
