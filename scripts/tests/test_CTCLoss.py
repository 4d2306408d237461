"""CTCLoss's NumPy reference: brute force against the recursion, and the
properties the loss must have (padded = concatenated, batch permutation,
mean, PyTorch's gradient form against finite differences)."""

import itertools
import json
import math
import random
import unittest

import numpy as np

from helpers import declared
from reference import core, evaluate_case, module
from reference import libm  # noqa: E402

CTC = module("CTCLoss")


def random_lp(rng, shape, normalized=True):
    x = np.array([rng.uniform(-2, 2) for _ in range(int(np.prod(shape)))]).reshape(shape)
    return CTC.log_softmax(x) if normalized else x - 1.0


def state_paths(I, labels, blank):
    """Every walk through the extended states, by enumeration (no recursion):
    yields the state sequence of each valid path."""
    ext = CTC.extended(labels, blank)
    L = len(ext)
    finals = {L - 1, L - 2} if L > 1 else {0}
    for seq in itertools.product(range(L), repeat=I):
        if seq[0] not in (0, 1) or seq[-1] not in finals:
            continue
        ok = True
        for a, b in zip(seq, seq[1:]):
            step = b - a
            if step in (0, 1):
                continue
            if step == 2 and b % 2 == 1 and ext[b] != ext[a]:
                continue
            ok = False
            break
        if ok:
            yield seq, ext


def case_dict(lp, targets, il, tl, reduction, dtype="float64", blank=0, zero_inf=False, g=None):
    c = {"id": "t", "loss": "CTCLoss", "dtype": dtype,
         "options": {"reduction": reduction, "blank": blank, "zero_infinity": zero_inf},
         "inputs": {"log_probs": core.encode_tensor(lp, dtype),
                    "targets": core.encode_tensor(np.asarray(targets, dtype=np.int64), "int64"),
                    "input_lengths": core.encode_tensor(np.asarray(il, dtype=np.int64), "int64"),
                    "target_lengths": core.encode_tensor(np.asarray(tl, dtype=np.int64), "int64")},
         "grad_wrt": ["log_probs"]}
    if g is not None:
        c["grad_output"] = core.encode_tensor(np.asarray(g, dtype=np.float64), dtype)
    return json.loads(core.dumps(c))


def values(result, key="output"):
    t = result[key] if key == "output" else result["grads"]["log_probs"]
    return core.decode_tensor(t).value


