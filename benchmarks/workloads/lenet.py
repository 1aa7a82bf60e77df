"""Workload 5a: one SGD step of LeNet-5 on a batch of 64 random 28x28 images, float32.

conv 1->6 5x5 pad 2, ReLU, 2x2 max pool, conv 6->16 5x5, ReLU, 2x2 max pool, flatten (400),
then the ReLU MLP 400 -> 120 -> 84 -> 10 of ``mlp.py`` with fused softmax cross-entropy; lr 0.01.

Runs only when ``autograd_lite.nn`` has Conv2d (the ag side uses its functional conv2d and
max_pool2d on raw tensors; everything else is core API). The numpy side is the CS231n
assignment-2 way: convolution as im2col (a strided view, one matrix product; col2im by a loop
over kernel offsets) and the "reshape" max pool for non-overlapping windows, whose backward
shares a window's gradient among tied maxima. Ties only happen between zeros after a ReLU, where
the ReLU's mask zeroes the gradient anyway, so all sides still compute the same numbers. That
pool backward (a mask, boolean indexing, a division) is about a quarter of the numpy step; the
ag side gathers/scatters at argmax positions instead, so here ag may beat "numpy by hand".
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks import SIDES
from benchmarks.harness import Libraries, Side, library_sides, record, run_timed
from benchmarks.workloads.mlp import (
    ag_training_side,
    graph_loss,
    init_params,
    numpy_mlp_backward,
    numpy_mlp_forward,
    numpy_sgd,
    numpy_softmax_ce,
    state_arrays,
    torch_training_side,
)

BATCH, LR, DTYPE = 64, 0.01, "float32"
CONV = ((6, 1, 5, 5, 2), (16, 6, 5, 5, 0))  # (out, in, kh, kw, padding)
HEAD = (400, 120, 84, 10)


def lenet_problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list, list]:
    """Random images and labels, He-initialised conv kernels and biases, and the MLP head."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((BATCH, 1, 28, 28)).astype(DTYPE)
    y = rng.integers(0, 10, BATCH)
    conv = []
    for o, c, kh, kw, _ in CONV:
        w = rng.standard_normal((o, c, kh, kw)) * np.sqrt(2.0 / (c * kh * kw))
        conv += [w.astype(DTYPE), np.zeros(o, DTYPE)]
    return X, y, conv, init_params(HEAD, DTYPE, seed + 1, scale=None)


def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray, pad: int) -> tuple:
    n, f = x.shape[0], w.shape[0]
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(x, w.shape[2:], axis=(2, 3))  # (N, C, Ho, Wo, kh, kw)
    ho, wo = windows.shape[2:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, -1)
    out = cols @ w.reshape(f, -1).T + b
    return out.reshape(n, ho, wo, f).transpose(0, 3, 1, 2), cols


def conv_backward(
    dout: np.ndarray, cols: np.ndarray, x_shape: tuple | None, w: np.ndarray, pad: int
) -> tuple:
    """dW, db and (unless x_shape is None) dx of ``conv_forward``."""
    f, c, kh, kw = w.shape
    n, _, ho, wo = dout.shape
    drows = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    dw = (drows.T @ cols).reshape(w.shape)
    db = np.sum(dout, axis=(0, 2, 3))
    if x_shape is None:
        return dw, db, None
    dcols = (drows @ w.reshape(f, -1)).reshape(n, ho, wo, c, kh, kw).transpose(0, 3, 1, 2, 4, 5)
    h, wd = x_shape[2:]
    dx = np.zeros((n, c, h + 2 * pad, wd + 2 * pad), dtype=dout.dtype)
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i : i + ho, j : j + wo] += dcols[..., i, j]
    return dw, db, dx[:, :, pad : pad + h, pad : pad + wd]


