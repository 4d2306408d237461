"""GaussianNLLLoss's NumPy reference against a plain loop formulation, the
var shape rules as observed in PyTorch 2.15, and the clamped-var gradient."""

import itertools
import json
import math
import unittest

import numpy as np

from helpers import as_float64, declared
from reference import core, decode_call, evaluate_case


def loop_gaussian(x, t, var, full, eps, reduction):
    """One element at a time; var indexed by hand (number, same shape,
    missing last dim, or size-1 dims)."""
    rank = max(x.ndim, t.ndim)
    xs = (1,) * (rank - x.ndim) + x.shape
    ts = (1,) * (rank - t.ndim) + t.shape
    out_shape = tuple(max(a, b) if min(a, b) != 0 else 0 for a, b in zip(xs, ts))
    xr, tr = x.reshape(xs), t.reshape(ts)
    if isinstance(var, float):
        def var_at(idx):
            return var
    else:
        if var.shape == x.shape:
            vs = var.shape
        elif var.shape == x.shape[:-1]:
            vs = var.shape + (1,)
        else:
            vs = var.shape
        vr = var.reshape((1,) * (rank - len(vs)) + vs)

        def var_at(idx):
            return float(vr[tuple(0 if n == 1 else i for i, n in zip(idx, vr.shape))])
    values = []
    for idx in itertools.product(*[range(n) for n in out_shape]):
        xi = float(xr[tuple(0 if n == 1 else i for i, n in zip(idx, xs))])
        ti = float(tr[tuple(0 if n == 1 else i for i, n in zip(idx, ts))])
        v = var_at(idx)
        v = v if (math.isnan(v) or v > eps) else eps
        # -log N(t; x, v) without (or with) the constant.
        r = (xi - ti) ** 2 / v if v != 0 else math.inf
        lv = math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)
        val = 0.5 * lv + 0.5 * r
        if full:
            val += 0.5 * math.log(2 * math.pi)
        values.append(val)
    if reduction == "none":
        return np.array(values).reshape(out_shape)
    total = 0.0
    for v in values:
        total += v
    if reduction == "sum":
        return np.array(total)
    return np.array(total / len(values) if values else math.nan)


def run(x, t, var, **options):
    enc = (lambda a: core.encode_tensor(np.array(a, dtype=np.float64), "float64"))
    c = {"loss": "GaussianNLLLoss", "dtype": "float64", "options": options,
         "inputs": {"input": enc(x), "target": enc(t), "var": var if isinstance(var, float) else enc(var)},
         "grad_wrt": ["input", "target"] + ([] if isinstance(var, float) else ["var"])}
    return evaluate_case(json.loads(core.dumps(c)))


class GaussianNLLLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        checked = 0
        problems = []
        for d in declared("GaussianNLLLoss"):
            c = d.case
            if "error" in c["expected"] or c["inputs"]["input"]["shape"] and np.prod(c["inputs"]["input"]["shape"]) > 64:
                continue
            c64 = as_float64(c)
            call = decode_call(c64)
            var = call.inputs["var"]
            var = var if isinstance(var, float) else var.value
            want = loop_gaussian(call.inputs["input"].value, call.inputs["target"].value, var,
                                 call.options["full"], call.options["eps"], call.reduction)
            got = core.decode_tensor(evaluate_case(c64)["output"]).value
            if want.shape != got.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True):
                problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
            checked += 1
        self.assertGreater(checked, 50)
        self.assertEqual(problems, [])

    def test_var_shape_rules_as_pytorch(self):
        # (input shape, var shape, accepted?) observed with torch 2.15.
        table = [((2, 3), (2, 3), True), ((2, 3), (2,), True), ((2, 3), (2, 1), True), ((2, 3), (1, 3), True),
                 ((2, 3), (3,), False), ((2, 3), (1, 1), False), ((2, 3), (), False), ((2, 3), (1,), False),
                 ((2, 3), (6,), False), ((2, 3), (2, 3, 1), False), ((2, 3), (1, 2, 3), False),
                 ((2, 3), (3, 2), False), ((3,), (3,), True), ((3,), (), True), ((3,), (1,), True),
                 ((3,), (3, 1), False), ((), (), True), ((), (1,), False), ((2, 3, 4), (2, 3), True),
                 ((2, 3, 4), (2, 1, 4), True), ((2, 3, 4), (1, 1, 4), False), ((2, 3, 4), (3, 4), False),
                 ((2, 1), (1, 1), True)]
        for xs, vs, ok in table:
            r = run(np.zeros(xs), np.zeros(xs), np.ones(vs))
            with self.subTest(input=xs, var=vs):
                if ok:
                    self.assertNotIn("error", r)
                    self.assertEqual(r["output"]["shape"], [])
                else:
                    self.assertEqual(r["error"]["kind"], "shape_mismatch")

    def test_negative_var_checked_before_shape(self):
        r = run(np.zeros((2, 3)), np.zeros((2, 3)), np.array([1.0, -1.0, 1.0, 1.0]))
        self.assertEqual(r["error"]["kind"], "value_out_of_domain")
        self.assertEqual(run([0.0], [0.0], -0.5)["error"]["kind"], "value_out_of_domain")

    def test_clamped_var_gradient(self):
        # var = 0.01 below eps = 0.25: value and gradients use v = 0.25, and
        # d/dvar = 0.5 (1/v - d^2/v^2) even though the value is flat in var.
        r = run([1.0], [0.5], [0.01], eps=0.25, reduction="sum")
        v, d = 0.25, 0.5
        out = core.decode_tensor(r["output"]).value
        self.assertAlmostEqual(float(out), 0.5 * (math.log(v) + d * d / v), places=14)
        gv = core.decode_tensor(r["grads"]["var"]).value
        self.assertAlmostEqual(float(gv[0]), 0.5 * (1 / v - d * d / v ** 2), places=13)
        gx = core.decode_tensor(r["grads"]["input"]).value
        self.assertAlmostEqual(float(gx[0]), d / v, places=14)

    def test_number_var_has_no_gradient(self):
        r = run([1.0, 2.0], [0.0, 0.0], 0.5)
        self.assertNotIn("var", r["grads"])


if __name__ == "__main__":
    unittest.main()