class BruteForceTests(unittest.TestCase):
    def test_brute_force_equals_recursion(self):
        rng = random.Random(1)
        checked = 0
        for _ in range(120):
            I = rng.randint(1, 6)
            C = rng.randint(2, 3)
            blank = rng.randrange(C)
            S = rng.randint(0, 3)
            labels = [rng.choice([k for k in range(C) if k != blank]) for _ in range(S)]
            lpb = random_lp(rng, (I, C), normalized=rng.random() < 0.7)
            nb, gb = CTC.brute_force(lpb, labels, blank)
            nr, gr = CTC.recursion(lpb, labels, blank)
            if nb == math.inf:
                self.assertEqual(nr, math.inf, (I, labels))
                continue
            self.assertAlmostEqual(nb, nr, delta=1e-12 * max(1, abs(nb)))
            np.testing.assert_allclose(gb, gr, rtol=1e-10, atol=1e-13)
            checked += 1
        self.assertGreater(checked, 50)

    def test_tiny_golden_cases_use_the_brute_force(self):
        ids = [d.case["id"] for d in declared("CTCLoss") if "tiny" in d.case["id"]]
        self.assertTrue(any("brute_force" in i for i in ids))
        self.assertTrue(CTC.uses_brute_force(5, 3, [1, 2], 0))
        self.assertFalse(CTC.uses_brute_force(5, 3, [0, 2], 0))

    def test_label_equal_to_blank_counts_every_state_path(self):
        # With a label equal to blank several state paths emit the same
        # labels; PyTorch (and the recursion) sum them all.
        rng = random.Random(2)
        for labels, blank in (([0], 0), ([1, 0], 0), ([0, 0], 0), ([2, 1], 1)):
            for I in (2, 3, 4, 5):
                lpb = random_lp(rng, (I, 3))
                probs = [math.exp(sum(lpb[t, ext[s]] for t, s in enumerate(seq)))
                         for seq, ext in state_paths(I, labels, blank)]
                nr, _ = CTC.recursion(lpb, labels, blank)
                if not probs:
                    self.assertEqual(nr, math.inf)
                    continue
                self.assertAlmostEqual(-math.log(math.fsum(probs)), nr, delta=1e-12)

    def test_last_frame_quirk_when_last_label_is_blank(self):
        # PyTorch keeps only the label state's occupancy at the last frame.
        rng = random.Random(3)
        labels, blank, I = [1, 0], 0, 5
        lpb = random_lp(rng, (I, 3))
        paths = list(state_paths(I, labels, blank))
        probs = [math.exp(sum(lpb[t, ext[s]] for t, s in enumerate(seq))) for seq, ext in paths]
        Z = math.fsum(probs)
        L = 2 * len(labels) + 1
        label_state = math.fsum(p for p, (seq, _) in zip(probs, paths) if seq[-1] == L - 2) / Z
        _, gamma = CTC.recursion(lpb, labels, blank)
        occ = CTC.pytorch_occupancy(gamma, lpb, labels, blank)
        self.assertAlmostEqual(occ[I - 1, blank], label_state, delta=1e-12)
        self.assertAlmostEqual(gamma[I - 1, blank], 1.0, delta=1e-12)


