"""L-BFGS: its first iterations by hand, the strong-Wolfe conditions, convergence, state."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import optim
from autograd_lite.optim.lbfgs import _strong_wolfe

# A strictly convex quadratic f(x) = x.Q x / 2 - c.x + sum(x^4) / 4 over two parameters.
Q = np.array([[3.0, 0.5, 0.2], [0.5, 2.0, -0.3], [0.2, -0.3, 1.5]])
c = np.array([1.0, -2.0, 0.5])


def f_and_grad(x):
    return 0.5 * x @ Q @ x - c @ x + 0.25 * (x**4).sum(), Q @ x - c + x**3


def _setup(x0, **options):
    """Parameters a (2,) and b (1,) holding x, an LBFGS over them, and its closure."""
    a = ag.tensor(x0[:2].copy(), requires_grad=True)
    b = ag.tensor(x0[2:].copy(), requires_grad=True)
    opt = optim.LBFGS([a, b], **options)

    def closure():
        opt.zero_grad()
        x = ag.concatenate([a, b])
        loss = (0.5 * x * ag.matmul(ag.tensor(Q), x) - x * c + 0.25 * x**4).sum()
        loss.backward()
        return loss

    return opt, closure, lambda: np.concatenate([a.data, b.data])


X0 = np.array([1.0, -1.5, 2.0])


def test_first_iteration_is_a_gradient_step_scaled_by_the_gradients_l1_norm():
    opt, closure, x = _setup(X0, lr=0.7, max_iter=1)
    loss = opt.step(closure)
    f0, g0 = f_and_grad(X0)
    assert loss.item() == pytest.approx(f0)  # step returns the loss at the start
    np.testing.assert_allclose(x(), X0 - min(1.0, 1.0 / np.abs(g0).sum()) * 0.7 * g0, rtol=1e-13)


def test_second_iteration_follows_the_two_loop_recursion():
    lr = 0.5
    opt, closure, x = _setup(X0, lr=lr, max_iter=2, max_eval=10)
    opt.step(closure)
    # By hand: a gradient step, then the one-pair BFGS direction -H g1 with H0 = s.y / y.y.
    _, g0 = f_and_grad(X0)
    s = -min(1.0, 1.0 / np.abs(g0).sum()) * lr * g0
    x1 = X0 + s
    _, g1 = f_and_grad(x1)
    y = g1 - g0
    rho = 1.0 / (y @ s)
    H = (np.eye(3) - rho * np.outer(s, y)) @ ((s @ y) / (y @ y) * np.eye(3)) @ (
        np.eye(3) - rho * np.outer(y, s)
    ) + rho * np.outer(s, s)  # the BFGS update of H0, written as a matrix
    np.testing.assert_allclose(x(), x1 - lr * H @ g1, rtol=1e-12)
    state = opt.state[id(opt.param_groups[0]["params"][0])]
    assert (state["n_iter"], state["func_evals"], len(state["old_dirs"])) == (2, 2, 1)


@pytest.mark.parametrize("start", [1e-3, 0.3, 1.0, 25.0])
def test_strong_wolfe_step_meets_both_conditions(start):
    x0 = np.array([2.0, -1.0, 0.5])
    f0, g0 = f_and_grad(x0)
    d = -g0 * np.array([1.0, 0.5, 2.0])  # a descent direction, not the gradient's

    def objective(t):
        return f_and_grad(x0 + t * d)

    gtd = g0 @ d
    f, g, t, evals = _strong_wolfe(objective, start, d, f0, g0, gtd)
    assert f <= f0 + 1e-4 * t * gtd  # sufficient decrease
    assert abs(g @ d) <= 0.9 * abs(gtd)  # curvature, strong form
    assert (f, g.tolist()) == (objective(t)[0], objective(t)[1].tolist()) and evals >= 1


def test_strong_wolfe_gives_up_after_max_ls_evaluations():
    d = np.array([1.0])
    calls = []

    def objective(t):  # the loss grows along d: every trial fails sufficient decrease...
        calls.append(t)
        return 1.0 + t, np.array([-1.0])  # ...though the slope claims descent

    f, g, t, evals = _strong_wolfe(objective, 1.0, d, 1.0, np.array([-1.0]), -1.0, max_ls=4)
    assert evals == len(calls) <= 5 and t < 1.0


def _rosenbrock_closure(opt, x, retain_graph=False):
    def closure():
        opt.zero_grad()
        loss = (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2).sum()
        loss.backward(retain_graph=retain_graph)
        return loss

    return closure


def test_strong_wolfe_lbfgs_minimises_rosenbrock():
    x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    # Tolerances below the defaults: those stop where the loss changes by < 1e-9 (x to 1e-5).
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", tolerance_change=1e-14)
    for _ in range(5):
        opt.step(_rosenbrock_closure(opt, x))
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-6)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_solves_least_squares(line_search_fn):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(30, 4)), rng.normal(size=30)
    w = ag.tensor(np.zeros(4), requires_grad=True)
    b = ag.tensor(np.zeros(1), requires_grad=True)
    opt = optim.LBFGS(
        [w, b],
        lr=1.0 if line_search_fn else 0.5,
        line_search_fn=line_search_fn,
        tolerance_grad=1e-12,
        tolerance_change=1e-14,
    )

    def closure():
        opt.zero_grad()
        r = ag.matmul(ag.tensor(X), w) + b - y
        loss = (r * r).mean()
        loss.backward()
        return loss

    for _ in range(10):
        opt.step(closure)
    want, *_ = np.linalg.lstsq(np.c_[X, np.ones(30)], y, rcond=None)
    np.testing.assert_allclose(np.r_[w.data, b.data], want, atol=1e-6)


def test_history_is_limited_and_a_converged_step_does_nothing():
    x = ag.tensor(np.array([-1.2, 1.0, 0.7]), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", history_size=2, max_iter=50)
    closure = _rosenbrock_closure(opt, x)
    opt.step(closure)
    state = opt.state[id(x)]
    assert len(state["old_dirs"]) == len(state["old_stps"]) == len(state["ro"]) == 2
    for _ in range(10):
        opt.step(closure)
    at_minimum, evals = x.data.copy(), state["func_evals"]
    opt.step(closure)  # |g| <= tolerance_grad: one evaluation, no move
    np.testing.assert_array_equal(x.data, at_minimum)
    assert state["func_evals"] == evals + 1


def test_float32_parameters_stay_float32():
    x = ag.tensor(np.array([-1.2, 1.0], dtype=np.float32), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")
    for _ in range(3):
        opt.step(_rosenbrock_closure(opt, x))
    assert x.dtype == np.float32 and opt.state[id(x)]["d"].dtype == np.float32
    np.testing.assert_allclose(x.data, [1.0, 1.0], atol=1e-3)


def test_state_dict_resumes_exactly(tmp_path):
    from autograd_lite.serialization import load, save

    opt, closure, x = _setup(X0, history_size=3, max_iter=4, line_search_fn="strong_wolfe")
    opt.step(closure)
    save({"x": x(), "opt": opt.state_dict()}, tmp_path / "ckpt.npz")
    opt.step(closure)
    opt.step(closure)

    ckpt = load(tmp_path / "ckpt.npz")
    opt2, closure2, x2 = _setup(
        ckpt["x"], history_size=3, max_iter=4, line_search_fn="strong_wolfe"
    )
    opt2.load_state_dict(ckpt["opt"])
    opt2.step(closure2)
    opt2.step(closure2)
    np.testing.assert_array_equal(x2(), x())

    bad = opt.state_dict()
    bad["state"][0]["d"] = np.zeros(2)
    with pytest.raises(
        ValueError,
        match=r"LBFGS.load_state_dict: state 'd' of parameter 0 has "
        r"shape \(2,\), expected \(3,\)",
    ):
        opt2.load_state_dict(bad)


def test_step_marks_parameters_modified_and_keeps_the_closure_graph_alive():
    x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    opt = optim.LBFGS([x], max_iter=2)
    version = x._version
    loss = opt.step(_rosenbrock_closure(opt, x, retain_graph=True))
    assert x._version > version
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_lbfgs_argument_errors():
    x = ag.tensor(np.ones(2), requires_grad=True)
    y = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="LBFGS: invalid learning rate -1"):
        optim.LBFGS([x], lr=-1)
    with pytest.raises(ValueError, match="LBFGS: max_iter must be >= 1, got 0"):
        optim.LBFGS([x], max_iter=0)
    with pytest.raises(TypeError, match="LBFGS: history_size must be an int, got float 2.5"):
        optim.LBFGS([x], history_size=2.5)
    with pytest.raises(ValueError, match="LBFGS: line_search_fn must be None or 'strong_wolfe'"):
        optim.LBFGS([x], line_search_fn="armijo")
    with pytest.raises(ValueError, match="LBFGS: supports one parameter group only"):
        optim.LBFGS([{"params": [x]}, {"params": [y]}])
    opt = optim.LBFGS([x])
    with pytest.raises(ValueError, match="LBFGS: supports one parameter group only"):
        opt.add_param_group({"params": [y]})
    with pytest.raises(TypeError, match="LBFGS.step: needs a closure"):
        opt.step()
    assert len(opt.param_groups) == 1 and opt.state == {}


def test_a_failing_closure_in_the_line_search_restores_the_parameters():
    x = ag.tensor(np.array([-1.2, 1.0]), requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")
    good = _rosenbrock_closure(opt, x)
    calls = []

    def closure():
        calls.append(1)
        if len(calls) == 2:  # the first trial of the line search
            raise FloatingPointError("diverged")
        return good()

    with pytest.raises(FloatingPointError):
        opt.step(closure)
    np.testing.assert_array_equal(x.data, [-1.2, 1.0])
