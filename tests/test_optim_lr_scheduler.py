"""Learning-rate schedulers against their closed forms (PyTorch's formulas), by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import optim
from autograd_lite.optim.lr_scheduler import (
    ChainedScheduler,
    ConstantLR,
    CosineAnnealingLR,
    CosineAnnealingWarmRestarts,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)


def _optimizer(lrs=(0.1, 0.02)):
    groups = [{"params": [ag.tensor(np.zeros(1), requires_grad=True)], "lr": lr} for lr in lrs]
    return optim.SGD(groups, lr=1.0)


def _trace(sched, epochs):
    lrs = []
    for _ in range(epochs):
        lrs.append(sched.get_last_lr())
        assert [g["lr"] for g in sched.optimizer.param_groups] == lrs[-1]
        sched.optimizer.step()
        sched.step()
    return lrs


@pytest.mark.parametrize(
    ("make", "formula"),
    [
        (lambda o: StepLR(o, step_size=3, gamma=0.5), lambda base, e: base * 0.5 ** (e // 3)),
        (lambda o: ExponentialLR(o, gamma=0.9), lambda base, e: base * 0.9**e),
        (
            lambda o: CosineAnnealingLR(o, T_max=6, eta_min=0.001),
            lambda base, e: 0.001 + (base - 0.001) * (1 + math.cos(math.pi * e / 6)) / 2,
        ),
        (
            lambda o: MultiStepLR(o, milestones=[2, 5, 5, 8], gamma=0.5),
            lambda base, e: base * 0.5 ** sum(m <= e for m in [2, 5, 5, 8]),
        ),
        (
            lambda o: LambdaLR(o, lr_lambda=lambda e: 1.0 / (1.0 + e) + 0.1 * (e % 3)),
            lambda base, e: base * (1.0 / (1.0 + e) + 0.1 * (e % 3)),
        ),
        (
            lambda o: MultiplicativeLR(o, lr_lambda=lambda e: 0.9 if e % 2 else 0.8),
            lambda base, e: base * math.prod(0.9 if i % 2 else 0.8 for i in range(1, e + 1)),
        ),
        (
            lambda o: LinearLR(o, start_factor=0.2, end_factor=0.8, total_iters=6),
            lambda base, e: base * (0.2 + 0.6 * min(e, 6) / 6),
        ),
        (
            lambda o: ConstantLR(o, factor=0.3, total_iters=4),
            lambda b, e: b * (0.3 if e < 4 else 1),
        ),
        (lambda o: ConstantLR(o, factor=0.0, total_iters=2), lambda b, e: b * (e >= 2)),
    ],
    ids=[
        "step",
        "exponential",
        "cosine",
        "multistep",
        "lambda",
        "multiplicative",
        "linear",
        "constant",
        "constant-zero",
    ],
)
def test_schedules_follow_their_formulas(make, formula):
    sched = make(_optimizer())
    lrs = _trace(sched, 10)
    for epoch, got in enumerate(lrs):
        want = [formula(base, epoch) for base in (0.1, 0.02)]
        assert got == pytest.approx(want, rel=1e-12)


def test_cosine_reaches_eta_min_at_t_max():
    sched = CosineAnnealingLR(_optimizer((1.0,)), T_max=4, eta_min=0.1)
    assert _trace(sched, 5)[4] == pytest.approx([0.1])


def test_state_dict_round_trip_resumes_the_schedule():
    opt = _optimizer()
    sched = StepLR(opt, step_size=2, gamma=0.1)
    _trace(sched, 3)
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    opt2 = _optimizer()
    opt2.load_state_dict(opt.state_dict())
    sched2 = StepLR(opt2, step_size=2, gamma=0.1)
    sched2.load_state_dict(state)
    assert _trace(sched2, 4) == _trace(sched, 4)


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(ValueError, match="ExponentialLR: resuming at last_epoch=4 needs"):
        ExponentialLR(_optimizer(), gamma=0.5, last_epoch=4)
    opt = _optimizer((1.0,))
    ExponentialLR(opt, gamma=0.5)
    resumed = ExponentialLR(opt, gamma=0.5, last_epoch=2)  # initial_lr recorded by the first
    assert resumed.get_last_lr() == pytest.approx([0.125])


def test_scheduler_errors():
    with pytest.raises(TypeError, match="StepLR: expected an Optimizer, got list"):
        StepLR([], step_size=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="StepLR: step_size must be >= 1, got 0"):
        StepLR(_optimizer(), step_size=0)
    with pytest.raises(TypeError, match="StepLR: step_size must be an int, got float 2.0"):
        StepLR(_optimizer(), step_size=2.0)
    with pytest.raises(ValueError, match="CosineAnnealingLR: T_max must be > 0, got 0"):
        CosineAnnealingLR(_optimizer(), T_max=0)


# ---------------------------------------------------------------------------- warm restarts


def _sgdr(base, eta_min, t_cur, t_i):
    return eta_min + (base - eta_min) * (1 + math.cos(math.pi * t_cur / t_i)) / 2


@pytest.mark.parametrize(("T_0", "T_mult"), [(3, 1), (2, 2), (1, 3)])
def test_warm_restarts_follow_sgdr(T_0, T_mult):
    sched = CosineAnnealingWarmRestarts(_optimizer(), T_0=T_0, T_mult=T_mult, eta_min=0.001)
    # The periods T_0, T_0 T_mult, ... laid end to end: (T_cur, T_i) of each epoch.
    positions, period = [], T_0
    while len(positions) < 30:
        positions += [(t, period) for t in range(period)]
        period *= T_mult
    for epoch, got in enumerate(_trace(sched, 30)):
        t_cur, t_i = positions[epoch]
        assert got == pytest.approx([_sgdr(b, 0.001, t_cur, t_i) for b in (0.1, 0.02)], rel=1e-12)


def test_warm_restarts_step_to_a_fractional_epoch():
    sched = CosineAnnealingWarmRestarts(_optimizer((1.0,)), T_0=2, T_mult=2)
    for epoch, (t_cur, t_i) in [
        (1.5, (1.5, 2)),
        (2.0, (0.0, 4)),
        (5.25, (3.25, 4)),
        (6.5, (0.5, 8)),
    ]:
        sched.step(epoch)
        assert (sched.T_cur, sched.T_i, sched.last_epoch) == (t_cur, t_i, math.floor(epoch))
        assert sched.get_last_lr() == pytest.approx([_sgdr(1.0, 0.0, t_cur, t_i)])
    sched.step()  # and on by whole epochs from there
    assert (sched.T_cur, sched.last_epoch) == (1.5, 7)
    with pytest.raises(ValueError, match=r"CosineAnnealingWarmRestarts.step: epoch must be >= 0"):
        sched.step(-1)
    assert sched.T_cur == 1.5


# ---------------------------------------------------------------------------------- 1cycle


def _anneal(start, end, pct, strategy):
    if strategy == "cos":
        return end + (start - end) * (1 + math.cos(math.pi * pct)) / 2
    return start + (end - start) * pct


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_one_cycle_phases(strategy, three_phase):
    total, pct_start, max_lr, div, final_div = 20, 0.25, 0.4, 8.0, 50.0
    opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0, momentum=0.5)
    sched = OneCycleLR(
        opt, max_lr, total_steps=total, pct_start=pct_start, anneal_strategy=strategy,
        div_factor=div, final_div_factor=final_div, three_phase=three_phase,
    )  # fmt: skip
    low, top = max_lr / div, max_lr
    floor = low / final_div
    up = pct_start * total - 1  # the warm-up's last step: 4
    if three_phase:  # up to max_lr, back down to initial_lr, then down to min_lr
        knots = [(0, low, 0.95), (up, top, 0.85), (2 * up, low, 0.95), (total - 1, floor, 0.95)]
    else:
        knots = [(0, low, 0.95), (up, top, 0.85), (total - 1, floor, 0.95)]
    for step in range(total + 1):
        i = next((k for k in range(1, len(knots)) if step <= knots[k][0]), len(knots) - 1)
        (s0, lr0, m0), (s1, lr1, m1) = knots[i - 1], knots[i]
        pct = (step - s0) / (s1 - s0)
        assert sched.get_last_lr() == pytest.approx([_anneal(lr0, lr1, pct, strategy)]), step
        assert opt.param_groups[0]["momentum"] == pytest.approx(_anneal(m0, m1, pct, strategy))
        if step < total:
            sched.step()
    group = opt.param_groups[0]
    assert (group["initial_lr"], group["max_lr"], group["min_lr"]) == (low, top, floor)
    with pytest.raises(ValueError, match="OneCycleLR: tried to step 21 times, but total_steps"):
        sched.step()
    assert sched.last_epoch == total  # the refused step changed nothing


def test_one_cycle_epochs_times_steps_and_adam_betas():
    w = ag.tensor(np.zeros(1), requires_grad=True)
    opt = optim.Adam([w], betas=(0.9, 0.99))
    sched = OneCycleLR(
        opt, max_lr=0.1, epochs=3, steps_per_epoch=4, pct_start=0.25, base_momentum=0.8
    )
    assert sched.total_steps == 12 and opt.param_groups[0]["betas"] == (0.95, 0.99)
    for _ in range(2):
        sched.step()
    assert opt.param_groups[0]["betas"] == (pytest.approx(0.8), 0.99)  # the peak, step 2
    no_cycle = OneCycleLR(optim.Adagrad([w]), max_lr=0.1, total_steps=5, cycle_momentum=False)
    assert no_cycle.get_last_lr() == [pytest.approx(0.004)]


# --------------------------------------------------------------------------------- plateaus


def _plateau(metrics, **options):
    opt = _optimizer((1.0,))
    sched = ReduceLROnPlateau(opt, **options)
    lrs = []
    for m in metrics:
        sched.step(m)
        lrs.append(sched.get_last_lr()[0])
    return lrs


def test_plateau_reduces_after_patience_bad_epochs():
    # best 2.0 from epoch 2; epochs 3, 4 are bad: more than patience=1, so epoch 4 halves lr.
    assert _plateau([3, 2, 2, 2, 1.9, 1.9, 1.9], factor=0.5, patience=1) == [
        1, 1, 1, 0.5, 0.5, 0.5, 0.25,
    ]  # fmt: skip


def test_plateau_threshold_modes():
    # 1.95 is not 1% better than 2.0 (relative), but is 0.01 better (absolute).
    metrics = [2.0, 1.98, 1.98]
    assert _plateau(metrics, patience=0, threshold=0.01, factor=0.5) == [1, 0.5, 0.25]
    assert _plateau(metrics, patience=0, threshold=0.01, threshold_mode="abs", factor=0.5) == [
        1, 1, 0.5,
    ]  # fmt: skip
    # max mode: a rise is an improvement.
    assert _plateau([1, 2, 2], mode="max", patience=0, factor=0.5) == [1, 1, 0.5]


def test_plateau_cooldown_min_lr_and_eps():
    # After a reduction, two cooldown epochs ignore bad epochs.
    lrs = _plateau([1, 1, 1, 1, 1, 1], patience=0, cooldown=2, factor=0.5)
    assert lrs == [1, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert _plateau([1, 1, 1, 1], patience=0, factor=0.1, min_lr=0.05) == [1, 0.1, 0.05, 0.05]
    # A reduction smaller than eps is skipped: 1 -> 0.9 is, 0.1 < eps.
    assert _plateau([1, 1, 1], patience=0, factor=0.9, eps=0.2) == [1, 1, 1]


def test_plateau_per_group_min_lr_and_groups_added_later():
    opt = _optimizer((1.0, 1.0))
    sched = ReduceLROnPlateau(opt, patience=0, factor=0.1, min_lr=[0.5, 0.01])
    for m in (1, 1):
        sched.step(m)
    assert sched.get_last_lr() == [0.5, pytest.approx(0.1)]
    opt.add_param_group({"params": [ag.tensor(np.zeros(1), requires_grad=True)]})
    with pytest.raises(RuntimeError, match="ReduceLROnPlateau: the optimiser has 3 parameter"):
        sched.step(1)
    assert sched.last_epoch == 2


# ----------------------------------------------------------------------- composite schedules


def test_chained_factors_multiply():
    opt = _optimizer()
    sched = ChainedScheduler(
        [
            ConstantLR(opt, factor=0.5, total_iters=3),
            ExponentialLR(opt, gamma=0.9),
            MultiStepLR(opt, milestones=[4, 6], gamma=0.1),
        ]
    )
    for e, got in enumerate(_trace(sched, 10)):
        factor = (0.5 if e < 3 else 1.0) * 0.9**e * 0.1 ** ((e >= 4) + (e >= 6))
        assert got == pytest.approx([0.1 * factor, 0.02 * factor], rel=1e-12)


def test_chained_warmup_then_cosine_scales_the_cosine():
    opt = _optimizer((1.0,))
    sched = ChainedScheduler([LinearLR(opt, 0.25, total_iters=3), CosineAnnealingLR(opt, 8, 0.0)])
    for e, got in enumerate(_trace(sched, 12)):
        warm = 0.25 + 0.75 * min(e, 3) / 3
        assert got == pytest.approx([warm * (1 + math.cos(math.pi * e / 8)) / 2], abs=1e-14)


def test_sequential_restarts_each_schedule_at_its_milestone():
    opt = _optimizer()
    sched = SequentialLR(
        opt,
        [LinearLR(opt, start_factor=0.1, total_iters=4), ExponentialLR(opt, 0.5), StepLR(opt, 2)],
        milestones=[4, 7],
    )
    for e, got in enumerate(_trace(sched, 12)):
        if e < 4:
            factor = 0.1 + 0.9 * e / 4
        elif e < 7:
            factor = 0.5 ** (e - 4)
        else:
            factor = 0.1 ** ((e - 7) // 2)
        assert got == pytest.approx([0.1 * factor, 0.02 * factor], rel=1e-12), e


def test_a_rate_set_by_hand_carries_on_through_chainable_steps():
    opt = _optimizer((1.0,))
    sched = ExponentialLR(opt, gamma=0.5)
    sched.step()
    opt.param_groups[0]["lr"] = 3.0
    sched.step()
    sched.step()
    assert sched.get_last_lr() == [0.75]
    closed = LambdaLR(_optimizer((1.0,)), lambda e: 0.5**e)  # sets the rate outright
    closed.optimizer.param_groups[0]["lr"] = 3.0
    closed.step()
    assert closed.get_last_lr() == [0.5]


def test_resuming_sets_the_closed_form_of_the_next_epoch():
    opt = _optimizer((1.0,))
    LinearLR(opt, start_factor=0.5, total_iters=4)
    assert LinearLR(opt, start_factor=0.5, total_iters=4, last_epoch=1).get_last_lr() == [0.75]
    sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, last_epoch=4)
    assert (sched.T_cur, sched.T_i) == (3, 4)


# ------------------------------------------------------------------------------ state dicts


class Warmup:
    """A callable object: its attributes are saved with LambdaLR's state, as PyTorch does."""

    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, epoch):
        return min(1.0, (epoch + 1) / self.epochs)


