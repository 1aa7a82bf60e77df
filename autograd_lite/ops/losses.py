"""The fused losses: softmax cross-entropy and sigmoid binary cross-entropy, one op node each.

Their backward emits the textbook gradient directly, ``(softmax(x) - t) / N`` and
``(sigmoid(x) - t) / N``, instead of chaining the backward of softmax, log and a gather.
Targets are constants (no gradient flows into them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Op, Tensor, apply_unary, value
from .declarations import declare
from .elementwise import sigmoid
from .reductions import softmax

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(op: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _constant(op: str, name: str, given: Any, dtype: np.dtype) -> np.ndarray:
    """A weight argument as a private array of ``dtype``: the loss is not differentiable in it,
    and a copy, so that later writes to the caller's array cannot move the gradient."""
    if isinstance(given, Tensor) and given.requires_grad:
        raise RuntimeError(
            f"{op}: {name} requires grad, but the loss is not differentiable with respect to "
            f"it; pass {name}.detach()"
        )
    raw = np.asarray(value(given))
    if raw.dtype.kind not in "biuf":
        raise TypeError(
            f"{op}: {name} must be a numeric array, got {type(given).__name__} of dtype {raw.dtype}"
        )
    return np.array(raw, dtype=dtype, copy=True)


def _class_weight(op: str, weight: Any, classes: int, dtype: np.dtype) -> np.ndarray:
    """Per-class loss weights: a private constant copy, non-negative, one per class."""
    w = _constant(op, "weight", weight, dtype)
    if w.shape != (classes,) or (w < 0).any():
        raise ValueError(
            f"{op}: weight must be non-negative with shape ({classes},) (one per class), "
            f"got shape {w.shape}"
        )
    return w


def _check_logits(op: str, x: Any) -> np.ndarray:
    xv = np.asarray(value(x))
    if xv.dtype.kind != "f":
        raise TypeError(f"{op}: logits must be floating point, got dtype {xv.dtype}")
    return xv


