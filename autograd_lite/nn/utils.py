"""Gradient clipping: ``clip_grad_norm_`` and ``clip_grad_value_`` (in place on ``.grad``)."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd_lite.core import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale all gradients together so that their joint norm is at most ``max_norm``.

    The norm is taken over all gradients as if concatenated into one vector
    (``norm_type`` 2 by default, ``inf`` for the largest magnitude). When it exceeds
    ``max_norm``, every gradient is multiplied by ``max_norm / (norm + 1e-6)``, as
    PyTorch does. Returns the norm before clipping.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.zeros(2), requires_grad=True)
    >>> (w * np.array([3.0, 4.0])).sum().backward()
    >>> clip_grad_norm_([w], max_norm=1.0)
    5.0
    >>> np.round(w.grad.data, 4).tolist()
    [0.6, 0.8]
    """
    grad_tensors = _grads(parameters)
    if not grad_tensors:
        return 0.0
    grads = [g.data for g in grad_tensors]
    norm_type = float(norm_type)
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}; "
            "pass error_if_nonfinite=False to clip anyway"
        )
    coef = float(max_norm) / (total + 1e-6)
    if coef < 1.0:
        for g in grad_tensors:
            g.data *= coef
            g.mark_modified()  # a graph that read this gradient's values must not backward
    return total


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]``, in place.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.zeros(3), requires_grad=True)
    >>> (w * np.array([-3.0, 0.5, 2.0])).sum().backward()
    >>> clip_grad_value_([w], 1.0)
    >>> w.grad.data.tolist()
    [-1.0, 0.5, 1.0]
    """
    c = float(clip_value)
    for g in _grads(parameters):
        np.clip(g.data, -c, c, out=g.data)
        g.mark_modified()
