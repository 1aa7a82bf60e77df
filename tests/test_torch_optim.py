"""Optimisers and learning-rate schedulers against PyTorch's, step by step, in float64.

The same parameters, losses, parameter groups and options go through both libraries;
the parameters, the optimiser states and every learning rate (and momentum) must agree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite as ag  # noqa: E402
from autograd_lite import optim  # noqa: E402
from autograd_lite.optim import lr_scheduler as S  # noqa: E402

T = torch.optim.lr_scheduler
RTOL = 1e-11

rng = np.random.default_rng(7)
W0, B0 = rng.normal(size=(3, 4)), rng.normal(size=4)
A, C = rng.uniform(0.5, 2.0, size=(3, 4)), rng.normal(size=(3, 4))


@pytest.fixture(autouse=True)
def torch_float64():
    # PyTorch keeps step counts and NAdam's mu_product in the default dtype: float64 too.
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def _loss(w, b, sign):
    """sum(A w^2 / 2 + C w + w b) + sum(b^4) / 4, in either library (w: (3, 4), b: (4,))."""
    a, c = (torch.tensor(A), torch.tensor(C)) if torch.is_tensor(w) else (A, C)
    return sign * ((0.5 * a * w * w + c * w + w * b).sum() + 0.25 * (b**4).sum())


def _groups(w, b, group_options):
    return [{"params": [w]}, {"params": [b], **group_options}]


# (optimiser, options, options of the second group): each runs 20 steps in both libraries.
OPTIMISERS = [
    ("Adadelta", {}, {"lr": 0.5}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}, {"rho": 0.95}),
    ("Adadelta", {"maximize": True, "weight_decay": 0.05}, {}),
    ("Adamax", {"lr": 0.05}, {"lr": 0.02}),
    ("Adamax", {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.1}, {}),
    ("Adamax", {"lr": 0.05, "maximize": True}, {"weight_decay": 0.2}),
    ("NAdam", {"lr": 0.05}, {"lr": 0.02}),
    ("NAdam", {"lr": 0.05, "momentum_decay": 0.01, "weight_decay": 0.1}, {"betas": (0.8, 0.9)}),
    ("NAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, {}),
    ("NAdam", {"lr": 0.05, "maximize": True}, {"eps": 1e-3}),
    ("RAdam", {"lr": 0.05}, {"lr": 0.02}),
    ("RAdam", {"lr": 0.05, "betas": (0.9, 0.99), "weight_decay": 0.1}, {"betas": (0.5, 0.9)}),
    ("RAdam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}, {}),
    ("RAdam", {"lr": 0.05, "maximize": True}, {"eps": 1e-3}),
    # The optimisers that were there before, on the same footing.
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.1}, {}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}, {"lr": 0.01}),
    ("Adam", {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True}, {"betas": (0.8, 0.5)}),
    ("AdamW", {"lr": 0.05, "betas": (0.8, 0.9)}, {"weight_decay": 0.3}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.1}, {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "initial_accumulator_value": 0.2}, {}),
]


@pytest.mark.parametrize(
    ("name", "options", "group_options"),
    OPTIMISERS,
    ids=[f"{o[0]}-{i}" for i, o in enumerate(OPTIMISERS)],
)
def test_optimiser_matches_pytorch(name, options, group_options):
    sign = -1.0 if options.get("maximize") else 1.0  # maximize the negated loss: still bounded
    w, b = ag.tensor(W0, requires_grad=True), ag.tensor(B0, requires_grad=True)
    tw, tb = torch.tensor(W0, requires_grad=True), torch.tensor(B0, requires_grad=True)
    ours = getattr(optim, name)(_groups(w, b, group_options), **options)
    theirs = getattr(torch.optim, name)(_groups(tw, tb, group_options), **options)
    for step in range(20):
        if step == 10:  # options are read from the groups at every step
            for opt in (ours, theirs):
                opt.param_groups[0]["lr"] *= 0.5
        for opt, (p, q) in ((ours, (w, b)), (theirs, (tw, tb))):
            opt.zero_grad()
            _loss(p, q, sign).backward()
            opt.step()
        np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=RTOL, atol=1e-13)
        np.testing.assert_allclose(b.data, tb.detach().numpy(), rtol=RTOL, atol=1e-13)
    _assert_same_state(ours, theirs, [w, b], [tw, tb])


def _assert_same_state(ours, theirs, params, torch_params):
    """The same state entries (names and values) per parameter, and group options that
    are a subset of PyTorch's (which adds foreach, capturable, ...)."""
    for p, tp in zip(params, torch_params):
        mine, want = ours.state.get(id(p), {}), theirs.state[tp]
        assert set(mine) == set(want)
        for key, value in want.items():
            value = value.detach().numpy() if torch.is_tensor(value) else value
            np.testing.assert_allclose(mine[key], value, rtol=RTOL, atol=1e-13, err_msg=key)
    for group, torch_group in zip(ours.param_groups, theirs.param_groups):
        assert set(group) <= set(torch_group)
        for key in set(group) - {"params"}:
            assert group[key] == pytest.approx(torch_group[key], rel=1e-15), key


