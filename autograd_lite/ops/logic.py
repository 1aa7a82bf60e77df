"""Comparisons and tests of values: boolean results, never differentiable.

They are ops all the same (not plain numpy calls on ``.data``), so that everything computed
from a tensor's values is an op application that the engine, the graph drawings and
``ag.jit`` can see.
"""

from __future__ import annotations

from typing import Any, TypeVar

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


_OpT = TypeVar("_OpT", bound=Op)


def _op(base: type[_OpT], ufunc: Any) -> type[_OpT]:
    """The op class of ``base`` on numpy's ``ufunc``, under numpy's name: ``LessEqual``, whose
    ``name`` is ``"less_equal"``."""
    name = ufunc.__name__
    class_name = "".join(word.title() for word in name.split("_"))
    return type(class_name, (base,), {"__slots__": (), "name": name, "ufunc": ufunc})


Less = _op(_Binary, np.less)
LessEqual = _op(_Binary, np.less_equal)
Greater = _op(_Binary, np.greater)
GreaterEqual = _op(_Binary, np.greater_equal)
Equal = _op(_Binary, np.equal)
NotEqual = _op(_Binary, np.not_equal)
LogicalAnd = _op(_Binary, np.logical_and)
LogicalOr = _op(_Binary, np.logical_or)
LogicalXor = _op(_Binary, np.logical_xor)
LogicalNot = _op(_Predicate, np.logical_not)
Isnan = _op(_Predicate, np.isnan)
Isfinite = _op(_Predicate, np.isfinite)
Isinf = _op(_Predicate, np.isinf)


def _named(fn: Any, op: type[Op], doc: str) -> Any:
    fn.__name__ = fn.__qualname__ = op.name
    fn.__doc__ = doc
    return fn


def _binary(op: type[_Binary], doc: str) -> Any:
    """Declare ``op``'s function of two inputs, under the ufunc's name (no gradient)."""

    def apply(a: ArrayLike, b: ArrayLike) -> Any:
        return apply_nondifferentiable(op(), a, b)

    return declare(numpy=op.ufunc)(_named(apply, op, doc))


def _unary(op: type[_Predicate], doc: str, method: bool = False) -> Any:
    """Declare ``op``'s function of one input (and the Tensor method, if ``method``)."""

    def apply(x: ArrayLike) -> Any:
        return apply_nondifferentiable(op(), x)

    return declare(method=method, numpy=op.ufunc)(_named(apply, op, doc))


less = _binary(Less, "``a < b`` elementwise (boolean, no gradient).")
less_equal = _binary(LessEqual, "``a <= b`` elementwise (boolean, no gradient).")
greater = _binary(Greater, "``a > b`` elementwise (boolean, no gradient).")
greater_equal = _binary(GreaterEqual, "``a >= b`` elementwise (boolean, no gradient).")
equal = _binary(Equal, "``a == b`` elementwise (boolean, no gradient).")
not_equal = _binary(NotEqual, "``a != b`` elementwise (boolean, no gradient).")
logical_and = _binary(LogicalAnd, "Elementwise ``a and b`` (``&`` on boolean tensors).")
logical_or = _binary(LogicalOr, "Elementwise ``a or b`` (``|`` on boolean tensors).")
logical_xor = _binary(LogicalXor, "Elementwise ``a xor b`` (``^`` on boolean tensors).")
logical_not = _unary(LogicalNot, "Elementwise ``not x`` (``~`` on boolean tensors).")
isnan = _unary(Isnan, "True where ``x`` is NaN.", method=True)
isfinite = _unary(Isfinite, "True where ``x`` is neither NaN nor infinite.", method=True)
isinf = _unary(Isinf, "True where ``x`` is +inf or -inf.", method=True)
