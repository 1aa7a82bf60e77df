"""numpy's keywords and PyTorch's, side by side: where one name means different things in the
two libraries, the keyword decides (``axis=``/``keepdims=``: numpy; ``dim=``/``keepdim=``:
PyTorch). Passing both spellings of one argument is an error that says which to use.
"""

from __future__ import annotations

from typing import Any

_UNSET: Any = object()  # "not passed", where None is a meaningful value


def pick(op: str, numpy_name: str, numpy_value: Any, torch_name: str, torch_value: Any) -> Any:
    """The one of the two spellings that was passed (``_UNSET`` marks "not passed")."""
    if numpy_value is not _UNSET and torch_value is not _UNSET:
        raise TypeError(
            f"{op}: got both {numpy_name}= (numpy's name) and {torch_name}= (PyTorch's name) "
            f"for one argument; pass one of them"
        )
    return torch_value if numpy_value is _UNSET else numpy_value


def torch_style(*torch_values: Any) -> bool:
    """True when any PyTorch-only keyword was passed: the call asks for PyTorch's semantics."""
    return any(v is not _UNSET for v in torch_values)


UNSET = _UNSET
__all__ = ["UNSET", "pick", "torch_style"]
