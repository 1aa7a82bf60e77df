"""Second derivatives and Hessian-vector products, checked against finite differences.

``ag.grad(..., create_graph=True)`` returns gradients that are themselves on the graph, so they
can be differentiated again:

1. derivatives of ``tanh`` up to the third, against their closed forms;
2. Hessian-vector products ``H v`` of the Rosenbrock function by double backward (Pearlmutter's
   trick: the gradient of ``<grad f(w), v>``), against central differences of the gradient
   ``(grad f(w + h v) - grad f(w - h v)) / 2h`` and against the closed-form Hessian;
3. the same for the loss of a small tanh network on the spiral data (all parameters at once);
4. Newton's method on Rosenbrock with the Hessian built from n Hessian-vector products.

    python examples/higher_order.py            # 40-dimensional Rosenbrock, 8 random directions
    python examples/higher_order.py --quick    # 10-dimensional, 3 directions
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from _common import parser, report

import autograd_lite as ag
from autograd_lite import data

Fn = Callable[[list[ag.Tensor]], ag.Tensor]


def rosenbrock(w: ag.Tensor) -> ag.Tensor:
    return ag.sum(100.0 * (w[1:] - w[:-1] ** 2) ** 2 + (1.0 - w[:-1]) ** 2)


def rosenbrock_hessian(w: np.ndarray) -> np.ndarray:
    """The closed-form Hessian (tridiagonal)."""
    n = len(w)
    diag = np.zeros(n)
    diag[:-1] += 1200.0 * w[:-1] ** 2 - 400.0 * w[1:] + 2.0
    diag[1:] += 200.0
    off = -400.0 * w[:-1]
    return np.diag(diag) + np.diag(off, 1) + np.diag(off, -1)


def gradient(f: Fn, params: list[np.ndarray]) -> list[np.ndarray]:
    ts = [ag.tensor(p, requires_grad=True) for p in params]
    return [g.numpy() for g in ag.grad(f(ts), ts)]


def hvp(f: Fn, params: list[np.ndarray], v: list[np.ndarray]) -> list[np.ndarray]:
    """``H v`` by double backward: differentiate ``<grad f, v>`` once more."""
    ts = [ag.tensor(p, requires_grad=True) for p in params]
    grads = ag.grad(f(ts), ts, create_graph=True)
    inner = sum(ag.sum(g * vi) for g, vi in zip(grads, v))
    return [h.numpy() for h in ag.grad(inner, ts)]


def hvp_finite_difference(
    f: Fn, params: list[np.ndarray], v: list[np.ndarray], h: float = 1e-5
) -> list[np.ndarray]:
    """Central difference of the gradient along ``v``: error O(h^2)."""
    plus = gradient(f, [p + h * vi for p, vi in zip(params, v)])
    minus = gradient(f, [p - h * vi for p, vi in zip(params, v)])
    return [(a - b) / (2 * h) for a, b in zip(plus, minus)]


def relative_error(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    num = np.sqrt(sum(np.sum((x - y) ** 2) for x, y in zip(a, b)))
    den = np.sqrt(sum(np.sum(y**2) for y in b))
    return float(num / den)


def tanh_derivatives() -> float:
    x = ag.tensor(np.linspace(-2.0, 2.0, 9), requires_grad=True)
    (d1,) = ag.grad(ag.sum(ag.tanh(x)), x, create_graph=True)
    (d2,) = ag.grad(ag.sum(d1), x, create_graph=True)
    (d3,) = ag.grad(ag.sum(d2), x)
    t = np.tanh(x.numpy())
    exact = [1 - t**2, -2 * t * (1 - t**2), -2 * (1 - t**2) * (1 - 3 * t**2)]
    errors = [float(np.max(np.abs(d.numpy() - e))) for d, e in zip((d1, d2, d3), exact)]
    print("1. tanh: max |error| of the 1st, 2nd, 3rd derivative against the closed forms:")
    print("   " + ", ".join(f"{e:.1e}" for e in errors))
    return max(errors)


def check_hvps(name: str, f: Fn, params: list[np.ndarray], directions: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    worst = 0.0
    for _ in range(directions):
        v = [rng.standard_normal(p.shape) for p in params]
        worst = max(worst, relative_error(hvp(f, params, v), hvp_finite_difference(f, params, v)))
    print(f"   {name}: {directions} random directions, max relative error vs finite differences")
    print(f"   of the gradient: {worst:.1e}")
    return worst


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    n, directions = (10, 3) if args.quick else (40, 8)
    rng = np.random.default_rng(args.seed)
    tanh_error = tanh_derivatives()

    print(f"2. Rosenbrock in {n} dimensions, H v by double backward:")
    w = rng.uniform(-1.5, 1.5, n)

    def rosen(ps: list[ag.Tensor]) -> ag.Tensor:
        return rosenbrock(ps[0])

    rosen_fd = check_hvps("Rosenbrock", rosen, [w], directions, args.seed)
    # The whole Hessian, one H e_i per column, against the closed form.
    H = np.stack([hvp(rosen, [w], [e])[0] for e in np.eye(n)], axis=1)
    H_exact = rosenbrock_hessian(w)
    rosen_exact = float(np.max(np.abs(H - H_exact)) / np.max(np.abs(H_exact)))
    print(f"   Hessian from {n} HVPs vs the closed form: max relative error {rosen_exact:.1e}")

    print("3. loss of a 2 -> 16 -> 3 tanh network on the spiral data, H v in all parameters:")
    X, y = data.spiral(n_per_class=30, seed=args.seed)
    net = [
        rng.standard_normal((2, 16)),
        np.zeros(16),
        0.5 * rng.standard_normal((16, 3)),
        np.zeros(3),
    ]

    def loss(ps: list[ag.Tensor]) -> ag.Tensor:
        h = ag.tanh(X @ ps[0] + ps[1])
        return ag.softmax_cross_entropy(h @ ps[2] + ps[3], y)

    net_fd = check_hvps("network loss", loss, net, directions, args.seed + 1)

    print("4. Newton's method on 2-D Rosenbrock from (-1.2, 1), Hessian from 2 HVPs:")
    z = np.array([-1.2, 1.0])
    for step in range(1, 8):
        g = gradient(rosen, [z])[0]
        H2 = np.stack([hvp(rosen, [z], [e])[0] for e in np.eye(2)], axis=1)
        z = z - np.linalg.solve(H2, g)
        print(f"   step {step}: w = ({z[0]: .6f}, {z[1]: .6f})")
    newton_error = float(np.max(np.abs(z - 1.0)))

    report(
        tanh_error=tanh_error,
        rosenbrock_hvp_vs_fd=rosen_fd,
        rosenbrock_hessian_vs_exact=rosen_exact,
        network_hvp_vs_fd=net_fd,
        newton_error=newton_error,
    )


if __name__ == "__main__":
    main()
