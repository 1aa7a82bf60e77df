"""Optimisers: each update against its published rule, computed independently in numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim

# A small quadratic problem: loss(w) = sum(0.5 * A * w**2 + B * w), gradient A * w + B.
A = np.array([[1.0, 2.0, 0.5], [3.0, 0.1, 1.5]])
B = np.array([[0.5, -1.0, 2.0], [0.0, 0.3, -0.7]])
W0 = np.array([[1.0, -2.0, 0.5], [0.3, 1.2, -0.4]])
STEPS = 5


def _run(make_opt, dtype=np.float64, steps=STEPS):
    w = ag.tensor(W0.astype(dtype), requires_grad=True)
    opt = make_opt([w])
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * A.astype(dtype) * w * w + B.astype(dtype) * w).sum().backward()
        opt.step()
    return w


def _grad(w):
    return A * w + B


# ------------------------------------------------------------------------------- references


def sgd_reference(lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    w, buf = W0.copy(), None
    for _ in range(STEPS):
        d = _grad(w) + weight_decay * w
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        w = w - lr * d
    return w


def adam_reference(lr, b1, b2, eps, weight_decay=0.0, decoupled=False, amsgrad=False):
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    v_max = np.zeros_like(W0)
    for t in range(1, STEPS + 1):
        g = _grad(w)
        if decoupled:
            w = w - lr * weight_decay * w
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        # AMSGrad (PyTorch's form): the largest raw v so far, bias-corrected at step t.
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - b1**t)
        v_hat = (v_max if amsgrad else v) / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


def rmsprop_reference(lr, alpha, eps, weight_decay=0.0, momentum=0.0, centered=False):
    w = W0.copy()
    sq, avg_g, buf = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for _ in range(STEPS):
        g = _grad(w) + weight_decay * w
        sq = alpha * sq + (1 - alpha) * g**2
        if centered:
            avg_g = alpha * avg_g + (1 - alpha) * g
            denom = np.sqrt(sq - avg_g**2) + eps
        else:
            denom = np.sqrt(sq) + eps
        if momentum:
            buf = momentum * buf + g / denom
            w = w - lr * buf
        else:
            w = w - lr * g / denom
    return w


def adagrad_reference(lr, lr_decay=0.0, weight_decay=0.0, initial=0.0, eps=1e-10):
    w, s = W0.copy(), np.full_like(W0, initial)
    for t in range(1, STEPS + 1):
        g = _grad(w) + weight_decay * w
        s = s + g**2
        w = w - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s) + eps)
    return w


def adadelta_reference(lr, rho, eps, weight_decay=0.0, sign=1.0):
    w, v, u = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for _ in range(STEPS):
        g = sign * _grad(w) + weight_decay * w
        v = rho * v + (1 - rho) * g**2
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g  # RMS of past steps over RMS of g
        u = rho * u + (1 - rho) * delta**2
        w = w - lr * delta
    return w


def adamax_reference(lr, b1, b2, eps, weight_decay=0.0, sign=1.0):
    w, m, u = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t in range(1, STEPS + 1):
        g = sign * _grad(w) + weight_decay * w
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g) + eps)  # the infinity norm, kept off zero by eps
        w = w - lr / (1 - b1**t) * m / u
    return w


def _adam_family_reference(update, lr, b1, b2, weight_decay, decoupled, sign, steps):
    """The moments shared by NAdam and RAdam; ``update(w, g, m, v, t)`` is their own step."""
    w, m, v = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t in range(1, steps + 1):
        g = sign * _grad(w)
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        w = update(w, g, m, v, t)
    return w


def nadam_reference(lr, b1, b2, eps, weight_decay=0.0, psi=4e-3, decoupled=False, sign=1.0):
    mu = [b1 * (1 - 0.5 * 0.96 ** (t * psi)) for t in range(STEPS + 2)]  # mu[t], t from 1

    def update(w, g, m, v, t):
        # Dozat's Nesterov estimate: next step's momentum on m, this step's on g.
        m_hat = mu[t + 1] * m / (1 - np.prod(mu[1 : t + 2])) + (1 - mu[t]) * g / (
            1 - np.prod(mu[1 : t + 1])
        )
        return w - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)

    return _adam_family_reference(update, lr, b1, b2, weight_decay, decoupled, sign, STEPS)


def radam_reference(lr, b1, b2, eps, weight_decay=0.0, decoupled=False, sign=1.0, steps=STEPS):
    rho_inf = 2 / (1 - b2) - 1

    def update(w, g, m, v, t):
        m_hat = m / (1 - b1**t)
        rho = rho_inf - 2 * t * b2**t / (1 - b2**t)  # the length of the approximated SMA
        if rho <= 5:
            return w - lr * m_hat
        r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
        v_hat = np.sqrt(v / (1 - b2**t))
        return w - lr * m_hat * r / (v_hat + eps * np.sqrt(1 / (1 - b2**t)))

    return _adam_family_reference(update, lr, b1, b2, weight_decay, decoupled, sign, steps)


CASES = [
    ("sgd", lambda p: optim.SGD(p, lr=0.1), lambda: sgd_reference(0.1)),
    (
        "sgd momentum dampening wd",
        lambda p: optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.2, weight_decay=0.1),
        lambda: sgd_reference(0.05, 0.9, 0.2, 0.1),
    ),
    (
        "sgd nesterov",
        lambda p: optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
        lambda: sgd_reference(0.05, 0.8, 0.0, 0.01, True),
    ),
    ("adam", lambda p: optim.Adam(p, lr=0.1), lambda: adam_reference(0.1, 0.9, 0.999, 1e-8)),
    (
        "adam l2",
        lambda p: optim.Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
        lambda: adam_reference(0.05, 0.8, 0.99, 1e-6, 0.1),
    ),
    (
        "adamw",
        lambda p: optim.AdamW(p, lr=0.05, weight_decay=0.2),
        lambda: adam_reference(0.05, 0.9, 0.999, 1e-8, 0.2, decoupled=True),
    ),
    # beta2 = 0.5 lets v fall as the gradient shrinks, so the maximum matters.
    (
        "adam amsgrad",
        lambda p: optim.Adam(p, lr=0.1, betas=(0.9, 0.5), weight_decay=0.1, amsgrad=True),
        lambda: adam_reference(0.1, 0.9, 0.5, 1e-8, 0.1, amsgrad=True),
    ),
    (
        "adamw amsgrad",
        lambda p: optim.AdamW(p, lr=0.1, betas=(0.8, 0.5), weight_decay=0.2, amsgrad=True),
        lambda: adam_reference(0.1, 0.8, 0.5, 1e-8, 0.2, decoupled=True, amsgrad=True),
    ),
    ("rmsprop", lambda p: optim.RMSprop(p, lr=0.01), lambda: rmsprop_reference(0.01, 0.99, 1e-8)),
    (
        "rmsprop centered momentum wd",
        lambda p: optim.RMSprop(
            p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1
        ),
        lambda: rmsprop_reference(0.01, 0.9, 1e-8, 0.1, 0.5, True),
    ),
    ("adagrad", lambda p: optim.Adagrad(p, lr=0.1), lambda: adagrad_reference(0.1)),
    (
        "adagrad decay",
        lambda p: optim.Adagrad(
            p, lr=0.1, lr_decay=0.3, weight_decay=0.05, initial_accumulator_value=0.2, eps=1e-6
        ),
        lambda: adagrad_reference(0.1, 0.3, 0.05, 0.2, 1e-6),
    ),
    ("adadelta", lambda p: optim.Adadelta(p), lambda: adadelta_reference(1.0, 0.9, 1e-6)),
    (
        "adadelta options",
        lambda p: optim.Adadelta(p, lr=0.5, rho=0.7, eps=1e-3, weight_decay=0.1),
        lambda: adadelta_reference(0.5, 0.7, 1e-3, 0.1),
    ),
    (
        "adamax",
        lambda p: optim.Adamax(p, lr=0.1),
        lambda: adamax_reference(0.1, 0.9, 0.999, 1e-8),
    ),
    # beta2 = 0.5 lets the infinity norm fall below the newest |g|: both sides of the max.
    (
        "adamax options",
        lambda p: optim.Adamax(p, lr=0.05, betas=(0.8, 0.5), eps=1e-3, weight_decay=0.1),
        lambda: adamax_reference(0.05, 0.8, 0.5, 1e-3, 0.1),
    ),
    ("nadam", lambda p: optim.NAdam(p, lr=0.1), lambda: nadam_reference(0.1, 0.9, 0.999, 1e-8)),
    (
        "nadam l2 momentum_decay",
        lambda p: optim.NAdam(p, lr=0.05, weight_decay=0.1, momentum_decay=0.3),
        lambda: nadam_reference(0.05, 0.9, 0.999, 1e-8, 0.1, psi=0.3),
    ),
    (
        "nadamw",
        lambda p: optim.NAdam(
            p, lr=0.05, betas=(0.8, 0.9), weight_decay=0.2, decoupled_weight_decay=True
        ),
        lambda: nadam_reference(0.05, 0.8, 0.9, 1e-8, 0.2, decoupled=True),
    ),
    ("radam", lambda p: optim.RAdam(p, lr=0.1), lambda: radam_reference(0.1, 0.9, 0.999, 1e-8)),
    # rho_t < 5 in the first five steps: RAdam's rectified steps are checked below.
    (
        "radam l2",
        lambda p: optim.RAdam(p, lr=0.05, betas=(0.9, 0.5), weight_decay=0.1),
        lambda: radam_reference(0.05, 0.9, 0.5, 1e-8, 0.1),
    ),
    (
        "radam decoupled",
        lambda p: optim.RAdam(
            p, lr=0.05, betas=(0.8, 0.8), weight_decay=0.2, decoupled_weight_decay=True
        ),
        lambda: radam_reference(0.05, 0.8, 0.8, 1e-8, 0.2, decoupled=True),
    ),
]


@pytest.mark.parametrize(
    ("b2", "decoupled", "rectified_from"), [(0.999, False, 6), (0.8, True, 7), (0.5, False, None)]
)
def test_radam_rectifies_once_the_variance_is_tractable(b2, decoupled, rectified_from):
    rho_inf = 2 / (1 - b2) - 1
    rho = [rho_inf - 2 * t * b2**t / (1 - b2**t) for t in range(1, 9)]
    first = next((t for t, r in enumerate(rho, 1) if r > 5), None)
    assert first == rectified_from  # the run below covers both branches (or, b2 = 0.5, one)
    make = lambda p: optim.RAdam(  # noqa: E731
        p, lr=0.05, betas=(0.9, b2), weight_decay=0.1, decoupled_weight_decay=decoupled
    )
    want = radam_reference(0.05, 0.9, b2, 1e-8, 0.1, decoupled=decoupled, steps=8)
    np.testing.assert_allclose(_run(make, steps=8).data, want, rtol=1e-12, atol=1e-14)


MAXIMIZE_CASES = [
    (
        lambda p: optim.Adadelta(p, lr=0.5, weight_decay=0.1, maximize=True),
        lambda: adadelta_reference(0.5, 0.9, 1e-6, 0.1, sign=-1.0),
    ),
    (
        lambda p: optim.Adamax(p, lr=0.05, weight_decay=0.1, maximize=True),
        lambda: adamax_reference(0.05, 0.9, 0.999, 1e-8, 0.1, sign=-1.0),
    ),
    (
        lambda p: optim.NAdam(p, lr=0.05, weight_decay=0.1, maximize=True),
        lambda: nadam_reference(0.05, 0.9, 0.999, 1e-8, 0.1, sign=-1.0),
    ),
    (
        lambda p: optim.RAdam(p, lr=0.05, betas=(0.8, 0.8), maximize=True),
        lambda: radam_reference(0.05, 0.8, 0.8, 1e-8, sign=-1.0),
    ),
]


@pytest.mark.parametrize(("make_opt", "reference"), MAXIMIZE_CASES)
def test_maximize_ascends_the_gradient(make_opt, reference):
    w = _run(make_opt)
    np.testing.assert_allclose(w.data, reference(), rtol=1e-12, atol=1e-14)
    w_min = _run(lambda p: make_opt([{"params": p, "maximize": False}]))
    loss = lambda v: (0.5 * A * v * v + B * v).sum()  # noqa: E731
    assert loss(w.data) > loss(W0) > loss(w_min.data)


@pytest.mark.parametrize(
    ("make_opt", "reference"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_update_matches_the_published_rule(make_opt, reference):
    w = _run(make_opt)
    np.testing.assert_allclose(w.data, reference(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("make_opt", "reference"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_float32_parameters_stay_float32(make_opt, reference):
    w = _run(make_opt, dtype=np.float32)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w.data, reference(), rtol=1e-4, atol=1e-5)


def test_first_adam_step_moves_each_entry_by_about_lr():
    w = _run(lambda p: optim.Adam(p, lr=0.01), steps=1)
    np.testing.assert_allclose(np.abs(w.data - W0), 0.01, rtol=1e-5)


def test_amsgrad_keeps_the_running_maximum_and_differs_from_adam():
    plain = adam_reference(0.1, 0.9, 0.5, 1e-8, 0.1)
    amsgrad = adam_reference(0.1, 0.9, 0.5, 1e-8, 0.1, amsgrad=True)
    assert np.abs(plain - amsgrad).max() > 1e-3  # the test case exercises the maximum
    w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    opt = optim.AdamW([w], lr=0.01, betas=(0.9, 0.5), amsgrad=True)
    assert opt.param_groups[0]["amsgrad"] is True and optim.Adam([w]).defaults["amsgrad"] is False
    highest = np.zeros(2)
    for scale in (4.0, 1.0, 2.0):
        opt.zero_grad()
        (w * scale).sum().backward()
        opt.step()
        st = opt.state[id(w)]
        highest = np.maximum(highest, st["exp_avg_sq"])
        np.testing.assert_array_equal(st["max_exp_avg_sq"], highest)
    assert st["max_exp_avg_sq"][0] > st["exp_avg_sq"][0]


def test_numpy_scalar_options_do_not_upcast_float32():
    w = _run(lambda p: optim.SGD(p, lr=np.float64(0.1), momentum=np.float64(0.5)), np.float32)
    assert w.dtype == np.float32


# ------------------------------------------------------------------------------- groups


def test_parameter_groups_have_their_own_options():
    w1 = ag.tensor(np.ones(2), requires_grad=True)
    w2 = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([{"params": [w1]}, {"params": w2, "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9 and opt.param_groups[0]["momentum"] == 0.0
    ((w1 + w2) * 2.0).sum().backward()
    opt.step()
    np.testing.assert_allclose(w1.data, 1 - 0.1 * 2)
    np.testing.assert_allclose(w2.data, 1 - 0.5 * 2)
    w3 = ag.tensor(np.ones(1), requires_grad=True)
    opt.add_param_group({"params": [w3], "lr": 0.01})
    assert len(opt.param_groups) == 3 and opt.param_groups[2]["momentum"] == 0.0


def test_parameters_without_gradients_are_skipped():
    used = ag.tensor(np.ones(2), requires_grad=True)
    unused = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.Adam([used, unused], lr=0.1)
    (used * 3.0).sum().backward()
    version = unused._version
    opt.step()
    np.testing.assert_array_equal(unused.data, np.ones(2))
    assert unused._version == version and used._version > 0
    assert id(unused) not in opt.state and opt.state[id(used)]["step"] == 1


def test_zero_grad_and_closure():
    w = ag.tensor(np.array([2.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ag.no_grad():  # the closure still records its graph
        loss = opt.step(closure)
    assert loss.item() == 4.0
    np.testing.assert_allclose(w.data, [1.0])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad.data, [0.0])
    opt.zero_grad()
    assert w.grad is None


def test_module_parameters_train_with_every_optimiser():
    x = np.random.default_rng(0).normal(size=(32, 4))
    y = (x[:, 0] - x[:, 1] > 0).astype(np.int64)
    for _, make_opt, _ in CASES:
        model = nn.Sequential(nn.Linear(4, 8, rng=0), nn.Tanh(), nn.Linear(8, 2, rng=1))
        opt = make_opt(model.parameters())
        losses = []
        for _ in range(20):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x.astype(np.float32)), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[-1] < losses[0], type(opt).__name__


# ------------------------------------------------------------------------------- state dicts


@pytest.mark.parametrize(
    ("make_opt", "reference"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_state_dict_resumes_training_exactly(make_opt, reference, tmp_path):
    from autograd_lite.serialization import load, save

    def step(w, opt):
        opt.zero_grad()
        (0.5 * A * w * w + B * w).sum().backward()
        opt.step()

    w = ag.tensor(W0, requires_grad=True)
    opt = make_opt([w])
    for _ in range(2):
        step(w, opt)
    save({"w": w.data, "opt": opt.state_dict()}, tmp_path / "ckpt.npz")
    for _ in range(3):
        step(w, opt)

    ckpt = load(tmp_path / "ckpt.npz")
    w2 = ag.tensor(ckpt["w"], requires_grad=True)
    opt2 = make_opt([w2])
    opt2.load_state_dict(ckpt["opt"])
    for _ in range(3):
        step(w2, opt2)
    np.testing.assert_array_equal(w2.data, w.data)
    np.testing.assert_array_equal(w.data, _run(make_opt).data)


def test_state_dict_is_a_copy_and_numbers_parameters_in_group_order():
    a = ag.tensor(np.ones(2), requires_grad=True)
    b = ag.tensor(np.ones(3), requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.9)
    (a.sum() + b.sum()).backward()
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.5
    np.testing.assert_array_equal(sd["state"][1]["momentum_buffer"], np.ones(3))
    sd["state"][1]["momentum_buffer"][...] = 7.0
    assert not np.any(opt.state[id(b)]["momentum_buffer"] == 7.0)


def test_load_state_dict_errors_change_nothing():
    w = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([w], lr=0.1, momentum=0.9)
    good = opt.state_dict()
    with pytest.raises(ValueError, match=r"SGD.load_state_dict: parameter group sizes \[2\]"):
        opt.load_state_dict(
            {"state": {}, "param_groups": [{**good["param_groups"][0], "params": [0, 1]}]}
        )
    bad_state = {
        "state": {0: {"momentum_buffer": np.zeros(5)}},
        "param_groups": good["param_groups"],
    }
    with pytest.raises(
        ValueError, match=r"state 'momentum_buffer' of parameter 0 has shape \(5,\)"
    ):
        opt.load_state_dict(bad_state)
    bad_lr = {"state": {}, "param_groups": [{**good["param_groups"][0], "lr": -1.0}]}
    with pytest.raises(ValueError, match="SGD: invalid learning rate -1.0"):
        opt.load_state_dict(bad_lr)
    with pytest.raises(ValueError, match="expected a dict with 'state' and 'param_groups'"):
        opt.load_state_dict({"param_groups": []})
    assert opt.param_groups[0]["lr"] == 0.1 and opt.state == {}


# ------------------------------------------------------------------------------- errors


def test_constructor_errors():
    w = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match="SGD: got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match=r"must be a leaf Tensor \(made by the user"):
        optim.SGD([w * 2.0], lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD({w}, lr=0.1)
    with pytest.raises(TypeError, match="not a set"):
        optim.SGD([{"params": {w}}], lr=0.1)
    with pytest.raises(TypeError, match=r"params\[0\] is a ndarray, expected a Tensor"):
        optim.SGD([np.ones(2)], lr=0.1)
    with pytest.raises(ValueError, match="a parameter appears in more than one place"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)
    with pytest.raises(ValueError, match=r"unknown option\(s\) \['betas'\]"):
        optim.SGD([{"params": [w], "betas": (0.9, 0.9)}], lr=0.1)
    with pytest.raises(ValueError, match="SGD: invalid learning rate -0.1"):
        optim.SGD([w], lr=-0.1)
    with pytest.raises(ValueError, match="Nesterov momentum needs momentum > 0 and dampening = 0"):
        optim.SGD([w], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"Adam: betas must be two numbers in \[0, 1\)"):
        optim.Adam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="RMSprop: invalid alpha -0.5"):
        optim.RMSprop([w], alpha=-0.5)
    with pytest.raises(ValueError, match="Adagrad: invalid lr_decay -1"):
        optim.Adagrad([w], lr_decay=-1)


def test_step_marks_updated_parameters_as_modified():
    w = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    (w * 2.0).sum().backward()
    before = w._version
    opt.step()
    assert w._version > before


def test_backward_after_a_step_on_a_parameter_the_graph_used_raises():
    w = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.SGD([w], lr=0.1)
    loss = (w * w).sum()
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_repr_lists_groups():
    w = ag.tensor(np.ones(2), requires_grad=True)
    text = repr(optim.SGD([w], lr=0.1))
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1\n" in text
    assert math.isfinite(0.1)


def test_frozen_parameters_are_accepted_and_left_alone():
    """As in PyTorch: freezing a layer and passing model.parameters() just skips it."""
    model = nn.Linear(2, 2, dtype=np.float64)
    model.weight.requires_grad = False
    before = model.weight.data.copy()
    opt = optim.SGD(model.parameters(), lr=0.1)
    model(ag.tensor(np.ones((3, 2)))).sum().backward()
    opt.step()
    np.testing.assert_array_equal(model.weight.data, before)
    assert model.weight.grad is None and model.bias.grad is not None


def test_zero_grad_in_place_detaches_a_gradient_built_with_create_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)  # x.grad = 3 x^2, differentiable
    grad_tensor = x.grad
    ag.optim.SGD([x], lr=0.1).zero_grad(set_to_none=False)
    assert x.grad is grad_tensor and x.grad.op is None and not x.grad.requires_grad
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    (x**3).sum().backward(create_graph=True)
    (d2,) = ag.grad(x.grad.sum(), x)  # only the second pass's graph: 6 x
    np.testing.assert_allclose(d2.data, [6.0, 12.0])


def test_sgd_without_momentum_keeps_no_state_even_with_weight_decay():
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    opt = ag.optim.SGD([w], lr=0.1, weight_decay=0.5)
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.data, [1.0 - 0.1 * (2.0 + 0.5), -2.0 - 0.1 * (-4.0 - 1.0)])
    assert opt.state_dict()["state"] == {}  # as torch.optim.SGD: no buffer without momentum


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("Adadelta", {"lr": -1.0}, "invalid learning rate -1.0"),
        ("Adadelta", {"rho": 1.5}, r"invalid rho 1.5, expected in \[0, 1\]"),
        ("Adadelta", {"eps": -1e-6}, "invalid eps -1e-06, expected >= 0"),
        (
            "Adamax",
            {"betas": (0.9, 1.0)},
            r"betas must be two numbers in \[0, 1\), got \(0.9, 1.0\)",
        ),
        ("Adamax", {"weight_decay": -0.1}, "invalid weight_decay -0.1"),
        ("NAdam", {"betas": (-0.1, 0.9)}, r"betas must be two numbers in \[0, 1\)"),
        ("NAdam", {"momentum_decay": -1.0}, "invalid momentum_decay -1.0"),
        ("RAdam", {"betas": (0.9,)}, r"betas must be two numbers in \[0, 1\), got \(0.9,\)"),
        ("RAdam", {"lr": -0.5}, "invalid learning rate -0.5"),
        ("Adam", {"betas": 0.9}, r"betas must be two numbers in \[0, 1\), got 0.9"),
    ],
)
def test_new_optimiser_argument_errors(name, options, message):
    w = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ValueError, match=f"{name}: {message}"):
        getattr(optim, name)([w], **options)


def test_a_bad_option_in_a_later_group_changes_nothing():
    a = ag.tensor(np.ones(2), requires_grad=True)
    b = ag.tensor(np.ones(2), requires_grad=True)
    opt = optim.NAdam([a], lr=0.1)
    with pytest.raises(ValueError, match=r"NAdam: betas must be two numbers in \[0, 1\)"):
        opt.add_param_group({"params": [b], "betas": (0.9, 1.5)})
    assert len(opt.param_groups) == 1 and opt.state == {}
