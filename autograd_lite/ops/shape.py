"""Shape ops: reshape, transpose, expand_dims, squeeze, broadcast_to, concatenate, stack,
indexing (getitem and its adjoint, index_add) and dtype casts.

The ops built on these (flip, roll, tile, splits, joins, gather, pad, ...) live in
``rearrange.py``, ``joins.py`` and ``indexing.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import DTypeLike
from ..core import Op, Tensor, apply_unary, value
from ..core import graph as _graph
from .conventions import UNSET, pick, torch_style
from .declarations import declare, tensor_method


def _ints(op: str, what: str, values: Sequence[Any]) -> tuple[int, ...]:
    """A tuple of ints, refusing floats and other values numpy would reject or truncate."""
    values = tuple(values)
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {what} must be ints, got {values}")
    return tuple(int(v) for v in values)


def _int(op: str, what: str, value: Any) -> int:
    """One int argument, refusing floats and bools."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool):
        raise TypeError(f"{op}: {what} must be an int, got {value!r}")
    return int(value)


def _axis_arg(op: str, axis: Any) -> int | tuple[int, ...]:
    """An int or a tuple of ints (numpy's ``axis`` of expand_dims and squeeze)."""
    if isinstance(axis, (tuple, list)):
        return _ints(op, "axes", axis)
    return _ints(op, "axes", (axis,))[0]


def _sizes_arg(sizes: tuple[Any, ...]) -> Any:
    """The sizes given to a PyTorch-style method: ``x.view(2, 3)`` or ``x.view((2, 3))``."""
    if len(sizes) == 1 and not isinstance(sizes[0], (int, np.integer)):
        return sizes[0]
    return sizes


def _array_or_tensor(x: Any) -> Any:
    """A Tensor or an ndarray for ``x`` (lists holding Tensors are stacked, as ops do), so that
    functions built from ops can read its shape."""
    return x if isinstance(x, (Tensor, np.ndarray)) else array(x)


