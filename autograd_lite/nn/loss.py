"""Losses as modules: CrossEntropyLoss, NLLLoss, BCEWithLogitsLoss, BCELoss, MSELoss, L1Loss,
SmoothL1Loss, HuberLoss, KLDivLoss, CosineEmbeddingLoss, MarginRankingLoss, TripletMarginLoss.

Each holds its options and calls the function of the same name in
:mod:`autograd_lite.nn.functional`; ``loss_fn(input, target)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.core import value
from autograd_lite.nn import functional as F
from autograd_lite.nn.module import Module
from autograd_lite.ops.losses import _check_reduction

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "MarginRankingLoss",
    "NLLLoss",
    "SmoothL1Loss",
    "TripletMarginLoss",
]


class _Loss(Module):
    _reductions: tuple[str, ...] = ("mean", "sum", "none")

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(type(self).__name__, reduction, self._reductions)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class _WeightedLoss(_Loss):
    """Class weights, if given, are a buffer (saved in ``state_dict()``, as PyTorch)."""

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        if weight is not None and np.asarray(value(weight)).dtype.kind not in "biuf":
            raise TypeError(
                f"{type(self).__name__}: weight must be a numeric array, got {weight!r} (is it "
                f"meant as reduction=...? weight comes first, as in PyTorch)"
            )
        self.register_buffer("weight", None if weight is None else np.array(value(weight)))


class MSELoss(_Loss):
    """Mean squared error; see ``F.mse_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> float(nn.MSELoss()(np.array([0.0, 2.0]), np.array([1.0, 1.0])))
    1.0
    """

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.mse_loss(input, target, self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits (class axis last); see ``F.cross_entropy``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> round(float(nn.CrossEntropyLoss()(np.zeros((2, 4)), np.array([0, 3]))), 6)
    1.386294
    """

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (class axis last); see ``F.nll_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> round(float(nn.NLLLoss()(np.log(np.full((2, 2), 0.5)), np.array([0, 1]))), 6)
    0.693147
    """

    def __init__(self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"):
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy of ``sigmoid(input)``; see ``F.binary_cross_entropy_with_logits``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> round(float(nn.BCEWithLogitsLoss()(np.zeros(3), np.array([0.0, 1.0, 1.0]))), 6)
    0.693147
    """

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(weight, reduction)
        self.register_buffer(
            "pos_weight", None if pos_weight is None else np.array(value(pos_weight))
        )

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities, logs clamped at -100; see ``F.binary_cross_entropy``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> round(float(nn.BCELoss()(np.array([0.5, 0.5]), np.array([0.0, 1.0]))), 6)
    0.693147
    """

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class L1Loss(_Loss):
    """Absolute error; see ``F.l1_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> float(nn.L1Loss()(np.array([0.0, 2.0]), np.array([1.0, 1.0])))
    1.0
    """

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.l1_loss(input, target, self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above; see ``F.smooth_l1_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> float(nn.SmoothL1Loss(beta=2.0)(np.array([1.0, 5.0]), np.zeros(2)))
    2.125
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        F._real("SmoothL1Loss", "beta", beta, 0.0, strict=False)
        self.beta = beta

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.smooth_l1_loss(input, target, self.reduction, self.beta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, beta={self.beta}"


class HuberLoss(_Loss):
    """Huber's loss: squared error below ``delta``, ``delta`` times absolute error above; see
    ``F.huber_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> float(nn.HuberLoss(delta=2.0)(np.array([1.0, 5.0]), np.zeros(2)))
    4.25
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        F._real("HuberLoss", "delta", delta, 0.0, strict=True)
        self.delta = delta

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.huber_loss(input, target, self.reduction, self.delta)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, delta={self.delta}"


class KLDivLoss(_Loss):
    """KL divergence of log-probabilities ``input`` from ``target``; see ``F.kl_div``.

    ``reduction="batchmean"`` (the divergence per sample) is the one that matches the
    mathematical definition; "mean" divides by every element, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> q = np.log(np.array([[0.5, 0.5]]))
    >>> round(float(nn.KLDivLoss(reduction="batchmean")(q, np.array([[1.0, 0.0]]))), 6)
    0.693147
    """

    _reductions = ("mean", "batchmean", "sum", "none")

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.kl_div(input, target, self.reduction, self.log_target)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, log_target={self.log_target}"


class _MarginLoss(_Loss):
    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        F._real(type(self).__name__, "margin", margin, -np.inf, strict=True)
        self.margin = margin

    def extra_repr(self) -> str:
        return f"margin={self.margin}, {super().extra_repr()}"


class CosineEmbeddingLoss(_MarginLoss):
    """``1 - cos`` for pairs labelled 1, ``max(0, cos - margin)`` for pairs labelled -1; see
    ``F.cosine_embedding_loss``. Called as ``loss_fn(input1, input2, target)``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> x = np.array([[1.0, 0.0]])
    >>> round(float(nn.CosineEmbeddingLoss()(x, x, np.array([1]))), 6)
    0.0
    """

    def forward(self, input1: Any, input2: Any, target: Any) -> Any:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class MarginRankingLoss(_MarginLoss):
    """``max(0, -target * (input1 - input2) + margin)``; see ``F.margin_ranking_loss``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> float(nn.MarginRankingLoss(margin=1.0)(np.array([0.5]), np.array([0.0]), np.array([1])))
    0.5
    """

    def forward(self, input1: Any, input2: Any, target: Any) -> Any:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class TripletMarginLoss(_Loss):
    """``max(0, d(anchor, positive) - d(anchor, negative) + margin)`` with the p-norm distance;
    see ``F.triplet_margin_loss``. Called as ``loss_fn(anchor, positive, negative)``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> a, pos, neg = np.zeros((1, 2)), np.array([[0.0, 1.0]]), np.array([[3.0, 4.0]])
    >>> round(float(nn.TripletMarginLoss(margin=5.0, eps=0.0)(a, pos, neg)), 6)
    1.0
    """

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2.0,
        eps: float = 1e-6,
        swap: bool = False,
        reduction: str = "mean",
    ) -> None:
        super().__init__(reduction)
        F._real("TripletMarginLoss", "margin", margin, 0.0, strict=True)
        F._real("TripletMarginLoss", "p", p, 0.0, strict=True)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Any, positive: Any, negative: Any) -> Any:
        return F.triplet_margin_loss(
            anchor, positive, negative, self.margin, self.p, self.eps, self.swap, self.reduction
        )

    def extra_repr(self) -> str:
        return (
            f"margin={self.margin}, p={self.p}, eps={self.eps}, swap={self.swap}, "
            f"{super().extra_repr()}"
        )
