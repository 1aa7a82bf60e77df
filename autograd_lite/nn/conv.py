"""Convolution and pooling layers (NCHW), on the ops of :mod:`autograd_lite.nn.layer_ops`."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import IntPair, _pair, avg_pool2d, conv2d, max_pool2d
from autograd_lite.nn.layers import _default_init_, _positive_int
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter

__all__ = ["AvgPool2d", "Conv2d", "MaxPool2d"]


class Conv2d(Module):
    """2-D convolution (cross-correlation, as PyTorch) of (N, C_in, H, W) inputs.

    ``weight`` has shape (out_channels, in_channels, kh, kw); weight and bias start
    as U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in_channels * kh * kw``,
    PyTorch's default. ``dtype`` defaults to ``ag.get_default_dtype()``; ``rng`` is a
    Generator or seed.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> conv = nn.Conv2d(1, 6, kernel_size=5, padding=2, rng=0)
    >>> conv(np.zeros((2, 1, 28, 28), dtype=np.float32)).shape
    (2, 6, 28, 28)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntPair,
        stride: IntPair = 1,
        padding: IntPair = 0,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        _positive_int("Conv2d", in_channels=in_channels, out_channels=out_channels)
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = _pair(stride, "stride", "Conv2d", 1)
        self.padding = _pair(padding, "padding", "Conv2d", 0)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        dtype = dtypes.resolve(dtype)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values (PyTorch's default scheme)."""
        _default_init_(self.weight, self.bias, rng)

    def forward(self, x: Any) -> Any:
        return conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}, padding={self.padding}, bias={self.bias is not None}"
        )


class _Pool2d(Module):
    def __init__(
        self, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0
    ) -> None:
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _pair(kernel_size, "kernel_size", name, 1)
        self.stride = self.kernel_size if stride is None else _pair(stride, "stride", name, 1)
        self.padding = _pair(padding, "padding", name, 0)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Maximum over windows of (N, C, H, W) inputs; ``stride`` defaults to ``kernel_size``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.MaxPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    def forward(self, x: Any) -> Any:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean over windows of (N, C, H, W) inputs (zero padding counted); stride defaults to kernel.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """

    def forward(self, x: Any) -> Any:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)
