"""Op: a node of the graph, forward and backward side by side; applying one records it.

A recorded op holds its inputs, which of them need a gradient, its name scope, what its
forward saved, and the clock tick when it ran (see ``writes``).
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable
from typing import Any

import numpy as np

from . import anomaly, writes
from .modes import state
from .tensor import Tensor

_SEQUENCES = (list, tuple)
_NEEDS1 = (True,)  # shared needs_grad tuples: no object per op
_NEEDS2: tuple[tuple[tuple[bool, ...], ...], ...] = (
    ((False, False), (False, True)),
    ((True, False), (True, True)),
)


class Op:
    """A node of the graph: ``forward`` on arrays, ``backward`` beside it.

    Subclasses take their non-tensor arguments (axis, ...) in ``__init__`` and are applied
    by calling an instance on inputs: ``Sum(axis=0)(x)``. Inputs may be Tensors, arrays or
    Python scalars; with no Tensor among them the plain forward result is returned.

    ``backward(g, y, *xs)`` gets the upstream gradient ``g``, the output ``y`` and the inputs
    ``xs``: arrays for ordinary gradients, Tensors under ``create_graph=True``. It returns
    one gradient per input (a bare value for one input, a tuple otherwise, None where no
    gradient is needed), shaped like the broadcast result: the engine sums each back to its
    input's shape and dtype. ``self.needs_grad`` says which inputs need one.

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> class Cube(ag.Op):
    ...     def forward(self, x):
    ...         return x ** 3
    ...     def backward(self, g, y, x):
    ...         return 3 * g * x * x
    >>> x = ag.tensor(2.0, requires_grad=True)
    >>> Cube()(x).backward()
    >>> x.grad
    tensor(12., dtype=float32)
    """

    __slots__ = ("inputs", "needs_grad", "scope", "saved", "_epoch", "_trace")
    inputs: tuple[Any, ...] | None  # None once backward has used and freed them
    needs_grad: tuple[bool, ...]
    scope: str | None
    saved: Any
    _epoch: int
    _trace: traceback.StackSummary
    name: str = "op"
    # Whether backward reads the values of the inputs / the output. An op that does not (add,
    # reshape, sum, ...) gives right gradients even if they are written in place afterwards.
    reads_inputs: bool = True
    reads_output: bool = True
    _params: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()
        # Public slots declared by subclasses are the op's arguments, shown by describe().
        slots: list[str] = []
        for klass in reversed(cls.__mro__[:-2]):  # base classes first, in declaration order
            own = klass.__dict__.get("__slots__", ())
            slots += [own] if isinstance(own, str) else list(own)
        cls._params = tuple(s for s in dict.fromkeys(slots) if not s.startswith("_"))

    def forward(self, *xs: Any) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, g: Any, y: Any, *xs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def describe(self) -> dict[str, Any]:
        """The op's non-tensor arguments, for display (graph drawings, error messages)."""
        args = {k: getattr(self, k) for k in self._params if hasattr(self, k)}
        extra = getattr(self, "__dict__", {})
        args.update((k, v) for k, v in extra.items() if not k.startswith("_"))
        return args

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.describe().items())
        return f"<op {self.name}({args})>"

    def __call__(self, *inputs: Any) -> Any:
        if hasattr(self, "_epoch"):  # already in a graph: apply a copy, keep that graph intact
            self = copy.copy(self)
        if len(inputs) == 1:
            return apply_unary(self, inputs[0])
        if len(inputs) == 2:
            return apply_binary(self, *inputs)
        inputs = tuple(as_input(x) if type(x) in _SEQUENCES else x for x in inputs)
        tensors = [isinstance(x, Tensor) for x in inputs]
        if True not in tensors:
            y = self.forward(*inputs)
            return y if not state.watch else _plain(self, inputs, y)
        y = self.forward(*[x.data if t else x for x, t in zip(inputs, tensors)])
        needs = tuple(t and x._requires_grad for x, t in zip(inputs, tensors))
        return _output(self, inputs, needs if True in needs else None, y)


