"""``ag.autograd``: PyTorch's ``torch.autograd`` namespace.

- ``grad`` (the engine's ``ag.grad``) and ``backward(tensors, grad_tensors)``;
- ``Function`` with ``ctx`` for custom ops written PyTorch's way, ``once_differentiable``;
- ``functional``: ``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp``, ``vhp``;
- the grad-mode switches (``no_grad``, ``enable_grad``, ``set_grad_enabled``,
  ``inference_mode``, ``detect_anomaly``);
- HIPS autograd's function transforms ``elementwise_grad`` and ``value_and_grad``.
"""

from ..core import detect_anomaly, enable_grad, grad, no_grad, set_grad_enabled
from . import functional
from .engine import backward
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import inference_mode
from .transforms import elementwise_grad, value_and_grad

__all__ = [
    "Function",
    "FunctionCtx",
    "backward",
    "detect_anomaly",
    "elementwise_grad",
    "enable_grad",
    "functional",
    "grad",
    "inference_mode",
    "no_grad",
    "once_differentiable",
    "set_grad_enabled",
    "value_and_grad",
]
