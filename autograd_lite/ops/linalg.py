"""Matrix product with numpy's ``matmul`` semantics: 1-D, 2-D and broadcast batches."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Op, apply_binary
from .declarations import declare


def _mT(x: Any) -> Any:
    """Swap the last two axes (the matrix transpose of a batch)."""
    if x.ndim == 2:
        return x.T
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(tuple(axes))


class MatMul(Op):
    __slots__ = ()

    def forward(self, a, b):
        try:
            return np.matmul(a, b)
        except ValueError:
            sa, sb = np.shape(a), np.shape(b)
            if len(sa) == 0 or len(sb) == 0:
                why = "both operands need at least 1 dimension"
            elif sa[-1] != sb[-2 if len(sb) > 1 else 0]:
                why = (
                    f"the last dimension of a ({sa[-1]}) must equal the "
                    f"{'second-to-last' if len(sb) > 1 else 'only'} dimension of b "
                    f"({sb[-2 if len(sb) > 1 else 0]})"
                )
            else:
                why = f"batch dimensions {sa[:-2]} and {sb[:-2]} do not broadcast"
            raise ValueError(f"matmul: shapes {sa} and {sb} are not aligned: {why}") from None

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        if a.ndim == 2 and b.ndim == 2:  # the common case, kept short
            return (g @ b.T if da else None), (a.T @ g if db else None)
        if a.ndim == 1 and b.ndim == 1:  # inner product: g is a scalar
            return (g * b if da else None), (g * a if db else None)
        # Promote 1-D operands to matrices as numpy does, then drop the added axis again.
        a2 = a.reshape((1, -1)) if a.ndim == 1 else a
        b2 = b.reshape((-1, 1)) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = g2.reshape(g2.shape[:-1] + (1, g2.shape[-1]))
        if b.ndim == 1:
            g2 = g2.reshape(g2.shape + (1,))
        ga = gb = None
        if da:
            ga = g2 @ _mT(b2)
            if a.ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if db:
            gb = _mT(a2) @ g2
            if b.ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


@declare(method=True, numpy=np.matmul)
def matmul(a: Any, b: Any) -> Any:
    """Matrix product like ``np.matmul`` (``a @ b``), batched with broadcasting."""
    return apply_binary(MatMul(), a, b)
