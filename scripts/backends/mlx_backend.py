#!/usr/bin/env python3
"""Apple MLX (mlx.nn.losses, Linux CPU build) as a LossCheck exec backend.

    losscheck run --backend exec:'/root/mlxvenv/bin/python \
        scripts/backends/mlx_backend.py'

The eval protocol of docs/CASE_SCHEMA.md: one case per line on stdin, one
result line per case on stdout, flushed. Values come from the MLX loss
function named below; gradients are mx.vjp of that call with the case's
grad_output. Cases MLX cannot express get `{"unsupported": reason}`.

What is mapped (PyTorch class -> mlx.nn.losses call):

  L1Loss            l1_loss               equal shapes only
  MSELoss           mse_loss              equal shapes only
  HuberLoss         huber_loss(delta)
  SmoothL1Loss      smooth_l1_loss(beta)  equal shapes only
  GaussianNLLLoss   gaussian_nll_loss(full, eps)  var shaped like input
  CrossEntropyLoss  cross_entropy(axis=class dim, label_smoothing)
                    no class weight (MLX weights are per sample), no
                    ignore_index
  NLLLoss           nll_loss(axis=class dim)  no weight, no ignore_index
  KLDivLoss         kl_div_loss(axis=())  log_target=True only
  BCELoss           binary_cross_entropy(with_logits=False, weights)
  BCEWithLogitsLoss binary_cross_entropy(with_logits=True, weights)
                    no pos_weight; weight shaped like input only
  MarginRankingLoss margin_ranking_loss(margin)  equal shapes only
  TripletMarginLoss triplet_loss(p, margin, eps)  no swap

Everything else is unsupported: PoissonNLL, SoftMargin,
MultiLabelSoftMargin, HingeEmbedding (MLX's hinge_loss is max(0, 1 - x*y),
another loss), MultiLabelMargin, MultiMargin, CosineEmbedding (MLX has only
the similarity), TripletMarginWithDistance, CTC.

The adapter is a thin PyTorch-API shim: it resolves `reduction` and the
deprecated size_average/reduce the way torch.nn does, computes KLDiv's
`batchmean` as MLX's sum over the batch size, and passes everything else to
MLX unchanged. Where PyTorch would broadcast operands that MLX requires to
be equal, the case is unsupported (an input form MLX lacks); where both
refuse, the MLX exception becomes an error result with LossCheck's kind.
"""

import mlx.core as mx
import mlx.nn.losses as L
import numpy as np

from exec_adapter import Unsupported, array, bind, num, serve_adapter

DTYPES = {"float64": mx.float64, "float32": mx.float32, "int64": mx.int64}
NAMES = {mx.float64: "float64", mx.float32: "float32", mx.int64: "int64",
         mx.float16: "float16", mx.bfloat16: "bfloat16", mx.int32: "int32"}


def tensor(t):
    return mx.array(array(t), dtype=DTYPES[t["dtype"]])


def encode(a):
    name = NAMES.get(a.dtype, str(a.dtype))
    values = np.array(a.astype(mx.float64) if name != "int64" else a)
    data = [num(float(x)) for x in values.reshape(-1).tolist()]
    if name == "int64":
        data = [int(x) for x in values.reshape(-1).tolist()]
    return {"dtype": name, "shape": list(a.shape), "data": data}


def broadcastable(*arrays, same_ndim=False):
    shapes = [tuple(a.shape) for a in arrays]
    if same_ndim and len({len(s) for s in shapes}) > 1:
        return False
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


def equal_shapes(what, *arrays, same_ndim=False):
    """MLX needs equal shapes where PyTorch broadcasts: unsupported then."""
    if len({tuple(a.shape) for a in arrays}) > 1 and broadcastable(
        *arrays, same_ndim=same_ndim):
        raise Unsupported(f"mlx {what} needs equal shapes; PyTorch broadcasts "
                          f"{[list(a.shape) for a in arrays]}")


def no_option(o, name, default, why):
    if o.get(name, default) != default:
        raise Unsupported(f"{name}={o[name]!r}: {why}")


def class_targets(o, x, what):
    """Shared refusals of NLL and CE: class weight and ignore_index."""
    if o.get("weight") is not None:
        raise Unsupported(f"weight: mlx {what} has no per-class weight")
    ignore = o.get("ignore_index", -100)
    no_option(o, "ignore_index", -100, f"mlx {what} has no ignore_index")
    t = x["target"]
    if t.dtype == mx.int64 and t.size and bool(mx.any(t == ignore).item()):
        raise Unsupported(f"target holds ignore_index {ignore}: mlx {what} "
                          "has no ignore_index")


def class_axis(x):
    return 1 if x["input"].ndim >= 2 else 0


def elementwise(fn, what, kw):
    def make(o, r, x):
        equal_shapes(what, x["input"], x["target"])
        return lambda d: fn(d["input"], d["target"], reduction=r, **kw(o))
    return make