# How a list holding Tensors becomes one op input: autograd_lite.ops sets this to ``ag.array``
# (stacking them differentiably); the core itself knows no ops.
pack: Callable[[Any], Any] | None = None


def as_input(x: Any) -> Any:
    """An op input from what a user passed: numbers and lists become arrays, as in numpy, and
    a list holding Tensors one Tensor (``ag.array``), so that ``ag.mean([x, y])`` has gradients."""
    if type(x) in _SEQUENCES and pack is not None and _holds_tensor(x):
        return pack(x)
    return np.asarray(x)


def _holds_tensor(seq: Any) -> bool:
    return any(isinstance(i, Tensor) or (type(i) in _SEQUENCES and _holds_tensor(i)) for i in seq)


# The hot path of every op, unrolled for one and two inputs. Built-in op functions call
# these directly (a plain call is cheaper than going through Op.__call__).


def apply_unary(op: Op, x: Any) -> Any:
    """Run ``op`` on one input: a plain result for an array, else a Tensor (recorded if needed)."""
    if not isinstance(x, Tensor):
        if type(x) is not np.ndarray:
            x = as_input(x)
        if not isinstance(x, Tensor):
            y = op.forward(x)
            return y if not state.watch else _plain(op, (x,), y)
    return _output(op, (x,), _NEEDS1 if x._requires_grad else None, op.forward(x.data))


def apply_binary(op: Op, a: Any, b: Any) -> Any:
    """Run ``op`` on two inputs, either of which may be a constant."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    # Constants kept for backward must be arrays or scalars (lists have no .shape or arithmetic).
    if not ta and type(a) in _SEQUENCES:
        a = as_input(a)
        ta = isinstance(a, Tensor)
    if not tb and type(b) in _SEQUENCES:
        b = as_input(b)
        tb = isinstance(b, Tensor)
    if not (ta or tb):
        y = op.forward(a, b)
        return y if not state.watch else _plain(op, (a, b), y)
    y = op.forward(a.data if ta else a, b.data if tb else b)
    ra = ta and a._requires_grad
    rb = tb and b._requires_grad
    return _output(op, (a, b), _NEEDS2[ra][rb] if ra or rb else None, y)


def apply_nondifferentiable(op: Op, *inputs: Any) -> Any:
    """Run an op whose result has no gradient (a comparison, an index): never part of a graph."""
    y = op.forward(*[x.data if isinstance(x, Tensor) else x for x in inputs])
    if not any(isinstance(x, Tensor) for x in inputs):
        return y if not state.watch else _plain(op, inputs, y)
    return _output(op, inputs, None, y)


def _plain(op: Op, inputs: tuple[Any, ...], y: Any) -> Any:
    """An op on plain arrays: ag.jit records it when it reads a value the function computed
    or was given (anomaly mode checks only recorded ops)."""
    if state.tracer is not None:
        state.tracer.plain(op, inputs, y)
    return y


_new = object.__new__


def _output(op: Op, inputs: tuple[Any, ...], needs: tuple[bool, ...] | None, y: Any) -> Tensor:
    """The op's output tensor, linked into the graph when ``needs`` (which inputs need grad)
    is given and grad mode is on. The hot path of every op: built without __init__."""
    if type(y) is not np.ndarray:
        y = np.asarray(y)
    recording = state.recording
    if needs is None or recording is None:
        node = None
        watch = state.watch
    else:
        op.inputs = inputs
        op.needs_grad = needs
        op.scope, watch = recording
        op._epoch = writes.clock
        node = op
    t = _new(Tensor)
    t.data = y
    t._grad = None
    t._requires_grad = node is not None
    t.op = node
    t.name = None
    t._version = 0
    t._retains_grad = False
    t._pass = None
    t._pending = 0
    t._gsum = None
    if watch:  # detect_anomaly, or ag.jit tracing
        if state.anomaly:
            anomaly.check_forward(op, inputs, y)
        if state.tracer is not None:
            state.tracer.record(op, inputs, t)
    return t


def apply_source(op: Op) -> Tensor:
    """Run an op without inputs (a random draw, a constant) into a new leaf tensor; a tracer
    records it, so that a replay draws again."""
    return _output(op, (), None, op.forward())
