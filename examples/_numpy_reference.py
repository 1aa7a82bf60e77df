"""The hand-written numpy networks the examples reproduce (CS231n style).

A ReLU network ``X -> [W1, b1] -> ReLU -> ... -> [Wk, bk] -> scores`` with a softmax
cross-entropy loss plus ``0.5 * reg * sum(W * W)`` for every weight matrix, and its backward
pass derived by hand, as in the CS231n case study "Putting it all together"
(https://cs231n.github.io/neural-networks-case-study/). With no hidden layer it is the linear
softmax classifier of the same notes.

One change from the notes: the scores are shifted by their row maximum before ``exp``, the
standard guard against overflow (every fused softmax cross-entropy does it, autograd_lite's
too); it changes no value, only the rounding.

Weights are stored as in the notes, ``W`` of shape (fan_in, fan_out), so ``scores = X @ W + b``.
"""

from __future__ import annotations

import numpy as np


def init_params(sizes: tuple[int, ...], seed: int) -> list[np.ndarray]:
    """[W1, b1, W2, b2, ...]: ``W = 0.01 * randn(fan_in, fan_out)``, zero biases, float64."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [0.01 * rng.standard_normal((fan_in, fan_out)), np.zeros(fan_out)]
    return params


def scores(params: list[np.ndarray], X: np.ndarray) -> np.ndarray:
    """Class scores of the network (no loss, no gradient)."""
    return forward(params, X)[0]


def forward(params: list[np.ndarray], X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Scores and the input of every layer (what the backward pass needs)."""
    layer_inputs, h = [], X
    last = len(params) // 2 - 1
    for i in range(last + 1):
        layer_inputs.append(h)
        h = np.dot(h, params[2 * i]) + params[2 * i + 1]
        if i < last:
            h = np.maximum(0, h)  # ReLU
    return h, layer_inputs


def loss_and_grads(
    params: list[np.ndarray], X: np.ndarray, y: np.ndarray, reg: float
) -> tuple[float, list[np.ndarray]]:
    """The loss and its gradient with respect to every parameter, derived by hand."""
    num_examples = X.shape[0]
    s, layer_inputs = forward(params, X)

    # softmax cross-entropy: loss = mean(-log p[y]); d loss / d scores = (p - onehot(y)) / N
    exp_scores = np.exp(s - np.max(s, axis=1, keepdims=True))
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    data_loss = np.sum(-np.log(probs[range(num_examples), y])) / num_examples
    reg_loss = sum(0.5 * reg * np.sum(W * W) for W in params[0::2])
    dscores = probs
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples

    # backpropagate through the layers, last to first
    grads: list[np.ndarray] = [np.empty(0)] * len(params)
    for i in range(len(layer_inputs) - 1, -1, -1):
        W, h = params[2 * i], layer_inputs[i]
        grads[2 * i] = np.dot(h.T, dscores) + reg * W
        grads[2 * i + 1] = np.sum(dscores, axis=0)
        if i > 0:
            dscores = np.dot(dscores, W.T)
            dscores[h <= 0] = 0  # the ReLU's gradient
    return float(data_loss + reg_loss), grads


def sgd_step(params: list[np.ndarray], grads: list[np.ndarray], step_size: float) -> None:
    """The parameter update of the notes, in place."""
    for p, g in zip(params, grads):
        p += -step_size * g