class SoftmaxCrossEntropy(Op):
    """Cross-entropy of softmax(logits) against class indices or class probabilities.

    Internally the class axis is moved last and the rest flattened to ``M`` rows. The loss
    of row ``i`` is ``-sum_c q_ic log p_ic`` where ``q`` is the (smoothed, weighted) target;
    its gradient is ``s_i p_i - q_i`` with ``s_i = sum_c q_ic`` (so ``p - t`` in the plain case),
    divided by the reduction's count.
    """

    __slots__ = (
        "axis",
        "reduction",
        "label_smoothing",
        "ignore_index",
        "_labels",
        "_probs",
        "_weight",
        "_denominator",
        "_plain",
    )
    name = "softmax_cross_entropy"
    reads_output = False

    def __init__(
        self,
        labels: np.ndarray | None,
        probs: np.ndarray | None,
        axis: int,
        reduction: str,
        label_smoothing: float,
        weight: np.ndarray | None,
        ignore_index: int | None,
    ) -> None:
        self._labels = labels
        self._probs = probs
        self.axis = axis
        self.reduction = reduction
        self.label_smoothing = label_smoothing
        self._weight = weight
        self.ignore_index = ignore_index
        # Class labels and nothing else (an ignore_index no label equals, as F.cross_entropy's
        # -100, changes nothing): the loss needs only each row's labelled entry.
        self._plain = (
            labels is not None
            and weight is None
            and not label_smoothing
            and (ignore_index is None or not (labels == ignore_index).any())
        )

    def describe(self) -> dict[str, Any]:
        args: dict[str, Any] = {"target": "labels" if self._labels is not None else "probs"}
        if self.axis != -1:
            args["axis"] = self.axis
        args["reduction"] = self.reduction
        if self.label_smoothing:
            args["label_smoothing"] = self.label_smoothing
        if self._weight is not None:
            args["weight"] = "per-class"
        if self.ignore_index is not None:
            args["ignore_index"] = self.ignore_index
        return args

    def _rows(self, x: Any) -> Any:
        """Logits as (M, C) rows: class axis last, other axes flattened."""
        if self.axis not in (-1, x.ndim - 1):
            x = x.transpose(tuple(np.r_[np.delete(np.arange(x.ndim), self.axis), self.axis]))
        return x.reshape((-1, x.shape[-1]))

    def _unrows(self, g2: Any, shape: tuple[int, ...]) -> Any:
        """Inverse of _rows for a gradient."""
        ndim = len(shape)
        if ndim == 2 and self.axis in (-1, 1):  # (M, C) logits: nothing was moved
            return g2
        axis = self.axis % ndim
        moved = tuple(n for i, n in enumerate(shape) if i != axis) + (shape[axis],)
        g = g2.reshape(moved)
        if axis != ndim - 1:
            g = g.transpose(tuple(np.argsort(np.r_[np.delete(np.arange(ndim), axis), axis])))
        return g

    def _target(self, dtype: np.dtype, rows: int, classes: int) -> np.ndarray:
        """The target matrix q (M, C): one-hot rows in the plain case, where s_i = 1."""
        eps, w = self.label_smoothing, self._weight
        if self._labels is not None:
            labels = self._labels.reshape(-1)
            keep = labels != self.ignore_index if self.ignore_index is not None else None
            safe = np.where(keep, labels, 0) if keep is not None else labels
            q = np.zeros((rows, classes), dtype=dtype)
            q[np.arange(rows), safe] = 1.0 - eps if w is None else (1.0 - eps) * w[safe]
            if eps:
                q += (eps / classes) * (w if w is not None else 1.0)
            if keep is not None:
                q[~keep] = 0.0
            return q
        t = self._rows(self._probs).astype(dtype, copy=False)
        if eps:
            t = (1.0 - eps) * t + eps / classes
        return t * w if w is not None else t

    def _count(self, rows: int) -> float:
        if self.reduction != "mean":
            return 1.0
        if self._labels is None:
            return float(rows)
        labels = self._labels.reshape(-1)
        if self.ignore_index is not None:
            labels = labels[labels != self.ignore_index]
        return float(self._weight[labels].sum()) if self._weight is not None else float(labels.size)

    def forward(self, x):
        x2 = self._rows(x)
        rows, classes = x2.shape
        z = x2 - np.maximum.reduce(x2, axis=1, keepdims=True)
        e = np.exp(z)
        s = np.add.reduce(e, axis=1, keepdims=True)
        log_s = np.log(s)
        e /= s
        hit = None
        if self._plain:  # -log p[label] = log(s) - z[label], for the labelled entries only
            hit = (np.arange(rows), self._labels.reshape(-1))  # each row's label
            per_row = log_s[:, 0] - z[hit]
        else:
            per_row = -(self._target(x.dtype, rows, classes) * (z - log_s)).sum(1)
        self._denominator = self._count(rows)
        self.saved = e, hit  # the softmax and the label index, for the first-order backward
        if self.reduction == "none":
            return per_row.reshape(self._batch_shape(x.shape))
        total = per_row.sum()
        return total / self._denominator if self.reduction == "mean" else total

    def _batch_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(n for i, n in enumerate(shape) if i != self.axis % len(shape))

    def backward(self, g, y, x):
        if self.reduction == "none":
            scale = g.reshape((-1, 1))
        else:
            scale = g / (self._denominator or 1.0) if self.reduction == "mean" else g
        x2 = self._rows(x)
        # Under create_graph the softmax must be a differentiable function of x.
        p, hit = self.saved if isinstance(x2, np.ndarray) else (softmax(x2), None)
        if hit is not None:  # the textbook case: p - onehot, in place on a copy
            d = p.copy()
            d[hit] -= 1.0
            d *= scale
        else:
            rows, classes = x2.shape
            q = self._target(value(x).dtype, rows, classes)
            d = (p - q if self._plain else p * q.sum(axis=1, keepdims=True) - q) * scale
        return self._unrows(d, value(x).shape)


