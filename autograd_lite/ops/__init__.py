"""Every differentiable op, under numpy's names, and the Tensor operators and methods built on them.

The core defines Tensor without arithmetic so that it depends on nothing; this package
attaches the operators (``+ - * / ** @``, comparisons, indexing) and the array methods.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ..core import Tensor, is_grad_enabled, value
from .elementwise import (
    abs,
    add,
    clip,
    cos,
    divide,
    exp,
    leaky_relu,
    log,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,
    sigmoid,
    sin,
    sqrt,
    subtract,
    tanh,
    where,
)
from .linalg import matmul
from .losses import sigmoid_binary_cross_entropy, softmax_cross_entropy
from .reductions import log_softmax, logsumexp, max, mean, min, softmax, sum
from .shape import (
    astype,
    broadcast_to,
    concatenate,
    expand_dims,
    getitem,
    index_add,
    plain_index,
    reshape,
    squeeze,
    stack,
    transpose,
)

__all__ = [
    "add", "subtract", "multiply", "divide", "negative", "power", "matmul",
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "leaky_relu",
    "maximum", "minimum", "clip", "where",
    "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax",
    "reshape", "transpose", "expand_dims", "squeeze", "broadcast_to", "concatenate", "stack",
    "getitem", "index_add", "astype",
    "softmax_cross_entropy", "sigmoid_binary_cross_entropy",
]  # fmt: skip


# ------------------------------------------------------------------ operators


def _reflected(fn: Any) -> Any:
    def reflected(self: Tensor, other: Any) -> Any:
        return fn(other, self)

    reflected.__name__ = f"r{fn.__name__}"
    return reflected


def _comparison(ufunc: Any) -> Any:
    def compare(self: Tensor, other: Any) -> Tensor:
        return Tensor(ufunc(self.data, value(other)))  # boolean, never differentiable

    return compare


def _setitem(self: Tensor, index: Any, new: Any) -> None:
    if self.requires_grad and is_grad_enabled():
        raise RuntimeError(
            "setitem: in-place assignment into a tensor that requires grad is not differentiable; "
            "build the result with ag.where/ag.concatenate, or assign under ag.no_grad()"
        )
    index = plain_index(index)
    self._write("setitem", new, lambda d, v: d.__setitem__(index, v))


def _reshape_method(self: Tensor, *shape: Any) -> Any:
    return reshape(self, shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape)


def _transpose_method(self: Tensor, *axes: Any) -> Any:
    if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], (int, np.integer))):
        return transpose(self, axes[0])
    return transpose(self, axes or None)


def _swapaxes(self: Tensor, a: int, b: int) -> Any:
    for axis in (a, b):
        if not -self.ndim <= axis < self.ndim:
            raise ValueError(
                f"swapaxes: axis {axis} is out of range for a tensor of shape {self.shape}"
            )
    axes = list(range(self.ndim))
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(self, axes)


_METHODS: dict[str, Any] = {
    "__add__": add, "__radd__": _reflected(add),
    "__sub__": subtract, "__rsub__": _reflected(subtract),
    "__mul__": multiply, "__rmul__": _reflected(multiply),
    "__truediv__": divide, "__rtruediv__": _reflected(divide),
    "__pow__": power, "__rpow__": _reflected(power),
    "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
    "__neg__": negative, "__abs__": abs,
    "__getitem__": getitem, "__setitem__": _setitem,
    "__lt__": _comparison(np.less), "__le__": _comparison(np.less_equal),
    "__gt__": _comparison(np.greater), "__ge__": _comparison(np.greater_equal),
    "__eq__": _comparison(np.equal), "__ne__": _comparison(np.not_equal),
    # methods under numpy's names
    "sum": sum, "mean": mean, "max": max, "min": min, "logsumexp": logsumexp,
    "softmax": softmax, "log_softmax": log_softmax, "exp": exp, "log": log, "sqrt": sqrt,
    "sin": sin, "cos": cos, "tanh": tanh, "sigmoid": sigmoid, "relu": relu, "abs": abs,
    "clip": clip, "expand_dims": expand_dims, "squeeze": squeeze, "broadcast_to": broadcast_to,
    "astype": astype, "matmul": matmul,
    "reshape": _reshape_method, "transpose": _transpose_method, "swapaxes": _swapaxes,
    "T": property(lambda self: transpose(self)),
    "flatten": lambda self: reshape(self, (-1,)),
    "round": lambda self, decimals=0: Tensor(np.round(self.data, decimals)),
}  # fmt: skip


# ------------------------------------------------------------------ numpy interoperability

_UFUNCS: dict[Any, Any] = {
    np.add: add, np.subtract: subtract, np.multiply: multiply, np.true_divide: divide,
    np.negative: negative, np.power: power, np.matmul: matmul, np.exp: exp, np.log: log,
    np.sqrt: sqrt, np.absolute: abs, np.sin: sin, np.cos: cos, np.tanh: tanh,
    np.maximum: maximum, np.minimum: minimum,
}  # fmt: skip
_COMPARISONS = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal}
_FUNCTIONS: dict[Any, Any] = {
    np.sum: sum, np.mean: mean, np.max: max, np.min: min, np.amax: max, np.amin: min,
    np.where: where, np.reshape: reshape, np.transpose: transpose, np.expand_dims: expand_dims,
    np.squeeze: squeeze, np.broadcast_to: broadcast_to, np.concatenate: concatenate,
    np.stack: stack, np.clip: clip,
}  # fmt: skip


def _unwrap(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(i) for i in x)
    return x


def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``ndarray + tensor`` and ``np.exp(tensor)`` give Tensors; other ufuncs give plain arrays."""
    if method == "__call__" and not kwargs:
        if ufunc in _UFUNCS:
            return _UFUNCS[ufunc](*inputs)
        if ufunc in _COMPARISONS:
            return Tensor(ufunc(*_unwrap(inputs)))
    return getattr(ufunc, method)(*_unwrap(inputs), **_unwrap(kwargs))


def _array_function(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """numpy functions with an autograd_lite counterpart use it when the call fits its
    signature (``np.sum(t, axis=0)``); the rest (``np.where(mask)``, ``np.sum(t, dtype=...)``,
    ``np.allclose``) run on the plain arrays and return plain numpy results."""
    fn = _FUNCTIONS.get(func)
    if fn is not None and _fits(fn, args, kwargs):
        return fn(*args, **kwargs)
    return func(*_unwrap(args), **_unwrap(kwargs))


_SIGNATURES: dict[Any, inspect.Signature] = {}


def _fits(fn: Any, args: Any, kwargs: Any) -> bool:
    signature = _SIGNATURES.get(fn) or _SIGNATURES.setdefault(fn, inspect.signature(fn))
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True


_METHODS["__array_ufunc__"] = _array_ufunc
_METHODS["__array_function__"] = _array_function
for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)
