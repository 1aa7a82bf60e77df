"""Tensor: an array, its gradient, and the Op that made it (None for leaves)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import dtypes
from . import writes
from .modes import state

if TYPE_CHECKING:  # the methods that autograd_lite.ops declares, for type checkers
    from .._tensor_methods import TensorMethods as _Methods
    from .graph import Op
else:
    _Methods = object

ArrayLike = Any


def _check_float(data: np.ndarray, what: str) -> None:
    if data.dtype.kind != "f":
        raise TypeError(
            f"{what}: only floating-point tensors can require gradients, got dtype {data.dtype}; "
            f"convert first, e.g. x.float() or ag.tensor(x, dtype=ag.float32, requires_grad=True)"
        )


class Tensor(_Methods):
    """An n-dimensional array that remembers how it was computed.

    Parameters
    ----------
    data : array_like
        Wrapped without copying when it already is an ndarray (use :func:`tensor` to copy).
    requires_grad : bool
        Record ops on this tensor so that ``backward`` fills its ``.grad``. Floating dtypes only.
    dtype : numpy dtype, optional
    name : str, optional
        Shown in graph drawings.

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __slots__ = (
        "data",
        "_grad",
        "_requires_grad",
        "op",
        "name",
        "_version",
        "_retains_grad",
        "_pass",  # the backward pass that last counted this tensor's consumers
        "_pending",  # consumers whose gradient has not arrived yet, in that pass
        "_gsum",  # the sum of the gradients that have arrived, in that pass
    )
    __array_priority__ = 1000.0

    def __init__(
        self,
        data: ArrayLike,
        requires_grad: bool = False,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        arr = np.asarray(data, dtype=dtype)
        if requires_grad:
            _check_float(arr, "tensor")
        self.data: np.ndarray = arr
        self._grad: Tensor | None = None
        self._requires_grad = bool(requires_grad)
        self.op: Op | None = None
        self.name: str | None = name
        self._version = 0
        self._retains_grad = False
        self._pass: object = None
        self._pending = 0
        self._gsum: Any = None

    __hash__ = object.__hash__  # __eq__ is elementwise, so hash by identity as PyTorch does

    @property
    def grad(self) -> Tensor | None:
        """The gradient that backward accumulated (None until then)."""
        if state.tracer is not None:
            state.tracer.grad_read(self)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if state.tracer is not None:
            state.tracer.grad_write(self, value)
        self._grad = value

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if flag:
            _check_float(self.data, "requires_grad")
        elif self.op is not None:
            raise RuntimeError(
                "requires_grad: a tensor computed by an op cannot stop requiring grad; "
                "use .detach() for a copy cut from the graph"
            )
        self._requires_grad = bool(flag)

    # -- array facts
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> Any:
        """numpy's element count; ``x.size()``/``x.size(0)`` give PyTorch's sizes too."""
        return _Size(self.data.size, self.data.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        """True for tensors not made by a recorded op (user-created or detached)."""
        return self.op is None

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Iterator[Tensor]:
        for i in range(len(self)):
            yield self[i]

    # -- leaving the graph: plain values
    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy:
            return np.array(self.data, dtype=dtype, copy=True)
        return self.data if dtype is None else self.data.astype(dtype, copy=False)

    def __float__(self) -> float:
        if state.tracer is not None:
            state.tracer.value_read(self, "float(t)")
        return float(self.data)

    def __int__(self) -> int:
        if state.tracer is not None:
            state.tracer.value_read(self, "int(t)")
        return int(self.data)

    def __index__(self) -> int:
        if state.tracer is not None:
            state.tracer.value_read(self, "an index")
        return self.data.__index__()

    def __bool__(self) -> bool:
        if state.tracer is not None:
            state.tracer.value_read(self, "bool(t) (an if on a tensor)")
        return bool(self.data)

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        if state.tracer is not None:
            state.tracer.value_read(self, ".numpy()")
        return self.data

    def item(self) -> Any:
        if state.tracer is not None:
            state.tracer.value_read(self, ".item()")
        return self.data.item()

    def tolist(self) -> Any:
        if state.tracer is not None:
            state.tracer.value_read(self, ".tolist()")
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut off from the graph."""
        return Tensor(self.data)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if not self._requires_grad:
            raise RuntimeError("retain_grad: the tensor does not require grad")
        self._retains_grad = True

    def mark_modified(self) -> None:
        """Record an in-place write to ``.data`` made outside the API (optimisers call this):
        backward through a graph that used the old values then refuses instead of being wrong."""
        self._version = writes.record_write(self.data)

    def backward(
        self,
        gradient: ArrayLike | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Any = None,
        *,
        grad: ArrayLike | None = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (zeroing is the caller's job).

        ``gradient`` (or ``grad``) is the upstream gradient, required unless this tensor has one
        element. ``create_graph=True`` makes the gradients differentiable (gradients of
        gradients). ``inputs``: accumulate only into these tensors' ``.grad``.
        """
        if grad is not None:
            if gradient is not None:
                raise TypeError("backward: pass gradient= or grad= (its old name), not both")
            gradient = grad
        keep = create_graph if retain_graph is None else retain_graph
        _engine.backward((self,), (gradient,), keep or create_graph, create_graph, inputs)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extras = []
        if self.data.dtype not in (np.float64, np.int64, np.bool_):
            extras.append(f"dtype={self.data.dtype}")
        if self.op is not None:
            extras.append(f"op=<{self.op.name}>")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return f"tensor({body}{''.join(', ' + e for e in extras)})"


class _Size(int):
    """numpy's ``x.size`` (the element count, an int) that PyTorch code can also call:
    ``x.size()`` is the shape and ``x.size(d)`` the length of dimension ``d``."""

    shape: tuple[int, ...]

    def __new__(cls, count: int, shape: tuple[int, ...]) -> _Size:
        size = super().__new__(cls, count)
        size.shape = shape
        return size

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self.shape
        if not -len(self.shape) <= dim < len(self.shape):
            raise IndexError(
                f"size: dimension {dim} is out of range for a tensor of shape {self.shape}"
            )
        return self.shape[dim]


def tensor(
    data: ArrayLike, requires_grad: bool = False, dtype: Any = None, name: str | None = None
) -> Tensor:
    """A leaf tensor holding a copy of ``data``.

    Without ``dtype``, as ``torch.tensor``: Python floats (and lists of them) become
    ``ag.get_default_dtype()`` (float32), Python ints int64, bools bool; numpy arrays,
    numpy scalars and Tensors keep their dtype (``ag.tensor(np.ones(2))`` is float64).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.tensor([1.5]).dtype, ag.tensor([1, 2]).dtype, ag.tensor(np.ones(2)).dtype
    (dtype('float32'), dtype('int64'), dtype('float64'))
    """
    if isinstance(data, Tensor):
        data = data.data
    arr = np.array(data, dtype=dtype, copy=True)
    if dtype is None and not isinstance(data, np.ndarray | np.generic):
        arr = arr.astype(dtypes.for_python(data, arr.dtype), copy=False)
    return Tensor(arr, requires_grad, name=name)


def value(x: Any) -> Any:
    """The array behind a Tensor (constants pass through)."""
    return x.data if isinstance(x, Tensor) else x


from . import engine as _engine  # noqa: E402 - backward() needs the engine, which needs Tensor