SCHEDULERS = {
    "multistep": lambda o: MultiStepLR(o, [2, 4]),
    "lambda-object": lambda o: LambdaLR(o, Warmup(5)),
    "multiplicative": lambda o: MultiplicativeLR(o, lambda e: 0.9),
    "linear": lambda o: LinearLR(o, total_iters=4),
    "constant": lambda o: ConstantLR(o, total_iters=3),
    "one-cycle": lambda o: OneCycleLR(o, [0.5, 0.1], total_steps=12),
    "warm-restarts": lambda o: CosineAnnealingWarmRestarts(o, 2, T_mult=2),
    "sequential": lambda o: SequentialLR(o, [ConstantLR(o), CosineAnnealingLR(o, 4)], [3]),
    "chained": lambda o: ChainedScheduler([LinearLR(o), ExponentialLR(o, 0.8)]),
}


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_resumes_the_schedule(name, tmp_path):
    from autograd_lite.serialization import load, save

    opt = _optimizer()
    sched = SCHEDULERS[name](opt)
    _trace(sched, 4)
    save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.npz")
    ckpt = load(tmp_path / "ckpt.npz")
    assert "optimizer" not in ckpt["sched"]
    opt2 = _optimizer((0.5, 0.5))
    sched2 = SCHEDULERS[name](opt2)
    if name == "lambda-object":
        sched2.lr_lambdas[0].epochs = 99  # restored from the state
    opt2.load_state_dict(ckpt["opt"])
    sched2.load_state_dict(ckpt["sched"])
    assert sched2.get_last_lr() == sched.get_last_lr()
    assert _trace(sched2, 6) == _trace(sched, 6)


