"""GELU, the activation of the transformer's feed-forward block (``F.gelu`` as a module)."""

from __future__ import annotations

from typing import Any

from autograd_lite.nn import functional as F
from autograd_lite.nn.module import Module

__all__ = ["GELU"]


class GELU(Module):
    """``x * Phi(x)``, exact (``approximate="none"``, with erf) or with tanh, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.GELU()(np.array([-1.0, 0.0, 1.0])).round(6).tolist()
    [-0.158655, 0.0, 0.841345]
    >>> nn.GELU(approximate="tanh")
    GELU(approximate='tanh')
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Any) -> Any:
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"
