"""The optimiser base class: parameter groups, per-parameter state, zero_grad, state dicts.

Subclasses implement ``_update_group(group)``: it reads the gradients (``_with_grads``,
which negates them for groups with ``maximize=True``) and updates ``p.data`` in place
with numpy (no graph is built), then this base class marks the updated parameters as
modified (``nn.parameter._mark_modified``, the core's version counter) so that a graph
that saved their old values can notice. Every option is read from the group at every
step, so schedulers and users may change it between steps.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from autograd_lite.core import Tensor, enable_grad, no_grad, replayable
from autograd_lite.nn.parameter import _mark_modified, _zero_grads

__all__ = ["Optimizer"]

ParamsLike = Iterable[Tensor] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class of all optimisers (PyTorch's ``torch.optim.Optimizer``).

    Parameters
    ----------
    params:
        An iterable of Tensors, or of dicts (parameter groups) each with a
        ``"params"`` entry and per-group options overriding ``defaults``.
    defaults:
        Default options of every group (``lr`` and the algorithm's own).

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import optim
    >>> w = ag.tensor(np.ones(2), requires_grad=True)
    >>> b = ag.tensor(np.zeros(1), requires_grad=True)
    >>> opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> (w * 3.0 + b).sum().backward()
    >>> opt.step()
    >>> w.data.tolist(), b.data.tolist()
    ([0.7, 0.7], [-1.0])
    """

    def __init__(self, params: ParamsLike, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = []
        # Per-parameter state, keyed by id(p): the groups hold every parameter, so ids stay valid.
        self.state: dict[int, dict[str, Any]] = {}
        _refuse_sets(type(self).__name__, params)
        items: list[Any] = list(params)
        if not items:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones taken from defaults)."""
        name = type(self).__name__
        if not isinstance(param_group, dict) or "params" not in param_group:
            raise TypeError(f"{name}: a parameter group must be a dict with a 'params' entry")
        params = param_group["params"]
        _refuse_sets(name, params)
        params = [params] if isinstance(params, Tensor) else list(params)
        for i, p in enumerate(params):
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: params[{i}] is a {type(p).__name__}, expected a Tensor")
            if not p.is_leaf:
                raise ValueError(
                    f"{name}: params[{i}] (shape {p.shape}) must be a leaf Tensor (made by the "
                    f"user, not computed)"
                )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError(f"{name}: a parameter appears in more than one place")
        unknown = set(param_group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{name}: unknown option(s) {sorted(unknown)} in parameter group")
        group = {**self.defaults, **param_group, "params": params}
        if isinstance(group.get("betas"), list):
            group["betas"] = tuple(group["betas"])
        self._validate_group(group)
        self.param_groups.append(group)

    # Options that must be >= 0 (the learning rate always is); subclasses name theirs.
    _nonnegative: tuple[str, ...] = ()

    def _validate_group(self, group: dict[str, Any]) -> None:
        """Check a group's options; subclasses extend this with their own checks."""
        name = type(self).__name__
        if not group["lr"] >= 0.0:
            raise ValueError(f"{name}: invalid learning rate {group['lr']!r}")
        for key in self._nonnegative:
            if not group[key] >= 0.0:
                raise ValueError(f"{name}: invalid {key} {group[key]!r}, expected >= 0")
        betas = group.get("betas")  # the Adam family's moment coefficients
        if betas is not None and (
            not isinstance(betas, (tuple, list))
            or len(betas) != 2
            or not all(0.0 <= b < 1.0 for b in betas)
        ):
            raise ValueError(f"{name}: betas must be two numbers in [0, 1), got {betas!r}")

    def _with_grads(self, group: dict[str, Any]) -> Iterator[tuple[np.ndarray, Any, dict]]:
        """``(parameter array, gradient array, state)`` for each parameter that has a gradient.

        The state dict is the parameter's own, created empty on its first step. A group
        with ``maximize=True`` gets the negated gradient (gradient ascent).
        """
        state = self.state
        maximize = group.get("maximize", False)
        for p in group["params"]:
            if p.grad is not None:
                st = state.get(id(p))
                if st is None:
                    st = state[id(p)] = {}
                yield p.data, (-p.grad.data if maximize else p.grad.data), st

    @replayable
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients (``None``, PyTorch's default), or zero them in place."""
        for group in self.param_groups:
            _zero_grads(group["params"], set_to_none)

    @replayable
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()`` if given."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        for group in self.param_groups:
            _mark_modified(p for p in group["params"] if p.grad is not None)
        return loss

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- state dicts ---------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The optimiser's state as PyTorch lays it out, with copies of every array.

        ``{"state": {index: {...}}, "param_groups": [{options..., "params": [indices]}]}``,
        parameters numbered in group order.
        """
        state: dict[int, dict[str, Any]] = {}
        groups = []
        index = 0
        for group in self.param_groups:
            indices = []
            for p in group["params"]:
                if id(p) in self.state:
                    state[index] = copy.deepcopy(self.state[id(p)])
                indices.append(index)
                index += 1
            groups.append(
                {
                    **copy.deepcopy({k: v for k, v in group.items() if k != "params"}),
                    "params": indices,
                }
            )
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()``; everything is checked before anything changes.

        State keys may be ints or their decimal strings (as after a round trip
        through a format whose keys are strings). Arrays are copied and cast to
        their parameter's dtype.
        """
        name = f"{type(self).__name__}.load_state_dict"
        groups = state_dict.get("param_groups") if isinstance(state_dict, dict) else None
        if not isinstance(groups, (list, tuple)) or "state" not in state_dict:
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' entries")
        sizes = [len(g["params"]) for g in self.param_groups]
        got = [len(g["params"]) for g in groups]
        if sizes != got:
            raise ValueError(
                f"{name}: parameter group sizes {got} do not match this optimiser's {sizes}"
            )
        new_groups = []
        for mine, theirs in zip(self.param_groups, groups):
            group = {**mine, **{k: _plain(v) for k, v in theirs.items() if k != "params"}}
            self._validate_group(group)
            new_groups.append(group)
        params = [p for g in self.param_groups for p in g["params"]]
        new_state = {}
        for key, entries in state_dict["state"].items():
            i = int(key)
            if not 0 <= i < len(params):
                raise ValueError(
                    f"{name}: state for parameter {key} but there are only {len(params)}"
                )
            p = params[i]
            new_state[id(p)] = {
                k: self._load_state_entry(f"{name}: state '{k}' of parameter {i}", p, v)
                for k, v in entries.items()
            }
        for mine, group in zip(self.param_groups, new_groups):
            mine.update(group)  # the same dicts: schedulers and users may hold them
        self.state = new_state

    def _load_state_entry(self, where: str, p: Tensor, value: Any) -> Any:
        """A loaded state entry of parameter ``p``, checked and copied.

        Arrays are per-parameter buffers: shaped like ``p`` and cast to its dtype.
        Optimisers whose state holds other arrays (LBFGS's flat vectors) override this.
        """
        if isinstance(value, np.ndarray) and value.shape == p.shape:
            return np.array(value, dtype=p.dtype)
        if isinstance(value, np.ndarray) and value.ndim:
            raise ValueError(f"{where} has shape {value.shape}, expected {p.shape}")
        return _plain(value)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _buffer(state: dict[str, Any], key: str, like: np.ndarray) -> np.ndarray:
    """``state[key]``, made zeros on first use (a group may turn an option on later)."""
    buf = state.get(key)
    if buf is None:
        buf = state[key] = np.zeros_like(like)
    return buf


def _ema(avg: np.ndarray, value: np.ndarray, beta: float) -> None:
    """``avg = beta * avg + (1 - beta) * value``, in place: a moment's running average."""
    avg *= beta
    avg += (1.0 - beta) * value


def _weight_decay(
    data: np.ndarray, g: np.ndarray, lr: float, weight_decay: float, decoupled: bool
) -> np.ndarray:
    """The gradient with the L2 term ``weight_decay * p`` added, or, ``decoupled`` (AdamW's
    form), the gradient as it is and the parameter shrunk in place by ``1 - lr * weight_decay``.
    """
    if decoupled:
        data *= 1.0 - lr * weight_decay
        return g
    return g + weight_decay * data


def _plain(v: Any) -> Any:
    """A copy with numpy scalars made Python numbers (strong numpy scalars would upcast)."""
    if isinstance(v, (np.generic, np.ndarray)) and np.ndim(v) == 0:
        return v.item()
    if isinstance(v, (list, tuple)):
        return type(v)(_plain(x) for x in v)
    return copy.deepcopy(v)


def _refuse_sets(name: str, params: Any) -> None:
    # A set's order changes from run to run, and the state_dict refers to parameters by position.
    if isinstance(params, (set, frozenset)):
        raise TypeError(
            f"{name}: parameters must be given in a fixed order (a list or model.parameters()), "
            f"not a set"
        )
