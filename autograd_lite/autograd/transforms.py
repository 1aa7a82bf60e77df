"""HIPS autograd's function transforms: ``elementwise_grad`` and ``value_and_grad``.

They turn a function written with ``ag`` operations into the function that returns its
gradient, as in HIPS autograd (whose ``grad`` transform is not here: ``ag.grad`` is
PyTorch's ``torch.autograd.grad``). Arguments may be numpy arrays, Python numbers or
Tensors. The gradient comes back as the argument came in: a Tensor for a Tensor, a numpy
array otherwise (non-float arguments are taken as float64, numpy's default). They nest:
given a Tensor that requires grad, the result stays differentiable, so
``elementwise_grad(elementwise_grad(f))`` is the second derivative.

>>> import numpy as np
>>> import autograd_lite as ag
>>> d2tanh = ag.elementwise_grad(ag.elementwise_grad(ag.tanh))
>>> d2tanh(np.array([0.5, 1.0])).round(4)      # -2 tanh(x) (1 - tanh(x)**2)
array([-0.7269, -0.6397])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Tensor, enable_grad, grad, value

__all__ = ["elementwise_grad", "value_and_grad"]


def _leaf(arg: Any) -> tuple[Tensor, bool]:
    """The tensor to differentiate with respect to, and whether it came in as a Tensor.
    A Tensor that already requires grad is used as it is, so outer transforms see through."""
    if isinstance(arg, Tensor) and arg.requires_grad:
        return arg, True
    arr = np.asarray(value(arg))
    if arr.dtype.kind != "f":
        arr = arr.astype(np.float64)
    return Tensor(arr, requires_grad=True), isinstance(arg, Tensor)


def _gradients(
    fun: Callable[..., Any], argnum: int | tuple[int, ...], args: Any, kwargs: Any, fn: str
) -> tuple[Any, Any]:
    """(fun's value, its gradients w.r.t. the arguments at ``argnum``), both as they came in."""
    nums = (argnum,) if isinstance(argnum, int) else tuple(argnum)
    args = list(args)
    if any(not -len(args) <= i < len(args) for i in nums):
        raise IndexError(f"{fn}: argnum {argnum} is out of range for {len(args)} arguments")
    # Differentiable results when differentiated from outside (an outer transform).
    nested = any(isinstance(args[i], Tensor) and args[i].requires_grad for i in nums)
    leaves = [_leaf(args[i]) for i in nums]
    for i, (x, _) in zip(nums, leaves):
        args[i] = x
    with enable_grad():
        out = fun(*args, **kwargs)
    if fn == "value_and_grad" and np.size(value(out)) != 1:
        raise TypeError(
            f"value_and_grad: the function must return one element, got shape "
            f"{np.shape(value(out))}; for other outputs use elementwise_grad or "
            f"ag.autograd.functional.jacobian"
        )
    xs = [x for x, _ in leaves]
    if isinstance(out, Tensor) and out.requires_grad:
        ones = np.ones(out.shape, out.dtype)
        gs = grad(out, xs, ones, create_graph=nested, allow_unused=True)
    else:
        gs = (None,) * len(xs)
    results = []
    for (x, as_tensor), g in zip(leaves, gs):
        g = Tensor(np.zeros_like(x.data)) if g is None else g
        results.append(g if as_tensor else g.data)
    out = out if nested or not isinstance(out, Tensor) else out.detach()
    if not any(t for _, t in leaves):
        out = value(out)
    return out, results[0] if isinstance(argnum, int) else tuple(results)


def elementwise_grad(fun: Callable[..., Any], argnum: int | tuple[int, ...] = 0) -> Callable:
    """The function ``x -> d sum(fun(x)) / dx``: the derivative elementwise when ``fun``
    acts elementwise (its Jacobian is diagonal), in one backward pass.

    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> ag.elementwise_grad(lambda x: x ** 3)(np.array([1.0, 2.0]))
    array([ 3., 12.])
    """

    def gradient(*args: Any, **kwargs: Any) -> Any:
        return _gradients(fun, argnum, args, kwargs, "elementwise_grad")[1]

    return gradient


def value_and_grad(fun: Callable[..., Any], argnum: int | tuple[int, ...] = 0) -> Callable:
    """The function returning ``(fun(*args), gradient of fun)`` for a scalar ``fun``.

    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> loss, g = ag.value_and_grad(lambda w: ag.sum(w ** 2))(np.array([1.0, -2.0]))
    >>> float(loss), g
    (5.0, array([ 2., -4.]))
    """

    def both(*args: Any, **kwargs: Any) -> Any:
        return _gradients(fun, argnum, args, kwargs, "value_and_grad")

    return both
