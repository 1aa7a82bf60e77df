"""The nn package's dedicated ops: linear, the sliding-window pair unfold/fold, and pooling.

``linear(x, w, b) = x @ w.T + b`` is one node instead of three (transpose, matmul,
add): the weight gradient ``g.T @ x`` comes out in the weight's own layout, with no
transposed copy, which keeps a training step of an MLP as fast as hand-written numpy.

Everything with sliding windows over the spatial axes of (N, C, *spatial) inputs (any
number of spatial axes) is placed by one :class:`Window` (kernel size, stride, padding
before and after, dilation). Its strided ``view`` of the padded input, (N, C, *kernel,
*out), copies nothing but the padding; its ``scatter`` is the adjoint, adding window
values back onto the input with one slice-add per kernel offset (never a loop over
pixels). On these:

* ``Unfold`` (im2col) copies the view into columns (N, C * prod(kernel), L), and ``Fold``
  (col2im) scatters them back. Each is the other's backward, so derivatives of any order
  work. ``Convolve`` multiplies the columns by the kernels (per sample and channel group,
  plus bias); its columns' gradient goes back through Fold. Convolution, transposed
  convolution and ``F.unfold``/``F.fold`` all share this code. For short output rows in
  a large batch the columns are laid out batch last in memory (still (N, C * K, L) to
  every op): numpy's cost per row would dominate otherwise.
* ``MaxPool`` keeps a running maximum over the kernel offsets and remembers which offset
  won; its backward scatters the gradient there (``MaxPoolBackward``), and the backward
  of that gathers at the same offsets again.
* ``AvgPool`` keeps a running sum times 1 / count; its backward spreads each gradient
  over its window (``AvgPoolBackward``), whose backward is average pooling.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from autograd_lite.core import Op

__all__ = ["AvgPool", "Convolve", "Fold", "MaxPool", "Unfold", "Window", "linear"]


def _shape(x: Any) -> tuple[int, ...]:
    """``np.shape`` without the detour through ``__array_function__`` for Tensors (hot path)."""
    shape = getattr(x, "shape", None)
    return shape if shape is not None else np.shape(x)


# ----------------------------------------------------------------------------- linear


class Linear(Op):
    """``y = x @ w.T (+ b)`` for x of shape (..., in), w (out, in), b (out,)."""

    __slots__ = ()
    name = "linear"

    def forward(self, x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        if x.ndim > 2:  # one 2-D product of all rows: numpy's stacked matmul is ~2x slower
            y = (x.reshape(-1, x.shape[-1]) @ w.T).reshape(*x.shape[:-1], w.shape[0])
        else:
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
        shape = x.shape
        if g.ndim != 2:  # rows of samples: each gradient is one 2-D product, as in forward
            g = g.reshape(-1, w.shape[0])
            x = x.reshape(-1, w.shape[1])
        gx = None
        if need[0]:
            gx = g @ w if len(shape) == 2 else (g @ w).reshape(shape)
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


# ----------------------------------------------------------------------------- sliding windows


class Window(NamedTuple):
    """Where the sliding windows of a convolution or pooling sit on the spatial axes.

    Along each spatial axis, window ``o`` covers the positions ``o * stride + i * dilation``
    (``i < kernel_size``) of the input padded by ``padding = (before, after)``. A negative
    ``after`` leaves that many positions at the end out of every window.

    Example
    -------
    >>> w = Window(kernel_size=(3,), stride=(2,), padding=((1, 1),), dilation=(1,))
    >>> w.out_shape((6,))
    (3,)
    """

    kernel_size: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[tuple[int, int], ...]
    dilation: tuple[int, ...]

    def out_shape(self, spatial: Sequence[int]) -> tuple[int, ...]:
        """The number of windows along each axis of an input of spatial shape ``spatial``."""
        return tuple(
            (n + lo + hi - d * (k - 1) - 1) // s + 1 for n, k, s, (lo, hi), d in zip(spatial, *self)
        )

    def padded_shape(self, spatial: Sequence[int]) -> tuple[int, ...]:
        """The shape of the input with its padding (the spatial axes)."""
        return tuple(n + lo + max(hi, 0) for n, (lo, hi) in zip(spatial, self.padding))

    def inside(self, spatial: Sequence[int], lead: int = 2) -> tuple[Any, ...]:
        """The index of the unpadded input within the padded one, whose spatial axes follow
        ``lead`` others."""
        inner = (slice(lo, lo + n) for n, (lo, _) in zip(spatial, self.padding))
        return (*(_ALL,) * lead, *inner, ...)

    def offsets(self, lead: int = 2) -> list[tuple[Any, ...]]:
        """Indices of the kernel offsets into (N, C, *kernel, *out) arrays (or with ``lead``
        axes before the kernel's), in scan order."""
        return [(*(_ALL,) * lead, *at, ...) for at in np.ndindex(*self.kernel_size)]

    def view(self, x: np.ndarray, fill: Any = 0, lead: int = 2) -> np.ndarray:
        """A read-only strided view (N, C, *kernel, *out) of ``x`` (N, C, *spatial) padded with
        ``fill``; more generally (*lead, *kernel, *out, *tail) of (*lead, *spatial, *tail).

        Nothing is copied but into the padded array, when there is padding.
        """
        nd = len(self.kernel_size)
        head, spatial, tail = x.shape[:lead], x.shape[lead : lead + nd], x.shape[lead + nd :]
        if any(lo or hi > 0 for lo, hi in self.padding):
            padded = np.full((*head, *self.padded_shape(spatial), *tail), fill, dtype=x.dtype)
            padded[self.inside(spatial, lead)] = x
            x = padded
        steps = x.strides[lead : lead + nd]
        strides = (
            *x.strides[:lead],
            *(d * t for d, t in zip(self.dilation, steps)),
            *(s * t for s, t in zip(self.stride, steps)),
            *x.strides[lead + nd :],
        )
        shape = (*head, *self.kernel_size, *self.out_shape(spatial), *tail)
        return as_strided(x, shape, strides, writeable=False)

    @property
    def disjoint(self) -> bool:
        """No two windows share a position (so scattering can write instead of add)."""
        return all(
            s >= d * (k - 1) + 1 for k, s, d in zip(self.kernel_size, self.stride, self.dilation)
        )

    def canvas(
        self, lead: Sequence[int], spatial: Sequence[int], dtype: Any, tail: Sequence[int] = ()
    ) -> np.ndarray:
        """The padded array (*lead, *padded, *tail) that windows scatter onto: zeros, or left
        empty when the windows tile it exactly (every position is then written once)."""
        padded = self.padded_shape(spatial)
        tiled = all(
            s == k and (d == 1 or k == 1) and m * s == n
            for k, s, d, m, n in zip(
                self.kernel_size, self.stride, self.dilation, self.out_shape(spatial), padded
            )
        )
        shape = (*lead, *padded, *tail)
        return np.empty(shape, dtype) if tiled else np.zeros(shape, dtype)

    def regions(
        self, canvas: np.ndarray, out: Sequence[int], lead: int = 2
    ) -> Iterator[tuple[int, Any, Any]]:
        """Per kernel offset: its number, its index into (N, C, *kernel, *out) arrays (``lead``
        axes before the kernel's), and the strided view of the canvas that its windows
        (``out`` of them) cover."""
        for k, at in enumerate(self.offsets(lead)):
            region = (
                slice(i * d, i * d + s * (m - 1) + 1, s)
                for i, d, s, m in zip(at[lead:], self.dilation, self.stride, out)
            )
            yield k, at, canvas[at[:lead] + tuple(region) + (...,)]

    def crop(self, canvas: np.ndarray, spatial: Sequence[int], lead: int = 2) -> np.ndarray:
        """The unpadded part of a canvas."""
        if canvas.shape[lead : lead + len(spatial)] == tuple(spatial):
            return canvas
        return canvas[self.inside(spatial, lead)]

    def scatter(self, cols: np.ndarray, spatial: Sequence[int]) -> np.ndarray:
        """The adjoint of :meth:`view`: add window values (N, C, *kernel, *out) back onto
        (N, C, *spatial), with one slice-add per kernel offset over every window at once."""
        n, nd = cols.shape[0], len(spatial)
        out = cols.shape[2 + nd :]
        if _is_batch_last(cols) or (_batch_last(n, out) and cols.flags.c_contiguous):
            moved = np.ascontiguousarray(np.moveaxis(cols, 0, -1))  # no copy if batch last
            canvas = self.canvas(cols.shape[1:2], spatial, cols.dtype, (n,))
            self._add(canvas, moved, out, lead=1)
            return np.ascontiguousarray(np.moveaxis(self.crop(canvas, spatial, lead=1), -1, 0))
        canvas = self.canvas(cols.shape[:2], spatial, cols.dtype)
        self._add(canvas, cols, out, lead=2)
        return np.ascontiguousarray(self.crop(canvas, spatial))  # dense, for the ops downstream

    def _add(self, canvas: np.ndarray, cols: np.ndarray, out: Sequence[int], lead: int) -> None:
        disjoint = self.disjoint
        for _, at, region in self.regions(canvas, out, lead):
            if disjoint:
                region[...] = cols[at]
            else:
                region += cols[at]


_ALL = slice(None)


def _batch_last(n: int, out: Sequence[int]) -> bool:
    """Whether to copy and scatter windows with the batch axis last. numpy pays per row of a
    strided copy or slice-add: with output rows under 16 long that dominates, and batch last
    they are N (or N * out[-1]) long. LeNet's second convolution (rows of 10, N = 64) runs
    ~1.7x faster so."""
    return n >= 8 and bool(out) and out[-1] < 16


def _is_batch_last(a: np.ndarray) -> bool:
    """An (N, ...) array laid out as (..., N) in memory: Unfold's columns when _batch_last, and
    the gradients computed from them. Convolve and Fold take the layout from the strides."""
    return a.ndim > 1 and a.strides[0] == a.itemsize and np.moveaxis(a, 0, -1).flags.c_contiguous


class _WindowOp(Op):
    """An op placed by a :class:`Window`; it reads no values of its inputs in backward."""

    __slots__ = ("window",)
    reads_inputs = False
    reads_output = False

    def __init__(self, window: Window) -> None:
        self.window = window

    def describe(self) -> dict[str, Any]:
        args = super().describe()
        return {**args.pop("window")._asdict(), **args}  # kernel_size=..., not window=Window(...)


class Unfold(_WindowOp):
    """im2col: each window of x (N, C, *spatial) as a column, (N, C * prod(kernel), L)."""

    __slots__ = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c = x.shape[:2]
        rows = c * math.prod(self.window.kernel_size)
        if _batch_last(n, self.window.out_shape(x.shape[2:])):
            # Copied as (C, *kernel, *out, N), handed on as an (N, C * K, L) view
            win = self.window.view(np.ascontiguousarray(np.moveaxis(x, 0, -1)), lead=1)
            cols = np.empty(win.shape, dtype=x.dtype)
            cols[...] = win
            return np.moveaxis(cols, -1, 0).reshape(n, rows, -1)
        win = self.window.view(x)
        cols = np.empty(win.shape, dtype=x.dtype)  # laid out so that a column's rows are windows
        cols[...] = win
        return cols.reshape(n, rows, -1)

    def backward(self, g, y, x):
        return Fold(self.window, x.shape[2:])(g)


class Fold(_WindowOp):
    """col2im, the adjoint of unfold: columns (N, C * prod(kernel), L) summed onto (N, C, *size)."""

    __slots__ = ("output_size",)

    def __init__(self, window: Window, output_size: Sequence[int]) -> None:
        super().__init__(window)
        self.output_size = tuple(output_size)

    def forward(self, cols: np.ndarray) -> np.ndarray:
        kernel, n = self.window.kernel_size, cols.shape[0]
        c = cols.shape[1] // math.prod(kernel)
        cols = cols.reshape(n, c, *kernel, *self.window.out_shape(self.output_size))
        return self.window.scatter(cols, self.output_size)

    def backward(self, h, y, cols):
        return Unfold(self.window)(h)


def _mT(x: Any) -> Any:
    """Swap the last two axes (arrays and Tensors)."""
    return x.swapaxes(-1, -2)


class Convolve(Op):
    """The product of a convolution, on the columns that :class:`Unfold` made:
    ``y[n, g] = w[g] @ cols[n, g] (+ b)`` per sample n and channel group g, shaped
    (N, O, *out). Its backward is the two transposed products (the columns' gradient then
    goes through Fold): written with operators, so gradients of any order follow."""

    __slots__ = ("groups", "out_shape")
    name = "conv"
    reads_output = False

    def __init__(self, groups: int, out_shape: Sequence[int]) -> None:
        self.groups = groups
        self.out_shape = tuple(out_shape)

    def _split(self, cols: Any, w: Any) -> tuple[Any, Any]:
        """Columns (N, G, C/G * K, L) and kernels (G, O/G, C/G * K), per group."""
        n, groups = cols.shape[0], self.groups
        return cols.reshape(n, groups, -1, cols.shape[-1]), w.reshape(
            groups, w.shape[0] // groups, -1
        )

    def forward(self, cols: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
        n, o = cols.shape[0], w.shape[0]
        cols4, kernels = self._split(cols, w)
        if _is_batch_last(cols):  # one product per group over all samples, then (N, O, L)
            y = kernels @ np.moveaxis(cols4, 0, -1).reshape(self.groups, -1, n * cols.shape[-1])
            y = np.ascontiguousarray(np.moveaxis(y.reshape(o, -1, n), -1, 0))
        else:
            y = np.matmul(kernels, cols4)  # (N, G, O/G, L): already the output's layout
        if b is not None:
            y = y.reshape(n, o, -1)
            y += b.reshape(-1, 1)
        return y.reshape(n, o, *self.out_shape)

    def backward(self, g, y, cols, w, *b):
        need = self.needs_grad
        cols4, kernels = self._split(cols, w)
        if type(cols) is np.ndarray and _is_batch_last(cols):
            n = cols.shape[0]
            rows = np.moveaxis(cols4, 0, -1).reshape(self.groups, -1, n * cols.shape[-1])
            g3 = np.moveaxis(g.reshape(n, w.shape[0], -1), 0, -1)  # (O, L, N)
            g3 = np.ascontiguousarray(g3).reshape(kernels.shape[:2] + (-1,))
            gcols = gw = None
            if need[0]:  # handed on batch last, as the columns came
                gcols = np.moveaxis((_mT(kernels) @ g3).reshape(cols.shape[1], -1, n), -1, 0)
            if need[1]:
                gw = _mT(rows @ _mT(g3)).reshape(w.shape)
        else:
            g4 = g.reshape(cols4.shape[:2] + (kernels.shape[1], -1))  # (N, G, O/G, L)
            gcols = (_mT(kernels) @ g4).reshape(cols.shape) if need[0] else None
            # (cols g^T)^T summed over samples: BLAS is up to 1.7x faster so than g cols^T
            gw = _mT((cols4 @ _mT(g4)).sum(axis=0)).reshape(w.shape) if need[1] else None
        if not b:
            return gcols, gw
        return gcols, gw, (g.sum(axis=(0, *range(2, g.ndim))) if need[2] else None)


# ----------------------------------------------------------------------------- pooling


class _Pooling(_WindowOp):
    """Pooling ops and their adjoints: the window, what ties a forward to its adjoint (the max
    pool's winning offsets, the average's scale), and the input's spatial size (adjoints)."""

    __slots__ = ("_memo", "_size")

    def __init__(self, window: Window, memo: Any = None, size: Sequence[int] = ()) -> None:
        super().__init__(window)
        self._memo = memo
        self._size = tuple(size)


class MaxPool(_Pooling):
    """The maximum of each window. Its gradient goes to the first maximal position in scan
    order, or to the last NaN when the window holds NaN, as PyTorch. Each forward saves which
    kernel offset holds each window's maximum (N, C, *out); given as ``_memo``, the op instead
    gathers at those offsets (as the adjoint of the scatter, for second derivatives)."""

    __slots__ = ()
    name = "max_pool"

    def forward(self, x: np.ndarray) -> np.ndarray:
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = self.window.view(x, fill)
        offsets = self.window.offsets()
        if self._memo is not None:  # as the backward of the scatter: gather at the same offsets
            y = np.empty(win[offsets[0]].shape, dtype=x.dtype)
            for k, at in enumerate(offsets):
                np.copyto(y, win[at], where=self._memo == k)
            self.saved = None
            return y
        y = win[offsets[0]].copy()
        arg = np.zeros(y.shape, dtype=np.uint8 if len(offsets) <= 256 else np.intp)
        for k, at in enumerate(offsets[1:], 1):
            v = win[at]
            # The last offset that beats the running maximum holds the first maximum: the
            # largest k * (v > maximum so far). (A masked write, np.putmask, is ~4x slower.)
            np.maximum(arg, np.greater(v, y) * arg.dtype.type(k), out=arg)
            np.maximum(y, v, out=y)
        nan = np.isnan(y) if y.dtype.kind == "f" else None
        if nan is not None and nan.any():
            for k, at in enumerate(offsets):
                np.putmask(arg, nan & np.isnan(win[at]), k)
        self.saved = arg  # (per forward: a replayed op must not reuse an earlier one)
        return y

    def backward(self, g, y, x):
        return MaxPoolBackward(self.window, self._memo if self.saved is None else self.saved,
                               x.shape[2:])(g)  # fmt: skip


class MaxPoolBackward(_Pooling):
    """Each window's gradient to the position of its maximum (adding where windows overlap)."""

    __slots__ = ()
    name = "max_pool_backward"

    def forward(self, g: np.ndarray) -> np.ndarray:
        canvas = self.window.canvas(g.shape[:2], self._size, g.dtype)
        disjoint = self.window.disjoint
        for k, _, region in self.window.regions(canvas, g.shape[2:]):
            if disjoint:  # written in place: no temporary, no read of the canvas
                np.multiply(g, self._memo == k, out=region)
            else:
                region += g * (self._memo == k)
        return np.ascontiguousarray(self.window.crop(canvas, self._size))

    def backward(self, h, y, g):
        return MaxPool(self.window, self._memo)(h)


class AvgPool(_Pooling):
    """The mean of each window: its sum times ``_memo``, 1 / the count of each window (a
    number, or an array over the output's spatial axes when counts differ)."""

    __slots__ = ()
    name = "avg_pool"

    def forward(self, x: np.ndarray) -> np.ndarray:
        win = self.window.view(x)
        offsets = self.window.offsets()
        # A running sum over kernel offsets: summing the strided view is ~20x slower.
        y = win[offsets[0]].astype(np.result_type(x.dtype, 1.0))
        for at in offsets[1:]:
            y += win[at]
        y *= _in_dtype(self._memo, y.dtype)
        return y

    def backward(self, g, y, x):
        return AvgPoolBackward(self.window, self._memo, x.shape[2:])(g)


class AvgPoolBackward(_Pooling):
    """Spread each window's gradient evenly over the window (the adjoint of average pooling)."""

    __slots__ = ()
    name = "avg_pool_backward"

    def forward(self, g: np.ndarray) -> np.ndarray:
        share = g * _in_dtype(self._memo, g.dtype)
        n, c, *out = share.shape
        kernel = self.window.kernel_size
        cols = share.reshape(n, c, *(1,) * len(kernel), *out)
        return self.window.scatter(np.broadcast_to(cols, (n, c, *kernel, *out)), self._size)

    def backward(self, h, y, g):
        return AvgPool(self.window, self._memo)(h)


def _in_dtype(scale: float | np.ndarray, dtype: np.dtype) -> Any:
    """The pooling scale in the data's precision (a float64 array would promote float32)."""
    return scale if isinstance(scale, float) else scale.astype(dtype, copy=False)
