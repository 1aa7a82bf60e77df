"""Workload 2, MLP step, and the ReLU-MLP training step shared with the spiral workload.

One step = clear gradients, forward, fused softmax cross-entropy (+ optional
``0.5 * reg * sum(W * W)`` for every weight matrix), backward, plain SGD update (or Adam) -- the
PyTorch loop order, so the gradients of the last step stay readable after ``step()`` for the
checks.

Sides: numpy by hand; autograd_lite's core API (tensors, ``ag.relu``,
``ag.softmax_cross_entropy``) and PyTorch's; the ``.nn`` sides, the same model as
``nn.Sequential`` of ``nn.Linear``/``nn.ReLU`` with ``F.cross_entropy`` and ``optim.SGD`` or
``optim.Adam``; and autograd_lite's two under ``ag.jit`` (".jit"). With Adam there are only the
numpy (Adam written by hand) and ``.nn`` sides.

The numpy side is the CS231n from-scratch code generalised from two layers to a list of layers,
with one change: the scores are shifted by their row maximum before ``exp``. Every fused softmax
cross-entropy (ours, PyTorch's) does that shift for stability, so the hand version does it too and
all sides do the same arithmetic.

The MLP workload itself: batch 256, 784 -> 512 -> 512 -> 10, no reg, lr 0.01, float32 and
float64. Every float array of every side (loss, parameters, gradients) is checked to keep the
requested dtype, so a silent float32 -> float64 upcast fails the benchmark.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from benchmarks.harness import Libraries, Side, jitted, run_timed

MLP_SIZES = (784, 512, 512, 10)
MLP_BATCH, MLP_LR = 256, 0.01


def init_params(sizes: tuple[int, ...], dtype: str, seed: int, scale: float | None) -> list:
    """[W1, b1, W2, b2, ...]: randn weights times ``scale`` (He scaling if None), zero biases."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        s = np.sqrt(2.0 / fan_in) if scale is None else scale
        params += [
            (s * rng.standard_normal((fan_in, fan_out))).astype(dtype),
            np.zeros(fan_out, dtype),
        ]
    return params


def param_names(params: list) -> list[str]:
    return [f"{'Wb'[i % 2]}{i // 2 + 1}" for i in range(len(params))]


def state_arrays(loss: Any, params: list, grads: list) -> dict[str, np.ndarray]:
    """Loss, parameters and gradients by name, for the cross-side and dtype checks."""
    names = param_names(params)
    grads_by_name = {f"grad {k}": g for k, g in zip(names, grads)}
    return {"loss": np.asarray(loss), **dict(zip(names, params)), **grads_by_name}


def numpy_softmax(scores: np.ndarray) -> np.ndarray:
    """Row softmax, shifted by the row maximum first (in place on ``scores``)."""
    scores -= np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    return exp_scores / np.sum(exp_scores, axis=1, keepdims=True)


def numpy_softmax_ce(scores: np.ndarray, y: np.ndarray, rows: np.ndarray) -> tuple[Any, np.ndarray]:
    """CS231n softmax loss (mean over the batch) and its gradient with respect to the scores."""
    n = scores.shape[0]
    probs = numpy_softmax(scores)
    loss = np.sum(-np.log(probs[rows, y])) / n
    dscores = probs
    dscores[rows, y] -= 1
    dscores /= n
    return loss, dscores


def numpy_mlp_forward(X: np.ndarray, params: list) -> tuple[np.ndarray, list]:
    """Scores of the ReLU MLP and the input of every layer (what the backward pass needs)."""
    weights, biases = params[0::2], params[1::2]
    layer_inputs, h, last = [], X, len(weights) - 1
    for i, (W, b) in enumerate(zip(weights, biases)):
        layer_inputs.append(h)
        h = h @ W + b
        if i < last:
            h = np.maximum(0, h)
    return h, layer_inputs


def numpy_mlp_backward(
    dscores: np.ndarray, params: list, layer_inputs: list, reg: float, grads: list, input_grad: bool
) -> np.ndarray | None:
    """Fill ``grads`` (same order as ``params``); return the input's gradient if asked for."""
    for i in range(len(layer_inputs) - 1, -1, -1):
        W, h = params[2 * i], layer_inputs[i]
        dW = h.T @ dscores
        grads[2 * i + 1] = np.sum(dscores, axis=0)
        if i > 0 or input_grad:
            dscores = dscores @ W.T
            if i > 0:
                dscores[h <= 0] = 0
        if reg:
            dW += reg * W
        grads[2 * i] = dW
    return dscores if input_grad else None


def numpy_sgd(params: list, grads: list, lr: float) -> None:
    for p, g in zip(params, grads):
        p += -lr * g


