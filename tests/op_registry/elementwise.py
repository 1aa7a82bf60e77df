"""Elementwise ops: arithmetic, math functions, activations."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

CASES: list[OpCase] = [
    OpCase("add", ag.add, np.add, with_kwargs(pair(R, R)), linear=True),
    OpCase("subtract", ag.subtract, np.subtract, with_kwargs(pair(R, R)), linear=True),
    OpCase("multiply", ag.multiply, np.multiply, with_kwargs(pair(R, R))),
    OpCase("divide", ag.divide, np.divide, with_kwargs(pair(R, NONZERO))),
    OpCase("negative", ag.negative, np.negative, with_kwargs(one(R)), linear=True),
    OpCase("power", ag.power, np.power, with_kwargs(pair(POS, ags.reals(2.0)))),
    OpCase(
        "power-scalar-exponent",
        lambda x, exponent: ag.power(x, exponent),
        lambda x, exponent: np.power(x, exponent),
        with_kwargs(one(R), lambda _: st.fixed_dictionaries({"exponent": st.sampled_from([2, 3])})),
    ),
    OpCase("exp", ag.exp, np.exp, with_kwargs(one(R))),
    OpCase("log", ag.log, np.log, with_kwargs(one(POS))),
    OpCase("sqrt", ag.sqrt, np.sqrt, with_kwargs(one(POS))),
    OpCase("abs", ag.abs, np.abs, with_kwargs(one(KINK0))),
    OpCase("sin", ag.sin, np.sin, with_kwargs(one(R))),
    OpCase("cos", ag.cos, np.cos, with_kwargs(one(R))),
    OpCase("tanh", ag.tanh, np.tanh, with_kwargs(one(R))),
    OpCase("sigmoid", ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), with_kwargs(one(ags.reals(6.0)))),
    OpCase("relu", ag.relu, lambda x: np.maximum(x, 0.0), with_kwargs(one(KINK0))),
    OpCase(
        "leaky_relu",
        ag.leaky_relu,
        lambda x, negative_slope: np.where(x > 0, x, negative_slope * x),
        with_kwargs(
            one(KINK0),
            lambda _: st.fixed_dictionaries({"negative_slope": st.sampled_from([0.01, 0.2])}),
        ),
    ),
    OpCase("maximum", ag.maximum, np.maximum, with_kwargs(pair(EVEN, ODD))),
    OpCase("minimum", ag.minimum, np.minimum, with_kwargs(pair(EVEN, ODD))),
    OpCase(
        "clip",
        ag.clip,
        lambda x, min, max: np.clip(x, min, max),  # noqa: A006
        with_kwargs(one(ags.away_from([-1.0, 1.0])), clip_kwargs),
    ),
    OpCase(
        "where",
        lambda a, b, condition: ag.where(condition, a, b),
        lambda a, b, condition: np.where(condition, a, b),
        with_kwargs(pair(R, R), where_kwargs),
        linear=True,
    ),
]
