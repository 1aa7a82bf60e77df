"""Learning-rate schedulers against PyTorch's closed-form formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import optim
from autograd_lite.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, StepLR


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
    ],
    ids=["step", "exponential", "cosine"],
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
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive int, got 0"):
        StepLR(_optimizer(), step_size=0)
    with pytest.raises(ValueError, match="CosineAnnealingLR: T_max must be > 0, got 0"):
        CosineAnnealingLR(_optimizer(), T_max=0)
