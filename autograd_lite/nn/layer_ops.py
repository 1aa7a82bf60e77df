"""The nn package's dedicated ops: linear, 2-D convolution and pooling (NCHW, as PyTorch).

``linear(x, w, b) = x @ w.T + b`` is one node instead of three (transpose, matmul,
add): the weight gradient ``g.T @ x`` comes out in the weight's own layout, with no
transposed copy, which keeps a training step of an MLP as fast as hand-written numpy.

Convolution is im2col on a strided view of the (padded) input followed by one
matrix product; its gradients are two more ops of the same kind:

* ``conv2d(x, w)``                 -> y
* ``conv2d_grad_input(g, w)``      -> dx  (the transposed convolution, adjoint of conv2d in x)
* ``conv2d_grad_weight(x, g)``     -> dw  (adjoint of conv2d in w)

All three are bilinear, and the backward of each is written with the other two,
so gradients of gradients of any order work (``create_graph=True``).
Max pooling gathers the maximum of each window (the positions found by ``argmax``
in the forward); its backward scatters into those positions, and the scatter's
backward gathers again. Average pooling's backward spreads each gradient over its
window, and that op's backward is average pooling. Python loops run over kernel
offsets (at most ``kh * kw`` numpy calls), never over pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from autograd_lite.core import Op

__all__ = ["avg_pool2d", "conv2d", "linear", "max_pool2d"]

IntPair = int | tuple[int, int]
Pair = tuple[int, int]


def _shape(x: Any) -> tuple[int, ...]:
    """``np.shape`` without the detour through ``__array_function__`` for Tensors (hot path)."""
    shape = getattr(x, "shape", None)
    return shape if shape is not None else np.shape(x)


def _pair(v: Any, what: str, fn: str, minimum: int) -> Pair:
    pair = (v, v) if isinstance(v, (int, np.integer)) else tuple(v)
    if len(pair) != 2 or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= minimum for n in pair
    ):
        raise ValueError(f"{fn}: {what} must be an int >= {minimum} or a pair of them, got {v!r}")
    return int(pair[0]), int(pair[1])


def _windows(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, fill: float = 0.0):
    """A strided view (N, C, Ho, Wo, kh, kw) of the padded input: no copy but the padding."""
    (ph, pw), (sh, sw) = padding, stride
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    return sliding_window_view(x, kernel, axis=(2, 3))[:, :, ::sh, ::sw]


def _im2col(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """Rows of (N * Ho * Wo, C * kh * kw): one row per output pixel (a copy)."""
    win = _windows(x, kernel, stride, padding)
    n, c, ho, wo, kh, kw = win.shape
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)


def _col2im(cols: np.ndarray, hw: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """Adjoint of ``_windows``: sum (N, C, Ho, Wo, kh, kw) windows back onto (N, C, H, W)."""
    n, c, ho, wo, kh, kw = cols.shape
    (h, w), (sh, sw), (ph, pw) = hw, stride, padding
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] += cols[..., i, j]
    return out[:, :, ph : ph + h, pw : pw + w]


def _rows(g: np.ndarray) -> np.ndarray:
    """(N, O, Ho, Wo) -> (N * Ho * Wo, O); a view when g is laid out as conv2d returns it."""
    return g.transpose(0, 2, 3, 1).reshape(-1, g.shape[1])


# ----------------------------------------------------------------------------- linear


class Linear(Op):
    """``y = x @ w.T (+ b)`` for x of shape (..., in), w (out, in), b (out,)."""

    __slots__ = ()
    name = "linear"

    def forward(self, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        y = x @ w.T
        if b is not None:
            b = np.asarray(b)
            if b.dtype == y.dtype:
                y += b  # in place: y is fresh
            else:  # numpy's promotion, as x @ w.T + b (an int product and a float bias)
                y = y + b
        return y

    def backward(self, g, y, x, w, *b):
        need = self.needs_grad
        gx = g @ w if need[0] else None
        if g.ndim != 2:  # rows of samples, so that both remaining gradients are plain products
            g = g.reshape(-1, w.shape[0])
            x = x.reshape(-1, w.shape[1])
        gw = g.T @ x if need[1] else None
        if not b:
            return gx, gw
        return gx, gw, (g.sum(axis=0) if need[2] else None)


def linear(x: Any, weight: Any, bias: Any = None) -> Any:
    """``x @ weight.T + bias`` with ``weight`` of shape (out_features, in_features).

    Example
    -------
    >>> import numpy as np
    >>> linear(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4)).shape
    (2, 4)
    """
    ws, xs = _shape(weight), _shape(x)
    if len(ws) != 2 or not xs or xs[-1] != ws[1]:
        raise ValueError(
            f"linear: input of shape {xs} does not fit weight of shape {ws}; expected "
            f"input (..., in_features) and weight (out_features, in_features)"
        )
    if bias is None:
        return Linear()(x, weight)
    if _shape(bias) != (ws[0],):
        raise ValueError(f"linear: bias must have shape ({ws[0]},), got {_shape(bias)}")
    return Linear()(x, weight, bias)


# ----------------------------------------------------------------------------- convolution


class _ConvOp(Op):
    __slots__ = ("stride", "padding")

    def __init__(self, stride: Pair, padding: Pair) -> None:
        self.stride = stride
        self.padding = padding


class Conv2d(_ConvOp):
    """``y[n, o] = sum_c x[n, c] * w[o, c] (+ b[o])``, cross-correlation as in PyTorch."""

    __slots__ = ()
    name = "conv2d"

    def forward(self, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        o, _, kh, kw = w.shape
        n, _, h, wd = x.shape
        col = _im2col(x, (kh, kw), self.stride, self.padding)
        self.saved = col  # reused by the weight gradient; the engine frees it after backward
        out = col @ w.reshape(o, -1).T
        if b is not None:
            out += b
        ho = (h + 2 * self.padding[0] - kh) // self.stride[0] + 1
        wo = (wd + 2 * self.padding[1] - kw) // self.stride[1] + 1
        return out.reshape(n, ho, wo, o).transpose(0, 3, 1, 2)

    def backward(self, g, y, x, w, *b):
        need = self.needs_grad
        gx = gw = None
        if need[0]:
            gx = Conv2dGradInput(self.stride, self.padding, x.shape[2:])(g, w)
        if need[1]:
            gw = Conv2dGradWeight(self.stride, self.padding, w.shape[2:], self.saved)(x, g)
        if not b:
            return gx, gw
        return gx, gw, (g.sum(axis=(0, 2, 3)) if need[2] else None)


class Conv2dGradInput(_ConvOp):
    """The transposed convolution ``dx = conv2d^T(g, w)`` onto an input of spatial size ``hw``."""

    __slots__ = ("_hw",)
    name = "conv2d_grad_input"

    def __init__(self, stride: Pair, padding: Pair, hw: Pair) -> None:
        super().__init__(stride, padding)
        self._hw = (int(hw[0]), int(hw[1]))

    def forward(self, g: np.ndarray, w: np.ndarray) -> np.ndarray:
        o, c, kh, kw = w.shape
        n, _, ho, wo = g.shape
        # Laid out (C, kh, kw, N, Ho, Wo), so that each kernel offset's slice that col2im adds
        # is made of contiguous image rows.
        cols = (w.reshape(o, -1).T @ _rows(g).T).reshape(c, kh, kw, n, ho, wo)
        return _col2im(cols.transpose(3, 0, 4, 5, 1, 2), self._hw, self.stride, self.padding)

    def backward(self, h, y, g, w):
        gg = Conv2d(self.stride, self.padding)(h, w) if self.needs_grad[0] else None
        gw = None
        if self.needs_grad[1]:
            gw = Conv2dGradWeight(self.stride, self.padding, w.shape[2:], None)(h, g)
        return gg, gw


class Conv2dGradWeight(_ConvOp):
    """``dw = conv2d_w^T(x, g)``: the gradient of conv2d with respect to its kernel."""

    __slots__ = ("_kernel", "_col")
    name = "conv2d_grad_weight"

    def __init__(self, stride: Pair, padding: Pair, kernel: Pair, col: np.ndarray | None) -> None:
        super().__init__(stride, padding)
        self._kernel = (int(kernel[0]), int(kernel[1]))
        self._col = col  # conv2d's im2col of x, when it is at hand

    def forward(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        col = self._col
        if col is None:
            col = _im2col(x, self._kernel, self.stride, self.padding)
        self._col = None
        return (_rows(g).T @ col).reshape(g.shape[1], x.shape[1], *self._kernel)

    def backward(self, k, y, x, g):
        gx = gg = None
        if self.needs_grad[0]:
            gx = Conv2dGradInput(self.stride, self.padding, x.shape[2:])(g, k)
        if self.needs_grad[1]:
            gg = Conv2d(self.stride, self.padding)(x, k)
        return gx, gg


def _check_nchw(fn: str, x: Any, what: str = "input") -> None:
    if len(_shape(x)) != 4:
        raise ValueError(f"{fn}: {what} must be 4-D (N, C, H, W), got shape {_shape(x)}")


def conv2d(x: Any, weight: Any, bias: Any = None, stride: IntPair = 1, padding: IntPair = 0) -> Any:
    """2-D cross-correlation of ``x`` (N, C, H, W) with ``weight`` (O, C, kh, kw), plus ``bias``.

    Output (N, O, Ho, Wo) with ``Ho = (H + 2 * ph - kh) // sh + 1`` (likewise Wo).
    Arrays in give an array out; with a Tensor among the inputs, a Tensor.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)[0, 0].tolist()
    [[10.0, 18.0], [42.0, 50.0]]
    """
    s = _pair(stride, "stride", "conv2d", 1)
    p = _pair(padding, "padding", "conv2d", 0)
    _check_nchw("conv2d", x)
    _check_nchw("conv2d", weight, "weight")
    xs, ws = _shape(x), _shape(weight)
    if xs[1] != ws[1]:
        raise ValueError(
            f"conv2d: input has {xs[1]} channels (shape {xs}) but weight expects {ws[1]} "
            f"(shape {ws}, laid out as (out_channels, in_channels, kh, kw))"
        )
    if xs[2] + 2 * p[0] < ws[2] or xs[3] + 2 * p[1] < ws[3]:
        raise ValueError(
            f"conv2d: kernel {ws[2:]} is larger than the padded input {xs[2] + 2 * p[0]}x"
            f"{xs[3] + 2 * p[1]} (input shape {xs}, padding {p})"
        )
    if bias is None:
        return Conv2d(s, p)(x, weight)
    if _shape(bias) != (ws[0],):
        raise ValueError(f"conv2d: bias must have shape ({ws[0]},), got {_shape(bias)}")
    return Conv2d(s, p)(x, weight, bias)


# ----------------------------------------------------------------------------- pooling


class _PoolOp(Op):
    __slots__ = ("kernel_size", "stride", "padding")

    def __init__(self, kernel_size: Pair, stride: Pair, padding: Pair) -> None:
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding


def _pool_args(fn: str, x: Any, kernel_size: IntPair, stride: Any, padding: IntPair):
    k = _pair(kernel_size, "kernel_size", fn, 1)
    s = k if stride is None else _pair(stride, "stride", fn, 1)
    p = _pair(padding, "padding", fn, 0)
    _check_nchw(fn, x)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"{fn}: padding {p} must be at most half the kernel size {k}")
    h, w = _shape(x)[2:]
    if h + 2 * p[0] < k[0] or w + 2 * p[1] < k[1]:
        raise ValueError(
            f"{fn}: kernel {k} is larger than the padded input {h + 2 * p[0]}x{w + 2 * p[1]} "
            f"(input shape {_shape(x)}, padding {p})"
        )
    return k, s, p


class MaxPool2d(_PoolOp):
    """The maximum of each window, gathered at the positions its first forward found."""

    __slots__ = ("_index",)
    name = "max_pool2d"

    def __init__(self, kernel_size: Pair, stride: Pair, padding: Pair, index=None) -> None:
        super().__init__(kernel_size, stride, padding)
        self._index = index  # flat positions in x of each window's maximum, (N, C, Ho, Wo)

    def forward(self, x: np.ndarray) -> np.ndarray:
        if self._index is not None:  # as the backward of the scatter: gather the same positions
            return x.reshape(-1)[self._index]
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = _windows(x, self.kernel_size, self.stride, self.padding, fill)
        n, c, ho, wo = win.shape[:4]
        # A running maximum over the kernel offsets: kh * kw whole-array steps, no copy of the
        # windows. The strict '>' keeps the first maximum, as argmax does.
        y = win[..., 0, 0].copy()
        arg = np.zeros(y.shape, dtype=np.intp)
        for k in range(1, kh * kw):
            v = win[..., k // kw, k % kw]
            np.putmask(arg, (v > y) | np.isnan(v), k)  # NaN wins, as in PyTorch
            np.maximum(y, v, out=y)
        # Window offset -> row and column in x. Clipping only matters for an all -inf window
        # that reaches into the padding (any position in it holds the maximum then).
        h, w = x.shape[2:]
        rows, cols = np.divmod(arg, kw)
        rows += (np.arange(ho) * sh - ph)[:, None]
        cols += np.arange(wo) * sw - pw
        if ph or pw:
            np.clip(rows, 0, h - 1, out=rows)
            np.clip(cols, 0, w - 1, out=cols)
        rows *= w
        rows += cols
        rows += np.arange(n * c).reshape(n, c, 1, 1) * (h * w)
        self._index = rows
        return y

    def backward(self, g, y, x):
        return MaxPool2dBackward(self.kernel_size, self.stride, self.padding, self._index, x.shape)(
            g
        )


class MaxPool2dBackward(_PoolOp):
    """Scatter each window's gradient to the position of its maximum (adding where windows meet)."""

    __slots__ = ("_index", "_x_shape")
    name = "max_pool2d_backward"

    def __init__(self, kernel_size: Pair, stride: Pair, padding: Pair, index, shape) -> None:
        super().__init__(kernel_size, stride, padding)
        self._index = index
        self._x_shape = tuple(shape)

    def forward(self, g: np.ndarray) -> np.ndarray:
        size = int(np.prod(self._x_shape))
        if self.stride[0] >= self.kernel_size[0] and self.stride[1] >= self.kernel_size[1]:
            out = np.zeros(size, dtype=g.dtype)  # windows do not overlap: positions are distinct
            out[self._index.reshape(-1)] = g.reshape(-1)
        else:
            out = np.bincount(self._index.reshape(-1), weights=g.reshape(-1), minlength=size)
            out = out.astype(g.dtype, copy=False)
        return out.reshape(self._x_shape)

    def backward(self, h, y, g):
        return MaxPool2d(self.kernel_size, self.stride, self.padding, self._index)(h)


