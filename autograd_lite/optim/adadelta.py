"""Adadelta."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike, _ema, _weight_decay

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g`` (``-g`` with ``maximize=True``)::

        g = g + weight_decay * p
        v = rho * v + (1 - rho) * g**2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta**2
        p -= lr * delta

    ``v`` and ``u`` start at zero and are kept in the state as ``square_avg`` and
    ``acc_delta``. The paper's method is ``lr=1`` (the default); ``lr`` scales its step.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adadelta([w], rho=0.5, eps=1e-2)
    >>> (w * 1.0).sum().backward()       # g = 1: v = 0.5, delta = 0.1 / sqrt(0.51)
    >>> opt.step()
    >>> np.round(w.data, 6).tolist()
    [0.859972]
    """

    _nonnegative = ("eps", "weight_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        super()._validate_group(group)
        if not 0.0 <= group["rho"] <= 1.0:
            raise ValueError(f"Adadelta: invalid rho {group['rho']!r}, expected in [0, 1]")

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, rho, eps = float(group["lr"]), float(group["rho"]), float(group["eps"])
        weight_decay = float(group["weight_decay"])
        for data, g, state in self._with_grads(group):
            if not state:
                state.update(step=0, square_avg=np.zeros_like(data), acc_delta=np.zeros_like(data))
            state["step"] += 1
            if weight_decay:
                g = _weight_decay(data, g, lr, weight_decay, False)
            v, u = state["square_avg"], state["acc_delta"]
            _ema(v, g * g, rho)
            delta = np.sqrt(u + eps)
            delta /= np.sqrt(v + eps)
            delta *= g
            _ema(u, delta * delta, rho)
            data -= lr * delta
