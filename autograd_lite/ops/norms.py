"""Norms: ``ag.linalg.norm`` (numpy's), ``ag.linalg.vector_norm`` and ``ag.linalg.matrix_norm``
(numpy 2's and PyTorch's), and PyTorch's method ``x.norm(p, dim, keepdim)``.

Where a norm has no derivative, the gradient is PyTorch's subgradient: 0 at a zero vector
(every order), ``sign(x)`` for the 1-norm, and ties of the max/min norms share the gradient
equally.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import ArrayLike, Axis
from ..core import Op, Tensor, apply_unary, value
from .conventions import UNSET, pick
from .declarations import declare, tensor_method
from .decompositions import svdvals
from .elementwise import abs, where
from .linalg import _array, _axis, _move_to_end
from .reductions import _kept_shape, max, min, normalize_axes, sum
from .shape import astype, broadcast_to, reshape


def _sign(x: Any) -> Any:
    """-1, 0 or 1, built from comparisons on ``x`` (ops on a Tensor; no gradient)."""
    dtype = value(x).dtype
    return astype(x > 0, dtype) - astype(x < 0, dtype)


def _check_ord(op: str, ord: Any) -> float:
    if ord is None:  # numpy's default: the 2-norm
        return 2.0
    if isinstance(ord, (bool, str)) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise ValueError(
            f"{op}: invalid norm order {ord!r} for vectors; expected a number (0, 1, 2, inf, "
            f"-inf or any p)"
        )
    return float(ord)


class VectorNorm(Op):
    """``sum(|x|^ord)^(1/ord)`` over ``axis`` (0: the count of non-zeros; inf/-inf: max/min of
    ``|x|``), with PyTorch's gradients (norm_backward in FunctionsManual.cpp)."""

    __slots__ = ("ord", "axis", "keepdims", "_axes")
    name = "vector_norm"

    def __init__(self, ord: float, axis: Axis, keepdims: bool) -> None:
        self.ord = ord
        self.axis = axis
        self.keepdims = bool(keepdims)

    def forward(self, x):
        self._axes = normalize_axes(self.axis, x.ndim, self.name, x.shape)
        return np.linalg.vector_norm(x, axis=self._axes, keepdims=self.keepdims, ord=self.ord)

    def backward(self, g, y, x):
        if not self.keepdims:
            kept = _kept_shape(x.shape, self._axes)
            g, y = g.reshape(kept), y.reshape(kept)
        p = self.ord
        if p == 0:
            return broadcast_to(g * 0, x.shape)
        if p == 1:
            return g * _sign(x)
        if p == 2:
            return g * x / where(y == 0, 1, y)
        if np.isinf(p):  # max/min of |x|: ties share the gradient
            hit = astype(abs(x) == y, value(x).dtype)
            return g * _sign(x) * hit / sum(hit, axis=self._axes, keepdims=True)
        nonzero = x != 0
        if p < 1:  # |x|^(p-1) is infinite at 0; PyTorch masks it to 0 there
            power = where(nonzero, where(nonzero, abs(x), 1) ** (p - 1), 0)
            return g * _sign(x) * power * y ** (1 - p)
        return g * _sign(x) * abs(x) ** (p - 1) / where(y == 0, 1, y) ** (p - 1)


