"""The core of autograd_lite: Tensor and Op nodes, grad mode, name scopes, and the backward engine.

The graph is bipartite. A :class:`Tensor` holds an array and the :class:`Op` that made it;
an Op holds its inputs (Tensors or constants) and whatever its forward saved. Backward walks
the graph iteratively (Kahn's algorithm over tensors), so graph depth is never limited by
Python's recursion limit. Each op's backward is written once with operators and ``ag``
functions, so it runs on plain arrays for ordinary gradients (fast, no graph) and on Tensors
under ``create_graph=True`` (differentiable, for gradients of gradients).

This module imports nothing but numpy: operators and methods are attached to Tensor by
:mod:`autograd_lite.ops`.
"""

from __future__ import annotations

import copy
import threading
import traceback
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import ContextDecorator
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

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
]

ArrayLike = Any
F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------- grad mode


class _ThreadState(threading.local):
    """Per-thread mode: whether ops are recorded, and the current name scope."""

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.scope: str | None = None
        self.saved: list[Any] = []  # what the open mode switches and scopes will restore
        self.refresh()

    def refresh(self) -> None:
        # What op creation needs, in one read: None when not recording, else (scope, anomaly).
        self.recording = (self.scope, self.anomaly) if self.grad_enabled else None


_state = _ThreadState()

# A clock of in-place writes through the API. An op remembers the tick when it was recorded,
# so a graph with no writes since it was built costs one comparison per op to check. Each
# write is remembered for the memory it touched (the array at the root of a view), so a write
# through a view or a detach()-ed tensor is seen by every tensor sharing that memory.
_modifications = 0
_last_write: dict[int, tuple[weakref.ref[np.ndarray], int]] = {}
_running: set[object] = set()  # tokens of the backward passes under way, in any thread


def _storage(arr: np.ndarray) -> np.ndarray:
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def _written_after(arr: np.ndarray, tick: int) -> bool:
    root = _storage(arr)
    entry = _last_write.get(id(root))
    return entry is not None and entry[0]() is root and entry[1] > tick


def _forget_writes(key: int) -> Callable[[weakref.ref[np.ndarray]], None]:
    def forget(ref: weakref.ref[np.ndarray]) -> None:
        entry = _last_write.get(key)
        if entry is not None and entry[0] is ref:
            del _last_write[key]

    return forget


def is_grad_enabled() -> bool:
    """True when new ops are recorded for backward (the default), in this thread."""
    return _state.grad_enabled


class _ModeSwitch(ContextDecorator):
    """Set a per-thread mode inside a ``with`` block or a decorated function, then restore it.

    What to restore goes on a per-thread stack, so one instance can be shared by threads,
    re-entered, or used as a decorator on recursive functions.
    """

    _attr = ""

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)

    def __enter__(self) -> _ModeSwitch:
        _state.saved.append(getattr(_state, self._attr))
        setattr(_state, self._attr, self.mode)
        _state.refresh()
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(_state, self._attr, _state.saved.pop())
        _state.refresh()


class set_grad_enabled(_ModeSwitch):
    """Turn recording on or off (per thread): as a call, in a ``with`` block, or as a decorator.

    As in PyTorch, ``ag.set_grad_enabled(False)`` on its own line sets the mode until changed.
    """

    _attr = "grad_enabled"

    def __init__(self, mode: bool) -> None:
        super().__init__(mode)
        self._before = _state.grad_enabled
        _state.grad_enabled = self.mode
        _state.refresh()

    def __enter__(self) -> set_grad_enabled:
        _state.saved.append(self._before)  # the mode was set by the call; restore on exit
        return self

    def __call__(self, func: F) -> F:
        # As a decorator: undo the call's effect now, set the mode around each call instead.
        _state.grad_enabled = self._before
        _state.refresh()
        return super().__call__(func)

    def _recreate_cm(self) -> set_grad_enabled:
        return set_grad_enabled(self.mode)


class _GradSwitch(_ModeSwitch):
    """no_grad/enable_grad: ``with ag.no_grad():``, ``@ag.no_grad()`` or bare ``@ag.no_grad``."""

    _attr = "grad_enabled"
    _mode = False

    def __new__(cls, func: Any = None) -> Any:
        if func is not None:  # used as a bare decorator
            return cls()(func)
        return super().__new__(cls)

    def __init__(self, func: Any = None) -> None:
        super().__init__(self._mode)


