"""The spec: golden/spec.json and golden/spec/<Loss>.json, read once."""

from __future__ import annotations

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN_DIR = os.path.join(ROOT, "golden")


def load_spec():
    with open(os.path.join(GOLDEN_DIR, "spec.json")) as f:
        spec = json.load(f)
    spec["loss_specs"] = {}
    spec_dir = os.path.join(GOLDEN_DIR, "spec")
    for name in sorted(os.listdir(spec_dir)):
        if name.endswith(".json"):
            with open(os.path.join(spec_dir, name)) as f:
                ls = json.load(f)
            spec["loss_specs"][ls["loss"]] = ls
    return spec


_SPEC = None


def spec():
    global _SPEC
    if _SPEC is None:
        _SPEC = load_spec()
    return _SPEC


def option_default(loss_spec, name):
    for o in loss_spec["options"]:
        if o["name"] == name:
            return o.get("default")
    raise KeyError(name)
