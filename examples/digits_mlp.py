"""An MLP on the 8x8 handwritten digits: mini-batches, Adam, a held-out test set.

1,797 digits (``data.digits``, UCI optdigits), a stratified 80/20 split, pixels shifted and
scaled by the mean and standard deviation of all training pixels (as usual for MNIST),
64 -> 128 -> 10 ReLU network, softmax cross-entropy, Adam (lr 1e-3), batches of 32, 30 epochs.
With ``--mnist DIR`` the same recipe runs on MNIST from IDX files you downloaded yourself
(``train-images-idx3-ubyte`` etc., see ``autograd_lite.data.mnist``): 784 -> 128 -> 10 on the
60,000 training images, tested on the 10,000 test images, 5 epochs of batches of 64.

    python examples/digits_mlp.py                  # digits, 30 epochs
    python examples/digits_mlp.py --quick          # 2 epochs
    python examples/digits_mlp.py --mnist ~/mnist  # MNIST
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _common import fit, parser, plot_dir, report, saved, stratified_split

from autograd_lite import data, nn, optim
from autograd_lite.demo import plot_training_curves


def load(mnist: Path | None, seed: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """(train, test) sets, one standardised float32 image per row."""
    if mnist is not None:
        (X_train, y_train), (X_test, y_test) = (data.mnist(mnist, train=t) for t in (True, False))
    else:
        X, y = data.digits()
        train_idx, test_idx = stratified_split(y, 0.2, seed=seed)
        X_train, y_train, X_test, y_test = X[train_idx], y[train_idx], X[test_idx], y[test_idx]
    X_train, X_test = (X.reshape(len(X), -1).astype(np.float32) for X in (X_train, X_test))
    mean, std = X_train.mean(), X_train.std()  # one pair for all pixels
    return ((X_train - mean) / std, y_train), ((X_test - mean) / std, y_test)


if __name__ == "__main__":
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--mnist", type=Path, default=None, help="folder with the MNIST IDX files")
    args = p.parse_args()
    train_set, test_set = load(args.mnist, args.seed)
    name = "MNIST" if args.mnist else "digits"
    if args.quick:
        epochs = 2
    else:
        epochs = 5 if args.mnist else 30
    batch_size = 64 if args.mnist else 32
    print(f"{name}: {len(train_set[1])} training images, {len(test_set[1])} test images")

    rng = np.random.default_rng(args.seed)
    model = nn.Sequential(
        nn.Linear(train_set[0].shape[1], 128, rng=rng), nn.ReLU(), nn.Linear(128, 10, rng=rng)
    )
    opt = optim.Adam(model.parameters(), lr=1e-3)
    losses, test_accs = fit(
        model, opt, train_set, test_set, epochs=epochs, batch_size=batch_size, seed=args.seed
    )
    print(f"test accuracy after {epochs} epochs: {test_accs[-1]:.4f}")

    out = plot_dir(args.out)
    if out is not None:
        path = out / f"{name.lower()}_mlp_curves.png"
        title = f"MLP on {name}: test accuracy {test_accs[-1]:.3f}"
        curves = dict(xlabel="epoch", accuracy_label="test accuracy", title=title)
        saved(plot_training_curves(path, losses, test_accs, **curves))
    report(loss=losses[-1], test_accuracy=test_accs[-1], epochs=epochs)
