"""Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm (composed of ops)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.core import value
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.layers import _positive_int
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


def _normalize(x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, Any, Any]:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (biased variance), that mean and variance."""
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    return centered * (var + eps) ** -0.5, mean, var


class _BatchNorm(Module):
    """Shared by BatchNorm1d/2d: statistics per channel (axis 1) over all other axes."""

    _ndims: tuple[int, ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        _positive_int(name, num_features=num_features)
        dtype = dtypes.resolve(dtype)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            for buf in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(buf, None)

    def reset_parameters(self) -> None:
        """Weight 1, bias 0, running mean 0, running variance 1."""
        if self.affine:
            init.ones_(self.weight)
            init.zeros_(self.bias)
        if self.track_running_stats:
            self.running_mean[...] = 0.0
            self.running_var[...] = 1.0
            self.num_batches_tracked[...] = 0

    def forward(self, x: Any) -> Any:
        name = type(self).__name__
        shape = _shape(x)
        if len(shape) not in self._ndims or shape[1] != self.num_features:
            raise ValueError(
                f"{name}: expected input with {' or '.join(map(str, self._ndims))} dimensions "
                f"and {self.num_features} channels on axis 1, got shape {shape}"
            )
        axes = (0, *range(2, len(shape)))
        bshape = (1, self.num_features) + (1,) * (len(shape) - 2)
        if self.training or not self.track_running_stats:
            n = math.prod(shape[a] for a in axes)
            if n < 2:
                raise ValueError(
                    f"{name}: need more than 1 value per channel in training mode, got input "
                    f"shape {shape}"
                )
            y, mean, var = _normalize(x, axes, self.eps)
            if self.training and self.track_running_stats:
                self._update_running_stats(value(mean).reshape(-1), value(var).reshape(-1), n)
        else:
            mean = self.running_mean.reshape(bshape)
            inv = 1.0 / np.sqrt(self.running_var.reshape(bshape) + self.eps)
            y = (x - mean) * inv.astype(mean.dtype)
        if self.affine:
            y = y * self.weight.reshape(bshape) + self.bias.reshape(bshape)
        return y

    def _update_running_stats(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        # In place (the arrays stay the module's buffers); running var is unbiased, as PyTorch.
        self.num_batches_tracked += 1
        m = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
        self.running_mean *= 1.0 - m
        self.running_mean += m * mean
        self.running_var *= 1.0 - m
        self.running_var += (m * n / (n - 1)) * var

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C.

    Training mode normalises with the batch's mean and (biased) variance and updates
    ``running_mean`` / ``running_var`` (unbiased) with ``momentum`` (0.1; ``None``
    for a cumulative average); eval mode normalises with the running statistics.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> bn = nn.BatchNorm1d(2)
    >>> y = bn(np.array([[1.0, 10.0], [3.0, 30.0]], dtype=np.float32))
    >>> y.data.round(3).tolist(), bn.running_mean.tolist()
    ([[-1.0, -1.0], [1.0, 1.0]], [0.20000000298023224, 2.0])
    """

    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C (see BatchNorm1d).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.BatchNorm2d(3)(np.random.default_rng(0).normal(size=(4, 3, 5, 5))).shape
    (4, 3, 5, 5)
    """

    _ndims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing ``normalized_shape`` dimensions of each sample.

    ``y = (x - mean) / sqrt(var + eps) * weight + bias``, biased variance, weight 1
    and bias 0 at start, the same in training and eval mode.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> y = nn.LayerNorm(4)(np.array([[1.0, 2.0, 3.0, 4.0]], dtype=np.float32))
    >>> np.round(y.data.astype(float), 3).tolist()
    [[-1.342, -0.447, 0.447, 1.342]]
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        shape = (
            (normalized_shape,)
            if isinstance(normalized_shape, (int, np.integer))
            else tuple(normalized_shape)
        )
        if not shape or not all(isinstance(n, (int, np.integer)) and n > 0 for n in shape):
            raise ValueError(
                f"LayerNorm: normalized_shape must be positive ints, got {normalized_shape!r}"
            )
        self.normalized_shape, self.eps = tuple(int(n) for n in shape), eps
        dtype = dtypes.resolve(dtype)
        self.elementwise_affine = elementwise_affine
        shape, affine = self.normalized_shape, elementwise_affine
        self.register_parameter("weight", Parameter(np.ones(shape, dtype)) if affine else None)
        self.register_parameter(
            "bias", Parameter(np.zeros(shape, dtype)) if affine and bias else None
        )

    def forward(self, x: Any) -> Any:
        k = len(self.normalized_shape)
        if tuple(_shape(x)[-k:]) != self.normalized_shape or len(_shape(x)) < k:
            raise ValueError(
                f"LayerNorm: input shape {_shape(x)} does not end with normalized_shape "
                f"{self.normalized_shape}"
            )
        y, _, _ = _normalize(x, tuple(range(-k, 0)), self.eps)
        if self.weight is not None:
            y = y * self.weight
        if self.bias is not None:
            y = y + self.bias
        return y

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
