"""nn.functional's dedicated ops: convolution, pooling, padding and resampling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

from autograd_lite.nn import functional as F
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

# --------------------------------------------------------------------------- nn.functional
# The references loop over output positions (or input positions, for the adjoints): no
# im2col, no strided views, nothing shared with the implementation.


def _each(v: Any, nd: int) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * nd


def _taps(start: int, k: int, d: int) -> slice:
    return slice(start, start + d * (k - 1) + 1, d)


def conv_reference(x, w, *bias, stride=1, padding=0, dilation=1, groups=1):
    nd = w.ndim - 2
    stride, dilation, kernel = _each(stride, nd), _each(dilation, nd), w.shape[2:]
    if padding == "same":  # the odd one out goes after, as PyTorch
        pads = [
            (d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)
        ]
    else:
        pads = [(p, p) for p in _each(0 if padding == "valid" else padding, nd)]
    xp = np.pad(x, [(0, 0), (0, 0), *pads])
    out = [
        (n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(xp.shape[2:], kernel, stride, dilation)
    ]
    cg, og = w.shape[1], w.shape[0] // groups
    y = np.zeros((x.shape[0], w.shape[0], *out))
    for pos in np.ndindex(*out):
        taps = tuple(_taps(p * s, k, d) for p, s, k, d in zip(pos, stride, kernel, dilation))
        for g in range(groups):
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg), *taps)]
            kernels = w[g * og : (g + 1) * og]
            y[(slice(None), slice(g * og, (g + 1) * og), *pos)] = np.tensordot(
                patch, kernels, axes=(range(1, nd + 2), range(1, nd + 2))
            )
    return y + bias[0].reshape(-1, *(1,) * nd) if bias else y


def conv_transpose_reference(x, w, *bias, stride, padding, output_padding, groups, dilation):
    """Every input position adds its kernel, scaled, onto the output."""
    (sh, sw), (ph, pw), (eh, ew), (dh, dw) = (
        _each(v, 2) for v in (stride, padding, output_padding, dilation)
    )
    n, cin, h, wd = x.shape
    cg, og, kh, kw = cin // groups, w.shape[1], w.shape[2], w.shape[3]
    ho = (h - 1) * sh - 2 * ph + dh * (kh - 1) + eh + 1
    wo = (wd - 1) * sw - 2 * pw + dw * (kw - 1) + ew + 1
    y = np.zeros((n, og * groups, ho, wo))
    for c in range(cin):
        g = c // cg
        for i, j, a, b in np.ndindex(h, wd, kh, kw):
            r, q = i * sh - ph + a * dh, j * sw - pw + b * dw
            if 0 <= r < ho and 0 <= q < wo:
                y[:, g * og : (g + 1) * og, r, q] += x[:, c, i, j, None] * w[c, :, a, b]
    return y + bias[0].reshape(-1, 1, 1) if bias else y


def _blocks(size, kernel_size, dilation, padding, stride):
    """The top-left corner (in the padded input) of every block, row-major."""
    k, d, p, s = (_each(v, 2) for v in (kernel_size, dilation, padding, stride))
    out = [
        (n + 2 * pp - dd * (kk - 1) - 1) // ss + 1 for n, kk, dd, pp, ss in zip(size, k, d, p, s)
    ]
    return [(i * s[0], j * s[1]) for i, j in np.ndindex(*out)], k, d, p


def unfold_reference(x, kernel_size, dilation=1, padding=0, stride=1):
    corners, k, d, p = _blocks(x.shape[2:], kernel_size, dilation, padding, stride)
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])])
    columns = [
        xp[:, :, _taps(r, k[0], d[0]), _taps(q, k[1], d[1])].reshape(x.shape[0], -1)
        for r, q in corners
    ]
    return np.stack(columns, axis=-1)


def fold_reference(cols, output_size, kernel_size, dilation=1, padding=0, stride=1):
    corners, k, d, p = _blocks(output_size, kernel_size, dilation, padding, stride)
    n, c = cols.shape[0], cols.shape[1] // (k[0] * k[1])
    y = np.zeros((n, c, output_size[0] + 2 * p[0], output_size[1] + 2 * p[1]))
    for col, (r, q) in enumerate(corners):
        y[:, :, _taps(r, k[0], d[0]), _taps(q, k[1], d[1])] += cols[:, :, col].reshape(n, c, *k)
    return y[:, :, p[0] : p[0] + output_size[0], p[1] : p[1] + output_size[1]]


def _pool_geometry(size, kernel_size, stride, padding, dilation, ceil_mode):
    k = _each(kernel_size, 2)
    s, p, d = _each(k if stride is None else stride, 2), _each(padding, 2), _each(dilation, 2)
    out = []
    for n, kk, ss, pp, dd in zip(size, k, s, p, d):
        span = n + 2 * pp - dd * (kk - 1) - 1
        m = (-(-span // ss) if ceil_mode else span // ss) + 1
        out.append(m - 1 if ceil_mode and (m - 1) * ss >= n + pp else m)
    return k, s, p, d, out


def max_pool_reference(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    k, s, p, d, out = _pool_geometry(x.shape[2:], kernel_size, stride, padding, dilation, ceil_mode)
    y = np.full((*x.shape[:2], *out), -np.inf)
    for i, j, a, b in np.ndindex(*out, *k):
        r, q = i * s[0] - p[0] + a * d[0], j * s[1] - p[1] + b * d[1]
        if 0 <= r < x.shape[2] and 0 <= q < x.shape[3]:
            y[:, :, i, j] = np.maximum(y[:, :, i, j], x[:, :, r, q])
    return y


def avg_pool_reference(
    x,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
):
    k, s, p, _, out = _pool_geometry(x.shape[2:], kernel_size, stride, padding, 1, ceil_mode)
    h, w = x.shape[2:]
    y = np.zeros((*x.shape[:2], *out))
    for i, j in np.ndindex(*out):
        r0, q0 = i * s[0] - p[0], j * s[1] - p[1]
        r1, q1 = min(r0 + k[0], h + p[0]), min(q0 + k[1], w + p[1])  # never past the padding
        count = (r1 - r0) * (q1 - q0)
        r0, q0, r1, q1 = max(r0, 0), max(q0, 0), min(r1, h), min(q1, w)
        if not count_include_pad:
            count = (r1 - r0) * (q1 - q0)
        total = x[:, :, r0:r1, q0:q1].sum(axis=(2, 3))
        y[:, :, i, j] = total / (count if divisor_override is None else divisor_override)
    return y


def _adaptive_reference(reduce: Callable[..., Any]) -> Callable[..., np.ndarray]:
    def reference(x, output_size):
        size = _each(output_size, 2)
        size = [n if m is None else m for n, m in zip(x.shape[2:], size)]
        y = np.zeros((*x.shape[:2], *size))
        for i, j in np.ndindex(*size):
            (r0, r1), (q0, q1) = (
                (o * n // m, -(-(o + 1) * n // m)) for o, n, m in zip((i, j), x.shape[2:], size)
            )
            y[:, :, i, j] = reduce(x[:, :, r0:r1, q0:q1], axis=(2, 3))
        return y

    return reference


def pad_reference(x, pad, mode="constant", value=None):
    """numpy's np.pad, fed PyTorch's (last axis first) pairs; negative pairs crop first."""
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    crop = tuple(slice(max(-lo, 0), x.shape[a] - max(-hi, 0)) for a, (lo, hi) in enumerate(pairs))
    widths = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    if mode == "constant":
        return np.pad(x[crop], widths, constant_values=value or 0.0)
    return np.pad(
        x, widths, mode={"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    )


def interpolate_reference(x, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Sample by sample: the nearest pixel, or the weighted 2**nd corners around the point."""
    spatial = x.shape[2:]
    nd = len(spatial)
    if size is not None:
        out, scale = _each(size, nd), [n / m for n, m in zip(spatial, _each(size, nd))]
    else:
        factors = _each(scale_factor, nd)
        out, scale = [int(n * f) for n, f in zip(spatial, factors)], [1 / f for f in factors]
    y = np.zeros((*x.shape[:2], *out))
    for pos in np.ndindex(*out):
        if mode == "nearest":
            src = tuple(
                i if m == n else min(int(np.floor(np.float32(i) * np.float32(c))), n - 1)
                for i, n, m, c in zip(pos, spatial, out, scale)
            )
            y[(..., *pos)] = x[(..., *src)]
            continue
        corners = []
        for i, n, m, c in zip(pos, spatial, out, scale):
            if align_corners:
                t = i * (n - 1) / (m - 1) if m > 1 else 0.0
            else:
                t = max((i + 0.5) * c - 0.5, 0.0)
            lo = min(int(t), n - 1)
            hi, frac = min(lo + 1, n - 1), t - int(t)
            corners.append(((lo, 1 - frac), (hi, frac)))
        for corner in np.ndindex(*(2,) * nd):
            picks = [corners[a][b] for a, b in enumerate(corner)]
            weight = np.prod([wt for _, wt in picks])
            y[(..., *pos)] += weight * x[(..., *(idx for idx, _ in picks))]
    return y