def max_pool2d(
    x: Any, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0
) -> Any:
    """Maximum over ``kernel_size`` windows of ``x`` (N, C, H, W); stride defaults to the kernel.

    Padding (at most half the kernel) never wins the maximum. The gradient goes to the
    first maximal position of each window.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    k, s, p = _pool_args("max_pool2d", x, kernel_size, stride, padding)
    return MaxPool2d(k, s, p)(x)


class AvgPool2d(_PoolOp):
    """The mean of each window, padding counted as zeros (PyTorch's ``count_include_pad``)."""

    __slots__ = ()
    name = "avg_pool2d"

    def forward(self, x: np.ndarray) -> np.ndarray:
        kh, kw = self.kernel_size
        win = _windows(x, self.kernel_size, self.stride, self.padding)
        # A running sum over kernel offsets: summing the strided view is ~20x slower.
        y = win[..., 0, 0].astype(np.result_type(x.dtype, 1.0))
        for k in range(1, kh * kw):
            y += win[..., k // kw, k % kw]
        y *= 1.0 / (kh * kw)
        return y

    def backward(self, g, y, x):
        return AvgPool2dBackward(self.kernel_size, self.stride, self.padding, x.shape[2:])(g)


class AvgPool2dBackward(_PoolOp):
    """Spread each window's gradient evenly over the window (the adjoint of ``avg_pool2d``)."""

    __slots__ = ("_hw",)
    name = "avg_pool2d_backward"

    def __init__(self, kernel_size: Pair, stride: Pair, padding: Pair, hw: Pair) -> None:
        super().__init__(kernel_size, stride, padding)
        self._hw = (int(hw[0]), int(hw[1]))

    def forward(self, g: np.ndarray) -> np.ndarray:
        kh, kw = self.kernel_size
        share = g * (1.0 / (kh * kw))
        cols = np.broadcast_to(share[..., None, None], (*g.shape, kh, kw))
        return _col2im(cols, self._hw, self.stride, self.padding)

    def backward(self, h, y, g):
        return AvgPool2d(self.kernel_size, self.stride, self.padding)(h)


def avg_pool2d(
    x: Any, kernel_size: IntPair, stride: IntPair | None = None, padding: IntPair = 0
) -> Any:
    """Mean over ``kernel_size`` windows of ``x`` (N, C, H, W); ``stride`` defaults to the kernel.

    Zero padding counts in the mean (PyTorch's default ``count_include_pad=True``).

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2)[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    k, s, p = _pool_args("avg_pool2d", x, kernel_size, stride, padding)
    return AvgPool2d(k, s, p)(x)
