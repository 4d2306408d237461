"""Case declarations encode what they mean to test.

A 0-d input that became a NumPy scalar (arithmetic on a 0-d array returns
one) used to be written as a bare JSON number, so a case meant to test 0-d
broadcasting tested a wrong input form instead. These tests pin the check
that refuses such declarations, and that no golden case slipped through.
"""

import unittest

import numpy as np

from helpers import declared
from reference import implemented
from reference import golden  # noqa: E402
from reference.cases import Builder, DeclarationError


def _pair():
    return {"input": np.asarray(0.25), "target": np.ones((2, 2))}


class DeclarationFormTests(unittest.TestCase):
    def test_numpy_scalar_input_is_refused_with_the_case_id(self):
        b = Builder("HingeEmbeddingLoss")
        inputs = _pair()
        inputs["input"] = inputs["input"] + 0.0  # a np.float64, not 0-d
        self.assertIsInstance(inputs["input"], np.generic)
        with self.assertRaises(DeclarationError) as ctx:
            b.add("none/scalar", "float64", {"reduction": "none"}, inputs, ("input",))
        msg = str(ctx.exception)
        self.assertIn("HingeEmbeddingLoss/float64/none/scalar", msg)
        self.assertIn("float64", msg)

    def test_numpy_scalar_is_refused_even_as_a_deliberate_wrong_form(self):
        b = Builder("HingeEmbeddingLoss")
        inputs = dict(_pair(), input=np.float32(0.5))
        with self.assertRaises(DeclarationError):
            b.add("none/scalar", "float64", {}, inputs, ("input",), wrong_form=True)

    def test_python_number_for_a_tensor_input_needs_the_flag(self):
        b = Builder("HingeEmbeddingLoss")
        inputs = dict(_pair(), input=0.5)
        with self.assertRaises(DeclarationError):
            b.add("none/number", "float64", {}, inputs, ("input",))
        case = b.error("error/number", "float64", {}, inputs, "dtype_mismatch", ("input",), wrong_form=True)
        self.assertEqual(case["inputs"]["input"].text, "0.5")

    def test_number_allowed_input_takes_a_python_number(self):
        b = Builder("GaussianNLLLoss")
        x = np.array([0.5, 1.5])
        case = b.add("mean/var=number", "float64", {}, {"input": x, "target": x, "var": 2.0}, ("input",))
        self.assertIn("output", case["expected"])

    def test_zero_d_array_is_a_tensor_object(self):
        b = Builder("HingeEmbeddingLoss")
        case = b.add("none/0d", "float64", {"reduction": "none"}, _pair(), ("input",))
        enc = case["inputs"]["input"]
        self.assertEqual(enc["shape"], [])
        self.assertEqual(len(enc["data"]), 1)
        self.assertEqual(case["expected"]["output"]["shape"], [2, 2])

    def test_no_golden_case_writes_a_tensor_input_as_a_number(self):
        for loss in implemented():
            spec_inputs = golden.spec()["loss_specs"][loss]["inputs"]
            tensors = [i["name"] for i in spec_inputs if not i.get("number_allowed")]
            for d in declared(loss):
                for name in tensors:
                    v = d.case["inputs"].get(name)
                    if v is None or d.wrong_form:
                        continue
                    with self.subTest(case=d.case["id"], input=name):
                        self.assertIsInstance(v, dict)

    def test_zero_d_broadcast_case_of_hinge_is_evaluated(self):
        ids = {d.case["id"]: d.case for d in declared("HingeEmbeddingLoss")}
        for dtype in ("float64", "float32"):
            case = ids[f"HingeEmbeddingLoss/{dtype}/none/broadcast=0d-2x2"]
            self.assertEqual(case["inputs"]["input"]["shape"], [])
            self.assertNotIn("error", case["expected"])
            self.assertEqual(case["expected"]["output"]["shape"], [2, 2])
            self.assertEqual(case["expected"]["grads"]["input"]["shape"], [])


if __name__ == "__main__":
    unittest.main()
