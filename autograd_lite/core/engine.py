"""Backward: the chain rule over the graph, then delivery of the gradients.

1. ``plan`` (pass 1) counts, on each tensor to visit, the ops that consume it, and checks the
   graph (freed? written in place since? used by another running backward?) before anything
   changes. ``ag.grad`` first keeps only the tensors on a path to its inputs (``prune``).
2. ``walk`` (pass 2) runs each op's backward once all of its output's gradient has arrived
   (Kahn's algorithm: iterative, so graph depth is unlimited), sums gradients back to each
   input's shape, and returns the leaves' gradients.
3. ``backward`` and ``grad`` deliver them: into ``.grad`` (added in place under a lock, copied so
   that nothing aliases), or as ``ag.grad``'s tuple.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import anomaly, writes
from .graph import Op
from .modes import replayable, state
from .tensor import Tensor

FREED = (
    "backward through a graph that was already freed: ops release what they saved once backward "
    "has used them. Pass retain_graph=True to the first backward()/ag.grad() to go through the "
    "graph again."
)
_running: set[object] = set()  # tokens of the backward passes under way, in any thread
_accumulate = threading.Lock()  # threads sharing a leaf must not lose each other's gradients


def unbroadcast(g: Any, like: np.ndarray, op: Op) -> Any:
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


def _root_gradient(out: Tensor, g: Any, create_graph: bool, who: str, keyword: str) -> Any:
    """Check and convert the upstream gradient given for an output (``who``'s ``keyword=``)."""
    if g is None:
        if out.data.size != 1:
            raise RuntimeError(
                f"{who}: {keyword} can be implied only for a one-element output, got shape "
                f"{out.shape}; pass {keyword}= (an array of shape {out.shape}) or reduce first "
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


def prune(roots: Sequence[Tensor], targets: Any) -> tuple[set[Tensor], set[Tensor]]:
    """What ``ag.grad`` has to run: the tensors on a path from a root down to a target (targets
    included), and the targets below which no other target lies (their ops need not run)."""
    on: set[Tensor] = set()
    seen: set[Tensor] = set()
    stack: list[tuple[Tensor, bool]] = [(r, False) for r in roots]
    while stack:
        t, finished = stack.pop()
        inputs = () if t.op is None else t.op.inputs
        if inputs is None:
            raise RuntimeError(FREED)
        if finished:
            if t in targets or any(isinstance(x, Tensor) and x in on for x in inputs):
                on.add(t)
        elif t not in seen:
            seen.add(t)
            stack.append((t, True))
            stack.extend((x, False) for x in inputs if isinstance(x, Tensor) and x.requires_grad)
    ends = {
        t
        for t in targets
        if t.op is not None and not any(isinstance(x, Tensor) and x in on for x in t.op.inputs)
    }
    return on, ends


def plan(roots: Sequence[Tensor], token: object, on: set[Tensor] | None) -> None:
    """Pass 1: count, on each non-leaf tensor to visit, the ops that consume it.

    Counts live on the tensors, stamped with this pass's ``token`` (an earlier, interrupted
    backward cannot confuse them). Leaves need no count: their sums are the pass's own, handed
    out after the walk. Nothing else changes here, so the errors leave the graph as it was.
    """
    stack = []
    clock = writes.clock
    nested = len(_running) > 1  # another backward is under way: it must not share our tensors
    for r in roots:
        if r.op is not None and r._pass is not token and (on is None or r in on):
            r._pass, r._pending, r._gsum = token, 0, None
            stack.append(r)
    while stack:
        t = stack.pop()
        op: Any = t.op
        inputs = op.inputs
        if inputs is None:
            raise RuntimeError(FREED)
        if op._epoch != clock:
            writes.check_unmodified(op, t)
        for x in inputs:
            if isinstance(x, Tensor) and x.op is not None and (on is None or x in on):
                if x._pass is token:
                    x._pending += 1
                    continue
                if nested and x._pass in _running:
                    raise RuntimeError(
                        f"backward: a tensor of shape {x.shape} made by '{x.op.name}' is part of "
                        f"a backward that is still running (a backward or ag.grad inside another "
                        f"one, through shared tensors); run them one after the other"
                    )
                x._pass, x._pending, x._gsum = token, 1, None
                stack.append(x)


def walk(ready: list[Tensor], token: object, found: dict[Tensor, Any], create_graph: bool,
         retain_graph: bool, check: bool, accept: Any = None, ends: Any = None,
         order: list[Any] | None = None) -> None:  # fmt: skip
    """Pass 2, the chain rule: take a tensor whose gradient is complete, run its op's backward,
    pass each input its share (un-broadcast, summed), until every op ran. Leaves' sums go to
    ``found`` (only those in ``accept``, when given), with retained tensors' and ``ends``'."""
    pop, push = ready.pop, ready.append
    while ready:
        t = pop()
        g, t._gsum = t._gsum, None
        op: Any = t.op
        if g is not None and (t._retains_grad or (accept is not None and t in accept)):
            found[t] = _own(g, create_graph)
            if ends and t in ends:
                continue  # an input of ag.grad with none below it: its op need not run
        inputs = op.inputs
        n = len(inputs)
        if g is None:  # nothing flowed into t: its inputs only need their counts released
            gxs: Any = (None,) * n
        elif create_graph:  # on Tensors: the gradients are differentiable
            gxs = op.backward(g, t, *inputs)
        elif n <= 2:  # on arrays; one and two inputs, the common cases, without a list
            a, b = inputs if n == 2 else (inputs[0], ())
            a, b = a.data if isinstance(a, Tensor) else a, b.data if isinstance(b, Tensor) else b
            gxs = op.backward(g, t.data, a, b) if n == 2 else op.backward(g, t.data, a)
        else:
            gxs = op.backward(g, t.data, *[x.data if isinstance(x, Tensor) else x for x in inputs])
        if type(gxs) is not tuple or len(gxs) != n or check:
            gxs = _checked(op, gxs, n, check)
        if order is not None:  # ag.jit records the order the chain rule ran in
            order.append((t, inputs, gxs))
        if not retain_graph:  # free what backward has used
            op.inputs = op.saved = None
        for x, gx, need in zip(inputs, gxs, op.needs_grad):
            if not need:
                continue  # a constant, or a tensor that needs no gradient
            if gx is not None and (gx.shape != x.data.shape or gx.dtype is not x.data.dtype):
                gx = unbroadcast(gx, x.data, op)
            if x.op is None:  # a leaf: its own sum, delivered after the walk
                if gx is not None and (accept is None or x in accept):
                    _add(found, x, gx, g, create_graph)
            elif x._pass is token:  # (always, but off ag.grad's paths)
                if gx is not None:
                    x._gsum = gx if x._gsum is None else x._gsum + gx
                x._pending -= 1
                if x._pending == 0:  # x has all its gradient
                    push(x)


def _checked(op: Op, gxs: Any, n: int, check: bool) -> tuple[Any, ...]:
    """A backward's result as a tuple of one gradient per input (detect_anomaly checks it)."""
    if type(gxs) is not tuple:
        gxs = (gxs,)
    if len(gxs) != n:
        raise RuntimeError(f"backward of '{op.name}' returned {len(gxs)} gradients for {n} inputs")
    if check:  # detect_anomaly
        anomaly.check_backward(op, gxs)
    return gxs


def _own(g: Any, create_graph: bool) -> Any:
    """A copy of a gradient that is about to become a ``.grad`` but may be shared."""
    return g * 1 if create_graph else np.array(g, copy=True)


def _add(found: dict[Tensor, Any], x: Tensor, gx: Any, g: Any, create_graph: bool) -> None:
    prev = found.get(x)
    if prev is not None:
        found[x] = prev + gx
    elif gx is g or (gx.data if isinstance(gx, Tensor) else gx).base is not None:
        found[x] = _own(gx, create_graph)  # it becomes .grad: alias nothing
    else:
        found[x] = gx


def run(
    roots: Sequence[Tensor],
    root_grads: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    targets: dict[Tensor, None] | None = None,
    allow_unused: bool = True,
    who: str = "backward",
) -> dict[Tensor, Any]:
    """Both passes from ``roots``: the gradients of the leaves reached, or with ``targets``
    (``ag.grad``'s inputs) of the targets only, non-leaf ones included."""
    keyword = "grad" if who == "backward" else "grad_outputs"
    for r in roots:
        if not r._requires_grad:
            raise RuntimeError(
                f"{who}: the output does not require grad (no input of the computation "
                f"requires grad, or it ran under no_grad)"
            )
    grads = [_root_gradient(r, g, create_graph, who, keyword) for r, g in zip(roots, root_grads)]
    on, ends = (None, None) if targets is None else prune(roots, targets)
    if not allow_unused:  # unused inputs are known before anything runs
        _refuse_unused(targets, on)
    token = object()
    _running.add(token)  # before counting, so that two passes starting together see each other
    saved_mode, tracer = (state.grad_enabled, state.anomaly), state.tracer
    try:
        plan(roots, token, on)
        found: dict[Tensor, Any] = {}
        for r, g in zip(roots, grads):  # seed the walk with the roots' gradients
            if on is not None and r not in on:
                continue
            if r.op is None:
                _add(found, r, g, g, create_graph)
            else:
                r._gsum = g if r._gsum is None else r._gsum + g
        ready = [r for r in dict.fromkeys(roots) if r.op is not None and r._pass is token]
        ready = [r for r in ready if r._pending == 0]
        # First-order backward never records ops; ops made by a create_graph backward are
        # checked by anomaly mode as backward, op by op.
        order: list[Any] | None = None if tracer is None else []
        if not create_graph:  # (ag.jit records this pass whole, not the ops inside backwards)
            state.tracer = None
        state.grad_enabled, state.anomaly = create_graph, False
        state.refresh()
        walk(ready, token, found, create_graph, retain_graph, saved_mode[1], targets, ends, order)
    finally:
        state.grad_enabled, state.anomaly = saved_mode
        state.tracer = tracer
        state.refresh()
        _running.discard(token)
    if order is not None:  # ag.jit is tracing: it replays this pass from what it saw
        tracer.backward_pass(roots, root_grads, order, found, create_graph, targets, ends)
    if not allow_unused:  # reachable, yet no gradient arrived (a backward returned None)
        _refuse_unused(targets, found)
    return found


def backward(
    roots: Sequence[Tensor],
    gradients: Sequence[Any],
    retain_graph: bool,
    create_graph: bool,
    inputs: Any = None,
) -> None:
    """``Tensor.backward`` (one root) and ``ag.autograd.backward``: accumulate into ``.grad``
    (of ``inputs`` only, when given)."""
    targets = None if inputs is None else _as_targets(inputs, "backward")
    found = run(roots, gradients, retain_graph, create_graph, targets)
    with _accumulate:
        for t, g in found.items():
            _accumulate_grad(t, g, create_graph)


@replayable
def _accumulate_grad(t: Tensor, g: Any, create_graph: bool) -> None:
    """Add to ``.grad`` as PyTorch does: in place when possible, a new array when not (a
    read-only or differently shaped ``.grad`` that the caller assigned)."""
    if create_graph:
        t._grad = g if t._grad is None else t._grad + g
        return
    if type(g) is not np.ndarray:
        g = np.asarray(g)  # numpy returns scalars for 0-d results; .grad.data is always an array
    if t._grad is None:
        t._grad = Tensor(g)
        return
    acc = t._grad
    try:
        np.add(acc.data, g, out=acc.data, casting="no")
    except (ValueError, TypeError):
        acc.data = acc.data + g
        return
    acc.mark_modified()


def _as_targets(inputs: Any, who: str) -> dict[Tensor, None]:
    ins = tuple(inputs) if isinstance(inputs, (list, tuple)) else (inputs,)
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor) or not x._requires_grad:
            raise RuntimeError(f"{who}: input {i} is not a Tensor that requires grad")
    return dict.fromkeys(ins)


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
    targets = _as_targets(inputs, "grad")
    keep = create_graph if retain_graph is None else retain_graph
    found = run(outs, gouts, keep, create_graph, targets, allow_unused, who="grad")
    result: list[Tensor | None] = []
    handed: set[int] = set()
    for x in inputs if isinstance(inputs, (list, tuple)) else (inputs,):
        g = found.get(x)
        if g is not None and id(g) in handed:  # the same input twice: a copy each time
            g = g * 1 if isinstance(g, Tensor) else g.copy()
        handed.add(id(g))
        result.append(g if g is None or isinstance(g, Tensor) else _hand(g))
    return tuple(result)


@replayable
def _hand(g: Any) -> Tensor:
    """ag.grad's result for a first-order gradient: a new Tensor of its own."""
    return Tensor(np.asarray(g))


def _refuse_unused(ins: Any, used: Any) -> None:
    for i, x in enumerate(ins):
        if x not in used:
            raise RuntimeError(
                f"grad: input {i} (shape {x.shape}) was not used to compute the outputs; "
                f"pass allow_unused=True to get None for it"
            )
