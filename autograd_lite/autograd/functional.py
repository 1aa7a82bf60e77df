"""``ag.autograd.functional``: Jacobians, Hessians and their products, as PyTorch's.

``jacobian``, ``hessian``, ``vjp``, ``jvp``, ``hvp`` and ``vhp`` take the same arguments
and return the same structures as ``torch.autograd.functional``: ``inputs`` is a Tensor
or a tuple of Tensors (numpy arrays are accepted too) and ``func`` is called as
``func(*inputs)``; a result follows the tuple-ness of what it is shaped like (a tuple of
Tensors where ``inputs`` or the outputs were a tuple, else one Tensor; ``jacobian[i][j]``
is output ``i`` by input ``j``, of shape ``out_i.shape + in_j.shape``). Without
``create_graph`` the results are detached; with it, they can be differentiated again.
With ``strict=True`` an output independent of an input raises instead of giving zeros.

The engine is reverse mode only. Everything is built from one step, the vector-Jacobian
product (one backward pass); the forward-mode products (``jvp``, ``hvp`` and
``strategy="forward-mode"``) use the double-backward trick, which is exact, not a finite
difference: ``u -> J^T u`` is linear in ``u``, so differentiating it with respect to ``u``
in the direction ``v`` gives ``J v``, whatever the (finite) value of ``u``.

>>> import autograd_lite as ag
>>> from autograd_lite.autograd.functional import hessian, jvp
>>> x = ag.tensor([1.0, 2.0], dtype="float64")
>>> hessian(lambda x: (x ** 3).sum(), x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
>>> jvp(lambda x: x ** 2, x, ag.tensor([1.0, 0.0], dtype="float64"))[1]
tensor([2., 0.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Tensor, enable_grad, grad
from ..ops import reshape, stack, transpose

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]

Tensors = Tensor | tuple[Tensor, ...]


def _as_tuple(x: Any, what: str, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    """Whether ``x`` was a tuple, and it as a tuple of Tensors (arrays are wrapped)."""
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor | np.ndarray):
            where = f"the value at index {i}" if is_tuple else f"the given {what}"
            raise TypeError(
                f"{fn}: the {what} must be a Tensor or a tuple of Tensors, but {where} "
                f"has type {type(el).__name__}"
            )
    return is_tuple, tuple(el if isinstance(el, Tensor) else Tensor(el) for el in items)


def _untuple(res: Any, is_tuple: bool) -> Any:
    return res if is_tuple else res[0]


def _fresh(inputs: Tensors, create_graph: bool, fn: str) -> tuple[bool, tuple[Tensor, ...]]:
    """Whether ``inputs`` was a tuple, and new tensor objects for its items that require grad,
    so that tensors ``func`` captures by closure are not confused with its arguments; linked
    to the originals only under ``create_graph``."""
    in_tuple, items = _as_tuple(inputs, "inputs", fn)
    return in_tuple, tuple(
        reshape(x, x.shape) if create_graph and x.requires_grad else Tensor(x.data, True)
        for x in items
    )


def _call(func: Callable[..., Any], inputs: tuple[Tensor, ...], fn: str, strict: bool) -> Any:
    is_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function", fn)
    _check_outputs(outputs, fn, strict)
    return is_tuple, outputs


def _check_outputs(outputs: tuple[Tensor, ...], fn: str, strict: bool) -> None:
    for i, out in enumerate(outputs if strict else ()):
        if not out.requires_grad:
            raise RuntimeError(
                f"{fn}: output {i} of the user-provided function does not require grad; "
                f"in strict mode the outputs must be computed differentiably from the inputs"
            )


def _scalar_output(func: Callable[..., Any], fn: str) -> Callable[..., Tensor]:
    """``func``, checked to return one Tensor with one element (hessian, hvp, vhp)."""

    def checked(*xs: Tensor) -> Tensor:
        out = func(*xs)
        if not isinstance(out, Tensor):
            raise RuntimeError(f"{fn}: the function should return a single Tensor")
        if out.size != 1:
            raise RuntimeError(
                f"{fn}: the Tensor returned by the function should have a single element, "
                f"got shape {out.shape}"
            )
        return out

    return checked


def _vector(
    v: Any, like: tuple[Tensor, ...], like_tuple: bool, what: str, fn: str
) -> tuple[Any, ...]:
    """``v`` checked against ``like`` (shapes); None allowed for a single one-element tensor."""
    if v is None:
        if len(like) != 1 or like[0].size != 1:
            raise RuntimeError(
                f"{fn}: v can only be None if the {what} is a single Tensor with a single element"
            )
        return (np.ones(like[0].shape, like[0].dtype),)
    _, vs = _as_tuple(v, "v", fn)
    if len(vs) != len(like):
        raise RuntimeError(
            f"{fn}: v is a tuple of invalid length: should be {len(like)} but got {len(vs)}"
            if like_tuple
            else f"{fn}: v should be a single Tensor, got a tuple of {len(vs)}"
        )
    for i, (a, b) in enumerate(zip(vs, like)):
        if a.shape != b.shape:
            prefix = f"entry {i} of " if like_tuple else ""
            raise RuntimeError(f"{fn}: {prefix}v has shape {a.shape}, should be {b.shape}")
    return tuple(a.detach() for a in vs)


def _vjp(
    outputs: tuple[Tensor, ...],
    inputs: tuple[Tensor, ...],
    vs: tuple[Any, ...],
    create_graph: bool,
    retain_graph: bool | None = None,
) -> tuple[Tensor | None, ...]:
    """One backward pass: ``sum_i v_i^T d out_i / d inputs``; None for an input no output
    depends on (outputs that do not require grad are skipped, as constants)."""
    pairs = [(o, v) for o, v in zip(outputs, vs) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, cotangents = zip(*pairs)
    return grad(
        list(outs),
        list(inputs),
        list(cotangents),
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=True,
    )


def _linearized(
    outputs: tuple[Tensor, ...], inputs: tuple[Tensor, ...]
) -> tuple[tuple[Tensor, ...], tuple[Tensor | None, ...]]:
    """The double-backward trick, first half: ``J^T u`` as a graph in dummy cotangents ``u``
    (zeros: the value does not matter, the map is linear in ``u``)."""
    us = tuple(Tensor(np.zeros(o.shape, o.dtype), requires_grad=True) for o in outputs)
    return us, _vjp(outputs, inputs, us, create_graph=True, retain_graph=True)


def _jvp(
    us: tuple[Tensor, ...],
    jtu: tuple[Tensor | None, ...],
    vs: tuple[Any, ...],
    create_graph: bool,
    retain_graph: bool | None = None,
) -> tuple[Tensor | None, ...]:
    """Second half: ``J v`` as the derivative of ``v . J^T u`` with respect to ``u``."""
    pairs = [(t, v) for t, v in zip(jtu, vs) if t is not None]
    if not pairs:
        return (None,) * len(us)
    ts, tangents = zip(*pairs)
    return _vjp(ts, us, tangents, create_graph, retain_graph)


def _zeros_for_none(
    grads: tuple[Tensor | None, ...], refs: tuple[Tensor, ...], strict: bool, fn: str, what: str
) -> tuple[Tensor, ...]:
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"{fn}: the output of the user-provided function is independent of "
                    f"{what} {i}; this is not allowed in strict mode"
                )
            g = Tensor(np.zeros(ref.shape, ref.dtype))
        res.append(g)
    return tuple(res)


def _finish(ts: tuple[Any, ...], create_graph: bool) -> tuple[Any, ...]:
    """Detach results unless the caller wants to differentiate them (nested tuples too)."""
    if create_graph:
        return ts
    return tuple(t.detach() if isinstance(t, Tensor) else _finish(t, False) for t in ts)


def vjp(
    func: Callable[..., Any],
    inputs: Tensors,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), v^T J)``: the vector-Jacobian product, shaped like ``inputs``.

    ``v`` is shaped like the outputs; it may be omitted when the output is one element.

    >>> import autograd_lite as ag
    >>> vjp(lambda x: x ** 2, ag.tensor([1.0, 3.0]), ag.tensor([1.0, 1.0]))[1]
    tensor([2., 6.], dtype=float32)
    """
    with enable_grad():
        in_tuple, inputs = _fresh(inputs, create_graph, "vjp")
        out_tuple, outputs = _call(func, inputs, "vjp", strict)
        vs = _vector(v, outputs, out_tuple, "output of the user-provided function", "vjp")
        res = _vjp(outputs, inputs, vs, create_graph)
    res = _zeros_for_none(res, inputs, strict, "vjp", "input")
    outputs, res = _finish(outputs, create_graph), _finish(res, create_graph)
    return _untuple(outputs, out_tuple), _untuple(res, in_tuple)


