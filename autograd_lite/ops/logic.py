"""Comparisons and tests of values: boolean results, never differentiable.

They are ops all the same (not plain numpy calls on ``.data``), so that everything computed
from a tensor's values is an op application that the engine, the graph drawings and
``ag.jit`` can see.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Op, apply_nondifferentiable
from .declarations import declare
from .elementwise import _Binary


class _Predicate(Op):
    """A numpy ufunc of one input with a boolean result."""

    __slots__ = ()
    ufunc: Any = None

    def forward(self, x: Any) -> Any:
        return self.ufunc(x)


class Less(_Binary):
    __slots__ = ()
    ufunc = np.less


class LessEqual(_Binary):
    __slots__ = ()
    name = "less_equal"
    ufunc = np.less_equal


class Greater(_Binary):
    __slots__ = ()
    ufunc = np.greater


class GreaterEqual(_Binary):
    __slots__ = ()
    name = "greater_equal"
    ufunc = np.greater_equal


class Equal(_Binary):
    __slots__ = ()
    ufunc = np.equal


class NotEqual(_Binary):
    __slots__ = ()
    name = "not_equal"
    ufunc = np.not_equal


class LogicalAnd(_Binary):
    __slots__ = ()
    name = "logical_and"
    ufunc = np.logical_and


class LogicalOr(_Binary):
    __slots__ = ()
    name = "logical_or"
    ufunc = np.logical_or


class LogicalXor(_Binary):
    __slots__ = ()
    name = "logical_xor"
    ufunc = np.logical_xor


class LogicalNot(_Predicate):
    __slots__ = ()
    name = "logical_not"
    ufunc = np.logical_not


class Isnan(_Predicate):
    __slots__ = ()
    ufunc = np.isnan


class Isfinite(_Predicate):
    __slots__ = ()
    ufunc = np.isfinite


class Isinf(_Predicate):
    __slots__ = ()
    ufunc = np.isinf


@declare(numpy=np.less)
def less(a: ArrayLike, b: ArrayLike) -> Any:
    """``a < b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(Less(), a, b)


@declare(numpy=np.less_equal)
def less_equal(a: ArrayLike, b: ArrayLike) -> Any:
    """``a <= b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(LessEqual(), a, b)


@declare(numpy=np.greater)
def greater(a: ArrayLike, b: ArrayLike) -> Any:
    """``a > b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(Greater(), a, b)


@declare(numpy=np.greater_equal)
def greater_equal(a: ArrayLike, b: ArrayLike) -> Any:
    """``a >= b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(GreaterEqual(), a, b)


@declare(numpy=np.equal)
def equal(a: ArrayLike, b: ArrayLike) -> Any:
    """``a == b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(Equal(), a, b)


@declare(numpy=np.not_equal)
def not_equal(a: ArrayLike, b: ArrayLike) -> Any:
    """``a != b`` elementwise (boolean, no gradient)."""
    return apply_nondifferentiable(NotEqual(), a, b)


@declare(numpy=np.logical_and)
def logical_and(a: ArrayLike, b: ArrayLike) -> Any:
    """Elementwise ``a and b`` (``&`` on boolean tensors)."""
    return apply_nondifferentiable(LogicalAnd(), a, b)


@declare(numpy=np.logical_or)
def logical_or(a: ArrayLike, b: ArrayLike) -> Any:
    """Elementwise ``a or b`` (``|`` on boolean tensors)."""
    return apply_nondifferentiable(LogicalOr(), a, b)


@declare(numpy=np.logical_xor)
def logical_xor(a: ArrayLike, b: ArrayLike) -> Any:
    """Elementwise ``a xor b`` (``^`` on boolean tensors)."""
    return apply_nondifferentiable(LogicalXor(), a, b)


@declare(numpy=np.logical_not)
def logical_not(x: ArrayLike) -> Any:
    """Elementwise ``not x`` (``~`` on boolean tensors)."""
    return apply_nondifferentiable(LogicalNot(), x)


@declare(method=True, numpy=np.isnan)
def isnan(x: ArrayLike) -> Any:
    """True where ``x`` is NaN."""
    return apply_nondifferentiable(Isnan(), x)


@declare(method=True, numpy=np.isfinite)
def isfinite(x: ArrayLike) -> Any:
    """True where ``x`` is neither NaN nor infinite."""
    return apply_nondifferentiable(Isfinite(), x)


@declare(method=True, numpy=np.isinf)
def isinf(x: ArrayLike) -> Any:
    """True where ``x`` is +inf or -inf."""
    return apply_nondifferentiable(Isinf(), x)
