"""Activations with an op of their own (autograd_lite/ops/activations.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.ops import activations
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403


def softplus_reference(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def elu_reference(x: np.ndarray, alpha: float = 1.0, scale: float = 1.0) -> np.ndarray:
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))


def softplus_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    # the kinks beta x = threshold sit at 0.5 and -2, which SOFTPLUS keeps away from
    options = [(1.0, 20.0), (2.0, 1.0), (-1.0, 2.0)]
    return st.sampled_from(options).map(lambda o: {"beta": o[0], "threshold": o[1]})


def hardtanh_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    bounds = st.sampled_from([(-1.0, 1.0), (0.0, 2.0), (-2.5, 0.5)])
    return bounds.map(lambda b: {"min_val": b[0], "max_val": b[1]})


SOFTPLUS = ags.away_from([-2.0, 0.5])
HARDTANH = ags.away_from([-2.5, -1.0, 0.0, 0.5, 1.0, 2.0])


CASES: list[OpCase] = [
    OpCase(
        "softplus",
        ag.softplus,
        softplus_reference,
        with_kwargs(one(SOFTPLUS), softplus_kwargs),
    ),
    OpCase(
        "elu",
        ag.elu,
        elu_reference,
        with_kwargs(
            one(KINK0), lambda _: st.fixed_dictionaries({"alpha": st.sampled_from([1.0, 0.5, 2.0])})
        ),
    ),
    OpCase(
        "selu",
        ag.selu,
        lambda x: elu_reference(x, activations.SELU_ALPHA, activations.SELU_SCALE),
        with_kwargs(one(KINK0)),
    ),
    OpCase("silu", ag.silu, lambda x: x / (1 + np.exp(-x)), with_kwargs(one(R))),
    OpCase(
        "hardtanh",
        ag.hardtanh,
        lambda x, min_val, max_val: np.clip(x, min_val, max_val),
        with_kwargs(one(HARDTANH), hardtanh_kwargs),
    ),
]
