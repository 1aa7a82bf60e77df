"""autograd_lite: a small, fast, readable reverse-mode autodiff engine on numpy.

>>> import autograd_lite as ag
>>> x = ag.tensor([1.0, 2.0], requires_grad=True)
>>> y = ag.sum(ag.tanh(x) * x)
>>> y.backward()
>>> x.grad.shape
(2,)
"""

from typing import Any

from . import autograd, data, dtypes, linalg, nn, ops, optim, random, utils
from .autograd import elementwise_grad, inference_mode, value_and_grad
from .core import (
    Op,
    Tensor,
    current_scope,
    detect_anomaly,
    enable_grad,
    grad,
    is_grad_enabled,
    name_scope,
    no_grad,
    set_grad_enabled,
    tensor,
    value,
)
from .creation import *  # noqa: F403 - ag.zeros, ag.rand, ag.from_numpy, ...
from .creation import __all__ as _creation_all
from .dtypes import *  # noqa: F403 - ag.float32, ag.get_default_dtype, ...
from .dtypes import __all__ as _dtypes_all
from .jit import Jit, JitError, jit
from .ops import *  # noqa: F403 - the ops under numpy's names: ag.exp, ag.matmul, ...
from .ops.declarations import declare, tensor_method
from .ops.declarations import exported as _exported_ops
from .ops.facts import cuda, device  # (also declares x.float(), x.to(), x.device, ...)
from .ops.reductions import return_types
from .random import *  # noqa: F403 - ag.manual_seed, ag.Generator, ...
from .random import __all__ as _random_all
from .serialization import load, save

__version__ = "0.1.0"

__all__ = [
    "Op",
    "Tensor",
    "tensor",
    "grad",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "name_scope",
    "detect_anomaly",
    "current_scope",
    "value",
    "declare",
    "jit",
    "Jit",
    "JitError",
    "tensor_method",
    "inference_mode",
    "elementwise_grad",
    "value_and_grad",
    *_creation_all,
    *_random_all,
    "autograd",
    "random",
    "utils",
    "ops",
    "linalg",
    "data",
    "nn",
    "optim",
    "save",
    "load",
    "dtypes",
    "device",
    "cuda",
    "return_types",
    *_dtypes_all,
    *_exported_ops(),
]


def __getattr__(name: str) -> Any:
    # viz pulls in graphviz; import it only when a picture is asked for.
    if name == "draw_graph":
        from .viz import draw_graph

        return draw_graph
    raise AttributeError(f"module 'autograd_lite' has no attribute {name!r}")
