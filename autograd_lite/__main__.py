"""``python -m autograd_lite`` (or ``autograd-lite``): the main demo.

Trains the CS231n spiral classifier on the built-in data (no network needed), shows a progress
bar, prints a summary and writes the computation graph, the decision boundary and the loss curve
into an output folder. See :func:`autograd_lite.demo.run_demo`.

Example
-------
>>> from autograd_lite.__main__ import main
>>> main(["--steps", "3", "--quiet", "--out", __import__("tempfile").mkdtemp()])  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograd_lite.demo import check_options, prepare_output_folder, run_demo


def build_parser() -> argparse.ArgumentParser:
    """The command line of the demo."""
    # The console script is "autograd-lite"; under -m, argv[0] is this file's path.
    script = sys.argv[0].endswith("autograd-lite")
    parser = argparse.ArgumentParser(
        prog="autograd-lite" if script else "python -m autograd_lite",
        description=(
            "Train the CS231n spiral classifier (2 -> hidden -> 3, ReLU, softmax cross-entropy, "
            "full-batch SGD) with autograd_lite and save the computation graph of one training "
            "step (SVG), the decision boundary and the loss curve (PNG, needs matplotlib)."
        ),
    )
    parser.add_argument("--steps", type=int, default=2000, help="training steps (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights (default 0)")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units (default 100)")
    parser.add_argument("--lr", type=float, default=1.0, help="SGD step size (default 1.0)")
    parser.add_argument(
        "--out", default="autograd_lite_demo", help="output folder (default ./autograd_lite_demo)"
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar or notices, only the summary"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo with command-line arguments ``argv`` (``sys.argv[1:]`` if None).

    Returns the exit status: 0 on success; bad arguments, and an output folder that cannot be
    created or written to, exit with status 2 and a message before any training.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    options = dict(steps=args.steps, seed=args.seed, hidden=args.hidden, lr=args.lr, out=args.out)
    try:
        check_options(**options)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))  # exits with status 2, like any other usage error
    try:
        prepare_output_folder(args.out)
    except OSError as exc:
        parser.error(f"cannot use --out {args.out!r}: {exc}")
    run_demo(**options, quiet=args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