@st.composite
def conv_example(draw: Any, nd: int) -> Example:
    groups = draw(st.integers(1, 2))
    cin, cout, n = groups * draw(st.integers(1, 2)), groups, draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    padding = draw(st.sampled_from(["same", "valid", 0, 1]))
    stride = 1 if padding == "same" else draw(st.integers(1, 2))
    pads = 1 if padding == 1 else 0
    spatial = tuple(
        max(1, d * (k - 1) + 1 - 2 * pads) + draw(st.integers(0, 2 - nd // 2))
        for k, d in zip(kernel, dilation)
    )
    xs = [draw(ags.arrays((n, cin, *spatial))), draw(ags.arrays((cout, cin // groups, *kernel)))]
    if draw(st.booleans()):
        xs.append(draw(ags.arrays((cout,))))
    return tuple(xs), {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}


@st.composite
def conv_transpose_example(draw: Any) -> Example:
    groups = draw(st.integers(1, 2))
    cin, cout = groups, groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    stride, dilation = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    output_padding = draw(st.integers(0, max(stride, dilation) - 1))
    spatial = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    # padding 1 only where the output keeps a row and a column
    room = min(
        (n - 1) * stride + dilation * (k - 1) + output_padding for n, k in zip(spatial, kernel)
    )
    padding = draw(st.integers(0, 1 if room >= 2 else 0))
    xs = [draw(ags.arrays((1, cin, *spatial))), draw(ags.arrays((cin, cout // groups, *kernel)))]
    if draw(st.booleans()):
        xs.append(draw(ags.arrays((cout,))))
    kw = {"stride": stride, "padding": padding, "output_padding": output_padding}
    return tuple(xs), {**kw, "groups": groups, "dilation": dilation}


@st.composite
def block_example(draw: Any, fold: bool) -> Example:
    kernel = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dilation, padding, stride = (
        draw(st.integers(1, 2)),
        draw(st.integers(0, 1)),
        draw(st.integers(1, 2)),
    )
    size = tuple(
        max(1, dilation * (k - 1) + 1 - 2 * padding) + draw(st.integers(0, 1)) for k in kernel
    )
    kw = {"kernel_size": kernel, "dilation": dilation, "padding": padding, "stride": stride}
    c = draw(st.integers(1, 2))
    if not fold:
        return (draw(ags.arrays((1, c, *size))),), kw
    blocks = len(_blocks(size, kernel, dilation, padding, stride)[0])
    return (draw(ags.arrays((1, c * kernel[0] * kernel[1], blocks))),), {"output_size": size, **kw}


@st.composite
def pool_example(draw: Any, domain: ags.Domain, average: bool) -> Example:
    k = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, k[0] // 2)), draw(st.integers(0, k[1] // 2)))
    dilation = 1 if average else draw(st.integers(1, 2))
    # no window of nothing but padding (possible with dilation)
    reach = [dilation * (kk - 1) + 1 for kk in k]
    h, w = (max(r - 2 * p, r - p) + draw(st.integers(0, 2)) for r, p in zip(reach, padding))
    x = draw(ags.arrays((draw(st.integers(1, 2)), 1, h, w), domain=domain))
    kw = {"kernel_size": k, "stride": draw(st.none() | st.integers(1, 2)), "padding": padding}
    kw["ceil_mode"] = draw(st.booleans())
    if average:
        kw["count_include_pad"] = draw(st.booleans())
        kw["divisor_override"] = draw(st.sampled_from([None, 3]))
    else:
        kw["dilation"] = dilation
    return (x,), kw


@st.composite
def adaptive_example(draw: Any, domain: ags.Domain) -> Example:
    h, w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    size = (draw(st.none() | st.integers(1, 3)), draw(st.integers(1, 3)))
    x = draw(ags.arrays((1, draw(st.integers(1, 2)), h, w), domain=domain))
    return (x,), {"output_size": size if draw(st.booleans()) else size[1]}


@st.composite
def pad_example(draw: Any, value: bool) -> Example:
    mode = (
        "constant"
        if value
        else draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    )
    nd = draw(st.integers(1, 2))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(nd + 1))
    pad: list[int] = []
    for n in reversed(shape[-nd:]):
        lo, hi = {"constant": (-(n // 2), 2), "reflect": (0, n - 1), "circular": (0, n)}.get(
            mode, (0, 2)
        )
        pad += [draw(st.integers(lo, hi)), draw(st.integers(lo, hi))]
    kw: dict[str, Any] = {"pad": tuple(pad), "mode": mode}
    if value:
        kw["value"] = draw(st.sampled_from([-1.0, 2.5]))
    return (draw(ags.arrays(shape)),), kw


@st.composite
def interpolate_example(draw: Any, mode: str) -> Example:
    nd = {"nearest": draw(st.integers(1, 2)), "linear": 1, "bilinear": 2}[mode]
    spatial = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    kw: dict[str, Any] = {"mode": mode}
    if draw(st.booleans()):
        kw["size"] = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    else:
        kw["scale_factor"] = draw(st.sampled_from([1.0, 1.5, 2.0]))
    if mode != "nearest":
        kw["align_corners"] = draw(st.booleans())
    return (draw(ags.arrays((1, 1, *spatial))),), kw


CASES: list[OpCase] = [
    OpCase("conv1d", F.conv1d, conv_reference, conv_example(1)),
    OpCase("conv2d", F.conv2d, conv_reference, conv_example(2)),
    OpCase(
        "conv_transpose2d", F.conv_transpose2d, conv_transpose_reference, conv_transpose_example()
    ),
    OpCase("unfold", F.unfold, unfold_reference, block_example(fold=False), linear=True),
    OpCase("fold", F.fold, fold_reference, block_example(fold=True), linear=True),
    OpCase("max_pool2d", F.max_pool2d, max_pool_reference, pool_example(DISTINCT, average=False)),
    OpCase(
        "avg_pool2d", F.avg_pool2d, avg_pool_reference, pool_example(R, average=True), linear=True
    ),
    OpCase(
        "adaptive_avg_pool2d",
        F.adaptive_avg_pool2d,
        _adaptive_reference(np.mean),
        adaptive_example(R),
        linear=True,
    ),
    OpCase(
        "adaptive_max_pool2d",
        F.adaptive_max_pool2d,
        _adaptive_reference(np.max),
        adaptive_example(DISTINCT),
    ),
    OpCase("pad-functional", F.pad, pad_reference, pad_example(value=False), linear=True),
    OpCase("pad-value", F.pad, pad_reference, pad_example(value=True)),
    OpCase(
        "interpolate-nearest",
        F.interpolate,
        interpolate_reference,
        interpolate_example("nearest"),
        linear=True,
    ),
    OpCase(
        "interpolate-linear",
        F.interpolate,
        interpolate_reference,
        interpolate_example("linear"),
        linear=True,
    ),
    OpCase(
        "interpolate-bilinear",
        F.interpolate,
        interpolate_reference,
        interpolate_example("bilinear"),
        linear=True,
    ),
]
