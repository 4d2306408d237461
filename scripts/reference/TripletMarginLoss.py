"""TripletMarginLoss: max(0, margin + d(a, p) - d_neg), d(x, y) = ||x - y + eps||_p
over the last dim (torch.pairwise_distance), d_neg = d(a, n) or, with
swap, min(d(a, n), d(p, n)).

margin <= 0 is refused (NaN passes, as in PyTorch). Any p is accepted, as
PyTorch does: p = 0 counts non-zeros (no gradient), p = inf is max |z|,
0 < p < 1 and p < 0 use the power formula. The three inputs must have the
same number of dims, then broadcast.
"""

import numpy as np

from . import core
from .difference import point_name, shape_name
from .triplet_distance import pairwise_distance, triplet

INPUTS = ("anchor", "positive", "negative")


def check_margin(margin):
    if margin <= 0:
        raise core.LossError("invalid_option", f"margin: expected a value greater than 0, got {margin!r}")


def evaluate(c):
    margin = c.option("margin")
    check_margin(margin)
    p = c.option("p")
    eps = c.option("eps")

    def dist(x1, x2, what):
        return pairwise_distance(x1, x2, p=p, eps=eps, what=what)

    return triplet(c, dist, margin, c.option("swap"))


def triple(b, rng, shapes, dtype, lo=-2.0, hi=2.0):
    if not (len(shapes) == 3 and all(isinstance(s, tuple) for s in shapes)):
        shapes = (shapes, shapes, shapes)
    return {k: b.uniform(rng, s, lo, hi, dtype) for k, s in zip(INPUTS, shapes)}


def declare_triplet_cases(b, grid_shapes, extra_edges):
    """The cases common to both triplet losses. `grid_shapes(point)` gives
    the input shapes for a grid point; `extra_edges(dtype, base)` declares
    the loss's own edge cases."""
    wrt = INPUTS
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = point_name(point)
            for shape in grid_shapes(point):
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                # A larger spread than the margin, so both sides of the hinge occur.
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, opts, triple(b, rng, shape, dtype), wrt)
        base = {}
        # margin
        for margin in (0.5, 3.0, 1e-3):
            rng = b.rng(f"{b.loss}/{dtype}/margin={margin}")
            b.add(f"sum/margin={margin}/shape=4x3", dtype, dict(base, reduction="sum", margin=margin),
                  triple(b, rng, (4, 3), dtype), wrt)
        # Broadcasting (same rank, sizes of 1).
        rng = b.rng(f"{b.loss}/{dtype}/broadcast")
        for red, shapes in (("none", ((1, 4), (3, 4), (3, 4))), ("sum", ((3, 4), (1, 4), (3, 1))),
                            ("mean", ((2, 1, 3), (2, 4, 3), (1, 4, 3))),
                            # each pair broadcasts on its own: d(a, p) over 1 element, the others over 4
                            ("none", ((1, 1), (2, 1), (2, 4)))):
            b.add(f"{red}/broadcast={'-'.join(shape_name(s) for s in shapes)}", dtype,
                  dict(base, reduction=red, margin=2.0), triple(b, rng, shapes, dtype), wrt)
        # One large case (>= 1000 elements per input); inputs on a 1/16 grid keep the file lean.
        rng = b.rng(f"{b.loss}/{dtype}/large")
        big = {k: np.array([rng.randrange(-32, 33) / 16 for _ in range(1000)]).reshape(250, 4) for k in INPUTS}
        b.add("mean/shape=250x4", dtype, dict(base, reduction="mean", margin=2.0), big, ("anchor",))
        # Empty batch, empty vectors.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty=0x4", dtype, dict(base, reduction=red), {k: np.zeros((0, 4)) for k in INPUTS}, wrt)
        extra_edges(dtype, base)
        # Errors common to both.
        rng = b.rng(f"{b.loss}/{dtype}/errors")
        ok = triple(b, rng, (2, 3), dtype)
        for m in (0.0, -1.0):
            b.error(f"error/margin={m}", dtype, dict(base, margin=m), ok, "invalid_option", wrt)
        b.error("error/rank=1-2-2", dtype, base, dict(ok, anchor=ok["anchor"][0]), "shape_mismatch", wrt)
        b.error("error/rank=2-2-3", dtype, base, dict(ok, negative=ok["negative"][None]), "shape_mismatch", wrt)
        b.error("error/shape=2x3-3x3", dtype, base, dict(ok, positive=np.zeros((3, 3))), "shape_mismatch", wrt)
        b.error("error/shape=2x3-2x4", dtype, base, dict(ok, negative=np.zeros((2, 4))), "shape_mismatch", wrt)
        b.error("error/reduction=foo", dtype, dict(base, reduction="foo"), ok, "invalid_option", wrt)
        b.error("error/reduction=batchmean", dtype, dict(base, reduction="batchmean"), ok, "invalid_option", wrt)
        b.error("error/anchor_dtype=int64", dtype, base, dict(ok, anchor=np.zeros((2, 3), dtype=np.int64)),
                "dtype_mismatch", wrt)


# Cases whose float16 intermediates leave the range (docs/HALF_PRECISION.md):
# with anchor == positive, |eps|^3 = 1e-18 underflows to 0, the p-norm's
# gradient is 0/0 in float16 where the exact one is finite.
HALF_ILL_POSED = {
    "anchor=positive/p=3.0": (("float16",), "|eps|^p underflows in float16: 0/0 in the norm's gradient"),
}


