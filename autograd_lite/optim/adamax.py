"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike, _ema, _weight_decay

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7.1), with PyTorch's update rule.

    At step ``t`` (from 1), for each parameter ``p`` with gradient ``g``
    (``-g`` with ``maximize=True``)::

        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        u = maximum(beta2 * u, abs(g) + eps)
        p -= lr / (1 - beta1**t) * m / u

    ``m`` and ``u`` start at zero and are kept in the state as ``exp_avg`` and ``exp_inf``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    >>> opt = Adamax([w], lr=0.1)
    >>> (w * w).sum().backward()         # the first step moves each entry by lr
    >>> opt.step()
    >>> np.round(w.data, 6).tolist()
    [0.9, -1.9]
    """

    _nonnegative = ("eps", "weight_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        weight_decay = float(group["weight_decay"])
        beta1, beta2 = (float(b) for b in group["betas"])
        for data, g, state in self._with_grads(group):
            if not state:
                state.update(step=0, exp_avg=np.zeros_like(data), exp_inf=np.zeros_like(data))
            state["step"] = t = state["step"] + 1
            if weight_decay:
                g = _weight_decay(data, g, lr, weight_decay, False)
            m, u = state["exp_avg"], state["exp_inf"]
            _ema(m, g, beta1)
            u *= beta2
            np.maximum(u, np.abs(g) + eps, out=u)
            step = m / u
            step *= lr / (1.0 - beta1**t)
            data -= step
