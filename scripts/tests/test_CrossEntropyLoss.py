"""CrossEntropyLoss's NumPy reference against a plain loop formulation,
and identities with NLLLoss."""

import json
import math
import unittest

import numpy as np

from classloops import at, check, log_softmax_loop, positions, reduce_loop
from helpers import as_float64, declared
from reference import core, evaluate_case


def ce_loop(call):
    x = call.inputs["input"].value
    tt = call.inputs["target"]
    C = x.shape[0] if x.ndim == 1 else x.shape[1]
    w = call.options["weight"]
    w = [1.0] * C if w is None else [float(v) for v in w.value]
    eps = max(float(call.options["label_smoothing"]), 0.0)
    ii = call.options["ignore_index"]
    values, denom = [], 0.0
    probs = tuple(tt.shape) == tuple(x.shape)
    t = tt.value if probs else tt.value.reshape(-1)
    for k, pos in enumerate(positions(x.shape)):
        lp = log_softmax_loop(x, pos, C)
        if probs:
            v = 0.0
            for c in range(C):
                tc = at(t, pos, c)
                if eps > 0:
                    tc = (1 - eps) * tc + eps / C
                v -= w[c] * tc * lp[c]
            values.append(v)
            denom += 1
            continue
        cls = int(t[k])
        if cls == ii:
            values.append(0.0)
            continue
        smooth = 0.0
        for c in range(C):
            smooth -= w[c] * lp[c]
        values.append((1 - eps) * -w[cls] * lp[cls] + eps / C * smooth)
        denom += w[cls]
    if x.ndim == 1:
        out_shape = ()
    else:
        out_shape = (x.shape[0],) + tuple(x.shape[2:])
    return reduce_loop(values, call.reduction, denom, out_shape)


def run(case):
    return evaluate_case(json.loads(core.dumps(case)))


def value(result):
    return core.decode_tensor(result["output"]).value


class CrossEntropyLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        problems, checked = check("CrossEntropyLoss", ce_loop)
        self.assertEqual(problems, [])
        self.assertGreater(checked, 100)

    def test_equals_nll_of_log_softmax(self):
        """CE(x, t) == NLL(log_softmax(x), t) for index targets without smoothing."""
        checked = 0
        for d in declared("CrossEntropyLoss"):
            c = as_float64(d.case)
            if "error" in d.case["expected"] or c["inputs"]["target"]["dtype"] != "int64":
                continue
            if float(c["options"].get("label_smoothing", 0.0)) > 0:
                continue
            x = core.decode_tensor(c["inputs"]["input"]).value
            if x.size == 0 or x.ndim == 0 or not np.all(np.isfinite(x)):
                continue
            axis = 0 if x.ndim == 1 else 1
            m = np.max(x, axis=axis, keepdims=True)
            lp = (x - m) - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
            n = dict(c, loss="NLLLoss", grad_wrt=[])
            n["options"] = {k: v for k, v in c["options"].items() if k != "label_smoothing"}
            n["inputs"] = {"input": core.encode_tensor(lp, "float64"), "target": c["inputs"]["target"]}
            n.pop("grad_output", None)
            ce = value(run(dict(c, grad_wrt=[])))
            nll = value(run(n))
            self.assertTrue(np.allclose(ce, nll, rtol=1e-12, atol=1e-13, equal_nan=True), c["id"])
            checked += 1
        self.assertGreater(checked, 20)

    def test_index_equals_one_hot_probabilities(self):
        """Without weights, ignored rows or smoothing: CE(indices) == CE(one-hot)."""
        checked = 0
        for d in declared("CrossEntropyLoss"):
            c = as_float64(d.case)
            o = c["options"]
            if "error" in d.case["expected"] or c["inputs"]["target"]["dtype"] != "int64":
                continue
            if o.get("weight") is not None or float(o.get("label_smoothing", 0)) != 0:
                continue
            x = core.decode_tensor(c["inputs"]["input"]).value
            t = core.decode_tensor(c["inputs"]["target"]).value
            if x.ndim < 2 or x.size == 0 or np.any(t == o.get("ignore_index", -100)):
                continue
            onehot = np.moveaxis(np.eye(x.shape[1])[t], -1, 1)
            p = dict(c, grad_wrt=[], inputs={"input": c["inputs"]["input"],
                                             "target": core.encode_tensor(onehot, "float64")})
            p["options"] = {k: v for k, v in o.items() if k != "ignore_index"}
            p.pop("grad_output", None)
            self.assertTrue(np.allclose(value(run(dict(c, grad_wrt=[]))), value(run(p)), rtol=1e-12, atol=1e-13),
                            c["id"])
            checked += 1
        self.assertGreater(checked, 5)


if __name__ == "__main__":
    unittest.main()