class PropertyTests(unittest.TestCase):
    def test_padded_equals_concatenated(self):
        rng = random.Random(4)
        for k in range(30):
            T, N, C = rng.randint(1, 8), rng.randint(1, 4), rng.randint(2, 5)
            tl = [rng.randint(0, 4) for _ in range(N)]
            labels = [[rng.randrange(1, C) for _ in range(n)] for n in tl]
            il = [rng.randint(0, T) for _ in range(N)]
            lp = random_lp(rng, (T, N, C))
            for red in ("none", "mean", "sum"):
                g = [rng.uniform(-1, 1) for _ in range(N)] if red == "none" else None
                a = evaluate_case(case_dict(lp, CTC.padded(labels, max(tl) + 1, fill=-3), il, tl, red, g=g))
                b = evaluate_case(case_dict(lp, CTC.concatenated(labels), il, tl, red, g=g))
                np.testing.assert_array_equal(values(a), values(b))
                np.testing.assert_array_equal(values(a, "grads"), values(b, "grads"))

    def test_batch_permutation_permutes_none(self):
        rng = random.Random(5)
        for k in range(20):
            T, N, C = rng.randint(2, 8), rng.randint(2, 4), rng.randint(2, 5)
            tl = [rng.randint(0, 4) for _ in range(N)]
            labels = [[rng.randrange(1, C) for _ in range(n)] for n in tl]
            il = [rng.randint(0, T) for _ in range(N)]
            lp = random_lp(rng, (T, N, C))
            g = np.array([rng.uniform(-1, 1) for _ in range(N)])
            perm = list(range(N))
            rng.shuffle(perm)
            a = evaluate_case(case_dict(lp, CTC.padded(labels, 4), il, tl, "none", g=g))
            b = evaluate_case(case_dict(lp[:, perm, :], CTC.padded([labels[p] for p in perm], 4),
                                        [il[p] for p in perm], [tl[p] for p in perm], "none", g=g[perm]))
            np.testing.assert_array_equal(values(a)[perm], values(b))
            np.testing.assert_array_equal(values(a, "grads")[:, perm, :], values(b, "grads"))

    def test_mean_divides_by_clamped_target_lengths_over_all_samples(self):
        rng = random.Random(6)
        lp = random_lp(rng, (6, 3, 4))
        labels, il, tl = [[1, 2], [], [3, 3]], [6, 6, 2], [2, 0, 2]  # the last is infeasible
        none = values(evaluate_case(case_dict(lp, CTC.padded(labels, 2), il, tl, "none", zero_inf=True,
                                              g=[1.0, 1.0, 1.0])))
        mean = values(evaluate_case(case_dict(lp, CTC.padded(labels, 2), il, tl, "mean", zero_inf=True)))
        self.assertEqual(none[2], 0.0)
        self.assertAlmostEqual(float(mean), (none[0] / 2 + none[1] / 1 + 0.0) / 3, delta=1e-14)

    def test_pytorch_form_minus_exp_is_the_finite_difference_partial(self):
        rng = random.Random(7)
        for normalized in (True, False):
            T, N, C = 5, 2, 4
            lp = random_lp(rng, (T, N, C), normalized)
            labels, il, tl = [[1, 3], [2, 2]], [5, 4], [2, 2]
            for red in ("none", "mean", "sum"):
                g = np.array([0.7, -1.3]) if red == "none" else np.array(0.8)
                r = evaluate_case(case_dict(lp, CTC.padded(labels, 2), il, tl, red, g=g))
                grad = values(r, "grads")
                gb = {"none": g, "sum": np.array([0.8, 0.8]), "mean": 0.8 / 2 / np.array([2.0, 2.0])}[red]
                mask = (np.arange(T)[:, None] < np.array(il)[None, :])[:, :, None]
                partial = grad - libm.exp(lp) * gb[None, :, None] * mask
                h = 1e-6
                for idx in itertools.product(range(T), range(N), range(C)):
                    def f(s):
                        x = lp.copy()
                        x[idx] += s
                        o = values(evaluate_case(case_dict(x, CTC.padded(labels, 2), il, tl, red)))
                        return float(np.sum(o * g))
                    num = (f(h) - f(-h)) / (2 * h)
                    self.assertAlmostEqual(partial[idx], num, delta=1e-6, msg=f"{red} {idx}")
                if not normalized:
                    # Here the form differs from the partial: the test must see it.
                    self.assertGreater(float(np.max(np.abs(grad - partial))), 1e-3)

    def test_infeasible_nan_before_input_length_zero_after_others_untouched(self):
        rng = random.Random(8)
        lp = random_lp(rng, (5, 2, 3))
        labels, il, tl = [[1, 1], [2]], [2, 5], [2, 1]
        r = evaluate_case(case_dict(lp, CTC.padded(labels, 2), il, tl, "none", g=[1.0, 1.0]))
        out, grad = values(r), values(r, "grads")
        self.assertEqual(out[0], math.inf)
        self.assertTrue(np.all(np.isnan(grad[:2, 0])))
        self.assertTrue(np.all(grad[2:, 0] == 0))
        self.assertTrue(np.all(np.isfinite(grad[:, 1])))
        z = evaluate_case(case_dict(lp, CTC.padded(labels, 2), il, tl, "none", zero_inf=True, g=[1.0, 1.0]))
        self.assertEqual(values(z)[0], 0.0)
        self.assertTrue(np.all(values(z, "grads")[:, 0] == 0))
        np.testing.assert_array_equal(values(z, "grads")[:, 1], grad[:, 1])

    def test_long_float32_case_is_finite(self):
        case = [d.case for d in declared("CTCLoss") if d.case["id"].endswith("/long/T=1000/S=200/C=50")][0]
        out = core.decode_tensor(case["expected"]["output"]).value
        grad = core.decode_tensor(case["expected"]["grads"]["log_probs"]).value
        self.assertTrue(np.isfinite(out).all())
        self.assertTrue(np.isfinite(grad).all())
        self.assertGreater(float(out), 100.0)


if __name__ == "__main__":
    unittest.main()
