"""The tracer: while a jitted function runs eagerly once, it records what happened.

It sees (through hooks the core calls only while a tracer is active):

- every op applied, with the values it read and the value it made (``record``);
- every backward pass: the order the engine's walk ran the ops in, what each backward
  returned, which gradients were summed or un-broadcast (``backward_pass``);
- every *unit*: a call marked ``replayable`` (an optimiser step, a random draw, an in-place
  write, a delivery into ``.grad``), recorded whole and called again on replay (``unit``);
- reads and writes of ``.grad``, and the modules called (their train/eval mode);
- reads of a tensor's *value* (``item()``, ``float(t)``, ``if t:``): refused, because a replay
  cannot take another branch.

Values are tracked by identity: each tensor and array the function touches gets a *reference*:
an argument, a value made by an earlier step (a slot), a tensor from outside read anew on every
replay (captured: parameters, buffers), or a constant.
"""

from __future__ import annotations

import copy
import traceback
from typing import Any

import numpy as np

from ..core import Op, Tensor
from ..core.modes import state

Ref = tuple[str, int]  # ("arg" | "slot" | "cap" | "const", index)
_PACKAGE = __file__.rsplit("/", 2)[0]


class JitError(RuntimeError):
    """``ag.jit`` cannot replay what the function did; the message says what and where."""


def user_line() -> str:
    """Where in the user's code (outside autograd_lite) the tracer is now."""
    frames = [f for f in traceback.extract_stack() if not f.filename.startswith(_PACKAGE)]
    if not frames:
        return "(inside autograd_lite)"
    f = frames[-1]
    return f"{f.filename}:{f.lineno} ({(f.line or '').strip()})"