def test_plateau_state_dict_resumes():
    a = ReduceLROnPlateau(_optimizer(), patience=1, cooldown=1)
    for m in (3, 2, 2):
        a.step(m)
    b = ReduceLROnPlateau(_optimizer(), patience=1, cooldown=1)
    b.load_state_dict(a.state_dict())
    for m in (2, 2, 2, 1, 1, 1):
        a.step(m)
        b.step(m)
        assert b.get_last_lr() == a.get_last_lr()
        assert (b.best, b.num_bad_epochs, b.cooldown_counter) == (
            a.best, a.num_bad_epochs, a.cooldown_counter,
        )  # fmt: skip


def test_state_dict_is_a_copy():
    sched = ReduceLROnPlateau(_optimizer(), min_lr=[0.1, 0.2])
    state = sched.state_dict()
    state["min_lrs"][0] = 5.0
    assert sched.min_lrs == [0.1, 0.2]
    with pytest.raises(ValueError, match="SequentialLR.load_state_dict: expected the states of 2"):
        SCHEDULERS["sequential"](_optimizer()).load_state_dict({"_last_lr": [1.0]})


# ----------------------------------------------------------------------------------- errors


V, T = ValueError, TypeError

# (scheduler on an optimiser o, error, message): each refused before the optimiser changes.
ARGUMENT_ERRORS = [
    (lambda o: MultiStepLR(o, [3, 2]), V, "MultiStepLR: milestones must be increasing"),
    (lambda o: MultiStepLR(o, [1.5]), T, "MultiStepLR: each milestone must be an int"),
    (lambda o: MultiStepLR(o, [-1]), V, "MultiStepLR: each milestone must be >= 0"),
    (lambda o: MultiStepLR(o, [2], gamma=-0.1), V, "MultiStepLR: gamma must be >= 0"),
    (lambda o: StepLR(o, 2, gamma="0.1"), T, "StepLR: gamma must be a number, got str"),
    (lambda o: StepLR(o, 2, last_epoch=-2), V, "StepLR: last_epoch must be >= -1"),
    (lambda o: LambdaLR(o, [lambda e: 1.0]), V, "LambdaLR: expected 2 lr_lambdas"),
    (lambda o: MultiplicativeLR(o, 0.9), T, "MultiplicativeLR: lr_lambda must be callable"),
    (lambda o: LinearLR(o, start_factor=0.0), V, r"LinearLR: start_factor must be in \(0, 1\]"),
    (lambda o: LinearLR(o, end_factor=1.5), V, r"LinearLR: end_factor must be in \[0, 1\]"),
    (lambda o: LinearLR(o, total_iters=0), V, "LinearLR: total_iters must be >= 1"),
    (lambda o: ConstantLR(o, factor=2.0), V, r"ConstantLR: factor must be in \[0, 1\]"),
    (lambda o: ConstantLR(o, total_iters=-1), V, "ConstantLR: total_iters must be >= 0"),
    (lambda o: OneCycleLR(o, 0.1), V, "OneCycleLR: give total_steps, or epochs and"),
    (lambda o: OneCycleLR(o, 0.1, total_steps=0), V, "OneCycleLR: total_steps must be >= 1"),
    (lambda o: OneCycleLR(o, [0.1], 9), V, "OneCycleLR: max_lr has 1 values, the optimiser has 2"),
    (lambda o: OneCycleLR(o, 0.1, 9, pct_start=1.5), V, r"pct_start must be in \[0, 1\]"),
    (lambda o: OneCycleLR(o, 0.1, 9, anneal_strategy="exp"), V, "anneal_strategy must be 'cos'"),
    (lambda o: OneCycleLR(o, 0.1, 10, pct_start=0.1), V, "step 0 falls in a phase .* without"),
    (
        lambda o: OneCycleLR(optim.Adagrad(o.param_groups[0]["params"]), 0.1, 9),
        V,
        "OneCycleLR: cycle_momentum=True needs an optimiser with momentum or betas; Adagrad",
    ),
    (lambda o: CosineAnnealingWarmRestarts(o, T_0=0), V, "WarmRestarts: T_0 must be >= 1"),
    (lambda o: CosineAnnealingWarmRestarts(o, 2, T_mult=1.5), T, "T_mult must be an int"),
    (lambda o: ReduceLROnPlateau(o, factor=1.0), V, r"Plateau: factor must be in \[0, 1\)"),
    (lambda o: ReduceLROnPlateau(o, mode="up"), V, "Plateau: mode must be 'min' or 'max'"),
    (lambda o: ReduceLROnPlateau(o, threshold_mode="x"), V, "threshold_mode must be 'rel' or"),
    (lambda o: ReduceLROnPlateau(o, patience=-1), V, "Plateau: patience must be >= 0"),
    (lambda o: ReduceLROnPlateau(o, min_lr=[0.1]), V, "Plateau: min_lr has 1 values"),
]


