"""Products and diagonals of arrays, under numpy's names: ``matmul``, ``einsum`` and what is
built on it (``tensordot``, ``dot``, ``inner``, ``trace``, ``diagonal``), ``outer``, ``kron``,
``cross``, ``diag``, ``tril``, ``triu``.

Every contraction is one :class:`Einsum` op, and the backward of an einsum is an einsum per
operand, so gradients of any order come from one rule. numpy's ``np.linalg`` functions
(``ag.linalg.inv``, ``norm``, ``svd``, ...) live in :mod:`.decompositions` and :mod:`.norms`.
"""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Op, Tensor, apply_binary, as_input, value
from .conventions import UNSET, pick
from .declarations import declare
from .elementwise import multiply, where
from .shape import index_add, reshape, stack, transpose


def _mT(x: Any) -> Any:
    """Swap the last two axes (the matrix transpose of a batch)."""
    if x.ndim == 2:
        return x.T
    axes = list(range(x.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return x.transpose(tuple(axes))


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if isinstance(x, (Tensor, np.ndarray)) else np.shape(x)


def _array(x: Any, op: str) -> Any:
    """A Tensor or ndarray as it is, numbers and lists as numpy would take them; refuses
    what is not numbers (strings, objects) with an error naming ``op``."""
    x = x if isinstance(x, (Tensor, np.ndarray)) else as_input(x)
    if x.dtype.kind not in "biufc":
        raise TypeError(f"{op}: expected numbers, got an array of dtype {x.dtype}")
    return x


def _axis(op: str, axis: Any, ndim: int, shape: tuple[int, ...], what: str = "axis") -> int:
    """One axis as a non-negative int, with an error naming the op and the shape."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op}: {what} must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op}: {what} {axis} is out of range for a tensor of shape {shape} "
            f"(valid axes are {-ndim}..{ndim - 1})"
        )
    return int(axis) % ndim


def _move_to_end(x: Any, axes: Sequence[int]) -> Any:
    """``x`` with ``axes`` (non-negative, in this order) moved to the end."""
    perm = [i for i in range(x.ndim) if i not in axes] + list(axes)
    return x if perm == sorted(perm) else transpose(x, perm)


class MatMul(Op):
    __slots__ = ()

    def forward(self, a, b):
        try:
            return np.matmul(a, b)
        except ValueError:
            sa, sb = np.shape(a), np.shape(b)
            if len(sa) == 0 or len(sb) == 0:
                why = "both operands need at least 1 dimension"
            elif sa[-1] != sb[-2 if len(sb) > 1 else 0]:
                why = (
                    f"the last dimension of a ({sa[-1]}) must equal the "
                    f"{'second-to-last' if len(sb) > 1 else 'only'} dimension of b "
                    f"({sb[-2 if len(sb) > 1 else 0]})"
                )
            else:
                why = f"batch dimensions {sa[:-2]} and {sb[:-2]} do not broadcast"
            raise ValueError(f"matmul: shapes {sa} and {sb} are not aligned: {why}") from None

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        if a.ndim == 2 and b.ndim == 2:  # the common case, kept short
            return (g @ b.T if da else None), (a.T @ g if db else None)
        if a.ndim == 1 and b.ndim == 1:  # inner product: g is a scalar
            return (g * b if da else None), (g * a if db else None)
        # Promote 1-D operands to matrices as numpy does, then drop the added axis again.
        a2 = a.reshape((1, -1)) if a.ndim == 1 else a
        b2 = b.reshape((-1, 1)) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = g2.reshape(g2.shape[:-1] + (1, g2.shape[-1]))
        if b.ndim == 1:
            g2 = g2.reshape(g2.shape + (1,))
        ga = gb = None
        if da:
            ga = g2 @ _mT(b2)
            if a.ndim == 1:
                ga = ga.reshape(ga.shape[:-2] + ga.shape[-1:])
        if db:
            gb = _mT(a2) @ g2
            if b.ndim == 1:
                gb = gb.reshape(gb.shape[:-1])
        return ga, gb


@declare(method=True, numpy=np.matmul)
def matmul(a: Any, b: Any) -> Any:
    """Matrix product like ``np.matmul`` (``a @ b``), batched with broadcasting."""
    return apply_binary(MatMul(), a, b)


declare(matmul, namespace="linalg", numpy=np.linalg.matmul)  # ag.linalg.matmul, as numpy 2's


# ------------------------------------------------------------------ einsum

_LETTERS = string.ascii_letters  # numpy's einsum labels (sublist ints 0..51 map to these)
_SMALL = 2048  # two operands up to this many elements in all: the C loop beats a planned path


@lru_cache(maxsize=1024)
def _path(subscripts: str, shapes: tuple[tuple[int, ...], ...], optimize: Any) -> list[Any]:
    """np.einsum_path's contraction order, planned once per subscripts, shapes and strategy."""
    dummies = [np.broadcast_to(np.float64(0), s) for s in shapes]  # (only shapes matter)
    return np.einsum_path(subscripts, *dummies, optimize=optimize)[0]


def _contract(subscripts: str, xs: Sequence[Any], optimize: Any) -> Any:
    if optimize is False or len(xs) == 1:
        return np.einsum(subscripts, *xs)
    shapes = tuple(np.shape(x) for x in xs)
    if len(xs) == 2 and math.prod(shapes[0]) + math.prod(shapes[1]) <= _SMALL:
        return np.einsum(subscripts, *xs)
    path = optimize if isinstance(optimize, list) else _path(subscripts, shapes, optimize)
    return np.einsum(subscripts, *xs, optimize=path)


@lru_cache(maxsize=1024)
def _explicit(subscripts: str, ndims: tuple[int, ...]) -> tuple[tuple[str, ...], str]:
    """Each operand's labels and the output's, with ``...`` spelled out in unused letters
    (right-aligned, as broadcasting aligns them) and the implicit output made explicit.
    ``subscripts`` is one numpy has already accepted for operands of these ``ndims``."""
    s = subscripts.replace(" ", "")
    lhs, arrow, out = s.partition("->")
    terms = lhs.split(",")
    spare = [c for c in _LETTERS if c not in s]
    width = max((n - len(t) + 3 for t, n in zip(terms, ndims) if "..." in t), default=0)
    ell = "".join(spare[:width])
    terms = [t.replace("...", ell[width - (n - len(t) + 3) :]) for t, n in zip(terms, ndims)]
    if arrow:
        out = out.replace("...", ell)
    else:  # numpy's implicit output: the broadcast axes, then the labels seen once, sorted
        labels = "".join(terms)
        out = ell + "".join(sorted(c for c in set(labels) - set(ell) if labels.count(c) == 1))
    return tuple(terms), out


@lru_cache(maxsize=1024)
def _grad_plan(
    subscripts: str, shapes: tuple[tuple[int, ...], ...], k: int
) -> tuple[str, tuple[tuple[str, int], ...]]:
    """How operand ``k``'s gradient is computed: the subscripts of an einsum of the upstream
    gradient, the other operands and helpers (``("eye", n)`` or ``("ones", n)``), in that
    order. Planned once per subscripts and shapes.

    A label that operand ``k`` repeats (``"ii"``) gets a fresh letter per repeat, tied to it
    by an identity matrix; a label that nothing else has at full size (summed inside operand
    ``k``, or broadcast from size 1 elsewhere) comes back through a vector of ones. Where
    operand ``k`` itself has size 1 the gradient comes back full size and the engine sums
    it, as for any broadcast.
    """
    terms, out = _explicit(subscripts, tuple(len(s) for s in shapes))
    sizes: dict[str, int] = {}  # each label's broadcast size
    for term, shape in zip(terms, shapes):
        for c, n in zip(term, shape):
            if sizes.get(c, 1) == 1:
                sizes[c] = n
    labels = [out, *(t for j, t in enumerate(terms) if j != k)]
    full = set(out)  # (the upstream gradient has the output's full sizes)
    for j, (term, shape) in enumerate(zip(terms, shapes)):
        full |= {c for c, n in zip(term, shape) if j != k and n == sizes[c]}
    helpers: list[tuple[str, int]] = []
    fresh = (c for c in _LETTERS if c not in set("".join(terms) + out))
    result = ""
    for c in terms[k]:
        if c in result:
            tie = next(fresh)
            helpers.append(("eye", sizes[c]))
            labels.append(c + tie)
            full.add(c)
            c = tie
        result += c
    for c in dict.fromkeys(terms[k]):
        if c not in full:
            helpers.append(("ones", sizes[c]))
            labels.append(c)
    return f"{','.join(labels)}->{result}", tuple(helpers)


def _operand_grad(k: int, g: Any, xs: Sequence[Any], subscripts: str, optimize: Any) -> Any:
    """The gradient of operand ``k``: an einsum of ``g`` with the other operands."""
    spec, helpers = _grad_plan(subscripts, tuple(_shape(x) for x in xs), k)
    dtype = value(g).dtype
    made = [np.eye(n, dtype=dtype) if kind == "eye" else np.ones(n, dtype) for kind, n in helpers]
    others = [x for j, x in enumerate(xs) if j != k]
    return einsum(spec, g, *others, *made, optimize=optimize)


def _size_conflict(subscripts: str, xs: Sequence[Any]) -> str | None:
    """Which label has two sizes (neither 1), said plainly; None if that is not the problem."""
    try:
        terms, _ = _explicit(subscripts, tuple(np.ndim(x) for x in xs))
    except (ValueError, IndexError):
        return None
    seen: dict[str, tuple[int, int]] = {}
    for k, (term, x) in enumerate(zip(terms, xs)):
        if len(term) != np.ndim(x):
            return None
        for c, n in zip(term, np.shape(x)):
            if n != 1 and seen.setdefault(c, (n, k))[0] != n:
                label = f"label {c!r}" if c in subscripts else "a broadcast axis (...)"
                return (
                    f"{label} has size {seen[c][0]} in operand {seen[c][1]} but {n} in operand {k}"
                )
    return None


class Einsum(Op):
    """``np.einsum``; the gradient of each operand is another einsum (see _operand_grad)."""

    __slots__ = ("subscripts", "optimize")

    def __init__(self, subscripts: str, optimize: Any) -> None:
        self.subscripts = subscripts
        self.optimize = optimize

    def forward(self, *xs):
        try:
            return _contract(self.subscripts, xs, self.optimize)
        except ValueError as e:
            shapes = ", ".join(str(np.shape(x)) for x in xs)
            raise ValueError(
                f"einsum: {_size_conflict(self.subscripts, xs) or e} (subscripts "
                f"{self.subscripts!r}, operand shapes [{shapes}])"
            ) from None

    def backward(self, g, y, *xs):
        return tuple(
            _operand_grad(k, g, xs, self.subscripts, self.optimize) if need else None
            for k, need in enumerate(self.needs_grad)
        )


def _from_sublists(args: Sequence[Any]) -> tuple[str, list[Any]]:
    """numpy's other form, ``einsum(x, [0, 1], y, [1, 2], [0, 2])``, as a subscripts string."""

    def labels(sublist: Any) -> str:
        try:
            return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sublist)
        except (TypeError, IndexError):
            raise ValueError(
                f"einsum: a sublist holds ints in [0, {len(_LETTERS)}) and Ellipsis, "
                f"got {sublist!r}"
            ) from None

    pairs, out = (args[:-1], args[-1]) if len(args) % 2 else (args, None)
    subscripts = ",".join(labels(s) for s in pairs[1::2])
    return subscripts + ("" if out is None else "->" + labels(out)), list(pairs[0::2])


@declare(numpy=np.einsum)
def einsum(subscripts: Any, *operands: ArrayLike, optimize: Any = True) -> Any:
    """Einstein summation, as ``np.einsum``: explicit (``"ij,jk->ik"``) or implicit
    (``"ij,jk"``) output, ``...`` for broadcast axes, repeated labels (``"ii->i"`` is the
    diagonal, ``"ii"`` the trace), any number of operands, and numpy's sublist form.

    ``optimize`` (numpy's strategies ``True``/``"greedy"``, ``"optimal"``, ``False`` or an
    ``np.einsum_path`` list) plans the order in which three or more operands are contracted
    (and lets two large ones use BLAS); the plan is cached per subscripts and shapes. The
    result is numpy's up to rounding. Gradients of every operand, of any order.

    >>> import numpy as np, autograd_lite as ag
    >>> a = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    >>> ag.einsum("ij,ij->i", a, a).sum().backward()
    >>> a.grad
    tensor([[ 0.,  2.,  4.],
            [ 6.,  8., 10.]])
    """
    if isinstance(subscripts, str):
        args = list(operands)
    else:
        subscripts, args = _from_sublists((subscripts, *operands))
    terms = subscripts.partition("->")[0].count(",") + 1
    if len(args) != terms:
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {terms} operand{'s' * (terms > 1)}, "
            f"got {len(args)}"
        )
    ok = optimize in (True, False, "greedy", "optimal") and isinstance(optimize, (bool, str))
    if not (ok or (isinstance(optimize, list) and optimize[:1] == ["einsum_path"])):
        raise TypeError(
            f"einsum: optimize must be True, False, 'greedy', 'optimal' or an np.einsum_path "
            f"list, got {optimize!r}"
        )
    return Einsum(subscripts, optimize)(*args)


