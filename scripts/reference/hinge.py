"""Shared by the hinge losses of this family (MarginRanking, HingeEmbedding,
MultiLabelMargin, MultiMargin): the cases every one of them declares for
the reduction arguments.
"""

from .pointwise import point_name, shape_name  # noqa: F401  (re-exported)


def declare_reduction_cases(b, dtype, base, inputs, grad_wrt, input_dtypes=None):
    """The deprecated size_average/reduce (all four losses have them), the
    'elementwise_mean' alias, and the invalid reductions, on `inputs`."""
    for label, extra in (("size_average=false", {"size_average": False}),
                         ("reduce=false", {"reduce": False}),
                         ("size_average=true/reduce=true", {"size_average": True, "reduce": True}),
                         ("reduction=none/size_average=true", {"reduction": "none", "size_average": True})):
        b.add(f"deprecated/{label}", dtype, dict(base, **extra), inputs, grad_wrt, input_dtypes=input_dtypes)
    b.add("elementwise_mean", dtype, dict(base, reduction="elementwise_mean"), inputs, grad_wrt,
          input_dtypes=input_dtypes)
    for bad in ("batchmean", "foo"):
        b.error(f"error/reduction={bad}", dtype, dict(base, reduction=bad), inputs, "invalid_option", grad_wrt,
                input_dtypes=input_dtypes)


def hinge_mask(z):
    """Where a hinge max(0, z) is active: z > 0 (False at the kink z == 0 and
    at NaN), PyTorch's clamp_min / `if (z > 0)` semantics."""
    return z > 0
