"""Learning-rate schedulers, PyTorch's ``torch.optim.lr_scheduler``.

Call ``optimizer.step()`` then ``scheduler.step()`` once per epoch (or per batch, for
OneCycleLR and CosineAnnealingWarmRestarts). The schedulers come in four kinds:

- Chainable schedules: StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR,
  CosineAnnealingLR and MultiplicativeLR. Each step rescales the group's *current*
  ``lr``, as PyTorch's do, so several compose (ChainedScheduler) and a rate set by hand
  carries on. All but MultiplicativeLR have a closed form
  ``lr(epoch) = eta_min + (initial_lr - eta_min) * factor(epoch)``; they declare only
  ``_factor`` and ``_FactorLR`` derives both the step and the closed form from it.
- Schedules that set the rate outright from ``initial_lr``: LambdaLR, OneCycleLR,
  CosineAnnealingWarmRestarts.
- ReduceLROnPlateau, which follows a metric instead of the epoch.
- SequentialLR and ChainedScheduler, which drive other schedulers.
"""

from __future__ import annotations

import copy
import math
import types
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, SupportsFloat

import numpy as np

from autograd_lite._args import check_count
from autograd_lite.core import replayable
from autograd_lite.optim.optimizer import Optimizer

__all__ = [
    "ChainedScheduler",
    "ConstantLR",
    "CosineAnnealingLR",
    "CosineAnnealingWarmRestarts",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "MultiStepLR",
    "MultiplicativeLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "StepLR",
]


