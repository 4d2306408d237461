#!/usr/bin/env python3
"""Scaffold every file a new loss needs, with a working placeholder loss.

    python3 scripts/new_loss.py FooLoss

The placeholder is the absolute error |input - target| (elementwise, the two
broadcast both ways, reductions none/mean/sum) on both sides, so that the
scaffold builds, its goldens generate and `losscheck run --loss FooLoss`
passes before any real work. Then replace the placeholder, file by file
(docs/ADDING_A_LOSS.md says what goes where). Written or edited:

    golden/spec.json                                  "losses" gets the name
    golden/spec/FooLoss.json                          inputs, options, grid
    golden/benchmark.json                             a benchmark row
    scripts/reference/FooLoss.py                      NumPy reference + cases
    scripts/tests/test_FooLoss.py                     its loop test
    Sources/LossCheck/Losses/FooLoss.swift            the Swift loss
    Sources/LossCheckHarness/Adapters/FooLoss+Adapter.swift
    Sources/LossCheckHarness/Backend.swift            the adapter table entry
    Tests/LossCheckTests/FooLossTests.swift           Swift property tests
    Tests/FuzzCorpus/seed-FooLoss-value, -error       fuzz seeds
    docs/losses/FooLoss.md                            the loss's page

It refuses a name that is not CamelCase ending in "Loss", or one that
exists, and writes nothing then. The goldens are not written: run
`python3 scripts/make_golden.py --loss FooLoss` (the last lines printed say
what to run).
"""

import argparse
import json
import os
import re
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

ADAPTER_MARKER = "    // scripts/new_loss.py adds entries above this line.\n"


class ScaffoldError(Exception):
    """The scaffold cannot be written (bad name, existing files, ...)."""


def path(*parts):
    return os.path.join(ROOT, *parts)


def read(rel):
    with open(path(rel), encoding="utf-8") as f:
        return f.read()


def spec_entry(name):
    return textwrap.dedent(f"""\
        {{
          "loss": "{name}",
          "family": "regression",
          "summary": "Placeholder (scripts/new_loss.py): |input - target|, broadcast both ways.",
          "inputs": [
            {{"name": "input", "dtype": "float", "differentiable": true}},
            {{"name": "target", "dtype": "float", "differentiable": true}}
          ],
          "broadcast": ["input", "target"],
          "options": [
            {{"name": "reduction", "type": "enum", "values": ["none", "mean", "sum"], "default": "mean"}}
          ],
          "grid": {{"reduction": ["none", "mean", "sum"]}}
        }}
        """)


def reference(name):
    return textwrap.dedent(f'''\
        """{name}: a placeholder written by scripts/new_loss.py, the absolute
        error |x - t| elementwise, input and target broadcast both ways.

        d/dx = sign(x - t) (0 at x == t and where x - t is NaN); d/dt = -d/dx.
        Replace `evaluate` with the loss and `cases` with its golden cases
        (docs/ADDING_A_LOSS.md).
        """

        import numpy as np

        from . import golden
        from .difference import elementwise, point_name, random_regression_case, shape_name

        SHAPES = ((), (1,), (2, 3, 4))


        def evaluate(c):
            def loss(d):
                return np.abs(d)

            def dloss(d):
                return np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0))

            return elementwise(c, loss, dloss)


        def cases(b):
            both = ("input", "target")
            for dtype in b.dtypes:
                for point in b.grid():
                    for shape in SHAPES:
                        rng = b.rng(f"{{b.loss}}/{{dtype}}/{{point_name(point)}}/{{shape}}")
                        x = b.uniform(rng, shape, -2.0, 2.0, dtype)
                        t = b.uniform(rng, shape, -2.0, 2.0, dtype)
                        b.add(f"{{point_name(point)}}/shape={{shape_name(shape)}}", dtype, b.options_for(point),
                              {{"input": x, "target": t}}, both)
                rng = b.rng(f"{{b.loss}}/{{dtype}}/reduction-arguments")
                pair = {{"input": b.uniform(rng, (2, 3), -2.0, 2.0, dtype),
                        "target": b.uniform(rng, (2, 3), -2.0, 2.0, dtype)}}
                b.reduction_cases(dtype, {{}}, pair, both)
                b.error("error/shape=3-4", dtype, {{}}, {{"input": np.zeros(3), "target": np.zeros(4)}},
                        "shape_mismatch", both)


        def random_case(rng, dtype):
            return random_regression_case(rng, dtype, golden.spec()["loss_specs"]["{name}"])
        ''')


