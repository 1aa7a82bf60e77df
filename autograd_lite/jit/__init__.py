"""``ag.jit``: trace a step once, replay it as flat numpy calls.

>>> import numpy as np, autograd_lite as ag
>>> w = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
>>> @ag.jit
... def step(x):
...     w.grad = None
...     loss = ((w * x).sum() - 1.0) ** 2
...     loss.backward()
...     with ag.no_grad():
...         w.sub_(0.1 * w.grad)
...     return loss
>>> [round(step(np.array([1.0, 1.0])).item(), 4) for _ in range(3)]  # traced, then replayed
[4.0, 1.44, 0.5184]

The first call with a new *signature* (tensors and arrays by shape and dtype, Python scalars by
value, other objects by identity, and the grad mode) runs the function eagerly while a tracer
records every op, the order of every backward pass, and every *replayable* call (optimiser
steps, ``zero_grad``, in-place writes, random draws, deliveries into ``.grad``). Later calls
with that signature run the recorded program instead: the same numpy calls, with no Tensor or
Op made per op. Tensors the function reads but was not given (parameters, buffers) are read
anew on every replay, so the model trains.

What a replay could not reproduce is refused with a :class:`JitError` naming the line: reading a
tensor's value in Python (``loss.item()``, ``if t:``, ``float(t)``), a backward through ops made
before the call. The first replay of every signature is also checked the strong way: the
function runs eagerly beside the replay, from the same state, and every output, every tensor
it read or wrote, their gradients and the optimisers' state must agree bit for bit (a raw numpy
write into ``.data`` the tracer could not see shows up there). ``check=False`` skips that.
"""

from __future__ import annotations

import copy
import functools
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .. import dtypes
from ..core import Op, Tensor
from ..core.modes import state
from .program import Program
from .trace import JitError, Tracer

__all__ = ["jit", "Jit", "JitError", "CacheInfo", "Program"]


class CacheInfo(NamedTuple):
    hits: int  # calls replayed
    misses: int  # calls traced
    maxsize: int
    currsize: int


class _Entry:
    """One traced signature: its program and what a replay must find unchanged."""

    def __init__(self, program: Program, tracer: Tracer, pinned: list[Any]) -> None:
        self.program = program
        self.captured = [(t, t.shape, t.dtype, t._requires_grad) for t in tracer.captured]
        self.modules = list(tracer.modules.values())
        self.pinned = pinned  # objects of the signature (by identity): kept alive
        self.state = _stateful(tracer)
        self.checked = False

    def still_fits(self) -> bool:
        for t, shape, dtype, rg in self.captured:
            if t.data.shape != shape or t.data.dtype != dtype or t._requires_grad != rg:
                return False
        return all(m.training == training for m, training in self.modules)

    def run(self, leaves: list[Any]) -> Any:
        arrays = [x.data if isinstance(x, Tensor) else x for x in leaves]
        enabled = state.grad_enabled
        state.grad_enabled = False  # (the program's units ran without recording too)
        state.refresh()
        try:
            return self.program.replay(arrays, leaves)
        finally:
            state.grad_enabled = enabled
            state.refresh()


