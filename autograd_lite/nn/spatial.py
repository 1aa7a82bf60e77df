"""Convolution, pooling, padding and resampling of (N, C, *spatial) inputs, as functions.

PyTorch's ``torch.nn.functional`` signatures and semantics (re-exported by
``nn.functional``). Inputs may also be unbatched, (C, *spatial), where PyTorch allows it.

Everything is built from a few ops (:mod:`autograd_lite.nn.layer_ops`): convolution is
``Unfold`` (im2col) and ``Convolve`` (a matrix product per sample and group, plus bias); the
transposed convolution a matrix product and ``Fold`` (col2im); max and average pooling have
ops of their own. Padding, adaptive pooling and interpolation are indexing, ``index_add`` and
matrix products (``ag`` ops). So every function here has gradients of any order.

Example
-------
>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite.nn import functional as F
>>> x = ag.tensor(np.ones((1, 1, 4, 4)), requires_grad=True)
>>> y = F.max_pool2d(F.conv2d(x, np.ones((2, 1, 3, 3)), padding=1), 2)
>>> y.shape
(1, 2, 2, 2)
>>> y.sum().backward()
>>> x.grad.shape
(1, 1, 4, 4)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd_lite import ops
from autograd_lite.core import Tensor, value
from autograd_lite.nn.layer_ops import AvgPool, Convolve, Fold, MaxPool, Unfold, Window, _shape

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "fold",
    "interpolate",
    "max_pool2d",
    "pad",
    "unfold",
]

IntOrTuple = int | Sequence[int]
Padding = int | Sequence[int] | str

_NAMES = {1: "(N, C, L)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}


# ----------------------------------------------------------------------------- arguments


def _ints(fn: str, what: str, v: Any, n: int, minimum: int) -> tuple[int, ...]:
    """An int or a sequence of ``n`` ints, each at least ``minimum``, as a tuple of ``n``."""
    vals = (v,) * n if isinstance(v, (int, np.integer)) else v
    try:
        vals = tuple(vals)
    except TypeError:
        vals = ()
    if len(vals) != n or not all(
        isinstance(k, (int, np.integer)) and not isinstance(k, bool) and k >= minimum for k in vals
    ):
        what_n = "an int >=" if n == 1 else f"an int or a tuple of {n} ints, each >="
        raise ValueError(f"{fn}: {what} must be {what_n} {minimum}, got {v!r}")
    return tuple(int(k) for k in vals)


def _spatial_input(fn: str, x: Any, nd: int) -> bool:
    """Check that x is (N, C, *spatial) or unbatched (C, *spatial); True when batched."""
    rank = len(_shape(x))
    if rank not in (nd + 1, nd + 2):
        batched = _NAMES[nd]
        raise ValueError(
            f"{fn}: input must be {nd + 1}-D {batched.replace('N, ', '')} or {nd + 2}-D "
            f"{batched}, got shape {_shape(x)}"
        )
    return rank == nd + 2


def _batched(fn: Any, x: Any, batched: bool) -> Any:
    """Apply ``fn`` to x with a batch axis added when it has none, and removed again."""
    if batched:
        return fn(x)
    y = fn(ops.expand_dims(x, 0))
    return ops.squeeze(y, 0)


def _fits(fn: str, spatial: Sequence[int], window: Window, shape: Any) -> None:
    """Refuse a kernel that reaches past the padded input."""
    reach = tuple(d * (k - 1) + 1 for k, d in zip(window.kernel_size, window.dilation))
    padded = window.padded_shape(spatial)
    if any(r > n for r, n in zip(reach, padded)):
        pads = window.padding
        shown = tuple(lo for lo, _ in pads) if all(lo == hi for lo, hi in pads) else pads
        dilated = f" (kernel_size {window.kernel_size}, dilation {window.dilation})"
        raise ValueError(
            f"{fn}: kernel of size {reach}{dilated if reach != window.kernel_size else ''} is "
            f"larger than the padded input {padded} (input shape {shape}, padding {shown})"
        )


# ----------------------------------------------------------------------------- convolution


def _conv_padding(
    fn: str, padding: Padding, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: Any
) -> tuple[tuple[int, int], ...]:
    """PyTorch's padding argument as (before, after) per axis; 'same' may pad one more after."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * len(kernel)
        if padding != "same":
            raise ValueError(
                f"{fn}: padding must be an int, a tuple, 'same' or 'valid', got {padding!r}"
            )
        if any(s != 1 for s in stride):
            raise ValueError(
                f"{fn}: padding='same' is not supported for strided convolutions (stride {stride})"
            )
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in total)
    return tuple((p, p) for p in _ints(fn, "padding", padding, len(kernel), 0))


