"""``ag.autograd.backward``: backward from several outputs at once (``torch.autograd.backward``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core import Tensor
from ..core import engine as _engine

__all__ = ["backward"]


def backward(
    tensors: Tensor | Sequence[Tensor],
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Tensor | Sequence[Tensor] | None = None,
) -> None:
    """Accumulate the gradients of ``tensors`` into the leaves' ``.grad``, in one pass.

    Equivalent to ``sum(t * g for t, g in zip(tensors, grad_tensors)).backward()``: shared
    parts of the graph are walked once. ``grad_tensors`` holds one upstream gradient per
    tensor (None for a one-element tensor means 1); ``grad_variables`` is its old name.
    With ``inputs``, only those tensors' ``.grad`` is accumulated into.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> ag.autograd.backward([x.sum(), (x * x).sum()])
    >>> x.grad
    tensor([3., 5.], dtype=float32)
    """
    if grad_variables is not None:
        if grad_tensors is not None:
            raise TypeError("backward: pass grad_tensors or grad_variables, not both")
        grad_tensors = grad_variables
    roots: tuple[Any, ...] = tuple(tensors) if isinstance(tensors, list | tuple) else (tensors,)
    for i, t in enumerate(roots):
        if not isinstance(t, Tensor):
            raise TypeError(f"backward: tensors[{i}] is a {type(t).__name__}, expected a Tensor")
    if grad_tensors is None:
        grads: tuple[Any, ...] = (None,) * len(roots)
    else:
        grads = tuple(grad_tensors) if isinstance(grad_tensors, list | tuple) else (grad_tensors,)
    if len(grads) != len(roots):
        raise ValueError(f"backward: {len(grads)} grad_tensors for {len(roots)} tensors")
    keep = create_graph if retain_graph is None else retain_graph
    _engine.backward(roots, grads, keep or create_graph, create_graph, inputs)
