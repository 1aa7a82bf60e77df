"""Reductions (sum, mean, max, min, logsumexp) and the softmax family, over numpy-style axes.

Forwards call ``np.add.reduce``/``np.maximum.reduce`` directly: that is what ``np.sum`` and
``np.max`` run, after ~1.5 us of Python dispatch per call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core import Op, apply_unary, value
from .declarations import declare
from .elementwise import exp
from .shape import broadcast_to

Axis = int | tuple[int, ...] | None


def normalize_axes(axis: Axis, ndim: int, op: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints; a clear error for bad or repeated axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: axis {a} is out of range for a tensor of shape {shape} "
                f"({ndim} dimensions; valid axes are {-ndim}..{ndim - 1})"
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def _finite_max(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The max over ``axes`` (kept), with non-finite maxima replaced by 0: the shift that makes
    exp(x - shift) safe without turning an all -inf or +inf slice into NaN."""
    m = np.maximum.reduce(x, axis=axes, keepdims=True)
    return np.where(np.isfinite(m), m, 0)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class _Reduction(Op):
    """Reduces over ``axis`` (None = all), optionally keeping the reduced dims."""

    __slots__ = ("axis", "keepdims", "_axes")

    def __init__(self, axis: Axis = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = bool(keepdims)

    def _setup(self, x: np.ndarray) -> tuple[int, ...]:
        self._axes = normalize_axes(self.axis, x.ndim, self.name, x.shape)
        return self._axes

    def _grad_kept(self, g: Any, x: Any) -> Any:
        """The upstream gradient reshaped so that it broadcasts against the input."""
        if self.keepdims or g.ndim == 0:  # a full reduction's scalar broadcasts as it is
            return g
        return g.reshape(_kept_shape(x.shape, self._axes))


class Sum(_Reduction):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return np.add.reduce(x, axis=self._setup(x), keepdims=self.keepdims)

    def backward(self, g, y, x):
        return broadcast_to(self._grad_kept(g, x), x.shape)


class Mean(_Reduction):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return np.mean(x, axis=self._setup(x), keepdims=self.keepdims)

    def backward(self, g, y, x):
        shape = x.shape
        count = math.prod(shape[a] for a in self._axes)
        return broadcast_to(self._grad_kept(g, x) / count, shape)


class _Extreme(_Reduction):
    """max/min: tied elements share the gradient equally, as PyTorch's full reductions do."""

    __slots__ = ()
    reduce: Any = None

    def forward(self, x):
        axes = self._setup(x)
        if x.size == 0:
            raise ValueError(f"{self.name}: cannot reduce an empty tensor of shape {x.shape}")
        return self.reduce(x, axis=axes, keepdims=self.keepdims)

    def backward(self, g, y, x):
        xv = value(x)
        hit = xv == value(self._grad_kept(y, x))
        share = hit / hit.sum(axis=self._axes, keepdims=True, dtype=xv.dtype)
        return self._grad_kept(g, x) * share.astype(xv.dtype, copy=False)


class Max(_Extreme):
    __slots__ = ()
    reduce = staticmethod(np.maximum.reduce)


class Min(_Extreme):
    __slots__ = ()
    reduce = staticmethod(np.minimum.reduce)


class Logsumexp(_Reduction):
    """log(sum(exp(x))) computed with the max shifted out: finite for any finite input."""

    __slots__ = ()

    def forward(self, x):
        axes = self._setup(x)
        m = _finite_max(x, axes)
        out = np.log(np.add.reduce(np.exp(x - m), axis=axes, keepdims=True)) + m
        return out if self.keepdims else out.reshape(np.delete(x.shape, axes))

    def backward(self, g, y, x):
        # softmax(x), computed from x shifted by its max (a constant: softmax ignores shifts)
        # rather than as exp(x - y), which would carry y's rounding error into every entry.
        z = x - _finite_max(value(x), self._axes)
        return self._grad_kept(g, x) * exp(z - logsumexp(z, axis=self._axes, keepdims=True))


class _AlongAxis(Op):
    __slots__ = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def _check(self, x: np.ndarray) -> None:
        normalize_axes(self.axis, x.ndim, self.name, x.shape)
        if not isinstance(self.axis, (int, np.integer)):
            raise TypeError(f"{self.name}: axis must be a single int, got {self.axis!r}")


class Softmax(_AlongAxis):
    """exp(x) / sum(exp(x)) along ``axis``, with the max shifted out for stability."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        self._check(x)
        e = np.exp(x - np.maximum.reduce(x, axis=self.axis, keepdims=True))
        e /= np.add.reduce(e, axis=self.axis, keepdims=True)
        return e

    def backward(self, g, y, x):
        return y * (g - (g * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(_AlongAxis):
    """x - logsumexp(x) along ``axis``: finite for any finite logits."""

    __slots__ = ()
    name = "log_softmax"
    reads_inputs = False

    def forward(self, x):
        self._check(x)
        z = x - np.maximum.reduce(x, axis=self.axis, keepdims=True)
        return z - np.log(np.add.reduce(np.exp(z), axis=self.axis, keepdims=True))

    def backward(self, g, y, x):
        return g - exp(y) * g.sum(axis=self.axis, keepdims=True)


@declare(method=True, numpy=np.sum)
def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over ``axis`` (None: all elements), like ``np.sum``."""
    return apply_unary(Sum(axis, keepdims), x)


@declare(method=True, numpy=np.mean)
def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """Mean over ``axis`` (None: all elements), like ``np.mean``."""
    return apply_unary(Mean(axis, keepdims), x)


@declare(method=True, numpy=(np.max, np.amax))
def max(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Maximum over ``axis``; tied maxima share the gradient equally."""
    return apply_unary(Max(axis, keepdims), x)


@declare(method=True, numpy=(np.min, np.amin))
def min(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Minimum over ``axis``; tied minima share the gradient equally."""
    return apply_unary(Min(axis, keepdims), x)


@declare(method=True)
def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Any:
    """log(sum(exp(x), axis)), stable for large logits (±1e4 in float32 and float64)."""
    return apply_unary(Logsumexp(axis, keepdims), x)


@declare(method=True)
def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax along ``axis`` (the class axis is the last by default)."""
    return apply_unary(Softmax(axis), x)


@declare(method=True)
def log_softmax(x: Any, axis: int = -1) -> Any:
    """Log of the softmax along ``axis``, computed stably."""
    return apply_unary(LogSoftmax(axis), x)
