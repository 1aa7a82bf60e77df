"""Reductions over numpy-style axes (sum, mean, prod, max, min, var, std, logsumexp, ...), the
softmax family, the scans (cumsum, cumprod), sorting and order statistics (sort, median,
quantile, topk) and the index functions, which have no gradient (argmax, argsort, nonzero, ...).

Forwards call ``np.add.reduce``/``np.maximum.reduce`` directly where they can: that is what
``np.sum`` and ``np.max`` run, after ~1.5 us of Python dispatch per call.

numpy's keywords give numpy's behaviour and PyTorch's keywords PyTorch's (ops/conventions.py):
``ag.max(x, axis=1)`` is the maxima, ``ag.max(x, dim=1)`` PyTorch's ``(values, indices)``
named tuple; ``ag.var(x, axis=1)`` divides by n, ``ag.var(x, dim=1)`` by n - 1. The Tensor
methods whose positional forms differ between the two libraries follow PyTorch (``x.max(1)``,
``x.sort()``, ``x.var()``, ``x.median()``), declared at the end of this module.
"""

from __future__ import annotations

import math
from collections import namedtuple
from typing import Any

import numpy as np

from .._typing import ArrayLike, Axis
from ..core import Op, Tensor, apply_nondifferentiable, apply_unary, as_input, value
from .conventions import UNSET, pick
from .declarations import declare, tensor_method
from .elementwise import exp, maximum, minimum, nan_to_num, where
from .shape import astype, broadcast_to, concatenate, getitem, reshape, squeeze, transpose


def normalize_axes(axis: Axis, ndim: int, op: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints; a clear error for bad or repeated axes."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int and -ndim <= axis < ndim:  # the common case, checked at once
        return (axis % ndim,)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"{op}: axis must be an int or a tuple of ints, got {axis!r}")
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{op}: axis {a} is out of range for a tensor of shape {shape} "
                f"({ndim} dimensions; valid axes are {-ndim}..{ndim - 1})"
            )
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis!r}")
    return tuple(sorted(out))


def _one_axis(axis: Any, ndim: int, op: str, shape: tuple[int, ...]) -> int:
    """A single axis as a non-negative int."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: axis must be a single int, got {axis!r}")
    return normalize_axes(int(axis), ndim, op, shape)[0]


def _spelled(op: str, axis: Any, keepdims: Any, dim: Any, keepdim: Any) -> tuple[Any, bool]:
    """(axis, keepdims) from numpy's spelling or PyTorch's (the other's default). PyTorch's
    ``dim=()`` means every dimension, as ``x.sum(dim=())`` and ``x.amax()`` in PyTorch."""
    if dim == () or dim == []:
        dim = None
    axis = pick(op, "axis", UNSET if axis is None else axis, "dim", dim)
    keep = pick(op, "keepdims", UNSET if keepdims is False else keepdims, "keepdim", keepdim)
    return (None if axis is UNSET else axis), (False if keep is UNSET else bool(keep))


def _input(x: Any) -> Any:
    """A Tensor or an ndarray, from whatever numpy would take (numbers, nested lists)."""
    return x if isinstance(x, (Tensor, np.ndarray)) else as_input(x)


def _finite_max(x: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """The max over ``axes`` (kept), with non-finite maxima replaced by 0: the shift that makes
    exp(x - shift) safe without turning an all -inf or +inf slice into NaN."""
    m = np.maximum.reduce(x, axis=axes, keepdims=True)
    return np.where(np.isfinite(m), m, 0)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _flip(x: Any, axis: int) -> Any:
    """``x`` reversed along ``axis`` (a view for arrays, a getitem for tensors)."""
    return x[(slice(None),) * (axis % x.ndim) + (slice(None, None, -1),)]


def _moved_last(x: Any, axes: tuple[int, ...]) -> tuple[Any, tuple[int, ...]]:
    """``x`` with ``axes`` moved to the end, and the permutation used (to move them back)."""
    perm = tuple(i for i in range(x.ndim) if i not in axes) + tuple(axes)
    return (x if perm == tuple(range(x.ndim)) else transpose(x, perm)), perm


def _moved_back(x: Any, perm: tuple[int, ...]) -> Any:
    return x if perm == tuple(range(x.ndim)) else transpose(x, tuple(np.argsort(perm)))


def _along(x: Any, indices: Any, axis: int) -> Any:
    """``x``'s elements at ``indices`` along ``axis`` (numpy's take_along_axis) as a getitem,
    so that the gradient goes to exactly those elements."""
    grid: list[Any] = list(np.indices(np.shape(value(indices)), sparse=True))
    grid[axis] = value(indices)
    return getitem(x, tuple(grid))


def _return_type(name: str) -> type:
    cls = namedtuple(name, ("values", "indices"))  # type: ignore[misc]
    cls.__module__, cls.__qualname__ = __name__, f"return_types.{name}"
    cls.__doc__ = f"{name}'s (values, indices): PyTorch's torch.return_types.{name}."
    return cls


class return_types:  # noqa: N801 - PyTorch's name
    """The named tuples of PyTorch's forms: ``.values``, ``.indices``, unpackable."""

    max = _return_type("max")
    min = _return_type("min")
    sort = _return_type("sort")
    median = _return_type("median")
    topk = _return_type("topk")


# ------------------------------------------------------------------------------ reductions


