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
from typing import Any

import numpy as np

from autograd_lite import ops
from autograd_lite.core import value
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
from autograd_lite.ops import leaky_relu, relu, sigmoid, tanh
from autograd_lite.ops.losses import _check_reduction, _class_weight
from autograd_lite.ops.special import erf

__all__ = [
    "adaptive_avg_pool2d",
    "adaptive_max_pool2d",
    "avg_pool2d",
    "binary_cross_entropy_with_logits",
    "conv1d",
    "conv2d",
    "conv_transpose2d",
    "cross_entropy",
    "dropout",
    "gelu",
    "fold",
    "interpolate",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "pad",
    "relu",
    "scaled_dot_product_attention",
    "sigmoid",
    "softmax",
    "tanh",
    "unfold",
]


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


def dropout(x: Any, p: float = 0.5, training: bool = True, rng: RNGLike = None) -> Any:
    """Inverted dropout: zero each element with probability ``p``, scale the rest by 1/(1-p).

    The identity when ``training`` is False or ``p`` is 0; ``rng`` (Generator or seed)
    draws the mask.

    Example
    -------
    >>> import numpy as np
    >>> y = dropout(np.ones(1000), p=0.25, rng=0)
    >>> sorted(set(y.tolist())), bool(abs(y.mean() - 1.0) < 0.1)
    ([0.0, 1.3333333333333333], True)
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p!r}")
    if not training or p == 0.0:
        return x
    data = np.asarray(value(x))
    keep = as_rng(rng).random(data.shape) >= p
    mask = keep.astype(data.dtype if data.dtype.kind == "f" else np.float64)
    if p < 1.0:
        mask *= 1.0 / (1.0 - p)
    return x * mask


def mse_loss(input: Any, target: Any, reduction: str = "mean") -> Any:  # noqa: A002
    """Squared error ``(input - target) ** 2``, averaged, summed or per element.

    Example
    -------
    >>> import numpy as np
    >>> float(mse_loss(np.array([1.0, 2.0]), np.array([1.0, 4.0])))
    2.0
    """
    _check_reduction("mse_loss", reduction)
    if _shape(input) != _shape(target):
        raise ValueError(
            f"mse_loss: input shape {_shape(input)} and target shape {_shape(target)} "
            "differ; expected equal shapes"
        )
    d = input - target
    sq = d * d
    if reduction == "none":
        return sq
    return sq.sum() if reduction == "sum" else sq.mean()


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