def _conv(x: Any, weight: Any, bias: Any, window: Window, groups: int) -> Any:
    """Batched convolution: im2col, then one matrix product per sample and group."""
    cols = Unfold(window)(x)  # (N, C * K, L)
    product = Convolve(groups, window.out_shape(_shape(x)[2:]))
    return product(cols, weight) if bias is None else product(cols, weight, bias)


def _check_bias(fn: str, bias: Any, channels: int) -> None:
    if bias is not None and _shape(bias) != (channels,):
        raise ValueError(f"{fn}: bias must have shape ({channels},), got {_shape(bias)}")


def _check_groups(fn: str, groups: Any) -> int:
    return _ints(fn, "groups", groups, 1, 1)[0]


def _convolution(
    fn: str,
    nd: int,
    x: Any,
    weight: Any,
    bias: Any,
    stride: IntOrTuple,
    padding: Padding,
    dilation: IntOrTuple,
    groups: int,
) -> Any:
    stride_ = _ints(fn, "stride", stride, nd, 1)
    dilation_ = _ints(fn, "dilation", dilation, nd, 1)
    groups = _check_groups(fn, groups)
    batched = _spatial_input(fn, x, nd)
    xs, ws = _shape(x), _shape(weight)
    if len(ws) != nd + 2:
        raise ValueError(
            f"{fn}: weight must be {nd + 2}-D (out_channels, in_channels / groups, "
            f"*kernel_size), got shape {ws}"
        )
    channels = xs[-nd - 1]
    if ws[0] % groups:
        raise ValueError(
            f"{fn}: weight of shape {ws} has {ws[0]} out_channels, not divisible by groups={groups}"
        )
    if channels != ws[1] * groups:
        raise ValueError(
            f"{fn}: input has {channels} channels (shape {xs}) but weight of shape {ws} with "
            f"groups={groups} expects {ws[1] * groups} (weight laid out as (out_channels, "
            f"in_channels / groups, *kernel_size))"
        )
    _check_bias(fn, bias, ws[0])
    kernel = tuple(ws[2:])
    window = Window(
        kernel, stride_, _conv_padding(fn, padding, kernel, stride_, dilation_), dilation_
    )
    _fits(fn, xs[-nd:], window, xs)
    return _batched(lambda t: _conv(t, weight, bias, window, groups), x, batched)