class Tracer:
    """Records one eager run of a function as steps (see :mod:`autograd_lite.jit.program`)."""

    def __init__(self, arguments: list[Any]) -> None:
        self.arguments = arguments
        self.steps: list[tuple[Any, ...]] = []
        self.known: dict[int, Ref] = {}  # id(value) -> its reference
        self.keep: list[Any] = []  # everything seen, alive, so that ids stay unique
        self.captured: list[Tensor] = []
        self.consts: list[Any] = []
        self.slots: list[tuple[str, Any]] = []  # ("tensor" | "value", what it was when traced)
        self.ops: dict[int, Any] = {}  # id(traced op) -> (its copy for replay, slot it made)
        self.constructed: dict[int, tuple[type, tuple[Any, ...], dict[str, Any]]] = {}
        self.modules: dict[int, tuple[Any, bool]] = {}
        for i, x in enumerate(arguments):
            self._bind(x, ("arg", i))

    # ------------------------------------------------------------------ references

    def _bind(self, obj: Any, ref: Ref) -> None:
        self.known[id(obj)] = ref
        self.keep.append(obj)
        if isinstance(obj, Tensor):  # ops read tensors' arrays: the same reference
            self.known[id(obj.data)] = ref
            self.keep.append(obj.data)

    def ref(self, obj: Any) -> Ref:
        """The reference of a value the function reads."""
        r = self.known.get(id(obj))
        if r is not None:
            return r
        if isinstance(obj, Tensor) and not obj._requires_grad:
            r = self.known.get(id(obj.data))  # a new tensor on a known array: detach()
            if r is not None:
                return r
        if isinstance(obj, np.ndarray):
            self._refuse_a_view(obj)
        if isinstance(obj, Tensor):  # made outside the function: read anew on every replay
            r = ("cap", len(self.captured))
            self.captured.append(obj)
        else:
            r = ("const", len(self.consts))
            self.consts.append(obj)
        self._bind(obj, r)
        return r

    def _refuse_a_view(self, a: np.ndarray) -> None:
        """An unknown array that is a numpy view of a traced value (``x.T`` of an array
        argument, as a backward with create_graph=True takes it) would be a stale constant."""
        base = a.base
        while isinstance(base, np.ndarray):
            r = self.known.get(id(base))
            if r is not None and r[0] != "const":
                raise JitError(
                    f"ag.jit: an op reads a numpy view of {_what(r)} at {user_line()}, made "
                    f"outside ag ops (an array argument's .T or slice, or a backward with "
                    f"create_graph=True reading an array argument); a replay would read the "
                    f"traced values. Pass that argument as a Tensor (ag.tensor(x)), or use "
                    f"ag ops (x.T, x[i]) on it."
                )
            base = base.base

    def template(self, obj: Any) -> Any:
        """References for the values inside nested tuples, lists and dicts."""
        if isinstance(obj, (tuple, list)) and not hasattr(obj, "_fields"):
            return type(obj)(self.template(x) for x in obj)
        if isinstance(obj, dict):
            return {k: self.template(v) for k, v in obj.items()}
        return self.ref(obj)

    def new_slot(self, obj: Any) -> Ref:
        ref = ("slot", len(self.slots))
        self.slots.append(("tensor" if isinstance(obj, Tensor) else "value", obj))
        self._bind(obj, ref)
        return ref

    def result_template(self, obj: Any) -> Any:
        """References for what a unit returned: new tensors and arrays get slots."""
        if isinstance(obj, (Tensor, np.ndarray)):
            return self.known.get(id(obj)) or self.new_slot(obj)
        if isinstance(obj, (tuple, list)) and not hasattr(obj, "_fields"):
            return type(obj)(self.result_template(x) for x in obj)
        return self.ref(obj)

    # ------------------------------------------------------------------ what the hooks report

    def record(self, op: Op, inputs: tuple[Any, ...], out: Tensor) -> None:
        """An op was applied (called by the core for every op while tracing)."""
        self._op_step(op, inputs, out)

    def plain(self, op: Op, inputs: tuple[Any, ...], y: Any) -> None:
        """An op applied to plain arrays: recorded when it reads a traced value (an argument
        array, or one an earlier step made), as the program must compute it again."""
        if _mentions(self.known, inputs):
            self._op_step(op, inputs, y)

    def _op_step(self, op: Op, inputs: tuple[Any, ...], out: Any) -> None:
        replay_op = copy.copy(op)  # the program's own instance: no graph, its own saved state
        replay_op.inputs = None
        ins = [self.ref(x) for x in inputs]
        slot = self.new_slot(out)
        self.ops[id(op)] = (replay_op, slot)
        self.keep.append(op)
        rebuild = self._rebuild(op)
        self.steps.append(("op", id(op), replay_op, ins, slot, rebuild))
        if rebuild is not None:
            self._derived(op)

    def _rebuild(self, op: Op) -> Any:
        """How to build the op anew on replay, when it was built from values the function
        computed or was given (else None: the traced instance serves every replay)."""
        made = self.constructed.get(id(op))
        if made is None:
            return None
        cls, args, kwargs = made
        if not _mentions(self.known, (args, kwargs)):
            return None
        return cls, self.template(args), self.template(kwargs)

    def _derived(self, op: Op) -> None:
        """The arrays an op built anew on replay made from what it was given (getitem's copy
        of its index) become slots read from that new op, so that an op later made from them
        (getitem's backward under create_graph) is built anew too, not from a stale copy."""
        for name in _attributes(op):
            for path, a in _arrays(getattr(op, name, None)):
                if id(a) not in self.known:
                    self.steps.append(("attribute", id(op), name, path, self.new_slot(a)))

    def constructed_op(self, op: Op, cls: type, args: Any, kwargs: Any) -> None:
        if id(op) not in self.constructed:  # (the subclass's __init__ is the first to tell)
            self.constructed[id(op)] = (cls, args, kwargs)
            self.keep.append(op)

    def unit(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """A replayable call: recorded whole, run with the tracer out of the way."""
        for f in (*args, *kwargs.values()):
            if callable(f) and _mentions(self.known, _closed_over(f)):
                raise JitError(
                    f"ag.jit: {getattr(fn, '__qualname__', fn)} was given a function "
                    f"({getattr(f, '__qualname__', f)}) that uses this call's arguments or values "
                    f"it computed, at {user_line()}; a replay would call it again with the values "
                    f"of the traced call. Call it outside ag.jit (LBFGS's step(closure) with a "
                    f"new batch per call), or pass the function only what every call shares."
                )
        arg_refs = self.template(args), self.template(kwargs)
        state.tracer = None
        state.refresh()
        try:
            result = fn(*args, **kwargs)
        finally:
            state.tracer = self
            state.refresh()
        self.steps.append(("unit", fn, arg_refs[0], arg_refs[1], self.result_template(result)))
        return result

    def backward_pass(
        self, roots: Any, root_grads: Any, order: list[Any], found: dict[Any, Any],
        create_graph: bool, targets: Any, ends: Any,
    ) -> None:  # fmt: skip
        """A backward pass ran: on Tensors (create_graph) its ops were recorded one by one;
        on arrays, record the walk's order and what each backward gave."""
        if create_graph:
            return
        walked = {id(t) for t, _, _ in order}
        steps = []
        for t, inputs, gxs in order:
            op = t.op
            if id(op) not in self.ops:
                raise JitError(
                    f"ag.jit: backward reached '{op.name}', an op made before the traced "
                    f"function ran (at {user_line()}); a replay cannot run it again. Build the "
                    f"whole graph inside the function."
                )
            edges = []
            for i, (x, gx, need) in enumerate(zip(inputs, gxs, op.needs_grad)):
                if not need or gx is None:
                    continue
                if x.op is None:
                    if x not in found:
                        continue
                    kind = "leaf"
                elif id(x) in walked:
                    kind = "sum"
                else:
                    continue  # off ag.grad's paths
                xd = x.data
                fit = gx.shape != xd.shape or gx.dtype != xd.dtype
                edges.append((i, kind, self.ref(x), fit))
            steps.append((id(op), self.ref(t), [self.ref(x) for x in inputs], edges,
                          t._retains_grad or (ends is not None and t in ends),
                          ends is not None and t in ends))  # fmt: skip
        roots_info = [(self.ref(r), None if g is None else self.ref(g), r.op is None)
                      for r, g in zip(roots, root_grads)]  # fmt: skip
        outs = {id(x): self.new_slot(g) for x, g in found.items()}
        self.steps.append(("backward", roots_info, steps, outs, {id(x): x for x in found}))

    def value_read(self, t: Tensor, what: str) -> None:
        raise JitError(
            f"ag.jit: {what} reads a tensor's value at {user_line()}; a replay does not run "
            f"Python again, so it could not follow another branch or return another number. "
            f"Return the tensor (read it after the call), use ag ops (ag.where for a branch), "
            f"or call the function without ag.jit."
        )

    def grad_read(self, t: Tensor) -> None:
        g = t._grad
        if g is not None and id(g) not in self.known:  # a .grad from before: read it anew
            self.steps.append(("grad_read", self.ref(t), self.new_slot(g)))

    def grad_write(self, t: Tensor, g: Any) -> None:
        self.steps.append(("grad_write", self.ref(t), None if g is None else self.ref(g)))

    def module(self, m: Any) -> None:
        self.modules.setdefault(id(m), (m, m.training))
        self.keep.append(m)


def _what(r: Ref) -> str:
    """A reference as the program's listing names it."""
    kind = {"arg": "the argument a", "slot": "the value v", "cap": "the captured tensor p"}
    return f"{kind[r[0]]}{r[1]}"


def _closed_over(f: Any) -> list[Any]:
    """The values a Python function carries: its closure's cells and its defaults."""
    cells = []
    for cell in getattr(f, "__closure__", None) or ():
        try:
            cells.append(cell.cell_contents)
        except ValueError:  # a cell not yet filled
            pass
    return [*cells, *(getattr(f, "__defaults__", None) or ())]


def _attributes(op: Op) -> list[str]:
    """An op's own attributes (its class's slots below Op's, and its __dict__)."""
    names = list(getattr(op, "__dict__", {}))
    for c in type(op).__mro__[: type(op).__mro__.index(Op)]:
        slots = c.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return names


def _arrays(obj: Any, path: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], np.ndarray]]:
    """The arrays in ``obj`` and in the tuples inside it, with the indices that reach each."""
    if isinstance(obj, np.ndarray):
        return [(path, obj)]
    if isinstance(obj, tuple):
        return [found for i, x in enumerate(obj) for found in _arrays(x, (*path, i))]
    return []


def _mentions(known: dict[int, Ref], obj: Any) -> bool:
    """Whether a nested structure holds a value the function computed or was given."""
    if isinstance(obj, (tuple, list)):
        return any(_mentions(known, x) for x in obj)
    if isinstance(obj, dict):
        return any(_mentions(known, x) for x in obj.values())
    r = known.get(id(obj))
    return r is not None and r[0] != "const"
