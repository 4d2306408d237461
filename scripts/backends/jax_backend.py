#!/usr/bin/env python3
"""JAX with optax's losses as a LossCheck exec backend.

    losscheck run --backend exec:'/root/jaxvenv/bin/python \
        scripts/backends/jax_backend.py'

The eval protocol of docs/CASE_SCHEMA.md: one case per line on stdin, one
result line per case on stdout, flushed. Values come from the optax loss
named below; gradients are jax.vjp of that call with the case's
grad_output. float64 cases run with jax_enable_x64 on, float32 cases with
JAX's default (off), as a user of either precision would run them. Cases
optax cannot express get `{"unsupported": reason}`.

What is mapped (PyTorch class -> optax call):

  MSELoss           squared_error                 equal shapes only
  HuberLoss         huber_loss(delta)
  CrossEntropyLoss  index targets: softmax_cross_entropy_with_integer_labels
                    (where = target != ignore_index); probabilities, or
                    label_smoothing > 0: softmax_cross_entropy with
                    smooth_labels(one_hot or target, label_smoothing);
                    class dim moved last; no class weight
  KLDivLoss         kl_divergence / kl_divergence_with_log_targets (axis=())
  BCEWithLogitsLoss sigmoid_binary_cross_entropy  no weight, no pos_weight
  TripletMarginLoss triplet_margin_loss(norm_degree=p, margin, eps)  no swap
  CTCLoss           ctc_loss(blank_id) on (N, T, C), lengths as paddings;
                    no zero_infinity

optax returns unreduced losses, so the adapter reduces them as PyTorch's
`reduction` says (mean, sum, KLDiv's batchmean; CrossEntropy's mean over
the rows not ignored; CTC's mean of loss / target length), resolving the
deprecated size_average/reduce as torch.nn does. Everything else is
unsupported: optax has no L1, SmoothL1, NLL, PoissonNLL, GaussianNLL, BCE
on probabilities, SoftMargin, MultiLabelSoftMargin, MarginRanking,
HingeEmbedding (optax's hinge_loss is max(0, 1 - x*y), another loss),
MultiLabelMargin, MultiMargin (multiclass_hinge_loss is Crammer-Singer),
CosineEmbedding, TripletMarginWithDistance.
"""

import jax
import jax.numpy as jnp
import numpy as np
import optax

from exec_adapter import Refused, Unsupported, array, bind, num, serve_adapter


def tensor(t):
    return jnp.asarray(array(t))


def encode(a):
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return {"dtype": "int64", "shape": list(a.shape),
                "data": [int(x) for x in a.reshape(-1).tolist()]}
    return {"dtype": str(a.dtype), "shape": list(a.shape),
            "data": [num(float(x)) for x in a.reshape(-1).tolist()]}


def reduce(v, r):
    return {"none": v, "mean": jnp.mean(v), "sum": jnp.sum(v)}[r]


def no_option(o, name, default, why):
    """Unsupported when option `name` is given other than `default`."""
    v = o.get(name, default)
    if hasattr(v, "shape"):
        raise Unsupported(f"{name} (a tensor): {why}")
    if v != default:
        raise Unsupported(f"{name}={v!r}: {why}")


def mse(o, r, x):
    a, b = x["input"], x["target"]
    if a.shape != b.shape:
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            pass  # optax refuses, as PyTorch does: its error is the answer
        else:
            raise Unsupported("optax squared_error needs equal shapes; PyTorch "
                              f"broadcasts {list(a.shape)} and {list(b.shape)}")
    return lambda d: reduce(
        optax.losses.squared_error(d["input"], d["target"]), r)


def huber(o, r, x):
    delta = o.get("delta", 1.0)
    return lambda d: reduce(
        optax.losses.huber_loss(d["input"], d["target"], delta=delta), r)


def cross_entropy(o, r, x):
    if o.get("weight") is not None:
        raise Unsupported("weight: optax softmax cross entropy has no class "
                          "weight")
    eps = o.get("label_smoothing", 0.0)
    ignore = o.get("ignore_index", -100)
    logits, target = x["input"], x["target"]
    probs = target.shape == logits.shape
    if probs:
        no_option(o, "ignore_index", -100, "optax's probability targets have "
                  "no ignore_index")

    def last(a):  # the class dim (1, or 0 unbatched) moved last for optax
        return jnp.moveaxis(a, 1, -1) if a.ndim >= 2 else a

    def f(d):
        z = last(d["input"])
        if probs:
            labels = optax.losses.smooth_labels(last(d["target"]), eps)
            return reduce(optax.losses.softmax_cross_entropy(z, labels), r)
        t = d["target"]
        keep = t != ignore
        if eps:
            hot = jax.nn.one_hot(t, z.shape[-1], dtype=z.dtype)
            labels = optax.losses.smooth_labels(hot, eps)
            v = optax.losses.softmax_cross_entropy(z, labels, where=keep)
        else:
            v = optax.losses.softmax_cross_entropy_with_integer_labels(
                z, t, where=keep)
        if r == "mean":  # PyTorch: the mean over the rows not ignored
            return jnp.sum(v) / jnp.sum(keep)
        return reduce(v, r)
    return f


