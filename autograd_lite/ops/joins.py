"""Joining and splitting, under numpy's names and PyTorch's: hstack, vstack, dstack,
column_stack, append, meshgrid; split, array_split, hsplit, vsplit, dsplit, chunk, unbind.

The engine's ops have one output, so a split is one slice (``getitem``) per piece and a join
is ``concatenate``: their gradients are those ops' gradients, to any order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Tensor
from .conventions import UNSET, pick, torch_style
from .declarations import declare, tensor_method
from .rearrange import _at_least, _one_axis, atleast_1d, atleast_2d, atleast_3d, clone, ravel
from .shape import _array_or_tensor, _concatenated, _int, _ints, broadcast_to, getitem, reshape

# ------------------------------------------------------------------ joins


@declare(numpy=np.hstack)
def hstack(tup: Sequence[ArrayLike]) -> Any:
    """Join along axis 1 (axis 0 for 1-D inputs), as ``np.hstack``.

    >>> import autograd_lite as ag
    >>> ag.hstack([ag.tensor([1.0, 2.0]), ag.tensor([3.0])])
    tensor([1., 2., 3.], dtype=float32)
    """
    arrays = [atleast_1d(x) for x in tup]
    return _concatenated("hstack", arrays, 0 if arrays and arrays[0].ndim == 1 else 1)


@declare(numpy=np.vstack)
def vstack(tup: Sequence[ArrayLike]) -> Any:
    """Join along axis 0, 1-D inputs as rows, as ``np.vstack``."""
    return _concatenated("vstack", [atleast_2d(x) for x in tup], 0)


@declare(numpy=np.dstack)
def dstack(tup: Sequence[ArrayLike]) -> Any:
    """Join along axis 2 (depth), inputs made 3-D as by ``atleast_3d``, as ``np.dstack``."""
    return _concatenated("dstack", [atleast_3d(x) for x in tup], 2)


@declare(numpy=np.column_stack)
def column_stack(tup: Sequence[ArrayLike]) -> Any:
    """Join along axis 1, 1-D inputs as columns, as ``np.column_stack``."""
    columns = [_array_or_tensor(x) for x in tup]
    columns = [reshape(x, (-1, 1)) if x.ndim < 2 else x for x in columns]
    return _concatenated("column_stack", columns, 1)


@declare(numpy=np.append)
def append(arr: ArrayLike, values: ArrayLike, axis: int | None = None) -> Any:
    """``values`` joined after ``arr`` along ``axis`` (both flattened when None), as
    ``np.append``."""
    if axis is None:
        return _concatenated("append", [ravel(arr), ravel(values)], 0)
    return _concatenated("append", [arr, values], axis)


@declare(numpy=np.meshgrid)
def meshgrid(*xi: ArrayLike, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> Any:
    """Coordinate grids from 1-D coordinates, as ``np.meshgrid``: ``indexing="xy"`` (numpy's
    default; PyTorch's is "ij") puts the first input along axis 1. A tuple of tensors.

    >>> import autograd_lite as ag
    >>> gx, gy = ag.meshgrid(ag.tensor([1.0, 2.0, 3.0]), ag.tensor([4.0, 5.0]))
    >>> gx.shape, gy.shape
    ((2, 3), (2, 3))
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    n = len(xi)
    grids = []
    for i, x in enumerate(xi):
        at = {0: 1, 1: 0}.get(i, i) if indexing == "xy" and n > 1 else i
        grids.append(reshape(x, (1,) * at + (-1,) + (1,) * (n - at - 1)))
    if not sparse:
        shape = np.broadcast_shapes(*(g.shape for g in grids))
        grids = [broadcast_to(g, shape) for g in grids]
    return tuple(clone(g) for g in grids) if copy else tuple(grids)


# ------------------------------------------------------------------ splits


def _pieces(x: Any, axis: int, bounds: Iterable[tuple[int, int]]) -> list[Any]:
    """The slices ``start:stop`` of ``x`` along ``axis``, one getitem each."""
    lead = (slice(None),) * axis
    return [getitem(x, lead + (slice(start, stop),)) for start, stop in bounds]


def _numpy_split(op: str, ary: Any, indices_or_sections: Any, axis: Any, equal: bool) -> list:
    """numpy's split (``equal``: the sections must be equal) and array_split."""
    x = _array_or_tensor(ary)
    axis = _one_axis(op, axis, x.shape)
    n = x.shape[axis]
    if np.ndim(indices_or_sections) == 0:  # a number of sections
        sections = _int(op, "the number of sections", indices_or_sections)
        if sections <= 0:
            raise ValueError(f"{op}: the number of sections must be positive, got {sections}")
        if equal and n % sections:
            raise ValueError(
                f"{op}: axis {axis} of a tensor of shape {x.shape} does not split into "
                f"{sections} equal sections (array_split allows unequal ones)"
            )
        each, extra = divmod(n, sections)
        points = np.cumsum([0] + [each + 1] * extra + [each] * (sections - extra)).tolist()
    else:  # indices to split before, clipped as slices are
        points = [0, *_ints(op, "indices", indices_or_sections), n]
    return _pieces(x, axis, zip(points[:-1], points[1:]))


def _sized_split(op: str, tensor: Any, sizes: Any, dim: Any) -> tuple[Any, ...]:
    """PyTorch's split: pieces of ``sizes`` elements (the last one smaller), or of each size
    in the list ``sizes``."""
    x = _array_or_tensor(tensor)
    axis = _one_axis(op, dim, x.shape, "dim")
    n = x.shape[axis]
    if np.ndim(sizes) == 0:
        size = _int(op, "the split size", sizes)
        if size < 0 or (size == 0 and n):
            raise ValueError(
                f"{op}: the split size must be positive (0 only for an empty dim), got {size}"
            )
        stops = (list(range(size, n, size)) if size else []) + [n]
    else:
        sizes = _ints(op, "sizes", sizes)
        if min(sizes, default=0) < 0 or sum(sizes) != n:
            raise ValueError(
                f"{op}: sizes {list(sizes)} must be non-negative and add up to {n}, the length "
                f"of dim {dim} of a tensor of shape {x.shape}"
            )
        stops = np.cumsum(sizes).tolist()
    return tuple(_pieces(x, axis, zip([0, *stops[:-1]], stops)))


@declare(numpy=np.split)
def split(ary: ArrayLike, indices_or_sections: Any, axis: int = UNSET, *, dim: int = UNSET) -> Any:
    """Split along ``axis`` into equal sections (an int) or before each index (a list), as
    ``np.split``: a list. With ``dim=``, PyTorch's split: pieces of ``split_size`` elements
    (the last one smaller) or of the given sizes, a tuple (the method ``x.split`` too).

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.arange(5.0))
    >>> [p.shape for p in ag.split(x, [1, 3])], [p.shape for p in ag.split(x, 2, dim=0)]
    ([(1,), (2,), (2,)], [(2,), (2,), (1,)])
    """
    axis = pick("split", "axis", axis, "dim", dim)
    if torch_style(dim):
        return _sized_split("split", ary, indices_or_sections, dim)
    return _numpy_split("split", ary, indices_or_sections, 0 if axis is UNSET else axis, True)


@tensor_method("split")
def _split_method(self: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
    """PyTorch's ``x.split(2)`` (pieces of 2) or ``x.split([1, 3], dim=1)`` (pieces of those
    sizes). (numpy's sections and indices are the function ``ag.split``.)"""
    return _sized_split("split", self, split_size_or_sections, dim)


@declare(numpy=np.array_split)
def array_split(ary: ArrayLike, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """As ``split``, but a number of sections need not divide the axis: the first ones get one
    element more, as ``np.array_split``."""
    return _numpy_split("array_split", ary, indices_or_sections, axis, False)


@declare(numpy=np.hsplit)
def hsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Any]:
    """``split`` along axis 1 (axis 0 for 1-D tensors), as ``np.hsplit``."""
    x = _at_least("hsplit", ary, 1)
    return _numpy_split("hsplit", x, indices_or_sections, 1 if x.ndim > 1 else 0, True)


@declare(numpy=np.vsplit)
def vsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Any]:
    """``split`` along axis 0 of a tensor of at least 2 dimensions, as ``np.vsplit``."""
    return _numpy_split("vsplit", _at_least("vsplit", ary, 2), indices_or_sections, 0, True)


@declare(numpy=np.dsplit)
def dsplit(ary: ArrayLike, indices_or_sections: Any) -> list[Any]:
    """``split`` along axis 2 of a tensor of at least 3 dimensions, as ``np.dsplit``."""
    return _numpy_split("dsplit", _at_least("dsplit", ary, 3), indices_or_sections, 2, True)


@declare(method=True)
def chunk(input: ArrayLike, chunks: int, dim: int = 0) -> tuple[Any, ...]:  # noqa: A002
    """PyTorch's ``chunk``: ``chunks`` pieces of ceil(n / chunks) elements along ``dim`` (the
    last one smaller; fewer pieces when they run out).

    >>> import numpy as np, autograd_lite as ag
    >>> [p.shape for p in ag.tensor(np.zeros(5)).chunk(3)]
    [(2,), (2,), (1,)]
    """
    x = _array_or_tensor(input)
    chunks = _int("chunk", "chunks", chunks)
    if chunks <= 0:
        raise ValueError(f"chunk: the number of chunks must be positive, got {chunks}")
    n = x.shape[_one_axis("chunk", dim, x.shape, "dim")]
    if n == 0:  # PyTorch: that many empty pieces
        return _sized_split("chunk", x, [0] * chunks, dim)
    return _sized_split("chunk", x, -(-n // chunks), dim)


@declare(method=True)
def unbind(input: ArrayLike, dim: int = 0) -> tuple[Any, ...]:  # noqa: A002
    """The slices along ``dim``, that dim removed (PyTorch's ``unbind``; ``tuple(x)`` for 0)."""
    x = _array_or_tensor(input)
    axis = _one_axis("unbind", dim, x.shape, "dim")
    lead = (slice(None),) * axis
    return tuple(getitem(x, lead + (i,)) for i in range(x.shape[axis]))
