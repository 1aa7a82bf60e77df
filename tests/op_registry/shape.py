"""Shape ops, joins, indexing and casts."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

# --------------------------------------------------------------------------- joins and indexing


@st.composite
def joined(draw: Any, new_axis: bool) -> Example:
    """1 to 3 arrays for concatenate (sizes differ along ``axis``) or stack (same shapes)."""
    k = draw(st.integers(1, 3))
    shape = draw(ags.shapes(min_dims=0 if new_axis else 1))
    n = len(shape)
    if new_axis:
        axis = draw(st.integers(-n - 1, n))
        shapes = [shape] * k
    else:
        axis = draw(st.integers(-n, n - 1))
        sizes = draw(st.lists(st.integers(1, 3), min_size=k, max_size=k))
        shapes = [shape[: axis % n] + (s,) + shape[axis % n + 1 :] for s in sizes]
    xs = tuple(draw(ags.arrays(s)) for s in shapes)
    return xs, {"axis": axis}


@st.composite
def index_add_example(draw: Any) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    index = draw(ags.basic_indices(shape) | ags.advanced_indices(shape))
    g = draw(ags.arrays(np.zeros(shape)[index].shape))
    return (g,), {"index": index, "shape": shape}


def index_add_reference(g: np.ndarray, index: Any, shape: Shape) -> np.ndarray:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


@st.composite
def nested_example(draw: Any) -> Example:
    """1 to 3 arrays of one shape, packed into a nested list with numbers between them."""
    k = draw(st.integers(1, 3))
    shape = draw(ags.shapes(max_dims=2))
    xs = tuple(draw(ags.arrays(shape)) for _ in range(k))
    return xs, {"constant": draw(st.floats(-2, 2))}


def array_fn(*xs: Any, constant: float) -> Any:
    const = np.full(np.shape(xs[0]), constant, dtype=ag.value(xs[0]).dtype)
    return ag.array([[*xs, const], [const, *xs[::-1]]])


def array_reference(*xs: Any, constant: float) -> Any:
    const = np.full(np.shape(xs[0]), constant)
    return np.array([[*xs, const], [const, *xs[::-1]]])


def _signed(axes: tuple[int, ...], n: int) -> st.SearchStrategy[tuple[int, ...]]:
    """The same axes, each written as non-negative or negative."""
    return st.tuples(*(st.sampled_from([a, a - n]) for a in axes))


def distinct_axes(n: int, k: int) -> st.SearchStrategy[tuple[int, ...]]:
    """``k`` distinct axes of ``n`` (in any order), signed either way."""
    return st.permutations(range(n)).flatmap(lambda p: _signed(tuple(p[:k]), n))


def transpose_any_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """numpy's ``axes`` (a permutation or None) or PyTorch's two axes to swap."""
    n = len(shapes[0])
    swap = st.fixed_dictionaries({"axes": st.integers(-n, n - 1), "dim1": st.integers(-n, n - 1)})
    return transpose_kwargs(shapes) | (swap if n else st.nothing())


def transpose_reference(x: np.ndarray, axes: Any = None, dim1: int | None = None) -> np.ndarray:
    return np.transpose(x, axes) if dim1 is None else np.swapaxes(x, axes, dim1)


def expand_dims_any_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """One axis, or a tuple of distinct axes of the result."""
    n = len(shapes[0])
    several = st.integers(1, 2).flatmap(lambda k: distinct_axes(n + k, k))
    return expand_dims_kwargs(shapes) | st.fixed_dictionaries({"axis": several})


def squeeze_any_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """numpy's ``axis`` (axes of length 1) or PyTorch's ``dim`` (any dims: those whose length
    is not 1 stay)."""
    n = len(shapes[0])
    dims = st.integers(-n, n - 1) | distinct_axes(n, min(n, 2)) if n else st.sampled_from([0, -1])
    return squeeze_kwargs(shapes) | st.fixed_dictionaries({"dim": dims})


def squeeze_reference(x: np.ndarray, axis: Any = None, dim: Any = None) -> np.ndarray:
    if dim is None:
        return np.squeeze(x, axis)
    dims = dim if isinstance(dim, tuple) else (dim,)
    return np.squeeze(x, tuple(d for d in dims if x.ndim and x.shape[d] == 1))


CASES: list[OpCase] = [
    OpCase("array", array_fn, array_reference, nested_example(), linear=False),
    OpCase("reshape", ag.reshape, np.reshape, with_kwargs(one(R), reshape_kwargs), linear=True),
    OpCase(
        "transpose",
        ag.transpose,
        transpose_reference,
        with_kwargs(one(R), transpose_any_kwargs),
        linear=True,
    ),
    OpCase(
        "expand_dims",
        ag.expand_dims,
        np.expand_dims,
        with_kwargs(one(R), expand_dims_any_kwargs),
        linear=True,
    ),
    OpCase(
        "squeeze",
        ag.squeeze,
        squeeze_reference,
        with_kwargs(one(R), squeeze_any_kwargs),
        linear=True,
    ),
    OpCase(
        "broadcast_to",
        ag.broadcast_to,
        np.broadcast_to,
        with_kwargs(one(R), broadcast_to_kwargs),
        linear=True,
    ),
    *(  # numpy's name and its aliases (numpy 2's concat, PyTorch's cat with dim=)
        OpCase(
            name,
            lambda *xs, axis, fn=fn, kw=kw: fn(xs, **{kw: axis}),
            lambda *xs, axis: np.concatenate(xs, axis=axis),
            joined(new_axis=False),
            linear=True,
        )
        for name, fn, kw in [
            ("concatenate", ag.concatenate, "axis"),
            ("concat", ag.concat, "axis"),
            ("cat", ag.cat, "dim"),
        ]
    ),
    OpCase(
        "stack",
        lambda *xs, axis: ag.stack(xs, axis=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        joined(new_axis=True),
        linear=True,
    ),
    OpCase(
        "getitem-basic",
        ag.getitem,
        lambda x, index: x[index],
        with_kwargs(one(R), lambda s: st.fixed_dictionaries({"index": ags.basic_indices(s[0])})),
        linear=True,
    ),
    OpCase(
        "getitem-advanced",
        ag.getitem,
        lambda x, index: x[index],
        with_kwargs(
            one(R, 1), lambda s: st.fixed_dictionaries({"index": ags.advanced_indices(s[0])})
        ),
        linear=True,
    ),
    OpCase("index_add", ag.index_add, index_add_reference, index_add_example(), linear=True),
    OpCase(
        "astype",
        ag.astype,
        lambda x, dtype: x.astype(dtype),
        with_kwargs(one(R), lambda _: st.just({"dtype": np.float64})),
        linear=True,
    ),
]
