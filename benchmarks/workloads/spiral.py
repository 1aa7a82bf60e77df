"""Workload 1, spiral step: one full-batch SGD step of the CS231n spiral classifier.

300 points of the 3-class spiral (fixed seed), a 2 -> 100 -> 3 ReLU net, fused softmax
cross-entropy plus ``0.5 * reg * sum(W * W)`` for both weight matrices (reg 1e-3), SGD with
lr 1.0, float64; and the same with Adam (lr 0.01) through the ``.nn`` sides. The step itself is
the shared training step of ``mlp.py`` (its docstring says how the numpy side follows the CS231n
code).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.harness import Libraries, run_timed
from benchmarks.workloads.mlp import init_params, training_sides

N_PER_CLASS, N_CLASSES = 100, 3
SIZES = (2, 100, N_CLASSES)
REG, LR, ADAM_LR = 1e-3, 1.0, 0.01


def spiral_problem() -> tuple[np.ndarray, np.ndarray, list]:
    """The spiral data and the CS231n init (0.01 * randn weights, zero biases).

    The data is ``autograd_lite.data.spiral`` with seed 0, imported here rather than at the top:
    every worker imports this module, and the torch-only memory workers must not load
    autograd_lite.
    """
    from autograd_lite.data import spiral

    X, y = spiral(N_PER_CLASS, N_CLASSES, seed=0)
    return X, y, init_params(SIZES, "float64", seed=1, scale=0.01)


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    X, y, params = spiral_problem()
    rounds, warmup = {"full": (1000, 50), "quick": (200, 20), "smoke": (5, 2)}[cfg["mode"]]
    return [
        row
        for case, lr, optimizer in (("float64", LR, "sgd"), ("float64 Adam", ADAM_LR, "adam"))
        for row in run_timed(
            "spiral_step",
            case,
            lib,
            training_sides(lib, X, y, params, reg=REG, lr=lr, optimizer=optimizer),
            rounds=rounds,
            warmup=warmup,
            unit="us",
            dtype="float64",
        )
    ]
