"""CosineEmbeddingLoss: with cos = Σ x1·x2 / sqrt((Σ x1² + ε)(Σ x2² + ε)) over
the last dim, ε = Float(1e-12) (PyTorch's float32 constant, in float64 too):
1 - cos where target == 1, max(0, cos - margin) where target == -1, 0 for
any other target value (0, 0.5, 2, NaN, ...).

Shapes as ATen checks them: a 1-d target needs 2-d inputs (N, D); a 0-d
target needs 1-d inputs (D); any other target rank is refused. Each of the
three sums is taken over its own operands, then the results broadcast: the
product sum over the broadcast of x1 and x2, each squared norm over its own
input (so a (N, 1) input1 against a (N, D) input2 has |x1|² = x1², not
D·x1²). The target broadcasts against cos. The target gets no gradient
(zeros when asked for) and may be float or int64.
"""

import numpy as np

from . import core
from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward
from .difference import point_name, shape_name


def evaluate(c):
    x1 = c.inputs["input1"].value
    x2 = c.inputs["input2"].value
    t = c.inputs["target"].value.astype(np.float64)
    margin = c.option("margin")
    if t.ndim not in (0, 1):
        raise core.LossError("shape_mismatch",
                             f"target: expected a 0-d or 1-d tensor, got shape {list(t.shape)}")
    want = 2 if t.ndim == 1 else 1
    if x1.ndim != want or x2.ndim != want:
        raise core.LossError(
            "shape_mismatch",
            f"input1, input2: a {t.ndim}-d target expects {want}-d inputs, got shapes "
            f"{list(x1.shape)} and {list(x2.shape)}")
    axis = want - 1
    shape = broadcast_shapes(x1.shape, x2.shape, what="input1 and input2")
    b1 = np.broadcast_to(x1, shape)
    b2 = np.broadcast_to(x2, shape)
    prod = libm.fsum_axis(b1 * b2, axis)
    # PyTorch adds ε to a tensor of the case dtype: in float16 it rounds to 0.
    eps = float(c.round(core.EPS_1E12))
    m1 = libm.fsum_axis(x1 * x1, axis) + eps
    m2 = libm.fsum_axis(x2 * x2, axis) + eps
    broadcast_shapes(prod.shape, m1.shape, m2.shape, what="input1 and input2")
    mm = m1 * m2
    denom = np.sqrt(mm)
    cos = prod / denom
    out_shape = broadcast_shapes(cos.shape, t.shape, what="the cosine and target")
    cb = np.broadcast_to(cos, out_shape)
    tb = np.broadcast_to(t, out_shape)
    hinge = cb - margin
    values = np.where(tb == 1, 1.0 - cb, 0.0) + np.where(tb == -1, np.maximum(hinge, 0.0), 0.0)
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, out_shape)
        gcos_b = np.where(tb == 1, -ge, 0.0) + np.where((tb == -1) & (hinge > 0), ge, 0.0)
        gcos = sum_to_shape(gcos_b, cos.shape)
        # cos = prod / denom, denom = sqrt(m1 * m2): the chain, step by step.
        gprod = sum_to_shape(gcos / denom, prod.shape)
        gdenom = -gcos * prod / (denom * denom)
        gmm = gdenom / (2.0 * denom)
        gm1 = sum_to_shape(gmm * m2, m1.shape)
        gm2 = sum_to_shape(gmm * m1, m2.shape)
        gp = np.expand_dims(gprod, axis)
        g1 = sum_to_shape(gp * b2, x1.shape) + 2.0 * x1 * np.expand_dims(gm1, axis)
        g2 = sum_to_shape(gp * b1, x2.shape) + 2.0 * x2 * np.expand_dims(gm2, axis)
        return {"input1": g1, "input2": g2, "target": np.zeros(t.shape)}

    def half_terms(g):
        """Magnitudes of the terms: 1 and cos, cos and margin in the values;
        the direct part x2 / |x1||x2| and the norm's part cos x1 / |x1|^2 in
        the gradient, which cancel exactly for parallel vectors
        (docs/HALF_PRECISION.md)."""
        vals = np.where(tb == 1, 1.0 + np.abs(cb), 0.0) + np.where(tb == -1, np.abs(cb) + abs(margin), 0.0)
        ge = np.abs(reduce_backward(g, c.reduction, out_shape))
        gc = sum_to_shape(np.where(tb != 0, ge, 0.0), cos.shape)
        direct = np.expand_dims(gc / denom, axis)
        norm1 = np.expand_dims(gc * np.abs(cos) / m1, axis)
        norm2 = np.expand_dims(gc * np.abs(cos) / m2, axis)
        a1 = sum_to_shape(direct * np.abs(b2), x1.shape) + sum_to_shape(norm1 * np.abs(b1), x1.shape)
        a2 = sum_to_shape(direct * np.abs(b1), x2.shape) + sum_to_shape(norm2 * np.abs(b2), x2.shape)
        return {"values": vals, "grads": {"input1": a1, "input2": a2, "target": np.zeros(t.shape)}}

    vjp.half_terms = half_terms
    return out, vjp