class LRScheduler:
    """Base class: each ``step()`` advances ``last_epoch`` and sets every group's ``lr``.

    Construction records each group's ``initial_lr`` (if not already there) and applies
    epoch 0 by a step, so that ``get_last_lr()`` is the rates of epoch 0. Resuming with
    ``last_epoch=k`` needs ``initial_lr`` in every group and sets the rates of epoch
    ``k + 1`` from the closed form (PyTorch's resumption differs from one scheduler to
    the next; the recommended way to resume is ``load_state_dict`` in both libraries).

    Subclasses define ``get_lr()``: the rates of epoch ``last_epoch``, called by
    ``step()`` once it has advanced the epoch; it may read the groups' current rates
    (chainable) or compute them from ``base_lrs`` (closed form). One that has a closed
    form besides a chainable step overrides ``_closed_form_lr()``, used where the epoch
    is set directly (resuming, SequentialLR's milestones).
    """

    # Attributes that are objects, not state: state_dict() leaves them out.
    _objects: tuple[str, ...] = ("optimizer",)

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        _check_optimizer(name, optimizer)
        check_count(name, "last_epoch", last_epoch, -1)
        if last_epoch != -1 and any("initial_lr" not in g for g in optimizer.param_groups):
            raise ValueError(
                f"{name}: resuming at last_epoch={last_epoch} needs 'initial_lr' in every "
                "parameter group"
            )
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.optimizer = optimizer
        self.base_lrs = [float(group["initial_lr"]) for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self._initial_step()

    def _initial_step(self) -> None:
        """Epoch 0 by a step, or epoch ``last_epoch + 1`` directly when resuming."""
        if self.last_epoch == -1:
            self.step()
        else:
            self._jump(self.last_epoch + 1)

    def get_lr(self) -> list[float]:
        """The learning rates of epoch ``self.last_epoch``, one per parameter group."""
        raise NotImplementedError

    def _closed_form_lr(self) -> list[float]:
        """The rates of epoch ``last_epoch`` when it is set directly; ``get_lr()`` unless
        the schedule has a closed form besides a chainable step."""
        return self.get_lr()

    @replayable
    def step(self) -> None:
        """Advance one epoch and write the new learning rates into the optimiser."""
        self._go_to(self.last_epoch + 1, self.get_lr)

    def _jump(self, epoch: int) -> None:
        """Go to ``epoch`` directly (resuming, or restarting at a SequentialLR milestone)."""
        self._go_to(epoch, self._closed_form_lr)

    def _go_to(self, epoch: int, rule: Callable[[], list[float]]) -> None:
        before, self.last_epoch = self.last_epoch, epoch
        try:
            lrs = rule()
        except BaseException:  # a schedule that refuses the epoch leaves everything as it was
            self.last_epoch = before
            raise
        self._last_lr = [float(lr) for lr in lrs]
        self._write_last_lr()

    def _current_lrs(self) -> list[float]:
        return [float(group["lr"]) for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step()``."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """A copy of every attribute but the optimiser (PyTorch's layout)."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in self._objects}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a ``state_dict()``, and the learning rates it had set in the optimiser."""
        if not isinstance(state_dict, dict) or "_last_lr" not in state_dict:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: expected a dict from state_dict()"
            )
        self.__dict__.update(
            {k: copy.deepcopy(v) for k, v in state_dict.items() if k not in self._objects}
        )
        self._write_last_lr()

    def _write_last_lr(self) -> None:
        """Set each parameter group's ``lr`` to the one this scheduler last computed."""
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr


class _FactorLR(LRScheduler):
    """A chainable schedule with the closed form ``floor + (initial_lr - floor) * factor``.

    Subclasses define ``_factor(epoch)`` (1 at the start; ``floor`` is ``eta_min`` for
    CosineAnnealingLR, else 0). A step moves the current rate by the factor's change,
    ``lr = floor + (lr - floor) * factor(e) / factor(e - 1)``, which is PyTorch's
    recursive form of each of these schedules; where the factor was 0 (a cosine past
    ``T_max``) the step adds the closed form's change instead, as PyTorch does.
    """

    def _factor(self, epoch: int) -> float:
        raise NotImplementedError

    def _floor(self) -> float:
        return 0.0

    def get_lr(self) -> list[float]:
        epoch, floor = self.last_epoch, self._floor()
        now = self._factor(epoch)
        before = self._factor(epoch - 1) if epoch > 0 else 1.0
        if now == before:
            return self._current_lrs()
        if before:
            return [floor + (lr - floor) * (now / before) for lr in self._current_lrs()]
        return [lr + (base - floor) * now for lr, base in zip(self._current_lrs(), self.base_lrs)]

    def _closed_form_lr(self) -> list[float]:
        floor, factor = self._floor(), self._factor(self.last_epoch)
        return [floor + (base - floor) * factor for base in self.base_lrs]


class StepLR(_FactorLR):
    """``lr = initial_lr * gamma ** (epoch // step_size)``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        check_count("StepLR", "step_size", step_size, 1)
        _check_real("StepLR", "gamma", gamma, low=0.0)
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        return self.gamma ** (epoch // self.step_size)


class MultiStepLR(_FactorLR):
    """``lr = initial_lr * gamma ** (number of milestones <= epoch)``.

    A milestone given twice decays twice, as in PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = MultiStepLR(opt, milestones=[1, 3], gamma=0.5)
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Iterable[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = _check_milestones("MultiStepLR", milestones, strict=False)
        _check_real("MultiStepLR", "gamma", gamma, low=0.0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        return self.gamma ** bisect_right(self.milestones, epoch)


class ConstantLR(_FactorLR):
    """``lr = initial_lr * factor`` before epoch ``total_iters``, ``initial_lr`` from then on.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = ConstantLR(opt, factor=0.5, total_iters=2)
    >>> lrs = []
    >>> for _ in range(3):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [0.5, 0.5, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        factor: float = 1.0 / 3,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        _check_real("ConstantLR", "factor", factor, low=0.0, high=1.0)
        check_count("ConstantLR", "total_iters", total_iters, 0)
        self.factor, self.total_iters = factor, total_iters
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        return self.factor if epoch < self.total_iters else 1.0


class LinearLR(_FactorLR):
    """The factor of ``initial_lr`` goes linearly from ``start_factor`` at epoch 0 to
    ``end_factor`` at epoch ``total_iters``, and stays there:
    ``lr = initial_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)   # a warm-up
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 6))
    ...     sched.step()
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        _check_real("LinearLR", "start_factor", start_factor, low=0.0, high=1.0, open_low=True)
        _check_real("LinearLR", "end_factor", end_factor, low=0.0, high=1.0)
        check_count("LinearLR", "total_iters", total_iters, 1)
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters
        return self.start_factor + (self.end_factor - self.start_factor) * progress


class ExponentialLR(_FactorLR):
    """``lr = initial_lr * gamma ** epoch``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = ExponentialLR(opt, gamma=0.5)
    >>> sched.step(); sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        _check_real("ExponentialLR", "gamma", gamma, low=0.0)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _factor(self, epoch: int) -> float:
        return self.gamma**epoch


class CosineAnnealingLR(_FactorLR):
    """``lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2``.

    Past ``T_max`` the cosine carries on (the rate rises again), as PyTorch's does.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = CosineAnnealingLR(opt, T_max=2)
    >>> sched.step()
    >>> round(sched.get_last_lr()[0], 6)
    0.5
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be > 0, got {T_max!r}")
        _check_real("CosineAnnealingLR", "eta_min", eta_min, low=0.0)
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def _floor(self) -> float:
        return self.eta_min

    def _factor(self, epoch: int) -> float:
        return (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0


class _LambdaScheduler(LRScheduler):
    """LambdaLR and MultiplicativeLR: one function of the epoch per parameter group."""

    _objects = ("optimizer", "lr_lambdas")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        name = type(self).__name__
        _check_optimizer(name, optimizer)
        n = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(
                    f"{name}: expected {n} lr_lambdas (one per parameter group), "
                    f"got {len(lr_lambda)}"
                )
            lambdas = list(lr_lambda)
        else:
            lambdas = [lr_lambda] * n
        for fn in lambdas:
            if not callable(fn):
                raise TypeError(f"{name}: lr_lambda must be callable, got {type(fn).__name__}")
        self.lr_lambdas: list[Callable[[int], float]] = lambdas
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict[str, Any]:
        """As the base class; of the lambdas, only callable objects' ``__dict__`` is saved
        (functions and lambdas are code, saved as None), as PyTorch does."""
        state = super().state_dict()
        state["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else copy.deepcopy(fn.__dict__)
            for fn in self.lr_lambdas
        ]
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        saved = state_dict.get("lr_lambdas", [None] * len(self.lr_lambdas))
        if len(saved) != len(self.lr_lambdas):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: {len(saved)} lr_lambdas saved, "
                f"this scheduler has {len(self.lr_lambdas)}"
            )
        super().load_state_dict(state_dict)
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                fn.__dict__.update(copy.deepcopy(attributes))


class LambdaLR(_LambdaScheduler):
    """``lr = initial_lr * lr_lambda(epoch)``, with one function or one per group.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = LambdaLR(opt, lr_lambda=lambda epoch: 1 / (1 + epoch))
    >>> sched.step(); sched.step()
    >>> round(sched.get_last_lr()[0], 6)
    0.333333
    """

    def get_lr(self) -> list[float]:
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """Each step multiplies the current ``lr`` by ``lr_lambda(epoch)`` (chainable).

    Construction leaves the rates alone (epoch 0), as PyTorch does; at a SequentialLR
    milestone the rate is multiplied by ``lr_lambda(0)``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = MultiplicativeLR(opt, lr_lambda=lambda epoch: 0.5)
    >>> sched.step(); sched.step()
    >>> sched.get_last_lr()
    [0.25]
    """

    def _initial_step(self) -> None:
        self._go_to(self.last_epoch + 1, self._current_lrs)

    def get_lr(self) -> list[float]:
        return [lr * fn(self.last_epoch) for fn, lr in zip(self.lr_lambdas, self._current_lrs())]


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin, 2019), stepped once per batch, with PyTorch's phases.

    The rate anneals from ``initial_lr = max_lr / div_factor`` up to ``max_lr`` over the
    first ``pct_start * total_steps - 1`` steps, then down to
    ``min_lr = initial_lr / final_div_factor`` at step ``total_steps - 1``. With
    ``three_phase=True`` it comes back to ``initial_lr`` (symmetrically) before falling to
    ``min_lr``. Within a phase from ``a`` to ``b`` at fraction ``pct`` of it, the rate is
    ``b + (a - b) * (1 + cos(pi * pct)) / 2`` (``anneal_strategy="cos"``) or
    ``a + (b - a) * pct`` (``"linear"``). With ``cycle_momentum`` the optimiser's
    ``momentum`` (or ``betas[0]``) moves the opposite way between ``max_momentum`` and
    ``base_momentum``. It sets the rate outright (not chainable), and writes
    ``initial_lr``, ``max_lr``, ``min_lr`` (and the momenta) into each group.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0, momentum=0.9)
    >>> sched = OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="linear",
    ...                    pct_start=0.6, div_factor=4.0, final_div_factor=2.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(round(sched.get_last_lr()[0], 6))
    ...     sched.step()
    >>> lrs
    [0.25, 0.625, 1.0, 0.55, 0.1]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] = 0.85,
        max_momentum: float | list[float] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        name = "OneCycleLR"
        _check_optimizer(name, optimizer)
        # Everything is checked before the groups are written.
        if total_steps is not None:
            check_count(name, "total_steps", total_steps, 1)
        elif epochs is not None and steps_per_epoch is not None:
            check_count(name, "epochs", epochs, 1)
            check_count(name, "steps_per_epoch", steps_per_epoch, 1)
            total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(f"{name}: give total_steps, or epochs and steps_per_epoch")
        _check_real(name, "pct_start", pct_start, low=0.0, high=1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"{name}: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        _check_real(name, "div_factor", div_factor, low=0.0, open_low=True)
        _check_real(name, "final_div_factor", final_div_factor, low=0.0, open_low=True)
        max_lrs = _per_group(name, "max_lr", optimizer, max_lr)
        needed = ["initial_lr", "max_lr", "min_lr"]
        needed += ["max_momentum", "base_momentum"] if cycle_momentum else []
        if last_epoch != -1 and any(k not in g for g in optimizer.param_groups for k in needed):
            raise ValueError(
                f"{name}: resuming at last_epoch={last_epoch} needs {needed} in every "
                "parameter group (written by the OneCycleLR that started the cycle)"
            )
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"{name}: cycle_momentum=True needs an optimiser with momentum or betas; "
                    f"{type(optimizer).__name__} has neither (pass cycle_momentum=False)"
                )
            max_momenta = _per_group(name, "max_momentum", optimizer, max_momentum, high=1.0)
            base_momenta = _per_group(name, "base_momentum", optimizer, base_momentum, high=1.0)
        # Phases as PyTorch lays them out: the step each ends at and the group keys they join.
        warm_end = float(pct_start * total_steps) - 1
        if three_phase:
            phases = [
                (warm_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * warm_end, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
        else:
            phases = [
                (warm_end, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        keys = ("end_step", "start_lr", "end_lr", "start_momentum", "end_momentum")
        self._schedule_phases: list[dict[str, Any]] = [dict(zip(keys, p)) for p in phases]
        self.total_steps = total_steps
        self._phase(max(last_epoch + 1, 0))  # a cycle that cannot start is refused up front
        self._anneal_func_type = anneal_strategy
        self.cycle_momentum = cycle_momentum
        if last_epoch == -1:
            for i, group in enumerate(optimizer.param_groups):
                group["initial_lr"] = max_lrs[i] / div_factor
                group["max_lr"] = max_lrs[i]
                group["min_lr"] = group["initial_lr"] / final_div_factor
        if cycle_momentum:
            self.use_beta1 = "betas" in optimizer.defaults
            if last_epoch == -1:
                for i, group in enumerate(optimizer.param_groups):
                    self._set_momentum(group, max_momenta[i])
                    group["max_momentum"] = max_momenta[i]
                    group["base_momentum"] = base_momenta[i]
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict[str, Any], momentum: float) -> None:
        if self.use_beta1:
            group["betas"] = (momentum, *group["betas"][1:])
        else:
            group["momentum"] = momentum

    def _anneal(self, start: float, end: float, pct: float) -> float:
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _phase(self, step: int) -> tuple[dict[str, Any], float]:
        """The phase that holds ``step``, and how far into it ``step`` is (0 to 1)."""
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times, but total_steps is {self.total_steps}"
            )
        start, last = 0.0, len(self._schedule_phases) - 1
        for i, phase in enumerate(self._schedule_phases):
            end = phase["end_step"]
            if step <= end or i == last:
                break
            start = end
        if end == start:  # PyTorch divides by zero here
            raise ValueError(
                f"OneCycleLR: step {step} falls in a phase of the cycle without steps (it "
                f"ends at step {end}); change pct_start or total_steps={self.total_steps}"
            )
        return phase, (step - start) / (end - start)

    def get_lr(self) -> list[float]:
        phase, pct = self._phase(self.last_epoch)
        lrs = []
        for group in self.optimizer.param_groups:
            lrs.append(self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
            if self.cycle_momentum:
                momentum = self._anneal(
                    group[phase["start_momentum"]], group[phase["end_momentum"]], pct
                )
                self._set_momentum(group, momentum)
        return lrs


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR (Loshchilov & Hutter, 2017): cosine annealing restarted every ``T_i`` epochs.

    ``lr = eta_min + (initial_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2``, where
    ``T_cur`` counts the epochs since the last restart and the periods are ``T_0``,
    ``T_0 * T_mult``, ``T_0 * T_mult**2``, ... ``step(epoch)`` may be given a fractional
    epoch (``step(epoch + i / iters)`` per batch) and then sets the position directly.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2)
    >>> lrs = []
    >>> for _ in range(7):
    ...     lrs.append(round(sched.get_last_lr()[0], 6))
    ...     sched.step()
    >>> lrs                              # restarts at epochs 2 and 6
    [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        T_0: int,
        T_mult: int = 1,
        eta_min: float = 0.0,
        last_epoch: int = -1,
    ) -> None:
        name = "CosineAnnealingWarmRestarts"
        check_count(name, "T_0", T_0, 1)
        check_count(name, "T_mult", T_mult, 1)
        _check_real(name, "eta_min", eta_min, low=0.0)
        self.T_0, self.T_i, self.T_mult, self.eta_min = T_0, T_0, T_mult, eta_min
        self.T_cur: float = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        cos = (1.0 + math.cos(math.pi * self.T_cur / self.T_i)) / 2.0
        return [self.eta_min + (base - self.eta_min) * cos for base in self.base_lrs]

    @replayable
    def step(self, epoch: float | None = None) -> None:
        """Advance one epoch, or go to ``epoch`` (a number >= 0, fractions allowed)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            t_cur, t_i = self.T_cur + 1, self.T_i
            if t_cur >= t_i:
                t_cur, t_i = t_cur % t_i, t_i * self.T_mult
            last_epoch = self.last_epoch + 1
        else:
            _check_real("CosineAnnealingWarmRestarts.step", "epoch", epoch, low=0.0)
            if self.T_mult == 1:
                t_cur, t_i = epoch % self.T_0, self.T_0
            else:  # the restarts are T_0, T_0 (1 + T_mult), ...: walk to the period holding epoch
                t_cur, t_i = epoch, self.T_0
                while t_cur >= t_i:
                    t_cur, t_i = t_cur - t_i, t_i * self.T_mult
            last_epoch = math.floor(epoch)
        self.T_cur, self.T_i, self.last_epoch = t_cur, t_i, last_epoch
        self._last_lr = self.get_lr()
        self._write_last_lr()

    def _jump(self, epoch: int) -> None:
        self.step(epoch)


class ReduceLROnPlateau(LRScheduler):
    """Multiply the rates by ``factor`` when a metric has stopped improving.

    ``step(metric)`` once per epoch: the metric improves when it is below
    ``best * (1 - threshold)`` (``mode="min"``, ``threshold_mode="rel"``), below
    ``best - threshold`` (``"abs"``), or above ``best * (1 + threshold)`` /
    ``best + threshold`` in ``mode="max"``. After more than ``patience`` epochs
    without improvement each group's rate becomes ``max(lr * factor, min_lr)`` (a change
    smaller than ``eps`` is skipped), then ``cooldown`` epochs pass in which bad epochs
    are not counted. Chainable with other schedulers on the same optimiser.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 1.0, 1.0]:
    ...     sched.step(loss)
    >>> sched.get_last_lr()              # halved after the second epoch stuck at 2.0
    [0.5]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: list[float] | float = 0,
        eps: float = 1e-8,
    ) -> None:
        name = "ReduceLROnPlateau"
        _check_optimizer(name, optimizer)
        _check_real(name, "factor", factor, low=0.0, high=1.0, open_high=True)
        if mode not in ("min", "max"):
            raise ValueError(f"{name}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(
                f"{name}: threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}"
            )
        _check_real(name, "threshold", threshold)
        check_count(name, "patience", patience, 0)
        check_count(name, "cooldown", cooldown, 0)
        _check_real(name, "eps", eps, low=0.0)
        self.min_lrs = _per_group(name, "min_lr", optimizer, min_lr)
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.optimizer = optimizer
        self.factor, self.patience, self.cooldown, self.eps = factor, patience, cooldown, eps
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    def _is_better(self, a: float, best: float) -> bool:
        # PyTorch's expressions exactly: a metric at the threshold rounds the same way.
        if self.mode == "min":
            if self.threshold_mode == "rel":
                return a < best * (1.0 - self.threshold)
            return a < best - self.threshold
        if self.threshold_mode == "rel":
            return a > best * (self.threshold + 1.0)
        return a > best + self.threshold

    @replayable
    def step(self, metrics: SupportsFloat) -> None:  # type: ignore[override]
        """Record one epoch's metric, and reduce the rates after a plateau."""
        current = float(metrics)
        groups = self.optimizer.param_groups
        if len(self.min_lrs) != len(groups):  # groups were added since
            if self.default_min_lr is None:
                raise RuntimeError(
                    f"ReduceLROnPlateau: the optimiser has {len(groups)} parameter groups, but "
                    f"min_lr was given for {len(self.min_lrs)}; set min_lrs to one per group"
                )
            self.min_lrs = [self.default_min_lr] * len(groups)  # the one min_lr for all
        self.last_epoch += 1
        if self._is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs in the cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, min_lr)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._current_lrs()


