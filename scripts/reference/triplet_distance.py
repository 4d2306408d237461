"""Shared by TripletMarginLoss and TripletMarginWithDistanceLoss: the
distances (value and VJP) and the triplet hinge. The Swift counterpart is
Sources/LossCheck/Losses/TripletDistance.swift.

A distance here is `dist(x1, x2) -> (values, vjp)` where `vjp(g)` maps the
cotangent of the values to (gradient of x1, gradient of x2), each summed
back to its own (pre-broadcast) shape.

Every formula follows what PyTorch's autograd computes, including its
conventions at the points where the math has no derivative (see the
comments); the names below are the case schema's.
"""

import math

import numpy as np

from . import core
from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward


def _sign(z):
    return np.where(z > 0, 1.0, np.where(z < 0, -1.0, np.where(np.isnan(z), np.nan, 0.0)))


def _pow_lastdim_sum(a, p):
    return libm.fsum_axis(libm.power(a, p), -1)


def pnorm_lastdim(z, p, what="p"):
    """||z||_p over the last axis of z (an ndarray with ndim >= 1), as
    torch.linalg.vector_norm computes it, and its VJP.

    p == 0 counts the non-zeros (no gradient); p == ±inf is max/min |z|
    (ties share the gradient equally); any other p is (Σ|z|^p)^(1/p).
    """
    a = np.abs(z)
    if math.isinf(p) and z.shape[-1] == 0:
        raise core.LossError(
            "shape_mismatch",
            f"{what}: the {p} norm of an empty last dimension is undefined (no identity)")
    if p == 0:
        n = libm.fsum_axis((z != 0).astype(np.float64), -1)
    elif math.isinf(p):
        n = np.max(a, axis=-1) if p > 0 else np.min(a, axis=-1)
    elif p == 1:
        n = libm.fsum_axis(a, -1)
    elif p == 2:
        n = np.sqrt(libm.fsum_axis(z * z, -1))
    else:
        n = libm.power(_pow_lastdim_sum(a, p), 1.0 / p)

    def vjp(g):
        g = np.asarray(g, dtype=np.float64)[..., None]
        nk = n[..., None]
        if p == 0:
            return np.zeros(z.shape)
        if p == 1:
            return _sign(z) * g
        if p == 2:
            return g * np.where(nk == 0, 0.0, z / np.where(nk == 0, 1.0, nk))
        if math.isinf(p):
            mask = (a == nk) | np.isnan(a)
            count = libm.fsum_axis(mask.astype(np.float64), -1)[..., None]
            return _sign(z) * (g / count) * mask
        if p < 1:
            scaled = _sign(z) * np.where(z == 0, 0.0, libm.power(a, p - 1))
            return scaled * g * libm.power(nk, 1 - p)
        scale = np.where(nk == 0, 0.0, g / libm.power(nk, p - 1))
        if p < 2:
            return _sign(z) * libm.power(a, p - 1) * scale
        return z * libm.power(a, p - 2) * scale

    return n, vjp


def _pair(x1, x2, what):
    shape = broadcast_shapes(x1.shape, x2.shape, what=what)
    b1 = np.broadcast_to(x1, shape)
    b2 = np.broadcast_to(x2, shape)
    return shape, b1, b2


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, what="inputs"):
    """torch.pairwise_distance: ||x1 - x2 + eps||_p over the last dim (of
    the broadcast shape; a 0-d pair is one vector of one element)."""
    shape, b1, b2 = _pair(x1, x2, what)
    z = b1 - b2 + eps
    scalar = len(shape) == 0
    if scalar:
        z = z.reshape(1)
    n, nvjp = pnorm_lastdim(z, p, what)

    def vjp(g):
        gz = nvjp(np.asarray(g, dtype=np.float64).reshape(n.shape)).reshape(shape)
        return sum_to_shape(gz, x1.shape), sum_to_shape(-gz, x2.shape)

    return (n.reshape(()) if scalar else n), vjp