def _permutation(op: str, axes: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """``axes`` (ints) as non-negative ints, checked to be a permutation of the axes of
    ``shape``."""
    n = len(shape)
    if sorted(a % n if -n <= a < n else n for a in axes) != list(range(n)):
        raise ValueError(
            f"{op}: axes {axes} are not a permutation of the {n} axes of a tensor of shape {shape}"
        )
    return tuple(a % n for a in axes)


class _SameElements(Op):
    """An op that only changes the shape: its gradient is the upstream one in the input's shape."""

    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def backward(self, g, y, x):
        return g.reshape(x.shape)


class Reshape(_SameElements):
    __slots__ = ("shape",)

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = _ints("reshape", "shape", shape)

    def forward(self, x):
        try:
            return np.reshape(x, self.shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {np.shape(x)} "
                f"({np.size(x)} elements) into shape {self.shape}"
            ) from None


class Transpose(Op):
    __slots__ = ("axes",)
    reads_inputs = False
    reads_output = False

    def __init__(self, axes: Sequence[int] | None = None) -> None:
        self.axes = None if axes is None else _ints("transpose", "axes", axes)

    def forward(self, x):
        if self.axes is not None:
            _permutation("transpose", self.axes, x.shape)
        return np.transpose(x, self.axes)

    def backward(self, g, y, x):
        if self.axes is None:
            return g.transpose()
        return g.transpose(tuple(np.argsort([a % g.ndim for a in self.axes])))


class ExpandDims(_SameElements):
    __slots__ = ("axis",)
    name = "expand_dims"

    def __init__(self, axis: int | tuple[int, ...]) -> None:
        self.axis = _axis_arg("expand_dims", axis)

    def forward(self, x):
        try:
            return np.expand_dims(x, self.axis)
        except (ValueError, IndexError) as e:
            raise ValueError(
                f"expand_dims: bad axis {self.axis!r} for a tensor of shape {x.shape}: {e}"
            ) from None


class Squeeze(_SameElements):
    __slots__ = ("axis",)

    def __init__(self, axis: int | tuple[int, ...] | None = None) -> None:
        self.axis = None if axis is None else _axis_arg("squeeze", axis)

    def forward(self, x):
        try:
            return np.squeeze(x, self.axis)
        except (ValueError, IndexError):
            raise ValueError(
                f"squeeze: cannot squeeze axis {self.axis!r} of a tensor of shape {x.shape} "
                f"(only existing axes of length 1 can be squeezed, each once)"
            ) from None


def _broadcast_view(x: Any, shape: tuple[int, ...]) -> np.ndarray | None:
    """``np.broadcast_to(x, shape)`` built directly, for a contiguous array (None otherwise):
    numpy's version spends ~3 us in Python setup, which the backward of every sum pays."""
    if type(x) is not np.ndarray:
        if not isinstance(x, np.generic):  # numpy's 0-d results are scalars: gradients too
            return None
        x = np.asarray(x)
    if not x.flags.c_contiguous or x.ndim > len(shape):
        return None
    lead = len(shape) - x.ndim
    strides = [0] * lead
    for n, m, s in zip(x.shape, shape[lead:], x.strides):
        if n != m and n != 1:
            return None
        strides.append(s if n == m else 0)
    view = np.ndarray(shape, x.dtype, x, 0, tuple(strides))
    view.flags.writeable = False  # as np.broadcast_to: elements share memory
    return view


class BroadcastTo(Op):
    __slots__ = ("shape",)
    name = "broadcast_to"
    reads_inputs = False
    reads_output = False

    def __init__(self, shape: Sequence[int]) -> None:
        self.shape = tuple(shape)

    def forward(self, x):
        view = _broadcast_view(x, self.shape)
        if view is not None:
            return view
        try:
            return np.broadcast_to(x, self.shape)
        except ValueError:
            raise ValueError(
                f"broadcast_to: cannot broadcast a tensor of shape {np.shape(x)} to {self.shape}"
            ) from None

    def backward(self, g, y, x):
        return g  # the engine sums broadcast gradients back to the input's shape


class _Join(Op):
    """Join several tensors along ``axis`` with a numpy function; errors list every shape."""

    __slots__ = ("axis", "_caller")
    reads_inputs = False
    reads_output = False
    join: Any = None

    def __init__(self, axis: int = 0, caller: str | None = None) -> None:
        self.axis = axis
        self._caller = caller  # the public function named in errors (hstack, append, ...)

    def forward(self, *xs):
        try:
            return self.join(xs, axis=self.axis)
        except (ValueError, IndexError) as e:
            shapes = ", ".join(str(np.shape(x)) for x in xs)
            raise ValueError(
                f"{self._caller or self.name}: cannot join shapes [{shapes}] along axis "
                f"{self.axis}: {e}"
            ) from None


class Concatenate(_Join):
    __slots__ = ()
    join = staticmethod(np.concatenate)

    def backward(self, g, y, *xs):
        axis = self.axis % g.ndim
        grads, start = [], 0
        for x, need in zip(xs, self.needs_grad):
            stop = start + np.shape(x)[axis]
            grads.append(g[(slice(None),) * axis + (slice(start, stop),)] if need else None)
            start = stop
        return tuple(grads)


class Stack(_Join):
    __slots__ = ()
    join = staticmethod(np.stack)

    def backward(self, g, y, *xs):
        axis = self.axis % g.ndim
        lead = (slice(None),) * axis
        return tuple(g[lead + (i,)] if need else None for i, need in enumerate(self.needs_grad))


def plain_index(index: Any) -> Any:
    """Tensors and lists inside an index become arrays of their own (numpy's advanced indexing;
    a copy, so that changing the caller's index array later cannot change the gradient)."""
    if isinstance(index, tuple):
        return tuple(plain_index(i) for i in index)
    if isinstance(index, (Tensor, np.ndarray, list)):
        return np.array(value(index))
    return index


def _is_basic(index: Any) -> bool:
    """Basic indexing (ints, slices, None, ...) selects each element at most once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None
        or p is Ellipsis
        or isinstance(p, slice)
        or (isinstance(p, (int, np.integer)) and not isinstance(p, (bool, np.bool_)))
        for p in parts
    )


class GetItem(Op):
    """``x[index]``, basic or advanced; repeated indices accumulate their gradients."""

    __slots__ = ("index",)
    reads_inputs = False
    reads_output = False

    def __init__(self, index: Any) -> None:
        self.index = plain_index(index)

    def forward(self, x):
        try:
            return x[self.index]
        except IndexError as e:
            raise IndexError(f"getitem: bad index for a tensor of shape {x.shape}: {e}") from None

    def backward(self, g, y, x):
        return apply_unary(IndexAdd(self.index, x.shape), g)


class IndexAdd(Op):
    """Scatter ``g`` into zeros of ``shape`` at ``index``, adding at repeated indices.
    The adjoint of getitem: its backward is getitem."""

    __slots__ = ("index", "shape")
    name = "index_add"
    reads_inputs = False
    reads_output = False

    def __init__(self, index: Any, shape: Sequence[int]) -> None:
        self.index = index  # already plain: index_add() and GetItem made it so
        self.shape = tuple(shape)

    def forward(self, g):
        out = np.zeros(self.shape, dtype=g.dtype)
        if _is_basic(self.index):
            out[self.index] = g
        else:
            np.add.at(out, self.index, g)
        return out

    def backward(self, gg, y, g):
        return gg[self.index]


class Pack(Op):
    """``np.array`` of a nested list holding Tensors: each Tensor's gradient is its slice of g."""

    __slots__ = ("dtype", "_template", "_where")
    name = "array"
    reads_inputs = False
    reads_output = False

    def __init__(self, template: Any, where: list[tuple[int, ...]], dtype: Any) -> None:
        self._template = template  # the nested list, with None where the inputs go
        self._where = where  # each input's index in the result
        self.dtype = dtype

    def forward(self, *xs: Any) -> np.ndarray:
        filled = iter(xs)

        def fill(node: Any) -> Any:
            if node is None:
                return next(filled)
            return [fill(i) for i in node] if isinstance(node, list) else node

        try:
            return np.array(fill(self._template), dtype=self.dtype)
        except ValueError as e:
            shapes = ", ".join(str(np.shape(x)) for x in xs)
            raise ValueError(f"array: cannot stack tensors of shapes [{shapes}]: {e}") from None

    def backward(self, g, y, *xs):
        return tuple(g[at] if need else None for at, need in zip(self._where, self.needs_grad))


@declare(numpy=np.array)
def array(object: Any, dtype: DTypeLike = None) -> Any:  # noqa: A002 - numpy's name
    """A new array from nested lists, as ``np.array``; Tensors inside are stacked with their
    gradients (HIPS autograd's ``np.array([x, y])``).

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.array(2.0), requires_grad=True)
    >>> ag.array([[x, 1.0], [0.0, x * x]]).sum().backward()
    >>> x.grad
    tensor(5.)
    """
    tensors: list[Any] = []
    where: list[tuple[int, ...]] = []

    def template(node: Any, at: tuple[int, ...]) -> Any:
        if isinstance(node, Tensor):
            tensors.append(node)
            where.append(at)
            return None
        if isinstance(node, (list, tuple)):
            return [template(item, at + (i,)) for i, item in enumerate(node)]
        return node

    skeleton = template(object, ())
    if not tensors:
        return np.array(object, dtype=dtype)
    return Pack(skeleton, where, dtype)(*tensors)


class AsType(Op):
    __slots__ = ("dtype",)
    reads_inputs = False
    reads_output = False

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, g, y, x):
        return g  # the engine casts gradients back to the input's dtype


