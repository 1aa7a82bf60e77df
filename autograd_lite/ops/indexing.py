"""Picking elements by index, under numpy's names and PyTorch's: take, take_along_axis,
repeat, gather, index_select, narrow, scatter_add, masked_fill; and what is built on slices
and index arrays: pad, diff.

Each is ``getitem`` (whose backward adds the gradient back at the indices, repeats
accumulating), ``index_add`` (getitem's adjoint), ``where`` or ``subtract`` on an index
computed from the arguments, never from the values: their gradients are those ops', to any
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Tensor
from ..core import value as _value
from .conventions import UNSET
from .declarations import declare
from .elementwise import add, subtract, where
from .rearrange import _one_axis, ravel
from .shape import (
    _array_or_tensor,
    _concatenated,
    _either,
    _int,
    astype,
    broadcast_to,
    getitem,
    index_add,
)


def _indices(op: str, indices: Any) -> np.ndarray:
    """Integer indices as an array of their own (a copy: later changes cannot move gradients)."""
    idx = np.array(_value(indices))
    if idx.size == 0:
        return idx.astype(np.intp)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{op}: indices must be integers, got dtype {idx.dtype}")
    return idx


def _check_bounds(
    op: str, idx: np.ndarray, axis: int, shape: tuple[int, ...], negative: bool
) -> None:
    """Every index within axis ``axis`` of ``shape`` (from -n when ``negative``, as numpy's;
    PyTorch's gather/index_select/scatter_add take 0..n-1)."""
    n = shape[axis]
    low = -n if negative else 0
    bad = idx[(idx < low) | (idx >= n)]
    if bad.size:
        raise IndexError(
            f"{op}: index {bad.flat[0]} is out of bounds for axis {axis} of a tensor of shape "
            f"{shape} (valid: {low}..{n - 1})"
        )


def _along(idx: np.ndarray, axis: int, sides: Sequence[int]) -> tuple[np.ndarray, ...]:
    """The advanced index that picks ``idx`` along ``axis`` and keeps every other position:
    ``aranges`` of ``sides`` broadcast against ``idx`` (numpy's take_along_axis)."""
    n = idx.ndim
    return tuple(
        idx if d == axis else np.arange(s).reshape((1,) * d + (s,) + (1,) * (n - d - 1))
        for d, s in enumerate(sides)
    )


@declare(method=True, numpy=np.take)
def take(a: ArrayLike, indices: Any, axis: int | None = None, *, mode: str = "raise") -> Any:
    """Elements at ``indices`` along ``axis`` (of the flattened tensor when None), as
    ``np.take`` (PyTorch's ``take`` is ``axis=None``). Only ``mode="raise"``.

    >>> import autograd_lite as ag
    >>> ag.take(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), [3, 0])
    tensor([4., 1.], dtype=float32)
    """
    if mode != "raise":
        raise ValueError(f"take: only mode='raise' is supported, got mode={mode!r}")
    x = _array_or_tensor(a)
    idx = _indices("take", indices)
    if axis is None:
        x, axis = ravel(x), 0
    axis = _one_axis("take", axis, x.shape)
    _check_bounds("take", idx, axis, x.shape, negative=True)
    return getitem(x, (slice(None),) * axis + (idx,))


@declare(numpy=np.take_along_axis)
def take_along_axis(arr: ArrayLike, indices: Any, axis: int | None = -1) -> Any:
    """Pick along ``axis`` by an index array with as many dimensions (broadcasting against
    ``arr`` elsewhere), as ``np.take_along_axis``: the gather of argsort's and argmax's results.

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor([[3.0, 1.0, 2.0]])
    >>> ag.take_along_axis(x, np.argsort(x.data, axis=1), axis=1)
    tensor([[1., 2., 3.]], dtype=float32)
    """
    x = _array_or_tensor(arr)
    idx = _indices("take_along_axis", indices)
    if axis is None:
        x, axis = ravel(x), 0
    axis = _one_axis("take_along_axis", axis, x.shape)
    index = _along(idx, axis, x.shape)
    try:
        if idx.ndim != x.ndim:
            raise ValueError
        np.broadcast_shapes(*(i.shape for i in index))
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} do not fit a tensor of shape "
            f"{x.shape} along axis {axis} (as many dimensions, broadcasting elsewhere)"
        ) from None
    _check_bounds("take_along_axis", idx, axis, x.shape, negative=True)
    return getitem(x, index)