@pytest.mark.parametrize(("make", "error", "message"), ARGUMENT_ERRORS)
def test_scheduler_argument_errors_change_nothing(make, error, message):
    opt = _optimizer()
    before = [dict(g) for g in opt.param_groups]
    with pytest.raises(error, match=message):
        make(opt)
    assert [dict(g) for g in opt.param_groups] == before  # no initial_lr, momentum, ... written


def test_composite_scheduler_errors():
    opt, other = _optimizer(), _optimizer()
    a, b = ExponentialLR(opt, 0.9), StepLR(opt, 2)
    with pytest.raises(ValueError, match="SequentialLR: expected 1 milestones for 2 schedulers"):
        SequentialLR(opt, [a, b], milestones=[2, 4])
    with pytest.raises(ValueError, match=r"SequentialLR: milestones must be strictly increasing"):
        SequentialLR(opt, [a, b, StepLR(opt, 3)], milestones=[4, 4])
    with pytest.raises(ValueError, match=r"schedulers\[1\] \(ExponentialLR\) drives another"):
        SequentialLR(opt, [a, ExponentialLR(other, 0.5)], milestones=[2])
    with pytest.raises(
        ValueError, match=r"ChainedScheduler: schedulers\[0\] is a ReduceLROnPlateau"
    ):
        ChainedScheduler([ReduceLROnPlateau(opt), a])
    with pytest.raises(ValueError, match="SequentialLR: schedulers.0. is a ChainedScheduler"):
        SequentialLR(opt, [ChainedScheduler([a]), b], milestones=[2])
    with pytest.raises(TypeError, match=r"ChainedScheduler: schedulers\[1\] is a SGD"):
        ChainedScheduler([a, opt])
    with pytest.raises(ValueError, match="ChainedScheduler: expected a non-empty list"):
        ChainedScheduler([])
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.02]