WRT = ("input1", "input2")


def pm1(rng, n):
    return np.array([rng.choice([1.0, -1.0]) for _ in range(n)])


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = point_name(point)
            rng = b.rng(f"{b.loss}/{dtype}/{pname}")
            x1 = b.uniform(rng, (6, 5), -2.0, 2.0, dtype)
            x2 = b.uniform(rng, (6, 5), -2.0, 2.0, dtype)
            b.add(f"{pname}/shape=6x5", dtype, opts, {"input1": x1, "input2": x2, "target": pm1(rng, 6)}, WRT)
            for t in (1.0, -1.0):
                x1 = b.uniform(rng, (5,), -2.0, 2.0, dtype)
                x2 = b.uniform(rng, (5,), -2.0, 2.0, dtype)
                b.add(f"{pname}/shape=5/target={t:g}", dtype, opts,
                      {"input1": x1, "input2": x2, "target": np.array(t)}, WRT)
        base = {}
        rng = b.rng(f"{b.loss}/{dtype}/edges")

        def pair(shape1, shape2=None):
            return b.uniform(rng, shape1, -2.0, 2.0, dtype), b.uniform(rng, shape2 or shape1, -2.0, 2.0, dtype)

        # Targets other than ±1 give 0 (and no gradient); int64 and other-dtype targets.
        x1, x2 = pair((6, 3))
        other = np.array([1.0, -1.0, 0.0, 2.0, 0.5, -0.5])
        for red in ("none", "sum"):
            b.add(f"{red}/target=other", dtype, dict(base, reduction=red, margin=-0.5),
                  {"input1": x1, "input2": x2, "target": other}, WRT)
        b.add("none/target=int64", dtype, dict(base, reduction="none", margin=-0.5),
              {"input1": x1, "input2": x2, "target": np.array([1, -1, 0, 2, -1, 1], dtype=np.int64)}, WRT)
        tdt = "float64" if dtype == "float32" else "float32"
        b.add(f"none/target_dtype={tdt}", dtype, dict(base, reduction="none", margin=-0.5),
              {"input1": x1, "input2": x2, "target": other}, WRT, input_dtypes={"target": tdt})
        b.add("none/grad_wrt=target", dtype, dict(base, reduction="none", margin=-0.5),
              {"input1": x1, "input2": x2, "target": other}, ("input1", "input2", "target"))
        b.add("none/target=0d/other", dtype, dict(base, reduction="none"),
              {"input1": x1[0], "input2": x2[0], "target": np.array(0.0)}, WRT)
        # Zero vectors on either side and both: cos = 0 exactly, finite; the
        # ε terms give PyTorch's (large) gradients. margin -0.5 keeps the t = -1 hinge open.
        z1, z2 = pair((6, 3))
        z1[0] = 0.0
        z1[1] = 0.0
        z2[2] = 0.0
        z2[3] = 0.0
        z1[4] = 0.0
        z2[4] = 0.0
        z1[5] = 0.0
        z2[5] = 0.0
        tz = np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
        for red in ("none", "sum"):
            b.add(f"{red}/zero_vectors", dtype, dict(base, reduction=red, margin=-0.5),
                  {"input1": z1, "input2": z2, "target": tz}, WRT, smooth=False)
        # The hinge exactly at 0 (orthogonal vectors, margin 0, t = -1): gradient 0.
        h1 = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [1.0, 1.0, 0.0]])
        h2 = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.5], [-1.0, 1.0, 0.5]])
        b.add("none/hinge=0", dtype, dict(base, reduction="none"),
              {"input1": h1, "input2": h2, "target": np.array([-1.0, -1.0, -1.0])}, WRT, smooth=False)
        # 1-d inputs with a 0-d target, 0-d target broadcasting over nothing.
        # Broadcasting: of the inputs, of the target, and the per-operand norms.
        for red, s1, s2, st in (("none", (1, 4), (3, 4), (3,)), ("sum", (3, 4), (3, 4), (1,)),
                                ("none", (1, 4), (1, 4), (3,)), ("none", (3, 1), (3, 4), (3,)),
                                ("mean", (3, 4), (1, 1), (3,)), ("none", (1,), (4,), ())):
            x1, x2 = pair(s1, s2)
            t = pm1(rng, int(np.prod(st))).reshape(st)
            b.add(f"{red}/broadcast={shape_name(s1)}-{shape_name(s2)}-{shape_name(st)}", dtype,
                  dict(base, reduction=red, margin=-0.25), {"input1": x1, "input2": x2, "target": t}, WRT)
        # One large case; inputs on a 1/16 grid keep the file lean.
        big1 = np.array([rng.randrange(-32, 33) / 16 for _ in range(1000)]).reshape(250, 4)
        big2 = np.array([rng.randrange(-32, 33) / 16 for _ in range(1000)]).reshape(250, 4)
        b.add("mean/shape=250x4", dtype, dict(base, reduction="mean", margin=0.25),
              {"input1": big1, "input2": big2, "target": pm1(rng, 250)}, WRT)
        # Empty batch, empty vectors.
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty=0x4", dtype, dict(base, reduction=red),
                  {"input1": np.zeros((0, 4)), "input2": np.zeros((0, 4)), "target": np.zeros((0,))}, WRT)
        b.add("none/empty=2x0", dtype, dict(base, reduction="none"),
              {"input1": np.zeros((2, 0)), "input2": np.zeros((2, 0)), "target": np.array([1.0, -1.0])}, WRT)
        # NaN: propagates where the target selects it; a NaN row's gradient is NaN even for t = 0.
        n1, n2 = pair((4, 3))
        n1[0, 1] = np.nan
        n1[1, 0] = np.nan
        n2[2, 2] = np.nan
        b.add("none/nan", dtype, dict(base, reduction="none"),
              {"input1": n1, "input2": n2, "target": np.array([1.0, 0.0, -1.0, np.nan])}, WRT, smooth=False)
        # Deprecated arguments and the elementwise_mean alias.
        x1, x2 = pair((4, 3))
        t = pm1(rng, 4)
        trip = {"input1": x1, "input2": x2, "target": t}
        b.reduction_cases(dtype, base, trip, WRT, bad=("foo", "batchmean"))
        # Errors.
        for label, s1, s2, st in (("inputs=2x3x4/target=2", (2, 3, 4), (2, 3, 4), (2,)),
                                  ("inputs=2x3x4/target=2x3", (2, 3, 4), (2, 3, 4), (2, 3)),
                                  ("inputs=4/target=1", (4,), (4,), (1,)),
                                  ("inputs=3x4/target=0d", (3, 4), (3, 4), ()),
                                  ("inputs=0d/target=0d", (), (), ()),
                                  ("inputs=4-3x4/target=3", (4,), (3, 4), (3,)),
                                  ("inputs=3x4/target=2", (3, 4), (3, 4), (2,)),
                                  ("inputs=3x4-3x5/target=3", (3, 4), (3, 5), (3,)),
                                  ("inputs=3x4-2x4/target=3", (3, 4), (2, 4), (3,))):
            x1, x2 = pair(s1, s2)
            t = np.ones(st)
            b.error(f"error/{label}", dtype, base, {"input1": x1, "input2": x2, "target": t}, "shape_mismatch", WRT)
        b.error("error/input2_dtype=int64", dtype, base,
                {"input1": x1, "input2": np.zeros((3, 4), dtype=np.int64), "target": np.ones(3)}, "dtype_mismatch",
                WRT)


