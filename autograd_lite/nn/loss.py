"""Losses as modules: CrossEntropyLoss, BCEWithLogitsLoss, MSELoss, NLLLoss.

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

__all__ = ["BCEWithLogitsLoss", "CrossEntropyLoss", "MSELoss", "NLLLoss"]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(type(self).__name__, reduction)
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
