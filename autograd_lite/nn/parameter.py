"""``Parameter``: a Tensor that a Module registers as trainable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from autograd_lite.core import Tensor, replayable

__all__ = ["Parameter"]


def _mark_modified(tensors: Iterable[Tensor]) -> None:
    """Record that these tensors' arrays were changed in place (optimiser step, init, load).

    The one hook for in-place writes made by nn and optim: it ticks the core's version
    clock (``Tensor.mark_modified``), so that a backward through a graph that used the
    old values raises instead of returning a wrong gradient.
    """
    for t in tensors:
        t.mark_modified()


@replayable
def _zero_grads(tensors: Iterable[Tensor], set_to_none: bool) -> None:
    """``zero_grad`` of Module and Optimizer: drop the gradients, or zero them in place."""
    for t in tensors:
        if set_to_none:
            t.grad = None
        elif t.grad is not None:
            g = t.grad
            g.op, g.requires_grad = None, False  # detached in place (create_graph), as PyTorch
            g.data[...] = 0.0
            g.mark_modified()  # a graph that read the old values must not backward


class Parameter(Tensor):
    """A leaf Tensor that requires grad and that a :class:`Module` lists in ``parameters()``.

    The array is wrapped without copying (as ``ag.Tensor`` does), unless ``dtype``
    asks for a conversion. Results of ops on a Parameter are plain Tensors.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> w = nn.Parameter(np.zeros((2, 3), dtype=np.float32))
    >>> w.requires_grad, w.is_leaf, w.shape
    (True, True, (2, 3))
    """

    __slots__ = ()

    def __init__(
        self, data: Any, requires_grad: bool = True, dtype: Any = None, name: str | None = None
    ) -> None:
        super().__init__(data, requires_grad=requires_grad, dtype=dtype, name=name)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