@declare(numpy=np.repeat)
def repeat(a: ArrayLike, repeats: Any, axis: int | None = None) -> Any:
    """Each element repeated ``repeats`` times (an int, or one count per element) along
    ``axis`` (of the flattened tensor when None), as ``np.repeat``. (The method ``x.repeat``
    is PyTorch's, which tiles.)

    >>> import autograd_lite as ag
    >>> ag.repeat(ag.tensor([1.0, 2.0]), [1, 3])
    tensor([1., 2., 2., 2.], dtype=float32)
    """
    x = _array_or_tensor(a)
    if axis is None:
        x, axis = ravel(x), 0
    axis = _one_axis("repeat", axis, x.shape)
    counts = np.asarray(_value(repeats))
    if counts.dtype.kind not in "iu" or counts.ndim > 1 or (counts < 0).any():
        raise ValueError(f"repeat: repeats must be non-negative ints, got {repeats!r}")
    n = x.shape[axis]
    if counts.size not in (1, n):
        raise ValueError(
            f"repeat: {counts.size} repeats for {n} elements along axis {axis} of a tensor of "
            f"shape {x.shape} (give one, or one per element)"
        )
    return getitem(x, (slice(None),) * axis + (np.repeat(np.arange(n), counts),))


# ------------------------------------------------------------------ PyTorch's names


@declare(method=True)
def gather(input: ArrayLike, dim: int, index: Any) -> Any:  # noqa: A002 - PyTorch's names
    """PyTorch's ``gather``: ``out[i][j] = input[index[i][j]][j]`` for ``dim=0``; ``index`` has
    as many dims as ``input`` and sizes no larger outside ``dim``, and the result its shape.

    >>> import autograd_lite as ag
    >>> ag.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, [[1], [0]])
    tensor([[2.],
            [3.]], dtype=float32)
    """
    x = _array_or_tensor(input)
    idx = _indices("gather", index)
    axis = _one_axis("gather", dim, x.shape, "dim")
    _fits_inside("gather", idx, "input", x.shape, axis)
    _check_bounds("gather", idx, axis, x.shape, negative=False)
    return getitem(x, _along(idx, axis, idx.shape))


def _fits_inside(op: str, idx: np.ndarray, what: str, shape: tuple[int, ...], skip: int) -> None:
    """PyTorch's rule for gather and scatter_add: the index has as many dims as ``what``, and
    sizes no larger (except along dim ``skip``; -1 skips none)."""
    if idx.ndim != len(shape) or any(
        i > n for d, (i, n) in enumerate(zip(idx.shape, shape)) if d != skip
    ):
        where_ = f", outside dim {skip}" if skip >= 0 else ""
        raise ValueError(
            f"{op}: index of shape {idx.shape} does not fit {what} of shape {shape} (as many "
            f"dims, sizes no larger{where_})"
        )


