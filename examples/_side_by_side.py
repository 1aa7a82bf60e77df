"""Train a CS231n-style classifier with autograd_lite and with the hand-written numpy, side by side.

Both sides start from the same data and the same initial weights and take the same full-batch
gradient-descent steps; the numpy side computes its gradients with the hand-derived backward
pass of ``_numpy_reference``, autograd_lite with ``loss.backward()``. Two comparisons:

- at every step, the hand-written loss and gradients are evaluated at autograd_lite's current
  weights: the largest differences show that both compute the same numbers (to rounding);
- the numpy side also trains on its own copy of the weights: the two free-running losses are
  compared at every step, and the numpy run gives the "hand-written" result.

Used by spiral_linear.py, spiral_mlp.py, five_clusters.py and iris_softmax.py.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

import _numpy_reference as ref
import numpy as np
from _common import accuracy, plot_dir, report, saved

import autograd_lite as ag
from autograd_lite import data
from autograd_lite.demo import plot_decision_boundary, plot_training_curves

AGREE = 1e-9  # free-running losses closer than this count as equal


def network(params: list[ag.Tensor], X: ag.Tensor | np.ndarray) -> ag.Tensor:
    """The class scores of the same ReLU network as ``_numpy_reference``."""
    h, last = X, len(params) // 2 - 1
    for i in range(last + 1):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < last:
            h = ag.relu(h)
    return h


def network_loss(params: list[ag.Tensor], X: ag.Tensor, y: np.ndarray, reg: float) -> ag.Tensor:
    """The same loss as ``_numpy_reference``, written forward only: backward is automatic."""
    data_loss = ag.softmax_cross_entropy(network(params, X), y)
    return data_loss + 0.5 * reg * sum(ag.sum(W * W) for W in params[0::2])


@dataclass
class Run:
    """Both sides after training, and how closely they agreed."""

    params: list[ag.Tensor]
    numpy_params: list[np.ndarray]
    losses: list[float] = field(default_factory=list)
    numpy_losses: list[float] = field(default_factory=list)
    max_loss_diff: float = 0.0
    max_grad_diff: float = 0.0
    agree_steps: int | None = None  # free-running losses within AGREE for this many steps

    def predict(self, points: np.ndarray) -> np.ndarray:
        """autograd_lite's class labels for the rows of ``points``."""
        with ag.no_grad():
            return network(self.params, points).numpy().argmax(axis=1)

    def accuracies(self, X: np.ndarray, y: np.ndarray, label: str = "") -> tuple[float, float]:
        """(autograd_lite, hand-written numpy) accuracy on ``X, y``; printed if ``label``."""
        with ag.no_grad():
            ours = accuracy(network(self.params, X).numpy(), y)
        theirs = accuracy(ref.scores(self.numpy_params, X), y)
        if label:
            head = f"{label} accuracy:"
            print(f"{head:<19} autograd_lite {ours:.3f}, hand-written numpy {theirs:.3f}")
        return ours, theirs

    def summary(self) -> dict[str, float | int]:
        """The comparison, for ``report``."""
        steps = len(self.losses)
        print(
            f"same weights, every one of {steps} steps: max |loss difference| "
            f"{self.max_loss_diff:.1e}, max |gradient difference| {self.max_grad_diff:.1e}"
        )
        agreed = steps if self.agree_steps is None else self.agree_steps
        print(
            f"the two runs, each on its own weights, agree to {AGREE:.0e} "
            f"for {agreed} of {steps} steps"
        )
        if agreed < steps:
            print(
                "  then they drift apart: at this step size the loss spikes now and then, and "
                "training amplifies rounding differences (about 1e-16 a step); two numpy runs "
                "that differ by one rounding drift apart the same way"
            )
        return dict(
            loss=self.losses[-1],
            numpy_loss=self.numpy_losses[-1],
            max_loss_diff=self.max_loss_diff,
            max_grad_diff=self.max_grad_diff,
            agree_steps=agreed,
            steps=steps,
        )


def train(
    X: np.ndarray,
    y: np.ndarray,
    sizes: tuple[int, ...],
    steps: int,
    *,
    seed: int,
    step_size: float = 1.0,
    reg: float = 1e-3,
    log_every: int = 100,
) -> Run:
    """Full-batch gradient descent on both sides from ``ref.init_params(sizes, seed)``.

    Prints the losses every ``log_every`` steps (never if 0).
    """
    start = ref.init_params(sizes, seed=seed)
    run = Run([ag.tensor(p.copy(), requires_grad=True) for p in start], [p.copy() for p in start])
    params, Xt = run.params, ag.tensor(X)
    if log_every:
        print(f"{'iteration':>9}  {'autograd_lite':>15}  {'hand-written':>15}  {'difference':>10}")
    for i in range(steps):
        loss = network_loss(params, Xt, y, reg)
        for p in params:
            p.grad = None
        loss.backward()
        # The hand-derived loss and gradients at exactly the same weights.
        same_loss, same_grads = ref.loss_and_grads([p.numpy() for p in params], X, y, reg)
        loss_diff = abs(loss.item() - same_loss)
        grad_diff = max(
            float(np.max(np.abs(p.grad.numpy() - g))) for p, g in zip(params, same_grads)
        )
        run.max_loss_diff = max(run.max_loss_diff, loss_diff)
        run.max_grad_diff = max(run.max_grad_diff, grad_diff)
        with ag.no_grad():
            for p in params:
                p.sub_(step_size * p.grad)  # in place: allowed under no_grad

        numpy_loss, grads = ref.loss_and_grads(run.numpy_params, X, y, reg)
        ref.sgd_step(run.numpy_params, grads, step_size)

        run.losses.append(loss.item())
        run.numpy_losses.append(numpy_loss)
        if run.agree_steps is None and abs(run.losses[-1] - numpy_loss) > AGREE:
            run.agree_steps = i
        if log_every and (i % log_every == 0 or i == steps - 1):
            print(f"{i:>9}  {run.losses[-1]:>15.12f}  {same_loss:>15.12f}  {loss_diff:>10.1e}")
    return run


def run_spiral(args: argparse.Namespace, name: str, sizes: tuple[int, ...], steps: int) -> None:
    """The CS231n spiral examples: train, compare, plot, report."""
    X, y = data.spiral(seed=args.seed)  # 3 classes x 100 points, as in the notes
    run = train(X, y, sizes, steps, seed=args.seed, log_every=10 if steps <= 200 else 1000)
    acc, numpy_acc = run.accuracies(X, y, "training")
    metrics = run.summary()
    out = plot_dir(args.out)
    if out is not None:
        title = f"{name}: training accuracy {acc:.2f} after {steps} steps"
        saved(plot_decision_boundary(out / f"{name}_boundary.png", run.predict, X, y, title=title))
        saved(plot_training_curves(out / f"{name}_loss.png", run.losses, title=name))
    report(**metrics, accuracy=acc, numpy_accuracy=numpy_acc)
