"""In-place writes: a clock, so that backward refuses to use values written after an op saved them.

An op remembers the tick of the clock when it was recorded; every in-place write through the
API (``t.add_``, ``t[i] = v``, optimiser steps, ``mark_modified``) ticks the clock and is
remembered for the memory it touched — the array at the root of a view — so a write through a
view or a ``detach()``-ed tensor is seen by every tensor sharing that memory. A graph with no
writes since it was built costs one comparison per op to check.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

clock = 0  # ticks once per in-place write
_last_write: dict[int, tuple[weakref.ref[np.ndarray], int]] = {}  # id(root array) -> (root, tick)


def _root(arr: np.ndarray) -> np.ndarray:
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def record_write(arr: np.ndarray) -> int:
    """Tick the clock for a write into ``arr``'s memory; return the new tick."""
    global clock
    clock += 1
    root = _root(arr)
    key = id(root)
    entry = _last_write.get(key)
    if entry is not None and entry[0]() is root:  # written before (every optimizer step)
        _last_write[key] = (entry[0], clock)
    else:
        _last_write[key] = (weakref.ref(root, _forget(key)), clock)
    return clock


def written_after(arr: np.ndarray, tick: int) -> bool:
    """Whether ``arr``'s memory was written in place after ``tick``."""
    root = _root(arr)
    entry = _last_write.get(id(root))
    return entry is not None and entry[0]() is root and entry[1] > tick


def _forget(key: int) -> Callable[[weakref.ref[np.ndarray]], None]:
    def forget(ref: weakref.ref[np.ndarray]) -> None:
        entry = _last_write.get(key)
        if entry is not None and entry[0] is ref:
            del _last_write[key]

    return forget


def check_unmodified(op: Any, out: Any) -> None:
    """Refuse to backward through an op whose output or inputs, which its backward reads,
    were written in place since it ran."""
    candidates = [("output", out)] if op.reads_output else []
    if op.reads_inputs:
        candidates += [(f"input {i}", x) for i, x in enumerate(op.inputs)]
    for which, x in candidates:
        data = getattr(x, "data", None)
        if isinstance(data, np.ndarray) and written_after(data, op._epoch):
            raise RuntimeError(
                f"backward: the {which} of '{op.name}' (shape {x.shape}) was modified in place "
                f"after the op used it (e.g. an optimizer step, setitem or add_ between forward "
                f"and backward), so its gradient would be wrong. Run backward first, or work on "
                f"a copy."
            )