@declare(method=True)
def scatter_add(input: ArrayLike, dim: int, index: Any, src: ArrayLike) -> Any:  # noqa: A002
    """PyTorch's ``scatter_add``: ``input`` with ``src[i][j]`` added at
    ``[index[i][j]][j]`` for ``dim=0`` (repeated indices accumulate); only the part of
    ``src`` of the index's shape is used. Differentiable in ``input`` and ``src``.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.scatter_add(ag.tensor(np.zeros(3)), 0, [0, 2, 0], ag.tensor([1.0, 2.0, 3.0]))
    tensor([4., 0., 2.])
    """
    x, s = _array_or_tensor(input), _array_or_tensor(src)
    idx = _indices("scatter_add", index)
    axis = _one_axis("scatter_add", dim, x.shape, "dim")
    _fits_inside("scatter_add", idx, "input", x.shape, axis)
    _fits_inside("scatter_add", idx, "src", s.shape, -1)
    _check_bounds("scatter_add", idx, axis, x.shape, negative=False)
    if s.shape != idx.shape:
        s = getitem(s, tuple(slice(0, k) for k in idx.shape))
    return add(x, index_add(s, _along(idx, axis, idx.shape), x.shape))


@declare(method=True)
def index_select(input: ArrayLike, dim: int, index: Any) -> Any:  # noqa: A002
    """PyTorch's ``index_select``: the entries at ``index`` (1-D) along ``dim``."""
    x = _array_or_tensor(input)
    idx = _indices("index_select", index)
    if idx.ndim > 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {idx.shape}")
    axis = _one_axis("index_select", dim, x.shape, "dim")
    _check_bounds("index_select", idx, axis, x.shape, negative=False)
    return getitem(x, (slice(None),) * axis + (idx.reshape(-1),))


@declare(method=True)
def narrow(input: ArrayLike, dim: int, start: int, length: int) -> Any:  # noqa: A002
    """PyTorch's ``narrow``: ``length`` entries from ``start`` (negative counts from the end)
    along ``dim``."""
    x = _array_or_tensor(input)
    axis = _one_axis("narrow", dim, x.shape, "dim")
    n = x.shape[axis]
    start, length = _int("narrow", "start", start), _int("narrow", "length", length)
    first = start + n if start < 0 else start
    if not (0 <= first <= n and 0 <= length <= n - first):
        raise ValueError(
            f"narrow: start {start} and length {length} do not fit dim {dim} of a tensor of "
            f"shape {x.shape} (start in {-n}..{n}, start + length at most {n})"
        )
    return getitem(x, (slice(None),) * axis + (slice(first, first + length),))


@declare(method=True)
def masked_fill(input: ArrayLike, mask: Any, value: Any) -> Any:  # noqa: A002
    """PyTorch's ``masked_fill``: ``value`` (a number, or a 0-d tensor, which gets the
    gradient of the entries it fills) where the boolean ``mask`` is true; the result keeps
    ``input``'s dtype.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.tensor([1.0, 2.0, 3.0]).masked_fill(np.array([True, False, True]), 0.0)
    tensor([0., 2., 0.], dtype=float32)
    """
    x = _array_or_tensor(input)
    m = np.asarray(_value(mask))
    if m.dtype != np.bool_:
        raise TypeError(f"masked_fill: mask must be boolean, got dtype {m.dtype}")
    if np.ndim(_value(value)) != 0:
        raise ValueError(
            f"masked_fill: value must be a number or a 0-d tensor, got shape {np.shape(value)}"
        )
    try:
        np.broadcast_shapes(m.shape, x.shape)
    except ValueError:
        raise ValueError(
            f"masked_fill: mask of shape {m.shape} does not broadcast with the tensor of shape "
            f"{x.shape}"
        ) from None
    fill = astype(value, x.dtype) if isinstance(value, Tensor) else np.asarray(value, x.dtype)
    return where(m, fill, x)


# ------------------------------------------------------------------ built on slices

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _per_axis(what: str, pairs: Any, shape: tuple[int, ...]) -> np.ndarray:
    """numpy's forms of pad's pad_width and constant_values, as one (before, after) per axis."""
    try:
        return np.broadcast_to(np.asarray(_value(pairs)), (len(shape), 2))
    except ValueError:
        raise ValueError(
            f"pad: {what} {pairs!r} does not fit a tensor of shape {shape} (a number, "
            f"(before, after), or one such pair per axis)"
        ) from None