@declare
def softmax_cross_entropy(
    logits: Any,
    target: Any,
    *,
    axis: int = -1,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    weight: Any = None,
    ignore_index: int | None = None,
) -> Any:
    """Cross-entropy between softmax(logits) and ``target``, fused into one op.

    Parameters
    ----------
    logits : Tensor, shape (..., C, ...) with the classes on ``axis`` (last by default)
    target : integer class indices (the shape of logits without ``axis``), or class
        probabilities (the shape of logits, non-negative).
    reduction : "mean" (over samples, or over the summed weights of the targets as PyTorch
        does when ``weight`` is given), "sum" or "none".
    label_smoothing : mix the target with the uniform distribution by this amount.
    weight : per-class weights, shape (C,).
    ignore_index : a label whose samples add nothing to the loss or to the count.

    The backward is ``(softmax(logits) - t) / N`` times the upstream gradient.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor([[2.0, 0.0, -1.0]], requires_grad=True)
    >>> loss = ag.softmax_cross_entropy(x, [0])
    >>> loss.backward()
    >>> x.grad.round(4)
    tensor([[-0.1624,  0.1142,  0.0482]])
    """
    op = "softmax_cross_entropy"
    _check_reduction(op, reduction)
    xv = _check_logits(op, logits)
    if xv.ndim == 0:
        raise ValueError(f"{op}: logits must have a class axis, got a 0-d tensor")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be an int (the class axis), got {axis!r}")
    if not -xv.ndim <= axis < xv.ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for logits of shape {xv.shape}")
    classes = xv.shape[axis]
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    w = None if weight is None else _class_weight(op, weight, classes, xv.dtype)
    t = np.array(value(target))  # a copy: later changes must not move the gradient
    batch = xv.shape[: axis % xv.ndim] + xv.shape[axis % xv.ndim + 1 :]
    labels = probs = None
    if t.dtype.kind in "iu":
        if t.shape != batch:
            raise ValueError(
                f"{op}: integer targets must have the logits' shape without the class axis, "
                f"{batch}, got {t.shape} (logits {xv.shape})"
            )
        bad = None
        # two reductions first (the common case), by the ufuncs: t.min() is a Python wrapper
        if t.size and (np.minimum.reduce(t, None) < 0 or np.maximum.reduce(t, None) >= classes):
            bad = (t < 0) | (t >= classes)
            if ignore_index is not None:
                bad &= t != ignore_index
        if bad is not None and bad.any():
            raise ValueError(
                f"{op}: labels must be in [0, {classes}) for {classes} classes, got "
                f"{t[bad].reshape(-1)[0]} (at index {np.argwhere(bad)[0].tolist()})"
            )
        labels = t
    elif t.dtype.kind == "f":
        if t.shape != xv.shape:
            raise ValueError(
                f"{op}: probability targets must have the logits' shape {xv.shape}, got {t.shape}; "
                f"for class indices pass an integer array of shape {batch}"
            )
        if (t < 0).any():
            raise ValueError(f"{op}: probability targets must be non-negative, got min {t.min()}")
        if ignore_index is not None:
            raise ValueError(f"{op}: ignore_index applies to class-index targets only")
        probs = t
    else:
        raise TypeError(
            f"{op}: target must be integer class indices or floating probabilities, "
            f"got dtype {t.dtype}"
        )
    fused = SoftmaxCrossEntropy(
        labels, probs, axis, reduction, float(label_smoothing), w, ignore_index
    )
    return apply_unary(fused, logits)


