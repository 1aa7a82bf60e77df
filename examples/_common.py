"""Plumbing shared by the examples: command line, output folder, splits, the result line.

Every example accepts ``--quick`` (a small run, for the tests), ``--out DIR`` (where PNGs go,
default ``./autograd_lite_demo``) and ``--seed``. Each ends by printing one line
``result: name=value ...`` that the tests read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite import data, nn, optim
from autograd_lite.demo import (
    MATPLOTLIB_HINT,
    ProgressBar,
    matplotlib_available,
    prepare_output_folder,
)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every example has."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small, fast run (used by the tests)")
    p.add_argument(
        "--out", type=Path, default=Path("autograd_lite_demo"), help="folder for the PNG plots"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p


def plot_dir(out: Path) -> Path | None:
    """``out`` (created and checked writable) if matplotlib is installed; else None, saying so."""
    if not matplotlib_available():
        print(f"matplotlib is not installed: no plots ({MATPLOTLIB_HINT}).")
        return None
    return prepare_output_folder(out)


def saved(path: Path) -> None:
    print(f"saved {path}")


def report(**metrics: float | int | str) -> None:
    """Print the result line the tests parse: ``result: loss=0.7602 accuracy=0.5233``."""
    parts = [f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics.items()]
    print("result: " + " ".join(parts))


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose highest score is at the true class."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def stratified_split(
    y: np.ndarray, test_fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): each class split ``1 - test_fraction`` / ``test_fraction``."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        n_test = int(round(test_fraction * len(idx)))
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))


def standardize(train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    """Scale features to zero mean, unit variance using the training set's statistics only.

    Features constant in the training set (blank pixels) are only centred.
    """
    mean, std = train.mean(axis=0), train.std(axis=0)
    std[std == 0] = 1.0
    return [(a - mean) / std for a in (train, *others)]


def evaluate(model: nn.Module, X: np.ndarray, y: np.ndarray, batch_size: int = 1000) -> float:
    """Accuracy of ``model`` on ``X, y``, in batches, without building a graph."""
    model.eval()
    with ag.no_grad():
        scores = [model(X[i : i + batch_size]).numpy() for i in range(0, len(X), batch_size)]
    model.train()
    return accuracy(np.concatenate(scores), y)


def fit(
    model: nn.Module,
    opt: optim.Optimizer,
    train_set: tuple[np.ndarray, np.ndarray],
    test_set: tuple[np.ndarray, np.ndarray],
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    scheduler: optim.lr_scheduler.LRScheduler | None = None,
) -> tuple[list[float], list[float]]:
    """Mini-batch training with cross-entropy; returns (mean loss, test accuracy) per epoch.

    ``scheduler``, if given, steps once per epoch.
    """
    loader = data.DataLoader(train_set, batch_size=batch_size, shuffle=True, seed=seed)
    loss_fn = nn.CrossEntropyLoss()
    losses, test_accs = [], []
    for epoch in range(1, epochs + 1):
        total = 0.0
        with ProgressBar(len(loader), desc=f"epoch {epoch}/{epochs}") as bar:
            for xb, yb in loader:
                opt.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * len(yb)
                bar.update(loss=loss.item())
        if scheduler is not None:
            scheduler.step()
        losses.append(total / len(train_set[1]))
        test_accs.append(evaluate(model, *test_set))
        print(
            f"epoch {epoch}: mean training loss {losses[-1]:.4f}, test accuracy {test_accs[-1]:.4f}"
        )
    return losses, test_accs
