"""Shared by the hinge losses of this family (MarginRanking, HingeEmbedding,
MultiLabelMargin, MultiMargin). The Swift counterpart is
Sources/LossCheck/Losses/Hinge.swift."""

from .difference import point_name, shape_name  # noqa: F401  (re-exported)


def hinge_mask(z):
    """Where a hinge max(0, z) is active: z > 0 (False at the kink z == 0 and
    at NaN), PyTorch's clamp_min / `if (z > 0)` semantics."""
    return z > 0
