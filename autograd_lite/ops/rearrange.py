"""Ops that move, flip, roll and repeat elements along axes, under numpy's names and PyTorch's:
flip, roll, rot90, moveaxis, rollaxis, permute, ravel, flatten, atleast_1d/2d/3d, tile,
unsqueeze, clone, and PyTorch's Tensor methods on them (view, expand, repeat, t, mT, ...).

Flip, roll and clone are ops of their own; the rest are reshape, transpose, expand_dims and
broadcast_to, whose gradients (to any order) they inherit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._typing import ArrayLike, Axis, ShapeLike
from ..core import Op, Tensor, apply_unary, value
from .conventions import UNSET
from .declarations import declare, tensor_method
from .reductions import normalize_axes
from .shape import Transpose as _Transpose
from .shape import (
    _array_or_tensor,
    _either,
    _int,
    _ints,
    _permutation,
    _sizes_arg,
    broadcast_to,
    expand_dims,
    reshape,
    swapaxes,
    transpose,
)


def _one_axis(op: str, axis: Any, shape: tuple[int, ...], what: str = "axis") -> int:
    """One axis of ``shape`` as a non-negative int; a clear error for a bad one."""
    return normalize_axes(_int(op, what, axis), len(shape), op, shape)[0]


def _ordered_axes(op: str, axes: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Distinct axes of ``shape`` (an int or a sequence) as non-negative ints, in the given
    order."""
    axes = tuple(axes) if isinstance(axes, (tuple, list)) else (axes,)
    normalize_axes(axes, len(shape), op, shape)  # the checks: ints, in range, no repeats
    return tuple(int(a) % len(shape) for a in axes)


def _at_least(op: str, x: Any, ndim: int) -> Any:
    """``x`` as a Tensor or an array, checked to have at least ``ndim`` dimensions."""
    x = _array_or_tensor(x)
    if x.ndim < ndim:
        raise ValueError(
            f"{op}: needs a tensor of at least {ndim} dimension{'s' * (ndim > 1)}, "
            f"got shape {x.shape}"
        )
    return x


# ------------------------------------------------------------------ flip, roll, clone


class Flip(Op):
    __slots__ = ("axis",)
    reads_inputs = False
    reads_output = False

    def __init__(self, axis: tuple[int, ...]) -> None:
        self.axis = axis

    def forward(self, x):
        return np.flip(x, self.axis)

    def backward(self, g, y, x):
        return apply_unary(Flip(self.axis), g)


class Roll(Op):
    __slots__ = ("shift", "axis")
    reads_inputs = False
    reads_output = False

    def __init__(self, shift: tuple[int, ...], axis: tuple[int, ...] | None) -> None:
        self.shift = shift
        self.axis = axis

    def forward(self, x):
        return np.roll(x, self.shift, self.axis)

    def backward(self, g, y, x):
        return apply_unary(Roll(tuple(-s for s in self.shift), self.axis), g)


class Clone(Op):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return x.copy()

    def backward(self, g, y, x):
        return g


@declare(numpy=np.flip)
def flip(m: ArrayLike, axis: Axis = UNSET, *, dims: Axis = UNSET) -> Any:
    """Reverse the order of the elements along ``axis`` (an int, a tuple, or None for all axes),
    as ``np.flip``; ``dims=`` is PyTorch's name. The method ``x.flip(dims)`` is PyTorch's.

    >>> import autograd_lite as ag
    >>> ag.flip(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    tensor([[2., 1.],
            [4., 3.]], dtype=float32)
    """
    m = _array_or_tensor(m)
    axes: Any = _either("flip", "axis", axis, "dims", dims, None)
    return apply_unary(Flip(normalize_axes(axes, m.ndim, "flip", m.shape)), m)


@tensor_method("flip")
def _flip_method(self: Tensor, *dims: Any) -> Tensor:
    """PyTorch's ``x.flip(0)``, ``x.flip(0, 1)`` or ``x.flip((0, 1))``: the dims are required."""
    if not dims:
        raise TypeError(
            "flip: Tensor.flip takes the dims to flip, as PyTorch's (x.flip(0), x.flip((0, 1))); "
            "ag.flip(x) flips every axis, as numpy's"
        )
    return flip(self, dims=_sizes_arg(dims))


@declare(method=True, numpy=np.fliplr)
def fliplr(m: ArrayLike) -> Any:
    """Reverse the order along axis 1 (left/right), as ``np.fliplr``; needs 2 dimensions."""
    return flip(_at_least("fliplr", m, 2), 1)


@declare(method=True, numpy=np.flipud)
def flipud(m: ArrayLike) -> Any:
    """Reverse the order along axis 0 (up/down), as ``np.flipud``; needs 1 dimension."""
    return flip(_at_least("flipud", m, 1), 0)