def random_case(rng, dtype):
    from .cases import Builder

    # D >= 2: with one element cos is ±1 whatever the values, its gradient 0
    # up to the ε terms, and float32 rounding noise is all that is compared.
    d = rng.randint(2, 6)
    if rng.random() < 0.2:
        s1 = s2 = (d,)
        st = ()
    else:
        n = rng.randint(1, 5)
        s1 = s2 = (n, d)
        st = (n,)
        # The per-operand norms (a (N, 1) input against (N, D)) make cos
        # scale invariant in that one element: its float32 gradient is
        # rounding noise, so those shapes are drawn in float64 only.
        r = rng.random() if dtype == "float64" else 0.25 + 0.75 * rng.random()
        if r < 0.1:
            s1 = (1, d)
        elif r < 0.2:
            s2 = (n, 1)
        elif r < 0.3:
            st = (1,)
    t = [rng.choice([1.0, -1.0, 1.0, -1.0, 0.0, 2.0]) for _ in range(int(np.prod(st)) if st else 1)]
    target = np.array(t).reshape(st)
    input_dtypes = None
    if rng.random() < 0.2:
        target = target.astype(np.int64)
    options = {"reduction": rng.choice(["none", "mean", "sum"]),
               "margin": rng.choice([0.0, 0.5, -0.5, round(rng.uniform(-1.0, 1.0), 3)])}
    return {"options": options,
            "inputs": {"input1": Builder.uniform(rng, s1, -2.0, 2.0, dtype),
                       "input2": Builder.uniform(rng, s2, -2.0, 2.0, dtype), "target": target},
            "grad_wrt": list(WRT), "input_dtypes": input_dtypes}
