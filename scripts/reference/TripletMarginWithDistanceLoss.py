"""TripletMarginWithDistanceLoss: max(0, margin + d(a, p) - d_neg) for a
named distance d (CASE_SCHEMA.md):

- pairwise_distance (the default, also for null): ||x - y + 1e-6||_2 over
  the last dim;
- cosine_distance: 1 - F.cosine_similarity(x, y), i.e. over dim 1 (not the
  last dim) with eps = 1e-8 (inputs of fewer than 2 dims are refused);
- l_infinity: max |x - y| over the last dim.

d_neg = d(a, n), or min(d(a, n), d(p, n)) with swap. margin <= 0 is
refused; 'elementwise_mean' and the deprecated size_average/reduce are not
accepted. The inputs must have the same number of dims.
"""

import numpy as np

from . import core
from .TripletMarginLoss import INPUTS, check_margin, declare_triplet_cases, random_triple_shapes, triple
from .difference import shape_name
from .triplet_distance import cosine_distance, l_infinity, pairwise_distance, triplet

DISTANCES = ("pairwise_distance", "cosine_distance", "l_infinity")


def distance(name, dtype):
    if name is None or name == "pairwise_distance":
        return lambda x1, x2, what: pairwise_distance(x1, x2, 2.0, 1e-6, what)
    if name == "cosine_distance":
        return lambda x1, x2, what: cosine_distance(x1, x2, dtype, what)
    if name == "l_infinity":
        return l_infinity
    raise core.LossError(
        "invalid_option",
        f"distance_function: unknown distance {name!r} (expected one of {', '.join(DISTANCES)})")


def evaluate(c):
    margin = c.option("margin")
    check_margin(margin)
    dist = distance(c.option("distance_function"), c.dtype)
    return triplet(c, dist, margin, c.option("swap"))


