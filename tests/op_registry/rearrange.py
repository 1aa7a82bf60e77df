"""Ops that move, flip, roll and repeat elements along axes (ops/rearrange.py), and swapaxes."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag

from .common import *  # noqa: F403
from .shape import distinct_axes as _distinct_axes

Kwargs = st.SearchStrategy[dict[str, Any]]


def flip_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    """numpy's ``axis=`` or PyTorch's ``dims=``."""
    axes = ags.axes(len(shapes[0]))
    return st.fixed_dictionaries({"axis": axes}) | st.fixed_dictionaries({"dims": axes})


def flip_reference(x: np.ndarray, axis: Any = None, dims: Any = None) -> np.ndarray:
    return np.flip(x, axis if dims is None else dims)


def rot90_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    plane = _distinct_axes(len(shapes[0]), 2)
    return st.fixed_dictionaries({"k": st.integers(-3, 5), "axes": plane})


def roll_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    shift = st.integers(-4, 4)
    flat = st.fixed_dictionaries({"shift": shift | st.tuples(shift, shift), "axis": st.none()})
    if n == 0:
        return flat
    axis = st.integers(-n, n - 1)
    several = st.integers(1, 3).flatmap(  # repeated axes allowed: their shifts add
        lambda k: st.fixed_dictionaries(
            {"shift": st.tuples(*[shift] * k), "axis": st.tuples(*[axis] * k)}
        )
    )
    return flat | st.fixed_dictionaries({"shift": shift, "axis": axis}) | several


def moveaxis_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    return st.integers(0, n).flatmap(
        lambda k: st.fixed_dictionaries(
            {"source": _distinct_axes(n, k), "destination": _distinct_axes(n, k)}
        )
    )


def rollaxis_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    return st.fixed_dictionaries({"axis": st.integers(-n, n - 1), "start": st.integers(-n, n)})


def permute_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    return st.fixed_dictionaries({"dims": _distinct_axes(n, n)})


def flatten_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = max(len(shapes[0]), 1)  # (a 0-d tensor has dim 0)
    ends = st.integers(0, n - 1).flatmap(
        lambda s: st.tuples(st.sampled_from([s, s - n]), st.integers(s, n - 1))
    )
    return ends.flatmap(
        lambda se: st.fixed_dictionaries(
            {"start_dim": st.just(se[0]), "end_dim": st.sampled_from([se[1], se[1] - n])}
        )
    )


def flatten_reference(x: np.ndarray, start_dim: int, end_dim: int) -> np.ndarray:
    shape = x.shape or (1,)
    s, e = start_dim % len(shape), end_dim % len(shape)
    return x.reshape(shape[:s] + (int(np.prod(shape[s : e + 1])),) + shape[e + 1 :])


def unsqueeze_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    return st.fixed_dictionaries({"dim": st.integers(-n - 1, n)})


def tile_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    reps = st.lists(st.integers(1, 2), max_size=4).map(tuple) | st.integers(1, 3)
    return st.fixed_dictionaries({"reps": reps})


def swapaxes_kwargs(shapes: tuple[Shape, ...]) -> Kwargs:
    n = len(shapes[0])
    axis = st.integers(-n, n - 1)
    return st.fixed_dictionaries({"axis1": axis, "axis2": axis})


CASES: list[OpCase] = [
    OpCase("flip", ag.flip, flip_reference, with_kwargs(one(R), flip_kwargs), linear=True),
    # numpy's functions of the same name, on inputs of at least min_dims dimensions
    *(
        OpCase(
            name, getattr(ag, name), getattr(np, name), with_kwargs(one(R, ndim), kw), linear=True
        )
        for name, ndim, kw in [
            ("fliplr", 2, None),
            ("flipud", 1, None),
            ("rot90", 2, rot90_kwargs),
            ("roll", 0, roll_kwargs),
            ("moveaxis", 0, moveaxis_kwargs),
            ("rollaxis", 1, rollaxis_kwargs),
            ("swapaxes", 1, swapaxes_kwargs),
            ("ravel", 0, None),
            ("atleast_1d", 0, None),
            ("atleast_2d", 0, None),
            ("atleast_3d", 0, None),
            ("tile", 0, tile_kwargs),
        ]
    ),
    OpCase("clone", ag.clone, np.copy, with_kwargs(one(R)), linear=True),
    OpCase(
        "permute",
        ag.permute,
        lambda x, dims: np.transpose(x, dims),
        with_kwargs(one(R), permute_kwargs),
        linear=True,
    ),
    OpCase(
        "flatten", ag.flatten, flatten_reference, with_kwargs(one(R), flatten_kwargs), linear=True
    ),
    OpCase(
        "unsqueeze",
        ag.unsqueeze,
        lambda x, dim: np.expand_dims(x, dim),
        with_kwargs(one(R), unsqueeze_kwargs),
        linear=True,
    ),
]
