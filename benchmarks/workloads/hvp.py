"""Workload 5b: Hessian-vector product of the spiral MLP loss (2 -> 100 -> 3, reg 1e-3, float64).

autograd_lite and PyTorch do reverse-over-reverse: ``grad(loss, params, create_graph=True)``,
the dot product of those gradients with a fixed direction ``v``, then a second ``grad``;
autograd_lite also under ``ag.jit``, which records the ops of the first backward and replays
both passes as one flat program.

By hand nobody differentiates a backward pass twice; the classic from-scratch way is Pearlmutter's
R-operator (forward-over-reverse): push the directional derivative along ``v`` through the
forward pass and the hand-written backward pass. It is the same Hessian-vector product (checked to
1e-9 before timing) with somewhat less arithmetic, which makes it the honest baseline to beat.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.harness import Libraries, Side, library_sides, run_timed
from benchmarks.workloads.mlp import graph_loss, numpy_softmax, param_names
from benchmarks.workloads.spiral import REG, spiral_problem


def direction(params: list, seed: int = 2) -> list:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(p.shape) for p in params]


def hv_arrays(names: list[str], hv: list) -> dict[str, np.ndarray]:
    return {f"Hv {k}": np.asarray(h) for k, h in zip(names, hv)}


def numpy_side(X: np.ndarray, y: np.ndarray, params: list, v: list) -> Side:
    W1, b1, W2, b2 = params
    V1, c1, V2, c2 = v
    n = X.shape[0]
    rows = np.arange(n)

    def step() -> list:
        # Forward pass and its directional derivative R(.) along v.
        z1 = X @ W1 + b1
        Rz1 = X @ V1 + c1
        active = z1 > 0
        hidden = np.maximum(0, z1)
        Rhidden = Rz1 * active
        scores = hidden @ W2 + b2
        Rscores = Rhidden @ W2 + hidden @ V2 + c2
        probs = numpy_softmax(scores)
        Rprobs = probs * (Rscores - np.sum(probs * Rscores, axis=1, keepdims=True))
        # The hand-written backward pass and its directional derivative.
        dscores = probs
        dscores[rows, y] -= 1
        dscores /= n
        Rdscores = Rprobs / n
        HW2 = Rhidden.T @ dscores + hidden.T @ Rdscores + REG * V2
        Hb2 = np.sum(Rdscores, axis=0)
        Rdhidden = Rdscores @ W2.T + dscores @ V2.T
        Rdhidden[~active] = 0
        HW1 = X.T @ Rdhidden + REG * V1
        Hb1 = np.sum(Rdhidden, axis=0)
        return [HW1, Hb1, HW2, Hb2]

    return Side(step, lambda hv: hv_arrays(param_names(params), hv))


def graph_hvp(grad: Any, total: Any, loss: Any, ps: list, vs: list) -> Any:
    """The Hessian-vector product by reverse over reverse, written once for both libraries.

    ``grad`` and ``total`` are the library's grad and sum; the result is the gradient of
    ``<d loss / d ps, vs>`` with respect to ``ps``.
    """
    grads = grad(loss, ps, create_graph=True)
    dot = total(grads[0] * vs[0])
    for g, d in zip(grads[1:], vs[1:]):
        dot = dot + total(g * d)
    return grad(dot, ps)


def ag_side(ag: Any, X: np.ndarray, y: np.ndarray, params: list, v: list) -> Side:
    Xt = ag.tensor(X)
    ps = [ag.tensor(p, requires_grad=True) for p in params]
    vs = [ag.tensor(d) for d in v]
    layers = list(zip(ps[0::2], ps[1::2]))

    def step() -> Any:
        loss = graph_loss(ag.relu, ag.softmax_cross_entropy, ag.sum, Xt, y, layers, REG)
        return graph_hvp(ag.grad, ag.sum, loss, ps, vs)

    return Side(step, lambda hv: hv_arrays(param_names(ps), [h.data for h in hv]))


def torch_side(torch: Any, X: np.ndarray, y: np.ndarray, params: list, v: list) -> Side:
    cross_entropy = torch.nn.functional.cross_entropy
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    ps = [torch.tensor(p, requires_grad=True) for p in params]
    vs = [torch.from_numpy(d) for d in v]
    layers = list(zip(ps[0::2], ps[1::2]))

    def step() -> Any:
        loss = graph_loss(torch.relu, cross_entropy, torch.sum, Xt, yt, layers, REG)
        return graph_hvp(torch.autograd.grad, torch.sum, loss, ps, vs)

    return Side(step, lambda hv: hv_arrays(param_names(ps), [h.numpy() for h in hv]))


def hvp_problem() -> tuple[np.ndarray, np.ndarray, list, list]:
    """The spiral data, parameters and the direction ``v`` of the workload."""
    X, y, params = spiral_problem()
    # A point after some training, so ReLUs are mixed and the Hessian is not trivial.
    params = [p + 0.1 * d for p, d in zip(params, direction(params, seed=3))]
    return X, y, params, direction(params)


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    X, y, params, v = hvp_problem()
    rounds, warmup = {"full": (500, 30), "quick": (100, 10), "smoke": (3, 1)}[cfg["mode"]]
    return run_timed(
        "hvp",
        "spiral float64",
        lib,
        library_sides(lib, numpy_side, ag_side, torch_side, X, y, params, v, jit=True),
        rounds=rounds,
        warmup=warmup,
        unit="us",
        dtype="float64",
    )
