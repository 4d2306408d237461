"""Case tags: words that let a user select or exclude kinds of golden cases.

The vocabulary is golden/spec.json's "tags" list (documented in
docs/TAGS.md), in the order tags are written. Most tags are derived from
the case itself; the rest are declared with the case (`Builder.add(...,
tags=...)`). Only DECLARED tags may be declared.
"""

from __future__ import annotations

import math

from . import golden

# Tags a case declaration states; every other tag is derived.
DECLARED = ("stricter_than_pytorch",)

# Declared where LossCheck answers on purpose what PyTorch does not
# (docs/STRICTER_THAN_PYTORCH.md); the dtype rule there is derived.
STRICTER = ("stricter_than_pytorch",)

_NON_FINITE = ("nan", "inf", "-inf")


def vocabulary():
    """The documented tags, in the order a case lists them."""
    return tuple(golden.spec()["tags"])


def _tensors(case, loss_spec):
    """(name, tensor object) for every tensor input and tensor option."""
    tensor_opts = {o["name"] for o in loss_spec["options"] if o["type"] == "tensor"}
    for k, v in case["inputs"].items():
        if isinstance(v, dict):
            yield k, v
    for k, v in case["options"].items():
        if k in tensor_opts and isinstance(v, dict):
            yield k, v


def _is_non_finite(x):
    if isinstance(x, str):
        return x in _NON_FINITE
    if isinstance(x, float):
        return not math.isfinite(x)
    return False


def _expected_values(expected):
    if "output" in expected:
        yield expected["output"]
    yield from expected.get("grads", {}).values()


def derive(case, loss_spec, smooth):
    """The derived tags of an encoded case (its "expected" included)."""
    tags = set()
    expected = case["expected"]
    if "error" in expected:
        tags.add("error")
    tensors = list(_tensors(case, loss_spec))
    data = [t["data"] for _, t in tensors]
    data += [t["data"] for t in _expected_values(expected)]
    scalars = [v for v in case["inputs"].values() if not isinstance(v, dict)]
    scalars += [v for v in case["options"].values() if not isinstance(v, (dict, list))]
    if any(_is_non_finite(x) for d in data for x in d) or any(_is_non_finite(x) for x in scalars):
        tags.add("non_finite")
    if any(0 in t["shape"] for _, t in tensors):
        tags.add("empty")
    if any(t["shape"] == [] for _, t in tensors):
        tags.add("zero_dim")
    together = set(loss_spec.get("broadcast", ()))
    shapes = {tuple(t["shape"]) for k, t in tensors if k in together}
    named = any(part.startswith("broadcast") for part in case["id"].split("/"))
    if len(shapes) > 1 or named:
        tags.add("broadcast")
    if any(o.get("deprecated") and o["name"] in case["options"] for o in loss_spec["options"]):
        tags.add("deprecated_args")
    if not smooth and "error" not in expected:
        tags.add("non_smooth")
    if _promotes_in_pytorch(case, loss_spec):
        tags.add("stricter_than_pytorch")
    return tags


def _promotes_in_pytorch(case, loss_spec):
    """A floating input (or tensor option) whose dtype is not the case dtype:
    PyTorch promotes and computes, LossCheck answers dtype_mismatch."""
    error = case["expected"].get("error")
    if not error or error["kind"] != "dtype_mismatch":
        return False
    floating = {i["name"] for i in loss_spec["inputs"] if i.get("dtype", "float") == "float"}
    floating |= {o["name"] for o in loss_spec["options"] if o["type"] == "tensor"}
    return any(k in floating and t["dtype"] != case["dtype"] for k, t in _tensors(case, loss_spec))


def check_declared(cid, declared):
    for t in declared:
        if t not in DECLARED:
            raise ValueError(f"{cid}: tag {t!r} is not one a case declares (declared tags: {', '.join(DECLARED)})")


def ordered(tags):
    """The tags in vocabulary order; an unknown tag is an error."""
    vocab = vocabulary()
    unknown = set(tags) - set(vocab)
    if unknown:
        raise ValueError(f"unknown tags {sorted(unknown)} (see docs/TAGS.md)")
    return [t for t in vocab if t in tags]