def jvp(
    func: Callable[..., Any],
    inputs: Tensors,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), J v)``: the Jacobian-vector product, shaped like the outputs.

    Exact, not a finite difference: the engine has reverse mode only, so this takes two
    backward passes (the double-backward trick). The first builds ``u -> J^T u`` as a graph in
    dummy cotangents ``u``; that map is linear, so its derivative with respect to ``u`` in the
    direction ``v`` is ``J v``, whatever the value of ``u``. ``v`` is shaped like ``inputs``;
    it may be omitted when the input is one element.

    >>> import autograd_lite as ag
    >>> jvp(lambda x: x.sum(), ag.tensor([1.0, 3.0]), ag.tensor([1.0, 1.0]))[1]
    tensor(2., dtype=float32)
    """
    with enable_grad():
        in_tuple, inputs = _fresh(inputs, create_graph, "jvp")
        vs = _vector(v, inputs, in_tuple, "input to the user-provided function", "jvp")
        out_tuple, outputs = _call(func, inputs, "jvp", strict)
        us, jtu = _linearized(outputs, inputs)
        if strict:
            _zeros_for_none(jtu, inputs, strict, "jvp", "input")
        res = _jvp(us, jtu, vs, create_graph)
    res = _zeros_for_none(res, outputs, strict, "jvp", "output")
    outputs, res = _finish(outputs, create_graph), _finish(res, create_graph)
    return _untuple(outputs, out_tuple), _untuple(res, out_tuple)


def _basis(shape: tuple[int, ...], dtype: np.dtype, k: int) -> np.ndarray:
    e = np.zeros(shape, dtype)
    e.flat[k] = 1
    return e


def _stack_rows(rows: list[Tensor], lead: tuple[int, ...], like: Tensor) -> Tensor:
    """Rows (one per element of ``lead``) as one tensor of shape ``lead + like.shape``."""
    if not rows:
        return Tensor(np.zeros(lead + like.shape, like.dtype))
    return reshape(stack(rows), lead + like.shape)


def jacobian(
    func: Callable[..., Any],
    inputs: Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    strategy: str = "reverse-mode",
) -> Any:
    """The Jacobian of ``func`` at ``inputs``: ``J[i][j]`` of shape ``out_i.shape + in_j.shape``.

    ``strategy="reverse-mode"`` runs one backward pass per output element (each a ``vjp``);
    ``"forward-mode"`` one ``jvp`` per input element (better when outputs outnumber inputs).
    ``vectorize`` is accepted for PyTorch's signature and changes nothing: rows are computed
    one by one, with the same results.

    >>> import autograd_lite as ag
    >>> jacobian(lambda x: x ** 2, ag.tensor([1.0, 2.0], dtype="float64"))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(
            f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}"
        )
    with enable_grad():
        in_tuple, inputs = _fresh(inputs, create_graph, "jacobian")
        out_tuple, outputs = _call(func, inputs, "jacobian", strict)
        if strategy == "reverse-mode":
            jac = _jacobian_rows(outputs, inputs, create_graph, strict)
        else:
            jac = _jacobian_columns(outputs, inputs, create_graph, strict)
    jac = _finish(jac, create_graph)
    jac = tuple(_untuple(row, in_tuple) for row in jac)
    return _untuple(jac, out_tuple)


