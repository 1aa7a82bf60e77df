"""Adagrad."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al., 2011), with PyTorch's update rule.

    At step ``t`` (from 1), for each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p
        s = s + g**2                       (s starts at initial_accumulator_value)
        p -= lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0]), requires_grad=True)
    >>> opt = Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward()           # g = 2, s = 4: the step is lr * 2 / 2
    >>> opt.step()
    >>> np.round(w.data, 6).tolist()
    [0.9]
    """

    _nonnegative = ("lr_decay", "weight_decay", "initial_accumulator_value", "eps")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            eps=eps,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps = float(group["lr"]), float(group["lr_decay"]), float(group["eps"])
        weight_decay = float(group["weight_decay"])
        init = float(group["initial_accumulator_value"])
        for data, g, state in self._with_grads(group):
            if not state:
                state.update(step=0, sum=np.full_like(data, init))
            state["step"] = t = state["step"] + 1
            if weight_decay:
                g = g + weight_decay * data
            s = state["sum"]
            s += g * g
            denom = np.sqrt(s)
            denom += eps
            data -= (lr / (1.0 + (t - 1) * lr_decay)) * (g / denom)