class Jit:
    """A function traced per signature and replayed (see :func:`jit`)."""

    def __init__(self, fn: Callable[..., Any], check: bool = True, maxsize: int = 8) -> None:
        if not callable(fn):
            raise TypeError(f"jit: expected a function, got {type(fn).__name__}")
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.check = bool(check)
        self.maxsize = int(maxsize)
        # signature -> its traces, one per state of what the function read besides its
        # arguments (train/eval of the modules it called; shapes of the tensors it captured)
        self._cache: OrderedDict[Any, list[_Entry]] = OrderedDict()
        self._last: _Entry | None = None
        self._hits = self._misses = self._traces_in_a_row = 0
        self._warned = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if state.tracer is not None or state.anomaly:  # inside another trace, or detect_anomaly
            return self.fn(*args, **kwargs)
        leaves: list[Any] = []
        pinned: list[Any] = []
        key = (
            state.grad_enabled,
            dtypes.get_default_dtype(),
            _signature((args, kwargs), leaves, pinned),
        )
        entry = next((e for e in self._cache.get(key, ()) if e.still_fits()), None)
        if entry is not None:
            self._cache.move_to_end(key)
            self._hits += 1
            self._traces_in_a_row = 0
            self._last = entry
            if self.check and not entry.checked:
                return self._checked(entry, key, leaves, args, kwargs)
            return entry.run(leaves)
        return self._trace(key, leaves, pinned, args, kwargs)

    def _trace(self, key: Any, leaves: list[Any], pinned: list[Any], args: Any, kwargs: Any) -> Any:
        tracer = Tracer(leaves)
        state.tracer = tracer
        state.refresh()
        patched = _record_constructors()
        try:
            out = self.fn(*args, **kwargs)
            outputs = tracer.template(out)
        finally:
            for cls, init in patched:
                cls.__init__ = init  # type: ignore[misc]
            state.tracer = None
            state.refresh()
        names = [f"a{i}" for i in range(len(leaves))]
        entry = _Entry(Program(tracer, outputs, names), tracer, pinned)
        entry.checked = not self.check
        variants = [e for e in self._cache.pop(key, []) if not e.still_fits()] + [entry]
        self._cache[key] = variants[-self.maxsize :]
        while len(self._cache) > self.maxsize:
            self._cache.popitem(last=False)
        self._last = entry
        self._misses += 1
        self._traces_in_a_row += 1
        if self._traces_in_a_row >= 3 and not self._warned:
            self._warned = True
            warnings.warn(
                f"ag.jit: {getattr(self.fn, '__qualname__', self.fn)} was traced on each of "
                f"its last 3 calls: its signature keeps changing (a Python number that differs, "
                f"new shapes, train/eval, new objects), so nothing is replayed",
                RuntimeWarning,
                stacklevel=3,
            )
        return out

    def _checked(self, entry: _Entry, key: Any, leaves: list[Any], args: Any, kwargs: Any) -> Any:
        """The first replay of a signature, beside an eager run from the same state."""
        st = _with_arguments(entry.state, leaves)  # (this call's, which both runs change)
        before = _snapshot(st)
        eager = self.fn(*args, **kwargs)
        after_eager = _snapshot(st)
        _restore(st, before)
        replayed = entry.run(leaves)
        problem = _differs("the result", eager, replayed) or _states_differ(
            st, after_eager, _snapshot(st)
        )
        if problem is not None:
            _restore(st, after_eager)
            self._cache[key].remove(entry)
            raise JitError(
                f"ag.jit: the replay of {getattr(self.fn, '__qualname__', self.fn)} differs from "
                f"running it: {problem}. Something it does is not seen by the tracer (numpy on "
                f"a tensor's .data or on arrays it computed, a Python value read from a tensor, "
                f"state outside tensors). Run it without ag.jit, or do that part with ag ops."
            )
        entry.checked = True
        return replayed

    def cache_info(self) -> CacheInfo:
        """Calls replayed and traced, and the signatures kept."""
        return CacheInfo(
            self._hits, self._misses, self.maxsize, sum(map(len, self._cache.values()))
        )

    @property
    def program(self) -> str:
        """The program of the last signature called, as a numbered list of numpy calls."""
        if self._last is None:
            raise RuntimeError("jit: nothing traced yet; call the function first")
        return str(self._last.program)

    def explain(self) -> None:
        """Print :attr:`program`."""
        print(self.program)

    def programs(self) -> list[Program]:
        """The programs of the signatures kept, the one called last at the end (``ag.draw_graph``
        draws that one when given the function; pass another from this list to draw it)."""
        kept = [e.program for entries in self._cache.values() for e in entries]
        if self._last is not None and self._last.program in kept:
            kept.remove(self._last.program)
            kept.append(self._last.program)
        return kept


