"""RMSprop, plain or centred, with optional momentum."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike, _buffer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton's lecture 6e), with PyTorch's update rule.

    For each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p
        v = alpha * v + (1 - alpha) * g**2
        avg = sqrt(v - g_avg**2) + eps, g_avg = alpha * g_avg + (1 - alpha) * g   (centered)
        avg = sqrt(v) + eps                                                    (otherwise)
        buf = momentum * buf + g / avg;  p -= lr * buf     (momentum > 0)
        p -= lr * g / avg                                  (otherwise)

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0]), requires_grad=True)
    >>> opt = RMSprop([w], lr=0.01, alpha=0.99)
    >>> (w * w).sum().backward()          # g = 2, v = 0.01 * 4, step = 0.01 * 2 / 0.2
    >>> opt.step()
    >>> np.round(w.data, 6).tolist()
    [0.9]
    """

    _nonnegative = ("alpha", "eps", "weight_decay", "momentum")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
        )
        super().__init__(params, defaults)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr, alpha, eps = float(group["lr"]), float(group["alpha"]), float(group["eps"])
        weight_decay, momentum = float(group["weight_decay"]), float(group["momentum"])
        centered = group["centered"]
        for data, g, state in self._with_grads(group):
            if not state:
                state.update(step=0, square_avg=np.zeros_like(data))
            state["step"] += 1
            if weight_decay:
                g = g + weight_decay * data
            v = state["square_avg"]
            v *= alpha
            v += (1.0 - alpha) * (g * g)
            if centered:
                g_avg = _buffer(state, "grad_avg", data)
                g_avg *= alpha
                g_avg += (1.0 - alpha) * g
                avg = np.sqrt(v - g_avg * g_avg)
            else:
                avg = np.sqrt(v)
            avg += eps
            if momentum:
                buf = _buffer(state, "momentum_buffer", data)
                buf *= momentum
                buf += g / avg
                data -= lr * buf
            else:
                data -= lr * (g / avg)
