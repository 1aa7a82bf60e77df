"""``nn.functional`` (imported as ``F``): the layers and losses as functions.

Everything is built from autograd_lite ops (or, for convolution and pooling, from
dedicated ops whose backward is differentiable too), so gradients of gradients
work through all of it. Like every ``ag`` op, these take Tensors, arrays or
scalars. Names and keywords follow PyTorch (``dim``, ``reduction``), except that
the class axis of ``nll_loss`` input is the last one, as for ``cross_entropy``
everywhere in autograd_lite.

Example
-------
>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite.nn import functional as F
>>> x = ag.tensor([[1.0, -2.0, 0.5]], requires_grad=True)
>>> loss = F.cross_entropy(F.relu(x), np.array([0]))
>>> loss.backward()
>>> x.grad.shape
(1, 3)
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from autograd_lite import ops
from autograd_lite.core import Tensor, replayable, value
from autograd_lite.creation import as_rng
from autograd_lite.nn.init import RNGLike
from autograd_lite.nn.layer_ops import _shape, linear
from autograd_lite.nn.spatial import (
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool2d,
    conv1d,
    conv2d,
    conv_transpose2d,
    fold,
    interpolate,
    max_pool2d,
    pad,
    unfold,
)
from autograd_lite.ops import clip, exp, getitem, leaky_relu, log, relu, sigmoid, sqrt, tanh, where
from autograd_lite.ops.activations import elu, hardtanh, selu, silu, softplus
from autograd_lite.ops.losses import _check_reduction, _class_weight
from autograd_lite.ops.losses import binary_cross_entropy as _binary_cross_entropy
from autograd_lite.ops.special import erf

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "batch_norm",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "gelu",
    "fold",
    "interpolate",
    "cosine_embedding_loss",
    "cosine_similarity",
    "cross_entropy",
    "dropout",
    "dropout2d",
    "elu",
    "embedding",
    "group_norm",
    "hardtanh",
    "huber_loss",
    "instance_norm",
    "kl_div",
    "l1_loss",
    "layer_norm",
    "leaky_relu",
    "linear",
    "log_softmax",
    "margin_ranking_loss",
    "max_pool2d",
    "mish",
    "mse_loss",
    "nll_loss",
    "pad",
    "relu",
    "scaled_dot_product_attention",
    "normalize",
    "one_hot",
    "pairwise_distance",
    "prelu",
    "relu",
    "relu6",
    "rms_norm",
    "selu",
    "sigmoid",
    "silu",
    "smooth_l1_loss",
    "softmax",
    "softplus",
    "tanh",
    "unfold",
    "triplet_margin_loss",
]


def _operand(x: Any) -> Any:
    """A Tensor as it is, anything else as an array (so that operators and comparisons work)."""
    return x if isinstance(x, Tensor) else np.asarray(x)


def _real(fn: str, name: str, v: Any, low: float, strict: bool) -> None:
    """Refuse ``v`` unless it is a real number above ``low`` (or at it, unless ``strict``)."""
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{fn}: {name} must be a real number, got {v!r}")
    if v < low or (strict and v == low):
        raise ValueError(f"{fn}: {name} must be {'>' if strict else '>='} {low:g}, got {v!r}")


def _dim(fn: str, dim: int, shape: tuple[int, ...]) -> None:
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{fn}: dim must be an int, got {dim!r}")
    if not -len(shape) <= dim < len(shape):
        raise ValueError(f"{fn}: dim {dim} is out of range for an input of shape {shape}")


def softmax(x: Any, dim: int = -1) -> Any:
    """Softmax along ``dim`` (``ag.softmax(x, axis=dim)``).

    Example
    -------
    >>> import numpy as np
    >>> softmax(np.array([0.0, np.log(3.0)])).round(3).tolist()
    [0.25, 0.75]
    """
    return ops.softmax(x, axis=dim)


def log_softmax(x: Any, dim: int = -1) -> Any:
    """Log-softmax along ``dim`` (``ag.log_softmax(x, axis=dim)``).

    Example
    -------
    >>> import numpy as np
    >>> np.exp(log_softmax(np.array([[1.0, 1.0]]), dim=1)).tolist()
    [[0.5, 0.5]]
    """
    return ops.log_softmax(x, axis=dim)


def relu6(x: Any) -> Any:
    """``min(max(x, 0), 6)``: ``hardtanh(x, 0, 6)``, with no gradient at 0 and 6, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> relu6(np.array([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """
    return hardtanh(x, 0.0, 6.0)


def mish(x: Any) -> Any:
    """``x * tanh(softplus(x))`` (Mish), composed of stable ops: finite for any input.

    Example
    -------
    >>> import numpy as np
    >>> mish(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [-0.0, 0.0, 1000.0]
    """
    return x * tanh(softplus(x))


def prelu(input: Any, weight: Any) -> Any:  # noqa: A002
    """``x`` where ``x > 0``, else ``weight * x``, with a learnt slope per channel (axis 1).

    ``weight`` holds one slope, or one per channel of ``input`` (axis 1; inputs of fewer
    than 2 dimensions have one channel), as PyTorch. At 0 the input's gradient is the slope.

    Example
    -------
    >>> import numpy as np
    >>> prelu(np.array([[-2.0, -2.0], [1.0, 1.0]]), np.array([0.25, 0.5])).tolist()
    [[-0.5, -1.0], [1.0, 1.0]]
    """
    xs, ws = _shape(input), _shape(weight)
    n = math.prod(ws)
    channels = xs[1] if len(xs) >= 2 else 1
    if len(ws) > 1 or n not in (1, channels):
        raise ValueError(
            f"prelu: weight of shape {ws} does not fit input of shape {xs}; expected a scalar "
            f"or a 1-D weight with 1 or {channels} slopes (one per channel, axis 1)"
        )
    w = ops.reshape(weight, () if n == 1 else (n,) + (1,) * (len(xs) - 2))
    x = _operand(input)
    return where(x > 0, x, w * x)


def dropout(x: Any, p: float = 0.5, training: bool = True, rng: RNGLike = None) -> Any:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The identity when ``training`` is False or ``p`` is 0. The mask is drawn from the
    global generator (``ag.manual_seed``), or from ``rng`` (Generator or seed).

    Example
    -------
    >>> import numpy as np
    >>> y = dropout(np.ones(1000), p=0.25, rng=0)
    >>> sorted(set(y.tolist())), bool(abs(y.mean() - 1.0) < 0.1)
    ([0.0, 1.3333333333333333], True)
    """
    return _dropout("dropout", x, p, training, rng, _shape(x))


def dropout2d(
    input: Any,  # noqa: A002
    p: float = 0.5,
    training: bool = True,
    rng: RNGLike = None,
) -> Any:
    """Channel dropout: zero whole channels (axis 1) of each sample with probability ``p``.

    For (N, C, H, W) inputs, as PyTorch. A 3-D input is taken as (N, C, L), as PyTorch does
    for now (with its warning; it plans to read it as an unbatched (C, H, W) later).

    Example
    -------
    >>> import numpy as np
    >>> y = dropout2d(np.ones((1, 4, 2, 2)), rng=0)
    >>> y[0].reshape(4, -1).tolist()
    [[2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    shape = _shape(input)
    if len(shape) not in (3, 4):
        raise ValueError(
            f"dropout2d: expected a 4-D (N, C, H, W) input (or 3-D, read as (N, C, L)), "
            f"got shape {shape}"
        )
    if len(shape) == 3:
        warnings.warn(
            "dropout2d: a 3-D input is read as (N, C, L) and whole channels of each sample are "
            "dropped (PyTorch's current behaviour; use dropout1d semantics knowingly)",
            UserWarning,
            stacklevel=2,
        )
    return _dropout("dropout2d", input, p, training, rng, shape[:2] + (1,) * (len(shape) - 2))


def _dropout(
    fn: str, x: Any, p: float, training: bool, rng: RNGLike, mask_shape: tuple[int, ...]
) -> Any:
    """Multiply by a mask of ``mask_shape`` (broadcast to x): 0 with probability p, else 1/(1-p)."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{fn}: p must be in [0, 1], got {p!r}")
    if not training or p == 0.0:
        return x
    dtype = np.asarray(value(x)).dtype
    return x * _dropout_mask(as_rng(rng), mask_shape, p, dtype if dtype.kind == "f" else np.float64)


@replayable
def _dropout_mask(rng: np.random.Generator, shape: tuple[int, ...], p: float, dtype: Any) -> Any:
    """0 with probability p, else 1/(1-p): a new draw on every ag.jit replay."""
    mask = (rng.random(shape) >= p).astype(dtype)
    if p < 1.0:
        mask *= 1.0 / (1.0 - p)
    return mask


# ----------------------------------------------------------------------------- normalisation


def _normalize(x: Any, axes: tuple[int, ...], eps: float) -> tuple[Any, Any, Any]:
    """``(x - mean) / sqrt(var + eps)`` over ``axes`` (biased variance), that mean and variance."""
    x = _operand(x)
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    var = (centered * centered).mean(axis=axes, keepdims=True)
    return centered * (var + eps) ** -0.5, mean, var


def _affine(y: Any, weight: Any, bias: Any, shape: tuple[int, ...] | None = None) -> Any:
    """``y * weight + bias`` (either may be None), each reshaped to ``shape`` if given."""
    if weight is not None:
        y = y * (weight if shape is None else ops.reshape(weight, shape))
    if bias is not None:
        y = y + (bias if shape is None else ops.reshape(bias, shape))
    return y


def _check_shapes(fn: str, want: tuple[int, ...], **arrays: Any) -> None:
    for name, a in arrays.items():
        if a is not None and tuple(_shape(a)) != want:
            raise ValueError(f"{fn}: {name} must have shape {want}, got {tuple(_shape(a))}")


@replayable
def _update_running(
    running_mean: Any,
    running_var: Any,
    mean: Any,
    var: Any,
    channels: int,
    n: int,
    momentum: float | None,
    batches: np.ndarray | None = None,
) -> None:
    """``buffer = (1 - momentum) buffer + momentum stat`` in place for both running statistics
    (the buffers are state), from the batch's per-channel mean and biased variance; ``batches``
    (a module's ``num_batches_tracked``) counts the batch, and momentum None means a cumulative
    average, ``1 / batches``. Read and counted here so that a replay of ``ag.jit`` does both."""
    if batches is not None:
        batches += 1
    if momentum is None:
        momentum = 1.0 / float(batches) if batches is not None else 0.0
    stats = _batch_mean(mean, channels), _batch_mean(var, channels) * (n / (n - 1))
    for buffer, stat in zip((running_mean, running_var), stats):
        if buffer is None:
            continue
        arr = value(buffer)
        arr *= 1.0 - momentum
        arr += momentum * stat
        if isinstance(buffer, Tensor):
            buffer.mark_modified()


def _batch_mean(stat: np.ndarray, channels: int) -> np.ndarray:
    """Per-channel statistics (N or 1, C, 1...) averaged over the batch: shape (C,)."""
    rows = stat.reshape(-1, channels)
    return rows[0] if len(rows) == 1 else np.add.reduce(rows, axis=0) / len(rows)


def _channel_norm(
    fn: str,
    x: Any,
    axes: tuple[int, ...],
    running_mean: Any,
    running_var: Any,
    weight: Any,
    bias: Any,
    use_input_stats: bool,
    momentum: float | None,
    eps: float,
    batches: np.ndarray | None = None,
) -> Any:
    """Batch and instance norm of (N, C, ...) inputs: statistics over ``axes``, or the running
    ones; the running statistics (per channel) take the mean over the batch of those used."""
    shape = _shape(x)
    if len(shape) < 2:
        raise ValueError(f"{fn}: expected input (N, C, ...) of at least 2 dimensions, got {shape}")
    c = shape[1]
    _check_shapes(fn, (c,), running_mean=running_mean, running_var=running_var, weight=weight,
                  bias=bias)  # fmt: skip
    for name, buf in (("running_mean", running_mean), ("running_var", running_var)):
        if buf is not None and not isinstance(buf, (np.ndarray, Tensor)):
            raise TypeError(f"{fn}: {name} must be an array (updated in place), got {buf!r}")
    per_channel = (1, c) + (1,) * (len(shape) - 2)
    if use_input_stats:
        n = math.prod(shape[a] for a in axes)
        if n < 2:
            raise ValueError(
                f"{fn}: need more than 1 value per channel to normalise with the input's "
                f"statistics, got input shape {shape}"
            )
        y, mean, var = _normalize(x, axes, eps)
        if running_mean is not None or running_var is not None:
            _update_running(
                running_mean, running_var, value(mean), value(var), c, n, momentum, batches
            )
    else:
        if running_mean is None or running_var is None:
            raise ValueError(
                f"{fn}: running_mean and running_var are needed to normalise without the "
                f"input's statistics"
            )
        # (ops on the buffers, not numpy on their values: a replay must read them anew)
        mean = Tensor(value(running_mean)).reshape(per_channel)
        var = Tensor(value(running_var)).reshape(per_channel)
        y = (x - mean) * ((var + eps) ** -0.5).astype(mean.dtype)
    return _affine(y, weight, bias, per_channel)


def batch_norm(
    input: Any,  # noqa: A002
    running_mean: Any,
    running_var: Any,
    weight: Any = None,
    bias: Any = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Any:
    """Batch normalisation of (N, C, ...) inputs per channel C, as PyTorch's ``F.batch_norm``.

    ``training``: normalise with the batch's mean and biased variance, and update the
    running statistics given (arrays, in place; the variance unbiased) with ``momentum``.
    Else normalise with ``running_mean`` and ``running_var``. Then ``* weight + bias``.

    Example
    -------
    >>> import numpy as np
    >>> mean, var = np.zeros(2), np.ones(2)
    >>> batch_norm(np.array([[1.0, 10.0], [3.0, 30.0]]), mean, var, training=True).round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> mean.tolist()
    [0.2, 2.0]
    """
    axes = (0, *range(2, len(_shape(input))))
    return _channel_norm(
        "batch_norm", input, axes, running_mean, running_var, weight, bias, training, momentum, eps
    )


def instance_norm(
    input: Any,  # noqa: A002
    running_mean: Any = None,
    running_var: Any = None,
    weight: Any = None,
    bias: Any = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Any:
    """Instance normalisation: each sample's channels (N, C, ...) over their own spatial axes.

    With ``use_input_stats`` (the default) each (sample, channel) is normalised with its own
    mean and biased variance, and the running statistics given are updated with their
    mean over the batch; else the running statistics are used, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> instance_norm(np.array([[[1.0, 3.0], [0.0, 10.0]]])).round(3).tolist()
    [[[-1.0, 1.0], [-1.0, 1.0]]]
    """
    axes = tuple(range(2, len(_shape(input))))
    return _channel_norm(
        "instance_norm",
        input,
        axes,
        running_mean,
        running_var,
        weight,
        bias,
        use_input_stats,
        momentum,
        eps,
    )


def _normalized_shape(fn: str, normalized_shape: Any) -> tuple[int, ...]:
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, (int, np.integer))
        else tuple(normalized_shape)
    )
    if not shape or not all(
        isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n > 0 for n in shape
    ):
        raise ValueError(f"{fn}: normalized_shape must be positive ints, got {normalized_shape!r}")
    return tuple(int(n) for n in shape)


def _trailing_axes(fn: str, x: Any, shape: tuple[int, ...], **params: Any) -> tuple[int, ...]:
    """The axes of ``shape`` (a checked normalized_shape) at the end of x's shape, with the
    weight and bias checked."""
    k = len(shape)
    if len(_shape(x)) < k or tuple(_shape(x)[-k:]) != shape:
        raise ValueError(
            f"{fn}: input shape {_shape(x)} does not end with normalized_shape {shape}"
        )
    _check_shapes(fn, shape, **params)
    return tuple(range(-k, 0))


def layer_norm(
    input: Any,  # noqa: A002
    normalized_shape: int | tuple[int, ...],
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Any:
    """Normalise over the trailing ``normalized_shape`` axes of each sample (biased variance),
    then ``* weight + bias`` (each of ``normalized_shape``), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> layer_norm(np.array([[1.0, 2.0, 3.0, 4.0]]), 4).round(3).tolist()
    [[-1.342, -0.447, 0.447, 1.342]]
    """
    shape = _normalized_shape("layer_norm", normalized_shape)
    return _layer_norm("layer_norm", input, shape, weight, bias, eps)


def _layer_norm(fn: str, x: Any, shape: tuple[int, ...], weight: Any, bias: Any, eps: float):
    axes = _trailing_axes(fn, x, shape, weight=weight, bias=bias)
    return _affine(_normalize(x, axes, eps)[0], weight, bias)


def group_norm(
    input: Any,  # noqa: A002
    num_groups: int,
    weight: Any = None,
    bias: Any = None,
    eps: float = 1e-5,
) -> Any:
    """Group normalisation: the channels of (N, C, ...) inputs in ``num_groups`` groups, each
    group of each sample normalised over its channels and spatial axes, then ``* weight +
    bias`` per channel (shape (C,)), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> group_norm(np.array([[1.0, 3.0, 0.0, 10.0]]), 2).round(3).tolist()
    [[-1.0, 1.0, -1.0, 1.0]]
    """
    return _group_norm("group_norm", input, num_groups, weight, bias, eps)


def _group_norm(fn: str, x: Any, num_groups: int, weight: Any, bias: Any, eps: float) -> Any:
    shape = _shape(x)
    if isinstance(num_groups, bool) or not isinstance(num_groups, (int, np.integer)):
        raise TypeError(f"{fn}: num_groups must be an int, got {num_groups!r}")
    if len(shape) < 2:
        raise ValueError(f"{fn}: expected input (N, C, ...) of at least 2 dimensions, got {shape}")
    n, c = shape[:2]
    if num_groups < 1 or c % num_groups:
        raise ValueError(
            f"{fn}: the input's {c} channels (axis 1 of shape {shape}) do not split into "
            f"num_groups={num_groups} equal groups"
        )
    _check_shapes(fn, (c,), weight=weight, bias=bias)
    group = c // num_groups * math.prod(shape[2:])
    if n * group == 1:  # PyTorch's check: one value to normalise in all
        raise ValueError(f"{fn}: need more than 1 value per group, got input shape {shape}")
    y = _normalize(ops.reshape(x, (n, num_groups, group)), (2,), eps)[0]
    return _affine(ops.reshape(y, shape), weight, bias, (1, c) + (1,) * (len(shape) - 2))


def rms_norm(
    input: Any,  # noqa: A002
    normalized_shape: int | tuple[int, ...],
    weight: Any = None,
    eps: float | None = None,
) -> Any:
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the trailing ``normalized_shape`` axes.

    ``eps=None`` means the machine epsilon of the input's dtype, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> rms_norm(np.array([[3.0, 4.0]]), 2, eps=0.0).round(4).tolist()
    [[0.8485, 1.1314]]
    """
    shape = _normalized_shape("rms_norm", normalized_shape)
    return _rms_norm("rms_norm", input, shape, weight, eps)


def _rms_norm(fn: str, x: Any, shape: tuple[int, ...], weight: Any, eps: float | None) -> Any:
    axes = _trailing_axes(fn, x, shape, weight=weight)
    if eps is None:
        eps = float(np.finfo(np.result_type(np.asarray(value(x)).dtype, np.float16)).eps)
    x = _operand(x)
    y = x * ((x * x).mean(axis=axes, keepdims=True) + eps) ** -0.5
    return _affine(y, weight, None)


# ----------------------------------------------------------------------------- losses


def _same_shape(fn: str, input: Any, target: Any) -> None:  # noqa: A002
    if _shape(input) != _shape(target):
        raise ValueError(
            f"{fn}: input shape {_shape(input)} and target shape {_shape(target)} "
            "differ; expected equal shapes"
        )


def _same_ndim(fn: str, **inputs: Any) -> None:
    """PyTorch's rule for the margin losses: equal numbers of dimensions (then broadcasting)."""
    shapes = {name: _shape(x) for name, x in inputs.items()}
    if len({len(s) for s in shapes.values()}) != 1:
        listed = ", ".join(f"{name} {s}" for name, s in shapes.items())
        raise ValueError(f"{fn}: the inputs must have the same number of dimensions, got {listed}")


def _reduce(losses: Any, reduction: str) -> Any:
    """The elementwise losses, their sum or their mean (``reduction`` already checked)."""
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.mean()


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:  # noqa: A002
    """Squared error ``(input - target) ** 2``, averaged, summed or per element.

    Example
    -------
    >>> import numpy as np
    >>> float(mse_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    2.0
    """
    _check_reduction("mse_loss", reduction)
    _same_shape("mse_loss", input, target)
    d = input - target
    return _reduce(d * d, reduction)


def l1_loss(
    input: Any,  # noqa: A002
    target: Any,
    reduction: str = "mean",
    weight: Any = None,
) -> Any:
    """Absolute error ``|input - target|``, averaged, summed or per element.

    The gradient at ``input == target`` is 0, as PyTorch. With ``weight`` (the input's
    shape) each error is weighted and "mean" divides by the sum of the weights, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> float(l1_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    1.0
    """
    _check_reduction("l1_loss", reduction)
    _same_shape("l1_loss", input, target)
    losses = abs(_operand(input) - target)
    if weight is None:
        return _reduce(losses, reduction)
    _check_shapes("l1_loss", _shape(input), weight=weight)
    weighted = losses * weight
    return weighted.sum() / ops.sum(weight) if reduction == "mean" else _reduce(weighted, reduction)


def _piecewise_quadratic(d: Any, cut: float, quadratic: float, linear: float) -> Any:
    """``quadratic * d ** 2`` where ``|d| < cut``, else ``linear * (|d| - cut / 2)``: smooth L1
    (``0.5 / beta``, 1) and Huber (0.5, ``delta``), continuous with a continuous slope."""
    a = abs(d)
    return where(a < cut, quadratic * (d * d), linear * (a - 0.5 * cut))


def smooth_l1_loss(
    input: Any,  # noqa: A002
    target: Any,
    reduction: str = "mean",
    beta: float = 1.0,
) -> Any:
    """``0.5 d ** 2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2``, for ``d = input -
    target``; ``beta = 0`` is the L1 loss, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> smooth_l1_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none").tolist()
    [0.125, 2.5]
    """
    _check_reduction("smooth_l1_loss", reduction)
    _real("smooth_l1_loss", "beta", beta, 0.0, strict=False)
    _same_shape("smooth_l1_loss", input, target)
    d = _operand(input) - target
    losses = abs(d) if beta == 0 else _piecewise_quadratic(d, beta, 0.5 / beta, 1.0)
    return _reduce(losses, reduction)


def huber_loss(
    input: Any,  # noqa: A002
    target: Any,
    reduction: str = "mean",
    delta: float = 1.0,
    weight: Any = None,
) -> Any:
    """Huber's loss: ``0.5 d ** 2`` where ``|d| < delta``, else ``delta (|d| - delta / 2)``, for
    ``d = input - target`` (``delta`` times smooth L1 with ``beta = delta``), as PyTorch.
    ``weight`` (the input's shape) weights each element; "mean" stays over the elements.

    Example
    -------
    >>> import numpy as np
    >>> huber_loss(np.array([0.5, 3.0]), np.zeros(2), reduction="none", delta=2.0).tolist()
    [0.125, 4.0]
    """
    _check_reduction("huber_loss", reduction)
    _real("huber_loss", "delta", delta, 0.0, strict=True)
    _same_shape("huber_loss", input, target)
    losses = _piecewise_quadratic(_operand(input) - target, delta, 0.5, delta)
    if weight is not None:
        _check_shapes("huber_loss", _shape(input), weight=weight)
        losses = losses * weight
    return _reduce(losses, reduction)


def nll_loss(
    input: Any,  # noqa: A002
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Any:
    """Negative log-likelihood of class indices given log-probabilities (class axis last).

    ``input`` has shape (..., C), ``target`` integer labels of shape (...). Per element
    the loss is ``-weight[t] * input[..., t]``; ``"mean"`` divides the sum by the total
    weight of the counted labels, and labels equal to ``ignore_index`` count for
    nothing, as in PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> logp = np.log(np.array([[0.5, 0.5], [0.1, 0.9]]))
    >>> round(float(nll_loss(logp, np.array([0, 1]))), 6)
    0.399254
    """
    _check_reduction("nll_loss", reduction)
    shape = _shape(input)
    t = np.asarray(value(target))
    if len(shape) < 1 or t.shape != shape[:-1]:
        raise ValueError(
            f"nll_loss: target shape {t.shape} does not fit input shape {shape}; expected "
            f"input (..., C) and target of the input's shape without the class axis"
        )
    if t.dtype.kind not in "iu":
        raise TypeError(f"nll_loss: target must hold integer class indices, got dtype {t.dtype}")
    n_classes = shape[-1]
    t = t.reshape(-1)
    counted = t != ignore_index
    bad = counted & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise ValueError(
            f"nll_loss: target holds {t[bad][0]}, outside the {n_classes} classes [0, "
            f"{n_classes}) (ignore_index={ignore_index})"
        )
    dtype = np.asarray(value(input)).dtype
    labels = np.where(counted, t, 0)
    if weight is None:
        w = counted.astype(dtype)
    else:
        w = _class_weight("nll_loss", weight, n_classes, dtype)[labels] * counted
    picked = ops.reshape(input, (-1, n_classes))[np.arange(t.size), labels]
    losses = picked * -w
    if reduction == "none":
        return losses.reshape(shape[:-1])
    total = losses.sum()
    if reduction == "sum":
        return total
    denom = float(w.sum())
    if denom == 0.0:  # every label ignored: PyTorch's nan loss, but a zero gradient
        return total * 0.0 + np.nan
    return total / denom


def cross_entropy(
    input: Any,  # noqa: A002
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Any:
    """Softmax cross-entropy of logits (class axis last): ``ag.softmax_cross_entropy``, one op.

    ``target`` holds class indices, or class probabilities of the logits' shape.
    Defaults as PyTorch: labels equal to ``ignore_index`` (-100) count for nothing.

    Example
    -------
    >>> import numpy as np
    >>> round(float(cross_entropy(np.zeros((2, 4)), np.array([1, 3]))), 6)  # log(4)
    1.386294
    """
    return ops.softmax_cross_entropy(
        input,
        target,
        axis=-1,
        reduction=reduction,
        label_smoothing=label_smoothing,
        weight=weight,
        # ignore_index only means something for class-index targets (PyTorch ignores it otherwise)
        ignore_index=ignore_index if np.asarray(value(target)).dtype.kind in "iu" else None,
    )


def binary_cross_entropy_with_logits(
    input: Any,  # noqa: A002
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Any:
    """Binary cross-entropy of ``sigmoid(input)``: ``ag.sigmoid_binary_cross_entropy``, one op.

    ``weight`` rescales each element's loss and ``pos_weight`` the positive term, both
    broadcast against ``input``, as PyTorch (whose argument order this follows).

    Example
    -------
    >>> import numpy as np
    >>> round(float(binary_cross_entropy_with_logits(np.zeros(2), np.array([0.0, 1.0]))), 6)
    0.693147
    """
    return ops.sigmoid_binary_cross_entropy(
        input, target, reduction=reduction, pos_weight=pos_weight, weight=weight
    )


_array = value  # the attention functions below have an argument named value
_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def gelu(input: Any, approximate: str = "none") -> Any:  # noqa: A002
    """Gaussian error linear unit ``x * Phi(x)``, Phi the standard normal CDF (as PyTorch).

    ``approximate="none"``: ``0.5 x (1 + erf(x / sqrt 2))``, exact; ``"tanh"``:
    ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``.

    Example
    -------
    >>> import numpy as np
    >>> gelu(np.array([-1.0, 0.0, 1.0])).round(6).tolist()
    [-0.158655, 0.0, 0.841345]
    """
    if approximate == "none":
        return input * (erf(input * _SQRT_HALF) + 1.0) * 0.5
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * _SQRT_2_OVER_PI
        return input * (tanh(inner) + 1.0) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _attention(
    query: Any,
    key: Any,
    value: Any,
    mask: Any,
    dropout_p: float,
    is_causal: bool,
    scale: float | None,
    rng: RNGLike,
    fully_masked: str,
) -> tuple[Any, Any]:
    """softmax(q k^T * scale + mask) v and those weights, shapes and masks already checked.

    ``mask``: None, boolean (True takes part) or float (added), broadcastable to the scores.
    A query row that every key is masked from gives ``fully_masked`` weights: "zero" (PyTorch's
    scaled_dot_product_attention) or "nan" (its MultiheadAttention with need_weights).
    """
    shape_q, shape_k = _shape(query), _shape(key)
    if scale is None:
        scale = 1.0 / math.sqrt(shape_q[-1])
    # Scaling q, not the scores: L x E multiplications instead of L x S.
    scores = ops.matmul(query * scale, _swap_last(key))
    if is_causal:
        mask = np.tril(np.ones((shape_q[-2], shape_k[-2]), dtype=bool))
    dead = None
    if mask is not None:
        m = np.asarray(_array(mask))
        if m.dtype == np.bool_:
            dead = ~m.any(axis=-1, keepdims=True)
            if fully_masked == "zero" and dead.any():
                m = m | dead  # such rows get a finite softmax, replaced by zeros below
            scores = ops.where(m, scores, -np.inf)
        else:
            dead = (m == -np.inf).all(axis=-1, keepdims=True)
            if fully_masked == "zero" and dead.any():
                mask = ops.where(dead, 0.0, mask)
            scores = scores + mask
    if dead is not None and dead.any():
        if fully_masked == "zero":
            weights = ops.where(dead, 0.0, ops.softmax(scores, axis=-1))
        else:
            with np.errstate(invalid="ignore"):  # -inf - (-inf): the NaN PyTorch gives too
                weights = ops.softmax(scores, axis=-1)
    else:
        weights = ops.softmax(scores, axis=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True, rng=rng)
    return ops.matmul(weights, value), weights


def _check_mask(fn: str, name: str, mask: Any) -> np.dtype:
    """The mask's dtype, refused unless boolean or floating."""
    dtype = np.asarray(_array(mask)).dtype
    if dtype != np.bool_ and dtype.kind != "f":
        raise TypeError(f"{fn}: {name} must be boolean or floating, got dtype {dtype}")
    return dtype


def scaled_dot_product_attention(
    query: Any,
    key: Any,
    value: Any,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    enable_gqa: bool = False,
    *,
    rng: RNGLike = None,
) -> Any:
    """``softmax(query @ key^T * scale + mask) @ value`` over the last two axes, as PyTorch.

    query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev); the leading
    dimensions broadcast. ``scale`` defaults to ``1 / sqrt(E)``. ``attn_mask`` broadcasts to
    (..., L, S): boolean (True: the key takes part) or floating (added to the scores).
    ``is_causal`` masks key j from query i for j > i (top-left aligned; not with ``attn_mask``).
    ``dropout_p`` drops attention weights, drawn from ``rng``: it is applied whenever it is
    above 0 (pass 0 in evaluation). ``enable_gqa`` lets query have a multiple of key's heads
    (axis -3); each key/value head then serves a group of adjacent query heads.

    A query that no key may attend to gets an output of zeros and zero gradients, as PyTorch's
    scaled_dot_product_attention (its explicit softmax would give NaN).

    Example
    -------
    >>> import numpy as np
    >>> q = k = v = np.eye(2)[None]
    >>> scaled_dot_product_attention(q, k, v, is_causal=True).round(3).tolist()
    [[[1.0, 0.0], [0.33, 0.67]]]
    """
    fn = "scaled_dot_product_attention"
    sq, sk, sv = _shape(query), _shape(key), _shape(value)
    if len(sq) < 2 or len(sk) < 2 or len(sv) < 2 or sq[-1] != sk[-1] or sk[-2] != sv[-2]:
        raise ValueError(
            f"{fn}: query {sq}, key {sk} and value {sv} do not fit; expected query "
            "(..., L, E), key (..., S, E) and value (..., S, Ev)"
        )
    if enable_gqa and len(sq) >= 3 and sk[-3] != sq[-3]:
        heads, kv_heads = sq[-3], sk[-3]
        if len(sk) < 3 or sv[-3] != kv_heads or heads % kv_heads:
            raise ValueError(
                f"{fn}: with enable_gqa the query heads (axis -3, {heads}) must be a multiple "
                f"of the key and value heads, got query {sq}, key {sk} and value {sv}"
            )
        key, value = _repeat_heads(key, heads // kv_heads), _repeat_heads(value, heads // kv_heads)
        sk, sv = _shape(key), _shape(value)
    try:
        batch = np.broadcast_shapes(sq[:-2], sk[:-2], sv[:-2])
    except ValueError:
        raise ValueError(
            f"{fn}: the batch dimensions of query {sq}, key {sk} and value {sv} do not broadcast"
        ) from None
    if not 0.0 <= dropout_p <= 1.0:
        raise ValueError(f"{fn}: dropout_p must be in [0, 1], got {dropout_p!r}")
    if attn_mask is not None:
        if is_causal:
            raise ValueError(f"{fn}: give attn_mask or is_causal=True, not both")
        dtype = _check_mask(fn, "attn_mask", attn_mask)
        scores = (*batch, sq[-2], sk[-2])
        try:
            fits = np.broadcast_shapes(_shape(attn_mask), scores) == scores
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"{fn}: attn_mask of shape {_shape(attn_mask)} does not broadcast to the "
                f"attention scores' shape {scores}"
            )
        query_dtype = np.asarray(_array(query)).dtype
        if dtype != np.bool_ and dtype != query_dtype and query_dtype.kind == "f":
            attn_mask = ops.astype(attn_mask, query_dtype)
    out, _ = _attention(query, key, value, attn_mask, dropout_p, is_causal, scale, rng, "zero")
    return out


def _repeat_heads(x: Any, n: int) -> Any:
    """(..., H, S, E) -> (..., H * n, S, E), each head repeated n times in a row."""
    shape = _shape(x)
    wide = ops.broadcast_to(ops.expand_dims(x, -3), (*shape[:-2], n, *shape[-2:]))
    return ops.reshape(wide, (*shape[:-3], shape[-3] * n, *shape[-2:]))


def _swap_last(x: Any) -> Any:
    """The matrix transpose of a batch: the last two axes swapped."""
    axes = list(range(len(_shape(x))))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return ops.transpose(x, axes)


def binary_cross_entropy(
    input: Any,  # noqa: A002
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """Binary cross-entropy of probabilities in [0, 1]: ``ag``'s fused op, PyTorch's definition.

    Each log is clamped at -100 (so 0 and 1 give a finite loss) and the gradient is
    ``(input - target) / max(input (1 - input), 1e-12)``, as PyTorch; ``weight`` rescales each
    element (broadcast to the input). On logits, ``binary_cross_entropy_with_logits`` is exact.

    Example
    -------
    >>> import numpy as np
    >>> round(float(binary_cross_entropy(np.array([0.5, 0.5]), np.array([0.0, 1.0]))), 6)
    0.693147
    """
    return _binary_cross_entropy(input, target, weight=weight, reduction=reduction)


_KL_REDUCTIONS = ("mean", "batchmean", "sum", "none")


def _xlogx(t: Any) -> Any:
    """``t log t`` with 0 at 0 (numpy has no xlogy); negative t gives NaN, as PyTorch."""
    zero = t == 0
    return where(zero, 0.0, t * log(where(zero, 1.0, t)))


def kl_div(
    input: Any,  # noqa: A002
    target: Any,
    reduction: str = "mean",
    log_target: bool = False,
) -> Any:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` of log-probabilities
    ``input`` from ``target`` (probabilities, or log-probabilities with ``log_target``).

    ``reduction="batchmean"`` divides the sum by the batch size (the first axis), the KL
    divergence per sample; "mean" divides by the number of elements, as PyTorch. Terms with
    ``target == 0`` are 0; there a differentiable target gets the gradient ``-input`` (PyTorch
    gives NaN).

    Example
    -------
    >>> import numpy as np
    >>> p = np.array([[0.5, 0.5]])
    >>> float(kl_div(np.log(p), p, reduction="batchmean"))
    0.0
    """
    _check_reduction("kl_div", reduction, _KL_REDUCTIONS)
    _same_shape("kl_div", input, target)
    t = _operand(target)
    losses = exp(t) * (t - input) if log_target else _xlogx(t) - t * input
    if reduction != "batchmean":
        return _reduce(losses, reduction)
    shape = _shape(input)
    return losses.sum() / shape[0] if shape else losses.sum()


_EPSILON = 1e-12  # PyTorch's guard of the squared norms in cosine_embedding_loss


def cosine_embedding_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0.0,
    reduction: str = "mean",
) -> Any:
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where it is -1.

    Inputs (N, D) with target (N,), or (D,) with a 0-d target; the cosine is over D, with
    ``1e-12`` added to each squared norm, as PyTorch. Other target values give 0.

    Example
    -------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0.0], [1.0, 0.0]])
    >>> cosine_embedding_loss(x, x, np.array([1, -1]), reduction="none").round(6).tolist()
    [0.0, 1.0]
    """
    fn = "cosine_embedding_loss"
    _check_reduction(fn, reduction)
    s1, s2, st = _shape(input1), _shape(input2), _shape(target)
    if len(st) > 1 or s1 != s2 or s1[:-1] != st or len(s1) != len(st) + 1:
        raise ValueError(
            f"{fn}: expected inputs (N, D) and target (N,), or inputs (D,) and a 0-d target, "
            f"got inputs {s1} and {s2} and target {st}"
        )
    x1, x2, t = _operand(input1), _operand(input2), np.asarray(value(target))
    squared = ((x1 * x1).sum(axis=-1) + _EPSILON) * ((x2 * x2).sum(axis=-1) + _EPSILON)
    cos = (x1 * x2).sum(axis=-1) / sqrt(squared)
    losses = where(t == 1, 1 - cos, 0.0) + where(t == -1, clip(cos - margin, min=0.0), 0.0)
    return _reduce(losses, reduction)


def margin_ranking_loss(
    input1: Any,
    input2: Any,
    target: Any,
    margin: float = 0.0,
    reduction: str = "mean",
) -> Any:
    """``max(0, -target * (input1 - input2) + margin)``: ``target`` 1 ranks input1 higher, -1
    input2. The three must have the same number of dimensions (they broadcast), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> margin_ranking_loss(np.array([2.0, 0.0]), np.zeros(2), np.array([1.0, 1.0]),
    ...                     margin=1.0, reduction="none").tolist()
    [0.0, 1.0]
    """
    fn = "margin_ranking_loss"
    _check_reduction(fn, reduction)
    _same_ndim(fn, input1=input1, input2=input2, target=target)
    losses = clip(-_operand(target) * (_operand(input1) - input2) + margin, min=0.0)
    return _reduce(losses, reduction)


def triplet_margin_loss(
    anchor: Any,
    positive: Any,
    negative: Any,
    margin: float = 1.0,
    p: float = 2.0,
    eps: float = 1e-6,
    swap: bool = False,
    reduction: str = "mean",
) -> Any:
    """``max(0, d(anchor, positive) - d(anchor, negative) + margin)`` with ``d`` the
    ``pairwise_distance`` (p-norm over the last axis, ``eps`` added to the difference).

    ``swap`` uses ``min(d(a, n), d(p, n))`` as the negative distance (Balntas et al.), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> a, pos, neg = np.zeros((1, 2)), np.array([[0.0, 1.0]]), np.array([[3.0, 4.0]])
    >>> round(float(triplet_margin_loss(a, pos, neg, margin=5.0, eps=0.0)), 6)
    1.0
    """
    fn = "triplet_margin_loss"
    _check_reduction(fn, reduction)
    _real(fn, "margin", margin, 0.0, strict=True)
    _same_ndim(fn, anchor=anchor, positive=positive, negative=negative)
    a, pos, neg = _operand(anchor), _operand(positive), _operand(negative)
    d_neg = _distance(fn, a, neg, p, eps, False)
    if swap:
        d_neg = ops.minimum(d_neg, _distance(fn, pos, neg, p, eps, False))
    return _reduce(clip(margin + _distance(fn, a, pos, p, eps, False) - d_neg, min=0.0), reduction)


# ----------------------------------------------------------------------------- utilities


def one_hot(tensor: Any, num_classes: int = -1) -> Any:
    """Class indices of any shape -> int64 one-hot rows along a new last axis.

    ``num_classes=-1`` takes the largest index plus one, as PyTorch. Not differentiable
    (integers); a Tensor in gives a Tensor out.

    Example
    -------
    >>> import numpy as np
    >>> one_hot(np.array([0, 2]), 3).tolist()
    [[1, 0, 0], [0, 0, 1]]
    """
    idx = np.asarray(value(tensor))
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got dtype {idx.dtype}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise TypeError(f"one_hot: num_classes must be an int, got {num_classes!r}")
    if num_classes == -1:
        if idx.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass it")
        num_classes = int(idx.max()) + 1
    if num_classes < 0:
        raise ValueError(f"one_hot: num_classes must be -1 or >= 0, got {num_classes}")
    if idx.size and idx.min() < 0:
        raise ValueError(f"one_hot: class values must be non-negative, got {idx.min()}")
    if idx.size and idx.max() >= num_classes:
        raise ValueError(
            f"one_hot: class values must be smaller than num_classes={num_classes}, got {idx.max()}"
        )
    out = (idx[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor(out) if isinstance(tensor, Tensor) else out


def _vector_norm(fn: str, x: Any, p: float, axis: int, keepdims: bool) -> Any:
    """The p-norm along ``axis``; where it is 0 the gradient is 0 (PyTorch's), not NaN."""
    _real(fn, "p", p, 0.0, strict=True)
    if p == 2:
        s = (x * x).sum(axis=axis, keepdims=keepdims)
    elif p == np.inf:  # tied maxima share the gradient, as PyTorch's
        return abs(x).max(axis=axis, keepdims=keepdims)
    elif p == 1:
        return abs(x).sum(axis=axis, keepdims=keepdims)
    else:
        s = (abs(x) ** p).sum(axis=axis, keepdims=keepdims)
    nonzero = s > 0  # the root's slope is infinite at 0, and 0 * inf would be NaN
    return where(nonzero, where(nonzero, s, 1.0) ** (1.0 / p), 0.0)


def _broadcast(fn: str, x1: Any, x2: Any) -> tuple[Any, Any, tuple[int, ...]]:
    s1, s2 = _shape(x1), _shape(x2)
    try:
        shape = np.broadcast_shapes(s1, s2)
    except ValueError:
        raise ValueError(f"{fn}: shapes {s1} and {s2} do not broadcast together") from None
    return _operand(x1), _operand(x2), shape


def _distance(fn: str, x1: Any, x2: Any, p: float, eps: float, keepdim: bool) -> Any:
    x1, x2, shape = _broadcast(fn, x1, x2)
    if not shape:
        raise ValueError(f"{fn}: expected inputs with a last axis to measure along, got 0-d")
    return _vector_norm(fn, x1 - x2 + eps, p, -1, keepdim)


def pairwise_distance(
    x1: Any, x2: Any, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Any:
    """``||x1 - x2 + eps||_p`` along the last axis (inputs broadcast), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> pairwise_distance(np.array([[3.0, 4.0]]), np.zeros((1, 2)), eps=0.0).tolist()
    [5.0]
    """
    return _distance("pairwise_distance", x1, x2, p, eps, keepdim)


def normalize(input: Any, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Any:  # noqa: A002
    """``input / max(||input||_p, eps)`` along ``dim``, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    _dim("normalize", dim, _shape(input))
    x = _operand(input)
    return x / clip(_vector_norm("normalize", x, p, dim, True), min=eps)


def cosine_similarity(x1: Any, x2: Any, dim: int = 1, eps: float = 1e-8) -> Any:
    """``x1 . x2 / (max(||x1||, eps) max(||x2||, eps))`` along ``dim`` (inputs broadcast).

    The values are PyTorch's. Gradients are too, except where a norm is below ``eps``
    without being 0: PyTorch then differentiates as if the norm were not clamped.

    Example
    -------
    >>> import numpy as np
    >>> cosine_similarity(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])).round(4).tolist()
    [0.7071]
    """
    x1, x2, shape = _broadcast("cosine_similarity", x1, x2)
    _dim("cosine_similarity", dim, shape)
    if _shape(x1) != shape:
        x1 = ops.broadcast_to(x1, shape)
    if _shape(x2) != shape:
        x2 = ops.broadcast_to(x2, shape)
    n1 = clip(_vector_norm("cosine_similarity", x1, 2.0, dim, False), min=eps)
    n2 = clip(_vector_norm("cosine_similarity", x2, 2.0, dim, False), min=eps)
    return (x1 * x2).sum(axis=dim) / (n1 * n2)


def _padding_index(fn: str, padding_idx: Any, num_embeddings: int) -> int | None:
    """``padding_idx`` as a row of the table (negative counts from the end), or None."""
    if padding_idx is None:
        return None
    if not isinstance(padding_idx, (int, np.integer)) or isinstance(padding_idx, bool):
        raise TypeError(
            f"{fn}: padding_idx must be an int or None, got {type(padding_idx).__name__}"
        )
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise ValueError(
            f"{fn}: padding_idx {padding_idx} is out of range for {num_embeddings} embeddings"
        )
    return int(padding_idx) % num_embeddings


def _embedding(fn: str, indices: Any, weight: Any, padding_idx: int | None) -> Any:
    idx = np.asarray(value(indices))
    n = _shape(weight)[0]
    if idx.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise ValueError(f"{fn}: index {bad} is out of range for {n} embeddings")
    out = getitem(weight, idx)
    if padding_idx is not None:
        pad = idx == padding_idx
        if pad.any():
            # The padding row enters as a constant, so no gradient reaches it.
            out = where(pad[..., None], np.asarray(value(weight))[padding_idx], out)
    return out


def embedding(input: Any, weight: Any, padding_idx: int | None = None) -> Any:  # noqa: A002
    """Rows of ``weight`` (num_embeddings, embedding_dim) looked up by integer ``input``.

    Repeated indices add up their gradients; rows at ``padding_idx`` (negative counts from
    the end) get none, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> embedding(np.array([[1, 0]]), np.array([[0.0, 1.0], [2.0, 3.0]])).tolist()
    [[[2.0, 3.0], [0.0, 1.0]]]
    """
    ws = _shape(weight)
    if len(ws) != 2:
        raise ValueError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {ws}"
        )
    return _embedding("embedding", input, weight, _padding_index("embedding", padding_idx, ws[0]))