@declare(method=True, numpy=np.rot90)
def rot90(m: ArrayLike, k: int = 1, axes: Sequence[int] = UNSET, *, dims: Any = UNSET) -> Any:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (default (0, 1)), from the
    first axis towards the second, as ``np.rot90``; ``dims=`` is PyTorch's name.

    >>> import autograd_lite as ag
    >>> ag.rot90(ag.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 4.],
            [1., 3.]], dtype=float32)
    """
    m = _array_or_tensor(m)
    plane = _either("rot90", "axes", axes, "dims", dims, (0, 1))
    if not isinstance(plane, (tuple, list)) or len(plane) != 2:
        raise ValueError(f"rot90: axes must be two axes, got {plane!r}")
    a, b = _ordered_axes("rot90", plane, m.shape)
    k = _int("rot90", "k", k) % 4
    if k == 2:
        return apply_unary(Flip((a, b)), m)
    perm = list(range(m.ndim))
    perm[a], perm[b] = b, a
    if k == 1:
        return transpose(apply_unary(Flip((b,)), m), perm)
    if k == 3:
        return apply_unary(Flip((b,)), transpose(m, perm))
    return apply_unary(Flip(()), m)  # (a view, as numpy's m[:])


@declare(method=True, numpy=np.roll)
def roll(
    a: ArrayLike,
    shift: ShapeLike = UNSET,
    axis: Axis = UNSET,
    *,
    shifts: ShapeLike = UNSET,
    dims: Axis = UNSET,
) -> Any:
    """Shift elements along ``axis`` cyclically, as ``np.roll`` (``axis=None``: over the
    flattened tensor); PyTorch's names ``shifts=`` and ``dims=`` work too. Shifts along a
    repeated axis add up.

    >>> import autograd_lite as ag
    >>> ag.roll(ag.tensor([1.0, 2.0, 3.0]), 1)
    tensor([3., 1., 2.], dtype=float32)
    """
    a = _array_or_tensor(a)
    shift = _either("roll", "shift", shift, "shifts", shifts, UNSET)
    if shift is UNSET:
        raise TypeError("roll: missing the shift (numpy's shift, PyTorch's shifts)")
    steps = _ints("roll", "shifts", shift if isinstance(shift, (tuple, list)) else (shift,))
    axis = _either("roll", "axis", axis, "dims", dims, None)
    if axis is None:
        return apply_unary(Roll(steps, None), a)
    axes = tuple(
        _one_axis("roll", ax, a.shape)
        for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))
    )
    if len(steps) != len(axes) and 1 not in (len(steps), len(axes)):
        raise ValueError(f"roll: {len(steps)} shifts {steps} for {len(axes)} axes {axes}")
    return apply_unary(Roll(steps, axes), a)


@declare(method=True, numpy=np.copy)
def clone(input: ArrayLike) -> Any:  # noqa: A002 - PyTorch's name
    """A copy, with the gradient of the identity (PyTorch's ``clone``; ``np.copy``)."""
    return apply_unary(Clone(), input)


@tensor_method("contiguous")
def _contiguous(self: Tensor) -> Tensor:
    """The tensor itself (PyTorch's ``contiguous``: nothing to do for autograd_lite)."""
    return self


# ------------------------------------------------------------------ axes moved


@declare(method=True, numpy=np.moveaxis)
def moveaxis(a: ArrayLike, source: Axis, destination: Axis) -> Any:
    """Move axes to new positions, the others keeping their order, as ``np.moveaxis``.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.moveaxis(ag.tensor(np.zeros((2, 3, 4))), 0, -1).shape
    (3, 4, 2)
    """
    a = _array_or_tensor(a)
    src = _ordered_axes("moveaxis", source, a.shape)
    dst = _ordered_axes("moveaxis", destination, a.shape)
    if len(src) != len(dst):
        raise ValueError(
            f"moveaxis: source {source!r} and destination {destination!r} must name as many axes"
        )
    order = [n for n in range(a.ndim) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


@declare(numpy=np.rollaxis)
def rollaxis(a: ArrayLike, axis: int, start: int = 0) -> Any:
    """Move ``axis`` to before position ``start``, as ``np.rollaxis`` (prefer moveaxis)."""
    a = _array_or_tensor(a)
    n = a.ndim
    axis = _one_axis("rollaxis", axis, a.shape)
    start = _int("rollaxis", "start", start)
    if not -n <= start <= n:
        raise ValueError(
            f"rollaxis: start {start} is out of range for a tensor of shape {a.shape} "
            f"(valid: {-n}..{n})"
        )
    start += n if start < 0 else 0  # (numpy's: -1 is before the last axis)
    order = [i for i in range(n) if i != axis]
    order.insert(start - (axis < start), axis)
    return transpose(a, order)


@declare
def permute(input: ArrayLike, dims: Sequence[int]) -> Any:  # noqa: A002 - PyTorch's name
    """The axes in the order ``dims`` (PyTorch's ``permute``; numpy's ``transpose(x, axes)``).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.tensor(np.zeros((2, 3, 4))).permute(2, 0, 1).shape
    (4, 2, 3)
    """
    input = _array_or_tensor(input)
    axes = _permutation("permute", _ints("permute", "dims", dims), input.shape)
    return apply_unary(_Transpose(axes), input)


@tensor_method("permute")
def _permute_method(self: Tensor, *dims: Any) -> Tensor:
    """``x.permute(2, 0, 1)`` or ``x.permute((2, 0, 1))``."""
    return permute(self, _sizes_arg(dims))


@tensor_method("t")
def _t(self: Tensor) -> Tensor:
    """PyTorch's ``t()``: a matrix transposed; 0-d and 1-d tensors as they are."""
    if self.ndim > 2:
        raise ValueError(
            f"t: expects a tensor of at most 2 dimensions, got shape {self.shape}; "
            f"x.mT or x.transpose(-2, -1) transposes a batch of matrices"
        )
    return transpose(self)


@tensor_method("mT", property=True)
def _mT(self: Tensor) -> Tensor:  # noqa: N802 - PyTorch's and numpy's name
    """The last two axes swapped: a batch of matrices transposed."""
    return swapaxes(_at_least("mT", self, 2), -2, -1)


# ------------------------------------------------------------------ reshaping


@declare(method=True, numpy=np.ravel)
def ravel(a: ArrayLike) -> Any:
    """The elements as a 1-D tensor, as ``np.ravel``."""
    return reshape(a, (-1,))


@declare(method=True)
def flatten(input: ArrayLike, start_dim: int = 0, end_dim: int = -1) -> Any:  # noqa: A002
    """Dims ``start_dim`` to ``end_dim`` merged into one, as PyTorch's ``flatten`` (a 0-d
    tensor becomes 1-d). ``x.flatten()`` is numpy's ``ndarray.flatten()`` too.

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.zeros((2, 3, 4)))
    >>> x.flatten().shape, x.flatten(1).shape, ag.flatten(x, 0, 1).shape
    ((24,), (2, 12), (6, 4))
    """
    input = _array_or_tensor(input)
    shape = input.shape or (1,)  # (a 0-d tensor has dim 0, as PyTorch's)
    start = _one_axis("flatten", start_dim, shape, "start_dim")
    end = _one_axis("flatten", end_dim, shape, "end_dim")
    if start > end:
        raise ValueError(
            f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a tensor of "
            f"shape {input.shape}"
        )
    return reshape(input, shape[:start] + (math.prod(shape[start : end + 1]),) + shape[end + 1 :])


@tensor_method("view")
def _view(self: Tensor, *shape: Any) -> Tensor:
    """PyTorch's ``x.view(2, -1)``: ``reshape`` (autograd_lite makes no promise about shared
    memory). ``x.view(dtype)``, reinterpreting the bytes, is refused."""
    if len(shape) == 1 and isinstance(shape[0], (np.dtype, type, str)):
        raise TypeError(
            f"view: x.view(dtype) reinterprets the bytes as another dtype, which autograd_lite "
            f"does not support; x.astype({shape[0]!r}) converts the values"
        )
    return reshape(self, _sizes_arg(shape))


def _atleast(
    arys: tuple[ArrayLike, ...], ndim: int, new_shape: Callable[[tuple[int, ...]], tuple[int, ...]]
) -> Any:
    """numpy's ``atleast_<ndim>d``: inputs with fewer dims reshaped to ``new_shape``; one
    result for one input, else a tuple."""
    out = [
        x if x.ndim >= ndim else reshape(x, new_shape(x.shape)) for x in map(_array_or_tensor, arys)
    ]
    return out[0] if len(out) == 1 else tuple(out)


@declare(numpy=np.atleast_1d)
def atleast_1d(*arys: ArrayLike) -> Any:
    """Each input with at least 1 dimension (0-d becomes shape (1,)), as ``np.atleast_1d``.

    >>> import autograd_lite as ag
    >>> ag.atleast_1d(ag.tensor(2.0))
    tensor([2.], dtype=float32)
    """
    return _atleast(arys, 1, lambda shape: (1,))


@declare(numpy=np.atleast_2d)
def atleast_2d(*arys: ArrayLike) -> Any:
    """Each input with at least 2 dimensions ((n,) becomes (1, n)), as ``np.atleast_2d``."""
    return _atleast(arys, 2, lambda shape: (1, 1, *shape)[-2:])


@declare(numpy=np.atleast_3d)
def atleast_3d(*arys: ArrayLike) -> Any:
    """Each input with at least 3 dimensions (0-d becomes (1, 1, 1), (n,) becomes (1, n, 1),
    (m, n) becomes (m, n, 1)), as ``np.atleast_3d``."""
    return _atleast(
        arys, 3, lambda shape: {0: (1, 1, 1), 1: (1, *shape, 1)}.get(len(shape), (*shape, 1))
    )


@declare(method=True)
def unsqueeze(input: ArrayLike, dim: int) -> Any:  # noqa: A002 - PyTorch's name
    """A new axis of length 1 at ``dim`` (PyTorch's ``unsqueeze``; numpy's ``expand_dims``)."""
    input = _array_or_tensor(input)
    n = input.ndim + 1
    if not -n <= _int("unsqueeze", "dim", dim) < n:
        raise ValueError(
            f"unsqueeze: dim {dim} is out of range for a tensor of shape {input.shape} "
            f"(valid: {-n}..{n - 1})"
        )
    return expand_dims(input, dim)


# ------------------------------------------------------------------ repeating


def _tile(op: str, a: Any, reps: Any) -> Any:
    a = _array_or_tensor(a)
    reps = _ints(op, "repetitions", reps if isinstance(reps, (tuple, list)) else (reps,))
    if any(r < 0 for r in reps):
        raise ValueError(f"{op}: repetitions must be non-negative, got {reps}")
    reps = (1,) * (a.ndim - len(reps)) + reps
    shape = (1,) * (len(reps) - a.ndim) + a.shape
    # each axis n becomes (1, n), broadcast to (r, n), merged into r * n
    spread = reshape(a, tuple(v for n in shape for v in (1, n)))
    spread = broadcast_to(spread, tuple(v for r, n in zip(reps, shape) for v in (r, n)))
    return reshape(spread, tuple(r * n for r, n in zip(reps, shape)))


@declare(numpy=np.tile)
def tile(A: ArrayLike, reps: ShapeLike) -> Any:  # noqa: N803 - numpy's name
    """``A`` repeated ``reps`` times along each axis, as ``np.tile`` (missing leading axes or
    repetitions count as 1). The method ``x.tile(*dims)`` is PyTorch's: the same.

    >>> import autograd_lite as ag
    >>> ag.tile(ag.tensor([1.0, 2.0]), (2, 2))
    tensor([[1., 2., 1., 2.],
            [1., 2., 1., 2.]], dtype=float32)
    """
    return _tile("tile", A, reps)


@tensor_method("tile")
def _tile_method(self: Tensor, *dims: Any) -> Tensor:
    """``x.tile(2, 3)`` or ``x.tile((2, 3))``."""
    return tile(self, _sizes_arg(dims))


@tensor_method("repeat")
def _repeat_method(self: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``x.repeat(2, 3)``: the tensor tiled, one repetition count per dimension at
    least. (numpy's repeat, each element repeated, is the function ``ag.repeat``.)"""
    sizes = _sizes_arg(sizes)
    if len(sizes) < self.ndim:
        raise ValueError(
            f"repeat: {len(sizes)} repetitions {tuple(sizes)} for a tensor of shape "
            f"{self.shape}: give one per dimension at least (x.repeat tiles, as PyTorch's; "
            f"ag.repeat repeats each element, as numpy's)"
        )
    return _tile("repeat", self, sizes)


@tensor_method("expand")
def _expand(self: Tensor, *sizes: Any) -> Tensor:
    """PyTorch's ``x.expand(4, -1, 3)``: broadcast to a larger shape; -1 keeps a size, and new
    dims go in front."""
    sizes = _ints("expand", "sizes", _sizes_arg(sizes))
    lead = len(sizes) - self.ndim
    if lead >= 0:
        shape = sizes[:lead] + tuple(n if s == -1 else s for s, n in zip(sizes[lead:], self.shape))
        if all(s >= 0 for s in shape) and all(
            s == n or n == 1 for s, n in zip(shape[lead:], self.shape)
        ):
            return broadcast_to(self, shape)
    raise ValueError(
        f"expand: cannot expand a tensor of shape {self.shape} to {sizes} (one size per "
        f"dimension at least; only sizes of 1 grow; -1 keeps a size, except in new leading dims)"
    )


@tensor_method("expand_as")
def _expand_as(self: Tensor, other: ArrayLike) -> Tensor:
    """``x.expand(other.shape)``."""
    return _expand(self, np.shape(value(other)))
