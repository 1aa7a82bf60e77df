"""Gradient clipping (``clip_grad_norm_``, ``clip_grad_value_``, in place on ``.grad``) and
parameters as one flat vector (``parameters_to_vector``, ``vector_to_parameters``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from autograd_lite.core import Tensor, replayable, value
from autograd_lite.nn.parameter import _mark_modified
from autograd_lite.ops import concatenate, reshape

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p.grad for p in params if p.grad is not None]


@replayable
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


@replayable
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


def _parameter_list(fn: str, parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: item {i} is a {type(p).__name__}, expected a Tensor")
    return params


def parameters_to_vector(parameters: Tensor | Iterable[Tensor]) -> Tensor:
    """All parameters flattened and joined into one vector, as PyTorch's.

    The vector is computed from the parameters (its gradient flows back into them);
    the order is that of ``parameters``, each flattened in C order.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> vec = parameters_to_vector(layer.parameters())
    >>> vec.shape, bool(np.array_equal(vec.data[:6], layer.weight.data.ravel()))
    ((8,), True)
    """
    params = _parameter_list("parameters_to_vector", parameters)
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return concatenate([reshape(p, (-1,)) for p in params])


@replayable
def vector_to_parameters(vec: Any, parameters: Tensor | Iterable[Tensor]) -> None:
    """Copy consecutive pieces of the vector ``vec`` into ``parameters``, in place.

    The inverse of :func:`parameters_to_vector`. The values are written into each
    parameter's own array (cast to its dtype), so optimisers holding the parameters
    see them; PyTorch instead makes the parameters views of ``vec``. ``vec`` (a Tensor
    or array) must be 1-D with exactly as many elements as the parameters have; it is
    checked before anything is written. No graph is recorded.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> vector_to_parameters(np.arange(8.0), layer.parameters())
    >>> layer.weight.data.tolist(), layer.bias.data.tolist()
    ([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], [6.0, 7.0])
    """
    params = _parameter_list("vector_to_parameters", parameters)
    flat = np.asarray(value(vec))
    total = sum(p.size for p in params)
    if flat.ndim != 1 or flat.size != total:
        raise ValueError(
            f"vector_to_parameters: expected a vector of {total} elements for the parameters' "
            f"sizes {[p.size for p in params]}, got shape {flat.shape}"
        )
    for p in params:
        if not np.can_cast(flat.dtype, p.dtype, "same_kind"):
            raise TypeError(
                f"vector_to_parameters: cannot write a vector of dtype {flat.dtype} into a "
                f"parameter of dtype {p.dtype}"
            )
    start = 0
    for p in params:
        np.copyto(p.data, flat[start : start + p.size].reshape(p.shape), casting="same_kind")
        start += p.size
    _mark_modified(params)
