"""Linear algebra."""

from __future__ import annotations

import numpy as np

import autograd_lite as ag

from .common import *  # noqa: F403

CASES: list[OpCase] = [
    OpCase("matmul", ag.matmul, np.matmul, with_kwargs(pair(R, R, signature=np.matmul.signature))),
]
