"""A traced function as a flat program: the numpy calls of one step, compiled to Python.

Each recorded step becomes a few lines of straight-line code (and a line of the readable
listing, also kept as data in ``Program.lines``): an op's forward on arrays; for a backward
pass, each op's backward in the order the engine's walk ran them, the un-broadcasting sums
and the gradient sums it made; the recorded units (optimiser steps, deliveries into ``.grad``,
random draws) called again. Replaying is calling the compiled function: no Tensor or Op is
made per op. Two things make it faster than the eager run besides: an op whose value nothing
reads is left out (a Hessian-vector product's loss), and the backward of add, subtract and
multiply is written out inline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..core import Tensor
from ..core.engine import _add, _own, _root_gradient, unbroadcast
from ..ops.elementwise import Add, Multiply, Subtract, _Binary
from .trace import JitError, Ref, Tracer

# The backward of the commonest ops, written out as what it evaluates on arrays for each input
# (g: the upstream gradient, a and b: the inputs), so that a replay makes no Python call for an
# add and one ufunc call for a multiply. Keyed by the method: each entry must say what it says.
_INLINE_BACKWARD = {
    Add.backward: ("{g}", "{g}"),
    Subtract.backward: ("{g}", "-{g}"),
    Multiply.backward: ("{g} * {b}", "{g} * {a}"),
}


def _tensor(data: Any) -> Tensor:
    return Tensor(np.asarray(data))


def _grad_of(t: Tensor, where: str) -> np.ndarray:
    g = t._grad
    if g is None:
        raise JitError(
            f"ag.jit: {where} reads .grad of a tensor of shape {t.shape}, which does not exist "
            f"in this replay (it did when the function was traced); keep .grad the same "
            f"between calls, or run backward before reading it"
        )
    return g.data


def _describe(obj: Any) -> str:
    a = np.asarray(obj.data if isinstance(obj, Tensor) else obj)
    return f"{a.shape} {a.dtype}"


class Line(NamedTuple):
    """One numbered line of the listing, as data (``ag.draw_graph`` draws a program from these).

    ``kind`` is "op" (a forward call), "unit" (a replayable call: optimiser step, random draw,
    delivery into ``.grad``), "grad" (a read or write of ``.grad``), "pass" (a backward pass
    starts), "backward" (its seed gradient, or one op's backward), "sum" (a gradient summed from
    the backward call above it) or "return". ``reads`` and ``writes`` name values as the listing
    does (``a0`` argument, ``p0`` captured, ``v3`` made, ``g_v3`` its gradient, ``d`` what a
    backward returned, ``k0`` an object); ``made`` is the shape and dtype of what an op made.
    """

    text: str
    kind: str
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    made: tuple[tuple[int, ...], np.dtype] | None = None

    def __str__(self) -> str:
        return self.text if self.made is None else f"{self.text}  # {self.made[0]} {self.made[1]}"


class Program:
    """The compiled replay of one traced call, and its listing (``str()``, or ``lines``)."""

    def __init__(self, tracer: Tracer, outputs: Any, names: list[str]) -> None:
        self.tracer = tracer
        self.env: dict[str, Any] = {
            "_T": _tensor, "_asarray": np.asarray, "_unbroadcast": unbroadcast, "_add": _add,
            "_own": _own, "_root_gradient": _root_gradient, "_grad_of": _grad_of,
        }  # fmt: skip
        self.code: list[str] = []
        self.lines: list[Line] = []
        self.names = names  # of the arguments, for the listing
        self.slot_names: dict[int, str] = {}  # slots of gradients a backward pass gave: g_x
        self.objects: dict[str, Any] = {}  # constants the listing names k0, k1, ...
        self._pass_grads: set[str] = set()  # gradients written in the current backward pass
        self.op_name: dict[int, str] = {}  # id(traced op) -> its name in the code
        self._summed: set[Ref] = set()
        self._unused = _unused_ops(tracer.steps, outputs)
        reads = [_refs(s[1:]) for s in tracer.steps if s[0] != "attribute"]
        self._read = set(_refs(outputs)).union(*reads)  # (an op attribute: read if used)
        for step in tracer.steps:
            getattr(self, "_" + step[0])(*step[1:])
        result = self._expr(outputs, obj=True)
        self.code.append(f"return {result}")
        self.lines.append(Line(f"return {self._show(outputs)}", "return", self._names(outputs)))
        self.source = "def replay(A, O):\n" + "".join(f"    {line}\n" for line in self.code)
        namespace = dict(self.env)
        exec(compile(self.source, "<ag.jit program>", "exec"), namespace)  # noqa: S102
        self.replay: Callable[[list[Any], list[Any]], Any] = namespace["replay"]

    # ------------------------------------------------------------------ names of values

    def _bind(self, prefix: str, obj: Any) -> str:
        name = f"{prefix}{len(self.env)}"
        self.env[name] = obj
        return name

    def _array(self, ref: Ref) -> str:
        kind, i = ref
        if kind == "arg":
            return f"A[{i}]"
        if kind == "slot":
            return f"v{i}"
        if kind == "cap":
            return f"{self._cap(i)}.data"
        return self._const(i)

    def _cap(self, i: int) -> str:
        key = f"c{i}"
        self.env.setdefault(key, self.tracer.captured[i])
        return key

    def _const(self, i: int) -> str:
        key = f"k{i}"
        self.env.setdefault(key, self.tracer.consts[i])
        return key

    def _object(self, ref: Ref) -> str:
        kind, i = ref
        if kind == "arg":
            return f"O[{i}]"
        if kind == "cap":
            return self._cap(i)
        if kind == "const":
            return self._const(i)
        return f"_T(v{i})" if self.tracer.slots[i][0] == "tensor" else f"v{i}"

    def _expr(self, tmpl: Any, obj: bool) -> str:
        if isinstance(tmpl, tuple) and len(tmpl) == 2 and isinstance(tmpl[0], str):
            return self._object(tmpl) if obj else self._array(tmpl)
        if isinstance(tmpl, (tuple, list)):
            inner = ", ".join(self._expr(x, obj) for x in tmpl)
            return f"({inner},)" if isinstance(tmpl, tuple) else f"[{inner}]"
        if isinstance(tmpl, dict):
            return "{" + ", ".join(f"{k!r}: {self._expr(v, obj)}" for k, v in tmpl.items()) + "}"
        raise TypeError(f"ag.jit: cannot replay a value {tmpl!r}")

    def _show(self, tmpl: Any) -> str:
        """A reference as the listing names it: a0 (argument), p0 (captured), v0, constants."""
        if isinstance(tmpl, tuple) and len(tmpl) == 2 and isinstance(tmpl[0], str):
            kind, i = tmpl
            if kind == "arg":
                return self.names[i]
            if kind == "cap":
                return f"p{i}"
            if kind == "slot":
                return self.slot_names.get(i, f"v{i}")
            value = self.tracer.consts[i]
            text = repr(value) if np.ndim(value) == 0 and not hasattr(value, "__dict__") else ""
            if len(text) <= 12 and text:
                return text
            self.objects[f"k{i}"] = value
            return f"k{i}"
        if isinstance(tmpl, (tuple, list)):
            return "(" + ", ".join(self._show(x) for x in tmpl) + ")"
        if isinstance(tmpl, dict):
            return "{" + ", ".join(f"{k}={self._show(v)}" for k, v in tmpl.items()) + "}"
        return repr(tmpl)

    def _names(self, tmpl: Any) -> tuple[str, ...]:
        """The names of the values a template reads (its literal numbers left out)."""
        shown = [(r, self._show(r)) for r in _refs(tmpl)]
        return tuple(n for r, n in shown if r[0] != "const" or n in self.objects)

    # ------------------------------------------------------------------ the steps

    def _op(self, traced: int, op: Any, ins: list[Ref], out: Ref, rebuild: Any) -> None:
        shown = ", ".join(self._show(r) for r in ins)
        params = ", ".join(f"{k}={v!r}" for k, v in op.describe().items() if _short(v))
        made = np.asarray(self._slot_object(out).data)
        built = [r for r in _refs(rebuild[1:] if rebuild else ()) if r[0] != "const"]
        reads = self._names(ins) + self._names(built)  # (a target the op was built with)
        text = f"v{out[1]} = {op.name}({shown}{', ' if params else ''}{params})"
        if traced in self._unused:
            text += "  (unused: not replayed)"
        self.lines.append(Line(text, "op", reads, (f"v{out[1]}",), (made.shape, made.dtype)))
        if traced in self._unused:
            return
        args = ", ".join(self._array(r) for r in ins)
        if rebuild is None:
            if isinstance(op, _Binary) and type(op).forward is _Binary.forward:
                forward = self._bind("f", op.ufunc)  # (the ufunc itself: one call less)
            else:
                forward = self._bind("f", op.forward)
            self.op_name[traced] = self._bind("o", op)
        else:  # built from values the function computed: a new instance on every replay
            cls, a, kw = rebuild
            name = f"o{len(self.env)}"
            self.env[name] = None  # (reserves the name)
            self.code.append(f"{name} = {self._bind('cls', cls)}(*{self._expr(a, True)}, "
                             f"**{self._expr(kw, True)})")  # fmt: skip
            if hasattr(op, "needs_grad"):
                self.code.append(f"{name}.needs_grad = {op.needs_grad!r}")
            forward = f"{name}.forward"
            self.op_name[traced] = name
        call = f"{forward}({args})"
        if self.tracer.slots[out[1]][1].data.ndim == 0:  # numpy gives scalars for 0-d results
            call = f"_asarray({call})"
        self.code.append(f"v{out[1]} = {call}")

    def _attribute(self, traced: int, name: str, path: tuple[int, ...], out: Ref) -> None:
        if out not in self._read:
            return  # nothing is made from it: not read, not listed
        got = f"{self.op_name[traced]}.{name}{''.join(f'[{i}]' for i in path)}"
        self.code.append(f"v{out[1]} = {got}")
        shown = f"{self._op_label(traced)}.{name}{''.join(f'[{i}]' for i in path)}"
        self.lines.append(Line(f"v{out[1]} = {shown}", "op", (), (f"v{out[1]}",)))

    def _unit(self, fn: Any, args: Any, kwargs: Any, result: Any) -> None:
        name = self._bind("u", fn)
        call = f"{name}(*{self._expr(args, True)}, **{self._expr(kwargs, True)})"
        leaves = _leaves(result)
        if leaves:
            self.code.append(f"_r = {call}")
            for path, ref in leaves:
                value = "_r" + "".join(f"[{p!r}]" for p in path)
                if self.tracer.slots[ref[1]][0] == "tensor":
                    value += ".data"
                self.code.append(f"v{ref[1]} = {value}")
        else:
            self.code.append(call)
        what = getattr(fn, "__qualname__", repr(fn))
        shown = ", ".join([self._show(a) for a in args] + [f"{k}={self._show(v)}"
                                                           for k, v in kwargs.items()])  # fmt: skip
        made = tuple(f"v{ref[1]}" for _, ref in leaves)
        text = f"{', '.join(made)}{' = ' if made else ''}{what}({shown})"
        self.lines.append(Line(text, "unit", self._names((args, kwargs)), made))

    def _grad_read(self, t: Ref, out: Ref) -> None:
        self.code.append(f"v{out[1]} = _grad_of({self._object(t)}, 'the function')")
        self.lines.append(Line(f"v{out[1]} = {self._show(t)}.grad", "grad", self._names(t),
                               (f"v{out[1]}",)))  # fmt: skip

    def _grad_write(self, t: Ref, g: Ref | None) -> None:
        value = "None" if g is None else self._object(g)
        if g is not None and g[0] == "slot" and self.tracer.slots[g[1]][0] == "value":
            value = f"_T({value})"
        self.code.append(f"{self._object(t)}._grad = {value}")
        text = f"{self._show(t)}.grad = {'None' if g is None else self._show(g)}"
        self.lines.append(Line(text, "grad", self._names(g)))

    def _backward(
        self, roots: Any, steps: Any, outs: dict[int, Ref], found: dict[int, Any]
    ) -> None:
        self.code.append("F = {}")
        self.lines.append(Line("# backward", "pass"))
        self._pass_grads = set()
        for ref, g, leaf in roots:
            y = self._array(ref)
            if g is None:
                slot = self.tracer.slots[ref[1]][1] if ref[0] == "slot" else None
                dtype = np.asarray(slot.data if slot is not None else 0.0).dtype
                shape = np.shape(slot.data) if slot is not None else ()
                value = f"{self._bind('one', np.ones(shape, dtype))}.copy()"  # (np.ones: ~1 us)
            else:
                value = f"_root_gradient(_T({y}), {self._object(g)}, False, 'backward', 'grad')"
            seed = f"g_{self._show(ref)}"
            text = f"{seed} = {'ones' if g is None else self._show(g)}"
            self.lines.append(Line(text, "backward", self._names(g), (seed,)))
            self._pass_grads.add(seed)
            if leaf:
                self.code.append(f"_g = {value}")
                self.code.append(f"_add(F, {self._object(ref)}, _g, _g, False)")
            else:
                self._sum(ref, value)
        for op_id, t, ins, edges, keep, end in steps:
            if t not in self._summed:
                continue  # nothing flowed into t
            g = f"s{t[1]}"
            if keep:
                self.code.append(f"v{outs[id(self._slot_object(t))][1]} = _own({g}, False)")
            if end:
                continue
            op = self.op_name[op_id]
            inline = _INLINE_BACKWARD.get(type(self.tracer.ops[op_id][0]).backward)
            arrays = [self._array(r) for r in ins]
            if inline is None:
                self.code.append(f"_d = {op}.backward({', '.join([g, self._array(t), *arrays])})")
                if len(ins) == 1:
                    self.code.append("_d = _d if type(_d) is tuple else (_d,)")
            shown = self._show(t)
            reads = (f"g_{shown}", shown, *self._names(ins))
            self.lines.append(Line(f"d = {self._op_label(op_id)}.backward({', '.join(reads)})",
                                   "backward", reads, ("d",)))  # fmt: skip
            for i, kind, x, fit in edges:
                gx = f"_d[{i}]"
                if inline is not None:
                    gx = inline[i].format(g=g, a=arrays[0], b=arrays[1])
                if fit:
                    gx = f"_unbroadcast({gx}, {self._array(x)}, {op})"
                    self.lines.append(Line(f"    d[{i}] summed to {self._show(x)}'s shape", "sum"))
                if kind == "leaf":
                    self.code.append(f"_add(F, {self._object(x)}, {gx}, {g}, False)")
                else:
                    self._sum(x, gx)
                gname = f"g_{self._show(x)}"
                summed = (gname,) if gname in self._pass_grads else ()
                self.lines.append(Line(f"    {gname} += d[{i}]", "sum", ("d", *summed), (gname,)))
                self._pass_grads.add(gname)
        for x_id, ref in outs.items():
            x = found[x_id]
            if x.op is None:
                self.code.append(f"v{ref[1]} = F[{self._object(self.tracer.ref(x))}]")
            # (later lines name this gradient as the backward pass did)
            self.slot_names[ref[1]] = f"g_{self._show(self.tracer.ref(x))}"

    def _sum(self, ref: Ref, value: str) -> None:
        name = f"s{ref[1]}"
        if ref in self._summed:
            self.code.append(f"{name} = {name} + {value}")
        else:
            self.code.append(f"{name} = {value}")
            self._summed.add(ref)

    def _slot_object(self, ref: Ref) -> Any:
        return self.tracer.slots[ref[1]][1]

    def _op_label(self, op_id: int) -> str:
        return str(self.tracer.ops[op_id][0].name)

    # ------------------------------------------------------------------ the listing

    def inputs(self) -> list[tuple[str, Any]]:
        """What a replay reads besides constants, by the listing's names: the arguments
        (``a0``, ...; tensors and arrays) and the captured tensors (``p0``, ...)."""
        captured = [(f"p{i}", t) for i, t in enumerate(self.tracer.captured)]
        return [*zip(self.names, self.tracer.arguments), *captured]

    def __str__(self) -> str:
        header = [f"{n}: {_describe(self.tracer.arguments[i])}" for i, n in enumerate(self.names)]
        caps = [f"p{i}: {_describe(t)}" + (f" ({t.name})" if t.name else "")
                for i, t in enumerate(self.tracer.captured)]  # fmt: skip
        lines = [f"{i + 1:4d}  {line}" for i, line in enumerate(self.lines)]
        intro = "arguments: " + (", ".join(header) or "none")
        read = "read on every replay: " + (", ".join(caps) or "nothing")
        return "\n".join([intro, read, *lines])


def _short(v: Any) -> bool:
    return isinstance(v, (int, float, str, bool, type(None), tuple)) and len(repr(v)) <= 30


def _refs(tmpl: Any) -> list[Ref]:
    """Every reference in a template, in order."""
    return [ref for _, ref in _paths(tmpl)]


def _leaves(tmpl: Any) -> list[tuple[tuple[Any, ...], Ref]]:
    """The slots in a template, with the path (indices, keys) to each."""
    return [(path, ref) for path, ref in _paths(tmpl) if ref[0] == "slot"]


def _unused_ops(steps: list[tuple[Any, ...]], outputs: Any) -> set[int]:
    """The ops whose value nothing reads: not the result, no later step (as the loss of a
    Hessian-vector product, whose gradient graph is all that is used). Their forward would be
    wasted work. An op that a backward pass runs, or one built anew on every replay (its
    constructor checks what it is given), keeps its forward."""
    backward_ops = {s[0] for step in steps if step[0] == "backward" for s in step[2]}
    needed = set(_refs(outputs))
    unused = set()
    for step in reversed(steps):
        if step[0] == "op":
            _, traced, _, ins, out, rebuild = step
            if out not in needed and traced not in backward_ops and rebuild is None:
                unused.add(traced)
                continue
            needed.update(ins)
        needed.update(_refs(step[1:]))  # every other step runs, reading what it mentions
    return unused


def _paths(tmpl: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Ref]]:
    if isinstance(tmpl, tuple) and len(tmpl) == 2 and isinstance(tmpl[0], str):
        return [(path, tmpl)]
    if isinstance(tmpl, (tuple, list)):
        return [leaf for i, x in enumerate(tmpl) for leaf in _paths(x, (*path, i))]
    if isinstance(tmpl, dict):
        return [leaf for k, x in tmpl.items() for leaf in _paths(x, (*path, k))]
    return []
