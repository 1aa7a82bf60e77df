"""``ag.inference_mode``: PyTorch's name for running without recording ops."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any

from ..core import no_grad

__all__ = ["inference_mode"]


class _NoEffect(ContextDecorator):
    def __enter__(self) -> _NoEffect:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def inference_mode(mode: bool | Callable[..., Any] = True) -> Any:
    """``with ag.inference_mode():``, ``@ag.inference_mode()`` or ``@ag.inference_mode``.

    Here the same as :class:`~autograd_lite.no_grad`: PyTorch's inference mode also skips
    its version-counter bookkeeping, which this engine does not pay per op anyway.
    ``inference_mode(False)`` changes nothing, as in PyTorch.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.0], requires_grad=True)
    >>> with ag.inference_mode():
    ...     (x * 2).requires_grad
    False
    """
    if callable(mode):  # used as a bare decorator
        return no_grad(mode)
    return no_grad() if mode else _NoEffect()
