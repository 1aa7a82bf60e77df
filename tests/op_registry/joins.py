"""Joining and splitting (ops/joins.py). A split's pieces are weighted 1, 2, 3, ... and joined
back, so that one result checks every piece: a piece in the wrong place changes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag

from .common import *  # noqa: F403


def _weighted(pieces: Any) -> list[Any]:
    return [p * (i + 1) for i, p in enumerate(pieces)]


def _sizes(count: int) -> st.SearchStrategy[list[int]]:
    """``count`` lengths along the joined axis."""
    return st.lists(st.integers(1, 3), min_size=count, max_size=count)


@st.composite
def hstack_example(draw: Any) -> Example:
    """0-d and 1-D inputs of any lengths, or inputs of 2-3 dims alike but along axis 1."""
    k = draw(st.integers(1, 3))
    ndim = draw(st.integers(0, 3))
    if ndim <= 1:
        shapes = [draw(st.sampled_from([(), (1,), (2,), (3,)])) for _ in range(k)]
    else:
        base = draw(ags.shapes(min_dims=ndim, max_dims=ndim))
        shapes = [base[:1] + (s,) + base[2:] for s in draw(_sizes(k))]
    return tuple(draw(ags.arrays(s)) for s in shapes), {}


@st.composite
def vstack_example(draw: Any) -> Example:
    """Rows (n,) and blocks (m, n) [or 3-D inputs alike but along axis 0]."""
    k = draw(st.integers(1, 3))
    if draw(st.booleans()):
        tail = draw(ags.shapes(min_dims=2, max_dims=2))
        shapes = [(s, *tail) for s in draw(_sizes(k))]
    else:
        n = draw(st.integers(1, 3))
        shapes = [draw(st.sampled_from([(n,), (1, n), (2, n)])) for _ in range(k)]
    return tuple(draw(ags.arrays(s)) for s in shapes), {}


@st.composite
def dstack_example(draw: Any) -> Example:
    """(m, n) planes, (m, n, p) blocks, and (n,) rows when m is 1."""
    k = draw(st.integers(1, 3))
    m, n = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    options = [(m, n), (m, n, 1), (m, n, 2)] + ([(n,)] if m == 1 else [])
    shapes = [draw(st.sampled_from(options)) for _ in range(k)]
    return tuple(draw(ags.arrays(s)) for s in shapes), {}


@st.composite
def column_stack_example(draw: Any) -> Example:
    k = draw(st.integers(1, 3))
    m = draw(st.integers(1, 3))
    shapes = [draw(st.sampled_from([(m,), (m, 1), (m, 2)])) for _ in range(k)]
    return tuple(draw(ags.arrays(s)) for s in shapes), {}


@st.composite
def append_example(draw: Any) -> Example:
    arr = draw(ags.arrays())
    if arr.ndim == 0 or draw(st.booleans()):
        return (arr, draw(ags.arrays())), {"axis": None}
    axis = draw(st.integers(-arr.ndim, arr.ndim - 1))
    shape = list(arr.shape)
    shape[axis] = draw(st.integers(1, 3))
    return (arr, draw(ags.arrays(tuple(shape)))), {"axis": axis}


@st.composite
def meshgrid_example(draw: Any) -> Example:
    k = draw(st.integers(1, 3))
    xs = tuple(draw(ags.arrays(ags.shapes(max_dims=2))) for _ in range(k))
    kwargs = {
        "indexing": draw(st.sampled_from(["xy", "ij"])),
        "sparse": draw(st.booleans()),
        "copy": draw(st.booleans()),
    }
    return xs, kwargs


def _raveled(grids: Any, join: Callable[..., Any], flat: Callable[..., Any]) -> Any:
    return join([flat(g) * (i + 1) for i, g in enumerate(grids)])


@st.composite
def split_example(draw: Any, sections: str) -> Example:
    """``sections``: "equal" (a divisor), "any" (array_split's count), "indices" (a list),
    "sizes" (PyTorch's split size or list of sizes)."""
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[axis]
    if sections == "equal":
        parts: Any = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    elif sections == "any":
        parts = draw(st.integers(1, n + 1))
    elif sections == "indices":
        parts = draw(st.lists(st.integers(-n - 1, n + 1), max_size=3))
    else:
        sizes = st.lists(st.integers(0, n), min_size=1, max_size=3).filter(lambda s: sum(s) == n)
        parts = draw(st.integers(1, n + 1) | sizes | st.just([n]))
        return (x,), {"parts": parts, "dim": axis}  # PyTorch's keyword: PyTorch's sizes
    return (x,), {"parts": parts, "axis": axis}


@st.composite
def fixed_axis_split_example(draw: Any, min_dims: int, axis: int) -> Example:
    """For hsplit, vsplit, dsplit: equal sections or indices along their axis."""
    x = draw(ags.arrays(ags.shapes(min_dims=min_dims)))
    n = x.shape[axis if x.ndim > 1 else 0]
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    parts = draw(st.sampled_from(divisors) | st.lists(st.integers(0, n), max_size=2))
    return (x,), {"parts": parts}


@st.composite
def chunk_example(draw: Any) -> Example:
    x = draw(ags.arrays(ags.shapes(min_dims=1)))
    return (x,), {"chunks": draw(st.integers(1, 4)), "dim": draw(st.integers(-x.ndim, x.ndim - 1))}


def _np_sized_split(x: np.ndarray, parts: Any, axis: int) -> list[np.ndarray]:
    """PyTorch's split by numpy: sizes to the indices np.split takes."""
    n = x.shape[axis]
    sizes = [parts] * (-(-n // parts)) if isinstance(parts, int) else parts
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def split_reference(x: np.ndarray, parts: Any, axis: int = 0, dim: int | None = None) -> Any:
    pieces = np.split(x, parts, axis) if dim is None else _np_sized_split(x, parts, dim)
    return np.concatenate(_weighted(pieces), axis if dim is None else dim)


def _np_chunk(x: np.ndarray, chunks: int, dim: int) -> list[np.ndarray]:
    return _np_sized_split(x, -(-x.shape[dim] // chunks), dim)


CASES: list[OpCase] = [
    *(
        OpCase(name, lambda *xs, f=f: f(xs), lambda *xs, g=g: g(xs), example, linear=True)
        for name, f, g, example in [
            ("hstack", ag.hstack, np.hstack, hstack_example()),
            ("vstack", ag.vstack, np.vstack, vstack_example()),
            ("dstack", ag.dstack, np.dstack, dstack_example()),
            ("column_stack", ag.column_stack, np.column_stack, column_stack_example()),
        ]
    ),
    OpCase("append", ag.append, np.append, append_example(), linear=True),
    OpCase(
        "meshgrid",
        lambda *xs, **kw: _raveled(ag.meshgrid(*xs, **kw), ag.concatenate, ag.ravel),
        lambda *xs, **kw: _raveled(np.meshgrid(*xs, **kw), np.concatenate, np.ravel),
        meshgrid_example(),
        linear=True,
    ),
    OpCase(
        "split",
        lambda x, parts, **at: ag.concatenate(_weighted(ag.split(x, parts, **at)), *at.values()),
        split_reference,
        split_example("equal") | split_example("indices") | split_example("sizes"),
        linear=True,
    ),
    OpCase(
        "array_split",
        lambda x, parts, axis: ag.concatenate(_weighted(ag.array_split(x, parts, axis)), axis),
        lambda x, parts, axis: np.concatenate(_weighted(np.array_split(x, parts, axis)), axis),
        split_example("any"),
        linear=True,
    ),
    *(
        OpCase(
            name,
            lambda x, parts, ag_fn=ag_fn, at=at: ag.concatenate(
                _weighted(ag_fn(x, parts)), at if x.ndim > 1 else 0
            ),
            lambda x, parts, np_fn=np_fn, at=at: np.concatenate(
                _weighted(np_fn(x, parts)), at if x.ndim > 1 else 0
            ),
            fixed_axis_split_example(min_dims, at),
            linear=True,
        )
        for name, ag_fn, np_fn, min_dims, at in [
            ("hsplit", ag.hsplit, np.hsplit, 1, 1),
            ("vsplit", ag.vsplit, np.vsplit, 2, 0),
            ("dsplit", ag.dsplit, np.dsplit, 3, 2),
        ]
    ),
    OpCase(
        "chunk",
        lambda x, chunks, dim: ag.concatenate(_weighted(ag.chunk(x, chunks, dim)), dim),
        lambda x, chunks, dim: np.concatenate(_weighted(_np_chunk(x, chunks, dim)), dim),
        chunk_example(),
        linear=True,
    ),
    OpCase(
        "unbind",
        lambda x, axis: ag.stack(_weighted(ag.unbind(x, axis)), axis),
        lambda x, axis: np.stack(_weighted(np.moveaxis(x, axis, 0)), axis),
        with_kwargs(one(R, 1), one_axis),
        linear=True,
    ),
]