def test_optimiser_state_dict_loaded_from_pytorch_layout_resumes_identically():
    """A state_dict keeps PyTorch's names: our state, reloaded, continues as PyTorch does."""
    w, tw = ag.tensor(W0, requires_grad=True), torch.tensor(W0, requires_grad=True)
    b, tb = ag.tensor(B0, requires_grad=True), torch.tensor(B0, requires_grad=True)
    ours, theirs = optim.NAdam([w, b], lr=0.05), torch.optim.NAdam([tw, tb], lr=0.05)
    for step in range(12):
        if step == 5:
            ours_state = ours.state_dict()
            ours = optim.NAdam([w, b], lr=0.05)
            ours.load_state_dict(ours_state)
        for opt, (p, q) in ((ours, (w, b)), (theirs, (tw, tb))):
            opt.zero_grad()
            _loss(p, q, 1.0).backward()
            opt.step()
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=RTOL)
    torch_keys = set(theirs.state_dict()["state"][0])
    assert set(ours.state_dict()["state"][0]) == torch_keys


# ------------------------------------------------------------------------------------- LBFGS


def rosenbrock(x, y):
    """The n-dimensional Rosenbrock function of the concatenation of x (3,) and y (2, 2)."""
    lib = torch if torch.is_tensor(x) else ag
    v = lib.concatenate([x, y.reshape(-1)]) if lib is ag else torch.cat([x, y.reshape(-1)])
    return (100.0 * (v[1:] - v[:-1] ** 2) ** 2 + (1.0 - v[:-1]) ** 2).sum()


X = rng.normal(size=(20, 3))
Y = X @ rng.normal(size=(3, 2)) + 0.1 * rng.normal(size=(20, 2)) + 0.5


def least_squares(w, b):
    """Mean squared error of a linear model (w: (3, 2), b: (2,)) on fixed data."""
    x, y = (torch.tensor(X), torch.tensor(Y)) if torch.is_tensor(w) else (X, Y)
    r = x @ w + b - y
    return (r * r).mean()


PROBLEMS = {
    "rosenbrock": (rosenbrock, [np.array([-1.2, 1.0, -0.5]), np.array([[0.3, 0.8], [1.1, 0.9]])]),
    "least_squares": (least_squares, [np.zeros((3, 2)), np.zeros(2)]),
}


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize(
    "options",
    [
        {"line_search_fn": "strong_wolfe"},
        {"line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 7},
        {"lr": 0.2, "max_iter": 6},
        {"lr": 0.1, "history_size": 2, "max_iter": 5, "max_eval": 4},
    ],
    ids=["wolfe", "wolfe-short-history", "fixed-step", "fixed-step-few-evals"],
)
def test_lbfgs_iterates_match_pytorch(problem, options):
    fn, start = PROBLEMS[problem]
    ours = [ag.tensor(v.copy(), requires_grad=True) for v in start]
    theirs = [torch.tensor(v.copy(), requires_grad=True) for v in start]
    opt, topt = optim.LBFGS(ours, **options), torch.optim.LBFGS(theirs, **options)

    def closure(opt, params):
        def run():
            opt.zero_grad()
            loss = fn(*params)
            loss.backward()
            return loss

        return run

    for _ in range(4):
        loss = opt.step(closure(opt, ours))
        tloss = topt.step(closure(topt, theirs))
        assert loss.item() == pytest.approx(tloss.item(), rel=1e-9, abs=1e-300)
        for p, tp in zip(ours, theirs):
            assert np.isfinite(p.data).all()
            np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-9, atol=1e-12)
        st, tst = opt.state[id(ours[0])], topt.state[theirs[0]]
        assert (st["func_evals"], st["n_iter"]) == (tst["func_evals"], tst["n_iter"])
        assert len(st["old_dirs"]) == len(tst["old_dirs"])
    if "strong_wolfe" in options.values() and problem == "least_squares":
        assert float(fn(*ours)) < float(fn(*[ag.tensor(v) for v in start])) / 10


