"""RAdam: Adam with a rectified adaptive learning rate."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite.optim.adam import _adam_moments
from autograd_lite.optim.optimizer import Optimizer, ParamsLike

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (Liu et al., 2020), with PyTorch's update rule.

    At step ``t`` (from 1), for each parameter ``p`` with gradient ``g``
    (``-g`` with ``maximize=True``)::

        g = g + weight_decay * p               (or p *= 1 - lr * weight_decay, decoupled)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
        if rho_t > 5:                          (the variance is tractable)
            r = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))
            p -= lr * m / (1 - beta1**t) * r * sqrt(1 - beta2**t) / (sqrt(v) + eps)
        else:                                  (the first steps: momentum SGD)
            p -= lr * m / (1 - beta1**t)

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    >>> opt = RAdam([w], lr=0.1)
    >>> (w * w).sum().backward()         # rho_1 = 1 <= 5: a plain step of lr * g
    >>> opt.step()
    >>> np.round(w.data, 6).tolist()
    [0.8, -1.6]
    """

    _nonnegative = ("eps", "weight_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = (float(b) for b in group["betas"])
        rho_inf = 2.0 / (1.0 - beta2) - 1.0
        moments = _adam_moments(self, group, group["decoupled_weight_decay"])
        for data, _, m, v, t, _ in moments:
            correction2 = 1.0 - beta2**t
            rho_t = rho_inf - 2.0 * t * beta2**t / correction2
            step = m * (lr / (1.0 - beta1**t))
            if rho_t > 5.0:
                rect = math.sqrt(
                    (rho_t - 4.0)
                    * (rho_t - 2.0)
                    * rho_inf
                    / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)
                )
                denom = np.sqrt(v)
                denom += eps
                step *= rect * math.sqrt(correction2)
                step /= denom
            data -= step