# ------------------------------------------------------------------ products built on einsum


def _tensordot_axes(axes: Any, nda: int, ndb: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        if not 0 <= axes <= min(nda, ndb):
            raise ValueError(
                f"tensordot: axes={axes} must be between 0 and the smaller number of "
                f"dimensions ({nda} and {ndb})"
            )
        return list(range(nda - axes, nda)), list(range(axes))
    try:
        ia, ib = axes
        ia = [ia] if isinstance(ia, (int, np.integer)) else list(ia)
        ib = [ib] if isinstance(ib, (int, np.integer)) else list(ib)
    except (TypeError, ValueError):
        raise TypeError(
            f"tensordot: axes must be an int or a pair of axis sequences, got {axes!r}"
        ) from None
    if len(ia) != len(ib):
        raise ValueError(f"tensordot: axes {axes!r} name {len(ia)} axes of a but {len(ib)} of b")
    return ia, ib


@declare(numpy=np.tensordot)
def tensordot(a: ArrayLike, b: ArrayLike, axes: Any = UNSET, *, dims: Any = UNSET) -> Any:
    """Sum products over the given axes of ``a`` and ``b``, as ``np.tensordot``.

    ``axes=N`` (default 2) pairs the last N axes of ``a`` with the first N of ``b``;
    ``axes=(ia, ib)`` pairs the listed axes. The result holds ``a``'s other axes, then
    ``b``'s. PyTorch's keyword ``dims=`` is the same argument.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.tensordot(np.ones((2, 3, 4)), np.ones((3, 4, 5)), axes=2).shape
    (2, 5)
    """
    axes = pick("tensordot", "axes", axes, "dims", dims)
    axes = 2 if axes is UNSET else axes
    a, b = _array(a, "tensordot"), _array(b, "tensordot")
    ia, ib = _tensordot_axes(axes, a.ndim, b.ndim)
    ia = [_axis("tensordot", i, a.ndim, a.shape, "axis of a") for i in ia]
    ib = [_axis("tensordot", i, b.ndim, b.shape, "axis of b") for i in ib]
    if len(set(ia)) != len(ia) or len(set(ib)) != len(ib):
        raise ValueError(f"tensordot: repeated axis in axes={axes!r}")
    if [a.shape[i] for i in ia] != [b.shape[i] for i in ib]:
        raise ValueError(
            f"tensordot: shape mismatch for sum: axes {ia} of a (shape {a.shape}) have sizes "
            f"{[a.shape[i] for i in ia]}, axes {ib} of b (shape {b.shape}) have sizes "
            f"{[b.shape[i] for i in ib]}"
        )
    if a.ndim + b.ndim > len(_LETTERS):
        raise ValueError(f"tensordot: at most {len(_LETTERS)} axes in all, got shapes {a.shape} "
                         f"and {b.shape}")  # fmt: skip
    la = _LETTERS[: a.ndim]
    rest = iter(_LETTERS[a.ndim :])
    lb = "".join(la[ia[ib.index(j)]] if j in ib else next(rest) for j in range(b.ndim))
    out = "".join(c for i, c in enumerate(la) if i not in ia)
    out += "".join(c for j, c in enumerate(lb) if j not in ib)
    return einsum(f"{la},{lb}->{out}", a, b)


def _check_aligned(op: str, a: Any, b: Any, axis_b: int) -> None:
    if a.shape[-1] != b.shape[axis_b]:
        which = {-1: "the last", -2: "the second-to-last"}[axis_b]
        raise ValueError(
            f"{op}: shapes {a.shape} and {b.shape} are not aligned: the last dimension of a "
            f"({a.shape[-1]}) must equal {which} dimension of b ({b.shape[axis_b]})"
        )


@declare(method=True, numpy=np.dot)
def dot(a: ArrayLike, b: ArrayLike) -> Any:
    """Dot product as ``np.dot``: a product with a scalar, the inner product of vectors, the
    matrix product, and for N-D arrays the sum over the last axis of ``a`` and the
    second-to-last of ``b`` (``x.dot(y)`` is the same, numpy's method).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.dot(np.ones((2, 3, 4)), np.ones((5, 4, 6))).shape
    (2, 3, 5, 6)
    """
    a, b = _array(a, "dot"), _array(b, "dot")
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    _check_aligned("dot", a, b, -2 if b.ndim > 1 else -1)
    if a.ndim >= 2 and b.ndim >= 3:  # where matmul would broadcast instead
        return tensordot(a, b, ([a.ndim - 1], [b.ndim - 2]))
    return matmul(a, b)


@declare(numpy=np.inner)
def inner(a: ArrayLike, b: ArrayLike) -> Any:
    """Inner product over the last axes, as ``np.inner`` (shape ``a.shape[:-1] + b.shape[:-1]``).

    >>> import autograd_lite as ag
    >>> float(ag.inner([1.0, 2.0], [3.0, 4.0]))
    11.0
    """
    a, b = _array(a, "inner"), _array(b, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    _check_aligned("inner", a, b, -1)
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


@declare(numpy=np.outer)
def outer(a: ArrayLike, b: ArrayLike) -> Any:
    """Outer product of the flattened inputs, as ``np.outer``: ``out[i, j] = a[i] * b[j]``."""
    return multiply(reshape(_array(a, "outer"), (-1, 1)), reshape(_array(b, "outer"), (1, -1)))


@declare(numpy=np.kron)
def kron(a: ArrayLike, b: ArrayLike) -> Any:
    """Kronecker product, as ``np.kron``: blocks ``a[i, j] * b``; the input with fewer
    dimensions gets leading 1s.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.kron(np.eye(2), np.ones((2, 3))).shape
    (4, 6)
    """
    a, b = _array(a, "kron"), _array(b, "kron")
    nd = max(a.ndim, b.ndim)
    sa, sb = (1,) * (nd - a.ndim) + a.shape, (1,) * (nd - b.ndim) + b.shape
    # a's axes and b's interleaved: (a0, b0, a1, b1, ...), then each pair merged
    spread_a = reshape(a, tuple(n for m in sa for n in (m, 1)))
    spread_b = reshape(b, tuple(n for m in sb for n in (1, m)))
    return reshape(multiply(spread_a, spread_b), tuple(m * n for m, n in zip(sa, sb)))


@declare(numpy=np.cross)
def cross(
    a: ArrayLike,
    b: ArrayLike,
    axisa: int = -1,
    axisb: int = -1,
    axisc: int = -1,
    axis: int | None = None,
    *,
    dim: int = UNSET,
) -> Any:
    """Cross product of 3-vectors, as ``np.cross``: the vectors lie along ``axisa`` of ``a``
    and ``axisb`` of ``b`` (``axis`` sets all three; PyTorch's ``dim=`` is the same), the
    other axes broadcast, and the result's vectors lie along ``axisc``. (numpy 2 deprecated
    2-vectors; they are refused.)

    >>> import autograd_lite as ag
    >>> ag.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    array([0., 0., 1.])
    """
    axis = pick("cross", "axis", UNSET if axis is None else axis, "dim", dim)
    a, b = _array(a, "cross"), _array(b, "cross")
    if axis is not UNSET:
        axisa = axisb = axisc = axis
    parts = []
    for x, ax, name in ((a, axisa, "a"), (b, axisb, "b")):
        if x.ndim == 0:
            raise ValueError(f"cross: {name} is 0-d; it needs an axis of length 3")
        ax = _axis("cross", ax, x.ndim, x.shape, f"axis{name}")
        if x.shape[ax] != 3:
            raise ValueError(
                f"cross: the vectors of {name} (shape {x.shape}, axis {ax}) have "
                f"{x.shape[ax]} components; only 3-vectors are supported"
            )
        x = _move_to_end(x, [ax])
        parts.append((x[..., 0], x[..., 1], x[..., 2]))
    (a0, a1, a2), (b0, b1, b2) = parts
    try:
        np.broadcast_shapes(a0.shape, b0.shape)
    except ValueError:
        raise ValueError(
            f"cross: the other axes of a {a.shape} and b {b.shape} do not broadcast together"
        ) from None
    c = stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=-1)
    axisc = _axis("cross", axisc, c.ndim, c.shape, "axisc")
    return c if axisc == c.ndim - 1 else _move_back(c, axisc)


def _move_back(x: Any, axis: int) -> Any:
    """The last axis of ``x`` moved to position ``axis``."""
    perm = list(range(x.ndim - 1))
    perm.insert(axis, x.ndim - 1)
    return transpose(x, perm)


# ------------------------------------------------------------------ diagonals and triangles


def _diagonal_einsum(op: str, x: ArrayLike, offset: int, axis1: int, axis2: int, out: str) -> Any:
    """einsum("...ii->" + out) of the square block of ``x`` that holds the ``offset``
    diagonal of axes ``axis1``, ``axis2`` (moved to the end)."""
    x = _array(x, op)
    if x.ndim < 2:
        raise ValueError(f"{op}: needs at least 2 dimensions, got shape {x.shape}")
    if not isinstance(offset, (int, np.integer)) or isinstance(offset, bool):
        raise TypeError(f"{op}: offset must be an int, got {offset!r}")
    a1 = _axis(op, axis1, x.ndim, x.shape, "axis1")
    a2 = _axis(op, axis2, x.ndim, x.shape, "axis2")
    if a1 == a2:
        raise ValueError(f"{op}: axis1 and axis2 are the same axis ({a1}) of shape {x.shape}")
    x = _move_to_end(x, [a1, a2])
    rows, cols = x.shape[-2:]
    r0, c0 = max(-offset, 0), max(offset, 0)
    k = max(0, min(rows - r0, cols - c0))
    if (r0, c0, k) != (0, 0, rows) or rows != cols:
        x = x[..., r0 : r0 + k, c0 : c0 + k]
    return einsum(f"...ii->{out}", x)


@declare(method=True, numpy=np.diagonal)
def diagonal(
    x: ArrayLike,
    offset: int = 0,
    axis1: int = UNSET,
    axis2: int = UNSET,
    *,
    dim1: int = UNSET,
    dim2: int = UNSET,
) -> Any:
    """The ``offset`` diagonal of the 2-D slices over ``axis1``, ``axis2``, as
    ``np.diagonal``: those axes are removed and the diagonal is the new last axis.

    PyTorch's ``dim1=``/``dim2=`` name the same axes (``x.diagonal(0, 0, 1)`` means the same
    in both libraries).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.diagonal(np.arange(9.0).reshape(3, 3), offset=1)
    array([1., 5.])
    """
    a1 = pick("diagonal", "axis1", axis1, "dim1", dim1)
    a2 = pick("diagonal", "axis2", axis2, "dim2", dim2)
    return _diagonal_einsum(
        "diagonal", x, offset, 0 if a1 is UNSET else a1, 1 if a2 is UNSET else a2, "...i"
    )


@declare(method=True, numpy=np.trace)
def trace(x: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Sum along the ``offset`` diagonal, as ``np.trace`` (``x.trace()`` of a matrix is its
    trace, in numpy and PyTorch alike).

    >>> import numpy as np, autograd_lite as ag
    >>> float(ag.trace(np.arange(9.0).reshape(3, 3)))
    12.0
    """
    return _diagonal_einsum("trace", x, offset, axis1, axis2, "...")


@declare(numpy=np.diag)
def diag(v: ArrayLike, k: int = 0) -> Any:
    """As ``np.diag``: a 1-D ``v`` becomes a square matrix with ``v`` on its ``k``-th
    diagonal; a 2-D ``v`` gives its ``k``-th diagonal.

    >>> import autograd_lite as ag
    >>> ag.diag([1.0, 2.0], k=1)
    array([[0., 1., 0.],
           [0., 0., 2.],
           [0., 0., 0.]])
    """
    v = _array(v, "diag")
    if v.ndim == 2:
        return _diagonal_einsum("diag", v, k, 0, 1, "...i")
    if v.ndim != 1:
        raise ValueError(f"diag: input must be 1-D or 2-D, got shape {v.shape}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"diag: k must be an int, got {k!r}")
    n, i = v.shape[0], np.arange(v.shape[0])
    size = n + abs(int(k))
    return index_add(v, (i + max(-k, 0), i + max(k, 0)), (size, size))


def _triangle(op: str, x: ArrayLike, k: Any, diagonal_: Any, lower: bool) -> Any:
    k = pick(op, "k", k, "diagonal", diagonal_)
    k = 0 if k is UNSET else k
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
        raise TypeError(f"{op}: k must be an int, got {k!r}")
    x = _array(x, op)
    if x.ndim == 0:
        raise ValueError(f"{op}: needs at least 1 dimension, got a 0-d tensor")
    rows, cols = (x.shape[0],) * 2 if x.ndim == 1 else x.shape[-2:]  # numpy: 1-D as rows
    # numpy's mask: j <= i + k for tril; triu keeps the complement of tril(k - 1)
    j_minus_i = np.arange(cols) - np.arange(rows)[:, None]
    keep = j_minus_i <= k if lower else j_minus_i >= k
    return where(keep, x, np.zeros((), value(x).dtype))


@declare(method=True, numpy=np.tril)
def tril(x: ArrayLike, k: int = UNSET, *, diagonal: int = UNSET) -> Any:
    """The lower triangle of the last two axes, as ``np.tril``: zeros above the ``k``-th
    diagonal (PyTorch's keyword ``diagonal=`` is the same ``k``).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.tril(np.ones((2, 2)))
    array([[1., 0.],
           [1., 1.]])
    """
    return _triangle("tril", x, k, diagonal, lower=True)


@declare(method=True, numpy=np.triu)
def triu(x: ArrayLike, k: int = UNSET, *, diagonal: int = UNSET) -> Any:
    """The upper triangle of the last two axes, as ``np.triu``: zeros below the ``k``-th
    diagonal (PyTorch's keyword ``diagonal=`` is the same ``k``)."""
    return _triangle("triu", x, k, diagonal, lower=False)


# np.linalg's functions (ag.linalg.<name>) build on the products above.
from . import decompositions as _decompositions  # noqa: E402, F401
from . import norms as _norms  # noqa: E402, F401
