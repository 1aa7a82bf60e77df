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
    # aliases (one function, two names): second order is checked under the first name
    OpCase("absolute", ag.absolute, np.absolute, with_kwargs(one(KINK0)), order=1),
    OpCase("true_divide", ag.true_divide, np.true_divide, with_kwargs(pair(R, NONZERO)), order=1),
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
        "clamp",
        lambda x, min, max: ag.clamp(x, min, max),  # noqa: A006 - PyTorch's names
        lambda x, min, max: np.clip(x, min, max),  # noqa: A006
        with_kwargs(one(ags.away_from([-1.0, 1.0])), clip_kwargs),
        order=1,
    ),
    OpCase(
        "where",
        lambda a, b, condition: ag.where(condition, a, b),
        lambda a, b, condition: np.where(condition, a, b),
        with_kwargs(pair(R, R), where_kwargs),
        linear=True,
    ),
]


# Functions of one input, their numpy reference of the same name, and where to draw from.
_UNARY = {
    "tan": ags.interval(-1.3, 1.3),
    "sinh": R,
    "cosh": R,
    "arcsin": UNIT,
    "arccos": UNIT,
    "arctan": R,
    "arcsinh": R,
    "arccosh": ags.interval(1.0, 4.0, margin=0.1),
    "arctanh": UNIT,
    "log2": POS,
    "log10": POS,
    "log1p": ags.interval(-1.0, 3.0, margin=0.1),
    "expm1": R,
    "exp2": R,
    "square": R,
    "reciprocal": NONZERO,
    "sinc": R,  # 0 and tiny values included: the series near 0 is checked too
    "nan_to_num": R,
    # piecewise constant: zero gradients, drawn away from their jumps
    "floor": ODD,
    "ceil": ODD,
    "trunc": ODD,
    "rint": ODD,
    "sign": ODD,
}
_LINEAR = {"deg2rad", "rad2deg", "radians", "degrees"}
_ALIASES = {"radians", "degrees", "mod", "around"}  # (second order: under the first name)
_BINARY = {
    "floor_divide": (ODD, DIVISORS),
    "remainder": (ODD, DIVISORS),
    "mod": (ODD, DIVISORS),
    "fmod": (ODD, DIVISORS),
    "hypot": (NONZERO, R),
    "arctan2": (NONZERO, R),
    "logaddexp": (R, R),
    "logaddexp2": (R, R),
    "fmax": (EVEN, ODD),
    "fmin": (EVEN, ODD),
}

CASES += [
    *(OpCase(n, getattr(ag, n), getattr(np, n), with_kwargs(one(d))) for n, d in _UNARY.items()),
    *(
        OpCase(
            n,
            getattr(ag, n),
            getattr(np, n),
            with_kwargs(one(R)),
            linear=True,
            order=1 if n in _ALIASES else 2,
        )
        for n in sorted(_LINEAR)
    ),
    *(
        OpCase(
            n,
            getattr(ag, n),
            getattr(np, n),
            with_kwargs(pair(a, b)),
            order=1 if n in _ALIASES else 2,
        )
        for n, (a, b) in _BINARY.items()
    ),
    *(
        OpCase(
            name,
            getattr(ag, name),
            lambda x, decimals, name=name: getattr(np, name)(x, decimals),
            with_kwargs(
                one(ODD), lambda _: st.fixed_dictionaries({"decimals": st.sampled_from([0, 1, 2])})
            ),
            order=1 if name in _ALIASES else 2,
        )
        for name in ("round", "around")
    ),
]
