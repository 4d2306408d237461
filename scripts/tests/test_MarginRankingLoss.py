"""MarginRankingLoss's NumPy reference against a plain loop formulation."""

import itertools
import math
import unittest

import numpy as np

from helpers import declared
from margin_loops import check_cases, reduce_rows
from reference import core, decode_call, evaluate_case


def loop(call):
    x1, x2, y = (call.inputs[n].value for n in ("input1", "input2", "target"))
    rank = x1.ndim
    shape = [max(s[k] for s in (x1.shape, x2.shape, y.shape)) for k in range(rank)]
    m = call.options["margin"]
    vals = []
    for idx in itertools.product(*[range(n) for n in shape]):
        a, b, t = (float(v[tuple(0 if v.shape[k] == 1 else idx[k] for k in range(rank))]) for v in (x1, x2, y))
        z = m - t * (a - b)
        vals.append(math.nan if math.isnan(z) else max(0.0, z))
    return reduce_rows(vals, call.reduction, tuple(shape))


class MarginRankingLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("MarginRankingLoss", loop), [])

    def test_swap_and_negate_is_identity(self):
        for d in declared("MarginRankingLoss"):
            c = d.case
            if "error" in c["expected"]:
                continue
            s = dict(c, inputs=dict(c["inputs"], input1=c["inputs"]["input2"], input2=c["inputs"]["input1"]))
            t = c["inputs"]["target"]
            s["inputs"]["target"] = dict(t, data=[("nan" if isinstance(v, str) and v == "nan" else
                                                    (core.Raw(str(-float(v.text))) if isinstance(v, core.Raw) else -v))
                                                   for v in t["data"]])
            got = evaluate_case(s)
            self.assertEqual(core.dumps(got["output"]), core.dumps(c["expected"]["output"]), c["id"])
            for name, other in (("input1", "input2"), ("input2", "input1")):
                self.assertEqual(core.dumps(got["grads"][name]), core.dumps(c["expected"]["grads"][other]), c["id"])

    def test_kink_has_zero_gradient(self):
        call = decode_call({"loss": "MarginRankingLoss", "dtype": "float64", "options": {"reduction": "sum"},
                            "inputs": {n: core.encode_tensor(np.array([1.5]), "float64")
                                       for n in ("input1", "input2", "target")}, "grad_wrt": []})
        from reference import module
        out, vjp = module("MarginRankingLoss").evaluate(call)
        g = vjp(np.array(1.0))
        self.assertEqual(float(out), 0.0)
        self.assertEqual([float(g[n][0]) for n in ("input1", "input2", "target")], [0.0, 0.0, 0.0])


if __name__ == "__main__":
    unittest.main()
