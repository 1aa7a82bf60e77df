"""The default floating dtype, and numpy's dtypes under PyTorch's names (``ag.float32``).

The default dtype is what Python floats become in ``ag.tensor`` and the factories, and what
``nn`` layers make their parameters in: float32, as in PyTorch, until
:func:`set_default_dtype` changes it. numpy arrays always keep their own dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "get_default_dtype",
    "set_default_dtype",
    "float16",
    "half",
    "float32",
    "float",
    "float64",
    "double",
    "int8",
    "uint8",
    "int16",
    "short",
    "int32",
    "int",
    "int64",
    "long",
    "bool",
]

float16 = half = np.dtype(np.float16)
float32 = float = np.dtype(np.float32)  # noqa: A001 - PyTorch's names
float64 = double = np.dtype(np.float64)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
int16 = short = np.dtype(np.int16)
int32 = int = np.dtype(np.int32)  # noqa: A001
int64 = long = np.dtype(np.int64)
bool = np.dtype(np.bool_)  # noqa: A001

_default = float32


def get_default_dtype() -> np.dtype:
    """The floating dtype of new tensors made from Python numbers and of ``nn`` parameters."""
    return _default


def set_default_dtype(dtype: Any) -> None:
    """Set the default floating dtype (float16, float32 or float64), like PyTorch's."""
    global _default
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes can be the default, got {dt}")
    _default = dt


def for_python(data: Any, inferred: np.dtype) -> np.dtype:
    """The dtype ``ag.tensor`` gives ``data`` that numpy inferred as ``inferred``.

    Python floats (and lists of them) become the default dtype and Python complex numbers
    its complex counterpart, as in PyTorch; ints stay int64 and bools bool. Data holding a
    numpy array, a numpy scalar or a Tensor anywhere keeps numpy's dtype, so
    ``ag.tensor(np.ones(2))`` and ``ag.tensor([np.float64(1.0)])`` stay float64.
    """
    if inferred.kind not in "fc":
        return inferred
    stack = [data]
    while stack:  # one walk over the leaves, stopping at the first numpy value
        x = stack.pop()
        if isinstance(x, list | tuple):
            stack.extend(x)
        elif hasattr(x, "__array__"):  # ndarray, numpy scalar, Tensor
            return inferred
    return _default if inferred.kind == "f" else np.result_type(_default, np.complex64)


def resolve(dtype: Any) -> np.dtype:
    """``dtype`` as a numpy dtype; the default one for None (``dtype=None`` arguments)."""
    return _default if dtype is None else np.dtype(dtype)