def _vector_norm(op: str, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    x = _array(x, op)
    normalize_axes(axis, x.ndim, op, x.shape)  # (errors name the function called)
    return apply_unary(VectorNorm(_check_ord(op, ord), axis, keepdims), x)


def _matrix_norm(op: str, x: Any, ord: Any, axis: Any, keepdims: bool) -> Any:
    x = _array(x, op)
    if not isinstance(axis, (tuple, list)) or len(axis) != 2:
        raise ValueError(f"{op}: a matrix norm needs axis as a pair of axes, got {axis!r}")
    if x.ndim < 2:
        raise ValueError(f"{op}: a matrix norm needs at least 2 dimensions, got shape {x.shape}")
    r, c = (_axis(op, a, x.ndim, x.shape) for a in axis)
    if r == c:
        raise ValueError(f"{op}: repeated axis in {tuple(axis)}")
    ord = _matrix_ord(op, ord)
    if ord == "fro":
        return _vector_norm(op, x, 2, (r, c), keepdims)
    kept = _kept_shape(x.shape, (r, c))
    if ord in ("nuc", 2, -2):  # from the singular values
        s = svdvals(_move_to_end(x, [r, c]))
        out = sum(s, axis=-1) if ord == "nuc" else (max if ord == 2 else min)(s, axis=-1)
        return reshape(out, kept) if keepdims else out
    # 1: the largest column sum of |x|; inf: the largest row sum (-1, -inf: the smallest)
    over, across = (r, c) if ord in (1, -1) else (c, r)
    extreme = max if ord > 0 else min
    out = extreme(sum(abs(x), axis=over, keepdims=True), axis=across, keepdims=True)
    if keepdims:
        return out
    return reshape(out, tuple(n for i, n in enumerate(x.shape) if i not in (r, c)))


def _matrix_ord(op: str, ord: Any) -> Any:
    if ord is None:  # numpy's default: Frobenius
        return "fro"
    if isinstance(ord, str) and ord in ("fro", "nuc"):
        return ord
    number = isinstance(ord, (int, float, np.integer, np.floating)) and not isinstance(ord, bool)
    if number and ord in (1, -1, 2, -2, np.inf, -np.inf):
        return ord
    raise ValueError(
        f"{op}: invalid norm order {ord!r} for matrices; expected 'fro', 'nuc', 1, -1, 2, -2, "
        f"inf or -inf"
    )


def _resolve(op: str, axis: Any, dim: Any, keepdims: Any, keepdim: Any) -> tuple[Any, bool]:
    axis = pick(op, "axis", axis, "dim", dim)
    keepdims = pick(op, "keepdims", keepdims, "keepdim", keepdim)
    return (None if axis is UNSET else axis), (False if keepdims is UNSET else bool(keepdims))


@declare(namespace="linalg", family="linalg", numpy=np.linalg.norm)
def norm(
    x: ArrayLike,
    ord: Any = None,
    axis: Axis = UNSET,
    keepdims: bool = UNSET,
    *,
    dim: Axis = UNSET,
    keepdim: bool = UNSET,
) -> Any:
    """A vector or matrix norm, as ``np.linalg.norm``.

    ``axis`` None (default): the 2-norm of all elements when ``ord`` is None, else ``x`` must
    be 1-D (a vector norm) or 2-D (a matrix norm). An int ``axis``: vector norms along it
    (``ord`` None/2, 1, inf, -inf, 0 or any p); a pair: matrix norms over those axes
    (``ord`` None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf). ``keepdims`` keeps the reduced
    axes. PyTorch's ``dim=``/``keepdim=`` are the same arguments (``torch.linalg.norm`` has
    numpy's semantics). At a zero vector the gradient is 0, as in PyTorch.

    >>> import numpy as np, autograd_lite as ag
    >>> float(ag.linalg.norm(np.array([3.0, 4.0])))
    5.0
    >>> float(ag.linalg.norm(np.array([[1.0, -2.0], [3.0, 4.0]]), ord=1))
    6.0
    """
    axis, keepdims = _resolve("norm", axis, dim, keepdims, keepdim)
    x = _array(x, "norm")
    if axis is None:
        if ord is None:
            return _vector_norm("norm", x, 2, None, keepdims)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"norm: with ord={ord!r} and no axis, x must be 1-D or 2-D, got shape {x.shape}"
            )
        axis = tuple(range(x.ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if len(axes) == 1:
        return _vector_norm("norm", x, 2 if ord is None else ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm("norm", x, "fro" if ord is None else ord, axes, keepdims)
    raise ValueError(f"norm: axis must name 1 or 2 axes, got {axis!r}")


@declare(namespace="linalg", family="linalg", numpy=np.linalg.vector_norm)
def vector_norm(
    x: ArrayLike,
    ord: float = 2,
    axis: Axis = UNSET,
    keepdims: bool = UNSET,
    *,
    dim: Axis = UNSET,
    keepdim: bool = UNSET,
) -> Any:
    """The vector ``ord``-norm over ``axis`` (None: all elements; a tuple: those axes as one
    vector), as numpy 2's ``np.linalg.vector_norm`` and ``torch.linalg.vector_norm``
    (``dim=``/``keepdim=``). ``ord``: any number; 0 counts non-zeros, inf/-inf take the
    max/min of ``|x|``. Gradients as PyTorch's (0 at a zero vector).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.vector_norm(np.array([[3.0, 4.0], [0.0, 1.0]]), axis=1)
    array([5., 1.])
    """
    axis, keepdims = _resolve("vector_norm", axis, dim, keepdims, keepdim)
    return _vector_norm("vector_norm", x, ord, axis, keepdims)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.matrix_norm)
def matrix_norm(
    x: ArrayLike,
    ord: Any = "fro",
    axis: tuple[int, int] = UNSET,
    keepdims: bool = UNSET,
    *,
    dim: tuple[int, int] = UNSET,
    keepdim: bool = UNSET,
) -> Any:
    """The matrix ``ord``-norm of the matrices over ``axis`` (default the last two), as numpy
    2's ``np.linalg.matrix_norm`` and ``torch.linalg.matrix_norm`` (``dim=``/``keepdim=``):
    'fro', 'nuc', 1/-1 (max/min column sum of ``|x|``), 2/-2 (max/min singular value),
    inf/-inf (max/min row sum).

    >>> import numpy as np, autograd_lite as ag
    >>> float(ag.linalg.matrix_norm(np.diag([3.0, -4.0]), ord="nuc"))
    7.0
    """
    axis, keepdims = _resolve("matrix_norm", axis, dim, keepdims, keepdim)
    return _matrix_norm("matrix_norm", x, ord, (-2, -1) if axis is None else axis, keepdims)


@tensor_method("norm")
def _norm_method(self: Tensor, p: Any = "fro", dim: Axis = None, keepdim: bool = False) -> Any:
    """PyTorch's ``x.norm(p="fro", dim=None, keepdim=False)``: the 2-norm of all elements (or
    over ``dim``) for "fro" or None, 'nuc' for the nuclear norm of a matrix, and for a number
    ``p`` the vector p-norm of all elements or over ``dim`` -- also for a matrix, unlike
    ``ag.linalg.norm(x, 2)``, which is numpy's spectral norm."""
    if isinstance(p, str):
        dims = dim if isinstance(dim, (tuple, list)) else None
        if p == "fro" and (dims is None or len(dims) <= 2):
            return _vector_norm("norm", self, 2, dim, keepdim)
        axes = tuple(range(self.ndim)) if dim is None else dim
        return _matrix_norm("norm", self, p, axes, keepdim)
    return _vector_norm("norm", self, 2 if p is None else p, dim, keepdim)
