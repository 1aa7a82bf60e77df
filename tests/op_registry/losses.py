"""The fused losses."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

# --------------------------------------------------------------------------- fused losses


def _log_softmax_rows(x: np.ndarray, axis: int) -> np.ndarray:
    """Log-softmax with the class axis moved last and the rest flattened into rows (naive)."""
    rows = np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    return rows - np.log(np.sum(np.exp(rows), axis=1, keepdims=True))


def cross_entropy_reference(
    x: np.ndarray,
    target: np.ndarray,
    axis: int = -1,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    weight: np.ndarray | None = None,
    ignore_index: int | None = None,
) -> np.ndarray:
    """PyTorch's cross_entropy semantics, written out directly."""
    logp = _log_softmax_rows(x, axis)
    rows, classes = logp.shape
    w = np.ones(classes) if weight is None else weight
    if target.dtype.kind == "f":
        t = np.moveaxis(target, axis, -1).reshape(rows, classes)
        q = ((1 - label_smoothing) * t + label_smoothing / classes) * w
        count = float(rows)
    else:
        labels = target.reshape(-1)
        keep = np.ones(rows, bool) if ignore_index is None else labels != ignore_index
        safe = np.where(keep, labels, 0)
        q = np.zeros((rows, classes))
        q[np.arange(rows), safe] = (1 - label_smoothing) * w[safe]
        q += label_smoothing / classes * w
        q[~keep] = 0.0
        count = float(np.sum(w[safe][keep]))
    per_row = -np.sum(q * logp, axis=1)
    if reduction == "none":
        return per_row.reshape(np.delete(x.shape, axis % x.ndim))
    return per_row.sum() / count if reduction == "mean" else per_row.sum()


@st.composite
def cross_entropy_example(draw: Any, probabilities: bool) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    classes = shape[axis]
    batch = tuple(n for i, n in enumerate(shape) if i != axis % len(shape))
    x = draw(ags.arrays(shape))
    kw: dict[str, Any] = {
        "axis": axis,
        "reduction": draw(st.sampled_from(["mean", "sum", "none"])),
        "label_smoothing": draw(st.sampled_from([0.0, 0.1])),
        "weight": draw(st.none() | ags.arrays((classes,), domain=ags.interval(0.5, 2.0))),
    }
    if probabilities:
        p = draw(ags.arrays(shape, domain=ags.interval(0.1, 1.0)))
        kw["target"] = p / p.sum(axis=axis, keepdims=True)
    else:
        labels = draw(hnp.arrays(np.int64, batch, elements=st.integers(0, classes - 1)))
        if draw(st.booleans()):  # some samples ignored, but never all of them
            ignored = draw(hnp.arrays(np.bool_, batch))
            ignored.flat[0] = False
            labels[ignored] = -100
            kw["ignore_index"] = -100
        kw["target"] = labels
    return (x,), kw


def bce_reference(
    x: np.ndarray,
    target: np.ndarray,
    reduction: str = "mean",
    pos_weight: Any = None,
    weight: Any = None,
) -> np.ndarray:
    """PyTorch's binary_cross_entropy_with_logits, naively through log(sigmoid)."""
    s = 1 / (1 + np.exp(-x))
    pw = 1.0 if pos_weight is None else pos_weight
    per = -(pw * target * np.log(s) + (1 - target) * np.log(1 - s))
    per = per if weight is None else weight * per
    if reduction == "none":
        return per
    return per.mean() if reduction == "mean" else per.sum()


@st.composite
def bce_example(draw: Any) -> Example:
    shape = draw(ags.shapes())
    x = draw(ags.arrays(shape))
    target = draw(
        ags.arrays(shape, domain=ags.interval(0.0, 1.0))
        | hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))
    )
    kw = {"target": target, "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}
    for name in ("pos_weight", "weight"):
        # a weight broadcasts to the logits: a trailing part of their shape, some sides 1
        start = draw(st.integers(0, len(shape)))
        w_shape = draw(st.tuples(*(st.sampled_from([1, n]) for n in shape[start:])))
        w = draw(st.none() | ags.arrays(w_shape, domain=ags.interval(0.5, 3.0)))
        if w is not None:
            kw[name] = w
    return (x,), kw


def bce_probabilities_reference(
    x: np.ndarray, target: np.ndarray, reduction: str = "mean", weight: Any = None
) -> np.ndarray:
    """PyTorch's binary_cross_entropy: each log clamped at -100 (not reached by the examples)."""
    per = -(target * np.maximum(np.log(x), -100) + (1 - target) * np.maximum(np.log(1 - x), -100))
    per = per if weight is None else weight * per
    if reduction == "none":
        return per
    return per.mean() if reduction == "mean" else per.sum()


@st.composite
def bce_probabilities_example(draw: Any) -> Example:
    (x,), kw = draw(bce_example())
    kw.pop("pos_weight", None)
    return (np.asarray(1 / (1 + np.exp(-x))),), kw  # probabilities in [0.047, 0.953]


def target_as_input(examples: st.SearchStrategy[Example], domain: ags.Domain | None = None) -> Any:
    """The examples with their target moved from the kwargs to a second (differentiable) input,
    redrawn from ``domain`` if given (targets that finite differences may step across)."""

    @st.composite
    def moved(draw: Any) -> Example:
        (x,), kw = draw(examples)
        kw = dict(kw)
        target = kw.pop("target")
        if domain is not None:
            target = draw(ags.arrays(target.shape, domain=domain))
        return (x, target), kw

    return moved()


BCE_TARGET = ags.interval(0.0, 1.0, margin=0.01)


CASES: list[OpCase] = [
    OpCase(
        "softmax_cross_entropy-labels",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        cross_entropy_example(probabilities=False),
    ),
    OpCase(
        "softmax_cross_entropy-probabilities",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        cross_entropy_example(probabilities=True),
    ),
    OpCase(
        "sigmoid_binary_cross_entropy",
        ag.sigmoid_binary_cross_entropy,
        bce_reference,
        bce_example(),
    ),
    OpCase(
        "softmax_cross_entropy-target",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        target_as_input(cross_entropy_example(probabilities=True)),
    ),
    OpCase(
        "sigmoid_binary_cross_entropy-target",
        ag.sigmoid_binary_cross_entropy,
        bce_reference,
        target_as_input(bce_example(), BCE_TARGET),
    ),
    OpCase(
        "binary_cross_entropy",
        ag.binary_cross_entropy,
        bce_probabilities_reference,
        bce_probabilities_example(),
    ),
    OpCase(
        "binary_cross_entropy-target",
        ag.binary_cross_entropy,
        bce_probabilities_reference,
        target_as_input(bce_probabilities_example(), BCE_TARGET),
    ),
]