def cases(b):
    def grid_shapes(point):
        return ((3, 4), (5,))

    def edges(dtype, base):
        rng = b.rng(f"{b.loss}/{dtype}/edges")
        wrt = INPUTS
        # 0-d and 3-d inputs.
        b.add("none/shape=0d", dtype, dict(base, reduction="none"), triple(b, rng, (), dtype), wrt)
        b.add("none/shape=2x3x4", dtype, dict(base, reduction="none", margin=2.0), triple(b, rng, (2, 3, 4), dtype),
              wrt)
        # Vectors of length 0: d = 0, the loss is the margin.
        b.add("none/empty=2x0", dtype, dict(base, reduction="none"), {k: np.zeros((2, 0)) for k in INPUTS}, wrt)
        # Anchor equal to positive: d(a, p) = ||eps||_p = eps * D^(1/p); with swap
        # this is also a tie of d(a, n) and d(p, n): the gradient is split.
        x = triple(b, rng, (3, 4), dtype)
        same = dict(x, positive=x["anchor"].copy())
        for p in (1.0, 2.0, 3.0):
            for swap in (False, True):
                b.add(f"none/anchor=positive/p={p}/swap={str(swap).lower()}", dtype,
                      dict(base, reduction="none", p=p, swap=swap, margin=10.0), same, wrt, smooth=False)
        # A swap that takes effect (p is closer to n than a is).
        sw = {"anchor": np.array([[0.0, 0.0], [1.0, 1.0]]), "positive": np.array([[1.0, 0.0], [0.5, 0.0]]),
              "negative": np.array([[1.5, 0.0], [1.0, 0.25]])}
        for swap in (False, True):
            b.add(f"none/swap_effective/swap={str(swap).lower()}", dtype, dict(base, reduction="none", swap=swap), sw,
                  wrt)
        # eps: 0 and a larger one (added to the difference before the norm).
        for eps in (0.0, 0.125, -0.5):
            b.add(f"sum/eps={eps}", dtype, dict(base, reduction="sum", eps=eps, margin=2.0),
                  triple(b, rng, (3, 4), dtype), wrt)
        # The hinge exactly at 0 (p = 1, eps = 0: 1 + 1 - 2): gradient 0.
        hinge = {"anchor": np.array([[0.0, 0.0], [0.0, 0.5]]), "positive": np.array([[1.0, 0.0], [0.5, 0.5]]),
                 "negative": np.array([[2.0, 0.0], [1.5, 0.5]])}
        b.add("none/hinge=0/p=1/eps=0", dtype, dict(base, reduction="none", p=1.0, eps=0.0), hinge, wrt, smooth=False)
        # p values PyTorch accepts beyond the grid.
        for p in (0.5, 2.5, 4.0, float("inf"), 0.0, -1.0):
            x = triple(b, rng, (3, 4), dtype)
            label = "inf" if p == float("inf") else p
            b.add(f"none/p={label}", dtype, dict(base, reduction="none", p=p if p != float("inf") else "inf",
                                                   margin=3.0), x, wrt, smooth=p not in (0.0, float("inf")))
        # p = inf with a tie of the maxima: the gradient is shared.
        tie = {"anchor": np.array([[0.0, 0.0, 0.0]]), "positive": np.array([[1.0, -1.0, 0.5]]),
               "negative": np.array([[3.0, 0.0, 0.0]])}
        b.add("none/p=inf/tie", dtype, dict(base, reduction="none", p="inf", eps=0.0, margin=3.0), tie, wrt,
              smooth=False)
        b.error("error/p=inf/empty=2x0", dtype, dict(base, p="inf"), {k: np.zeros((2, 0)) for k in INPUTS},
                "shape_mismatch", wrt)
        # Non-finite values propagate: NaN anywhere in a row, an infinite
        # distance on either side (inf - inf = NaN when both are infinite).
        nonfinite = {"anchor": np.array([[np.nan, 0.0], [np.inf, 0.0], [0.0, 0.0], [1.0, 0.5]]),
                     "positive": np.array([[0.0, 1.0], [0.0, 1.0], [np.inf, 0.0], [0.5, 0.5]]),
                     "negative": np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 2.0], [-np.inf, 0.5]])}
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, dict(base, reduction=red), nonfinite, wrt, smooth=False)
        # Deprecated arguments and the elementwise_mean alias.
        x = triple(b, rng, (2, 3), dtype)
        b.reduction_cases(dtype, base, x, wrt, bad=(), fixed={"margin": 3.0})

    declare_triplet_cases(b, grid_shapes, edges)


def random_triple_shapes(rng):
    """Three shapes of equal rank (1 to 3) that broadcast together."""
    rank = rng.randint(1, 3)
    full = [rng.randint(1, 4) for _ in range(rank)]
    full[-1] = rng.randint(1, 6)
    out = []
    for _ in range(3):
        if rng.random() < 0.7:
            out.append(tuple(full))
        else:
            out.append(tuple(1 if rng.random() < 0.5 else n for n in full))
    return out


def random_case(rng, dtype):
    from .cases import Builder

    shapes = random_triple_shapes(rng) if rng.random() < 0.9 else [(), (), ()]
    p = rng.choice([1.0, 1.5, 2.0, 3.0, round(rng.uniform(1.0, 4.0), 3)])
    options = {"reduction": rng.choice(["none", "mean", "sum"]), "p": p, "swap": rng.random() < 0.5,
               "margin": rng.choice([1.0, 0.5, 2.0, round(rng.uniform(0.1, 3.0), 3)])}
    if rng.random() < 0.3:
        options["eps"] = rng.choice([0.0, 1e-3, 0.1])
    return {"options": options,
            "inputs": {k: Builder.uniform(rng, s, -2.0, 2.0, dtype) for k, s in zip(INPUTS, shapes)},
            "grad_wrt": list(INPUTS)}