# --------------------------------------------------------------------------------- schedulers


def _optimisers(kind="SGD"):
    """Our optimiser and PyTorch's, each with two groups (lr 0.1 and 0.02)."""
    options = {"momentum": 0.9} if kind == "SGD" else {}
    pair = []
    for lib, make in ((optim, ag.tensor), (torch.optim, torch.tensor)):
        groups = [
            {"params": [make(np.zeros(2), requires_grad=True)], "lr": 0.1},
            {"params": [make(np.zeros(3), requires_grad=True)], "lr": 0.02},
        ]
        pair.append(getattr(lib, kind)(groups, lr=1.0, **options))
    return pair


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]


def _assert_same_schedule(ours, theirs, steps, step=lambda s, i: s.step()):
    """Step both schedulers; the rates (and momenta) agree at every step."""
    for i in range(steps + 1):
        if i:
            ours.optimizer.step()
            theirs.optimizer.step()
            step(ours, i)
            step(theirs, i)
        want = [float(lr) for lr in theirs.get_last_lr()]
        assert ours.get_last_lr() == pytest.approx(want, rel=1e-12, abs=1e-300), i
        groups = [float(g["lr"]) for g in theirs.optimizer.param_groups]
        assert [g["lr"] for g in ours.optimizer.param_groups] == pytest.approx(groups, rel=1e-12)
        assert _momenta(ours.optimizer) == pytest.approx(_momenta(theirs.optimizer), rel=1e-12)


