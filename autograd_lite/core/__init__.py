"""The core of autograd_lite: Tensor and Op nodes, and backpropagation over them.

The graph is bipartite: a Tensor holds an array and the Op that made it; an Op holds its inputs
(Tensors or constants) and what its forward saved. Read the parts in this order:

1. ``tensor.py``  Tensor: an array, its ``.grad``, the Op that made it (None for leaves).
2. ``graph.py``   Op: ``forward`` and ``backward`` side by side; applying an op to Tensors
                  makes the output Tensor and, when gradients are needed, links it to the op.
3. ``engine.py``  backward: pass 1 counts each tensor's consumers, pass 2 (the walk) runs every
                  op's backward once its output's gradient is complete, then the gradients are
                  delivered to ``.grad`` or returned by ``ag.grad``.
4. ``modes.py``   per-thread switches: grad recording (``no_grad``), anomaly detection, name scopes.
5. ``writes.py``  in-place writes: a clock, so that backward refuses values written since.
6. ``anomaly.py`` ``detect_anomaly``'s checks for NaN/Inf and where the op was made.

Backward is written once: an op's backward runs on arrays for ordinary gradients (fast, no
graph) and on Tensors under ``create_graph=True`` (differentiable, for gradients of gradients).
This package imports nothing but numpy; operators and methods are declared by
:mod:`autograd_lite.ops`.
"""

from .anomaly import nonfinite
from .engine import grad, unbroadcast
from .graph import Op, apply_binary, apply_nondifferentiable, apply_source, apply_unary, as_input
from .modes import (
    current_scope,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    name_scope,
    no_grad,
    replayable,
    set_grad_enabled,
)
from .tensor import Tensor, tensor, value

__all__ = [
    "Tensor",
    "Op",
    "tensor",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "is_grad_enabled",
    "detect_anomaly",
    "name_scope",
    "current_scope",
    "grad",
    "value",
    "apply_unary",
    "apply_binary",
    "apply_nondifferentiable",
    "apply_source",
    "replayable",
    "as_input",
    "nonfinite",
    "unbroadcast",
]