class _SchedulerList(LRScheduler):
    """SequentialLR and ChainedScheduler: their state holds their schedulers' states."""

    _objects = ("optimizer", "_schedulers")
    _schedulers: list[LRScheduler]

    def state_dict(self) -> dict[str, Any]:
        """As the base class, with each scheduler's ``state_dict()`` under ``_schedulers``."""
        return {**super().state_dict(), "_schedulers": [s.state_dict() for s in self._schedulers]}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        states = state_dict.get("_schedulers") if isinstance(state_dict, dict) else None
        if not isinstance(states, (list, tuple)) or len(states) != len(self._schedulers):
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: expected the states of "
                f"{len(self._schedulers)} schedulers under '_schedulers'"
            )
        for scheduler, state in zip(self._schedulers, states):
            scheduler.load_state_dict(state)
        super().load_state_dict(state_dict)


class SequentialLR(_SchedulerList):
    """Run ``schedulers[0]`` until ``milestones[0]``, then ``schedulers[1]``, and so on.

    At each milestone the next scheduler starts again at its epoch 0 (from its closed
    form, where it has one). The schedulers must all drive ``optimizer``; composite
    schedulers and ReduceLROnPlateau cannot be part of the sequence.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> warmup = LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = SequentialLR(opt, schedulers=[warmup, decay], milestones=[2])
    >>> lrs = []
    >>> for _ in range(5):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [0.5, 0.75, 1.0, 0.5, 0.25]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: list[LRScheduler],
        milestones: list[int],
        last_epoch: int = -1,
    ) -> None:
        name = "SequentialLR"
        _check_optimizer(name, optimizer)
        _check_schedulers(name, schedulers, optimizer, nested=False)
        milestones = _check_milestones(name, milestones, strict=True)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(
                f"{name}: expected {len(schedulers) - 1} milestones for {len(schedulers)} "
                f"schedulers, got {len(milestones)}"
            )
        check_count(name, "last_epoch", last_epoch, -1)
        self._schedulers = list(schedulers)
        self._milestones = milestones
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        for scheduler in self._schedulers:  # undo the step each made when it was built
            scheduler.last_epoch -= 1
        first = self._schedulers[bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    @replayable
    def step(self) -> None:
        """Advance one epoch: step the current scheduler, or start the next at a milestone."""
        epoch = self.last_epoch + 1
        i = bisect_right(self._milestones, epoch)
        scheduler = self._schedulers[i]
        if i > 0 and self._milestones[i - 1] == epoch:
            scheduler._jump(0)
        else:
            scheduler.step()
        self.last_epoch = epoch
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_SchedulerList):
    """Step several schedulers at once: each ``step()`` calls theirs in order.

    Chainable schedulers compose their factors (a warm-up times a decay); one that sets
    the rate outright overrides those before it.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> opt = optim.SGD([ag.tensor(np.zeros(1), requires_grad=True)], lr=1.0)
    >>> warmup = ConstantLR(opt, factor=0.1, total_iters=2)
    >>> decay = ExponentialLR(opt, gamma=0.5)
    >>> sched = ChainedScheduler([warmup, decay])
    >>> lrs = []
    >>> for _ in range(4):
    ...     lrs.append(round(sched.get_last_lr()[0], 6))
    ...     sched.step()
    >>> lrs
    [0.1, 0.05, 0.25, 0.125]
    """

    def __init__(
        self, schedulers: Sequence[LRScheduler], optimizer: Optimizer | None = None
    ) -> None:
        name = "ChainedScheduler"
        if not isinstance(schedulers, (list, tuple)) or not schedulers:
            raise ValueError(f"{name}: expected a non-empty list of schedulers")
        if optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        self.optimizer = _check_optimizer(name, optimizer)
        _check_schedulers(name, schedulers, self.optimizer, nested=True)
        self._schedulers = list(schedulers)
        self._last_lr = self._current_lrs()

    @replayable
    def step(self) -> None:
        """Step every scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()


