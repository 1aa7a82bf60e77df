"""Python's operators and numpy's array protocols on Tensors.

``t + 1``, ``t[i]``, ``t < 0`` call the declared ops; ``np.exp(t)``, ``np.sum(t, axis=0)``,
``ndarray + t`` reach them through ``__array_ufunc__`` and ``__array_function__`` by the
numpy functions each op declared it stands for. A numpy function with no op behind it runs
on the plain arrays; on a tensor that requires grad that is refused when the result is
floating point (it would silently drop the gradient), and allowed otherwise (shapes,
booleans, indices have no gradient to drop).
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Tensor, is_grad_enabled, value
from . import elementwise as E
from . import logic as L
from .declarations import NUMPY, tensor_method
from .linalg import matmul
from .shape import _sizes_arg, getitem, reshape, transpose


def _reflected(fn: Any) -> Any:
    def reflected(self: Tensor, other: ArrayLike) -> Any:
        return fn(other, self)

    reflected.__name__ = reflected.__qualname__ = f"r{fn.__name__}"
    return reflected


def _check_boolean(symbol: str, *xs: ArrayLike) -> None:
    for x in xs:
        dtype = np.asarray(value(x)).dtype
        if dtype != np.bool_:
            raise TypeError(f"{symbol}: defined for boolean tensors only, got dtype {dtype}")


# ``&``, ``|``, ``^``, ``~`` are logical ops on boolean tensors (bitwise ints are not ops).
def _and(a: ArrayLike, b: ArrayLike) -> Any:
    _check_boolean("&", a, b)
    return L.logical_and(a, b)


def _or(a: ArrayLike, b: ArrayLike) -> Any:
    _check_boolean("|", a, b)
    return L.logical_or(a, b)


def _xor(a: ArrayLike, b: ArrayLike) -> Any:
    _check_boolean("^", a, b)
    return L.logical_xor(a, b)


def _invert(x: ArrayLike) -> Any:
    _check_boolean("~", x)
    return L.logical_not(x)


_OPERATORS: dict[str, Any] = {
    "__add__": E.add, "__radd__": _reflected(E.add),
    "__sub__": E.subtract, "__rsub__": _reflected(E.subtract),
    "__mul__": E.multiply, "__rmul__": _reflected(E.multiply),
    "__truediv__": E.divide, "__rtruediv__": _reflected(E.divide),
    "__pow__": E.power, "__rpow__": _reflected(E.power),
    "__mod__": E.remainder, "__rmod__": _reflected(E.remainder),
    "__floordiv__": E.floor_divide, "__rfloordiv__": _reflected(E.floor_divide),
    "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
    "__neg__": E.negative, "__abs__": E.abs, "__getitem__": getitem,
    "__lt__": L.less, "__le__": L.less_equal, "__gt__": L.greater, "__ge__": L.greater_equal,
    "__eq__": L.equal, "__ne__": L.not_equal,
    "__and__": _and, "__rand__": _and, "__or__": _or, "__ror__": _or,
    "__xor__": _xor, "__rxor__": _xor, "__invert__": _invert,
}  # fmt: skip
for _name, _fn in _OPERATORS.items():
    tensor_method(_name)(_fn)


# ------------------------------------------------------------------ methods with numpy's forms


@tensor_method("reshape")
def _reshape_method(self: Tensor, *shape: Any) -> Tensor:
    """``x.reshape(2, 3)`` or ``x.reshape((2, 3))``."""
    return reshape(self, _sizes_arg(shape))


@tensor_method("T", property=True)
def _transposed(self: Tensor) -> Tensor:
    """The axes reversed (``x.transpose()``)."""
    return transpose(self)


# ------------------------------------------------------------------ numpy's array protocols


def _unwrap(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrap(i) for i in x)
    if isinstance(x, dict):
        return {k: _unwrap(v) for k, v in x.items()}
    return x


def _tensors(x: Any) -> list[Tensor]:
    if isinstance(x, Tensor):
        return [x]
    if isinstance(x, (list, tuple)):
        return [t for i in x for t in _tensors(i)]
    if isinstance(x, dict):
        return [t for v in x.values() for t in _tensors(v)]
    return []


def _floating(result: Any) -> bool:
    if isinstance(result, (np.ndarray, np.generic)):
        return result.dtype.kind in "fc"
    if isinstance(result, (list, tuple)):
        return any(_floating(r) for r in result)
    return False


def _plain_numpy(what: str, call: Any, args: Any, kwargs: Any, ours: Any = None) -> Any:
    """Run a numpy function on the plain arrays; refuse a floating result that would silently
    drop the gradient of a tensor that requires grad."""
    tensors = _tensors((args, kwargs))
    result = call(*_unwrap(args), **_unwrap(kwargs))
    if is_grad_enabled() and _floating(result) and any(t.requires_grad for t in tensors):
        why = (
            f"autograd_lite's {ours.__name__} does not take these arguments"
            if ours is not None
            else "autograd_lite has no op for it"
        )
        raise TypeError(
            f"{what} is not supported on tensors that require grad: {why}, and the plain "
            f"numpy result would drop the gradient. Use an ag function, or call it on "
            f"x.detach() if no gradient should flow."
        )
    outs = kwargs.get("out")
    for t in _tensors(outs):
        t.mark_modified()  # numpy wrote into its array
    return result if outs is None else (outs[0] if len(outs) == 1 else outs)


@tensor_method("__array_ufunc__")
def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``np.exp(t)`` and ``ndarray * t`` run the op declared for the ufunc."""
    fn = NUMPY.get(ufunc) if method == "__call__" else None
    if fn is not None and not kwargs:
        return fn(*inputs)
    what = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    return _plain_numpy(what, getattr(ufunc, method), inputs, kwargs, fn)


@tensor_method("__array_function__")
def _array_function(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """``np.sum(t, axis=0)``, ``np.concatenate([t, u])`` run the op declared for the function
    when the call fits its signature."""
    fn = NUMPY.get(func)
    if fn is not None and _fits(fn, args, kwargs):
        return fn(*args, **kwargs)
    return _plain_numpy(f"numpy.{func.__name__}", func, args, kwargs, fn)


_SIGNATURES: dict[Any, inspect.Signature] = {}


def _fits(fn: Any, args: Any, kwargs: Any) -> bool:
    signature = _SIGNATURES.get(fn) or _SIGNATURES.setdefault(fn, inspect.signature(fn))
    try:
        signature.bind(*args, **kwargs)
    except TypeError:
        return False
    return True
