"""Argument checks shared by the layers above the core."""

from __future__ import annotations

from typing import Any

import numpy as np


def check_count(fn: str, name: str, value: Any, minimum: int) -> None:
    """Refuse anything but an int (bools included) at least ``minimum``, naming ``fn``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{fn}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum:
        raise ValueError(f"{fn}: {name} must be >= {minimum}, got {value!r}")
