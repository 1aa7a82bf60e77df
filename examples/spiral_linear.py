"""Linear softmax classifier on the CS231n spiral, autograd_lite beside the hand-written numpy.

Reproduces "Training a Softmax Linear Classifier" of the CS231n case study
(https://cs231n.github.io/neural-networks-case-study/): 300 points in 3 classes, scores
``X @ W + b``, softmax cross-entropy plus ``0.5 * 1e-3 * sum(W * W)``, step size 1.0,
200 full-batch iterations. The notes report loss 0.786 at iteration 190 and training accuracy
0.49 on their random draw of the data. The loss is convex, so on our draw (``data.spiral``,
seed 0) the hand-written numpy and autograd_lite follow the same path to about 0.75 with
accuracy about 0.5, equal step by step to rounding.

    python examples/spiral_linear.py            # 200 iterations, plots in ./autograd_lite_demo
    python examples/spiral_linear.py --quick    # 50 iterations
"""

from __future__ import annotations

from _common import parser
from _side_by_side import run_spiral

if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    run_spiral(args, "spiral_linear", sizes=(2, 3), steps=50 if args.quick else 200)