def l_infinity(x1, x2, what="inputs"):
    """max |x1 - x2| over the last dim (`(x1 - x2).abs().amax(dim=-1)`):
    amax shares the gradient equally among the tied maxima, abs gives 0 at
    a zero difference."""
    shape, b1, b2 = _pair(x1, x2, what)
    z = b1 - b2
    scalar = len(shape) == 0
    if scalar:
        z = z.reshape(1)
    if z.shape[-1] == 0:
        raise core.LossError("shape_mismatch",
                             f"{what}: l_infinity needs a non-empty last dimension, got shape {list(shape)}")
    a = np.abs(z)
    m = np.max(a, axis=-1)

    def vjp(g):
        g = np.asarray(g, dtype=np.float64).reshape(m.shape)[..., None]
        mask = a == m[..., None]
        count = libm.fsum_axis(mask.astype(np.float64), -1)[..., None]
        gz = (_sign(z) * np.where(mask, g / count, 0.0)).reshape(shape)
        return sum_to_shape(gz, x1.shape), sum_to_shape(-gz, x2.shape)

    return (m.reshape(()) if scalar else m), vjp


COSINE_EPS = 1e-8


def cosine_distance(x1, x2, dtype, what="inputs"):
    """1 - F.cosine_similarity(x1, x2) with its defaults dim=1, eps=1e-8.

    PyTorch: x1, x2 broadcast; each is divided by its norm over dim 1
    clamped to at least eps, the clamp done in place without gradient
    tracking, so the gradient flows through the norm as if unclamped
    (and through the norm's own backward, 0 where the norm is 0).
    Inputs of fewer than 2 dims are refused (dim 1 out of range).
    """
    if x1.ndim < 2 or x2.ndim < 2:
        raise core.LossError(
            "shape_mismatch",
            f"{what}: cosine_distance reduces dim 1 (cosine_similarity's default), "
            f"which needs inputs of at least 2 dims, got {x1.ndim}-d and {x2.ndim}-d")
    shape, b1, b2 = _pair(x1, x2, what)
    eps = float(core.round_to(dtype, COSINE_EPS))
    n1 = np.sqrt(libm.fsum_axis(b1 * b1, 1))[:, None]
    n2 = np.sqrt(libm.fsum_axis(b2 * b2, 1))[:, None]
    c1 = np.maximum(n1, eps)
    c2 = np.maximum(n2, eps)
    u1 = b1 / c1
    u2 = b2 / c2
    cos = libm.fsum_axis(u1 * u2, 1)
    d = 1.0 - cos

    def vjp(g):
        gc = -np.asarray(g, dtype=np.float64).reshape(cos.shape)[:, None]
        ck = cos[:, None]
        # d cos / d u1 = u2; u1 = b1 / c1: direct part u2 / c1, and through
        # c1 (taken as the norm n1): -(Σ u1 u2) / c1 · d n1/d b1 = -cos / c1 · b1 / n1.
        g1 = gc * (u2 / c1 - np.where(n1 == 0, 0.0, ck / c1 * b1 / np.where(n1 == 0, 1.0, n1)))
        g2 = gc * (u1 / c2 - np.where(n2 == 0, 0.0, ck / c2 * b2 / np.where(n2 == 0, 1.0, n2)))
        return sum_to_shape(g1, x1.shape), sum_to_shape(g2, x2.shape)

    def terms(g):
        """|direct part| + |norm's part| of each gradient: they cancel for
        parallel vectors (docs/HALF_PRECISION.md)."""
        gc = np.abs(np.asarray(g, dtype=np.float64).reshape(cos.shape))[:, None]
        ck = np.abs(cos)[:, None]
        safe1, safe2 = np.where(n1 == 0, 1.0, n1), np.where(n2 == 0, 1.0, n2)
        t1 = gc * (np.abs(u2) / c1 + np.where(n1 == 0, 0.0, ck / c1 * np.abs(b1) / safe1))
        t2 = gc * (np.abs(u1) / c2 + np.where(n2 == 0, 0.0, ck / c2 * np.abs(b2) / safe2))
        return sum_to_shape(t1, x1.shape), sum_to_shape(t2, x2.shape)

    vjp.terms = terms
    return d, vjp


