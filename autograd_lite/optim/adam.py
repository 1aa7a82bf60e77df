"""Adam and AdamW (decoupled weight decay)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike, _buffer, _ema, _weight_decay

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with PyTorch's update rule.

    At step ``t`` (from 1), for each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p               (Adam: L2 penalty in the gradient)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v = v_max = maximum(v_max, v)          (amsgrad: the largest v so far, v_max from 0)
        p -= lr * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + eps)

    With ``amsgrad=True`` (Reddi et al., 2018) the denominator uses the running maximum
    of ``v``, bias-corrected by the current step's ``1 - beta2**t`` as PyTorch does; it
    is kept in the state as ``max_exp_avg_sq``.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    >>> opt = Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()                       # the first step moves each entry by about lr
    >>> np.round(w.data, 6).tolist()
    [0.9, -1.9]
    """

    # AdamW shrinks the parameter instead of adding weight_decay * p to the gradient.
    _decoupled = False

    _nonnegative = ("eps", "weight_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, eps = float(group["lr"]), float(group["eps"])
        beta1, beta2 = (float(b) for b in group["betas"])
        amsgrad = group["amsgrad"]
        for data, _, m, v, t, state in _adam_moments(self, group, self._decoupled):
            if amsgrad:
                v_max = _buffer(state, "max_exp_avg_sq", data)
                v = np.maximum(v_max, v, out=v_max)
            denom = np.sqrt(v)
            denom *= 1.0 / math.sqrt(1.0 - beta2**t)
            denom += eps
            step = m / denom
            step *= lr / (1.0 - beta1**t)
            data -= step


def _adam_moments(
    opt: Optimizer, group: dict[str, Any], decoupled: bool
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, dict[str, Any]]]:
    """The Adam family's common part of a step, for each parameter with a gradient.

    Counts the step ``t``, applies the weight decay (L2, or ``decoupled`` as AdamW) and
    updates the moments ``m = exp_avg`` and ``v = exp_avg_sq``; yields
    ``(p, g, m, v, t, state)`` with ``g`` the gradient after the L2 term, so that
    Adam, NAdam and RAdam only write their own parameter update.
    """
    lr, weight_decay = float(group["lr"]), float(group["weight_decay"])
    beta1, beta2 = (float(b) for b in group["betas"])
    for data, g, state in opt._with_grads(group):
        if "exp_avg" not in state:
            state.update(step=0, exp_avg=np.zeros_like(data), exp_avg_sq=np.zeros_like(data))
        state["step"] = t = state["step"] + 1
        if weight_decay:
            g = _weight_decay(data, g, lr, weight_decay, decoupled)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        _ema(m, g, beta1)
        _ema(v, g * g, beta2)
        yield data, g, m, v, t, state


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay.

    Before the Adam step, ``p *= 1 - lr * weight_decay``; the gradient is left alone.
    The default ``weight_decay`` is 0.01, as in PyTorch; ``amsgrad`` as in :class:`Adam`.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0]), requires_grad=True)
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * 0.0).sum().backward()       # zero gradient: only the decay acts
    >>> opt.step()
    >>> w.data.tolist()
    [0.95]
    """

    _decoupled = True

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad
        )
