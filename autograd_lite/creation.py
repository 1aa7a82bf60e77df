"""Creation helpers: leaf tensors filled with constants, ranges or random numbers."""

from __future__ import annotations

from typing import Any

import numpy as np

from .core import Tensor

__all__ = ["zeros", "ones", "zeros_like", "ones_like", "full", "arange", "randn", "rand", "as_rng"]

Shape = int | tuple[int, ...]


def _shape(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``zeros(2, 3)`` and ``zeros((2, 3))`` alike."""
    if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
        return tuple(shape[0])
    return tuple(shape)


RNGLike = np.random.Generator | int | None  # what every ``rng=``/``seed=`` argument takes


def as_rng(rng: RNGLike) -> np.random.Generator:
    """A numpy Generator from a Generator (returned as it is), a seed, or None (fresh entropy)."""
    return np.random.default_rng(rng)


def zeros(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad)


def ones(*shape: Any, dtype: Any = np.float64, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad)


def full(shape: Shape, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.full(shape, fill_value, dtype=dtype), requires_grad)


def zeros_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros_like(np.asarray(x), dtype=dtype), requires_grad)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones_like(np.asarray(x), dtype=dtype), requires_grad)


def arange(*args: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Like ``np.arange``: ``arange(stop)``, ``arange(start, stop[, step])``."""
    return Tensor(np.arange(*args, dtype=dtype), requires_grad)


def randn(
    *shape: Any,
    rng: RNGLike = None,
    dtype: Any = np.float64,
    requires_grad: bool = False,
) -> Tensor:
    """Standard normal samples; ``rng`` is a numpy Generator or a seed, for reproducibility.

    >>> import autograd_lite as ag
    >>> ag.randn(2, 3, rng=0).shape
    (2, 3)
    """
    data = as_rng(rng).standard_normal(_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad)


def rand(
    *shape: Any,
    rng: RNGLike = None,
    dtype: Any = np.float64,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples in [0, 1); ``rng`` is a numpy Generator or a seed."""
    data = as_rng(rng).random(_shape(shape)).astype(dtype, copy=False)
    return Tensor(data, requires_grad)