# Each builds a scheduler from a module (ours or PyTorch's) and an optimiser.
SCHEDULES = {
    "step": lambda L, o: L.StepLR(o, step_size=3, gamma=0.5),
    "exponential": lambda L, o: L.ExponentialLR(o, gamma=0.8),
    "cosine": lambda L, o: L.CosineAnnealingLR(o, T_max=6),
    "cosine-eta_min-past-T_max": lambda L, o: L.CosineAnnealingLR(o, T_max=5, eta_min=0.001),
    "multistep": lambda L, o: L.MultiStepLR(o, milestones=[3, 7, 7, 12], gamma=0.5),
    "multistep-at-0": lambda L, o: L.MultiStepLR(o, milestones=[0, 4]),
    "lambda": lambda L, o: L.LambdaLR(o, [lambda e: 0.9**e, lambda e: 1 / (1 + e)]),
    "multiplicative": lambda L, o: L.MultiplicativeLR(o, lambda e: 0.95 if e % 2 else 0.9),
    "linear": lambda L, o: L.LinearLR(o),
    "linear-down": lambda L, o: L.LinearLR(o, start_factor=0.9, end_factor=0.1, total_iters=7),
    "linear-to-0": lambda L, o: L.LinearLR(o, start_factor=0.5, end_factor=0.0, total_iters=4),
    "constant": lambda L, o: L.ConstantLR(o),
    "constant-0.4": lambda L, o: L.ConstantLR(o, factor=0.4, total_iters=6),
    "warm-restarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3),
    "warm-restarts-T_mult": lambda L, o: L.CosineAnnealingWarmRestarts(
        o, T_0=2, T_mult=2, eta_min=0.001
    ),
    "warm-restarts-T_mult-3": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=1, T_mult=3),
    "one-cycle": lambda L, o: L.OneCycleLR(o, max_lr=[0.5, 0.2], total_steps=25),
    "one-cycle-linear": lambda L, o: L.OneCycleLR(
        o, max_lr=0.5, total_steps=25, anneal_strategy="linear", pct_start=0.4
    ),
    "one-cycle-three-phase": lambda L, o: L.OneCycleLR(
        o, max_lr=0.5, epochs=5, steps_per_epoch=5, three_phase=True, div_factor=10.0
    ),
    "one-cycle-three-phase-linear": lambda L, o: L.OneCycleLR(
        o,
        max_lr=[0.5, 0.3],
        total_steps=25,
        three_phase=True,
        anneal_strategy="linear",
        base_momentum=[0.8, 0.7],
        max_momentum=0.9,
        final_div_factor=100.0,
    ),
    "one-cycle-no-momentum": lambda L, o: L.OneCycleLR(
        o, max_lr=0.5, total_steps=25, cycle_momentum=False
    ),
    "sequential": lambda L, o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.1, total_iters=4), L.CosineAnnealingLR(o, T_max=8)], [5]
    ),
    "sequential-three": lambda L, o: L.SequentialLR(
        o,
        [L.ConstantLR(o, factor=0.5), L.ExponentialLR(o, gamma=0.9), L.StepLR(o, 2)],
        milestones=[3, 8],
    ),
    "sequential-multiplicative": lambda L, o: L.SequentialLR(
        o, [L.ExponentialLR(o, 0.9), L.MultiplicativeLR(o, lambda e: 0.8 + 0.01 * e)], [4]
    ),
    "sequential-lambda-restarts": lambda L, o: L.SequentialLR(
        o,
        [L.LambdaLR(o, lambda e: 1 + e), L.CosineAnnealingWarmRestarts(o, 3), L.LinearLR(o)],
        [3, 10],
    ),
    "sequential-one-cycle": lambda L, o: L.SequentialLR(
        o, [L.ConstantLR(o), L.OneCycleLR(o, max_lr=0.3, total_steps=20)], [6]
    ),
    "chained": lambda L, o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.1, total_iters=2), L.ExponentialLR(o, gamma=0.9)]
    ),
    "chained-warmup-cosine": lambda L, o: L.ChainedScheduler(
        [L.LinearLR(o, start_factor=0.2, total_iters=4), L.CosineAnnealingLR(o, T_max=5)]
    ),
    "chained-step-multistep-multiplicative": lambda L, o: L.ChainedScheduler(
        [L.StepLR(o, 4), L.MultiStepLR(o, [2, 9]), L.MultiplicativeLR(o, lambda e: 0.97)], o
    ),
    "chained-lambda-overrides": lambda L, o: L.ChainedScheduler(
        [L.ExponentialLR(o, 0.5), L.LambdaLR(o, lambda e: 0.9**e), L.StepLR(o, 3)]
    ),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_pytorch(name):
    ours, theirs = _optimisers()
    make = SCHEDULES[name]
    _assert_same_schedule(make(S, ours), make(T, theirs), steps=25)


@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_cycles_adam_beta1_as_pytorch(three_phase):
    ours, theirs = _optimisers("Adam")
    make = lambda L, o: L.OneCycleLR(o, [0.1, 0.05], total_steps=12, three_phase=three_phase)  # noqa: E731
    _assert_same_schedule(make(S, ours), make(T, theirs), steps=12)
    assert ours.param_groups[0]["betas"][1] == 0.999


def test_warm_restarts_with_fractional_epochs_match_pytorch():
    ours, theirs = _optimisers()
    make = lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.01)  # noqa: E731
    epochs = [0.25, 0.5, 1.75, 2.0, 3.5, 5.9, 6.0, 6.1, 13.99, 14.0, 31.0, 4.0, 0.0, 100.5]
    _assert_same_schedule(
        make(S, ours), make(T, theirs), len(epochs), lambda s, i: s.step(epochs[i - 1])
    )


METRICS = [1.0, 0.9, 0.9, 0.95, 0.89991, 0.8999, 0.8, 0.8, 0.8, 0.8, 0.81, 0.7, 0.7, 0.7, 0.7]
METRICS = METRICS + [0.6, 0.6000001, 0.65, 0.59, 0.59, 0.59, 0.59, 0.3, 0.3, 0.3, 0.3]

