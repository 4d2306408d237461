#!/usr/bin/env python3
"""The NumPy reference as an exec backend: the eval protocol of
CASE_SCHEMA.md on standard input and output.

    losscheck run --backend exec:'python3 scripts/backends/numpy_backend.py'

Also importable as a `python:` backend module (`evaluate(case) -> dict`).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from exec_adapter import serve  # noqa: E402
from reference import core, evaluate_case  # noqa: E402


def evaluate(case):
    return json.loads(core.dumps(evaluate_case(case)))


def main():
    serve(evaluate_case, core.dumps)


if __name__ == "__main__":
    main()
