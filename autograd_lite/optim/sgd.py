"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd_lite.optim.optimizer import Optimizer, ParamsLike

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""SGD, with PyTorch's exact update rule.

    For each parameter ``p`` with gradient ``g``::

        g = g + weight_decay * p
        if momentum:
            buf = g                                   (first step)
            buf = momentum * buf + (1 - dampening) * g  (later steps)
            g = g + momentum * buf if nesterov else buf
        p -= lr * g

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     (w * w).sum().backward()
    ...     opt.step()
    >>> np.round(w.data, 4).tolist()
    [0.46, -0.92]
    """

    _nonnegative = ("momentum", "weight_decay")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
        )
        super().__init__(params, defaults)

    def _validate_group(self, group: dict[str, Any]) -> None:
        super()._validate_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "SGD: Nesterov momentum needs momentum > 0 and dampening = 0, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _update_group(self, group: dict[str, Any]) -> None:
        # Python floats, so that float32 parameters stay float32 (numpy scalars would upcast).
        lr = float(group["lr"])
        momentum = float(group["momentum"])
        weight_decay = float(group["weight_decay"])
        if not momentum:  # no state: one or two numpy calls per parameter
            for p in group["params"]:
                if p.grad is not None:
                    data, g = p.data, p.grad.data
                    if weight_decay:
                        g = g + weight_decay * data
                    data -= lr * g
            return
        damp = 1.0 - float(group["dampening"])
        nesterov = group["nesterov"]
        for data, g, state in self._with_grads(group):
            if weight_decay:
                g = g + weight_decay * data
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, dtype=data.dtype)
            else:
                buf *= momentum
                buf += damp * g
            data -= lr * (g + momentum * buf if nesterov else buf)
