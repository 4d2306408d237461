"""Declaring golden cases: the `Builder` a loss module's `cases()` fills.

A case is declared by its inputs and options; the builder evaluates it with
the loss's NumPy reference, draws a random `grad_output` where the output is
unreduced, and records the expected result and the case's tags
(docs/TAGS.md). Ids read `Loss/dtype/what`. A declaration that would not
encode what it means to test (a NumPy scalar, or a number where the spec
declares a tensor) is refused with the case id.
"""

from __future__ import annotations

import itertools
import random

import numpy as np

from . import core, evaluate_case
from . import golden
from . import tags as case_tags


def seeded(case_id: str) -> random.Random:
    """The random stream of a case: `random.Random(case_id)`, whose
    `random()` sequence Python guarantees to be reproducible."""
    return random.Random(case_id)


class DeclarationError(ValueError):
    """A case declaration that would not encode what it means to test."""


class Declared:
    """One golden case plus what the reference's own tests want to know."""

    def __init__(self, case, smooth, wrong_form=False):
        self.case = case
        # True when the case hands an input in a wrong form on purpose.
        self.wrong_form = wrong_form
        # True when no input sits at a kink, clamp or other non-smooth point,
        # so central finite differences are a valid check of the gradient.
        self.smooth = smooth


class Builder:
    dtypes = ("float64", "float32")

    def __init__(self, loss):
        # When set, declarations in other dtypes are skipped: the half pass
        # runs a loss's case blocks again with dtypes = the half dtypes.
        self.only_dtypes = None
        self.loss = loss
        self.spec = golden.spec()["loss_specs"][loss]
        self.declared: list[Declared] = []
        self._ids = set()

    # -- the grid ----------------------------------------------------------

    def grid(self):
        """Every point of the spec's option grid, as {option: value}."""
        g = self.spec.get("grid", {})
        names = list(g)
        return [dict(zip(names, vals)) for vals in itertools.product(*(g[n] for n in names))]

    def options_for(self, point, **extra):
        """Case options for a grid point. A tensor option's grid value is a
        boolean (present or absent): pass the tensor itself in `extra`."""
        types = {o["name"]: o["type"] for o in self.spec["options"]}
        opts = {k: v for k, v in point.items() if types.get(k) != "tensor"}
        opts.update(extra)
        return opts

    # -- random inputs -----------------------------------------------------

    @staticmethod
    def rng(key):
        return seeded(key)

    @staticmethod
    def uniform(rng, shape, lo, hi, dtype):
        n = int(np.prod(shape)) if len(shape) else 1
        vals = [rng.uniform(lo, hi) for _ in range(n)]
        return core.round_to(dtype, np.array(vals, dtype=np.float64)).reshape(shape)

    @staticmethod
    def integers(rng, shape, lo, hi):
        """Integers in [lo, hi)."""
        n = int(np.prod(shape)) if len(shape) else 1
        return np.array([rng.randrange(lo, hi) for _ in range(n)], dtype=np.int64).reshape(shape)

    # -- declaring ---------------------------------------------------------

    def ill_posed(self, name, dtype):
        """Whether the loss module lists this case as ill-posed in a half
        dtype (HALF_ILL_POSED: {name fragment: (dtypes, why)}): an
        intermediate of the formula leaves the dtype's range, so a kernel
        computing in the dtype answers NaN or inf where the exact answer is
        finite, and no tolerance can judge it."""
        from . import module

        table = getattr(module(self.loss), "HALF_ILL_POSED", {})
        return any(frag in name and dtype in dts for frag, (dts, _) in table.items())

    def tensor(self, value, dtype):
        value = np.asarray(value)
        if dtype == "int64":
            return core.encode_tensor(value.astype(np.int64), "int64")
        return core.encode_tensor(value.astype(np.float64), dtype)

    def add(
        self,
        name,
        dtype,
        options,
        inputs,
        grad_wrt=(),
        grad_output="auto",
        smooth=True,
        tolerance=None,
        input_dtypes=None,
        wrong_form=False,
        tags=(),
    ):
        """Declare one case.

        inputs: {name: ndarray | float}; float arrays take the case dtype and
        integer arrays int64, unless `input_dtypes` names another dtype.
        An input the spec declares as a tensor must be an ndarray (0-d
        included); a Python number is allowed only where the spec says
        `number_allowed` or the case tests a wrong input form on purpose
        (`wrong_form=True`). NumPy scalars (np.float64, ...) are refused:
        they are what arithmetic on a 0-d array returns, and they would be
        written as bare JSON numbers.
        options: plain JSON values, or ndarrays for tensor options (in the
        case dtype). grad_output: "auto" (random when the output is not 0-d
        or the reduction is none, else absent), None (absent) or an array.
        """
        if self.only_dtypes is not None and dtype not in self.only_dtypes:
            return None
        if dtype in core.HALF_DTYPES and self.ill_posed(name, dtype):
            return None
        cid = f"{self.loss}/{dtype}/{name}"
        if cid in self._ids:
            raise ValueError(f"duplicate case id {cid}")
        self._ids.add(cid)
        self._check_forms(cid, inputs, options, wrong_form)
        case_tags.check_declared(cid, tags)
        input_dtypes = input_dtypes or {}
        enc_inputs = {}
        for k, v in inputs.items():
            if isinstance(v, float):
                enc_inputs[k] = core.number(v, "float64")
                continue
            v = np.asarray(v)
            dt = input_dtypes.get(k) or ("int64" if v.dtype.kind in "iu" else dtype)
            enc_inputs[k] = self.tensor(v, dt)
        enc_options = {}
        for k, v in options.items():
            if isinstance(v, np.ndarray):
                dt = input_dtypes.get(k) or ("int64" if v.dtype.kind in "iu" else dtype)
                enc_options[k] = self.tensor(v, dt)
            else:
                enc_options[k] = v
        case = {
            "id": cid,
            "loss": self.loss,
            "dtype": dtype,
            "options": enc_options,
            "inputs": enc_inputs,
            "grad_wrt": list(grad_wrt),
        }
        result = evaluate_case(_plain(case))
        if "error" not in result and grad_wrt:
            out_shape = result["output"]["shape"]
            if isinstance(grad_output, str):
                reduction = options.get("reduction", "mean")
                if out_shape or reduction == "none":
                    rng = self.rng(cid + "/grad_output")
                    case["grad_output"] = self.tensor(self.uniform(rng, tuple(out_shape), -1.0, 1.0, dtype), dtype)
            elif grad_output is not None:
                case["grad_output"] = self.tensor(np.asarray(grad_output, dtype=np.float64), dtype)
            result = evaluate_case(_plain(case))
        if "error" in result:
            expected = {"error": result["error"]}
        else:
            expected = {"output": result["output"]}
            if "grads" in result:
                expected["grads"] = result["grads"]
        case["expected"] = expected
        if tolerance is not None:
            case["tolerance"] = tolerance
        elif dtype in core.HALF_DTYPES and "error" not in result:
            from .half import tolerance as half_tolerance

            case["tolerance"] = half_tolerance(_plain(case))
        all_tags = case_tags.ordered(set(tags) | case_tags.derive(case, self.spec, smooth))
        if all_tags:
            case["tags"] = all_tags
        self.declared.append(Declared(case, smooth and "error" not in result, wrong_form))
        return case

    def reduction_cases(self, dtype, base, inputs, grad_wrt, bad=("batchmean", "foo"), fixed=None,
                        error_grad_wrt=None, input_dtypes=None):
        """The reduction-argument cases of a loss, on `inputs`, driven by its spec.

        * The deprecated size_average/reduce, where the loss has them: four
          combinations that override `reduction` (the third sets
          reduction=batchmean where the loss has that reduction, else
          reduce=true); where it has not, `error/size_average`.
        * 'elementwise_mean': PyTorch's alias of mean, or refused where the
          spec sets `elementwise_mean_alias: false`.
        * Each reduction in `bad`, refused with invalid_option.

        `fixed`: options every case sets after `base` (and after
        `reduction`); `error_grad_wrt`: grad_wrt of the refused cases
        (default `grad_wrt`).
        """
        fixed = fixed or {}
        error_grad_wrt = grad_wrt if error_grad_wrt is None else error_grad_wrt
        spec_opts = {o["name"]: o for o in self.spec["options"]}
        io = {"input_dtypes": input_dtypes}
        if "size_average" in spec_opts:
            if "batchmean" in spec_opts["reduction"]["values"]:
                third = ("size_average=true/reduction=batchmean", {"size_average": True, "reduction": "batchmean"})
            else:
                third = ("size_average=true/reduce=true", {"size_average": True, "reduce": True})
            for label, form in (("size_average=false", {"size_average": False}), ("reduce=false", {"reduce": False}),
                                third, ("reduction=none/size_average=true", {"reduction": "none", "size_average": True})):
                self.add(f"deprecated/{label}", dtype, dict(base, **fixed, **form), inputs, grad_wrt, **io)
        else:
            self.error("error/size_average", dtype, dict(base, size_average=False), inputs, "invalid_option",
                       error_grad_wrt, **io)
        em = dict(base, reduction="elementwise_mean", **fixed)
        if self.spec.get("elementwise_mean_alias", True):
            self.add("elementwise_mean", dtype, em, inputs, grad_wrt, **io)
        else:
            self.error("error/elementwise_mean", dtype, em, inputs, "invalid_option", error_grad_wrt, **io)
        for r in bad:
            self.error(f"error/reduction={r}", dtype, dict(base, reduction=r), inputs, "invalid_option",
                       error_grad_wrt, **io)

    def _check_forms(self, cid, inputs, options, wrong_form):
        """Refuse inputs that would not be written as tensor objects."""
        spec_inputs = {i["name"]: i for i in self.spec["inputs"]}
        for k, v in list(inputs.items()) + list(options.items()):
            if isinstance(v, np.generic):
                raise DeclarationError(
                    f"{cid}: {k} is a NumPy scalar ({type(v).__name__}), "
                    "which would be written as a bare number; pass a 0-d "
                    "np.ndarray (np.asarray(v))")
        for k, v in inputs.items():
            if isinstance(v, np.ndarray):
                continue
            number = isinstance(v, (int, float)) and not isinstance(v, bool)
            if number and spec_inputs.get(k, {}).get("number_allowed"):
                continue
            if not wrong_form:
                raise DeclarationError(
                    f"{cid}: input {k} is a {type(v).__name__}, not an "
                    "ndarray; the spec declares it a tensor (declare the "
                    "case with wrong_form=True if that is the point)")

    def error(self, name, dtype, options, inputs, kind, grad_wrt=(), input_dtypes=None, wrong_form=False,
              tags=()):
        """Declare a case PyTorch refuses, asserting the reference agrees."""
        case = self.add(name, dtype, options, inputs, grad_wrt, grad_output=None, smooth=False,
                        input_dtypes=input_dtypes, wrong_form=wrong_form, tags=tags)
        if case is None:  # a dtype the current pass skips
            return None
        got = case["expected"].get("error", {}).get("kind")
        if got != kind:
            raise AssertionError(f"{case['id']}: expected error {kind}, reference gave {got or 'a value'}")
        return case


def _plain(case):
    """The case as plain JSON values (what a backend would read)."""
    import json

    return json.loads(core.dumps(case))


def build(loss):
    b = Builder(loss)
    from . import module

    mod = module(loss)
    mod.cases(b)
    # The half pass: every case block again in float16 and bfloat16 (inputs
    # rounded to the dtype), then the half-specific edges (half_edges.py).
    b.dtypes = core.HALF_DTYPES
    b.only_dtypes = core.HALF_DTYPES
    mod.cases(b)
    from . import half_edges

    half_edges.declare(b)
    b.dtypes = Builder.dtypes
    b.only_dtypes = None
    return b
