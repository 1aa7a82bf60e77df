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

from typing import Any

import numpy as np

from autograd_lite import ops
from autograd_lite.core import value
from autograd_lite.creation import as_rng
from autograd_lite.nn.init import RNGLike
from autograd_lite.nn.layer_ops import _shape, avg_pool2d, conv2d, linear, max_pool2d
from autograd_lite.ops import leaky_relu, relu, sigmoid, tanh
from autograd_lite.ops.losses import _check_reduction, _class_weight

__all__ = [
    "avg_pool2d",
    "binary_cross_entropy_with_logits",
    "conv2d",
    "cross_entropy",
    "dropout",
    "leaky_relu",
    "linear",
    "log_softmax",
    "max_pool2d",
    "mse_loss",
    "nll_loss",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
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

    The identity when ``training`` is False or ``p`` is 0. The mask is drawn from the
    global generator (``ag.manual_seed``), or from ``rng`` (Generator or seed).

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
