"""Reductions and the softmax family."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_lite as ag

from .common import *  # noqa: F403


def _softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _reduced(np_fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x, axis=None, keepdims=False: np_fn(x, axis=axis, keepdims=keepdims)


CASES: list[OpCase] = [
    OpCase("sum", ag.sum, _reduced(np.sum), with_kwargs(one(R), reduce_kwargs), linear=True),
    OpCase("mean", ag.mean, _reduced(np.mean), with_kwargs(one(R), reduce_kwargs), linear=True),
    OpCase("max", ag.max, _reduced(np.max), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase("min", ag.min, _reduced(np.min), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase(
        "logsumexp",
        ag.logsumexp,
        _reduced(lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))),
        with_kwargs(one(R), reduce_kwargs),
    ),
    OpCase("softmax", ag.softmax, _softmax, with_kwargs(one(R, 1), one_axis)),
    OpCase(
        "log_softmax",
        ag.log_softmax,
        lambda x, axis=-1: np.log(_softmax(x, axis)),
        with_kwargs(one(R, 1), one_axis),
    ),
]
