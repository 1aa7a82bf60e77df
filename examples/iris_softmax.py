"""Softmax regression on Fisher's iris, with a stratified 80/20 train/test split.

A linear classifier (4 measurements -> 3 species scores), softmax cross-entropy plus L2 1e-3,
full-batch gradient descent with step size 0.5 on standardised features (mean and spread of the
training set). The hand-written numpy version trains beside it from the same weights
(``_side_by_side``); the test set is 10 flowers of each species, never seen in training.
With 30 test flowers one mistake is 0.033 of accuracy, so ``--splits N`` repeats the whole
experiment on N different splits (seeds 0..N-1) and reports the spread.

    python examples/iris_softmax.py              # split seed 0, 500 steps
    python examples/iris_softmax.py --splits 10  # ten splits
    python examples/iris_softmax.py --quick      # 50 steps
"""

from __future__ import annotations

import numpy as np
from _common import parser, report, standardize, stratified_split
from _side_by_side import Run, train

from autograd_lite import data
from autograd_lite.data import IRIS_CLASS_NAMES


def experiment(seed: int, steps: int, log_every: int) -> tuple[Run, float, float, float]:
    """Split, train both sides; return the run and (train, test, numpy test) accuracy."""
    X, y = data.iris()
    train_idx, test_idx = stratified_split(y, 0.2, seed=seed)
    X_train, X_test = standardize(X[train_idx], X[test_idx])
    y_train, y_test = y[train_idx], y[test_idx]
    run = train(X_train, y_train, (4, 3), steps, seed=seed, step_size=0.5, log_every=log_every)
    label = "training" if log_every else ""
    train_acc, _ = run.accuracies(X_train, y_train, label)
    test_acc, numpy_test_acc = run.accuracies(X_test, y_test, label and "test")
    if log_every:
        print(f"train {len(y_train)} flowers, test {len(y_test)} ({np.bincount(y_test)} a species)")
        confusion = np.zeros((3, 3), dtype=int)
        np.add.at(confusion, (y_test, run.predict(X_test)), 1)
        print("test confusion (rows: true species, columns: predicted)")
        for name, row in zip(IRIS_CLASS_NAMES, confusion):
            print(f"  {name:<11} {row}")
    return run, train_acc, test_acc, numpy_test_acc


if __name__ == "__main__":
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--splits", type=int, default=1, help="repeat on N splits (seeds 0..N-1)")
    args = p.parse_args()
    steps = 50 if args.quick else 500
    if args.splits > 1:
        tests = [experiment(seed, steps, log_every=0)[2] for seed in range(args.splits)]
        print(f"test accuracy on {args.splits} splits: {np.round(tests, 3)}")
        print(f"mean {np.mean(tests):.3f}, min {np.min(tests):.3f}, max {np.max(tests):.3f}")
        report(mean_test_accuracy=float(np.mean(tests)), min_test_accuracy=float(np.min(tests)))
    else:
        run, train_acc, test_acc, numpy_test_acc = experiment(args.seed, steps, log_every=50)
        report(
            **run.summary(),
            train_accuracy=train_acc,
            test_accuracy=test_acc,
            numpy_test_accuracy=numpy_test_acc,
        )
