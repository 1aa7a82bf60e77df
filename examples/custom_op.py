"""Define a new op (swish, ``x * sigmoid(x)``) with its own backward and property-test it.

An op is a small class: ``forward`` on numpy arrays, ``backward`` beside it returning the
gradient of the input given the upstream gradient ``g``. Writing backward with operators and
``ag.<op>`` functions (never ``np.<fn>`` on g, y or x) makes it differentiable too, so second
derivatives work. ``autograd_lite.testing`` then checks it:

- ``gradcheck``: gradients against central finite differences (plus shape, dtype, linearity,
  no mutation, no aliasing);
- ``gradgradcheck``: the same for the backward itself (second derivatives);
- a hypothesis property test over many random arrays (when hypothesis is installed).

Finally a deliberately wrong backward shows what a failure looks like.

    python examples/custom_op.py            # 200 random arrays
    python examples/custom_op.py --quick    # 20 random arrays
"""

from __future__ import annotations

import numpy as np
from _common import parser, report

import autograd_lite as ag
from autograd_lite.testing import GradcheckError, gradcheck, gradgradcheck


class Swish(ag.Op):
    """``swish(x) = x * sigmoid(x)`` (also called SiLU)."""

    name = "swish"

    def forward(self, x):
        return x / (1.0 + np.exp(-x))  # on arrays: plain numpy is fine here

    def backward(self, g, y, x):
        # d/dx [x s(x)] = s + x s (1 - s) = s + y (1 - s), with s = sigmoid(x), y = x s
        s = ag.sigmoid(x)
        return g * (s + y * (1.0 - s))


def swish(x):
    """Swish of a Tensor (a Tensor) or of an array (an array), like every ``ag`` op."""
    return Swish()(x)


class WrongSwish(Swish):
    """The classic slip: the derivative of ``x * s(x)`` taken as ``s(x)`` only."""

    def backward(self, g, y, x):
        return g * ag.sigmoid(x)


def property_test(examples: int) -> int:
    """Hypothesis: gradcheck and gradgradcheck on random arrays; returns how many were run."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from autograd_lite.testing import strategies as ags

    seen = []

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True)
    @given(ags.arrays(domain=ags.reals(6.0)), st.integers(0, 2**16))
    def check(x: np.ndarray, seed: int) -> None:
        seen.append(x.shape)
        assert gradcheck(swish, x, seed=seed)
        assert gradgradcheck(swish, x, seed=seed)
        # The same function built from existing ops must give the same values and gradients.
        t1, t2 = ag.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
        ours, composed = swish(t1), t2 * ag.sigmoid(t2)
        np.testing.assert_allclose(ours.numpy(), composed.numpy(), rtol=1e-12, atol=1e-15)
        ag.sum(ours).backward()
        ag.sum(composed).backward()
        np.testing.assert_allclose(t1.grad.numpy(), t2.grad.numpy(), rtol=1e-12, atol=1e-15)

    check()
    return len(seen)


if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    x = ag.tensor(np.linspace(-4.0, 4.0, 9), requires_grad=True)
    y = swish(x)
    ag.sum(y).backward()
    print(f"x        = {np.round(x.numpy(), 3)}")
    print(f"swish(x) = {np.round(y.numpy(), 3)}")
    print(f"d/dx     = {np.round(x.grad.numpy(), 3)}")
    (d2,) = ag.grad(ag.sum(ag.grad(ag.sum(swish(x)), x, create_graph=True)[0]), x)
    print(f"d2/dx2   = {np.round(d2.numpy(), 3)}   (backward is differentiable)")

    points = np.random.default_rng(args.seed).normal(0.0, 2.0, size=(3, 4))
    print("gradcheck:", gradcheck(swish, points), " gradgradcheck:", gradgradcheck(swish, points))

    try:
        import hypothesis  # noqa: F401
    except ImportError:
        print("hypothesis is not installed: skipped the property test (pip install hypothesis)")
        examples = 0
    else:
        examples = property_test(20 if args.quick else 200)
        print(
            f"property test: gradcheck, gradgradcheck and x * sigmoid(x) agree on {examples} arrays"
        )

    try:
        gradcheck(lambda t: WrongSwish()(t), points)
        caught = False
    except GradcheckError as err:
        caught = True
        print("a wrong backward is caught; gradcheck says:")
        print("\n".join("  " + line for line in str(err).splitlines()[:6]))
    report(property_examples=examples, wrong_backward_caught=int(caught))