def triplet(c, dist, margin, swap):
    """max(0, margin + d(a, p) - d_neg) and its VJP for the three inputs.

    `dist(x1, x2, what)` is a distance as above. With swap, d_neg =
    minimum(d(a, n), d(p, n)), whose gradient at a tie goes half to each
    side (torch.minimum). The hinge's gradient is 0 where the clamp sits
    exactly at 0 (and where it is negative).
    """
    a = c.inputs["anchor"].value
    p = c.inputs["positive"].value
    n = c.inputs["negative"].value
    if not (a.ndim == p.ndim == n.ndim):
        raise core.LossError(
            "shape_mismatch",
            "anchor, positive, negative: expected the same number of dimensions, got "
            f"anchor {a.ndim}-d, positive {p.ndim}-d and negative {n.ndim}-d")
    d_ap, vjp_ap = dist(a, p, "anchor and positive")
    d_an, vjp_an = dist(a, n, "anchor and negative")
    if swap:
        d_pn, vjp_pn = dist(p, n, "positive and negative")
        d_neg = np.minimum(d_an, d_pn)
    else:
        d_neg = d_an
    broadcast_shapes(d_ap.shape, d_neg.shape, what="the positive and negative distances")
    z = margin + d_ap - d_neg
    out = reduce_forward(np.maximum(z, 0.0), c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, z.shape)
        gz = np.where(z > 0, ge, 0.0)
        g_ap = sum_to_shape(gz, d_ap.shape)
        g_neg = -gz
        ga_ap, gp_ap = vjp_ap(g_ap)
        grads = {"anchor": ga_ap, "positive": gp_ap, "negative": np.zeros(n.shape)}
        if swap:
            nb = broadcast_shapes(d_an.shape, d_pn.shape)
            an = np.broadcast_to(d_an, nb)
            pn = np.broadcast_to(d_pn, nb)
            gneg = np.broadcast_to(sum_to_shape(g_neg, nb), nb)
            half = np.where(an == pn, gneg / 2, gneg)
            g_an = sum_to_shape(np.where(an > pn, 0.0, half), d_an.shape)
            g_pn = sum_to_shape(np.where(an < pn, 0.0, half), d_pn.shape)
            gp2, gn2 = vjp_pn(g_pn)
            grads["positive"] = grads["positive"] + gp2
            grads["negative"] = grads["negative"] + gn2
        else:
            g_an = sum_to_shape(g_neg, d_an.shape)
        ga2, gn1 = vjp_an(g_an)
        grads["anchor"] = grads["anchor"] + ga2
        grads["negative"] = grads["negative"] + gn1
        return grads

    def half_terms(g):
        """Magnitudes of the terms: margin, d(a, p) and d_neg in the hinge;
        each distance's own gradient in the gradients, which cancel where
        the anchor's two distances pull alike (docs/HALF_PRECISION.md)."""
        vals = abs(margin) + np.abs(np.broadcast_to(d_ap, z.shape)) + np.abs(np.broadcast_to(d_neg, z.shape))
        ge = np.abs(reduce_backward(g, c.reduction, z.shape))
        gz = np.where(z > 0, ge, 0.0)
        def parts(v, gg):
            f = getattr(v, "terms", None)
            return f(gg) if f is not None else v(gg)

        ga_ap, gp_ap = parts(vjp_ap, sum_to_shape(gz, d_ap.shape))
        ga_an, gn_an = parts(vjp_an, sum_to_shape(gz, d_an.shape))
        mags = {"anchor": np.abs(ga_ap) + np.abs(ga_an), "positive": np.abs(gp_ap),
                "negative": np.abs(gn_an)}
        if swap:
            gp_pn, gn_pn = parts(vjp_pn, sum_to_shape(gz, d_pn.shape))
            mags["positive"] = mags["positive"] + np.abs(gp_pn)
            mags["negative"] = mags["negative"] + np.abs(gn_pn)
        return {"values": vals, "grads": mags}

    vjp.half_terms = half_terms
    return out, vjp