def pool_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, c, h, w = x.shape
    x_reshaped = x.reshape(n, c, h // 2, 2, w // 2, 2)
    return x_reshaped.max(axis=3).max(axis=4), x_reshaped


def pool_backward(dout: np.ndarray, x_reshaped: np.ndarray, out: np.ndarray) -> np.ndarray:
    dx_reshaped = np.zeros_like(x_reshaped)
    mask = x_reshaped == out[:, :, :, None, :, None]
    dout_broadcast, _ = np.broadcast_arrays(dout[:, :, :, None, :, None], dx_reshaped)
    dx_reshaped[mask] = dout_broadcast[mask]
    dx_reshaped /= np.sum(mask, axis=(3, 5), keepdims=True)
    n, c, h2, _, w2, _ = x_reshaped.shape
    return dx_reshaped.reshape(n, c, 2 * h2, 2 * w2)


def numpy_side(X: np.ndarray, y: np.ndarray, conv: list, head: list) -> Side:
    conv, head = [p.copy() for p in conv], [p.copy() for p in head]
    rows = np.arange(X.shape[0])
    conv_grads: list = [None] * len(conv)
    head_grads: list = [None] * len(head)
    (K1, k1, K2, k2), (pad1, pad2) = conv, (CONV[0][4], CONV[1][4])

    def step() -> Any:
        c1, cols1 = conv_forward(X, K1, k1, pad1)
        r1 = np.maximum(0, c1)
        p1, r1_reshaped = pool_forward(r1)
        c2, cols2 = conv_forward(p1, K2, k2, pad2)
        r2 = np.maximum(0, c2)
        p2, r2_reshaped = pool_forward(r2)
        scores, layer_inputs = numpy_mlp_forward(p2.reshape(p2.shape[0], -1), head)
        loss, dscores = numpy_softmax_ce(scores, y, rows)
        dflat = numpy_mlp_backward(dscores, head, layer_inputs, 0.0, head_grads, input_grad=True)
        assert dflat is not None
        dr2 = pool_backward(dflat.reshape(p2.shape), r2_reshaped, p2)
        dr2[r2 <= 0] = 0
        conv_grads[2], conv_grads[3], dp1 = conv_backward(dr2, cols2, p1.shape, K2, pad2)
        dr1 = pool_backward(dp1, r1_reshaped, p1)
        dr1[r1 <= 0] = 0
        conv_grads[0], conv_grads[1], _ = conv_backward(dr1, cols1, None, K1, pad1)
        numpy_sgd(conv + head, conv_grads + head_grads, LR)
        return loss

    return Side(step, lambda loss: state_arrays(loss, conv + head, conv_grads + head_grads))


def lenet_loss(
    conv2d: Any, max_pool2d: Any, relu: Any, ce: Any, total: Any, X: Any, y: Any, ps: list
):
    """The LeNet-5 loss, written once for autograd_lite and torch (their functions)."""
    K1, k1, K2, k2 = ps[:4]
    h = max_pool2d(relu(conv2d(X, K1, k1, 1, CONV[0][4])), 2)
    h = max_pool2d(relu(conv2d(h, K2, k2, 1, CONV[1][4])), 2)
    layers = list(zip(ps[4::2], ps[5::2]))
    return graph_loss(relu, ce, total, h.reshape(h.shape[0], -1), y, layers, 0.0)


def ag_side(ag: Any, X: np.ndarray, y: np.ndarray, conv: list, head: list) -> Side:
    F = importlib.import_module("autograd_lite.nn.functional")
    Xt = ag.tensor(X)
    ps = [ag.tensor(p.copy(), requires_grad=True) for p in conv + head]
    fns = F.conv2d, F.max_pool2d, ag.relu, ag.softmax_cross_entropy, ag.sum
    return ag_training_side(ag, ps, lambda: lenet_loss(*fns, Xt, y, ps), LR)


def torch_side(torch: Any, X: np.ndarray, y: np.ndarray, conv: list, head: list) -> Side:
    F = torch.nn.functional
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in conv + head]
    fns = F.conv2d, F.max_pool2d, torch.relu, F.cross_entropy, torch.sum
    return torch_training_side(torch, ps, lambda: lenet_loss(*fns, Xt, yt, ps), LR)


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    case = f"batch {BATCH} {DTYPE}"
    nn = importlib.import_module("autograd_lite.nn") if lib.ag is not None else None
    if not hasattr(nn, "Conv2d"):
        reason = "autograd_lite.nn.Conv2d is not available"
        return [record("lenet_step", case, s, status="skipped", reason=reason) for s in SIDES]
    X, y, conv, head = lenet_problem()
    rounds, warmup = {"full": (50, 5), "quick": (10, 2), "smoke": (2, 1)}[cfg["mode"]]

    return run_timed(
        "lenet_step",
        case,
        lib,
        library_sides(lib, numpy_side, ag_side, torch_side, X, y, conv, head),
        rounds=rounds,
        warmup=warmup,
        unit="ms",
        rtol=1e-4,
        dtype=DTYPE,
    )
