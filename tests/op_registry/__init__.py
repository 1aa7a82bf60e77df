"""The op registry: every public op, how to draw valid inputs for it, and a numpy reference.

``tests/test_ops_properties.py`` runs the same property tests over every entry. To cover a
new op, add an :class:`OpCase` to its family's module here;
``test_every_public_op_is_in_the_registry`` fails until you do.

Inputs are drawn where central differences are trustworthy, by construction: positive
values for log/sqrt/power bases, values away from kinks for abs/relu/clip, lattices that
never tie for maximum/minimum and distinct values for max/min/max_pool2d.
"""

from . import (
    activations,
    elementwise,
    indexing,
    joins,
    linalg,
    logic,
    losses,
    nn,
    rearrange,
    reductions,
    shape,
    special,
)
from .common import OpCase

REGISTRY: list[OpCase] = [
    *elementwise.CASES,
    *linalg.CASES,
    *reductions.CASES,
    *shape.CASES,
    *rearrange.CASES,
    *joins.CASES,
    *indexing.CASES,
    *losses.CASES,
    *logic.CASES,
    *activations.CASES,
    *nn.CASES,
    *special.CASES,
]

__all__ = ["REGISTRY", "OpCase"]