# -- argument checks -------------------------------------------------------------------------


def _check_optimizer(name: str, optimizer: Any) -> Optimizer:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name}: expected an Optimizer, got {type(optimizer).__name__}")
    return optimizer


def _check_real(
    fn: str,
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    open_low: bool = False,
    open_high: bool = False,
) -> None:
    """Refuse anything but a real number in the given range, naming ``fn`` and ``name``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{fn}: {name} must be a number, got {type(value).__name__} {value!r}")
    above = value > low if open_low else value >= low
    below = value < high if open_high else value <= high
    if not (above and below):
        if high == math.inf:
            expected = f"{'>' if open_low else '>='} {low:g}"
        elif low == -math.inf:
            expected = f"{'<' if open_high else '<='} {high:g}"
        else:
            expected = f"in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
        raise ValueError(f"{fn}: {name} must be {expected}, got {value!r}")


def _check_milestones(name: str, milestones: Any, strict: bool) -> list[int]:
    """The milestones as a list of ints >= 0 in increasing order (``strict``: no repeats)."""
    if not isinstance(milestones, Iterable) or isinstance(milestones, (str, bytes)):
        raise TypeError(f"{name}: milestones must be a list of ints, got {milestones!r}")
    milestones = list(milestones)
    for m in milestones:
        check_count(name, "each milestone", m, 0)
    pairs = zip(milestones, milestones[1:])
    if any(b < a or (strict and b == a) for a, b in pairs):
        order = "strictly increasing" if strict else "increasing (repeats decay again)"
        raise ValueError(f"{name}: milestones must be {order}, got {milestones}")
    return [int(m) for m in milestones]


def _check_schedulers(name: str, schedulers: Any, optimizer: Optimizer, nested: bool) -> None:
    if not isinstance(schedulers, (list, tuple)) or not schedulers:
        raise ValueError(f"{name}: expected a non-empty list of schedulers")
    for i, s in enumerate(schedulers):
        if not isinstance(s, LRScheduler):
            raise TypeError(f"{name}: schedulers[{i}] is a {type(s).__name__}, not a scheduler")
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(
                f"{name}: schedulers[{i}] is a ReduceLROnPlateau, whose step() needs a metric"
            )
        if not nested and isinstance(s, _SchedulerList):
            raise ValueError(
                f"{name}: schedulers[{i}] is a {type(s).__name__}; a sequence cannot restart "
                "a composite scheduler at a milestone"
            )
        if s.optimizer is not optimizer:
            raise ValueError(
                f"{name}: schedulers[{i}] ({type(s).__name__}) drives another optimiser"
            )


def _per_group(
    name: str, arg: str, optimizer: Optimizer, value: Any, high: float = math.inf
) -> list[float]:
    """One number >= 0 per parameter group: a list of them, or one for all."""
    n = len(optimizer.param_groups)
    values = list(value) if isinstance(value, (list, tuple)) else [value] * n
    if len(values) != n:
        raise ValueError(
            f"{name}: {arg} has {len(values)} values, the optimiser has {n} parameter groups"
        )
    for v in values:
        _check_real(name, arg, v, low=0.0, high=high)
    return values
