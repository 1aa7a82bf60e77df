"""2 -> 100 -> 3 ReLU network on the CS231n spiral, autograd_lite beside the hand-written numpy.

Reproduces "Training a Neural Network" of the CS231n case study
(https://cs231n.github.io/neural-networks-case-study/): the same data as spiral_linear.py,
a hidden layer of 100 ReLUs, step size 1.0, L2 1e-3 on both weight matrices, 10,000 full-batch
iterations; the notes reach training accuracy 0.98.

At every step the hand-derived numpy loss and gradients are evaluated at autograd_lite's
weights: they agree to rounding (about 1e-16) all the way. The two runs on their own weights
agree for the first ~1,000 steps and then drift apart, because at step size 1.0 the loss spikes
now and then (see the loss curve) and training amplifies rounding differences of 1e-16 about
twofold every 100 steps; two numpy runs that differ by one rounding in a single gradient drift
apart the same way. Both runs end at the same loss and accuracy.

    python examples/spiral_mlp.py            # 10,000 iterations, plots in ./autograd_lite_demo
    python examples/spiral_mlp.py --quick    # 300 iterations
"""

from __future__ import annotations

from _common import parser
from _side_by_side import run_spiral

if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    run_spiral(args, "spiral_mlp", sizes=(2, 100, 3), steps=300 if args.quick else 10_000)