def kl_div(o, r, x):
    losses = optax.losses
    fn = (losses.kl_divergence_with_log_targets if o.get("log_target", False)
          else losses.kl_divergence)
    n = x["input"].shape[0] if x["input"].ndim else 1

    def f(d):
        v = fn(d["input"], d["target"], axis=())
        return jnp.sum(v) / n if r == "batchmean" else reduce(v, r)
    return f


def bce_logits(o, r, x):
    no_option(o, "weight", None, "optax sigmoid_binary_cross_entropy has "
              "no weight")
    no_option(o, "pos_weight", None, "optax sigmoid_binary_cross_entropy "
              "has no pos_weight")
    return lambda d: reduce(
        optax.losses.sigmoid_binary_cross_entropy(d["input"], d["target"]), r)


def triplet(o, r, x):
    no_option(o, "swap", False, "optax triplet_margin_loss has no swap")
    p, margin, eps = o.get("p", 2.0), o.get("margin", 1.0), o.get("eps", 1e-6)
    return lambda d: reduce(optax.losses.triplet_margin_loss(
        d["anchor"], d["positive"], d["negative"], norm_degree=p,
        margin=margin, eps=eps), r)


def ctc(o, r, x):
    no_option(o, "zero_infinity", False, "optax ctc_loss has no zero_infinity")
    lp, targets = x["log_probs"], x["targets"]
    lin, tlen = x["input_lengths"], x["target_lengths"]
    batched = lp.ndim == 3
    lin, tlen = np.asarray(lin).reshape(-1), np.asarray(tlen).reshape(-1)
    t_max = lp.shape[0]
    if lin.dtype.kind != "i" or tlen.dtype.kind != "i":
        raise Refused("dtype_mismatch", "lengths must be int64")
    if np.any(lin < 0) or np.any(lin > t_max) or np.any(tlen < 0):
        raise Unsupported("input or target lengths outside [0, T] cannot be "
                          "written as optax paddings")
    t = np.asarray(targets)
    if t.ndim not in (1, 2):
        raise ValueError(f"targets of rank {t.ndim}: optax ctc_loss takes "
                         "(B, N) labels")
    if t.ndim == 1 and batched:  # concatenated targets: split, then pad
        if tlen.sum() != t.size:
            raise Unsupported("target_lengths do not add up to the targets: "
                              "no optax paddings for them")
        s = int(tlen.max(initial=0))
        rows = np.split(t, np.cumsum(tlen)[:-1])
        t = np.stack([np.pad(row, (0, s - row.size)) for row in rows]) \
            if len(rows) else np.zeros((0, s), np.int64)
    elif t.ndim == 1:
        t = t[None, :]
    if np.any(tlen > t.shape[1]):
        raise Unsupported("a target length beyond the padded targets cannot be "
                          "written as optax paddings")
    dtype = lp.dtype
    logit_pad = jnp.asarray(np.arange(t_max)[None, :] >= lin[:, None], dtype)
    label_pad = jnp.asarray(np.arange(t.shape[1])[None, :] >= tlen[:, None],
                            dtype)
    blank = o.get("blank", 0)

    def f(d):
        logits = d["log_probs"]
        logits = jnp.swapaxes(logits, 0, 1) if batched else logits[None]
        v = optax.losses.ctc_loss(logits, logit_pad, jnp.asarray(t),
                                  label_pad, blank_id=blank)
        if r == "mean":
            return jnp.mean(v / jnp.maximum(jnp.asarray(tlen, dtype), 1))
        return reduce(v if batched else v[0], r)
    return f


LOSSES = {
    "MSELoss": mse, "HuberLoss": huber, "CrossEntropyLoss": cross_entropy,
    "KLDivLoss": kl_div, "BCEWithLogitsLoss": bce_logits,
    "TripletMarginLoss": triplet, "CTCLoss": ctc,
}

# optax and JAX raise with prose: LossCheck's kind by message, first match.
KIND_RULES = [
    (r"subdtype|dtype|integer|float", "dtype_mismatch"),
    (r"shape|broadcast|dimension|axis|rank|incompatible", "shape_mismatch"),
    (r"index|bounds", "index_out_of_range"),
]


def evaluate(case):
    jax.config.update("jax_enable_x64", case["dtype"] == "float64")
    fn, x, wrt = bind(case, LOSSES, tensor, "optax")
    if not wrt:
        return {"id": case["id"], "output": encode(fn(x))}

    for n in wrt:
        if not jnp.issubdtype(x[n].dtype, jnp.floating):
            # jax.vjp would hand back a float0 placeholder: JAX has no gradient.
            raise TypeError(f"JAX has no gradient for the integer input {n} "
                            f"(dtype {x[n].dtype}; jax.grad refuses it)")

    def f(*primals):
        return fn({**x, **dict(zip(wrt, primals))})

    out, vjp = jax.vjp(f, *[x[n] for n in wrt])
    g = case.get("grad_output")
    grads = vjp(tensor(g) if g is not None else jnp.ones_like(out))
    return {"id": case["id"], "output": encode(out),
            "grads": {n: encode(gr) for n, gr in zip(wrt, grads)}}


def main():
    serve_adapter(evaluate, KIND_RULES)


if __name__ == "__main__":
    main()