class _Reduction(Op):
    """Reduces over ``axis`` (None = all), optionally keeping the reduced dims."""

    __slots__ = ("axis", "keepdims", "_axes")

    def __init__(self, axis: Axis = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = True if keepdims else False

    def _setup(self, x: np.ndarray) -> tuple[int, ...]:
        axis, ndim = self.axis, x.ndim
        if axis is None:
            axes = tuple(range(ndim))
        elif type(axis) is int and -ndim <= axis < ndim:  # (inlined: every sum comes here)
            axes = (axis % ndim,)
        else:
            axes = normalize_axes(axis, ndim, self.name, x.shape)
        self._axes = axes
        return axes

    def _grad_kept(self, g: Any, x: Any) -> Any:
        """The upstream gradient reshaped so that it broadcasts against the input."""
        if self.keepdims or g.ndim == 0:  # a full reduction's scalar broadcasts as it is
            return g
        return g.reshape(_kept_shape(x.shape, self._axes))


class Sum(_Reduction):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return np.add.reduce(x, axis=self._setup(x), keepdims=self.keepdims)

    def backward(self, g, y, x):
        return broadcast_to(self._grad_kept(g, x), x.shape)


class Mean(_Reduction):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return np.mean(x, axis=self._setup(x), keepdims=self.keepdims)

    def backward(self, g, y, x):
        shape = x.shape
        count = math.prod(shape[a] for a in self._axes)
        return broadcast_to(self._grad_kept(g, x) / count, shape)


class Prod(_Reduction):
    """Product over ``axis``; its gradient has no division, so zeros are exact."""

    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.multiply.reduce(x, axis=self._setup(x), keepdims=self.keepdims)

    def backward(self, g, y, x):
        return self._grad_kept(g, x) * _others_product(x, self._axes)


def _others_product(x: Any, axes: tuple[int, ...]) -> Any:
    """For each element, the product of the other elements of its group over ``axes``: the
    product of those before it times the product of those after it (no division by x)."""
    moved, perm = _moved_last(x, axes)
    shape = moved.shape
    flat = reshape(moved, shape[: x.ndim - len(axes)] + (-1,))
    left = _exclusive_cumprod(flat)
    right = _flip(_exclusive_cumprod(_flip(flat, -1)), -1)
    return _moved_back(reshape(left * right, shape), perm)


def _exclusive_cumprod(v: Any) -> Any:
    """Products of the elements before each one along the last axis (1 for the first)."""
    ones = np.ones(v.shape[:-1] + (1,), dtype=v.dtype)
    return cumprod(concatenate([ones, v], axis=-1), axis=-1)[..., :-1]


class _Extreme(_Reduction):
    """Selects one value per group; elements equal to it share the gradient equally (as
    PyTorch's full reductions max, min, amax, amin and median do)."""

    __slots__ = ()
    reduce: Any = None

    def forward(self, x):
        axes = self._setup(x)
        if x.size == 0:
            raise ValueError(f"{self.name}: cannot reduce an empty tensor of shape {x.shape}")
        return self.reduce(x, axis=axes, keepdims=self.keepdims)

    def backward(self, g, y, x):
        hit = x == self._grad_kept(y, x)
        count = hit.sum(axis=self._axes, keepdims=True).astype(g.dtype)
        return self._grad_kept(g, x) / count * hit


class Max(_Extreme):
    __slots__ = ()
    reduce = staticmethod(np.maximum.reduce)


class Min(_Extreme):
    __slots__ = ()
    reduce = staticmethod(np.minimum.reduce)


class Amax(Max):
    __slots__ = ()


class Amin(Min):
    __slots__ = ()


class LowerMedian(_Extreme):
    """PyTorch's median of all elements: the lower of the two middle values for even counts."""

    __slots__ = ()
    name = "median"

    @staticmethod
    def reduce(x: np.ndarray, axis: tuple[int, ...], keepdims: bool) -> np.ndarray:
        return np.quantile(x, 0.5, axis=axis, method="lower", keepdims=keepdims)


class Var(_Reduction):
    """Variance over ``axis``: the mean square deviation times n / (n - ddof)."""

    __slots__ = ("ddof",)
    reads_output = False

    def __init__(self, axis: Axis, keepdims: bool, ddof: float) -> None:
        super().__init__(axis, keepdims)
        if isinstance(ddof, bool) or not isinstance(ddof, (int, float, np.number)):
            raise TypeError(f"{self.name}: ddof must be a number, got {ddof!r}")
        self.ddof = ddof

    def forward(self, x):
        return np.var(x, axis=self._setup(x), ddof=self.ddof, keepdims=self.keepdims)

    def backward(self, g, y, x):
        dof = math.prod(x.shape[a] for a in self._axes) - self.ddof
        centered = x - x.mean(axis=self._axes, keepdims=True)
        return self._grad_kept(g, x) * centered * (2 / dof if dof else math.inf)


class Std(Var):
    """Standard deviation: sqrt of :class:`Var`. Where it is 0 (all elements equal) the
    gradient is 0, as PyTorch's."""

    __slots__ = ()
    reads_output = True

    def forward(self, x):
        return np.sqrt(super().forward(x))

    def backward(self, g, y, x):
        # std' = var' / (2 std); where std = 0 every x equals the mean, so var' is 0 already
        return super().backward(g / (2 * where(y == 0, 1.0, y)), y, x)


class Logsumexp(_Reduction):
    """log(sum(exp(x))) computed with the max shifted out: finite for any finite input."""

    __slots__ = ()

    def forward(self, x):
        axes = self._setup(x)
        m = _finite_max(x, axes)
        out = np.log(np.add.reduce(np.exp(x - m), axis=axes, keepdims=True)) + m
        return out if self.keepdims else out.reshape(np.delete(x.shape, axes))

    def backward(self, g, y, x):
        # softmax(x), computed from x shifted by its max (a constant: softmax ignores shifts)
        # rather than as exp(x - y), which would carry y's rounding error into every entry.
        # (The shift an op of no gradient: ag.jit replays it on the new x.)
        z = x - apply_nondifferentiable(FiniteMax(self._axes), x)
        return self._grad_kept(g, x) * exp(z - logsumexp(z, axis=self._axes, keepdims=True))


class FiniteMax(Op):
    """The max over ``axes`` (kept), 0 where it is not finite: a shift, without gradient."""

    __slots__ = ("axes",)
    name = "finite_max"

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes

    def forward(self, x):
        return _finite_max(x, self.axes)


class _AlongAxis(Op):
    __slots__ = ("axis",)

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def _check(self, x: np.ndarray) -> None:
        normalize_axes(self.axis, x.ndim, self.name, x.shape)
        if not isinstance(self.axis, (int, np.integer)):
            raise TypeError(f"{self.name}: axis must be a single int, got {self.axis!r}")


class Softmax(_AlongAxis):
    """exp(x) / sum(exp(x)) along ``axis``, with the max shifted out for stability."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        self._check(x)
        e = np.exp(x - np.maximum.reduce(x, axis=self.axis, keepdims=True))
        e /= np.add.reduce(e, axis=self.axis, keepdims=True)
        return e

    def backward(self, g, y, x):
        return y * (g - (g * y).sum(axis=self.axis, keepdims=True))


class LogSoftmax(_AlongAxis):
    """x - logsumexp(x) along ``axis``: finite for any finite logits."""

    __slots__ = ()
    name = "log_softmax"
    reads_inputs = False

    def forward(self, x):
        self._check(x)
        z = x - np.maximum.reduce(x, axis=self.axis, keepdims=True)
        return z - np.log(np.add.reduce(np.exp(z), axis=self.axis, keepdims=True))

    def backward(self, g, y, x):
        return g - exp(y) * g.sum(axis=self.axis, keepdims=True)


# ------------------------------------------------------------------------------ scans


class Cumsum(_AlongAxis):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        self._check(x)
        return np.cumsum(x, axis=self.axis)

    def backward(self, g, y, x):
        return _flip(cumsum(_flip(g, self.axis), axis=self.axis), self.axis)


class Cumprod(_AlongAxis):
    """Running products. Zeros are exact: the gradient never divides by an input."""

    __slots__ = ()

    def forward(self, x):
        self._check(x)
        return np.cumprod(x, axis=self.axis)

    def backward(self, g, y, x):
        if isinstance(x, Tensor):  # create_graph: a form that is differentiable again
            return _cumprod_grad_graph(g, x, self.axis)
        return _cumprod_grad(g, y, x, self.axis)


def _cumprod_grad(g: np.ndarray, y: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
    """dL/dx_i = sum_{k >= i} g_k prod_{j <= k, j != i} x_j in O(n), as PyTorch's first-order
    cumprod_backward: before the first zero of a slice it is the reversed cumsum of g * y
    divided by x_i; at the first zero, the product of the elements before it times
    sum_{k >= i} g_k prod_{i < j <= k} x_j; after it, 0."""
    g, y, x = (np.moveaxis(a, axis, -1) for a in (g, y, x))
    zero = x == 0
    zeros_so_far = np.cumsum(zero, axis=-1)  # up to and including each element
    before = zeros_so_far == 0
    safe = np.where(before, x, 1)
    out = np.where(before, np.cumsum((g * y)[..., ::-1], axis=-1)[..., ::-1] / safe, 0)
    first = zero & (zeros_so_far == 1)
    if first.any():
        after_first = np.cumprod(np.where(zeros_so_far - zero == 0, 1, x), axis=-1)
        tail = np.sum(np.where(zeros_so_far >= 1, g * after_first, 0), axis=-1, keepdims=True)
        out = np.where(first, np.prod(safe, axis=-1, keepdims=True) * tail, out)
    return np.moveaxis(out, -1, axis)


def _cumprod_grad_graph(g: Any, x: Any, axis: int) -> Any:
    """The same gradient built from ops, so that it is differentiable again: row i of an
    (n, n) stack holds x with x_i replaced by 1, whose cumprod at k >= i is
    prod_{j <= k, j != i} x_j. O(n^2), as PyTorch's double-backward form."""
    n = x.shape[axis]
    xs, gs = (transpose(a, _last(a.ndim, axis)) if a.ndim > 1 else a for a in (x, g))
    rows = cumprod(where(np.eye(n, dtype=bool), 1.0, xs[..., None, :]), axis=-1)
    upper = np.triu(np.ones((n, n), dtype=bool))  # [i, k]: k >= i
    grad = (where(upper, rows, 0.0) * gs[..., None, :]).sum(axis=-1)
    return transpose(grad, tuple(np.argsort(_last(x.ndim, axis)))) if x.ndim > 1 else grad


def _last(ndim: int, axis: int) -> tuple[int, ...]:
    """The permutation that moves ``axis`` to the end."""
    axis %= ndim
    return tuple(i for i in range(ndim) if i != axis) + (axis,)


# ------------------------------------------------------------------------------ index functions


class _Index(Op):
    """Results without a gradient: booleans, counts and indices."""

    __slots__ = ("axis", "keepdims")
    reduce: Any = None

    def __init__(self, axis: Any = None, keepdims: bool = False) -> None:
        self.axis = axis
        self.keepdims = bool(keepdims)

    def forward(self, x):
        axes = normalize_axes(self.axis, x.ndim, self.name, x.shape)
        return self.reduce(x, axis=axes, keepdims=self.keepdims)


class All(_Index):
    __slots__ = ()
    reduce = staticmethod(np.logical_and.reduce)


class Any_(_Index):
    __slots__ = ()
    name = "any"
    reduce = staticmethod(np.logical_or.reduce)


class CountNonzero(_Index):
    __slots__ = ()
    name = "count_nonzero"
    reduce = staticmethod(np.count_nonzero)


class _ArgExtreme(_Index):
    """argmax/argmin over one axis or all elements (a flat index), the first of ties."""

    __slots__ = ()

    def forward(self, x):
        if self.axis is not None:
            _one_axis(self.axis, x.ndim, self.name, x.shape)
        if x.size == 0:
            raise ValueError(f"{self.name}: an empty tensor of shape {x.shape} has no extremum")
        return self.reduce(x, axis=self.axis, keepdims=self.keepdims)


class Argmax(_ArgExtreme):
    __slots__ = ()
    reduce = staticmethod(np.argmax)


class Argmin(_ArgExtreme):
    __slots__ = ()
    reduce = staticmethod(np.argmin)


_KINDS = (None, "quicksort", "mergesort", "heapsort", "stable")


def _check_kind(op: str, kind: Any) -> None:
    if kind not in _KINDS:
        raise ValueError(f"{op}: kind must be one of {_KINDS}, got {kind!r}")


class Argsort(Op):
    """Indices that sort along ``axis`` (None: of the flattened elements). Ties keep their
    order (a stable sort) unless another ``kind`` is asked for, also when ``descending``."""

    __slots__ = ("axis", "kind", "descending")

    def __init__(self, axis: int | None, kind: str | None, descending: bool) -> None:
        _check_kind("argsort", kind)
        self.axis = axis
        self.kind = "stable" if kind is None else kind
        self.descending = bool(descending)

    def forward(self, x):
        if self.axis is None:
            x, axis = x.reshape(-1), 0
        else:
            axis = _one_axis(self.axis, x.ndim, self.name, x.shape)
        if not self.descending:
            return np.argsort(x, axis=axis, kind=self.kind)
        # sort the reversed order and reverse back: equal elements keep their order (and NaN,
        # sorted last, comes first, as in PyTorch's descending sort)
        order = np.argsort(np.flip(x, axis), axis=axis, kind=self.kind)
        return np.flip(x.shape[axis] - 1 - order, axis)


class Nonzero(Op):
    """The indices of the nonzero elements, one row each (PyTorch's ``nonzero``)."""

    __slots__ = ()

    def forward(self, x):
        return np.argwhere(x)


# ------------------------------------------------------------------------------ functions


def _named(fn: Any, qualname: str, doc: str) -> Any:
    """``fn`` (made by one of the factories below) under its public name and docstring."""
    fn.__qualname__, fn.__doc__ = qualname, doc
    fn.__name__ = qualname.rpartition(".")[2]
    return fn


def _reduction(name: str, op: Any, numpy: Any, doc: str, apply: Any = apply_unary) -> Any:
    """Declare the function (and Tensor method) ``name`` that applies ``op(axis, keepdims)``:
    numpy's ``axis``/``keepdims`` positionally, PyTorch's ``dim=``/``keepdim=`` too."""

    def reduction(
        x: ArrayLike,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: Axis = UNSET,
        keepdim: bool = UNSET,
    ) -> Any:
        if dim is not UNSET or keepdim is not UNSET:
            axis, keepdims = _spelled(name, axis, keepdims, dim, keepdim)
        return apply(op(axis, keepdims), x)

    return declare(method=True, numpy=numpy)(_named(reduction, name, doc))


sum = _reduction(  # noqa: A001 - numpy's name
    "sum",
    Sum,
    np.sum,
    """Sum over ``axis`` (None: all elements), like ``np.sum``; ``dim``/``keepdim`` as PyTorch.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> ag.sum(x, axis=0), x.sum(1, True).shape
    (tensor([4., 6.], dtype=float32), (2, 1))
    """,
)
mean = _reduction("mean", Mean, np.mean, "Mean over ``axis`` (None: all elements), like np.mean.")
prod = _reduction(
    "prod",
    Prod,
    np.prod,
    """Product over ``axis`` (None: all elements), like ``np.prod``.

    The gradient of each element is the product of the others, exact with zeros.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> ag.prod(x).backward()
    >>> x.grad
    tensor([0., 6., 0.], dtype=float32)
    """,
)
amax = _reduction(
    "amax",
    Amax,
    np.amax,
    """Maximum over ``axis`` (or PyTorch's ``dim``, several allowed): always the values, and
    tied maxima share the gradient equally (numpy's and PyTorch's ``amax``).""",
)
amin = _reduction(
    "amin",
    Amin,
    np.amin,
    "Minimum over ``axis`` (or ``dim``): the values; ties share the gradient.",
)
logsumexp = _reduction(
    "logsumexp",
    Logsumexp,
    (),
    "log(sum(exp(x), axis)), stable for large logits (+-1e4 in float32 and float64).",
)
argmax = _reduction(
    "argmax",
    Argmax,
    np.argmax,
    """The index of the maximum along one axis (None: in the flattened elements), the first of
    ties, as ``np.argmax`` and PyTorch's; no gradient.""",
    apply_nondifferentiable,
)
argmin = _reduction(
    "argmin",
    Argmin,
    np.argmin,
    "The index of the minimum along one axis, the first of ties (as argmax); no gradient.",
    apply_nondifferentiable,
)
all = _reduction(  # noqa: A001 - numpy's name
    "all",
    All,
    np.all,
    "True where every element over ``axis`` is nonzero (boolean, no gradient).",
    apply_nondifferentiable,
)
any = _reduction(  # noqa: A001 - numpy's name
    "any",
    Any_,
    np.any,
    "True where some element over ``axis`` is nonzero (boolean, no gradient).",
    apply_nondifferentiable,
)


def _extreme(name: str, op: type[_Extreme], index: Any, elementwise: Any, doc: str) -> Any:
    """Declare numpy's ``max``/``min`` with PyTorch's forms, and PyTorch's method."""

    def extreme(
        x: ArrayLike,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        dim: int | None = UNSET,
        keepdim: bool = UNSET,
    ) -> Any:
        if dim is UNSET and keepdim is UNSET:
            return apply_unary(op(axis, keepdims), x)
        axis, keepdims = _spelled(name, axis, keepdims, dim, keepdim)
        if dim is UNSET or axis is None:  # PyTorch's max(x): the value, ties share
            return apply_unary(op(axis, keepdims), x)
        return _by_index(name, x, axis, keepdims, lambda x, a: index(x, axis=a, keepdims=True))

    def method(
        self: Tensor,
        dim: Any = UNSET,
        keepdim: bool = UNSET,
        *,
        axis: Axis = UNSET,
        keepdims: bool = UNSET,
    ) -> Any:
        if isinstance(dim, Tensor):  # PyTorch's x.max(other)
            return elementwise(self, dim)
        numpy_style, a, k = _spelled_method(name, dim, keepdim, axis, keepdims)
        if numpy_style or dim is UNSET:  # numpy's x.max(axis=), PyTorch's x.max()
            return extreme(self, a, k)
        return extreme(self, dim=a, keepdim=k)

    method_doc = (
        f"PyTorch's ``x.{name}()``: the value; ``x.{name}(dim, keepdim=False)``: a ``(values, "
        f"indices)`` named tuple; ``x.{name}(other)``: ``{elementwise.__name__}(x, other)``. "
        f"With numpy's ``axis=``/``keepdims=``: numpy's ``ndarray.{name}``."
    )
    tensor_method(name)(_named(method, f"Tensor.{name}", method_doc))
    return declare(numpy=getattr(np, name))(_named(extreme, name, doc))


max = _extreme(  # noqa: A001 - numpy's name
    "max",
    Max,
    argmax,
    maximum,
    """Maximum over ``axis`` (numpy's ``max``); tied maxima share the gradient equally.

    With PyTorch's ``dim=`` (one int), PyTorch's ``(values, indices)`` named tuple: the index
    of the first maximum of each slice, and the gradient goes to that element only. The
    method ``x.max(1)`` is PyTorch's.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([[1.0, 5.0], [4.0, 2.0]])
    >>> ag.max(x, axis=1)
    tensor([5., 4.], dtype=float32)
    >>> ag.max(x, dim=1).indices
    tensor([1, 0])
    """,
)
min = _extreme(  # noqa: A001 - numpy's name
    "min",
    Min,
    argmin,
    minimum,
    """Minimum over ``axis`` (numpy's ``min``); tied minima share the gradient equally. With
    PyTorch's ``dim=``, PyTorch's ``(values, indices)`` named tuple, as :func:`max`.""",
)


def _by_index(name: str, x: Any, dim: Any, keepdim: bool, index: Any) -> Any:
    """PyTorch's ``(values, indices)`` along ``dim``: ``index(x, axis)`` gives the indices
    (with the axis kept), the values are x there (a getitem: the gradient goes to them)."""
    x = _input(x)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(
            f"{name}: dim must be a single int for PyTorch's (values, indices) form, got "
            f"{dim!r} (for the values over several dims use a{name})"
        )
    axis = _one_axis(dim, x.ndim, name, x.shape)
    indices = index(x, axis)
    values = _along(x, indices, axis)
    if not keepdim:
        values, indices = squeeze(values, axis), squeeze(indices, axis)
    return getattr(return_types, name)(values, indices)


@declare(numpy=np.ptp)
def ptp(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Any:
    """Peak to peak, ``max - min`` over ``axis`` (numpy's ``ptp``); tied extremes share the
    gradient, as in :func:`max`."""
    x = _input(x)
    normalize_axes(axis, x.ndim, "ptp", x.shape)
    return max(x, axis, keepdims) - min(x, axis, keepdims)


def _ddof(op: str, torch_style: bool, ddof: Any, correction: Any, unbiased: Any) -> float:
    """The degrees of freedom removed, from numpy's ``ddof=``, ``correction=`` (numpy 2 and
    PyTorch) or PyTorch's ``unbiased=``: by default 0 for numpy's forms, 1 for PyTorch's."""
    given = {k: v for k, v in (("ddof", ddof), ("correction", correction)) if v is not None}
    if unbiased is not None:
        if not isinstance(unbiased, (bool, np.bool_)):
            raise TypeError(f"{op}: unbiased must be a bool, got {unbiased!r}")
        given["unbiased"] = 1 if unbiased else 0
    if len(given) > 1:
        raise TypeError(
            f"{op}: got {' and '.join(k + '=' for k in given)} for one argument (the degrees "
            f"of freedom removed); pass one of them"
        )
    return next(iter(given.values())) if given else (1 if torch_style else 0)


def _spread(name: str, op: type[Var], doc: str) -> Any:
    """Declare numpy's ``var``/``std`` (with PyTorch's keywords) and PyTorch's method."""

    def spread(
        x: ArrayLike,
        axis: Axis = None,
        *,
        ddof: float | None = None,
        keepdims: bool = False,
        correction: float | None = None,
        dim: Axis = UNSET,
        keepdim: bool = UNSET,
        unbiased: bool | None = None,
    ) -> Any:
        torch_style = dim is not UNSET or keepdim is not UNSET or unbiased is not None
        axis, keepdims = _spelled(name, axis, keepdims, dim, keepdim)
        return apply_unary(
            op(axis, keepdims, _ddof(name, torch_style, ddof, correction, unbiased)), x
        )

    def method(
        self: Tensor,
        dim: Any = UNSET,
        unbiased: Any = None,
        keepdim: bool = UNSET,
        *,
        correction: float | None = None,
        axis: Axis = UNSET,
        ddof: float | None = None,
        keepdims: bool = UNSET,
    ) -> Any:
        if isinstance(dim, (bool, np.bool_)):  # PyTorch's x.var(unbiased)
            if unbiased is not None:
                raise TypeError(f"{name}: got unbiased twice ({dim!r} and {unbiased!r})")
            dim, unbiased = UNSET, dim
        numpy_style, a, k = _spelled_method(name, dim, keepdim, axis, keepdims)
        d = _ddof(name, not numpy_style and ddof is None, ddof, correction, unbiased)
        return spread(self, a, ddof=d, keepdims=k)

    method_doc = (
        f"PyTorch's ``x.{name}(dim=None, unbiased=True, keepdim=False, *, correction=1)``: "
        f"unbiased unless told otherwise (``x.{name}(False)``: biased). numpy's keywords "
        f"(``axis=``, ``keepdims=``, ``ddof=``) give numpy's default ``ddof=0``."
    )
    tensor_method(name)(_named(method, f"Tensor.{name}", method_doc))
    return declare(numpy=getattr(np, name))(_named(spread, name, doc))


var = _spread(
    "var",
    Var,
    """Variance over ``axis``: the mean squared deviation times n / (n - ddof).

    numpy's forms divide by n (``ddof=0``); PyTorch's keywords (``dim``, ``keepdim``,
    ``unbiased``) by n - 1 (``correction=1``) unless told otherwise. ``correction`` is
    numpy 2's and PyTorch's name for ``ddof``. The method ``x.var()`` is PyTorch's.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64)
    >>> ag.var(x), ag.var(x, dim=0), ag.var(x, ddof=1), x.var()
    (tensor(1.25), tensor(1.66666667), tensor(1.66666667), tensor(1.66666667))
    """,
)
std = _spread(
    "std",
    Std,
    """Standard deviation over ``axis``, the square root of :func:`var` (the same keywords).
    Where it is 0 the gradient is 0, as PyTorch's.""",
)


@declare(method=True)
def softmax(x: ArrayLike, axis: int = -1, *, dim: int = UNSET) -> Any:
    """Softmax along ``axis`` (or ``dim``; the class axis is the last by default)."""
    if dim is not UNSET:
        axis = pick("softmax", "axis", UNSET if axis == -1 else axis, "dim", dim)
    return apply_unary(Softmax(axis), x)


@declare(method=True)
def log_softmax(x: ArrayLike, axis: int = -1, *, dim: int = UNSET) -> Any:
    """Log of the softmax along ``axis`` (or ``dim``), computed stably."""
    if dim is not UNSET:
        axis = pick("log_softmax", "axis", UNSET if axis == -1 else axis, "dim", dim)
    return apply_unary(LogSoftmax(axis), x)


def _scan_axis(op: str, x: Any, axis: Any, dim: Any) -> tuple[Any, int]:
    """The input and the axis of a scan: numpy's axis=None scans the flattened elements."""
    axis = pick(op, "axis", UNSET if axis is None else axis, "dim", dim)
    if axis is UNSET or axis is None:
        return reshape(x, (-1,)), 0
    return x, axis


@declare(method=True, numpy=np.cumsum)
def cumsum(x: ArrayLike, axis: int | None = None, *, dim: int = UNSET) -> Any:
    """Running sums along ``axis`` (None: of the flattened elements), like ``np.cumsum``."""
    x, axis = _scan_axis("cumsum", x, axis, dim)
    return apply_unary(Cumsum(axis), x)


@declare(method=True, numpy=np.cumprod)
def cumprod(x: ArrayLike, axis: int | None = None, *, dim: int = UNSET) -> Any:
    """Running products along ``axis`` (None: of the flattened elements), like ``np.cumprod``.

    Gradients are exact with zeros, and differentiable again (second order and beyond).

    >>> import autograd_lite as ag
    >>> x = ag.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> ag.cumprod(x).sum().backward()
    >>> x.grad
    tensor([1., 8., 0.], dtype=float32)
    """
    x, axis = _scan_axis("cumprod", x, axis, dim)
    return apply_unary(Cumprod(axis), x)


@declare(numpy=np.average)
def average(
    a: ArrayLike,
    axis: int | None = None,
    weights: ArrayLike | None = None,
    returned: bool = False,
    *,
    keepdims: bool = False,
) -> Any:
    """The weighted mean over ``axis``: ``sum(a * weights) / sum(weights)``, as ``np.average``.

    ``weights`` has ``a``'s shape, or is 1-D along ``axis``; it may be a tensor that requires
    grad. With ``returned=True``: ``(average, sum of the weights)``, the sum in the average's
    shape.

    >>> import autograd_lite as ag
    >>> ag.average(ag.tensor([1.0, 2.0, 4.0]), weights=[3.0, 1.0, 0.0])
    tensor(1.25)
    """
    a = _input(a)
    if weights is None:
        avg = mean(a, axis, keepdims)
        total: Any = np.asarray(a.size / np.size(value(avg)), dtype=np.result_type(value(avg)))
        total = Tensor(total) if isinstance(avg, Tensor) else total
    else:
        w = _input(weights)
        if w.shape != a.shape:
            w = _weights_along(a.shape, w, axis)
        total = sum(w, axis, keepdims)
        if (value(total) == 0).any():
            raise ZeroDivisionError("average: the weights sum to zero, can't be normalized")
        avg = sum(a * w, axis, keepdims) / total
    if not returned:
        return avg
    return avg, broadcast_to(total, np.shape(value(avg))) * 1  # (a copy, as numpy's)


def _weights_along(shape: tuple[int, ...], w: Any, axis: Any) -> Any:
    """1-D weights for ``axis``, shaped to broadcast against the data (as ``np.average``)."""
    if axis is None:
        raise TypeError(
            f"average: weights of shape {w.shape} differ from the data's shape {shape}; "
            f"1-D weights need an axis"
        )
    axis = _one_axis(axis, len(shape), "average", shape)
    if w.ndim != 1 or w.shape[0] != shape[axis]:
        raise ValueError(
            f"average: weights of shape {w.shape} must have the data's shape {shape} or be 1-D "
            f"with the length of axis {axis} ({shape[axis]})"
        )
    return reshape(w, tuple(-1 if i == axis else 1 for i in range(len(shape))))


# ------------------------------------------------------------------------------ sorting


@declare(numpy=np.argsort)
def argsort(
    x: ArrayLike,
    axis: int | None = -1,
    kind: str | None = None,
    *,
    stable: bool | None = None,
    dim: int = UNSET,
    descending: bool = False,
) -> Any:
    """Indices that sort ``x`` along ``axis`` (None: the flattened elements), as
    ``np.argsort``; PyTorch's ``dim=`` and ``descending=`` too. Equal elements keep their
    order (a stable sort) unless another ``kind`` is asked for. No gradient.

    The method ``x.argsort(dim=-1, descending=False)`` takes PyTorch's positional order.
    """
    if dim is not UNSET:
        axis = pick("argsort", "axis", UNSET if axis == -1 else axis, "dim", dim)
    if stable:
        kind = "stable"
    return apply_nondifferentiable(Argsort(axis, kind, descending), x)


def _sorted(x: Any, axis: Any, kind: Any, descending: Any) -> tuple[Any, Any]:
    """(values, indices) of ``x`` sorted along ``axis``."""
    x = _input(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = _one_axis(axis, x.ndim, "sort", x.shape)
    indices = argsort(x, axis, kind, descending=descending)
    return _along(x, indices, axis), indices


@declare(numpy=np.sort)
def sort(
    x: ArrayLike,
    axis: int | None = -1,
    kind: str | None = None,
    *,
    stable: bool | None = None,
    dim: int = UNSET,
    descending: bool = UNSET,
) -> Any:
    """``x`` sorted along ``axis`` (None: the flattened elements), like ``np.sort``.

    The gradient of each sorted value goes to the element it came from; equal elements keep
    their order. With PyTorch's ``dim=`` or ``descending=``, PyTorch's ``(values, indices)``
    named tuple. The method ``x.sort(dim=-1, descending=False)`` is PyTorch's.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([3.0, 1.0, 2.0])
    >>> ag.sort(x)
    tensor([1., 2., 3.], dtype=float32)
    >>> ag.sort(x, descending=True).indices
    tensor([0, 2, 1])
    """
    if stable:
        kind = "stable"
    _check_kind("sort", kind)
    if dim is UNSET and descending is UNSET:
        return _sorted(x, axis, kind, False)[0]
    axis = pick("sort", "axis", UNSET if axis == -1 else axis, "dim", dim)
    values, indices = _sorted(x, -1 if axis is UNSET else axis, kind, descending is True)
    return return_types.sort(values, indices)


@declare(method=True)
def topk(
    x: ArrayLike,
    k: int,
    dim: int = -1,
    largest: bool = True,
    sorted: bool = True,  # noqa: A002
) -> Any:
    """PyTorch's ``topk``: the ``k`` largest (or smallest) elements along ``dim`` and their
    indices, a ``(values, indices)`` named tuple, largest first (also for ``sorted=False``).
    The gradient goes to the selected elements.

    >>> import autograd_lite as ag
    >>> ag.topk(ag.tensor([1.0, 3.0, 2.0]), 2)
    topk(values=tensor([3., 2.], dtype=float32), indices=tensor([1, 2]))
    """
    x = _input(x)
    axis = _one_axis(dim, x.ndim, "topk", x.shape)
    n = x.shape[axis]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k <= n:
        raise ValueError(
            f"topk: k must be an int in [0, {n}] for dim {dim} of shape {x.shape}, got {k!r}"
        )
    order = argsort(x, axis, descending=largest)
    indices = order[(slice(None),) * axis + (slice(0, int(k)),)]
    return return_types.topk(_along(x, indices, axis), indices)


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(op: str, x: Any, q: Any, axis: Any, keepdims: bool, method: str) -> Any:
    """numpy's quantile of ``x`` over ``axis`` for ``q`` in [0, 1]: between the sorted
    elements at floor and ceil of q (n - 1), each taken by a getitem, so the gradient goes to
    those elements (for ties: to the ones the stable sort puts there, as PyTorch's quantile).
    The result has q's shape in front of the kept axes; a NaN makes it NaN, as numpy's."""
    x = _input(x)
    if isinstance(q, Tensor) and q.requires_grad:
        raise TypeError(f"{op}: q must be a constant, got a tensor that requires grad")
    qs = np.asarray(value(q), dtype=np.float64)
    if not ((qs >= 0) & (qs <= 1)).all():
        top = 100 if op == "percentile" else 1
        raise ValueError(f"{op}: q must be in [0, {top}], got {(qs * top).tolist()}")
    if method not in _METHODS:
        raise ValueError(f"{op}: method must be one of {_METHODS}, got {method!r}")
    axes = normalize_axes(axis, x.ndim, op, x.shape)
    rest = tuple(i for i in range(x.ndim) if i not in axes)
    moved = transpose(x, axes + rest) if axes + rest != tuple(range(x.ndim)) else x
    flat = reshape(moved, (-1,) + tuple(x.shape[i] for i in rest))  # reduced elements first
    if method in ("linear", "midpoint") and flat.dtype.kind not in "f":
        flat = astype(flat, np.float64)  # (between two integers: numpy's float64 result)
    n = flat.shape[0]
    if n == 0:
        raise ValueError(f"{op}: needs at least one element over axis {axis}, got shape {x.shape}")
    order = argsort(flat, 0)
    grid = tuple(np.indices(flat.shape[1:], sparse=True))

    def sorted_at(i: Any) -> Any:  # the i-th smallest of each slice, q's shape in front
        # (order[i] an op too: under ag.jit, a replay picks the positions of its own sort)
        return getitem(flat, (value(getitem(order, i)),) + grid)

    pos = qs * (n - 1)
    lo, hi = np.floor(pos).astype(np.intp), np.ceil(pos).astype(np.intp)
    if method in ("lower", "higher", "nearest"):
        at = {"lower": lo, "higher": hi, "nearest": np.around(pos).astype(np.intp)}[method]
        out = sorted_at(at)
    else:
        t = (pos - lo) if method == "linear" else (hi - lo) / 2
        t = t.astype(flat.dtype).reshape(qs.shape + (1,) * len(rest))
        a = sorted_at(lo)
        out = a + (sorted_at(hi) - a) * t
    if flat.dtype.kind == "f":
        largest = sorted_at(n - 1)  # NaN sorts last
        out = where(largest != largest, np.nan, out)
    if keepdims:
        out = reshape(out, qs.shape + _kept_shape(x.shape, axes))
    return out


@declare(method=True, numpy=np.quantile)
def quantile(
    x: ArrayLike,
    q: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    method: str = "linear",
    dim: int | None = UNSET,
    keepdim: bool = UNSET,
    interpolation: str = UNSET,
) -> Any:
    """The ``q``-th quantiles (q in [0, 1], a number or an array) over ``axis``, as
    ``np.quantile``; ``dim``/``keepdim``/``interpolation`` as PyTorch's. Methods: "linear"
    (the default), "lower", "higher", "midpoint", "nearest". The result keeps ``x``'s dtype.

    >>> import autograd_lite as ag
    >>> ag.quantile(ag.tensor([1.0, 2.0, 3.0, 4.0]), [0.25, 0.5])
    tensor([1.75, 2.5 ], dtype=float32)
    """
    if dim is not UNSET or keepdim is not UNSET:
        axis, keepdims = _spelled("quantile", axis, keepdims, dim, keepdim)
    if interpolation is not UNSET:
        method = pick(
            "quantile",
            "method",
            UNSET if method == "linear" else method,
            "interpolation",
            interpolation,
        )
    return _quantile("quantile", x, q, axis, keepdims, method)


@declare(numpy=np.percentile)
def percentile(
    x: ArrayLike, q: ArrayLike, axis: Axis = None, keepdims: bool = False, *, method: str = "linear"
) -> Any:
    """The ``q``-th percentiles (q in [0, 100]) over ``axis``, as ``np.percentile``: the
    quantiles of q / 100."""
    if isinstance(q, Tensor) and q.requires_grad:
        raise TypeError("percentile: q must be a constant, got a tensor that requires grad")
    return _quantile(
        "percentile", x, np.asarray(value(q), dtype=np.float64) / 100, axis, keepdims, method
    )


@declare(numpy=np.median)
def median(
    x: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    dim: int | None = UNSET,
    keepdim: bool = UNSET,
) -> Any:
    """numpy's median over ``axis``: the middle element, or the mean of the two middle ones
    for even counts (their gradient halves); NaN propagates.

    With PyTorch's ``dim=``/``keepdim=``, PyTorch's median: the LOWER of the two middle
    elements, without ``dim`` the value (tied elements share its gradient equally), with
    ``dim`` a ``(values, indices)`` named tuple (the gradient goes to the index). The method
    ``x.median()`` is PyTorch's.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([4.0, 1.0, 3.0, 2.0])
    >>> ag.median(x), ag.median(x, dim=0).values, x.median()
    (tensor(2.5, dtype=float32), tensor(2., dtype=float32), tensor(2., dtype=float32))
    """
    if dim is UNSET and keepdim is UNSET:
        return _quantile("median", x, 0.5, axis, keepdims, "linear")
    axis, keepdims = _spelled("median", axis, keepdims, dim, keepdim)
    if dim is UNSET or axis is None:
        return apply_unary(LowerMedian(axis, keepdims), x)
    return _by_index("median", x, axis, keepdims, _lower_median_index)


def _lower_median_index(x: Any, axis: int) -> Any:
    """The index of each slice's lower median along ``axis`` (kept), or of its first NaN."""
    k = (x.shape[axis] - 1) // 2
    index = argsort(x, axis)[(slice(None),) * axis + (slice(k, k + 1),)]
    if x.dtype.kind != "f":
        return index
    nan = x != x
    return where(any(nan, axis, True), argmax(nan, axis, True), index)


# ------------------------------------------------------------------------------ no gradient


@declare(method=True, numpy=np.count_nonzero)
def count_nonzero(
    x: ArrayLike, axis: Axis = None, *, keepdims: bool = False, dim: Axis = UNSET
) -> Any:
    """The number of nonzero elements over ``axis`` (or PyTorch's ``dim``); no gradient."""
    if dim is not UNSET:
        axis, keepdims = _spelled("count_nonzero", axis, keepdims, dim, UNSET)
    return apply_nondifferentiable(CountNonzero(axis, keepdims), x)


@declare(numpy=np.nonzero)
def nonzero(x: ArrayLike) -> Any:
    """The indices of the nonzero elements, one integer array per axis, as ``np.nonzero``
    (the method ``x.nonzero()`` is PyTorch's: one row per element). No gradient."""
    if np.ndim(value(x)) == 0:
        raise ValueError(
            "nonzero: not defined for a 0-d tensor (as numpy's); reshape it to 1-d first"
        )
    return tuple(apply_nondifferentiable(Nonzero(), x).T)


# ------------------------------------------------------------------------------ PyTorch's methods
# Where PyTorch's positional form means something else than numpy's, the Tensor method is
# PyTorch's; numpy's keywords (axis=, keepdims=, ddof=, kind=) still give numpy's behaviour.


def _spelled_method(
    op: str, dim: Any, keepdim: Any, axis: Any, keepdims: Any
) -> tuple[bool, Any, bool]:
    """(numpy's style?, axis, keepdims) of a method call: numpy's keywords ask for numpy's
    behaviour, anything else is PyTorch's."""
    numpy_style = axis is not UNSET or keepdims is not UNSET
    a = pick(op, "axis", axis, "dim", dim)
    k = pick(op, "keepdims", keepdims, "keepdim", keepdim)
    return numpy_style, (None if a is UNSET else a), k is True


@tensor_method("sort")
def _sort_method(
    self: Tensor,
    dim: int = UNSET,
    descending: bool = False,
    *,
    stable: bool = False,
    axis: int | None = UNSET,
    kind: str | None = UNSET,
) -> Any:
    """PyTorch's ``x.sort(dim=-1, descending=False)``: a ``(values, indices)`` named tuple
    (ties keep their order). With numpy's ``axis=`` or ``kind=``: the sorted values."""
    if axis is not UNSET or kind is not UNSET:
        pick("sort", "axis", axis, "dim", dim)
        return sort(
            self, -1 if axis is UNSET else axis, None if kind is UNSET else kind, stable=stable
        )
    return sort(self, dim=-1 if dim is UNSET else dim, descending=descending, stable=stable)


@tensor_method("argsort")
def _argsort_method(
    self: Tensor,
    dim: int = UNSET,
    descending: bool = False,
    *,
    stable: bool = False,
    axis: int | None = UNSET,
    kind: str | None = UNSET,
) -> Any:
    """PyTorch's ``x.argsort(dim=-1, descending=False)``; numpy's ``axis=``/``kind=`` too."""
    a = pick("argsort", "axis", axis, "dim", dim)
    return argsort(
        self,
        -1 if a is UNSET else a,
        None if kind is UNSET else kind,
        stable=stable,
        descending=descending,
    )


@tensor_method("median")
def _median_method(
    self: Tensor,
    dim: int = UNSET,
    keepdim: bool = UNSET,
    *,
    axis: Axis = UNSET,
    keepdims: bool = UNSET,
) -> Any:
    """PyTorch's ``x.median()`` (the lower middle value) and ``x.median(dim, keepdim=False)``
    (values, indices); with numpy's ``axis=``/``keepdims=``, numpy's median (the mean of the
    two middle values for even counts)."""
    numpy_style, a, k = _spelled_method("median", dim, keepdim, axis, keepdims)
    if numpy_style:
        return median(self, a, k)
    if dim is UNSET:
        return median(self, keepdim=k)
    return median(self, dim=a, keepdim=k)


@tensor_method("nonzero")
def _nonzero_method(self: Tensor, *, as_tuple: bool = False) -> Any:
    """PyTorch's ``x.nonzero()``: the indices of the nonzero elements, one row each, shape
    (count, ndim); ``as_tuple=True``: one index tensor per axis (numpy's form; a 0-d tensor
    counts as 1-d there, as PyTorch's)."""
    if as_tuple:
        return nonzero(self.reshape(-1) if self.ndim == 0 else self)
    return apply_nondifferentiable(Nonzero(), self)


@tensor_method("nan_to_num")
def _nan_to_num_method(
    self: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Any:
    """PyTorch's ``x.nan_to_num(nan=0.0, posinf=None, neginf=None)`` (numpy's function
    takes ``copy`` second)."""
    return nan_to_num(self, nan=nan, posinf=posinf, neginf=neginf)
