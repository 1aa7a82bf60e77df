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


CASES: list[OpCase] = [
    OpCase("array", array_fn, array_reference, nested_example(), linear=False),
    OpCase("reshape", ag.reshape, np.reshape, with_kwargs(one(R), reshape_kwargs), linear=True),
    OpCase(
        "transpose",
        ag.transpose,
        np.transpose,
        with_kwargs(one(R), transpose_kwargs),
        linear=True,
    ),
    OpCase(
        "expand_dims",
        ag.expand_dims,
        np.expand_dims,
        with_kwargs(one(R), expand_dims_kwargs),
        linear=True,
    ),
    OpCase("squeeze", ag.squeeze, np.squeeze, with_kwargs(one(R), squeeze_kwargs), linear=True),
    OpCase(
        "broadcast_to",
        ag.broadcast_to,
        np.broadcast_to,
        with_kwargs(one(R), broadcast_to_kwargs),
        linear=True,
    ),
    OpCase(
        "concatenate",
        lambda *xs, axis: ag.concatenate(xs, axis=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        joined(new_axis=False),
        linear=True,
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
