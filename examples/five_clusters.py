"""A 2-layer ReLU network with softmax cross-entropy on five Gaussian clusters in 2-D.

Five overlapping blobs (``data.five_clusters``: 100 points each, about 5 % of them nearer
another cluster's centre, so about 95 % is the best any classifier can do on new points).
2 -> 100 -> 5 ReLU network, the CS231n recipe (step size 1.0, L2 1e-3, full-batch gradient
descent), trained on a stratified 80 % and tested on the other 20 %, with the hand-written numpy
version beside it (``_side_by_side``). A naive from-scratch version of this exercise reports
74.5 % accuracy; the decision-boundary plot shows where the five regions meet.

    python examples/five_clusters.py            # 1,000 steps
    python examples/five_clusters.py --quick    # 100 steps
"""

from __future__ import annotations

from _common import parser, plot_dir, report, saved, stratified_split
from _side_by_side import train

from autograd_lite import data
from autograd_lite.demo import plot_decision_boundary, plot_training_curves

if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    X, y = data.five_clusters(seed=args.seed)
    train_idx, test_idx = stratified_split(y, 0.2, seed=args.seed)
    steps = 100 if args.quick else 1000
    run = train(X[train_idx], y[train_idx], (2, 100, 5), steps, seed=args.seed, log_every=100)
    train_acc, _ = run.accuracies(X[train_idx], y[train_idx], "training")
    test_acc, numpy_test_acc = run.accuracies(X[test_idx], y[test_idx], "test")
    metrics = run.summary()

    out = plot_dir(args.out)
    if out is not None:
        title = f"five clusters, 2-100-5 ReLU net: test accuracy {test_acc:.3f}"
        boundary = out / "five_clusters_boundary.png"
        saved(plot_decision_boundary(boundary, run.predict, X, y, title=title))
        saved(
            plot_training_curves(out / "five_clusters_loss.png", run.losses, title="five clusters")
        )
    report(
        **metrics,
        train_accuracy=train_acc,
        test_accuracy=test_acc,
        numpy_test_accuracy=numpy_test_acc,
    )