@declare(numpy=np.reshape)
def reshape(x: Any, shape: Sequence[int] | int) -> Any:
    """Like ``np.reshape``; one dimension may be -1."""
    return apply_unary(Reshape((shape,) if isinstance(shape, (int, np.integer)) else shape), x)


@declare(numpy=np.transpose)
def transpose(x: Any, axes: Any = None, dim1: int | None = None) -> Any:
    """Permute axes like ``np.transpose`` (reverse them when ``axes`` is None); with two ints,
    ``ag.transpose(x, dim0, dim1)``, swap those two axes as PyTorch's ``torch.transpose``.

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.zeros((2, 3, 4)))
    >>> ag.transpose(x).shape, ag.transpose(x, (1, 0, 2)).shape, ag.transpose(x, 0, 2).shape
    ((4, 3, 2), (3, 2, 4), (4, 3, 2))
    """
    if dim1 is not None:
        return swapaxes(x, axes, dim1)
    return apply_unary(Transpose(axes), x)


@tensor_method("transpose")
def _transpose_method(self: Tensor, *axes: Any) -> Tensor:
    """``x.transpose()``, ``x.transpose((1, 0))``, ``x.transpose(2, 0, 1)``: numpy's permutation;
    two ints, ``x.transpose(0, 2)``: PyTorch's swap. (On a 2-D tensor, numpy's ``(1, 0)`` is
    the swap too; its ``(0, 1)``, the identity, is PyTorch's swap here.)"""
    if len(axes) == 2 and all(isinstance(a, (int, np.integer)) for a in axes):
        return swapaxes(self, *axes)
    if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], (int, np.integer))):
        return transpose(self, axes[0])
    return transpose(self, axes or None)


