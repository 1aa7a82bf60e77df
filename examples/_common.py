"""Plumbing shared by the examples: command line, output folder, splits, the result line.

Every example accepts ``--quick`` (a small run, for the tests), ``--out DIR`` (where PNGs go,
default ``./autograd_lite_demo``) and ``--seed``. Each ends by printing one line
``result: name=value ...`` that the tests read.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from autograd_lite.demo import MATPLOTLIB_HINT, matplotlib_available


def parser(description: str, seed: int = 0) -> argparse.ArgumentParser:
    """An argument parser with the options every example has."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a small, fast run (used by the tests)")
    p.add_argument(
        "--out", type=Path, default=Path("autograd_lite_demo"), help="folder for the PNG plots"
    )
    p.add_argument("--seed", type=int, default=seed, help=f"random seed (default {seed})")
    return p


def plot_dir(out: Path) -> Path | None:
    """``out`` (created) if matplotlib is installed; else None, after saying so."""
    if not matplotlib_available():
        print(f"matplotlib is not installed: no plots ({MATPLOTLIB_HINT}).")
        return None
    out.mkdir(parents=True, exist_ok=True)
    return out


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
    """Scale features to zero mean, unit variance using the training set's statistics only."""
    mean, std = train.mean(axis=0), train.std(axis=0) + 1e-8
    return [(a - mean) / std for a in (train, *others)]