class no_grad(_GradSwitch):
    """Context manager and decorator: ops inside are not recorded (``with ag.no_grad(): ...``)."""

    _mode = False


class enable_grad(_GradSwitch):
    """Context manager and decorator that turns recording back on inside a no_grad region."""

    _mode = True


class detect_anomaly(_ModeSwitch):
    """Check every recorded forward and backward result for NaN/Inf (per thread).

    The first op that produces one raises FloatingPointError naming the op and showing
    where in your code it was created. The creation stack is recorded only in this mode,
    so normal runs pay nothing.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([0.0], requires_grad=True)
    >>> with ag.detect_anomaly():
    ...     y = ag.log(x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FloatingPointError: detect_anomaly: forward of 'log' produced Inf ...
    """

    _attr = "anomaly"

    def __init__(self, mode: bool = True) -> None:
        super().__init__(mode)


class name_scope:
    """Ops created inside carry the scope path (``"encoder.0"``); scopes nest with dots.

    A small class rather than a generator: modules open one per call, on the hot path.

    >>> import autograd_lite as ag
    >>> with ag.name_scope("encoder"), ag.name_scope("0"):
    ...     ag.current_scope()
    'encoder.0'
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = str(name)

    def __enter__(self) -> str:
        outer = _state.scope
        _state.saved.append(outer)
        _state.scope = scope = f"{outer}.{self.name}" if outer else self.name
        _state.refresh()
        return scope

    def __exit__(self, *exc: object) -> None:
        _state.scope = _state.saved.pop()
        _state.refresh()


def current_scope() -> str | None:
    """The name scope that new ops record, or None outside any scope."""
    return _state.scope


# --------------------------------------------------------------------------- Tensor


def _check_float(data: np.ndarray, what: str) -> None:
    if data.dtype.kind != "f":
        raise TypeError(
            f"{what}: only floating-point tensors can require gradients, got dtype {data.dtype}; "
            f"convert first, e.g. ag.tensor(x, dtype=np.float64, requires_grad=True)"
        )


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    Parameters
    ----------
    data : array_like
        Wrapped without copying when it already is an ndarray (use :func:`tensor` to copy).
    requires_grad : bool
        Record ops on this tensor so that ``backward`` fills its ``.grad``. Floating dtypes only.
    dtype : numpy dtype, optional
    name : str, optional
        Shown in graph drawings.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "op",
        "name",
        "_version",
        "_retains_grad",
        "_pass",  # the backward pass that last counted this tensor's consumers
        "_pending",  # consumers whose gradient has not arrived yet, in that pass
        "_gsum",  # the sum of the gradients that have arrived, in that pass
    )
    __array_priority__ = 1000.0

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        arr = np.asarray(data, dtype=dtype)
        if requires_grad:
            _check_float(arr, "tensor")
        self.data: np.ndarray = arr
        self.grad: Tensor | None = None
        self.requires_grad: bool = bool(requires_grad)
        self.op: Op | None = None
        self.name: str | None = name
        self._version = 0
        self._retains_grad = False
        self._pass: object = None
        self._pending = 0
        self._gsum: Any = None

    __hash__ = object.__hash__  # __eq__ is elementwise, so hash by identity as PyTorch does

    # -- array facts
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded op (user-created or detached)."""
        return self.op is None

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor(self.data)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: the tensor does not require grad")
        self._retains_grad = True

    # -- in-place writes: they tick the version clock, so backward through a graph that
    # used the old values raises instead of returning a wrong gradient.
    def mark_modified(self) -> None:
        """Record an in-place write to ``.data`` made outside the API (optimisers call this)."""
        global _modifications
        _modifications += 1
        self._version = _modifications
        root = _storage(self.data)
        key = id(root)
        entry = _last_write.get(key)
        if entry is not None and entry[0]() is root:  # written before (every optimizer step)
            _last_write[key] = (entry[0], _modifications)
        else:
            _last_write[key] = (weakref.ref(root, _forget_writes(key)), _modifications)

    def _write(self, what: str, new: Any, fn: Callable[[np.ndarray, Any], Any]) -> Tensor:
        if self.requires_grad and _state.grad_enabled:
            raise RuntimeError(
                f"{what}: in-place change of a tensor that requires grad is not differentiable; "
                f"do it under ag.no_grad() (e.g. a parameter update) or build a new tensor"
            )
        if isinstance(new, Tensor) and new.requires_grad and _state.grad_enabled:
            raise RuntimeError(
                f"{what}: the value requires grad, and writing it into a tensor in place would "
                f"drop its gradient; build the result with ag.where or ag.concatenate instead"
            )
        new = value(new)
        try:
            fn(self.data, new)
        except IndexError as e:
            raise IndexError(f"{what}: bad index for a tensor of shape {self.shape}: {e}") from None
        except (ValueError, TypeError) as e:
            got = np.asarray(new)
            raise (TypeError if isinstance(e, TypeError) else ValueError)(
                f"{what}: cannot write a value of shape {got.shape} and dtype {got.dtype} into "
                f"a tensor of shape {self.shape} and dtype {self.dtype} ({e})"
            ) from None
        self.mark_modified()
        return self

    def add_(self, other: ArrayLike) -> Tensor:
        """In place ``self += other`` (broadcast to this tensor's shape)."""
        return self._write("add_", other, lambda d, o: np.add(d, o, out=d, casting="same_kind"))

    def sub_(self, other: ArrayLike) -> Tensor:
        """In place ``self -= other``."""
        return self._write(
            "sub_", other, lambda d, o: np.subtract(d, o, out=d, casting="same_kind")
        )

    def mul_(self, other: ArrayLike) -> Tensor:
        """In place ``self *= other``."""
        return self._write(
            "mul_", other, lambda d, o: np.multiply(d, o, out=d, casting="same_kind")
        )

    def fill_(self, fill_value: Any) -> Tensor:
        return self._write("fill_", fill_value, lambda d, v: d.fill(v))

    def zero_(self) -> Tensor:
        return self._write("zero_", 0, lambda d, v: d.fill(v))

    def copy_(self, src: ArrayLike) -> Tensor:
        """Copy ``src`` (broadcast to this shape) into this tensor in place."""
        return self._write("copy_", src, lambda d, v: np.copyto(d, v, casting="same_kind"))

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype not in (np.float64, np.int64, np.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self.op is not None:
            extras.append(f"op=<{self.op.name}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({body}{''.join(', ' + e for e in extras)})"

    def __bool__(self) -> bool:
        return bool(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    if TYPE_CHECKING:  # attached by autograd_lite.ops; declared here for type checkers

        def __add__(self, other: ArrayLike) -> Tensor: ...
        def __radd__(self, other: ArrayLike) -> Tensor: ...
        def __sub__(self, other: ArrayLike) -> Tensor: ...
        def __rsub__(self, other: ArrayLike) -> Tensor: ...
        def __mul__(self, other: ArrayLike) -> Tensor: ...
        def __rmul__(self, other: ArrayLike) -> Tensor: ...
        def __truediv__(self, other: ArrayLike) -> Tensor: ...
        def __rtruediv__(self, other: ArrayLike) -> Tensor: ...
        def __pow__(self, other: ArrayLike) -> Tensor: ...
        def __rpow__(self, other: ArrayLike) -> Tensor: ...
        def __matmul__(self, other: ArrayLike) -> Tensor: ...
        def __rmatmul__(self, other: ArrayLike) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __getitem__(self, index: Any) -> Tensor: ...
        def __setitem__(self, index: Any, new: ArrayLike) -> None: ...
        def __lt__(self, other: ArrayLike) -> Tensor: ...
        def __le__(self, other: ArrayLike) -> Tensor: ...
        def __gt__(self, other: ArrayLike) -> Tensor: ...
        def __ge__(self, other: ArrayLike) -> Tensor: ...
        def __eq__(self, other: object) -> Tensor: ...  # type: ignore[override]
        def __ne__(self, other: object) -> Tensor: ...  # type: ignore[override]
        def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def max(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def min(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor: ...
        def softmax(self, axis: int = -1) -> Tensor: ...
        def log_softmax(self, axis: int = -1) -> Tensor: ...
        def exp(self) -> Tensor: ...
        def log(self) -> Tensor: ...
        def sqrt(self) -> Tensor: ...
        def sin(self) -> Tensor: ...
        def cos(self) -> Tensor: ...
        def tanh(self) -> Tensor: ...
        def sigmoid(self) -> Tensor: ...
        def relu(self) -> Tensor: ...
        def abs(self) -> Tensor: ...
        def clip(self, min: float | None = None, max: float | None = None) -> Tensor: ...
        def expand_dims(self, axis: int | tuple[int, ...]) -> Tensor: ...
        def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor: ...
        def broadcast_to(self, shape: Sequence[int]) -> Tensor: ...
        def astype(self, dtype: Any) -> Tensor: ...
        def matmul(self, other: ArrayLike) -> Tensor: ...
        def reshape(self, *shape: Any) -> Tensor: ...
        def transpose(self, *axes: Any) -> Tensor: ...
        def swapaxes(self, a: int, b: int) -> Tensor: ...
        def flatten(self) -> Tensor: ...
        def round(self, decimals: int = 0) -> Tensor: ...
        @property
        def T(self) -> Tensor: ...  # noqa: N802

    def backward(
        self,
        grad: ArrayLike | None = None,
        retain_graph: bool = False,
        create_graph: bool = False,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (zeroing is the caller's job).

        ``grad`` is the upstream gradient, required unless this tensor has one element.
        ``create_graph=True`` makes the gradients differentiable (gradients of gradients).
        """
        _backward((self,), (grad,), retain_graph or create_graph, create_graph, capture=None)


def tensor(
    data: ArrayLike,
    requires_grad: bool = False,
    dtype: Any = None,
    name: str | None = None,
) -> Tensor:
    """Make a leaf tensor holding a copy of ``data``.

    Without ``dtype``, as ``torch.tensor``: Python floats (and lists of them) become
    ``ag.get_default_dtype()`` (float32), Python ints int64, bools bool; numpy arrays,
    numpy scalars and Tensors keep their dtype (``ag.tensor(np.ones(2))`` is float64).

    >>> import autograd_lite as ag
    >>> ag.tensor([1.5]).dtype, ag.tensor([1, 2]).dtype, ag.tensor(np.ones(2)).dtype
    (dtype('float32'), dtype('int64'), dtype('float64'))
    """
    if isinstance(data, Tensor):
        data = data.data
    arr = np.array(data, dtype=dtype, copy=True)
    if dtype is None and not isinstance(data, np.ndarray | np.generic):
        from .dtypes import for_python  # (core imports nothing of the package at load time)

        arr = arr.astype(for_python(data, arr.dtype), copy=False)
    return Tensor(arr, requires_grad, name=name)


_new = object.__new__


def value(x: Any) -> Any:
    """The array behind a Tensor (constants pass through): for masks and indices in backward."""
    return x.data if isinstance(x, Tensor) else x


# --------------------------------------------------------------------------- Op

_SEQUENCES = (list, tuple)
_NEEDS1 = (True,)  # shared needs_grad tuples: one fewer object per op
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
    tensor(12.)
    """

    __slots__ = ("inputs", "needs_grad", "scope", "saved", "_epoch", "_trace")
    inputs: tuple[Any, ...] | None
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
        arrays: list[Any] = []
        needs: list[bool | None] = []
        for x in inputs:
            if isinstance(x, Tensor):
                arrays.append(x.data)
                needs.append(x.requires_grad)
            else:
                arrays.append(x)
                needs.append(None)  # not a tensor
        if needs.count(None) == len(needs):
            return self.forward(*inputs)
        y = self.forward(*arrays)
        if type(y) is not np.ndarray:
            y = np.asarray(y)
        return _output(self, inputs, tuple(map(bool, needs)) if True in needs else None, y)


# The hot path of every op, unrolled for one and two inputs. Built-in op functions call
# these directly (a plain call is cheaper than going through Op.__call__).


def apply_unary(op: Op, x: Any) -> Any:
    """Run ``op`` on one input: a plain result for an array, else a Tensor (recorded if needed)."""
    if not isinstance(x, Tensor):
        return op.forward(x)
    y = op.forward(x.data)
    if type(y) is not np.ndarray:
        y = np.asarray(y)
    return _output(op, (x,), _NEEDS1 if x.requires_grad else None, y)


def apply_binary(op: Op, a: Any, b: Any) -> Any:
    """Run ``op`` on two inputs, either of which may be a constant."""
    ta = isinstance(a, Tensor)
    tb = isinstance(b, Tensor)
    if not (ta or tb):
        return op.forward(a, b)
    # Constants kept for backward must be arrays or scalars (lists have no .shape or arithmetic).
    if not ta and type(a) in _SEQUENCES:
        a = np.asarray(a)
    if not tb and type(b) in _SEQUENCES:
        b = np.asarray(b)
    y = op.forward(a.data if ta else a, b.data if tb else b)
    if type(y) is not np.ndarray:
        y = np.asarray(y)
    ra = ta and a.requires_grad
    rb = tb and b.requires_grad
    return _output(op, (a, b), _NEEDS2[ra][rb] if ra or rb else None, y)


def _output(op: Op, inputs: tuple[Any, ...], needs: tuple[bool, ...] | None, y: Any) -> Tensor:
    """The op's output tensor, linked into the graph when ``needs`` (which inputs need grad)
    is given and grad mode is on. The hot path of every op: built without __init__."""
    if needs is None or (recording := _state.recording) is None:
        if _state.anomaly:
            _check_forward(op, inputs, y)
        node = None
    else:
        op.inputs = inputs
        op.needs_grad = needs
        op.scope, anomaly = recording
        op._epoch = _modifications
        if anomaly:
            _check_forward(op, inputs, y)
        node = op
    t = _new(Tensor)
    t.data = y
    t.grad = None
    t.requires_grad = node is not None
    t.op = node
    t.name = None
    t._version = 0
    t._retains_grad = False
    t._pass = None
    t._pending = 0
    t._gsum = None
    return t


def _user_frames(stack: traceback.StackSummary) -> str:
    """The part of a stack outside autograd_lite's own core and ops: where the user made an op."""
    here = __file__.rsplit("/", 1)[0]
    frames = [f for f in stack if not (f.filename.startswith(here) and "/nn/" not in f.filename)]
    return "".join(traceback.format_list(frames[-6:])) or "".join(stack.format()[-3:])


def _nonfinite(x: Any) -> str | None:
    """'NaN' or 'Inf' if the values hold one (NaN reported first), else None."""
    a = np.asarray(x)
    if a.dtype.kind not in "fc" or bool(np.isfinite(a).all()):
        return None
    return "NaN" if bool(np.isnan(a).any()) else "Inf"


def _check_forward(op: Op, inputs: Sequence[Any], y: np.ndarray) -> None:
    """detect_anomaly's forward check; also records where the op was made."""
    op._trace = traceback.StackSummary.from_list(traceback.extract_stack()[:-2])
    bad = _nonfinite(y)
    if bad is not None:
        bad_inputs = [i for i, x in enumerate(inputs) if _nonfinite(value(x)) is not None]
        origin = (
            f"its inputs {bad_inputs} already held NaN/Inf" if bad_inputs else "from finite inputs"
        )
        raise FloatingPointError(
            f"detect_anomaly: forward of '{op.name}' produced {bad} "
            f"(output shape {y.shape}, {origin}). The op was created at:\n"
            f"{_user_frames(op._trace)}"
        )


def _check_backward(op: Op, gxs: Sequence[Any]) -> None:
    """detect_anomaly's backward check: name the op whose backward made NaN/Inf."""
    for i, gx in enumerate(gxs):
        if gx is None:
            continue
        arr = value(gx)
        bad = _nonfinite(arr)
        if bad is not None:
            trace = getattr(op, "_trace", None)
            where = (
                _user_frames(trace)
                if trace is not None
                else "(not recorded: it was made outside detect_anomaly, or by a backward pass)\n"
            )
            raise FloatingPointError(
                f"detect_anomaly: backward of '{op.name}' produced {bad} in the "
                f"gradient of its input {i} (shape {np.shape(arr)}). The op was created at:\n"
                f"{where}"
            )


# --------------------------------------------------------------------------- the engine

_FREED = (
    "backward through a graph that was already freed: ops release what they saved once backward "
    "has used them. Pass retain_graph=True to the first backward()/ag.grad() to go through the "
    "graph again."
)


def _fit(g: Any, like: np.ndarray, op: Op) -> Any:
    """Sum a broadcast gradient back to ``like``'s shape and cast it to its dtype."""
    shape, gshape = like.shape, g.shape
    if gshape != shape:
        lead = len(gshape) - len(shape)
        axes = list(range(lead))  # the axes broadcasting added in front, then its stretched 1s
        fits = lead >= 0
        for i, n in enumerate(shape if fits else ()):
            if gshape[i + lead] != n:
                fits = n == 1
                if not fits:
                    break
                axes.append(i + lead)
        if not fits:
            raise ValueError(
                f"backward of '{op.name}' returned a gradient of shape {tuple(gshape)} "
                f"for an input of shape {shape}; expected that shape or one broadcasting to it"
            )
        # keepdims when no axis is dropped, so no reshape (a view) is needed; ndarray.sum is a
        # Python function around np.add.reduce
        reduce: Any = np.add.reduce if type(g) is np.ndarray else type(g).sum
        g = reduce(g, axis=tuple(axes), keepdims=lead == 0)
        if len(axes) > lead > 0:  # stretched 1s were dropped with the leading axes
            g = g.reshape(shape)
    if g.dtype != like.dtype:
        g = g.astype(like.dtype)
    return g


def _as_root_grad(out: Tensor, g: Any, create_graph: bool) -> Any:
    """Check and convert the upstream gradient given for an output."""
    if g is None:
        if out.data.size != 1:
            raise RuntimeError(
                f"backward: grad can be implied only for a one-element output, got shape "
                f"{out.shape}; pass grad= (an array of shape {out.shape}) or reduce first "
                f"(e.g. .sum())"
            )
        g = np.empty_like(out.data)
        g.fill(1)  # (np.ones_like costs ~1 us of Python; this is every loss.backward())
        return Tensor(g) if create_graph else g
    if isinstance(g, Tensor):
        if not create_graph:
            g = g.data
        elif g.dtype != out.dtype:
            g = g.astype(out.dtype)
    else:
        g = np.asarray(g)
    if g.shape != out.shape:
        raise ValueError(f"backward: grad has shape {g.shape} but the output has {out.shape}")
    if np.dtype(g.dtype).kind not in "fciub":
        raise TypeError(f"backward: grad must be numeric, got dtype {g.dtype}")
    if not isinstance(g, Tensor):
        g = g.astype(out.dtype, copy=False)
        if create_graph:
            g = Tensor(g)
    return g


def _on_paths(roots: Sequence[Tensor], targets: Any) -> set[Tensor]:
    """The tensors on a path from a root down to a target, targets included: all that
    ag.grad has to run. Iterative post-order walk; local state only (thread-safe)."""
    on: set[Tensor] = set()
    seen: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(r, False) for r in roots]
    while stack:
        t, finished = stack.pop()
        inputs = () if t.op is None else t.op.inputs
        if inputs is None:
            raise RuntimeError(_FREED)
        if finished:
            if t in targets or any(isinstance(x, Tensor) and x in on for x in inputs):
                on.add(t)
        elif t not in seen:
            seen.add(t)
            stack.append((t, True))
            stack.extend((x, False) for x in inputs if isinstance(x, Tensor) and x.requires_grad)
    return on


def _count_consumers(roots: Sequence[Tensor], token: object, only: Any = None) -> None:
    """Pass 1: count, on each non-leaf tensor reachable from the roots, the ops that consume it.

    Counts live on the tensors (no dict to hash into, nothing left behind); ``token`` marks
    every non-leaf tensor this backward reaches, so an earlier, interrupted backward cannot
    confuse it. Leaves need no count: their sums are the pass's own and go out after the walk.
    Nothing else is changed here, so the errors below leave the graph as it was.
    """
    stack = []
    clock = _modifications
    nested = len(_running) > 1  # another backward is under way: it must not share our tensors
    for r in roots:
        if only is not None and r not in only:
            continue
        if r.op is not None and r._pass is not token:
            r._pass = token
            r._pending = 0
            r._gsum = None
            stack.append(r)
    while stack:
        t = stack.pop()
        op = t.op
        inputs = op.inputs  # type: ignore[union-attr]
        if inputs is None:
            raise RuntimeError(_FREED)
        if op._epoch != clock:  # type: ignore[union-attr]
            _check_unmodified(op, t)  # type: ignore[arg-type]
        for x in inputs:
            if isinstance(x, Tensor) and x.op is not None and (only is None or x in only):
                if x._pass is token:
                    x._pending += 1
                    continue
                if nested and x._pass in _running:
                    raise RuntimeError(
                        f"backward: a tensor of shape {x.shape} made by '{x.op.name}' is part of "
                        f"a backward that is still running (a backward or ag.grad inside another "
                        f"one, through shared tensors); run them one after the other"
                    )
                x._pass = token
                x._pending = 1
                x._gsum = None
                stack.append(x)


def _check_unmodified(op: Op, out: Tensor) -> None:
    """Refuse to backward through an op whose output or inputs, which its backward reads,
    were written in place since it ran."""
    candidates = [("output", out)] if op.reads_output else []
    if op.reads_inputs:
        candidates += [(f"input {i}", x) for i, x in enumerate(op.inputs)]  # type: ignore[arg-type]
    for which, x in candidates:
        if isinstance(x, Tensor) and _written_after(x.data, op._epoch):
            raise RuntimeError(
                f"backward: the {which} of '{op.name}' (shape {x.shape}) was modified in place "
                f"after the op used it (e.g. an optimizer step, setitem or add_ between forward "
                f"and backward), so its gradient would be wrong. Run backward first, or work on "
                f"a copy."
            )


def _backward(
    roots: Sequence[Tensor],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    capture: dict[Tensor, Any] | None,
    only: set[Tensor] | None = None,
) -> None:
    """Propagate gradients from ``roots`` to leaves.

    With ``capture`` (from :func:`grad`) the gradients of the captured tensors are stored
    there and no ``.grad`` is touched; otherwise leaves accumulate into ``.grad``. With
    ``only``, ops and tensors outside that set are neither run nor freed.
    """
    for r in roots:
        if not r.requires_grad:
            raise RuntimeError(
                "backward: the output does not require grad (no input of the computation "
                "requires grad, or it ran under no_grad)"
            )
    grads = [_as_root_grad(r, g, create_graph) for r, g in zip(roots, root_grads)]
    token = object()
    _running.add(token)  # before counting, so that two passes starting together see each other
    try:
        _count_consumers(roots, token, only)
    except BaseException:
        _running.discard(token)
        raise
    # Each non-leaf tensor sums its incoming gradients in _gsum; once its last consumer is
    # done it goes on the ready stack, and its op turns that sum into its inputs' gradients.
    # Leaves' sums are this pass's own (threads or a nested ag.grad may share a leaf, e.g. a
    # weight), and each leaf gets one delivery, after the walk.
    leaves: dict[Tensor, Any] = {}
    for r, g in zip(roots, grads):
        if only is not None and r not in only:
            continue
        if r.op is None:
            prev = leaves.get(r)
            leaves[r] = _own(g, create_graph) if prev is None else prev + g  # g: the caller's
        else:
            r._gsum = g if r._gsum is None else r._gsum + g
    ready = [
        r
        for r in dict.fromkeys(roots)
        if r.op is not None and r._pending == 0 and (only is None or r in only)
    ]

    saved_mode, anomaly = _state.grad_enabled, _state.anomaly
    _state.grad_enabled = create_graph  # first-order backward never records ops
    _state.anomaly = False  # ops made by backward itself are checked as backward, by op
    _state.refresh()
    pop, push = ready.pop, ready.append
    watch = capture is not None
    op: Any
    inputs: Any
    try:
        while ready:
            t = pop()
            g = t._gsum
            t._gsum = None
            op = t.op
            inputs = op.inputs
            n = len(inputs)
            if g is None:  # nothing flowed into t: its inputs only need their counts released
                gxs: Any = (None,) * n
            else:
                if t._retains_grad or (watch and t in capture):  # type: ignore[operator]
                    _deliver(t, _own(g, create_graph), create_graph, capture)
                if only is not None and not any(x in only for x in inputs if isinstance(x, Tensor)):
                    continue  # no input of ag.grad below t: leave t's op as it is
                if create_graph:
                    gxs = op.backward(g, t, *inputs)
                elif n == 1:
                    gxs = op.backward(g, t.data, inputs[0].data)
                elif n == 2:
                    a, b = inputs
                    gxs = op.backward(
                        g,
                        t.data,
                        a.data if isinstance(a, Tensor) else a,
                        b.data if isinstance(b, Tensor) else b,
                    )
                else:
                    gxs = op.backward(
                        g, t.data, *[x.data if isinstance(x, Tensor) else x for x in inputs]
                    )
                if type(gxs) is not tuple:
                    gxs = (gxs,)
                if len(gxs) != n:
                    raise RuntimeError(
                        f"backward of '{op.name}' returned {len(gxs)} gradients for {n} inputs"
                    )
                if anomaly:
                    _check_backward(op, gxs)
            if not retain_graph:
                op.inputs = op.saved = None
            for x, gx, need in zip(inputs, gxs, op.needs_grad):
                if not (need or isinstance(x, Tensor)) or (only is not None and x not in only):
                    continue  # a constant, or a tensor ag.grad does not need
                if need and gx is not None:
                    xd = x.data
                    if gx.shape != xd.shape or gx.dtype is not xd.dtype:
                        gx = _fit(gx, xd, op)
                    if x.op is None:  # a leaf: summed here, delivered once at the end
                        prev = leaves.get(x)
                        if prev is not None:
                            leaves[x] = prev + gx
                        elif gx is g or value(gx).base is not None:
                            leaves[x] = _own(gx, create_graph)  # it becomes .grad: alias nothing
                        else:
                            leaves[x] = gx
                        continue
                    prev = x._gsum
                    x._gsum = gx if prev is None else prev + gx
                elif x.op is None:
                    continue
                # (pass 1 counted every non-leaf input, so edges without a gradient count too)
                left = x._pending - 1
                x._pending = left
                if left == 0:  # x has all its gradient
                    push(x)
        for x, gsum in leaves.items():
            _deliver(x, gsum, create_graph, capture)
    finally:
        _state.grad_enabled, _state.anomaly = saved_mode, anomaly
        _state.refresh()
        _running.discard(token)


_accumulate = threading.Lock()


def _own(g: Any, create_graph: bool) -> Any:
    """A copy of a gradient that is about to become a ``.grad`` but may be shared."""
    return g * 1 if create_graph else np.array(g, copy=True)


def _deliver(t: Tensor, g: Any, create_graph: bool, capture: Any) -> None:
    """Hand a finished gradient, owned by nobody else, to a leaf's ``.grad``, a retained
    tensor or ag.grad's capture."""
    if not create_graph and type(g) is not np.ndarray:
        g = np.asarray(g)  # numpy returns scalars for 0-d results; .grad.data is always an array
    if capture is not None:
        if t in capture:
            prev = capture[t]
            capture[t] = g if prev is None else prev + g
        return
    with _accumulate:  # threads sharing a leaf must not lose each other's gradients
        if create_graph:
            t.grad = g if t.grad is None else t.grad + g
        elif t.grad is None:
            t.grad = Tensor(g)
        else:
            _accumulate_into(t.grad, g)


def _accumulate_into(acc: Tensor, g: np.ndarray) -> None:
    """Add to an existing .grad in place, as PyTorch does; a new array when that is not possible
    (a read-only or differently shaped .grad that the caller assigned)."""
    try:
        np.add(acc.data, g, out=acc.data, casting="no")
    except (ValueError, TypeError):
        acc.data = acc.data + g
        return
    acc.mark_modified()


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple[Tensor | None, ...]:
    """Gradients of ``outputs`` with respect to ``inputs``, returned, not stored in ``.grad``.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor(3.0, requires_grad=True)
    >>> (dx,) = ag.grad(x ** 3, x, create_graph=True)
    >>> (d2x,) = ag.grad(dx, x)
    >>> float(dx.data), float(d2x.data)
    (27.0, 18.0)
    """
    outs = tuple(outputs) if isinstance(outputs, (list, tuple)) else (outputs,)
    ins = tuple(inputs) if isinstance(inputs, (list, tuple)) else (inputs,)
    for i, out in enumerate(outs):
        if not isinstance(out, Tensor):
            raise TypeError(f"grad: output {i} is a {type(out).__name__}, expected a Tensor")
    if grad_outputs is None:
        gouts: tuple[Any, ...] = (None,) * len(outs)
    elif not isinstance(outputs, (list, tuple)):
        gouts = (grad_outputs,)
    else:
        gouts = tuple(grad_outputs)
    if len(gouts) != len(outs):
        raise ValueError(f"grad: {len(gouts)} grad_outputs for {len(outs)} outputs")
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor) or not x.requires_grad:
            raise RuntimeError(f"grad: input {i} is not a Tensor that requires grad")
    capture: dict[Tensor, Any] = {x: None for x in ins}
    keep = create_graph if retain_graph is None else retain_graph
    only = _on_paths(outs, capture)  # what must run; unused inputs are known before anything runs
    if not allow_unused:
        _refuse_unused(ins, only)
    _backward(outs, gouts, keep, create_graph, capture, only)
    if not allow_unused:  # reachable, yet no gradient arrived (a backward returned None)
        _refuse_unused(ins, {x for x in ins if capture[x] is not None})
    result: list[Tensor | None] = []
    handed: set[int] = set()
    for x in ins:
        g = capture[x]
        if g is not None and id(g) in handed:  # the same input twice: a copy each time
            g = g * 1 if isinstance(g, Tensor) else g.copy()
        handed.add(id(g))
        result.append(g if g is None or isinstance(g, Tensor) else Tensor(g))
    return tuple(result)


def _refuse_unused(ins: Sequence[Tensor], used: Any) -> None:
    for i, x in enumerate(ins):
        if x not in used:
            raise RuntimeError(
                f"grad: input {i} (shape {x.shape}) was not used to compute the outputs; "
                f"pass allow_unused=True to get None for it"
            )
