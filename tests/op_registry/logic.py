"""Comparisons and tests of values: no gradient."""

from __future__ import annotations

import numpy as np

import autograd_lite as ag

from .common import *  # noqa: F403

CASES: list[OpCase] = [
    *(
        OpCase(
            name,
            getattr(ag, name),
            getattr(np, name),
            with_kwargs(pair(EVEN, ODD)),
            differentiable=False,
        )
        for name in "less less_equal greater greater_equal equal not_equal".split()
    ),
    *(
        OpCase(
            name,
            getattr(ag, name),
            getattr(np, name),
            with_kwargs(booleans(2)),
            differentiable=False,
        )
        for name in "logical_and logical_or logical_xor".split()
    ),
    OpCase(
        "logical_not",
        ag.logical_not,
        np.logical_not,
        with_kwargs(booleans(1)),
        differentiable=False,
    ),
    *(
        OpCase(
            name,
            getattr(ag, name),
            getattr(np, name),
            with_kwargs(SPECIAL_VALUES),
            differentiable=False,
        )
        for name in "isnan isfinite isinf".split()
    ),
]
