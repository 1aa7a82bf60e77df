"""Special functions."""

from __future__ import annotations

import math

import numpy as np

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

R4 = ags.reals(4.0)  # erf: its tail region starts at 4

CASES: list[OpCase] = [
    OpCase("erf", ag.erf, np.vectorize(math.erf, otypes=[np.float64]), with_kwargs(one(R4))),
]