def numpy_adam(params: list, grads: list, lr: float, moments: dict) -> None:
    """Adam (betas 0.9, 0.999, eps 1e-8), the textbook update with both bias corrections."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    moments["t"] = t = moments.get("t", 0) + 1
    if "m" not in moments:
        moments["m"] = [np.zeros_like(p) for p in params]
        moments["v"] = [np.zeros_like(p) for p in params]
    for p, g, m, v in zip(params, grads, moments["m"], moments["v"]):
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        p -= (lr / (1 - b1**t)) * m / (np.sqrt(v) / np.sqrt(1 - b2**t) + eps)


def numpy_side(
    X: np.ndarray, y: np.ndarray, params: list, reg: float, lr: float, optimizer: str = "sgd"
) -> Side:
    params = [p.copy() for p in params]
    rows = np.arange(X.shape[0])
    grads: list = [None] * len(params)
    moments: dict = {}

    def step() -> Any:
        scores, layer_inputs = numpy_mlp_forward(X, params)
        loss, dscores = numpy_softmax_ce(scores, y, rows)
        if reg:
            for W in params[0::2]:
                loss += 0.5 * reg * np.sum(W * W)
        numpy_mlp_backward(dscores, params, layer_inputs, reg, grads, input_grad=False)
        if optimizer == "adam":
            numpy_adam(params, grads, lr, moments)
        else:
            numpy_sgd(params, grads, lr)
        return loss

    return Side(step, lambda loss: state_arrays(loss, params, grads))


def graph_loss(
    relu: Any, cross_entropy: Any, total: Any, X: Any, y: Any, layers: list, reg: float
) -> Any:
    """The MLP loss, written once for autograd_lite and torch (their relu, cross-entropy, sum)."""
    h, last = X, len(layers) - 1
    for i, (W, b) in enumerate(layers):
        h = h @ W + b
        if i < last:
            h = relu(h)
    loss = cross_entropy(h, y)
    if reg:
        for W, _ in layers:
            loss = loss + 0.5 * reg * total(W * W)
    return loss


def ag_training_side(
    ag: Any, ps: list, loss_fn: Callable[[], Any], lr: float, jit: bool = False
) -> Side:
    """autograd_lite training step: clear gradients, ``loss_fn()``, backward, SGD.

    Eagerly the update is numpy on ``.data``, as a hand-written loop does it; under ``ag.jit``
    it is ``p.sub_(lr * p.grad)``, which the tracer sees (a raw write into ``.data`` it cannot).
    """

    def step() -> Any:
        for p in ps:
            p.grad = None
        loss = loss_fn()
        loss.backward()
        if jit:
            with ag.no_grad():
                for p in ps:
                    p.sub_(lr * p.grad)
        else:
            for p in ps:
                p.data -= lr * p.grad.data
        return loss

    side = Side(
        step,
        lambda loss: state_arrays(loss.data, [p.data for p in ps], [p.grad.data for p in ps]),
    )
    return jitted(ag, side, ps) if jit else side


def torch_training_side(torch: Any, ps: list, loss_fn: Callable[[], Any], lr: float) -> Side:
    """The same for PyTorch (the update is ``add_`` under ``no_grad``, as torch.optim.SGD)."""

    def step() -> Any:
        for p in ps:
            p.grad = None
        loss = loss_fn()
        loss.backward()
        with torch.no_grad():
            for p in ps:
                p.add_(p.grad, alpha=-lr)
        return loss

    return Side(
        step,
        lambda loss: state_arrays(
            loss.detach().numpy(), [p.detach().numpy() for p in ps], [p.grad.numpy() for p in ps]
        ),
    )


def ag_side(
    ag: Any, X: np.ndarray, y: np.ndarray, params: list, reg: float, lr: float, jit: bool = False
) -> Side:
    Xt = ag.tensor(X)
    ps = [ag.tensor(p.copy(), requires_grad=True) for p in params]
    layers = list(zip(ps[0::2], ps[1::2]))
    loss_fn = ag.relu, ag.softmax_cross_entropy, ag.sum
    return ag_training_side(ag, ps, lambda: graph_loss(*loss_fn, Xt, y, layers, reg), lr, jit)


def torch_side(
    torch: Any, X: np.ndarray, y: np.ndarray, params: list, reg: float, lr: float
) -> Side:
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    layers = list(zip(ps[0::2], ps[1::2]))
    loss_fn = torch.relu, torch.nn.functional.cross_entropy, torch.sum
    return torch_training_side(torch, ps, lambda: graph_loss(*loss_fn, Xt, yt, layers, reg), lr)


def nn_arrays(loss: Any, linears: list, as_array: Any) -> dict[str, np.ndarray]:
    """``state_arrays`` of a stack of Linear modules, whose weights are stored transposed."""
    params, grads = [], []
    for lin in linears:
        params += [as_array(lin.weight).T, as_array(lin.bias)]
        grads += [as_array(lin.weight.grad).T, as_array(lin.bias.grad)]
    return state_arrays(as_array(loss), params, grads)


def nn_loss(model: Any, cross_entropy: Any, total: Any, X: Any, y: Any, reg: float) -> Any:
    """The same loss through a Sequential of Linear/ReLU modules (for the ``.nn`` sides)."""
    loss = cross_entropy(model(X), y)
    if reg:
        for lin in model[0::2]:
            loss = loss + 0.5 * reg * total(lin.weight * lin.weight)
    return loss


def optimizer_side(
    opt: Any, loss_fn: Callable[[], Any], arrays: Callable[[Any], dict[str, np.ndarray]]
) -> Side:
    """A training step through an optimizer object, the same for both libraries' ``.nn`` sides."""

    def step() -> Any:
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        return loss

    return Side(step, arrays)


