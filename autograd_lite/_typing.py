"""Type aliases of the public API (annotations only; nothing here runs)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ArrayLike = Any  # a Tensor, an ndarray, a Python number or a nested list of them
Axis = int | Sequence[int] | None  # numpy's axis: one, several, or all (None)
ShapeLike = int | Sequence[int]
DTypeLike = Any  # anything np.dtype() accepts

__all__ = ["ArrayLike", "Axis", "DTypeLike", "ShapeLike"]
