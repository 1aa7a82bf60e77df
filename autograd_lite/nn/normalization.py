"""Normalisation layers: BatchNorm1d/2d, InstanceNorm1d/2d, LayerNorm, GroupNorm, RMSNorm.

Each is ``nn.functional``'s function of the same name (composed of ops) with its parameters
and buffers; errors name the layer.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.nn import functional as F
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.layers import _positive_int
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter
from autograd_lite.ops import expand_dims, squeeze

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "GroupNorm",
    "InstanceNorm1d",
    "InstanceNorm2d",
    "LayerNorm",
    "RMSNorm",
]


def _affine_parameters(
    module: Module, shape: tuple[int, ...], weight: bool, bias: bool, dtype: Any
) -> None:
    """Register ``weight`` (ones) and ``bias`` (zeros) of ``shape``, or None for each left out."""
    dtype = dtypes.resolve(dtype)
    module.register_parameter("weight", Parameter(np.ones(shape, dtype)) if weight else None)
    module.register_parameter("bias", Parameter(np.zeros(shape, dtype)) if bias else None)


def _reset_affine(module: Module) -> None:
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _NormBase(Module):
    """Batch and instance norm: per-channel (axis 1) affine parameters and running statistics."""

    _ndims: tuple[int, ...] = ()  # the input dimensions accepted

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        _positive_int(name, num_features=num_features)
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{name}: momentum must be in [0, 1] or None, got {momentum!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, (num_features,), affine, affine and bias, dtype)
        if track_running_stats:
            dtype = dtypes.resolve(dtype)
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            for buf in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(buf, None)

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            self.running_mean[...] = 0.0
            self.running_var[...] = 1.0
            self.num_batches_tracked[...] = 0

    def reset_parameters(self) -> None:
        """Weight 1, bias 0, and the running statistics reset."""
        self.reset_running_stats()
        _reset_affine(self)

    def _check_input(self, x: Any, channel_axis: int | None = 1) -> tuple[int, ...]:
        """The input's shape, checked: dimensions, and channels unless ``channel_axis`` is None."""
        shape = _shape(x)
        if len(shape) not in self._ndims or (
            channel_axis is not None and shape[channel_axis] != self.num_features
        ):
            raise ValueError(
                f"{type(self).__name__}: expected input with "
                f"{' or '.join(map(str, self._ndims))} dimensions and {self.num_features} "
                f"channels on axis 1 (0 if unbatched), got shape {shape}"
            )
        return shape

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class _BatchNorm(_NormBase):
    """Shared by BatchNorm1d/2d: statistics per channel (axis 1) over all other axes."""

    def forward(self, x: Any) -> Any:
        name = type(self).__name__
        shape = self._check_input(x)
        tracking = self.training and self.track_running_stats
        use_running = not self.training or self.track_running_stats
        y = F._channel_norm(
            name,
            x,
            (0, *range(2, len(shape))),
            self.running_mean if use_running else None,
            self.running_var if use_running else None,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            self.momentum,  # None: a cumulative average, 1 / (batches so far)
            self.eps,
            self.num_batches_tracked if tracking else None,  # counted with the statistics
        )
        return y


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


class _InstanceNorm(_NormBase):
    """Shared by InstanceNorm1d/2d: each sample's channels over their own spatial axes.

    PyTorch's defaults differ from batch norm's: no affine parameters, no running statistics.
    With ``track_running_stats`` the running statistics (the batch's mean of the instance
    statistics) are updated in training mode and used in eval mode; ``momentum=None`` then
    leaves them as they are, as PyTorch.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        *,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__(
            num_features, eps, momentum, affine, track_running_stats, bias=bias, dtype=dtype
        )

    def forward(self, x: Any) -> Any:
        name = type(self).__name__
        shape = self._check_input(x, None)
        unbatched = len(shape) == self._ndims[0]
        if shape[0 if unbatched else 1] != self.num_features:
            if self.affine or self.track_running_stats:
                self._check_input(x, 0 if unbatched else 1)  # raises
            warnings.warn(
                f"{name}: input shape {shape} has not num_features={self.num_features} "
                f"channels, which is unused without affine parameters or running statistics",
                stacklevel=2,
            )
        y = F._channel_norm(
            name,
            expand_dims(x, 0) if unbatched else x,
            tuple(range(2, self._ndims[1])),
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training or not self.track_running_stats,
            0.0 if self.momentum is None else self.momentum,
            self.eps,
        )
        return squeeze(y, 0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or unbatched (C, L) inputs (see ``F.instance_norm``).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.InstanceNorm1d(2)(np.array([[1.0, 3.0], [0.0, 10.0]])).round(3).tolist()
    [[-1.0, 1.0], [-1.0, 1.0]]
    """

    _ndims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or unbatched (C, H, W) inputs.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> y = nn.InstanceNorm2d(3)(np.random.default_rng(0).normal(size=(2, 3, 4, 4)))
    >>> bool(np.allclose(y.mean(axis=(2, 3)), 0.0))
    True
    """

    _ndims = (3, 4)


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
        self.normalized_shape = F._normalized_shape("LayerNorm", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, affine, affine and bias, dtype)

    def reset_parameters(self) -> None:
        """Weight 1, bias 0."""
        _reset_affine(self)

    def forward(self, x: Any) -> Any:
        return F._layer_norm(
            "LayerNorm", x, self.normalized_shape, self.weight, self.bias, self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class GroupNorm(Module):
    """Group normalisation of (N, C, ...) inputs: ``num_groups`` groups of channels, each group
    of each sample normalised over its channels and spatial axes; then per-channel ``weight``
    (ones) and ``bias`` (zeros) if ``affine``. The same in training and eval mode.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> gn = nn.GroupNorm(2, 4)
    >>> gn(np.array([[1.0, 3.0, 0.0, 10.0]], dtype=np.float32)).data.round(3).tolist()
    [[-1.0, 1.0, -1.0, 1.0]]
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        _positive_int("GroupNorm", num_groups=num_groups, num_channels=num_channels)
        if num_channels % num_groups:
            raise ValueError(
                f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups "
                f"({num_groups})"
            )
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        _affine_parameters(self, (num_channels,), affine, affine and bias, dtype)

    def reset_parameters(self) -> None:
        """Weight 1, bias 0."""
        _reset_affine(self)

    def forward(self, x: Any) -> Any:
        shape = _shape(x)
        if len(shape) < 2 or shape[1] != self.num_channels:
            raise ValueError(
                f"GroupNorm: expected input (N, {self.num_channels}, ...), got shape {shape}"
            )
        return F._group_norm("GroupNorm", x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class RMSNorm(Module):
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the trailing ``normalized_shape`` axes.

    ``eps=None`` is the machine epsilon of the input's dtype, and ``weight`` (ones; none
    without ``elementwise_affine``) has ``normalized_shape``, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.RMSNorm(2, dtype=np.float64)(np.array([[3.0, 4.0]])).data.round(4).tolist()
    [[0.8485, 1.1314]]
    """

    def __init__(
        self,
        normalized_shape: int | tuple[int, ...],
        eps: float | None = None,
        elementwise_affine: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.normalized_shape = F._normalized_shape("RMSNorm", normalized_shape)
        if eps is not None:
            F._real("RMSNorm", "eps", eps, 0.0, strict=False)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, False, dtype)

    def reset_parameters(self) -> None:
        """Weight 1."""
        _reset_affine(self)

    def forward(self, x: Any) -> Any:
        return F._rms_norm("RMSNorm", x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
