"""nn.functional's dedicated ops: convolution and pooling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_lite.nn import functional as F
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

# --------------------------------------------------------------------------- nn.functional


def _windows_reference(x: np.ndarray, k: tuple[int, int], s: tuple[int, int], p: int, fill: float):
    """(N, C, Ho, Wo, kh, kw) windows of the padded input, by explicit loops."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    ho = (xp.shape[2] - k[0]) // s[0] + 1
    wo = (xp.shape[3] - k[1]) // s[1] + 1
    out = np.empty(x.shape[:2] + (ho, wo) + k)
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * s[0] : i * s[0] + k[0], j * s[1] : j * s[1] + k[1]]
    return out


def conv2d_reference(x, w, *bias, stride=1, padding=0):
    win = _windows_reference(x, w.shape[2:], (stride, stride), padding, 0.0)
    y = np.einsum("nchwij,ocij->nohw", win, w)
    return y + bias[0][None, :, None, None] if bias else y


def pool_reference(reduce: Callable[..., np.ndarray], fill: float) -> Callable[..., np.ndarray]:
    def reference(x, kernel_size, stride=None, padding=0):
        k = (kernel_size, kernel_size)
        s = k if stride is None else (stride, stride)
        return reduce(_windows_reference(x, k, s, padding, fill), axis=(-2, -1))

    return reference


@st.composite
def conv2d_example(draw: Any) -> Example:
    n, c, o = (draw(st.integers(1, 2)) for _ in range(3))
    h, w = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    padding = draw(st.integers(0, 1))
    kh = draw(st.integers(1, min(3, h + 2 * padding)))
    kw = draw(st.integers(1, min(3, w + 2 * padding)))
    xs = [draw(ags.arrays((n, c, h, w))), draw(ags.arrays((o, c, kh, kw)))]
    if draw(st.booleans()):
        xs.append(draw(ags.arrays((o,))))
    return tuple(xs), {"stride": draw(st.integers(1, 2)), "padding": padding}


@st.composite
def pool_example(draw: Any, domain: ags.Domain) -> Example:
    k = draw(st.integers(1, 3))
    padding = draw(st.integers(0, k // 2))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w = (draw(st.integers(max(1, k - 2 * padding), 4)) for _ in range(2))
    x = draw(ags.arrays((n, c, h, w), domain=domain))
    return (x,), {
        "kernel_size": k,
        "stride": draw(st.none() | st.integers(1, 2)),
        "padding": padding,
    }


CASES: list[OpCase] = [
    OpCase("conv2d", F.conv2d, conv2d_reference, conv2d_example()),
    OpCase("max_pool2d", F.max_pool2d, pool_reference(np.max, -np.inf), pool_example(DISTINCT)),
    OpCase("avg_pool2d", F.avg_pool2d, pool_reference(np.mean, 0.0), pool_example(R), linear=True),
]
