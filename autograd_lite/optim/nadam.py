"""NAdam: Adam with Nesterov momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.adam import _adam_moments
from autograd_lite.optim.optimizer import Optimizer, ParamsLike

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), with PyTorch's update rule and momentum schedule.

    At step ``t`` (from 1), for each parameter ``p`` with gradient ``g``
    (``-g`` with ``maximize=True``)::

        g = g + weight_decay * p               (or p *= 1 - lr * weight_decay, decoupled)
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
        prod = mu_1 * ... * mu_t
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        denom = sqrt(v / (1 - beta2**t)) + eps
        p -= lr * (1 - mu_t) / (1 - prod) * g / denom
        p -= lr * mu_{t+1} / (1 - prod * mu_{t+1}) * m / denom

    ``decoupled_weight_decay=True`` is the NAdamW of Loshchilov & Hutter. The product of
    the ``mu`` is kept in the state as ``mu_product``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    >>> opt = NAdam([w], lr=0.1)
    >>> (w * w).sum().backward()         # the first step: about lr, plus the look-ahead
    >>> opt.step()
    >>> np.round(w.data, 4).tolist()
    [0.8944, -1.8944]
    """

    _nonnegative = ("eps", "weight_decay", "momentum_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = (float(b) for b in group["betas"])
        psi = float(group["momentum_decay"])
        moments = _adam_moments(self, group, group["decoupled_weight_decay"])
        for data, g, m, v, t, state in moments:
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
            state["mu_product"] = prod = state.get("mu_product", 1.0) * mu
            denom = np.sqrt(v / (1.0 - beta2**t))
            denom += eps
            data -= (lr * (1.0 - mu) / (1.0 - prod)) * (g / denom)
            data -= (lr * mu_next / (1.0 - prod * mu_next)) * (m / denom)