class SigmoidBinaryCrossEntropy(Op):
    """Binary cross-entropy of sigmoid(logits), with no clipping: finite and accurate for any
    logits. With ``pos_weight`` the positive term is weighted, and with ``weight`` each
    element's loss, as PyTorch does (the mean stays over all elements)."""

    __slots__ = ("reduction", "_target", "_pos_weight", "_weight")
    name = "sigmoid_binary_cross_entropy"
    reads_output = False

    def __init__(
        self,
        target: np.ndarray,
        reduction: str,
        pos_weight: np.ndarray | None,
        weight: np.ndarray | None = None,
    ) -> None:
        self._target = target
        self.reduction = reduction
        self._pos_weight = pos_weight
        self._weight = weight

    def describe(self) -> dict[str, Any]:
        args: dict[str, Any] = {"reduction": self.reduction}
        if self._pos_weight is not None:
            args["pos_weight"] = "given"
        if self._weight is not None:
            args["weight"] = "given"
        return args

    def _reduce(self, per_element: Any, size: int) -> Any:
        if self.reduction == "none":
            return per_element
        total = per_element.sum()
        return total / size if self.reduction == "mean" else total

    def forward(self, x):
        t, pw = self._target.astype(x.dtype, copy=False), self._pos_weight
        # loss = (1 - t) x + w softplus(-x) with w = 1 + (pw - 1) t, written per sign of x as a
        # sum of non-negative terms, so nothing cancels for large |x| and t near 0 or 1.
        pos = 1 - t
        neg = t if pw is None else pw * t
        linear = np.where(x >= 0, pos * x, -neg * x)
        softplus = np.log1p(np.exp(-np.abs(x)))
        per_element = linear + (softplus if pw is None else (1 + (pw - 1) * t) * softplus)
        if self._weight is not None:
            per_element = per_element * self._weight
        return self._reduce(per_element, x.size)

    def backward(self, g, y, x):
        dtype = value(x).dtype
        t, pw = self._target.astype(dtype, copy=False), self._pos_weight
        s = sigmoid(x)
        d = s - t if pw is None else (1 + (pw - 1) * t) * s - pw * t
        if self._weight is not None:
            d = d * self._weight
        if self.reduction == "none":
            return d * g
        return d * (g / value(x).size if self.reduction == "mean" else g)


@declare
def sigmoid_binary_cross_entropy(
    logits: Any,
    target: Any,
    *,
    reduction: str = "mean",
    pos_weight: Any = None,
    weight: Any = None,
) -> Any:
    """Binary cross-entropy between sigmoid(logits) and ``target`` in [0, 1], fused into one op.

    Stable for any logits (log-sigmoid through logaddexp, no clipping); the backward is
    ``(sigmoid(logits) - target) / N``. ``pos_weight`` weights the positive term and
    ``weight`` each element's loss (both broadcast against the logits, as PyTorch's
    BCEWithLogitsLoss; the mean is still over all elements).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor([1000.0, -1000.0], requires_grad=True)
    >>> ag.sigmoid_binary_cross_entropy(x, [1.0, 0.0]).item()
    0.0
    """
    op = "sigmoid_binary_cross_entropy"
    _check_reduction(op, reduction)
    xv = _check_logits(op, logits)
    t = np.array(value(target))  # a copy: later changes must not move the gradient
    if t.dtype.kind not in "fiub":
        raise TypeError(f"{op}: target must be numeric, got dtype {t.dtype}")
    if t.shape != xv.shape:
        raise ValueError(f"{op}: target shape {t.shape} must equal the logits' shape {xv.shape}")
    if t.size and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"{op}: targets must be in [0, 1], got values in [{t.min()}, {t.max()}]")
    pw, w = (
        _broadcasting(op, name, v, xv)
        for name, v in (("pos_weight", pos_weight), ("weight", weight))
    )
    return apply_unary(SigmoidBinaryCrossEntropy(t, reduction, pw, w), logits)


def _broadcasting(op: str, name: str, given: Any, logits: np.ndarray) -> np.ndarray | None:
    """An optional weight as an array of the logits' dtype that broadcasts to their shape."""
    if given is None:
        return None
    w = _constant(op, name, given, logits.dtype)
    try:
        if np.broadcast_shapes(w.shape, logits.shape) != logits.shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{op}: {name} of shape {w.shape} does not broadcast to the logits' shape "
            f"{logits.shape}"
        ) from None
    return w
