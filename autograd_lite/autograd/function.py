"""``ag.autograd.Function``: PyTorch's way of writing a custom op, run on the engine's ``Op``.

A PyTorch custom op is a class with static ``forward(ctx, *args)`` and ``backward(ctx,
*grads)``, applied with ``.apply``; ``ctx`` carries what forward saved. Here each
``Function`` gets an :class:`~autograd_lite.core.Op` subclass of its own (named after it in
graph drawings and error messages): ``apply`` runs your ``forward`` on the Tensors under
``no_grad``, links the result into the graph through that op, and the op's backward calls
your ``backward``. Everything the engine does for its own ops holds: gradients are summed
back over broadcasting and cast to the input's dtype, saved tensors written in place since
forward make backward refuse, and under ``create_graph=True`` your ``backward`` runs on
graph Tensors (``ctx.saved_tensors`` are the graph's inputs and outputs), so a backward
written with ``ag`` functions is differentiable again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Op, Tensor, is_grad_enabled, no_grad, value
from ..ops import astype, getitem, reshape

__all__ = ["Function", "FunctionCtx", "once_differentiable"]


class FunctionCtx:
    """The ``ctx`` of a :class:`Function`: what forward saves for backward.

    ``ctx.save_for_backward(*tensors)`` and ``ctx.saved_tensors``; ``ctx.needs_input_grad``
    (a bool per forward argument); ``ctx.mark_non_differentiable(*outputs)``; and any
    attribute you set (``ctx.alpha = 0.5``).
    """

    needs_input_grad: tuple[bool, ...]

    def __init__(self) -> None:
        self.to_save: tuple[Any, ...] = ()
        self.non_differentiable: tuple[Any, ...] = ()
        self._saved: tuple[Any, ...] | None = None  # set while backward runs

    def save_for_backward(self, *tensors: Any) -> None:
        """Keep inputs, outputs (or other tensors, as constants) for ``backward``."""
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor | np.ndarray):
                raise TypeError(
                    f"save_for_backward: argument {i} is a {type(t).__name__}; save tensors "
                    f"here and other values as attributes (ctx.name = value)"
                )
        self.to_save = tensors

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved tensors, inside ``backward``: the graph's own under ``create_graph``."""
        if self._saved is None:
            raise RuntimeError("saved_tensors: only available inside backward")
        return self._saved

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Outputs that get no gradient (indices, masks): they do not require grad, and
        backward receives zeros for them."""
        self.non_differentiable = outputs


class _FunctionOp(Op):
    """The node of one ``Function.apply``; ``saved`` holds the ctx (freed after backward)."""

    __slots__ = ("_result",)
    _result: np.ndarray | None
    function: type[Function]

    def forward(self, *xs: Any) -> Any:
        y, self._result = self._result, None  # computed by apply before the node was made
        return y

    def backward(self, g: Any, y: Any, *xs: Any) -> Any:
        ctx: _Ctx = self.saved
        graph = isinstance(y, Tensor)  # create_graph: Tensors; else arrays
        if not graph:
            g, y, xs = Tensor(g), Tensor(y), tuple(map(Tensor, xs))
        outs = ctx._unpack(y)
        ctx._saved = ctx._resolve(xs, outs)
        try:
            grads = self.function.backward(ctx, *ctx._unpack(g, zeros=True))
        finally:
            ctx._saved = None
        return ctx._input_grads(grads, graph, self.name)


class _Ctx(FunctionCtx):
    """A FunctionCtx with the bookkeeping between apply and backward."""

    args: tuple[Any, ...]
    inner: tuple[Any, ...]  # forward's outputs, as returned
    layout: list[tuple[int, int, tuple[int, ...], np.dtype]]  # differentiable outputs: packing

    def _unpack(self, packed: Tensor, zeros: bool = False) -> tuple[Any, ...]:
        """The outputs (or their gradients) from the node's single, packed result; the
        others are zeros for gradients (``zeros``), forward's values otherwise."""
        if len(self.layout) == 1 and len(self.inner) == 1:
            return (packed,)
        parts: dict[int, Any] = {}
        for j, (lo, hi, shape, dtype) in enumerate(self.layout):
            part = reshape(getitem(packed, slice(lo, hi)), shape)
            parts[j] = part if part.dtype == dtype else astype(part, dtype)
        result, k = [], 0
        for out in self.inner:
            if _differentiable(out, self.non_differentiable):
                result.append(parts[k])
                k += 1
            elif not isinstance(out, Tensor):
                result.append(None if zeros else out)
            else:
                result.append(Tensor(np.zeros_like(out.data)) if zeros else out.detach())
        return tuple(result)

    def _resolve(self, xs: tuple[Any, ...], outs: tuple[Any, ...]) -> tuple[Any, ...]:
        """Saved tensors as backward sees them: inputs and outputs by identity (graph nodes
        under create_graph), anything else as it was saved (a constant)."""
        tensor_args = [a for a in self.args if isinstance(a, Tensor)]
        resolved = []
        for s in self.to_save:
            found = next((x for a, x in zip(tensor_args, xs) if a is s), None)
            if found is None:
                found = next((o for i, o in zip(self.inner, outs) if i is s), s)
            resolved.append(found)
        return tuple(resolved)

    def _input_grads(self, grads: Any, graph: bool, name: str) -> tuple[Any, ...]:
        grads = grads if isinstance(grads, tuple | list) else (grads,)
        n = len(self.args)
        if len(grads) < n or any(g is not None for g in grads[n:]):
            raise RuntimeError(
                f"{name}.backward returned {len(grads)} gradients for {n} forward arguments; "
                f"return one per argument (None for those without one)"
            )
        result: list[Any] = []
        for i, (a, g) in enumerate(zip(self.args, grads)):
            if not isinstance(a, Tensor):
                if g is not None:
                    raise RuntimeError(
                        f"{name}.backward returned a gradient for argument {i}, which is a "
                        f"{type(a).__name__}, not a Tensor; return None for it"
                    )
                continue
            if g is None:
                result.append(None)
            elif graph:
                result.append(g if isinstance(g, Tensor) else Tensor(np.asarray(g)))
            else:
                result.append(np.asarray(value(g)))
        return tuple(result)


