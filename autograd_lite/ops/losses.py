"""The fused losses: softmax cross-entropy, sigmoid binary cross-entropy and binary
cross-entropy of probabilities, one op node each.

Their backward emits the textbook gradient directly, ``(softmax(x) - t) / N`` and
``(sigmoid(x) - t) / N``, instead of chaining the backward of softmax, log and a gather.
A floating target that is a Tensor requiring grad becomes the op's second input, and gets
PyTorch's gradient (``-log_softmax(x)`` for cross-entropy's probabilities, ``-x`` for BCE with
logits, ``-logit(x)`` for BCE); any other target is a constant copy, so the common label path
stays a one-input op.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Op, Tensor, apply_binary, apply_unary, value
from .activations import softplus
from .declarations import declare
from .elementwise import log, maximum, sigmoid
from .reductions import log_softmax, softmax

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(op: str, reduction: str, allowed: tuple[str, ...] = _REDUCTIONS) -> None:
    if reduction not in allowed:
        raise ValueError(f"{op}: reduction must be one of {allowed}, got {reduction!r}")


def _differentiable(target: Any) -> Tensor | None:
    """The target if it is a Tensor that requires grad (the op's second input), else None."""
    return target if isinstance(target, Tensor) and target.requires_grad else None


def _apply(op: Op, logits: Any, xv: np.ndarray, target: Tensor | None) -> Any:
    """Run a fused loss on the logits, and on the target if it is a differentiable one."""
    x = logits if isinstance(logits, Tensor) else xv
    return apply_unary(op, x) if target is None else apply_binary(op, x, target)


def _cast(a: Any, dtype: np.dtype) -> Any:
    """``a`` (array or Tensor) in ``dtype``; Tensors through the differentiable astype."""
    return a if value(a).dtype == dtype else a.astype(dtype)


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


def _check_logits(op: str, x: Any, what: str = "logits") -> np.ndarray:
    xv = np.asarray(value(x))
    if xv.dtype.kind != "f":
        raise TypeError(f"{op}: {what} must be floating point, got dtype {xv.dtype}")
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
        target: Any,
        logits: tuple[tuple[int, ...], np.dtype],
        axis: int,
        reduction: str,
        label_smoothing: float,
        weight: Any,
        ignore_index: int | None,
        differentiable: bool,
    ) -> None:
        # The target and weight arrive as the caller gave them (ag.jit rebuilds the op from them
        # on every replay): checked and copied here, so later changes cannot move the gradient.
        op = self.name
        shape, dtype = logits
        classes = shape[axis]
        w = None if weight is None else _class_weight(op, weight, classes, dtype)
        t = np.array(value(target))
        batch = shape[: axis % len(shape)] + shape[axis % len(shape) + 1 :]
        labels = probs = None
        if t.dtype.kind in "iu":
            if t.shape != batch:
                raise ValueError(
                    f"{op}: integer targets must have the logits' shape without the class axis, "
                    f"{batch}, got {t.shape} (logits {shape})"
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
            if t.shape != shape:
                raise ValueError(
                    f"{op}: probability targets must have the logits' shape {shape}, got "
                    f"{t.shape}; for class indices pass an integer array of shape {batch}"
                )
            if (t < 0).any():
                raise ValueError(
                    f"{op}: probability targets must be non-negative, got min {t.min()}"
                )
            if ignore_index is not None:
                raise ValueError(f"{op}: ignore_index applies to class-index targets only")
            probs = None if differentiable else t
        else:
            raise TypeError(
                f"{op}: target must be integer class indices or floating probabilities, "
                f"got dtype {t.dtype}"
            )
        self._labels = labels
        self._probs = probs
        self.axis = axis
        self.reduction = reduction
        self.label_smoothing = label_smoothing
        self._weight = w
        self.ignore_index = ignore_index
        # Class labels and nothing else (an ignore_index no label equals, as F.cross_entropy's
        # -100, changes nothing): the loss needs only each row's labelled entry.
        self._plain = (
            labels is not None
            and w is None
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

    def _target(self, dtype: np.dtype, rows: int, classes: int, probs: Any = None) -> Any:
        """The target matrix q (M, C): one-hot rows in the plain case, where s_i = 1. ``probs``
        is the target when it is the op's input (an array, or a Tensor under create_graph)."""
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
        t = _cast(self._rows(self._probs if probs is None else probs), dtype)
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

    def forward(self, x, probs=None):
        x2 = self._rows(x)
        rows, classes = x2.shape
        z = x2 - np.maximum.reduce(x2, axis=1, keepdims=True)
        e = np.exp(z)
        s = np.add.reduce(e, axis=1, keepdims=True)
        log_s = np.log(s)
        e /= s
        hit = logp = None
        if self._plain:  # -log p[label] = log(s) - z[label], for the labelled entries only
            hit = (np.arange(rows), self._labels.reshape(-1))  # each row's label
            per_row = log_s[:, 0] - z[hit]
        else:
            logp = z - log_s
            per_row = -(self._target(x.dtype, rows, classes, probs) * logp).sum(1)
        self._denominator = self._count(rows)
        # the softmax, the label index and the log-softmax, for the first-order backward
        self.saved = e, hit, logp
        if self.reduction == "none":
            return per_row.reshape(self._batch_shape(x.shape))
        total = per_row.sum()
        return total / self._denominator if self.reduction == "mean" else total

    def _batch_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(n for i, n in enumerate(shape) if i != self.axis % len(shape))

    def backward(self, g, y, x, *probs):
        if self.reduction == "none":
            scale = g.reshape((-1, 1))
        else:
            scale = g / (self._denominator or 1.0) if self.reduction == "mean" else g
        x2 = self._rows(x)
        xv = value(x)
        # Under create_graph the softmax must be a differentiable function of x.
        p, hit, logp = self.saved if isinstance(x2, np.ndarray) else (softmax(x2), None, None)
        dx = dt = None
        if self.needs_grad[0] and hit is not None:  # the textbook case: p - onehot, on a copy
            dx = p.copy()
            dx[hit] -= 1.0
            dx *= scale
        elif self.needs_grad[0]:
            rows, classes = x2.shape
            q = self._target(xv.dtype, rows, classes, *probs)
            dx = (p - q if self._plain else p * q.sum(axis=1, keepdims=True) - q) * scale
        if probs and self.needs_grad[1]:  # d/dq of -sum q log p, through the smoothing and weight
            if logp is None:
                logp = log_softmax(x2, axis=1)
            w, eps = self._weight, self.label_smoothing
            factor = eps - 1.0 if w is None else (eps - 1.0) * w
            dt = self._unrows(logp * factor * scale, xv.shape)
        dx = dx if dx is None else self._unrows(dx, xv.shape)
        return (dx, dt) if probs else dx


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

    The backward is ``(softmax(logits) - t) / N`` times the upstream gradient. Probabilities
    that are a Tensor requiring grad get ``-(1 - label_smoothing) * weight * log_softmax(logits)
    / N``, as PyTorch.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor([[2.0, 0.0, -1.0]], requires_grad=True)
    >>> loss = ag.softmax_cross_entropy(x, [0])
    >>> loss.backward()
    >>> x.grad.round(4)
    tensor([[-0.1562,  0.1142,  0.042 ]], dtype=float32)
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
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{op}: label_smoothing must be in [0, 1], got {label_smoothing}")
    is_float = np.asarray(value(target)).dtype.kind == "f"
    differentiable = _differentiable(target) if is_float else None  # then the op's 2nd input
    fused = SoftmaxCrossEntropy(
        target, (xv.shape, xv.dtype), axis, reduction, float(label_smoothing), weight,
        ignore_index, differentiable is not None,
    )  # fmt: skip
    return _apply(fused, logits, xv, differentiable)


class _ElementwiseLoss(Op):
    """A loss of (input, target) element by element, then weighted and reduced. The target is
    the constant ``_target``, or the op's second input when it requires grad."""

    __slots__ = ("reduction", "_target", "_weight")
    reads_output = False

    def __init__(self, target: np.ndarray | None, reduction: str, weight: np.ndarray | None):
        # ``target``: a constant in the input's dtype, or None when it is the second input
        self._target = target
        self.reduction = reduction
        self._weight = weight

    def describe(self) -> dict[str, Any]:
        args: dict[str, Any] = {"reduction": self.reduction}
        if self._weight is not None:
            args["weight"] = "given"
        return args

    def _finish(self, per_element: np.ndarray, size: int) -> np.ndarray:
        """Forward: weight each element's loss, then reduce."""
        if self._weight is not None:
            per_element = per_element * self._weight
        if self.reduction == "none":
            return per_element
        total = per_element.sum()
        return total / size if self.reduction == "mean" else total

    def _upstream(self, g: Any, x: Any) -> Any:
        """Backward: the upstream gradient of each element's loss (reduction and weight)."""
        scale = g / value(x).size if self.reduction == "mean" else g
        return scale if self._weight is None else scale * self._weight


class SigmoidBinaryCrossEntropy(_ElementwiseLoss):
    """Binary cross-entropy of sigmoid(logits), with no clipping: finite and accurate for any
    logits. With ``pos_weight`` the positive term is weighted, and with ``weight`` each
    element's loss, as PyTorch does (the mean stays over all elements)."""

    __slots__ = ("_pos_weight",)
    name = "sigmoid_binary_cross_entropy"

    def __init__(
        self,
        target: np.ndarray | None,
        reduction: str,
        pos_weight: np.ndarray | None,
        weight: np.ndarray | None = None,
    ) -> None:
        super().__init__(target, reduction, weight)
        self._pos_weight = pos_weight

    def describe(self) -> dict[str, Any]:
        args = super().describe()
        if self._pos_weight is not None:
            args["pos_weight"] = "given"
        return args

    def forward(self, x, t=None):
        t = self._target if t is None else t.astype(x.dtype, copy=False)
        pw = self._pos_weight
        # loss = (1 - t) x + w softplus(-x) with w = 1 + (pw - 1) t, written per sign of x as a
        # sum of non-negative terms, so nothing cancels for large |x| and t near 0 or 1.
        pos = 1 - t
        neg = t if pw is None else pw * t
        linear = np.where(x >= 0, pos * x, -neg * x)
        softplus_neg = np.log1p(np.exp(-np.abs(x)))
        return self._finish(
            linear + (softplus_neg if pw is None else (1 + (pw - 1) * t) * softplus_neg), x.size
        )

    def backward(self, g, y, x, *t):
        target = _cast(t[0], value(x).dtype) if t else self._target
        pw = self._pos_weight
        scale = self._upstream(g, x)
        dx = dt = None
        if self.needs_grad[0]:
            s = sigmoid(x)
            dx = (s - target if pw is None else (1 + (pw - 1) * target) * s - pw * target) * scale
        if t and self.needs_grad[1]:  # d/dt = -x + (pw - 1) softplus(-x) (= -x without pw)
            dt = (-x if pw is None else (pw - 1) * softplus(-x, 1.0, np.inf) - x) * scale
        return (dx, dt) if t else dx


_BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's, a C++ float: 9.99999996e-13


class BinaryCrossEntropy(_ElementwiseLoss):
    """Binary cross-entropy of probabilities, as PyTorch: each log clamped at -100 (a finite loss
    at 0 and 1), the input gradient ``(x - t) / max(x (1 - x), 1e-12)`` and the target
    gradient ``log(1 - x) - log(x)``."""

    __slots__ = ()
    name = "binary_cross_entropy"

    def forward(self, x, t=None):
        t = self._target if t is None else t.astype(x.dtype, copy=False)
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100.0)
            log_1mx = np.maximum(np.log1p(-x), -100.0)
        return self._finish((t - 1) * log_1mx - t * log_x, x.size)

    def backward(self, g, y, x, *t):
        target = _cast(t[0], value(x).dtype) if t else self._target
        scale = self._upstream(g, x)
        dx = dt = None
        if self.needs_grad[0]:
            dx = (x - target) / maximum(x * (1 - x), _BCE_EPSILON) * scale
        if t and self.needs_grad[1]:
            with np.errstate(divide="ignore"):  # infinite at 0 and 1, as PyTorch's -logit(x)
                dt = (log(1 - x) - log(x)) * scale
        return (dx, dt) if t else dx


def _binary_target(op: str, target: Any, x: np.ndarray, what: str) -> np.ndarray:
    """A binary cross-entropy target: numeric, of the input's shape, in [0, 1]; a copy in the
    input's dtype, so that later changes cannot move the gradient."""
    t = np.array(value(target))
    if t.dtype.kind not in "fiub":
        raise TypeError(f"{op}: target must be numeric, got dtype {t.dtype}")
    if t.shape != x.shape:
        raise ValueError(f"{op}: target shape {t.shape} must equal the {what} shape {x.shape}")
    if t.size and (t.min() < 0 or t.max() > 1):
        raise ValueError(f"{op}: targets must be in [0, 1], got values in [{t.min()}, {t.max()}]")
    return t.astype(x.dtype, copy=False)


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
    BCEWithLogitsLoss; the mean is still over all elements). A target that is a Tensor
    requiring grad gets PyTorch's gradient, ``-logits`` (with ``pos_weight``:
    ``pos_weight * softplus(-logits) - softplus(logits)``), times the weight over N.

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
    t = _binary_target(op, target, xv, "logits'")
    pw, w = (
        _broadcasting(op, name, v, xv)
        for name, v in (("pos_weight", pos_weight), ("weight", weight))
    )
    differentiable = _differentiable(target)
    fused = SigmoidBinaryCrossEntropy(t if differentiable is None else None, reduction, pw, w)
    return _apply(fused, logits, xv, differentiable)