def ag_nn_side(
    ag: Any,
    X: np.ndarray,
    y: np.ndarray,
    params: list,
    reg: float,
    lr: float,
    optimizer: str = "sgd",
    jit: bool = False,
) -> Side:
    """autograd_lite.nn: Sequential(Linear, ReLU, ...), F.cross_entropy, optim.SGD or Adam."""
    nn = importlib.import_module("autograd_lite.nn")
    optim = importlib.import_module("autograd_lite.optim")
    layers: list = []
    for W, b in zip(params[0::2], params[1::2]):
        lin = nn.Linear(*W.shape, dtype=W.dtype)
        lin.weight.data[...], lin.bias.data[...] = W.T, b
        layers += [lin, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    opt = (optim.Adam if optimizer == "adam" else optim.SGD)(model.parameters(), lr=lr)
    Xt = ag.tensor(X)
    side = optimizer_side(
        opt,
        lambda: nn_loss(model, nn.functional.cross_entropy, ag.sum, Xt, y, reg),
        lambda loss: nn_arrays(loss, list(model[0::2]), lambda t: t.data),
    )
    return jitted(ag, side, list(model.parameters()), opt) if jit else side


def torch_nn_side(
    torch: Any,
    X: np.ndarray,
    y: np.ndarray,
    params: list,
    reg: float,
    lr: float,
    optimizer: str = "sgd",
) -> Side:
    """torch.nn: Sequential(Linear, ReLU, ...), F.cross_entropy, optim.SGD or Adam."""
    nn = torch.nn
    layers: list = []
    for W, b in zip(params[0::2], params[1::2]):
        lin = nn.Linear(*W.shape, dtype=getattr(torch, str(W.dtype)))
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(model.parameters(), lr=lr)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    return optimizer_side(
        opt,
        lambda: nn_loss(model, nn.functional.cross_entropy, torch.sum, Xt, yt, reg),
        lambda loss: nn_arrays(loss, list(model[0::2]), lambda t: t.detach().numpy()),
    )


def training_sides(
    lib: Libraries,
    X: np.ndarray,
    y: np.ndarray,
    params: list,
    reg: float,
    lr: float,
    optimizer: str = "sgd",
) -> dict:
    """Builders of the sides of one training step (numpy first: it is the reference).

    The ``.nn`` sides (Module + optimizer) come after the headline core-API sides, which exist
    for SGD only.
    """
    ag, torch, args = lib.ag, lib.torch, (X, y, params, reg, lr)
    core = {
        "autograd_lite": lambda: ag_side(ag, *args),
        "autograd_lite.jit": lambda: ag_side(ag, *args, jit=True),
        "torch": lambda: torch_side(torch, *args),
    }
    return {
        "numpy": lambda: numpy_side(*args, optimizer),
        **(core if optimizer == "sgd" else {}),
        "autograd_lite.nn": lambda: ag_nn_side(ag, *args, optimizer),
        "autograd_lite.nn.jit": lambda: ag_nn_side(ag, *args, optimizer, jit=True),
        "torch.nn": lambda: torch_nn_side(torch, *args, optimizer),
    }


def mlp_problem(dtype: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list]:
    """A fixed random batch (the step is measured, not data loading) and He-initialised params."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((MLP_BATCH, MLP_SIZES[0])).astype(dtype)
    y = rng.integers(0, MLP_SIZES[-1], MLP_BATCH)
    return X, y, init_params(MLP_SIZES, dtype, seed + 1, scale=None)


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    dtype = cfg["dtype"]
    X, y, params = mlp_problem(dtype)
    rounds, warmup = {"full": (100, 10), "quick": (20, 3), "smoke": (3, 1)}[cfg["mode"]]
    return run_timed(
        "mlp_step",
        dtype,
        lib,
        training_sides(lib, X, y, params, reg=0.0, lr=MLP_LR),
        rounds=rounds,
        warmup=warmup,
        unit="ms",
        rtol=1e-9 if dtype == "float64" else 1e-4,
        dtype=dtype,
    )