@declare(numpy=np.pad)
def pad(
    array: ArrayLike, pad_width: Any, mode: str = "constant", *, constant_values: Any = UNSET
) -> Any:
    """Pad each axis with ``pad_width`` entries before and after it, as ``np.pad``:
    ``pad_width`` is an int, ``(before, after)`` or one such pair per axis; ``mode`` is
    "constant" (``constant_values``: a number, a pair, or a pair per axis; 0 by default),
    "edge", "reflect", "symmetric" or "wrap".

    >>> import autograd_lite as ag
    >>> ag.pad(ag.tensor([1.0, 2.0, 3.0]), (2, 1), mode="reflect")
    tensor([3., 2., 1., 2., 3., 2.], dtype=float32)
    """
    x = _array_or_tensor(array)
    if mode not in _PAD_MODES:
        raise ValueError(f"pad: mode {mode!r} is not supported; use one of {_PAD_MODES}")
    widths = _per_axis("pad_width", pad_width, x.shape)
    if widths.dtype.kind not in "iu" or (widths < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative ints, got {pad_width!r}")
    if mode == "constant":
        fill = 0 if constant_values is UNSET else constant_values
        if isinstance(fill, Tensor) and fill.requires_grad:
            raise TypeError("pad: constant_values are constants; pass numbers, not a tensor")
        values = _per_axis("constant_values", fill, x.shape)
        inside = tuple(slice(before, before + n) for (before, _), n in zip(widths, x.shape))
        shape = tuple(before + n + after for (before, after), n in zip(widths, x.shape))
        padded = index_add(x, inside, shape)
        if not values.any():
            return padded
        # the frame: numpy's own padding of zeros (corners as numpy fills them)
        return add(padded, np.pad(np.zeros(x.shape, x.dtype), widths, constant_values=values))
    if constant_values is not UNSET:
        raise ValueError(f"pad: constant_values is for mode='constant', not mode={mode!r}")
    how: Any = mode
    try:  # each output entry's flat index into x, padded as numpy pads
        index = np.pad(np.arange(x.size).reshape(x.shape), widths, mode=how)
    except ValueError as e:
        raise ValueError(f"pad: {e} (a tensor of shape {x.shape})") from None
    return getitem(ravel(x), index)


@declare(method=True, numpy=np.diff)
def diff(
    a: ArrayLike,
    n: int = 1,
    axis: int = UNSET,
    prepend: ArrayLike | None = None,
    append: ArrayLike | None = None,
    *,
    dim: int = UNSET,
) -> Any:
    """The ``n``-th differences ``a[i + 1] - a[i]`` along ``axis`` (default the last), after
    joining ``prepend`` and ``append`` (numbers are broadcast), as ``np.diff``; ``dim=`` is
    PyTorch's name.

    >>> import autograd_lite as ag
    >>> ag.diff(ag.tensor([1.0, 4.0, 9.0]), prepend=0.0)
    tensor([1., 3., 5.])
    """
    axis = _either("diff", "axis", axis, "dim", dim, -1)
    x = _array_or_tensor(a)
    n = _int("diff", "the order n", n)
    if n < 0:
        raise ValueError(f"diff: the order n must be non-negative, got {n}")
    axis = _one_axis("diff", axis, x.shape)
    if n == 0:
        return x
    if prepend is not None or append is not None:
        edge = x.shape[:axis] + (1,) + x.shape[axis + 1 :]
        parts = [_array_or_tensor(v) for v in (prepend, x, append) if v is not None]
        x = _concatenated(
            "diff", [broadcast_to(v, edge) if v.ndim == 0 else v for v in parts], axis
        )
    lead = (slice(None),) * axis
    for _ in range(n):
        x = subtract(getitem(x, lead + (slice(1, None),)), getitem(x, lead + (slice(None, -1),)))
    return x
