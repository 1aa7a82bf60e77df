"""Convolution, pooling and resampling layers, PyTorch's, on :mod:`autograd_lite.nn.spatial`.

Constructor arguments, parameter names and layouts are PyTorch's, so a PyTorch
``state_dict`` converted to numpy arrays loads by name and gives PyTorch's outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.nn import init
from autograd_lite.nn import spatial as S
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.layers import _default_init_, _positive_int
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter

__all__ = [
    "AdaptiveAvgPool2d",
    "AdaptiveMaxPool2d",
    "AvgPool2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "MaxPool2d",
    "Upsample",
]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """What Conv1d, Conv2d and ConvTranspose2d share: PyTorch's convolution signature (the
    transposed one has its own), checks, parameters, initialisation, repr and forward."""

    _nd = 2
    _transposed = False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: S.IntOrTuple,
        stride: S.IntOrTuple = 1,
        padding: S.Padding = 0,
        dilation: S.IntOrTuple = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        self._setup(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, 0, dtype, rng,
        )  # fmt: skip

    def _setup(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: S.IntOrTuple,
        stride: S.IntOrTuple,
        padding: S.Padding,
        dilation: S.IntOrTuple,
        groups: int,
        bias: bool,
        padding_mode: str,
        output_padding: S.IntOrTuple,
        dtype: Any,
        rng: init.RNGLike,
    ) -> None:
        Module.__init__(self)
        name, nd = type(self).__name__, self._nd
        _positive_int(name, in_channels=in_channels, out_channels=out_channels, groups=groups)
        if in_channels % groups:
            raise ValueError(
                f"{name}: in_channels ({in_channels}) must be divisible by groups ({groups})"
            )
        if out_channels % groups:
            raise ValueError(
                f"{name}: out_channels ({out_channels}) must be divisible by groups ({groups})"
            )
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"{name}: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}"
            )
        if self._transposed and padding_mode != "zeros":
            raise ValueError(
                f"{name}: only padding_mode='zeros' is supported, got {padding_mode!r}"
            )
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = S._ints(name, "kernel_size", kernel_size, nd, 1)
        self.stride = S._ints(name, "stride", stride, nd, 1)
        self.dilation = S._ints(name, "dilation", dilation, nd, 1)
        self.output_padding = S._ints(name, "output_padding", output_padding, nd, 0)
        self.groups = int(groups)
        self.padding_mode = padding_mode
        if isinstance(padding, str) and not self._transposed:
            pairs = S._conv_padding(name, padding, self.kernel_size, self.stride, self.dilation)
            self.padding: str | tuple[int, ...] = padding
        else:
            self.padding = S._ints(name, "padding", padding, nd, 0)
            pairs = tuple((p, p) for p in self.padding)
        # F.pad's argument for the other padding modes: (before, after) pairs, last axis first
        self._reversed_padding_repeated_twice = tuple(p for pair in reversed(pairs) for p in pair)
        if self._transposed:
            shape = (self.in_channels, self.out_channels // groups, *self.kernel_size)
        else:
            shape = (self.out_channels, self.in_channels // groups, *self.kernel_size)
        dtype = dtypes.resolve(dtype)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        self.bias = Parameter(np.empty(self.out_channels, dtype=dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values: PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        with ``fan_in = weight.shape[1] * prod(kernel_size)``."""
        _default_init_(self.weight, self.bias, rng)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
        s += f", stride={self.stride}"
        if self.padding != (0,) * self._nd:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._nd:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._nd:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def forward(self, x: Any) -> Any:
        padding: S.Padding = self.padding
        if self.padding_mode != "zeros":
            x = S.pad(x, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            padding = 0
        return S._convolution(
            type(self).__name__, self._nd, x, self.weight, self.bias, self.stride, padding,
            self.dilation, self.groups,
        )  # fmt: skip


class Conv1d(_ConvNd):
    """1-D convolution (cross-correlation, as PyTorch) of (N, C_in, L) or (C_in, L) inputs.

    ``weight`` (out_channels, in_channels / groups, k) and ``bias`` (out_channels,) start
    as PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)). Arguments as
    :class:`Conv2d`, along one axis.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> conv = nn.Conv1d(2, 4, kernel_size=3, padding="same", padding_mode="circular", rng=0)
    >>> conv(np.zeros((5, 2, 10), dtype=np.float32)).shape
    (5, 4, 10)
    """

    _nd = 1


class Conv2d(_ConvNd):
    """2-D convolution (cross-correlation, as PyTorch) of (N, C_in, H, W) or (C_in, H, W) inputs.

    ``weight`` has shape (out_channels, in_channels / groups, kh, kw); weight and bias start
    as U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with ``fan_in = in_channels / groups * kh * kw``,
    PyTorch's default. ``padding`` is an int, a pair, ``'same'`` or ``'valid'``;
    ``padding_mode`` is ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``;
    ``dilation`` and ``groups`` as in :func:`nn.functional.conv2d`. ``dtype`` defaults to
    ``ag.get_default_dtype()``; ``rng`` is a Generator or seed.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> conv = nn.Conv2d(1, 6, kernel_size=5, padding=2, rng=0)
    >>> conv(np.zeros((2, 1, 28, 28), dtype=np.float32)).shape
    (2, 6, 28, 28)
    """


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution (the gradient of Conv2d with respect to its input).

    ``weight`` has shape (in_channels, out_channels / groups, kh, kw), as PyTorch; the output
    of an (N, C_in, H, W) input is (N, C_out, Ho, Wo) with
    ``Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1``. ``forward(x, output_size)``
    picks the ``output_padding`` that gives that size.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> up = nn.ConvTranspose2d(4, 2, kernel_size=3, stride=2, padding=1, rng=0)
    >>> up(np.zeros((1, 4, 5, 5), dtype=np.float32)).shape
    (1, 2, 9, 9)
    >>> up(np.zeros((1, 4, 5, 5), dtype=np.float32), output_size=(10, 10)).shape
    (1, 2, 10, 10)
    """

    _transposed = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: S.IntOrTuple,
        stride: S.IntOrTuple = 1,
        padding: S.IntOrTuple = 0,
        output_padding: S.IntOrTuple = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: S.IntOrTuple = 1,
        padding_mode: str = "zeros",
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        self._setup(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias,
            padding_mode, output_padding, dtype, rng,
        )  # fmt: skip

    padding: tuple[int, ...]  # never a string: PyTorch has no 'same' for transposed convolutions

    def forward(self, x: Any, output_size: Any = None) -> Any:
        return S._conv_transpose(
            type(self).__name__, x, self.weight, self.bias, self.stride, self.padding,
            self._output_padding(x, output_size), self.groups, self.dilation,
        )  # fmt: skip

    def _output_padding(self, x: Any, output_size: Any) -> tuple[int, ...]:
        """The output_padding that gives ``output_size`` (spatial, or with N, C in front)."""
        if output_size is None:
            return self.output_padding
        name, xs = type(self).__name__, _shape(x)
        size = tuple(output_size)[-2:] if len(tuple(output_size)) in (3, 4) else tuple(output_size)
        if len(size) != 2 or len(xs) not in (3, 4):
            raise ValueError(
                f"{name}: output_size must have 2, 3 or 4 entries, got {output_size!r}"
            )
        extra = []
        for n, want, k, s, p, d in zip(
            xs[-2:], size, self.kernel_size, self.stride, self.padding, self.dilation
        ):
            smallest = (n - 1) * s - 2 * p + d * (k - 1) + 1
            if not smallest <= want < smallest + s:
                raise ValueError(
                    f"{name}: requested output_size {tuple(size)} is out of range: for input "
                    f"shape {xs} each side must lie in [{smallest}, {smallest + s - 1}]"
                )
            extra.append(want - smallest)
        return tuple(extra)


class _Pool2d(Module):
    def __init__(
        self, kernel_size: S.IntOrTuple, stride: Any, padding: S.IntOrTuple, ceil_mode: bool
    ) -> None:
        super().__init__()
        # Stored as given, as PyTorch (its repr shows 2, not (2, 2)); the functions check them.
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = bool(ceil_mode)


class MaxPool2d(_Pool2d):
    """Maximum over windows of (N, C, H, W) or (C, H, W) inputs; ``stride`` defaults to
    ``kernel_size``. Arguments as :func:`nn.functional.max_pool2d`.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.MaxPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """

    def __init__(
        self,
        kernel_size: S.IntOrTuple,
        stride: S.IntOrTuple | None = None,
        padding: S.IntOrTuple = 0,
        dilation: S.IntOrTuple = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.dilation = dilation
        self.return_indices = bool(return_indices)

    def forward(self, x: Any) -> Any:
        return S._max_pool(
            type(self).__name__, x, self.kernel_size, self.stride, self.padding, self.dilation,
            self.ceil_mode, self.return_indices,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(_Pool2d):
    """Mean over windows of (N, C, H, W) or (C, H, W) inputs; ``stride`` defaults to
    ``kernel_size``. Arguments as :func:`nn.functional.avg_pool2d`.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.AvgPool2d(2)(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """

    def __init__(
        self,
        kernel_size: S.IntOrTuple,
        stride: S.IntOrTuple | None = None,
        padding: S.IntOrTuple = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = bool(count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x: Any) -> Any:
        return S._avg_pool(
            type(self).__name__, x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed ``output_size`` (an int, or a pair with None entries
    keeping the input's size), whatever the input size.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.AdaptiveAvgPool2d((1, 1))(np.ones((2, 3, 7, 5))).shape
    (2, 3, 1, 1)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, x: Any) -> Any:
        return S.adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed ``output_size`` (as :class:`AdaptiveAvgPool2d`).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.AdaptiveMaxPool2d(2)(np.arange(25.0).reshape(1, 1, 5, 5))[0, 0].tolist()
    [[12.0, 14.0], [22.0, 24.0]]
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = bool(return_indices)

    def forward(self, x: Any) -> Any:
        return S.adaptive_max_pool2d(x, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class Upsample(Module):
    """Resize the spatial axes to ``size`` or by ``scale_factor`` (``F.interpolate``).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Upsample(scale_factor=2, mode="bilinear")(np.ones((1, 1, 2, 3))).shape
    (1, 1, 4, 6)
    """

    def __init__(
        self,
        size: S.IntOrTuple | None = None,
        scale_factor: float | tuple[float, ...] | None = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor: float | tuple[float, ...] | None = tuple(map(float, scale_factor))
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, x: Any) -> Any:
        return S.interpolate(
            x, self.size, self.scale_factor, self.mode, self.align_corners,
            self.recompute_scale_factor,
        )  # fmt: skip

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor!r}, mode={self.mode!r}"
        return f"size={self.size!r}, mode={self.mode!r}"