def jit(fn: Callable[..., Any] | None = None, *, check: bool = True, maxsize: int = 8) -> Any:
    """Trace ``fn`` once per signature and replay it as flat numpy calls (see the module's
    docstring). Use as ``ag.jit(fn)``, ``@ag.jit`` or ``@ag.jit(check=False)``.

    Parameters
    ----------
    check : bool
        Run the function eagerly beside the first replay of each signature and refuse the
        replay (``JitError``) unless everything agrees bit for bit.
    maxsize : int
        How many signatures to keep (least recently used go first).
    """
    if fn is None:
        return lambda f: Jit(f, check, maxsize)
    return Jit(fn, check, maxsize)


def _record_constructors() -> list[tuple[type, Any]]:
    """While tracing, every op class's ``__init__`` also tells the tracer what the op was built
    from (an op built from values the function computed must be built anew on every replay).
    Returns the originals, to put back."""
    patched: list[tuple[type, Any]] = []
    stack = [Op]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        init = cls.__dict__.get("__init__")
        if init is not None:
            patched.append((cls, init))
            cls.__init__ = _recording(init)  # type: ignore[method-assign]
    return patched


def _recording(init: Any) -> Any:
    @functools.wraps(init)
    def recording(self: Op, *args: Any, **kwargs: Any) -> None:
        tracer = state.tracer
        if tracer is not None:
            tracer.constructed_op(self, type(self), args, kwargs)
        init(self, *args, **kwargs)

    return recording


def _signature(obj: Any, leaves: list[Any], pinned: list[Any]) -> Any:
    """A hashable key: tensors and arrays by shape and dtype (they become ``leaves``), Python
    scalars by value, containers by their contents, anything else by identity."""
    if isinstance(obj, Tensor):
        leaves.append(obj)
        return ("T", obj.data.shape, obj.data.dtype.str, obj._requires_grad, obj.op is None)
    if isinstance(obj, np.ndarray):
        leaves.append(obj)
        return ("A", obj.shape, obj.dtype.str)
    if obj is None or isinstance(obj, (bool, int, float, complex, str, bytes, np.generic)):
        return (type(obj).__name__, obj)
    if isinstance(obj, (tuple, list)):
        return (type(obj).__name__, *(_signature(x, leaves, pinned) for x in obj))
    if isinstance(obj, dict):
        return ("dict", *((k, _signature(v, leaves, pinned)) for k, v in obj.items()))
    pinned.append(obj)
    return ("O", id(obj))


# ----------------------------------------------------------------------- the strong check


def _stateful(tracer: Tracer) -> dict[str, list[Any]]:
    """What a step may change: the tensors it read or was given, and the arrays, random
    generators and objects (optimisers, schedulers) its replayable calls received."""
    tensors = list(
        dict.fromkeys([*tracer.captured, *(x for x in tracer.arguments if isinstance(x, Tensor))])
    )
    arrays, generators, objects = [], [], []
    for c in tracer.consts:
        if isinstance(c, np.ndarray):
            arrays.append(c)
        elif isinstance(c, np.random.Generator):
            generators.append(c)
        elif hasattr(c, "__dict__") and not callable(c):
            objects.append(c)
    arrays += [x for x in tracer.arguments if isinstance(x, np.ndarray)]
    for obj in objects:  # the tensors an optimiser holds
        tensors += [t for t in _tensors_in(vars(obj)) if all(t is not u for u in tensors)]
    return {"tensors": tensors, "arrays": arrays, "generators": generators, "objects": objects}


