"""Reductions and the softmax family."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

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


def _weighted() -> Any:
    """Data and positive weights of the same shape."""
    return ags.arrays(domain=R).flatmap(
        lambda a: ags.arrays(a.shape, domain=POS).map(lambda w: (a, w))
    )


def _lower_median(x, axis):
    return np.quantile(x, 0.5, axis=axis, method="lower")


def _descending(x, axis):
    return -np.sort(-x, axis=axis)


def _topk(x, k, dim, largest):
    s = -np.sort(-x, axis=dim) if largest else np.sort(x, axis=dim)
    return np.take(s, np.arange(k), axis=dim)


def _one_axis_or_none(shapes):
    n = len(shapes[0])
    axes = st.none() | st.integers(-n, n - 1) if n else st.none()
    return st.fixed_dictionaries({"axis": axes})


def _arg_kwargs(shapes):
    return (
        _one_axis_or_none(shapes)
        .map(lambda kw: kw)
        .flatmap(lambda kw: st.booleans().map(lambda k: {**kw, "keepdims": k}))
    )


def _lattice_ints(min_dims: int = 0):
    """Small integers as floats, zeros and ties frequent: for the index functions."""
    return one(ags.lattice(1.0, within=ags.reals(2.0)), min_dims)


CASES += [
    OpCase("prod", ag.prod, _reduced(np.prod), with_kwargs(one(R), reduce_kwargs)),
    OpCase(
        "var",
        ag.var,
        lambda x, axis, keepdims, ddof: np.var(x, axis=axis, keepdims=keepdims, ddof=ddof),
        with_kwargs(one(R), reduce_ddof_kwargs),
    ),
    OpCase(
        "std",
        ag.std,
        lambda x, axis, keepdims, ddof: np.std(x, axis=axis, keepdims=keepdims, ddof=ddof),
        with_kwargs(one(DISTINCT), reduce_ddof_kwargs),  # (no two equal: std is a kink at 0)
    ),
    OpCase("amax", ag.amax, _reduced(np.amax), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase("amin", ag.amin, _reduced(np.amin), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase("ptp", ag.ptp, _reduced(np.ptp), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase(
        "max-dim",
        lambda x, axis: ag.max(x, dim=axis).values,
        lambda x, axis: np.max(x, axis=axis),
        with_kwargs(one(DISTINCT, 1), one_axis),
    ),
    OpCase("cumsum", ag.cumsum, np.cumsum, with_kwargs(one(R), scan_kwargs), linear=True),
    OpCase("cumprod", ag.cumprod, np.cumprod, with_kwargs(one(R), scan_kwargs)),
    OpCase(
        "average",
        lambda a, w, axis, keepdims: ag.average(a, axis, w, keepdims=keepdims),
        lambda a, w, axis, keepdims: np.average(a, axis, w, keepdims=keepdims),
        with_kwargs(_weighted(), reduce_kwargs),
    ),
    OpCase(
        "average-unweighted",
        lambda a, axis, keepdims: ag.average(a, axis, keepdims=keepdims),
        lambda a, axis, keepdims: np.average(a, axis, keepdims=keepdims),
        with_kwargs(one(R), reduce_kwargs),
        linear=True,
    ),
    OpCase("sort", ag.sort, np.sort, with_kwargs(one(DISTINCT), _one_axis_or_none)),
    OpCase(
        "sort-descending",
        lambda x, axis: ag.sort(x, dim=axis, descending=True).values,
        _descending,
        with_kwargs(one(DISTINCT, 1), one_axis),
    ),
    OpCase(
        "topk",
        lambda x, k, dim, largest: ag.topk(x, k, dim, largest).values,
        _topk,
        with_kwargs(one(DISTINCT, 1), topk_kwargs),
    ),
    OpCase("median", ag.median, _reduced(np.median), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase(
        "median-lower",
        lambda x: ag.median(x, keepdim=False),
        lambda x: np.quantile(x, 0.5, method="lower"),
        with_kwargs(one(DISTINCT)),
    ),
    OpCase(
        "median-dim",
        lambda x, axis: ag.median(x, dim=axis).values,
        _lower_median,
        with_kwargs(one(DISTINCT, 1), one_axis),
    ),
    OpCase(
        "quantile",
        lambda x, q, axis, keepdims, method: ag.quantile(x, q, axis, keepdims, method=method),
        lambda x, q, axis, keepdims, method: np.quantile(
            x, q, axis=axis, keepdims=keepdims, method=method
        ),
        with_kwargs(one(DISTINCT), quantile_kwargs),
    ),
    OpCase(
        "percentile",
        lambda x, q, axis, keepdims, method: ag.percentile(
            x, q * 100, axis, keepdims, method=method
        ),
        lambda x, q, axis, keepdims, method: np.percentile(
            x, q * 100, axis=axis, keepdims=keepdims, method=method
        ),
        with_kwargs(one(DISTINCT), quantile_kwargs),
    ),
    # index functions and truth tests: no gradient
    *(
        OpCase(
            name,
            lambda x, axis, keepdims, name=name: getattr(ag, name)(x, axis, keepdims),
            lambda x, axis, keepdims, name=name: getattr(np, name)(x, axis, keepdims=keepdims),
            with_kwargs(_lattice_ints(1), _arg_kwargs),
            differentiable=False,
        )
        for name in ("argmax", "argmin")
    ),
    OpCase(
        "argsort",
        ag.argsort,
        lambda x, axis: np.argsort(x, axis=axis, kind="stable"),
        with_kwargs(_lattice_ints(1), _one_axis_or_none),
        differentiable=False,
    ),
    OpCase(
        "nonzero",
        lambda x: ag.stack(ag.nonzero(x)),
        lambda x: np.stack(np.nonzero(x)),
        with_kwargs(_lattice_ints(1)),
        differentiable=False,
    ),
    *(
        OpCase(
            name,
            getattr(ag, name),
            _reduced(getattr(np, name)),
            with_kwargs(_lattice_ints(), reduce_kwargs),
            differentiable=False,
        )
        for name in ("all", "any", "count_nonzero")
    ),
]