def _jacobian_rows(
    outputs: tuple[Tensor, ...], inputs: tuple[Tensor, ...], create_graph: bool, strict: bool
) -> tuple[tuple[Tensor, ...], ...]:
    """Reverse mode: row ``k`` of ``J[i][.]`` is the vjp with the ``k``-th basis vector."""
    jac = []
    for out in outputs:
        rows: list[list[Tensor]] = [[] for _ in inputs]
        for k in range(out.size if out.requires_grad else 0):
            gs = _vjp((out,), inputs, (_basis(out.shape, out.dtype, k),), create_graph, True)
            for row, g in zip(rows, _zeros_for_none(gs, inputs, strict, "jacobian", "input")):
                row.append(g)
        jac.append(tuple(_stack_rows(r, out.shape, x) for r, x in zip(rows, inputs)))
    return tuple(jac)


def _jacobian_columns(
    outputs: tuple[Tensor, ...], inputs: tuple[Tensor, ...], create_graph: bool, strict: bool
) -> tuple[tuple[Tensor, ...], ...]:
    """Forward mode: column ``k`` of ``J[.][j]`` is the jvp with the ``k``-th basis vector."""
    us, jtu = _linearized(outputs, inputs)
    jac: list[list[Any]] = [[None] * len(inputs) for _ in outputs]
    for j, x in enumerate(inputs):
        cols: list[list[Tensor]] = [[] for _ in outputs]
        for k in range(x.size):
            vs = tuple(_basis(y.shape, y.dtype, k) if y is x else np.zeros(y.shape, y.dtype)
                       for y in inputs)  # fmt: skip
            gs = _jvp(us, jtu, vs, create_graph, retain_graph=True)
            for col, g in zip(cols, _zeros_for_none(gs, outputs, strict, "jacobian", "output")):
                col.append(g)
        for i, (col, out) in enumerate(zip(cols, outputs)):
            jac[i][j] = _move_first_last(_stack_rows(col, x.shape, out), x.ndim)
    return tuple(tuple(row) for row in jac)