def conv1d(
    input: Any,  # noqa: A002
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Any:
    """1-D cross-correlation of ``input`` (N, C, L) with ``weight`` (O, C / groups, k).

    As :func:`conv2d`, along one axis.

    Example
    -------
    >>> import numpy as np
    >>> conv1d(np.arange(5.0).reshape(1, 1, 5), np.ones((1, 1, 2))).tolist()
    [[[1.0, 3.0, 5.0, 7.0]]]
    """
    return _convolution("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(
    input: Any,  # noqa: A002
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: Padding = 0,
    dilation: IntOrTuple = 1,
    groups: int = 1,
) -> Any:
    """2-D cross-correlation of ``input`` (N, C, H, W) with ``weight`` (O, C / groups, kh, kw).

    As PyTorch: ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as
    large as the input; stride 1 only; an odd total puts the extra row or column after);
    ``dilation`` spaces the kernel's taps; ``groups`` splits the channels into that many
    independent convolutions. Output (N, O, Ho, Wo) with
    ``Ho = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1`` (likewise Wo). Arrays in give an
    array out; with a Tensor among the inputs, a Tensor.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((1, 1, 2, 2)), stride=2)[0, 0].tolist()
    [[10.0, 18.0], [42.0, 50.0]]
    """
    return _convolution("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose2d(
    input: Any,  # noqa: A002
    weight: Any,
    bias: Any = None,
    stride: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    output_padding: IntOrTuple = 0,
    groups: int = 1,
    dilation: IntOrTuple = 1,
) -> Any:
    """Transposed 2-D convolution (the gradient of :func:`conv2d` with respect to its input).

    ``input`` (N, C_in, H, W), ``weight`` (C_in, C_out / groups, kh, kw); output
    (N, C_out, Ho, Wo) with ``Ho = (H - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1``:
    ``output_padding`` (smaller than the stride or the dilation) adds rows and columns
    after, which only the bias reaches.

    Example
    -------
    >>> import numpy as np
    >>> conv_transpose2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 2, 2)))[0, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    return _conv_transpose(
        "conv_transpose2d", input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def _conv_transpose(
    fn: str,
    input: Any,
    weight: Any,
    bias: Any,
    stride: Any,
    padding: Any,
    output_padding: Any,
    groups: Any,
    dilation: Any,
) -> Any:
    stride_ = _ints(fn, "stride", stride, 2, 1)
    dilation_ = _ints(fn, "dilation", dilation, 2, 1)
    pads = _ints(fn, "padding", padding, 2, 0)
    extra = _ints(fn, "output_padding", output_padding, 2, 0)
    groups = _check_groups(fn, groups)
    batched = _spatial_input(fn, input, 2)
    xs, ws = _shape(input), _shape(weight)
    if len(ws) != 4:
        raise ValueError(
            f"{fn}: weight must be 4-D (in_channels, out_channels / groups, kh, kw), got shape {ws}"
        )
    if xs[-3] != ws[0] or ws[0] % groups:
        raise ValueError(
            f"{fn}: input has {xs[-3]} channels (shape {xs}) but weight of shape {ws} expects "
            f"{ws[0]}, a multiple of groups={groups} (weight laid out as (in_channels, "
            f"out_channels / groups, kh, kw))"
        )
    for e, s, d in zip(extra, stride_, dilation_):
        if e >= s and e >= d:
            raise ValueError(
                f"{fn}: output_padding {extra} must be smaller than either the stride "
                f"{stride_} or the dilation {dilation_}"
            )
    kernel = tuple(ws[2:])
    size = tuple(
        (n - 1) * s - 2 * p + d * (k - 1) + e + 1
        for n, s, p, d, k, e in zip(xs[-2:], stride_, pads, dilation_, kernel, extra)
    )
    if min(size) < 1:
        raise ValueError(f"{fn}: the output would have spatial shape {size} (input shape {xs})")
    out_channels = ws[1] * groups
    _check_bias(fn, bias, out_channels)
    # The adjoint of the convolution of the output. Past the stride, output_padding (allowed
    # below the dilation) would add windows that no input position feeds: the padding after
    # is cut to have one window per input position.
    cut = (max(0, e - s + 1) for e, s in zip(extra, stride_))
    window = Window(kernel, stride_, tuple((p, p - c) for p, c in zip(pads, cut)), dilation_)

    def transposed(x: Any) -> Any:
        n = _shape(x)[0]
        rows = ops.reshape(x, (n, groups, ws[0] // groups, -1))  # (N, G, C_in / G, L)
        kernels = ops.transpose(ops.reshape(weight, (groups, ws[0] // groups, -1)), (0, 2, 1))
        cols = ops.reshape(ops.matmul(kernels, rows), (n, out_channels * math.prod(kernel), -1))
        y = Fold(window, size)(cols)
        return y if bias is None else y + ops.reshape(bias, (-1, 1, 1))

    return _batched(transposed, input, batched)


def unfold(
    input: Any,  # noqa: A002
    kernel_size: IntOrTuple,
    dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> Any:
    """im2col: the sliding blocks of ``input`` (N, C, H, W) as columns (N, C * kh * kw, L).

    Column ``l`` holds the block at output position ``l`` (row-major over the Ho x Wo
    positions), its rows channel-major then kernel row and column, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> unfold(np.arange(9.0).reshape(1, 1, 3, 3), 2)[0].tolist()
    [[0.0, 1.0, 3.0, 4.0], [1.0, 2.0, 4.0, 5.0], [3.0, 4.0, 6.0, 7.0], [4.0, 5.0, 7.0, 8.0]]
    """
    fn = "unfold"
    window = _block_window(fn, kernel_size, dilation, padding, stride)
    batched = _spatial_input(fn, input, 2)
    _fits(fn, _shape(input)[-2:], window, _shape(input))
    return _batched(Unfold(window), input, batched)


def fold(
    input: Any,  # noqa: A002
    output_size: IntOrTuple,
    kernel_size: IntOrTuple,
    dilation: IntOrTuple = 1,
    padding: IntOrTuple = 0,
    stride: IntOrTuple = 1,
) -> Any:
    """col2im, the adjoint of :func:`unfold`: columns (N, C * kh * kw, L) summed onto
    (N, C, *output_size), overlapping blocks adding up.

    Example
    -------
    >>> import numpy as np
    >>> fold(np.ones((1, 4, 4)), (3, 3), 2)[0, 0].tolist()
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    fn = "fold"
    window = _block_window(fn, kernel_size, dilation, padding, stride)
    size = _ints(fn, "output_size", output_size, 2, 1)
    shape = _shape(input)
    if len(shape) not in (2, 3):
        raise ValueError(
            f"fold: input must be 2-D (C * kh * kw, L) or 3-D (N, C * kh * kw, L), got shape "
            f"{shape}"
        )
    _fits(fn, size, window, size)
    k, blocks = math.prod(window.kernel_size), math.prod(window.out_shape(size))
    if shape[-2] % k or shape[-1] != blocks:
        raise ValueError(
            f"fold: input of shape {shape} does not fit: expected (N, C * {k}, {blocks}) for "
            f"kernel_size {window.kernel_size} and output_size {size} ({blocks} blocks)"
        )
    return _batched(Fold(window, size), input, len(shape) == 3)


def _block_window(fn: str, kernel_size: Any, dilation: Any, padding: Any, stride: Any) -> Window:
    pads = _ints(fn, "padding", padding, 2, 0)
    return Window(
        _ints(fn, "kernel_size", kernel_size, 2, 1),
        _ints(fn, "stride", stride, 2, 1),
        tuple((p, p) for p in pads),
        _ints(fn, "dilation", dilation, 2, 1),
    )


# ----------------------------------------------------------------------------- pooling


def _pool_window(
    fn: str,
    shape: Sequence[int],
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
) -> Window:
    """PyTorch's pooling geometry; ``ceil_mode`` may add a last window that overhangs the
    padded input, which needs more padding after."""
    nd, spatial = 2, shape[-2:]
    kernel = _ints(fn, "kernel_size", kernel_size, nd, 1)
    stride_ = kernel if stride is None or stride == () else _ints(fn, "stride", stride, nd, 1)
    pads = _ints(fn, "padding", padding, nd, 0)
    dilation_ = _ints(fn, "dilation", dilation, nd, 1)
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise ValueError(f"{fn}: padding {pads} must be at most half the kernel size {kernel}")
    _fits(fn, spatial, Window(kernel, stride_, tuple((p, p) for p in pads), dilation_), shape)
    padding_ = []
    for n, k, s, p, d in zip(spatial, kernel, stride_, pads, dilation_):
        reach = d * (k - 1) + 1
        out = (n + 2 * p - reach + (s - 1 if ceil_mode else 0)) // s + 1
        if ceil_mode and (out - 1) * s >= n + p:  # the last window would start in the padding
            out -= 1
        padding_.append((p, p + max(0, (out - 1) * s + reach - n - 2 * p)))
    return Window(kernel, stride_, tuple(padding_), dilation_)


def max_pool2d(
    input: Any,  # noqa: A002
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    dilation: IntOrTuple = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Any:
    """Maximum over windows of ``input`` (N, C, H, W); ``stride`` defaults to ``kernel_size``.

    Padding (at most half the kernel) never wins. The gradient goes to the first maximal
    position of each window. ``ceil_mode`` rounds the output size up (a last, partial
    window); ``return_indices`` also returns each maximum's flat position in its H x W plane.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)[0, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    >>> max_pool2d(x, 3, stride=2, ceil_mode=True)[0, 0].tolist()
    [[10.0, 11.0], [14.0, 15.0]]
    """
    return _max_pool(
        "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices
    )


def _max_pool(
    fn: str,
    input: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    return_indices: bool,
) -> Any:
    batched = _spatial_input(fn, input, 2)
    spatial = _shape(input)[-2:]
    window = _pool_window(fn, _shape(input), kernel_size, stride, padding, dilation, ceil_mode)
    pool = MaxPool(window)
    y = _batched(pool, input, batched)
    if not return_indices:
        return y
    index = _flat_positions(window, pool.saved, spatial)
    index = index if batched else index[0]
    return y, (Tensor(index) if isinstance(y, Tensor) else index)


def _flat_positions(window: Window, arg: np.ndarray, spatial: Sequence[int]) -> np.ndarray:
    """Each window's maximum as a flat index into its input plane, from its kernel offset."""
    offsets = np.array(list(np.ndindex(*window.kernel_size)), dtype=np.int64).reshape(
        -1, len(spatial)
    )
    flat = np.zeros(arg.shape, dtype=np.int64)
    nd = len(spatial)
    for axis, (n, s, (lo, _), d) in enumerate(
        zip(spatial, window.stride, window.padding, window.dilation)
    ):
        start = np.arange(arg.shape[2 + axis]) * s - lo
        pos = start.reshape((-1,) + (1,) * (nd - 1 - axis)) + offsets[arg, axis] * d
        flat = flat * n + pos
    return flat


def avg_pool2d(
    input: Any,  # noqa: A002
    kernel_size: IntOrTuple,
    stride: IntOrTuple | None = None,
    padding: IntOrTuple = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Any:
    """Mean over windows of ``input`` (N, C, H, W); ``stride`` defaults to ``kernel_size``.

    As PyTorch, zero padding counts in the mean unless ``count_include_pad=False``, the part
    of a ``ceil_mode`` window past the padding never does, and ``divisor_override`` replaces
    the count.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2)[0, 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    >>> avg_pool2d(x, 2, padding=1, count_include_pad=False)[0, 0, 0].tolist()
    [0.0, 1.5, 3.0]
    """
    return _avg_pool(
        "avg_pool2d",
        input,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )


def _avg_pool(
    fn: str,
    input: Any,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    ceil_mode: bool,
    count_include_pad: bool,
    divisor_override: Any,
) -> Any:
    batched = _spatial_input(fn, input, 2)
    spatial = _shape(input)[-2:]
    window = _pool_window(fn, _shape(input), kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None:
        scale: float | np.ndarray = 1.0 / _ints(fn, "divisor_override", divisor_override, 1, 1)[0]
    else:
        scale = _avg_scale(window, spatial, count_include_pad)
    return _batched(AvgPool(window, scale), input, batched)


def _avg_scale(
    window: Window, spatial: Sequence[int], count_include_pad: bool
) -> float | np.ndarray:
    """1 / the number of elements each window averages, PyTorch's count (an array over the
    output positions, or one number when all windows count the same)."""
    counts = np.ones(())
    for n, k, s, (lo, _), m in zip(
        spatial, window.kernel_size, window.stride, window.padding, window.out_shape(spatial)
    ):
        start = np.arange(m) * s - lo
        stop = np.minimum(start + k, n + lo)  # never past the padding (ceil_mode's overhang)
        if not count_include_pad:
            start, stop = np.maximum(start, 0), np.minimum(stop, n)
        counts = np.multiply.outer(counts, stop - start)
    if np.all(counts == counts.flat[0]):
        return 1.0 / float(counts.flat[0])
    return 1.0 / counts


# ----------------------------------------------------------------------------- adaptive pooling


def _adaptive_size(fn: str, output_size: Any, spatial: Sequence[int]) -> tuple[int, ...]:
    """PyTorch's output_size: an int or a tuple whose None entries keep the input's size."""
    nd = len(spatial)
    sizes = (
        (output_size,) * nd if not isinstance(output_size, (tuple, list)) else tuple(output_size)
    )
    if len(sizes) != nd:
        raise ValueError(
            f"{fn}: output_size must be an int or a tuple of {nd}, got {output_size!r}"
        )
    sizes = tuple(n if o is None else o for o, n in zip(sizes, spatial))
    return _ints(fn, "output_size", sizes, nd, 1)


def _adaptive_bounds(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Window ``i`` of ``m`` over ``n`` positions is [floor(i n / m), ceil((i + 1) n / m))."""
    i = np.arange(m)
    return i * n // m, -(-(i + 1) * n // m)


def adaptive_avg_pool2d(input: Any, output_size: Any) -> Any:  # noqa: A002
    """Average pooling of ``input`` (N, C, H, W) to ``output_size`` windows, as PyTorch: window
    ``i`` of ``m`` along an axis of ``n`` covers [floor(i n / m), ceil((i + 1) n / m)).

    ``output_size`` is an int, or a pair whose None entries keep the input's size.

    Example
    -------
    >>> import numpy as np
    >>> adaptive_avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), (1, None))[0, 0].tolist()
    [[6.0, 7.0, 8.0, 9.0]]
    """
    fn = "adaptive_avg_pool2d"
    batched = _spatial_input(fn, input, 2)
    h, w = _shape(input)[-2:]
    sizes = _adaptive_size(fn, output_size, (h, w))
    dtype = np.result_type(np.asarray(value(input)).dtype, 1.0)
    # Averaging along an axis is a product with a matrix holding 1 / count over each window.
    rows, cols = (_averaging(n, m, dtype) for n, m in zip((h, w), sizes))

    def pool(x: Any) -> Any:
        n, c = _shape(x)[:2]
        y = ops.reshape(ops.matmul(ops.reshape(x, (-1, w)), cols.T), (n, c, h, sizes[1]))
        return ops.matmul(rows, y)

    return _batched(pool, input, batched)


def _averaging(n: int, m: int, dtype: Any) -> np.ndarray:
    start, stop = _adaptive_bounds(n, m)
    positions = np.arange(n)
    inside = (positions >= start[:, None]) & (positions < stop[:, None])
    return (inside / (stop - start)[:, None]).astype(dtype)


def adaptive_max_pool2d(input: Any, output_size: Any, return_indices: bool = False) -> Any:  # noqa: A002
    """Max pooling of ``input`` (N, C, H, W) to ``output_size`` windows (as
    :func:`adaptive_avg_pool2d`); the gradient goes to each window's first maximum.

    Example
    -------
    >>> import numpy as np
    >>> adaptive_max_pool2d(np.arange(10.0).reshape(1, 1, 2, 5), 1)[0, 0].tolist()
    [[9.0]]
    """
    fn = "adaptive_max_pool2d"
    batched = _spatial_input(fn, input, 2)
    x = input if batched else ops.expand_dims(input, 0)
    n, c, h, w = _shape(x)
    sizes = _adaptive_size(fn, output_size, (h, w))
    # Each window padded to the largest by repeating its last element, which then never
    # comes first; then the position of each window's first maximum in scan order.
    (rows, kh), (cols, kw) = (_adaptive_taps(a, m) for a, m in zip((h, w), sizes))
    data = np.asarray(value(x))
    windows = data[:, :, rows[:, None, :, None], cols[None, :, None, :]]  # (N, C, Ho, Wo, kh, kw)
    windows = windows.reshape(n, c, *sizes, kh * kw)
    best = np.argmax(windows, axis=-1)
    if data.dtype.kind == "f":
        nan = np.isnan(windows)
        if nan.any():  # PyTorch takes the last NaN
            last = kh * kw - 1 - np.argmax(nan[..., ::-1], axis=-1)
            best = np.where(nan.any(axis=-1), last, best)
    r = rows[np.arange(sizes[0])[:, None], best // kw]
    q = cols[np.arange(sizes[1]), best % kw]
    index = (np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], r, q)
    y = ops.getitem(x, index)
    y = y if batched else ops.squeeze(y, 0)
    if not return_indices:
        return y
    flat = r * w + q
    flat = flat if batched else flat[0]
    return y, (Tensor(flat) if isinstance(y, Tensor) else flat)


def _adaptive_taps(n: int, m: int) -> tuple[np.ndarray, int]:
    start, stop = _adaptive_bounds(n, m)
    k = int((stop - start).max())
    return np.minimum(start[:, None] + np.arange(k), stop[:, None] - 1), k


# ----------------------------------------------------------------------------- padding


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input: Any, pad: Sequence[int], mode: str = "constant", value: float | None = None) -> Any:  # noqa: A002
    """Pad the last ``len(pad) // 2`` axes of ``input``; ``pad`` lists (before, after) pairs
    starting from the LAST axis, as PyTorch: ``(left, right, top, bottom)`` pads W then H.

    Modes: ``'constant'`` (``value``, default 0; negative entries crop), ``'reflect'``
    (mirror without repeating the edge), ``'replicate'`` (repeat the edge) and
    ``'circular'`` (wrap around); these three pad the last 1 to 3 axes of an input with
    one or two more.

    Example
    -------
    >>> import numpy as np
    >>> x = np.arange(3.0).reshape(1, 3)
    >>> [pad(x, (2, 1), mode=m)[0].tolist() for m in ("constant", "reflect", "replicate")]
    [[0.0, 0.0, 0.0, 1.0, 2.0, 0.0], [2.0, 1.0, 0.0, 1.0, 2.0, 1.0], [0.0, 0.0, 0.0, 1.0, 2.0, 2.0]]
    """
    fn = "pad"
    shape = _shape(input)
    pads = tuple(pad) if isinstance(pad, (tuple, list)) else None
    if (
        pads is None
        or len(pads) % 2
        or not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pads)
    ):
        raise ValueError(f"{fn}: pad must be a tuple of ints of even length, got {pad!r}")
    nd = len(pads) // 2
    if nd > len(shape):
        raise ValueError(f"{fn}: pad {pads} pads {nd} axes but the input has shape {shape}")
    if mode not in _PAD_MODES:
        raise ValueError(f"{fn}: mode must be one of {_PAD_MODES}, got {mode!r}")
    if mode != "constant":
        if value:
            raise ValueError(f"{fn}: value={value!r} only applies to mode='constant'")
        if not 1 <= nd <= 3 or len(shape) not in (nd + 1, nd + 2):
            raise ValueError(
                f"{fn}: mode '{mode}' pads the last 1, 2 or 3 axes of an input with one or two "
                f"more (a 2-tuple for 2-D or 3-D input, a 4-tuple for 3-D or 4-D, a 6-tuple for "
                f"4-D or 5-D); got pad {pads} for shape {shape}"
            )
    # (axis, before, after), the last axis first as listed
    per_axis = [(len(shape) - 1 - i, pads[2 * i], pads[2 * i + 1]) for i in range(nd)]
    if mode == "constant":
        return _pad_constant(input, per_axis, value or 0.0)
    if min(pads) < 0:
        raise ValueError(f"{fn}: negative padding (cropping) needs mode='constant', got {pads}")
    x = input
    for axis, lo, hi in per_axis:
        taps = _pad_taps(mode, shape[axis], lo, hi)
        if taps is None:
            limit = "smaller than" if mode == "reflect" else "at most"
            raise ValueError(
                f"{fn}: {mode} padding ({lo}, {hi}) of axis {axis} must be {limit} its size "
                f"{shape[axis]} (input shape {shape})"
            )
        x = ops.getitem(x, (slice(None),) * axis + (taps,))
    return x


def _pad_taps(mode: str, n: int, lo: int, hi: int) -> np.ndarray | None:
    """The input positions that the padded axis reads, or None when ``mode`` cannot pad that
    much: reflect mirrors about the edges (less than n each side), replicate repeats them
    (any amount), circular wraps around (at most n each side)."""
    taps = np.arange(-lo, n + hi)
    if mode == "replicate":
        return np.clip(taps, 0, n - 1) if n else None
    if mode == "circular":
        return taps % n if max(lo, hi) <= n else None
    if max(lo, hi) >= n:
        return None
    taps = np.abs(taps)
    return np.where(taps >= n, 2 * (n - 1) - taps, taps)


def _pad_constant(x: Any, per_axis: list[tuple[int, int, int]], fill: float) -> Any:
    """Crop where padding is negative, then embed in an array of ``fill`` (``index_add`` into
    zeros, plus the border)."""
    shape = list(_shape(x))
    crop, inside = [slice(None)] * len(shape), [slice(None)] * len(shape)
    for axis, lo, hi in per_axis:
        n = shape[axis]
        crop[axis] = slice(max(-lo, 0), n - max(-hi, 0))
        kept = n - max(-lo, 0) - max(-hi, 0)
        if kept < 0:
            raise ValueError(
                f"pad: padding ({lo}, {hi}) crops more than the {n} elements of axis {axis}"
            )
        inside[axis] = slice(max(lo, 0), max(lo, 0) + kept)
        shape[axis] = kept + max(lo, 0) + max(hi, 0)
    if any(c != slice(None) for c in crop):
        x = ops.getitem(x, tuple(crop))
    if all(s == slice(0, n) for s, n in zip(inside[-len(per_axis) :], shape[-len(per_axis) :])):
        return x
    y = ops.index_add(x, tuple(inside), tuple(shape))
    if fill == 0:
        return y
    border = np.full(shape, fill, dtype=np.result_type(np.asarray(value(x)).dtype, fill))
    border[tuple(inside)] = 0
    return y + border


# ----------------------------------------------------------------------------- interpolation


_LINEAR = {1: "linear", 2: "bilinear", 3: "trilinear"}


def interpolate(
    input: Any,  # noqa: A002
    size: IntOrTuple | None = None,
    scale_factor: float | Sequence[float] | None = None,
    mode: str = "nearest",
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Any:
    """Resize the spatial axes of ``input`` (N, C, *spatial) to ``size`` or by ``scale_factor``.

    Modes as PyTorch: ``'nearest'`` (the input at ``floor(i * in / out)``) for 1 to 3
    spatial axes; ``'linear'``, ``'bilinear'``, ``'trilinear'`` for 1, 2, 3 spatial axes,
    with pixel centres (``align_corners=False``, the default) or corner pixels aligned.
    With ``scale_factor``, the output has ``floor(in * scale_factor)`` positions and the
    sampling uses ``1 / scale_factor`` unless ``recompute_scale_factor=True``.

    Example
    -------
    >>> import numpy as np
    >>> x = np.array([[[0.0, 1.0]]])
    >>> interpolate(x, scale_factor=2)[0, 0].tolist()
    [0.0, 0.0, 1.0, 1.0]
    >>> interpolate(x, size=4, mode="linear")[0, 0].tolist()
    [0.0, 0.25, 0.75, 1.0]
    """
    fn = "interpolate"
    shape = _shape(input)
    nd = len(shape) - 2
    if nd not in (1, 2, 3):
        raise ValueError(f"{fn}: input must be 3-D, 4-D or 5-D (N, C, *spatial), got shape {shape}")
    linear = mode in _LINEAR.values()
    if mode != "nearest" and not linear:
        raise ValueError(
            f"{fn}: mode must be 'nearest', 'linear', 'bilinear' or 'trilinear', got {mode!r}"
        )
    if linear and _LINEAR[nd] != mode:
        wanted = {m: k + 2 for k, m in _LINEAR.items()}[mode]
        raise ValueError(
            f"{fn}: mode '{mode}' needs a {wanted}-D input (N, C, *spatial), got shape {shape}"
        )
    if antialias:
        raise ValueError(f"{fn}: antialias=True is not supported")
    if mode == "nearest" and align_corners is not None:
        raise ValueError(f"{fn}: align_corners only applies to the linear modes, not 'nearest'")
    spatial = shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError(f"{fn}: give exactly one of size and scale_factor")
    if size is not None:
        out = _ints(fn, "size", size, nd, 1)
        scales: tuple[float | None, ...] = (None,) * nd
    else:
        factors: tuple[Any, ...] = (
            (scale_factor,) * nd
            if not isinstance(scale_factor, (tuple, list))
            else tuple(scale_factor)
        )
        if len(factors) != nd or not all(
            isinstance(f, (int, float, np.number)) and f > 0 for f in factors
        ):
            raise ValueError(
                f"{fn}: scale_factor must be a positive number or a tuple of {nd}, got "
                f"{scale_factor!r}"
            )
        out = tuple(int(math.floor(n * float(f))) for n, f in zip(spatial, factors))
        if min(out) < 1:
            raise ValueError(
                f"{fn}: scale_factor {scale_factor!r} gives an empty output {out} for input "
                f"shape {shape}"
            )
        scales = (None,) * nd if recompute_scale_factor else tuple(float(f) for f in factors)
    x = input
    if mode == "nearest":
        taps = [_nearest_taps(n, m, s) for n, m, s in zip(spatial, out, scales)]
        return ops.getitem(x, (slice(None), slice(None), *np.ix_(*taps)))
    dtype = np.result_type(np.asarray(value(input)).dtype, 1.0)
    for axis, (n, m, s) in enumerate(zip(spatial, out, scales), 2):
        lo, hi, weight = _linear_taps(n, m, s, bool(align_corners))
        where = (slice(None),) * axis
        bcast = (-1,) + (1,) * (len(shape) - axis - 1)
        w = weight.astype(dtype).reshape(bcast)
        x = ops.getitem(x, where + (lo,)) * (1 - w) + ops.getitem(x, where + (hi,)) * w
    return x


def _nearest_taps(n: int, m: int, scale_factor: float | None) -> np.ndarray:
    """PyTorch's 'nearest' source index, computed in float32 as PyTorch does."""
    i = np.arange(m)
    if m == n:
        return i
    if m == 2 * n:
        return i // 2
    scale = np.float32(1.0 / scale_factor if scale_factor else n / m)
    return np.minimum(np.floor(i.astype(np.float32) * scale).astype(np.int64), n - 1)


def _linear_taps(n: int, m: int, scale_factor: float | None, align_corners: bool):
    """For each output position: the two input positions around it and the second's weight."""
    i = np.arange(m, dtype=np.float64)
    if align_corners:
        src = i * ((n - 1) / (m - 1) if m > 1 else 0.0)
    else:
        scale = 1.0 / scale_factor if scale_factor else n / m
        src = np.maximum(scale * (i + 0.5) - 0.5, 0.0)
    lo = src.astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    return lo, hi, np.clip(src - lo, 0.0, 1.0)
