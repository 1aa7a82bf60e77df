"""Comparing Jacobians and explaining a mismatch in a few lines (numpy only).

A failure message names one Jacobian entry, the worst one, with its analytical and
numerical values and the tolerance, plus hints for recognisable patterns. It never dumps
a whole Jacobian, so it stays readable for large inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Shape = tuple[int, ...]


class GradcheckError(AssertionError):
    """A gradient check failed. The message says which output, input and element, and how."""


GradcheckError.__module__ = "autograd_lite.testing"  # where users import it from


def index_str(flat: int, shape: Shape) -> str:
    """The multi-index of element ``flat`` of an array of ``shape``, as ``(1, 0)``."""
    return str(tuple(int(i) for i in np.unravel_index(flat, shape)))


def worst_entry(diff: np.ndarray, tol: np.ndarray) -> tuple[int, int, float] | None:
    """(number of entries with ``diff > tol``, flat index of the worst, diff/tol there).

    NaN counts as a failure and as the worst possible.
    """
    bad = ~(diff <= tol)
    count = int(np.count_nonzero(bad))
    if count == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(bad, diff / tol, 0.0)
    ratio = np.where(np.isnan(ratio), np.inf, ratio)
    flat = int(np.argmax(ratio))
    return count, flat, float(ratio.flat[flat])


@dataclass(frozen=True)
class Mismatch:
    """One (output, input) Jacobian block that failed the comparison.

    ``analytical`` and ``numerical`` have shape (output size, input size).
    """

    output: int
    input: int
    out_shape: Shape
    in_shape: Shape
    analytical: np.ndarray
    numerical: np.ndarray
    count: int
    worst: int
    ratio: float

    @property
    def worst_output(self) -> int:
        return self.worst // max(self.analytical.shape[1], 1)

    @property
    def worst_input(self) -> int:
        return self.worst % max(self.analytical.shape[1], 1)

    @property
    def broadcast(self) -> bool:
        """The input was broadcast to the output's shape, so its gradient is a reduction."""
        if len(self.in_shape) > len(self.out_shape) or self.in_shape == self.out_shape:
            return False
        try:
            return np.broadcast_shapes(self.in_shape, self.out_shape) == self.out_shape
        except ValueError:
            return False


def compare(
    output: int,
    input: int,
    out_shape: Shape,
    in_shape: Shape,
    analytical: np.ndarray,
    numerical: np.ndarray,
    atol: float,
    rtol: float,
) -> Mismatch | None:
    """A :class:`Mismatch` if some entry has ``|a - n| > atol + rtol * |n|``, else None."""
    found = worst_entry(np.abs(analytical - numerical), atol + rtol * np.abs(numerical))
    if found is None:
        return None
    count, worst, ratio = found
    return Mismatch(output, input, out_shape, in_shape, analytical, numerical, count, worst, ratio)


def _factor_hint(m: Mismatch, atol: float, rtol: float) -> str | None:
    a, n = m.analytical.ravel(), m.numerical.ravel()
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(n))):
        return None
    if not a.any():
        return (
            "the analytical gradient is all zero: does backward return None or zeros for "
            "this input, or does the graph not reach it (detach, no_grad, a raw numpy call)?"
        )
    nn = float(n @ n)
    if nn == 0.0:
        return None
    c = float(a @ n) / nn
    if not np.all(np.abs(a - c * n) <= atol + rtol * np.abs(c * n)):
        return None
    if abs(c + 1.0) <= 1e-6:
        return "sign flipped: analytical = -numerical everywhere"
    return f"constant factor: analytical = {c:.9g} x numerical everywhere"


def explain(
    mismatches: list[Mismatch],
    atol: float,
    rtol: float,
    one_sided: tuple[float, float] | None = None,
) -> str:
    """The failure message for the worst mismatch, with hints; bounded in length.

    ``one_sided`` = (left, right) one-sided differences at the worst entry, when known.
    """
    m = max(mismatches, key=lambda x: x.ratio)
    a = float(m.analytical.flat[m.worst])
    n = float(m.numerical.flat[m.worst])
    tol = atol + rtol * abs(n)
    total = m.analytical.size
    lines = [
        f"gradcheck: d(output {m.output})/d(input {m.input}) is wrong in {m.count} of {total} "
        f"Jacobian entries (output shape {m.out_shape}, input shape {m.in_shape}).",
        f"  worst entry: output {m.output} at {index_str(m.worst_output, m.out_shape)}"
        f" w.r.t. input {m.input} at {index_str(m.worst_input, m.in_shape)}",
        f"  analytical = {a:.9g}, numerical = {n:.9g}, |difference| = {abs(a - n):.3g}"
        f" > tolerance atol + rtol*|numerical| = {tol:.3g} ({m.ratio:.3g}x over)",
    ]
    others = [f"output {x.output}/input {x.input}" for x in mismatches if x is not m]
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        lines.append(f"  also wrong: {shown}")
    hints = []
    factor = _factor_hint(m, atol, rtol)
    if factor:
        hints.append(factor)
    if all(x.broadcast for x in mismatches):
        hints.append(
            f"only inputs broadcast to the output's shape are wrong (input {m.input}: "
            f"{m.in_shape} -> {m.out_shape}): is the gradient summed over the broadcast axes?"
        )
    if one_sided is not None:
        left, right = one_sided
        if not abs(right - left) <= 1e-2 * (abs(right) + abs(left)) + atol:
            hints.append(
                f"one-sided differences disagree there (left {left:.6g}, right {right:.6g}): "
                "the input sits at or within eps of a kink; move it away "
                "(strategies.away_from) or test the convention there directly"
            )
    lines += [f"  hint: {h}" for h in hints]
    return "\n".join(lines)