def python_test(name):
    return textwrap.dedent(f'''\
        """{name}'s NumPy reference against a plain loop formulation."""

        import unittest

        from loops import check_against_loop


        def elem(x, t):
            return abs(x - t)


        class {name}Tests(unittest.TestCase):
            def test_forward_matches_loop(self):
                self.assertEqual(check_against_loop("{name}", elem), [])


        if __name__ == "__main__":
            unittest.main()
        ''')


def swift_loss(name):
    return textwrap.dedent(f"""\
        /// `{name}`: a placeholder written by scripts/new_loss.py, the
        /// absolute error |x − t|, elementwise. Replace it with the loss.
        ///
        /// Input and target broadcast both ways. The gradient in x is
        /// sign(x − t), 0 at a tie and where x − t is NaN; the target's
        /// gradient is its negation. `mean` divides by the element count.
        public struct {name}: Sendable {{
          /// How the elementwise values are reduced.
          public var reduction: Reduction

          /// A loss with the given reduction.
          public init(reduction: Reduction = .mean) {{
            self.reduction = reduction
          }}

          /// The loss.
          public func callAsFunction<T: LossScalar>(
            _ input: Tensor<T>, _ target: Tensor<T>
          ) throws(LossError) -> Tensor<T> {{
            try valueWithGradient(input, target, wrt: .none).value
          }}

          /// The loss and the VJPs of `input` and `target` with `gradOutput`
          /// (ones when nil; shaped like the output).
          public func valueWithGradient<T: LossScalar>(
            _ input: Tensor<T>, _ target: Tensor<T>, gradOutput: Tensor<T>? = nil,
            wrt: GradientRequest = ["input", "target"]
          ) throws(LossError) -> LossValue<T> {{
            try differenceLoss(
              Kernel<T>(), input: input, target: target, reduction: reduction,
              gradOutput: gradOutput, wrt: wrt)
          }}

          struct Kernel<Scalar: LossScalar>: DifferenceKernel {{
            func value(_ d: Scalar) -> Scalar {{ d.magnitude }}
            /// sign(d), 0 at a tie and at NaN (both comparisons false).
            func derivative(_ d: Scalar) -> Scalar {{
              d > 0 ? 1 : (d < 0 ? -1 : 0)
            }}
          }}
        }}
        """)


def swift_adapter(name):
    return textwrap.dedent(f"""\
        import LossCheck

        struct {name}Adapter: ReferenceAdapter {{
          func evaluate<T: LossScalar>(_ call: LossCall, as: T.Type)
            throws(LossError) -> LossValue<T>
          {{
            try {name}(reduction: call.reduction()).valueWithGradient(
              call.input("input", as: T.self), call.input("target", as: T.self),
              gradOutput: call.gradOutput(as: T.self), wrt: call.wrt)
          }}
        }}
        """)


def swift_tests(name):
    return textwrap.dedent(f"""\
        import LossCheck
        import LossCheckTestSupport
        import Testing

        @Suite struct {name}Tests {{
          @Test(arguments: [1, 2, 3] as [UInt64])
          func reductionsAgree(seed: UInt64) {{
            var rng = SeededRandom(seed: seed)
            let x = Tensor<Float>.random([4, 5], using: &rng)
            let t = Tensor<Float>.random([4, 5], using: &rng)
            let problems = reductionProblems(denominator: 20) {{
              r throws(LossError) in
              try {name}(reduction: r)(x, t)
            }}
            #expect(problems.isEmpty, "\\(problems)")
          }}

          @Test(arguments: [Reduction.none, .mean, .sum])
          func gradientsMatchFiniteDifferences(reduction: Reduction) {{
            var rng = SeededRandom(seed: 7)
            let inputs = [
              "input": Tensor<Double>.random([3, 4], using: &rng),
              "target": Tensor<Double>.random([3, 4], using: &rng),
            ]
            let g =
              reduction == .none ? Tensor<Double>.random([3, 4], using: &rng) : nil
            let problems = finiteDifferenceProblems(inputs: inputs, gradOutput: g) {{
              v throws(LossError) in
              try {name}(reduction: reduction).valueWithGradient(
                v["input"] ?? Tensor(0), v["target"] ?? Tensor(0), gradOutput: g)
            }}
            #expect(problems.isEmpty, "\\(problems)")
          }}
        }}
        """)


def doc_page(name):
    return textwrap.dedent(f"""\
        # {name}

        A placeholder written by `scripts/new_loss.py`: ℓ = |x − t|
        elementwise. Replace this page with the loss's own: its PyTorch
        signature, inputs (dtypes, shapes, broadcasting), options, gradient,
        the edges the goldens cover and the errors (see the other pages of
        docs/losses/).

        - **Inputs**: `input` and `target`, floating, of the case dtype;
          their shapes broadcast both ways. Both get gradients.
        - **Options**: `reduction` ∈ {{none, mean, sum}}.
        - **Gradient**: ∂ℓ/∂x = sign(x − t), 0 at a tie and where x − t is
          NaN; ∂ℓ/∂t = −∂ℓ/∂x.
        """)