def _differentiable(out: Any, marked: tuple[Any, ...]) -> bool:
    return isinstance(out, Tensor) and out.dtype.kind in "fc" and not any(out is m for m in marked)


class Function:
    """Base class for custom ops written PyTorch's way.

    Subclass it with two static methods, ``forward(ctx, *args)`` (Tensors in, Tensors out;
    it runs under ``no_grad``) and ``backward(ctx, *grad_outputs)`` (one gradient per
    output in, one per forward argument out, None where there is none), and call
    ``YourFunction.apply(*args)``. PyTorch's newer form, ``forward(*args)`` plus
    ``setup_context(ctx, inputs, output)``, works too.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> class Exp(ag.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = ag.exp(x)
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     def backward(ctx, grad_output):
    ...         (y,) = ctx.saved_tensors
    ...         return grad_output * y
    >>> x = ag.tensor([0.0, 1.0], dtype="float64", requires_grad=True)
    >>> Exp.apply(x).sum().backward()
    >>> x.grad
    tensor([1.        , 2.71828183])
    """

    _op: type[_FunctionOp]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        attrs = {"__slots__": (), "name": cls.__name__, "function": cls}
        cls._op = type(f"{cls.__name__}Op", (_FunctionOp,), attrs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(
            f"{type(self).__name__}: Functions are not instantiated; call "
            f"{type(self).__name__}.apply(...)"
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("Function.forward: define it as a @staticmethod")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> Any:
        return NotImplemented  # not overridden: forward takes ctx

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("Function.backward: define it as a @staticmethod")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward, and record one node whose backward is this class's ``backward``."""
        ctx = _Ctx()
        ctx.args = args
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        with no_grad():
            if cls.setup_context is Function.setup_context:
                output = cls.forward(ctx, *args, **kwargs)
            else:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
        single = not isinstance(output, tuple)
        ctx.inner = inner = tuple(
            Tensor(o) if isinstance(o, np.ndarray) else o for o in ((output,) if single else output)
        )
        tensors = [a for a in args if isinstance(a, Tensor)]
        diff = [o for o in inner if _differentiable(o, ctx.non_differentiable)]
        if not (diff and is_grad_enabled() and any(t.requires_grad for t in tensors)):
            outs = tuple(o.detach() if isinstance(o, Tensor) else o for o in inner)
            return outs[0] if single else outs
        # The engine's ops have one output: several are packed into one flat array.
        node = cls._op()
        node.saved = ctx
        if len(inner) == 1:
            ctx.layout = [(0, diff[0].size, diff[0].shape, diff[0].dtype)]
            node._result = diff[0].data
            out = node(*tensors)
            return out if single else (out,)
        bounds = np.cumsum([0] + [o.size for o in diff])
        ctx.layout = [(lo, hi, o.shape, o.dtype) for lo, hi, o in zip(bounds, bounds[1:], diff)]
        node._result = np.concatenate([o.data.reshape(-1) for o in diff])
        return ctx._unpack(node(*tensors))


class _DelayedError(Op):
    """The identity, whose backward refuses: marks results of a once-differentiable backward."""

    __slots__ = ()
    name = "once_differentiable"
    reads_inputs = False
    reads_output = False

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x

    def backward(self, g: Any, y: Any, x: Any) -> Any:
        raise RuntimeError(
            "trying to differentiate twice a function that was marked with @once_differentiable"
        )


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a ``Function.backward`` that is not itself differentiable (e.g. written with
    numpy): it runs without recording, and differentiating its result raises."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            outputs = fn(ctx, *args)
        if not (is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args)):
            return outputs
        single = not isinstance(outputs, tuple)
        marked = tuple(
            None if o is None else _DelayedError()(Tensor(value(o), requires_grad=True))
            for o in ((outputs,) if single else outputs)
        )
        return marked[0] if single else marked

    return wrapper