PLATEAUS = {
    "patience-3": {"patience": 3},
    "patience-1-factor-0.5": {"patience": 1, "factor": 0.5},
    "abs-threshold": {"patience": 1, "threshold": 0.05, "threshold_mode": "abs"},
    "rel-threshold-cooldown": {"patience": 0, "threshold": 0.05, "cooldown": 2},
    "max-mode": {"mode": "max", "patience": 1, "factor": 0.5},
    "max-abs": {"mode": "max", "threshold_mode": "abs", "threshold": 0.02, "patience": 1},
    "min_lr-list": {"patience": 0, "factor": 0.2, "min_lr": [0.01, 0.001]},
    "min_lr-eps": {"patience": 0, "factor": 0.5, "min_lr": 0.015, "eps": 1e-3},
}


@pytest.mark.parametrize("name", sorted(PLATEAUS))
def test_reduce_lr_on_plateau_matches_pytorch(name):
    ours, theirs = _optimisers()
    options = PLATEAUS[name]
    # In max mode the metrics rise: 2 - m, positive (a relative threshold scales |best|).
    metrics = [2.0 - m for m in METRICS] if options.get("mode") == "max" else METRICS
    make = lambda L, o: L.ReduceLROnPlateau(o, **options)  # noqa: E731
    a, b = make(S, ours), make(T, theirs)
    _assert_same_schedule(a, b, len(metrics), lambda s, i: s.step(metrics[i - 1]))
    for key in ("best", "num_bad_epochs", "cooldown_counter", "last_epoch"):
        assert getattr(a, key) == getattr(b, key), key
    assert a.get_last_lr() != [0.1, 0.02]  # the metrics did cause reductions


def test_plateau_and_step_schedules_share_an_optimiser_as_in_pytorch():
    ours, theirs = _optimisers()
    pairs = [
        (L.ReduceLROnPlateau(o, patience=1, factor=0.5), L.StepLR(o, 4, gamma=0.8))
        for L, o in ((S, ours), (T, theirs))
    ]
    for epoch, metric in enumerate(METRICS):
        for plateau, step in pairs:
            plateau.optimizer.step()
            step.step()
            plateau.step(metric)
        want = [float(g["lr"]) for g in theirs.param_groups]
        assert [g["lr"] for g in ours.param_groups] == pytest.approx(want, rel=1e-12), epoch


def test_a_rate_set_by_hand_carries_on_as_in_pytorch():
    ours, theirs = _optimisers()
    make = lambda L, o: L.CosineAnnealingLR(o, T_max=10, eta_min=0.001)  # noqa: E731
    scheds = [make(S, ours), make(T, theirs)]
    for i in range(12):
        for s in scheds:
            if i == 4:
                s.optimizer.param_groups[1]["lr"] = 0.05
            s.optimizer.step()
            s.step()
        assert scheds[0].get_last_lr() == pytest.approx(scheds[1].get_last_lr(), rel=1e-12)


@pytest.mark.parametrize("name", ["multistep", "lambda", "one-cycle", "warm-restarts-T_mult"])
def test_scheduler_state_dict_keeps_pytorch_entries(name):
    ours, theirs = _optimisers()
    a, b = SCHEDULES[name](S, ours), SCHEDULES[name](T, theirs)
    for _ in range(4):
        a.optimizer.step()
        b.optimizer.step()
        a.step()
        b.step()
    mine, want = a.state_dict(), b.state_dict()
    # PyTorch's bookkeeping of its own call-order warnings is not state.
    private = {"_step_count", "_is_initial", "_get_lr_called_within_step"}
    assert set(mine) == set(want) - private
    for key in set(mine) - {"milestones", "_schedule_phases"}:
        assert mine[key] == pytest.approx(want[key]), key
    if name == "multistep":
        assert mine["milestones"] == sorted(want["milestones"].elements())
    if name == "one-cycle":
        assert mine["_schedule_phases"] == want["_schedule_phases"]


def test_one_cycle_refuses_to_step_past_total_steps_as_pytorch():
    ours, theirs = _optimisers()
    a = S.OneCycleLR(ours, max_lr=0.5, total_steps=3)
    b = T.OneCycleLR(theirs, max_lr=0.5, total_steps=3)
    for s in (a, b):
        for _ in range(3):
            s.optimizer.step()
            s.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        b.step()
    with pytest.raises(ValueError, match="OneCycleLR: tried to step 4 times, but total_steps is 3"):
        a.step()
    assert a.last_epoch == 3 and math.isclose(a.get_last_lr()[0], b.get_last_lr()[0])