@declare(method=True, numpy=np.swapaxes)
def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Exchange two axes, as ``np.swapaxes`` (PyTorch's ``transpose(dim0, dim1)``)."""
    a = _array_or_tensor(a)
    axes = list(range(a.ndim))
    for axis in _ints("swapaxes", "axes", (axis1, axis2)):
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(
                f"swapaxes: axis {axis} is out of range for a tensor of shape {a.shape}"
            )
    axes[axis1], axes[axis2] = axes[axis2], axes[axis1]
    return apply_unary(Transpose(axes), a)


@declare(method=True, numpy=np.expand_dims)
def expand_dims(x: Any, axis: int | tuple[int, ...]) -> Any:
    """Insert axes of length 1 at ``axis`` (an int or a tuple), as ``np.expand_dims``."""
    return apply_unary(ExpandDims(axis), x)


@declare(numpy=np.squeeze)
def squeeze(x: Any, axis: int | tuple[int, ...] | None = UNSET, *, dim: Any = UNSET) -> Any:
    """Remove axes of length 1: all of them, or those in ``axis`` (an error for one that is
    not 1, as numpy's). ``dim=`` is PyTorch's: the dims among it whose length is not 1 stay.

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.zeros((1, 3, 1)))
    >>> ag.squeeze(x).shape, ag.squeeze(x, (0, 2)).shape, ag.squeeze(x, dim=(0, 1)).shape
    ((3,), (3,), (3, 1))
    """
    axis = pick("squeeze", "axis", axis, "dim", dim)
    if torch_style(dim) and dim is not None:
        x = _array_or_tensor(x)
        axis = _length_one(x.shape, dim if isinstance(dim, (tuple, list)) else (dim,))
    return apply_unary(Squeeze(None if axis is UNSET else axis), x)


def _length_one(shape: tuple[int, ...], dims: Sequence[Any]) -> tuple[Any, ...]:
    """PyTorch's squeeze(dim): the dims of length 1 (a 0-d tensor's dim 0 is one; dims out of
    range stay, for the op to report)."""
    n, m = len(shape), max(len(shape), 1)
    valid = [isinstance(d, (int, np.integer)) and -m <= d < m for d in dims]
    return tuple(d for d, ok in zip(dims, valid) if not ok or (n and shape[d] == 1))


@tensor_method("squeeze")
def _squeeze_method(self: Tensor, dim: Any = UNSET, *, axis: Any = UNSET) -> Tensor:
    """``x.squeeze(dim)`` is PyTorch's (dims whose length is not 1 stay); ``axis=`` numpy's."""
    return squeeze(self, axis, dim=dim)


@declare(method=True, numpy=np.broadcast_to)
def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """Broadcast to ``shape`` (a read-only view for arrays)."""
    return apply_unary(BroadcastTo(shape), x)


def _either(
    op: str, numpy_name: str, numpy_value: Any, torch_name: str, torch_value: Any, default: Any
) -> Any:
    """The spelling of an argument that was passed (numpy's or PyTorch's), else ``default``."""
    chosen = pick(op, numpy_name, numpy_value, torch_name, torch_value)
    return default if chosen is UNSET else chosen


def _concatenated(op: str, xs: Sequence[Any], axis: int) -> Any:
    """``xs`` joined along ``axis``; errors name ``op`` (concatenate, hstack, append, ...)."""
    if len(xs) == 0:
        raise ValueError(f"{op}: need at least one tensor")
    return Concatenate(axis, op)(*xs)


@declare(numpy=np.concatenate)
def concatenate(xs: Sequence[Any], axis: int | None = UNSET, *, dim: int = UNSET) -> Any:
    """Join tensors along an existing axis, like ``np.concatenate`` (``axis=None`` flattens
    them first); ``dim=`` is PyTorch's name. ``ag.concat`` and ``ag.cat`` are the same.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.cat([ag.tensor(np.zeros((2, 3))), ag.tensor(np.ones((2, 1)))], dim=1).shape
    (2, 4)
    """
    axis = _either("concatenate", "axis", axis, "dim", dim, 0)
    if axis is None:  # numpy: flatten first
        xs, axis = [reshape(x, (-1,)) for x in xs], 0
    return _concatenated("concatenate", xs, axis)


concat = declare(concatenate, name="concat", numpy=getattr(np, "concat", ()))  # numpy >= 2
cat = declare(concatenate, name="cat")  # PyTorch's name


@declare(numpy=np.stack)
def stack(xs: Sequence[Any], axis: int = UNSET, *, dim: int = UNSET) -> Any:
    """Join tensors along a new axis, like ``np.stack``; ``dim=`` is PyTorch's name."""
    if len(xs) == 0:
        raise ValueError("stack: need at least one tensor")
    return Stack(_either("stack", "axis", axis, "dim", dim, 0))(*xs)


@declare
def getitem(x: Any, index: Any) -> Any:
    """``x[index]`` with numpy's basic and advanced indexing."""
    return apply_unary(GetItem(index), x)


@declare
def index_add(g: Any, index: Any, shape: Sequence[int]) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeats accumulate): getitem's adjoint."""
    return apply_unary(IndexAdd(plain_index(index), shape), g)


@declare(method=True)
def astype(x: Any, dtype: Any) -> Any:
    """Cast to ``dtype``; differentiable between floating dtypes, a constant otherwise."""
    dt = np.dtype(dtype)
    if isinstance(x, Tensor) and dt.kind not in "fc":
        return Tensor(x.data.astype(dt))
    return apply_unary(AsType(dt), x)


_graph.pack = array  # lists holding Tensors, given to any op, become one differentiable input