def cases(b):
    def grid_shapes(point):
        if point["distance_function"] == "cosine_distance":
            return ((3, 4), (2, 3, 4))
        return ((3, 4), (5,))

    def edges(dtype, base):
        rng = b.rng(f"{b.loss}/{dtype}/edges")
        wrt = INPUTS
        x = triple(b, rng, (3, 4), dtype)
        b.add("none/distance_function=absent", dtype, dict(base, reduction="none"), x, wrt)
        # Non-finite values propagate (pairwise_distance; the gradients of
        # cosine_distance and l_infinity at non-finite inputs follow autograd's
        # 0 * inf and amax-tie rules, not yet matched: see docs/losses).
        nonfinite = {"anchor": np.array([[np.nan, 0.0], [np.inf, 0.0], [0.0, 0.0], [1.0, 0.5]]),
                     "positive": np.array([[0.0, 1.0], [0.0, 1.0], [np.inf, 0.0], [0.5, 0.5]]),
                     "negative": np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 2.0], [-np.inf, 0.5]])}
        for name in ("pairwise_distance",):
            b.add(f"none/distance_function={name}/nonfinite", dtype,
                  dict(base, reduction="none", distance_function=name), nonfinite, wrt, smooth=False)
        b.add("none/distance_function=null", dtype, dict(base, reduction="none", distance_function=None), x, wrt)
        for name in ("pairwise_distance", "l_infinity"):
            b.add(f"none/distance_function={name}/shape=0d", dtype,
                  dict(base, reduction="none", distance_function=name), triple(b, rng, (), dtype), wrt)
        for name in DISTANCES:
            o = dict(base, distance_function=name)
            rng2 = b.rng(f"{b.loss}/{dtype}/edges/{name}")
            # Anchor equal to positive (with swap: a tie of d(a, n) and d(p, n)).
            x = triple(b, rng2, (3, 4), dtype)
            same = dict(x, positive=x["anchor"].copy())
            for swap in (False, True):
                b.add(f"none/distance_function={name}/anchor=positive/swap={str(swap).lower()}", dtype,
                      dict(o, reduction="none", swap=swap, margin=10.0), same, wrt, smooth=False)
            sw = {"anchor": np.array([[0.0, 0.25], [1.0, 1.0]]), "positive": np.array([[1.0, 0.0], [0.5, 0.0]]),
                  "negative": np.array([[1.5, -0.25], [1.0, 0.25]])}
            b.add(f"none/distance_function={name}/swap_effective", dtype, dict(o, reduction="none", swap=True), sw,
                  wrt)
            # (cosine_distance reduces dim 1: a size-1 dim 1 there would be a
            # constant vector, whose gradient is 0 up to rounding noise.)
            bshapes = ((1, 4), (3, 4), (1, 4)) if name == "cosine_distance" else ((1, 4), (3, 4), (3, 1))
            b.add(f"mean/distance_function={name}/broadcast={'-'.join(shape_name(s) for s in bshapes)}", dtype,
                  dict(o, reduction="mean", margin=2.0), triple(b, rng2, bshapes, dtype), wrt)
            b.add(f"sum/distance_function={name}/margin=0.25", dtype, dict(o, reduction="sum", margin=0.25),
                  triple(b, rng2, (4, 3), dtype), wrt)
        # l_infinity: tied maxima share the gradient; the hinge exactly at 0.
        tie = {"anchor": np.array([[0.0, 0.0, 0.0]]), "positive": np.array([[1.0, -1.0, 0.5]]),
               "negative": np.array([[3.0, 0.0, 0.0]])}
        b.add("none/distance_function=l_infinity/tie", dtype,
              dict(base, reduction="none", distance_function="l_infinity", margin=3.0), tie, wrt, smooth=False)
        hinge = {"anchor": np.array([[0.0, 0.0], [0.0, 0.5]]), "positive": np.array([[1.0, 0.0], [0.5, 0.5]]),
                 "negative": np.array([[2.0, 0.0], [1.5, 0.5]])}
        b.add("none/distance_function=l_infinity/hinge=0", dtype,
              dict(base, reduction="none", distance_function="l_infinity"), hinge, wrt, smooth=False)
        # cosine_distance: a zero vector (norm clamped to eps, PyTorch's huge
        # gradient) and a vector with 0 < norm < eps.
        cz = triple(b, rng, (3, 4), dtype)
        cz["anchor"][0] = 0.0
        cz["negative"][1] = 0.0
        cz["anchor"][2] = np.array([3e-9, 4e-9, 0.0, 0.0])
        b.add("none/distance_function=cosine_distance/zero_and_tiny_vectors", dtype,
              dict(base, reduction="none", distance_function="cosine_distance", margin=2.0), cz, wrt, smooth=False)
        # Errors of this loss.
        ok = triple(b, rng, (2, 3), dtype)
        b.error("error/distance_function=euclidean", dtype, dict(base, distance_function="euclidean"), ok,
                "invalid_option", wrt)
        b.error("error/distance_function=2", dtype, dict(base, distance_function=2), ok, "invalid_option", wrt)
        b.error("error/distance_function=cosine_distance/shape=3", dtype,
                dict(base, distance_function="cosine_distance"), triple(b, rng, (3,), dtype), "shape_mismatch", wrt)
        b.error("error/distance_function=cosine_distance/shape=0d", dtype,
                dict(base, distance_function="cosine_distance"), triple(b, rng, (), dtype), "shape_mismatch", wrt)
        b.error("error/distance_function=l_infinity/empty=2x0", dtype, dict(base, distance_function="l_infinity"),
                {k: np.zeros((2, 0)) for k in INPUTS}, "shape_mismatch", wrt)
        b.error("error/elementwise_mean", dtype, dict(base, reduction="elementwise_mean"), ok, "invalid_option", wrt)
        b.error("error/size_average", dtype, dict(base, size_average=False), ok, "invalid_option", wrt)
        b.error("error/reduce", dtype, dict(base, reduce=False), ok, "invalid_option", wrt)
        b.error("error/p=1", dtype, dict(base, p=1.0), ok, "invalid_option", wrt)

    declare_triplet_cases(b, grid_shapes, edges)


def random_case(rng, dtype):
    from .cases import Builder

    name = rng.choice([None, "pairwise_distance", "cosine_distance", "l_infinity"])
    shapes = random_triple_shapes(rng)
    if name == "cosine_distance":
        # Dim 1 (the one cosine_similarity reduces) of size >= 2 and not
        # broadcast: along a constant vector the cosine's gradient is 0 and
        # float32 rounding noise would be all that is compared.
        while len(shapes[0]) < 2 or any(s[1] < 2 for s in shapes):
            shapes = random_triple_shapes(rng)
    elif rng.random() < 0.1:
        shapes = [(), (), ()]
    options = {"reduction": rng.choice(["none", "mean", "sum"]), "swap": rng.random() < 0.5,
               "margin": rng.choice([1.0, 0.5, 2.0, round(rng.uniform(0.1, 3.0), 3)])}
    if name is not None or rng.random() < 0.5:
        options["distance_function"] = name
    return {"options": options,
            "inputs": {k: Builder.uniform(rng, s, -2.0, 2.0, dtype) for k, s in zip(INPUTS, shapes)},
            "grad_wrt": list(INPUTS)}
