"""In-place writes into a tensor's array: ``t.add_(x)``, ``t[i] = v``, ``t += x``, ...

Each one refuses a tensor whose gradient it would break, writes with numpy, and ticks the
core's write clock (``mark_modified``), so a graph that saved the old values refuses to
backward instead of giving a wrong gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Tensor, is_grad_enabled, replayable, value
from .declarations import tensor_method
from .elementwise import add, divide, multiply, subtract
from .shape import plain_index


@replayable
def write_in_place(
    t: Tensor, what: str, new: Any, write: Callable[[np.ndarray, Any], Any]
) -> Tensor:
    """Run ``write(t.data, new)`` after the checks, and mark ``t`` modified."""
    if t.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{what}: in-place change of a tensor that requires grad is not differentiable; "
            f"do it under ag.no_grad() (e.g. a parameter update) or build a new tensor"
        )
    if isinstance(new, Tensor) and new.requires_grad and is_grad_enabled():
        raise RuntimeError(
            f"{what}: the value requires grad, and writing it into a tensor in place would "
            f"drop its gradient; build the result with ag.where or ag.concatenate instead"
        )
    new = value(new)
    try:
        write(t.data, new)
    except IndexError as e:
        raise IndexError(f"{what}: bad index for a tensor of shape {t.shape}: {e}") from None
    except (ValueError, TypeError) as e:
        got = np.asarray(new)
        raise (TypeError if isinstance(e, TypeError) else ValueError)(
            f"{what}: cannot write a value of shape {got.shape} and dtype {got.dtype} into "
            f"a tensor of shape {t.shape} and dtype {t.dtype} ({e})"
        ) from None
    t.mark_modified()
    return t


def _ufunc_in_place(ufunc: Any, alpha: float = 1) -> Callable[[np.ndarray, Any], Any]:
    if alpha != 1:  # scaled inside the write, so that a replay under ag.jit scales new values
        return lambda d, o: ufunc(d, np.multiply(o, alpha), out=d, casting="same_kind")
    return lambda d, o: ufunc(d, o, out=d, casting="same_kind")


_ADD, _SUB = _ufunc_in_place(np.add), _ufunc_in_place(np.subtract)
_MUL, _DIV = _ufunc_in_place(np.multiply), _ufunc_in_place(np.true_divide)


@tensor_method("add_")
def add_(self: Tensor, other: ArrayLike, *, alpha: float = 1) -> Tensor:
    """In place ``self += alpha * other`` (broadcast to this tensor's shape), as PyTorch."""
    write = _ADD if alpha == 1 else _ufunc_in_place(np.add, alpha)
    return write_in_place(self, "add_", other, write)


@tensor_method("sub_")
def sub_(self: Tensor, other: ArrayLike, *, alpha: float = 1) -> Tensor:
    """In place ``self -= alpha * other``."""
    write = _SUB if alpha == 1 else _ufunc_in_place(np.subtract, alpha)
    return write_in_place(self, "sub_", other, write)


@tensor_method("mul_")
def mul_(self: Tensor, other: ArrayLike) -> Tensor:
    """In place ``self *= other``."""
    return write_in_place(self, "mul_", other, _MUL)


@tensor_method("div_")
def div_(self: Tensor, other: ArrayLike) -> Tensor:
    """In place ``self /= other``."""
    return write_in_place(self, "div_", other, _DIV)


@tensor_method("fill_")
def fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value``."""
    return write_in_place(self, "fill_", value, lambda d, v: d.fill(v))


@tensor_method("zero_")
def zero_(self: Tensor) -> Tensor:
    """Set every element to 0."""
    return write_in_place(self, "zero_", 0, lambda d, v: d.fill(v))


@tensor_method("copy_")
def copy_(self: Tensor, src: ArrayLike) -> Tensor:
    """Copy ``src`` (broadcast to this shape) into this tensor."""
    return write_in_place(self, "copy_", src, lambda d, v: np.copyto(d, v, casting="same_kind"))


@tensor_method("__setitem__")
def _setitem(self: Tensor, index: Any, new: ArrayLike) -> None:
    if self.requires_grad and is_grad_enabled():
        raise RuntimeError(
            "setitem: in-place assignment into a tensor that requires grad is not differentiable; "
            "build the result with ag.where/ag.concatenate, or assign under ag.no_grad()"
        )
    index = plain_index(index)
    write_in_place(self, "setitem", new, lambda d, v: d.__setitem__(index, v))


def _augmented(symbol: str, op: Callable[[Any, Any], Any], write: Any) -> Any:
    """``t += x``: in place, as numpy and PyTorch do — unless the result belongs to a graph
    (``t`` or ``x`` requires grad, grad mode on): then a leaf ``t`` that requires grad is
    refused, as PyTorch refuses it, and otherwise ``t`` is rebound to a new result (this engine
    does not differentiate in-place writes), so that ``total += loss`` sums differentiably."""

    def augmented(self: Tensor, other: ArrayLike) -> Tensor:
        if is_grad_enabled() and (
            self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)
        ):
            if self.requires_grad and self.is_leaf:
                raise RuntimeError(
                    f"{symbol}: a leaf tensor that requires grad cannot be changed in place; "
                    f"do it under ag.no_grad() (e.g. a parameter update)"
                )
            return op(self, other)
        return write_in_place(self, symbol, other, write)

    augmented.__name__ = augmented.__qualname__ = f"__i{op.__name__}__"
    return augmented


for _name, _symbol, _op, _write in (
    ("__iadd__", "+=", add, _ADD),
    ("__isub__", "-=", subtract, _SUB),
    ("__imul__", "*=", multiply, _MUL),
    ("__itruediv__", "/=", divide, _DIV),
):
    tensor_method(_name)(_augmented(_symbol, _op, _write))


@tensor_method("requires_grad_")
def requires_grad_(self: Tensor, requires_grad: bool = True) -> Tensor:
    """Set ``requires_grad`` in place and return the tensor (PyTorch's)."""
    self.requires_grad = requires_grad
    return self
