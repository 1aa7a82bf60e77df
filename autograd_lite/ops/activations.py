"""Activations that need an op of their own: stability at large inputs, PyTorch's kinks, speed.

* ``softplus(x, beta, threshold)``: ``log(1 + exp(beta x)) / beta`` through ``logaddexp`` (no
  overflow), and ``x`` itself where ``beta x > threshold``, as PyTorch.
* ``elu(x, alpha)`` and ``selu(x)``: the negative branch through ``expm1`` of ``min(x, 0)``, so
  large positive inputs never overflow; the slope at 0 is the negative branch's, as PyTorch.
* ``silu(x) = x * sigmoid(x)``: one node, the sigmoid kept for the first-order backward.
* ``hardtanh(x, min_val, max_val)``: clip, but with no gradient at the bounds themselves
  (PyTorch's convention for hardtanh and relu6; ``ag.clip`` passes it there).

Each backward is written with ``ag`` functions on its arguments, so it serves plain arrays
(first order) and Tensors (``create_graph=True``) alike; masks come from comparisons of the
inputs, never from values saved in forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Op, apply_unary
from .declarations import declare
from .elementwise import exp, sigmoid, where

# SELU's constants (Klambauer et al. 2017), as PyTorch spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _number(op: str, **values: Any) -> None:
    for name, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{op}: {name} must be a real number, got {v!r}")


class Softplus(Op):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""

    __slots__ = ("beta", "threshold")
    reads_output = False

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        _number("softplus", beta=beta, threshold=threshold)
        if beta == 0:
            raise ValueError("softplus: beta must be non-zero (the function divides by it)")
        self.beta = float(beta)
        self.threshold = float(threshold)

    def forward(self, x):
        bx = np.multiply(x, self.beta)
        y = np.logaddexp(0, bx)
        if self.beta != 1.0:
            y /= self.beta
        return np.where(bx > self.threshold, x, y)

    def backward(self, g, y, x):
        # sigmoid sees only beta x < threshold, so that the second derivative at the threshold
        # is 0, as PyTorch's
        bx = x * self.beta
        inside = sigmoid(where(bx < self.threshold, bx, self.threshold))
        return g * where(bx > self.threshold, 1.0, inside)


class Elu(Op):
    """``scale * x`` for ``x > 0``, else ``scale * alpha * (exp(x) - 1)`` (ELU, and SELU)."""

    __slots__ = ("alpha", "scale")
    name = "elu"
    reads_output = False

    def __init__(self, alpha: float = 1.0, scale: float = 1.0) -> None:
        _number("elu", alpha=alpha)
        self.alpha = float(alpha)
        self.scale = float(scale)

    def forward(self, x):
        y = np.expm1(np.minimum(x, 0))  # min(x, 0): exp never sees a large positive input
        if self.alpha != 1.0:
            y *= self.alpha
        y = np.where(np.greater(x, 0), x, y)
        if self.scale != 1.0:
            y *= self.scale
        return y

    def backward(self, g, y, x):
        # The slope at x <= 0 is scale * alpha * exp(x), from exp itself: y + scale * alpha is
        # the same number but loses its relative accuracy to cancellation for x << 0. exp sees
        # only x < 0, so that the second derivative at 0 is 0, as PyTorch's.
        neg = (self.scale * self.alpha) * exp(where(x < 0, x, 0.0))
        return g * where(x > 0, self.scale, neg)


class Selu(Elu):
    """ELU scaled by SELU's constants: ``scale * elu(x, alpha)``."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(SELU_ALPHA, SELU_SCALE)


class Silu(Op):
    """``x * sigmoid(x)`` (swish with beta 1), one node."""

    __slots__ = ()

    def forward(self, x):
        s = np.exp(-np.logaddexp(0, np.negative(x)))  # sigmoid, finite for any x
        self.saved = s
        return x * s

    def backward(self, g, y, x):
        # d/dx x s = s + x s (1 - s) = s + y (1 - s); under create_graph s must be an op of x
        s = self.saved if isinstance(x, np.ndarray) else sigmoid(x)
        return g * (s + y * (1 - s))


class Hardtanh(Op):
    """``x`` clipped to ``[min_val, max_val]``; the gradient is 0 at the bounds, as PyTorch."""

    __slots__ = ("min_val", "max_val")
    reads_output = False

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        _number("hardtanh", min_val=min_val, max_val=max_val)
        if min_val > max_val:
            raise ValueError(f"hardtanh: min_val {min_val} is greater than max_val {max_val}")
        self.min_val = float(min_val)
        self.max_val = float(max_val)

    def forward(self, x):
        return np.clip(x, self.min_val, self.max_val)

    def backward(self, g, y, x):
        return g * ((x > self.min_val) * (x < self.max_val))


@declare
def softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    """``log(1 + exp(beta * x)) / beta``, reverting to ``x`` where ``beta * x > threshold``.

    PyTorch's softplus: finite for any input (no overflow), with gradient
    ``sigmoid(beta * x)`` below the threshold and 1 above it.

    Example
    -------
    >>> import numpy as np
    >>> softplus(np.array([-1000.0, 0.0, 1000.0])).round(4).tolist()
    [0.0, 0.6931, 1000.0]
    """
    return apply_unary(Softplus(beta, threshold), x)


@declare
def elu(x: Any, alpha: float = 1.0) -> Any:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``; slope ``alpha`` at 0, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> elu(np.array([-1000.0, 0.0, 2.0])).tolist()
    [-1.0, 0.0, 2.0]
    """
    return apply_unary(Elu(alpha), x)


@declare
def selu(x: Any) -> Any:
    """``scale * elu(x, alpha)`` with the self-normalising constants (alpha ~ 1.6733,
    scale ~ 1.0507), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> selu(np.array([-1000.0, 1.0])).round(4).tolist()
    [-1.7581, 1.0507]
    """
    return apply_unary(Selu(), x)


@declare
def silu(x: Any) -> Any:
    """``x * sigmoid(x)`` (SiLU, also called swish), one op; finite for any input.

    Example
    -------
    >>> import numpy as np
    >>> silu(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [-0.0, 0.0, 1000.0]
    """
    return apply_unary(Silu(), x)


@declare
def hardtanh(x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Any:
    """``x`` clipped to ``[min_val, max_val]``, as PyTorch: the gradient is 1 strictly inside
    and 0 at the bounds and beyond (``ag.clip`` passes it at the bounds).

    Example
    -------
    >>> import numpy as np
    >>> hardtanh(np.array([-2.0, 0.5, 3.0])).tolist()
    [-1.0, 0.5, 1.0]
    """
    return apply_unary(Hardtanh(min_val, max_val), x)