def huber(o, r, x):
    delta = float(o.get("delta", 1.0))
    return lambda d: L.huber_loss(d["input"], d["target"], delta, reduction=r)


def gaussian(o, r, x):
    var = x["var"]
    if not isinstance(var, mx.array) or var.shape != x["input"].shape:
        raise Unsupported("mlx gaussian_nll_loss needs var shaped like input")
    equal_shapes("gaussian_nll_loss", x["input"], x["target"])
    full, eps = bool(o.get("full", False)), float(o.get("eps", 1e-6))
    return lambda d: L.gaussian_nll_loss(
        d["input"], d["target"], d["var"], full, eps, reduction=r)


def cross_entropy(o, r, x):
    class_targets(o, x, "cross_entropy")
    eps = float(o.get("label_smoothing", 0.0))
    return lambda d: L.cross_entropy(
        d["input"], d["target"], axis=class_axis(d), label_smoothing=eps,
        reduction=r)


def nll(o, r, x):
    class_targets(o, x, "nll_loss")
    return lambda d: L.nll_loss(d["input"], d["target"], axis=class_axis(d),
                                reduction=r)


def kl_div(o, r, x):
    if not o.get("log_target", False):
        raise Unsupported("log_target=False: mlx kl_div_loss takes log targets")
    if r != "batchmean":
        return lambda d: L.kl_div_loss(d["input"], d["target"], axis=(),
                                       reduction=r)
    n = x["input"].shape[0] if x["input"].ndim else 1
    return lambda d: L.kl_div_loss(d["input"], d["target"], axis=(),
                                   reduction="sum") / n


def bce(logits):
    def make(o, r, x):
        if o.get("pos_weight") is not None:
            raise Unsupported("pos_weight: mlx binary_cross_entropy has none")
        w = o.get("weight")
        if w is not None and w.shape != x["input"].shape:
            raise Unsupported("mlx binary_cross_entropy needs weights shaped "
                              "like the input; PyTorch broadcasts "
                              f"{list(w.shape)}")
        return lambda d: L.binary_cross_entropy(
            d["input"], d["target"], weights=w, with_logits=logits, reduction=r)
    return make


def margin_ranking(o, r, x):
    equal_shapes("margin_ranking_loss", x["input1"], x["input2"], x["target"],
                 same_ndim=True)
    margin = float(o.get("margin", 0.0))
    return lambda d: L.margin_ranking_loss(
        d["input1"], d["input2"], d["target"], margin, reduction=r)


def triplet(o, r, x):
    no_option(o, "swap", False, "mlx triplet_loss has no swap")
    p, margin = o.get("p", 2.0), float(o.get("margin", 1.0))
    eps = float(o.get("eps", 1e-6))
    return lambda d: L.triplet_loss(d["anchor"], d["positive"], d["negative"],
                                    p=p, margin=margin, eps=eps, reduction=r)


LOSSES = {
    "L1Loss": elementwise(L.l1_loss, "l1_loss", lambda o: {}),
    "MSELoss": elementwise(L.mse_loss, "mse_loss", lambda o: {}),
    "SmoothL1Loss": elementwise(
        L.smooth_l1_loss, "smooth_l1_loss",
        lambda o: {"beta": float(o.get("beta", 1.0))}),
    "HuberLoss": huber, "GaussianNLLLoss": gaussian,
    "CrossEntropyLoss": cross_entropy, "NLLLoss": nll, "KLDivLoss": kl_div,
    "BCELoss": bce(False), "BCEWithLogitsLoss": bce(True),
    "MarginRankingLoss": margin_ranking, "TripletMarginLoss": triplet,
}

# MLX raises ValueError with prose: LossCheck's kind by message, first match.
KIND_RULES = [
    (r"indices type|respect to indices", "dtype_mismatch"),
    (r"reduction|smoothing", "invalid_option"),
    (r"shape|broadcast|dimension|axis|rank", "shape_mismatch"),
    (r"dtype|integer|float", "dtype_mismatch"),
    (r"index|bounds", "index_out_of_range"),
]


def evaluate(case):
    fn, x, wrt = bind(case, LOSSES, tensor, "mlx.nn.losses")
    if not wrt:
        out = fn(x)
        mx.eval(out)
        return {"id": case["id"], "output": encode(out)}

    def f(*primals):
        return fn({**x, **dict(zip(wrt, primals))})

    g = case.get("grad_output")
    g = tensor(g) if g is not None else mx.ones_like(f(*[x[n] for n in wrt]))
    outs, grads = mx.vjp(f, [x[n] for n in wrt], [g])
    mx.eval(outs, grads)
    return {"id": case["id"], "output": encode(outs[0]),
            "grads": {n: encode(gr) for n, gr in zip(wrt, grads)}}


def main():
    serve_adapter(evaluate, KIND_RULES)


if __name__ == "__main__":
    main()