def _with_arguments(st: dict[str, list[Any]], leaves: list[Any]) -> dict[str, list[Any]]:
    """``st`` with the tensors and arrays of this call's arguments added."""
    tensors = st["tensors"] + [x for x in leaves if isinstance(x, Tensor)]
    arrays = st["arrays"] + [x for x in leaves if isinstance(x, np.ndarray)]
    return {**st, "tensors": list({id(t): t for t in tensors}.values()),
            "arrays": list({id(a): a for a in arrays}.values())}  # fmt: skip


def _tensors_in(obj: Any) -> list[Tensor]:
    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, dict):
        return [t for v in obj.values() for t in _tensors_in(v)]
    if isinstance(obj, (list, tuple, set)):
        return [t for v in obj for t in _tensors_in(v)]
    return []


def _snapshot(st: dict[str, list[Any]]) -> dict[str, list[Any]]:
    # (objects that hold each other, as a scheduler its optimiser, keep holding the originals)
    memo = {id(x): x for part in ("tensors", "generators", "objects") for x in st[part]}
    return {
        "tensors": [
            (t.data.copy(), t._grad, None if t._grad is None else t._grad.data.copy())
            for t in st["tensors"]
        ],  # fmt: skip
        "arrays": [a.copy() for a in st["arrays"]],
        "generators": [copy.deepcopy(g.bit_generator.state) for g in st["generators"]],
        "objects": [copy.deepcopy(vars(o), dict(memo)) for o in st["objects"]],
    }


def _restore(st: dict[str, list[Any]], snap: dict[str, list[Any]]) -> None:
    for t, (data, grad, gdata) in zip(st["tensors"], snap["tensors"]):
        t.data[...] = data
        t._grad = grad
        if grad is not None:
            grad.data[...] = gdata
    for a, saved in zip(st["arrays"], snap["arrays"]):
        if a.flags.writeable:
            a[...] = saved
    for g, saved in zip(st["generators"], snap["generators"]):
        g.bit_generator.state = copy.deepcopy(saved)
    for o, saved in zip(st["objects"], snap["objects"]):
        vars(o).clear()
        vars(o).update(saved)


def _states_differ(st: dict[str, list[Any]], a: Any, b: Any) -> str | None:
    for i, (x, y) in enumerate(zip(a["tensors"], b["tensors"])):
        shape = st["tensors"][i].shape
        what = f"the tensor of shape {shape} it read ({i})"
        problem = _differs(what, x[0], y[0]) or _differs(f"the .grad of {what}", x[2], y[2])
        if problem:
            return problem
    for part in ("arrays", "objects"):
        for i, (x, y) in enumerate(zip(a[part], b[part])):
            problem = _differs(f"the state of {type(st[part][i]).__name__} {i}", x, y)
            if problem:
                return problem
    return None


def _differs(what: str, a: Any, b: Any) -> str | None:
    """None if ``a`` and ``b`` are equal bit for bit (arrays, tensors, containers, numbers)."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
            return f"{what} is a Tensor in one run only"
        return _differs(what, a.data, b.data)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x, y = np.asarray(a), np.asarray(b)
        if x.shape != y.shape or x.dtype != y.dtype:
            return f"{what} has shape/dtype {x.shape} {x.dtype} against {y.shape} {y.dtype}"
        if not np.array_equal(x, y, equal_nan=x.dtype.kind in "fc"):
            if x.dtype.kind not in "biuf":
                return f"{what} differs ({np.sum(x != y)} elements)"
            largest = np.max(np.abs(x.astype(np.float64) - y.astype(np.float64)))
            return f"{what} differs (largest difference {largest})"
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{what} has other keys"
        return next((p for k in a if (p := _differs(f"{what}[{k!r}]", a[k], b[k]))), None)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{what} has another length"
        return next(
            (p for i, (x, y) in enumerate(zip(a, b)) if (p := _differs(f"{what}[{i}]", x, y))), None
        )
    try:
        same = bool(a == b) or (a != a and b != b)
    except Exception:  # objects without a meaningful ==: their identity
        same = a is b
    return None if same else f"{what} is {a!r} in the eager run and {b!r} in the replay"