def benchmark_row(name):
    fill = '{{"shape": [4194304], "fill": "uniform", "range": [-1, 1], "seed": {}}}'
    return (f'    {{"loss": "{name}", "options": {{}}, "wrt": ["input"], "inputs": {{\n'
            f'      "input": {fill.format(1)},\n'
            f'      "target": {fill.format(2)}}}}}')


def losses_array(names, indent="    ", width=78):
    """The "losses" list of golden/spec.json, wrapped as that file has it."""
    lines, line = [], indent
    for i, n in enumerate(names):
        item = json.dumps(n) + ("," if i < len(names) - 1 else "")
        if line.strip() and len(line) + 1 + len(item) > width:
            lines.append(line.rstrip())
            line = indent
        line += ("" if not line.strip() else " ") + item
    lines.append(line.rstrip())
    return "\n".join(lines)


def with_loss_listed(spec_text, name):
    m = re.search(r'("losses": \[\n)(.*?)(\n  \])', spec_text, re.S)
    if not m:
        raise ScaffoldError('golden/spec.json: no "losses": [...] list found')
    names = json.loads("[" + m.group(2) + "]") + [name]
    return spec_text[:m.start(2)] + losses_array(names) + spec_text[m.end(2):]


def with_benchmark_row(text, name):
    end = text.rstrip().rfind("\n  ]")
    if end < 0:
        raise ScaffoldError("golden/benchmark.json: no rows list found")
    new = text[:end] + ",\n" + benchmark_row(name) + text[end:]
    json.loads(new)
    return new


def with_adapter_entry(text, name):
    if ADAPTER_MARKER not in text:
        raise ScaffoldError("Backend.swift: the adapter table's marker comment is missing")
    entry = f'    "{name}": entry({name}Adapter()),\n'
    return text.replace(ADAPTER_MARKER, entry + ADAPTER_MARKER)


def plan(name):
    """{relative path: new text} for every file the scaffold writes."""
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]*Loss", name):
        raise ScaffoldError(f"{name!r}: expected a CamelCase name ending in 'Loss' (e.g. FooLoss)")
    spec = json.loads(read("golden/spec.json"))
    if name in spec.get("losses", []):
        raise ScaffoldError(f"{name} is already in golden/spec.json's losses")
    files = {
        f"golden/spec/{name}.json": spec_entry(name),
        f"scripts/reference/{name}.py": reference(name),
        f"scripts/tests/test_{name}.py": python_test(name),
        f"Sources/LossCheck/Losses/{name}.swift": swift_loss(name),
        f"Sources/LossCheckHarness/Adapters/{name}+Adapter.swift": swift_adapter(name),
        f"Tests/LossCheckTests/{name}Tests.swift": swift_tests(name),
        f"docs/losses/{name}.md": doc_page(name),
    }
    for rel in files:
        if os.path.exists(path(rel)):
            raise ScaffoldError(f"{rel} exists already")
    edits = {
        "golden/spec.json": with_loss_listed(read("golden/spec.json"), name),
        "golden/benchmark.json": with_benchmark_row(read("golden/benchmark.json"), name),
        "Sources/LossCheckHarness/Backend.swift": with_adapter_entry(
            read("Sources/LossCheckHarness/Backend.swift"), name),
    }
    return files, edits


def write(rel, text):
    os.makedirs(os.path.dirname(path(rel)), exist_ok=True)
    with open(path(rel), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def fuzz_seeds(name):
    """One value case and one error case of the new loss's declarations."""
    from reference import core
    from reference.cases import build

    declared = [d.case for d in build(name).declared]
    value = next(c for c in declared if "error" not in c["expected"])
    error = next(c for c in declared if "error" in c["expected"])
    return {f"Tests/FuzzCorpus/seed-{name}-value": core.dumps(value),
            f"Tests/FuzzCorpus/seed-{name}-error": core.dumps(error)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", help="the torch.nn class name, e.g. FooLoss")
    args = ap.parse_args(argv)
    try:
        files, edits = plan(args.name)
    except ScaffoldError as e:
        print(f"new_loss.py: {e}", file=sys.stderr)
        return 2
    for rel, text in {**files, **edits}.items():
        write(rel, text)
    for rel, text in fuzz_seeds(args.name).items():
        write(rel, text)
    for rel in sorted(files) + sorted(edits):
        print(f"wrote {rel}")
    print(f"\nnext: python3 scripts/make_golden.py --loss {args.name} && python3 scripts/make_error_table.py\n"
          f"      swift build && swift run losscheck run --loss {args.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
