"""Shape ops: reshape, transpose, expand_dims, squeeze, broadcast_to, concatenate, stack,
indexing (getitem and its adjoint, index_add) and dtype casts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._typing import DTypeLike
from ..core import Op, Tensor, apply_unary, value
from ..core import graph as _graph
from .declarations import declare


def _ints(op: str, what: str, values: Sequence[Any]) -> tuple[int, ...]:
    """A tuple of ints, refusing floats and other values numpy would reject or truncate."""
    values = tuple(values)
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        raise TypeError(f"{op}: {what} must be ints, got {values}")
    return tuple(int(v) for v in values)


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
        if self.axes is not None and sorted(
            a % x.ndim if -x.ndim <= a < x.ndim else x.ndim for a in self.axes
        ) != list(range(x.ndim)):
            raise ValueError(
                f"transpose: axes {self.axes} are not a permutation of the {x.ndim} axes "
                f"of a tensor of shape {x.shape}"
            )
        return np.transpose(x, self.axes)

    def backward(self, g, y, x):
        if self.axes is None:
            return g.transpose()
        return g.transpose(tuple(np.argsort([a % g.ndim for a in self.axes])))


class ExpandDims(_SameElements):
    __slots__ = ("axis",)
    name = "expand_dims"

    def __init__(self, axis: int | tuple[int, ...]) -> None:
        self.axis = axis

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
        self.axis = axis

    def forward(self, x):
        try:
            return np.squeeze(x, self.axis)
        except (ValueError, IndexError):
            raise ValueError(
                f"squeeze: cannot squeeze axis {self.axis!r} of a tensor of shape {x.shape} "
                f"(only existing axes of length 1 can be squeezed)"
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

    __slots__ = ("axis",)
    reads_inputs = False
    reads_output = False
    join: Any = None

    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def forward(self, *xs):
        try:
            return self.join(xs, axis=self.axis)
        except (ValueError, IndexError) as e:
            shapes = ", ".join(str(np.shape(x)) for x in xs)
            raise ValueError(
                f"{self.name}: cannot join shapes [{shapes}] along axis {self.axis}: {e}"
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
def transpose(x: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes like ``np.transpose`` (reverse them when ``axes`` is None)."""
    return apply_unary(Transpose(axes), x)


@declare(method=True, numpy=np.expand_dims)
def expand_dims(x: Any, axis: int | tuple[int, ...]) -> Any:
    return apply_unary(ExpandDims(axis), x)


@declare(method=True, numpy=np.squeeze)
def squeeze(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    return apply_unary(Squeeze(axis), x)


@declare(method=True, numpy=np.broadcast_to)
def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """Broadcast to ``shape`` (a read-only view for arrays)."""
    return apply_unary(BroadcastTo(shape), x)


@declare(numpy=np.concatenate)
def concatenate(xs: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along an existing axis, like ``np.concatenate``."""
    if len(xs) == 0:
        raise ValueError("concatenate: need at least one tensor")
    if axis is None:  # numpy: flatten first
        xs, axis = [reshape(x, (-1,)) for x in xs], 0
    return Concatenate(axis)(*xs)


@declare(numpy=np.stack)
def stack(xs: Sequence[Any], axis: int = 0) -> Any:
    """Join tensors along a new axis, like ``np.stack``."""
    if len(xs) == 0:
        raise ValueError("stack: need at least one tensor")
    return Stack(axis)(*xs)


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