def _move_first_last(t: Tensor, k: int) -> Tensor:
    """From ``in.shape + out.shape`` (``k`` input axes first) to ``out.shape + in.shape``."""
    axes = list(range(k, t.ndim)) + list(range(k))
    return transpose(t, axes)


def hessian(
    func: Callable[..., Any],
    inputs: Tensors,
    create_graph: bool = False,
    strict: bool = False,
    vectorize: bool = False,
    outer_jacobian_strategy: str = "reverse-mode",
) -> Any:
    """The Hessian of a scalar ``func``: the Jacobian of its gradient.

    One Tensor of shape ``x.shape + x.shape`` for one input; ``H[i][j]`` of shape
    ``in_i.shape + in_j.shape`` for a tuple of inputs.

    >>> import autograd_lite as ag
    >>> h = hessian(lambda x, y: (x * y).sum(), (ag.tensor([1.0]), ag.tensor([2.0])))
    >>> [[float(h[i][j][0, 0]) for j in range(2)] for i in range(2)]
    [[0.0, 1.0], [1.0, 0.0]]
    """
    in_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    scalar = _scalar_output(func, "hessian")

    def gradient(*xs: Tensor) -> Any:
        out = scalar(*xs)
        return _untuple(_zeros_for_none(_vjp((out,), xs, (None,), True), xs, strict,
                                        "hessian", "input"), in_tuple)  # fmt: skip

    res = jacobian(gradient, _untuple(inputs, in_tuple), create_graph, strict, vectorize,
                   outer_jacobian_strategy)  # fmt: skip
    return res


def vhp(
    func: Callable[..., Any],
    inputs: Tensors,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), v^T H)`` for a scalar ``func``: two backward passes.

    >>> import autograd_lite as ag
    >>> vhp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 1.0]))[1]
    tensor([ 6., 12.], dtype=float32)
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(
    func: Callable[..., Any],
    inputs: Tensors,
    v: Any = None,
    create_graph: bool = False,
    strict: bool = False,
) -> tuple[Any, Any]:
    """``(func(*inputs), H v)`` for a scalar ``func``: the double-backward trick on the
    gradient, three backward passes (equal to ``vhp`` when ``func`` is twice continuously
    differentiable, where ``H`` is symmetric).

    >>> import autograd_lite as ag
    >>> hvp(lambda x: (x ** 3).sum(), ag.tensor([1.0, 2.0]), ag.tensor([1.0, 0.0]))[1]
    tensor([6., 0.], dtype=float32)
    """
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(
    func: Callable[..., Any], inputs: Tensors, v: Any, create_graph: bool, strict: bool, fn: str
) -> tuple[Any, Any]:
    with enable_grad():
        in_tuple, inputs = _fresh(inputs, create_graph, fn)
        vs = _vector(v, inputs, in_tuple, "input to the user-provided function", fn)
        out = _scalar_output(func, fn)(*inputs)
        _check_outputs((out,), fn, strict)
        jac = _vjp((out,), inputs, (None,), create_graph=True)
        if strict and any(g is None or not g.requires_grad for g in jac):
            raise RuntimeError(
                f"{fn}: the gradient of the user-provided function is independent of an "
                f"input; this is not allowed in strict mode"
            )
        # Only the inputs the gradient depends on take part; the others get zeros.
        used = [k for k, g in enumerate(jac) if g is not None]
        grads = tuple(g for g in jac if g is not None)
        if fn == "vhp":  # v^T H: the gradient of v . grad f
            res = _vjp(grads, inputs, tuple(vs[k] for k in used), create_graph)
        else:  # H v: the double-backward trick on the gradient
            us, jtu = _linearized(grads, inputs)
            part = _jvp(us, jtu, vs, create_graph)
            res = tuple(part[used.index(k)] if k in used else None for k in range(len(inputs)))
    res = _zeros_for_none(res, inputs, strict, fn, "input")
    out, res = _finish((out,), create_graph)[0], _finish(res, create_graph)
    return out, _untuple(res, in_tuple)
