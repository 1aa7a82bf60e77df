"""Picking elements by index (ops/indexing.py): take, take_along_axis, repeat, gather,
scatter_add, index_select, narrow, masked_fill, pad, diff."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag

from .common import *  # noqa: F403


def _indices(shape: Any, n: int, negative: bool = True) -> st.SearchStrategy[np.ndarray]:
    """Integer index arrays of ``shape`` into an axis of length ``n`` (repeats included)."""
    return hnp.arrays(np.intp, shape, elements=st.integers(-n if negative else 0, n - 1))


def _axis(draw: Any, n: int) -> int:
    return draw(st.integers(-n, n - 1))


@st.composite
def take_example(draw: Any) -> Example:
    x = draw(ags.arrays())
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1)) if x.ndim else None
    size = x.size if axis is None else x.shape[axis]
    return (x,), {"indices": draw(_indices(ags.shapes(max_dims=2), size)), "axis": axis}


@st.composite
def take_along_axis_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    axis = _axis(draw, x.ndim)
    shape = [draw(st.sampled_from([1, n])) for n in x.shape]  # broadcasting elsewhere
    shape[axis] = draw(st.integers(1, 4))
    return (x,), {"indices": draw(_indices(tuple(shape), x.shape[axis])), "axis": axis}


@st.composite
def repeat_example(draw: Any) -> Example:
    x = draw(ags.arrays())
    axis = draw(st.none() | st.integers(-x.ndim, x.ndim - 1)) if x.ndim else None
    n = x.size if axis is None else x.shape[axis]
    counts = st.integers(0, 3) | hnp.arrays(np.intp, (n,), elements=st.integers(0, 3))
    return (x,), {"repeats": draw(counts), "axis": axis}


def _index_within(draw: Any, x: np.ndarray) -> dict[str, Any]:
    """PyTorch's gather and scatter_add: a dim, and an index no larger than ``x`` outside it."""
    dim = _axis(draw, x.ndim)
    shape = [draw(st.integers(1, n)) for n in x.shape]
    shape[dim] = draw(st.integers(1, 4))
    return {"dim": dim, "index": draw(_indices(tuple(shape), x.shape[dim], False))}


@st.composite
def gather_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    return (x,), _index_within(draw, x)


def gather_reference(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    inside = tuple(
        slice(0, n) if d != dim % x.ndim else slice(None) for d, n in enumerate(index.shape)
    )
    return np.take_along_axis(x[inside], index, axis=dim)


@st.composite
def scatter_add_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    kwargs = _index_within(draw, x)
    larger = tuple(n + draw(st.integers(0, 1)) for n in kwargs["index"].shape)  # src may be
    return (x, draw(ags.arrays(larger))), kwargs


def scatter_add_reference(x: np.ndarray, src: np.ndarray, dim: int, index: np.ndarray) -> Any:
    out = x.copy()
    for at in np.ndindex(*index.shape):
        to = list(at)
        to[dim % x.ndim] = index[at]
        out[tuple(to)] += src[at]
    return out


@st.composite
def index_select_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    dim = _axis(draw, x.ndim)
    index = draw(_indices(st.sampled_from([(), (1,), (2,), (4,)]), x.shape[dim], False))
    return (x,), {"dim": dim, "index": index}


def index_select_reference(x: np.ndarray, dim: int, index: np.ndarray) -> np.ndarray:
    return np.take(x, index.reshape(-1), axis=dim)


@st.composite
def narrow_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    dim = _axis(draw, x.ndim)
    n = x.shape[dim]
    start = draw(st.integers(-n, n - 1))
    length = draw(st.integers(1, n - start % n))
    return (x,), {"dim": dim, "start": start, "length": length}


def narrow_reference(x: np.ndarray, dim: int, start: int, length: int) -> np.ndarray:
    first = start % x.shape[dim]
    return np.take(x, np.arange(first, first + length), axis=dim)


def _mask(shape: Shape) -> st.SearchStrategy[np.ndarray]:
    """Boolean masks that broadcast to ``shape`` without growing it."""
    sub = st.integers(0, len(shape)).flatmap(
        lambda k: st.tuples(*(st.sampled_from([1, n]) for n in shape[len(shape) - k :]))
    )
    return hnp.arrays(np.bool_, sub)


@st.composite
def masked_fill_tensor_example(draw: Any) -> Example:
    """masked_fill with a 0-d tensor value, the op's second input."""
    x = draw(ags.arrays())
    return (x, draw(ags.arrays(()))), {"mask": draw(_mask(x.shape))}


def masked_fill_reference(x: np.ndarray, mask: np.ndarray, value: Any) -> np.ndarray:
    return np.where(mask, np.asarray(value, x.dtype), x)


def pad_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Each form of pad_width; constant_values (each form) for mode "constant" only."""
    n = len(shapes[0])
    side, value = st.integers(0, 3), st.floats(-2, 2)
    widths = side | st.tuples(side, side) | st.tuples(*[st.tuples(side, side)] * n)
    values = value | st.tuples(value, value) | st.tuples(*[st.tuples(value, value)] * n)
    modes = st.sampled_from(["edge", "reflect", "symmetric", "wrap"])
    return st.fixed_dictionaries({"pad_width": widths, "mode": modes}) | st.fixed_dictionaries(
        {"pad_width": widths}, optional={"constant_values": values}
    )


def diff_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    n = len(shapes[0])
    return st.fixed_dictionaries({"n": st.integers(0, 3), "axis": st.integers(-n, n - 1)})


@st.composite
def diff_edges_example(draw: Any) -> Example:
    """diff with a 0-d prepend (broadcast along the axis) and an append of 1 or 2 entries."""
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    axis = _axis(draw, x.ndim)
    shape = list(x.shape)
    shape[axis] = draw(st.integers(1, 2))
    xs = (x, draw(ags.arrays(())), draw(ags.arrays(tuple(shape))))
    return xs, {"axis": axis, "n": draw(st.integers(1, 2))}


CASES: list[OpCase] = [
    OpCase("take", ag.take, np.take, take_example(), linear=True),
    OpCase(
        "take_along_axis",
        ag.take_along_axis,
        np.take_along_axis,
        take_along_axis_example(),
        linear=True,
    ),
    OpCase("repeat", ag.repeat, np.repeat, repeat_example(), linear=True),
    OpCase("gather", ag.gather, gather_reference, gather_example(), linear=True),
    OpCase(
        "scatter_add",
        lambda x, src, dim, index: ag.scatter_add(x, dim, index, src),
        scatter_add_reference,
        scatter_add_example(),
        linear=True,
    ),
    OpCase(
        "index_select", ag.index_select, index_select_reference, index_select_example(), linear=True
    ),
    OpCase("narrow", ag.narrow, narrow_reference, narrow_example(), linear=True),
    OpCase(
        "masked_fill",
        lambda x, value, mask: ag.masked_fill(x, mask, value),
        lambda x, value, mask: masked_fill_reference(x, mask, value),
        masked_fill_tensor_example(),
        linear=True,
    ),
    OpCase("pad", ag.pad, np.pad, with_kwargs(one(R, 1), pad_kwargs)),  # (constants: affine)
    OpCase("diff", ag.diff, np.diff, with_kwargs(one(R, 1), diff_kwargs), linear=True),
    OpCase(
        "diff-edges",
        lambda x, p, q, **kw: ag.diff(x, prepend=p, append=q, **kw),
        lambda x, p, q, **kw: np.diff(x, prepend=p, append=q, **kw),
        diff_edges_example(),
        linear=True,
    ),
]
