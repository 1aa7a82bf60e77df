"""detect_anomaly's checks: the first op whose forward or backward makes NaN/Inf, and where the
user's code created it."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from typing import Any

import numpy as np

from .tensor import Tensor

_PACKAGE = __file__.rsplit("/", 2)[0]  # autograd_lite/


def nonfinite(x: Any) -> str | None:
    """'NaN' or 'Inf' if the values hold one (NaN reported first), else None."""
    a = np.asarray(x.data if isinstance(x, Tensor) else x)
    if a.dtype.kind not in "fc" or bool(np.isfinite(a).all()):
        return None
    return "NaN" if bool(np.isnan(a).any()) else "Inf"


def _user_frames(stack: traceback.StackSummary) -> str:
    """The part of a stack outside autograd_lite's core and ops: where the user made an op."""
    frames = [
        f for f in stack if not (f.filename.startswith(_PACKAGE) and "/nn/" not in f.filename)
    ]
    return "".join(traceback.format_list(frames[-6:])) or "".join(stack.format()[-3:])


def check_forward(op: Any, inputs: Sequence[Any], y: np.ndarray) -> None:
    """The forward check; also records where the op was made."""
    op._trace = traceback.StackSummary.from_list(traceback.extract_stack()[:-2])
    bad = nonfinite(y)
    if bad is not None:
        bad_inputs = [i for i, x in enumerate(inputs) if nonfinite(x) is not None]
        origin = (
            f"its inputs {bad_inputs} already held NaN/Inf" if bad_inputs else "from finite inputs"
        )
        raise FloatingPointError(
            f"detect_anomaly: forward of '{op.name}' produced {bad} "
            f"(output shape {y.shape}, {origin}). The op was created at:\n"
            f"{_user_frames(op._trace)}"
        )


def check_backward(op: Any, gxs: Sequence[Any]) -> None:
    """The backward check: name the op whose backward made NaN/Inf."""
    for i, gx in enumerate(gxs):
        bad = None if gx is None else nonfinite(gx)
        if bad is not None:
            trace = getattr(op, "_trace", None)
            where = (
                _user_frames(trace)
                if trace is not None
                else "(not recorded: it was made outside detect_anomaly, or by a backward pass)\n"
            )
            raise FloatingPointError(
                f"detect_anomaly: backward of '{op.name}' produced {bad} in the "
                f"gradient of its input {i} (shape {np.shape(gx)}). The op "
                f"was created at:\n{where}"
            )