@declare
def binary_cross_entropy(
    input: Any,  # noqa: A002 - PyTorch's name
    target: Any,
    *,
    weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """Binary cross-entropy between probabilities ``input`` and ``target``, both in [0, 1].

    PyTorch's definition, one op: ``-weight * (t log(x) + (1 - t) log(1 - x))`` with each log
    clamped at -100, so 0 and 1 give a finite loss, and the gradient
    ``(x - t) / max(x (1 - x), 1e-12)``. ``weight`` broadcasts to the input. Prefer
    :func:`sigmoid_binary_cross_entropy` on logits: it needs no clamping. A target that is a
    Tensor requiring grad gets ``log(1 - x) - log(x)`` (times the weight over N).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> p = ag.tensor([0.9, 0.2], requires_grad=True)
    >>> round(binary_cross_entropy(p, [1.0, 0.0]).item(), 6)
    0.164252
    >>> binary_cross_entropy(ag.tensor([0.0]), [1.0]).item()  # log(0) clamped at -100
    100.0
    """
    op = "binary_cross_entropy"
    _check_reduction(op, reduction)
    xv = _check_logits(op, input, "input")
    if xv.size and (xv.min() < 0 or xv.max() > 1):
        raise ValueError(
            f"{op}: input must be probabilities in [0, 1], got values in [{xv.min()}, {xv.max()}]"
        )
    t = _binary_target(op, target, xv, "input's")
    w = _broadcasting(op, "weight", weight, xv, "input's")
    differentiable = _differentiable(target)
    fused = BinaryCrossEntropy(t if differentiable is None else None, reduction, w)
    return _apply(fused, input, xv, differentiable)


def _broadcasting(
    op: str, name: str, given: Any, logits: np.ndarray, what: str = "logits'"
) -> np.ndarray | None:
    """An optional weight as an array of the logits' dtype that broadcasts to their shape."""
    if given is None:
        return None
    w = _constant(op, name, given, logits.dtype)
    try:
        if np.broadcast_shapes(w.shape, logits.shape) != logits.shape:
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{op}: {name} of shape {w.shape} does not broadcast to the {what} shape {logits.shape}"
        ) from None
    return w
