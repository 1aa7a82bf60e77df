"""What PyTorch code asks a tensor about itself, and its dtype and device conversions.

``x.numel()``, ``x.dim()``, ``x.element_size()``, ``x.device``, ``x.is_cuda``, ... and the
casts ``x.float()``, ``x.double()``, ``x.half()``, ``x.long()``, ``x.int()``, ``x.bool()``,
``x.to(...)``, ``x.type(...)``, ``x.type_as(y)`` with PyTorch's semantics: a cast to the
tensor's own dtype returns the tensor itself (``copy=True`` asks for a new one); between
floating dtypes it is the differentiable :func:`~autograd_lite.ops.shape.astype` (the gradient
comes back in the input's dtype); to an integer or boolean dtype it is a constant.

autograd_lite computes with numpy on the CPU, so every tensor's device is ``device("cpu")``.
Other devices can be named (code that picks one still runs), ``cuda.is_available()`` is False,
and moving a tensor to another device is an error that names the device.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import DTypeLike
from ..core import Tensor
from .declarations import tensor_method
from .shape import astype

__all__ = ["device", "cuda"]

# PyTorch's device types (torch.device accepts these and no others)
_DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga",
    "maia", "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip


class device:  # noqa: N801 - PyTorch's name
    """Where a tensor's data lives, as PyTorch's ``torch.device``: a ``type`` and an ``index``.

    Every autograd_lite tensor lives on the CPU: ``x.device`` is ``device("cpu")``. Other
    devices can be named, so that code choosing one runs, but no tensor can move there.
    Unlike PyTorch's, a device is also equal to its string (``x.device == "cpu"``).

    Parameters
    ----------
    type : str or device
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``, ... (PyTorch's device types).
    index : int, optional
        The device's number (``device("cuda", 1)`` is ``device("cuda:1")``).

    Examples
    --------
    >>> import autograd_lite as ag
    >>> d = ag.device("cuda:1")
    >>> d.type, d.index, str(d), d
    ('cuda', 1, 'cuda:1', device(type='cuda', index=1))
    >>> ag.tensor([1.0]).device == "cpu", ag.tensor([1.0]).device.type
    (True, 'cpu')
    """

    __slots__ = ("_type", "_index")

    def __init__(self, type: str | device, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            if index is not None:
                raise TypeError(f"device: {type!r} has its index already; pass no index")
            kind, index = type.type, type.index
        elif isinstance(type, (int, np.integer)) and not isinstance(type, bool):
            raise RuntimeError(
                f"device: {type} is the index of an accelerator (a GPU), and autograd_lite has "
                f"none: it computes with numpy on the CPU; use device('cpu')"
            )
        elif not isinstance(type, str):
            raise TypeError(f"device: expected a string such as 'cpu', got {type!r}")
        else:
            kind, colon, number = type.partition(":")
            if colon:
                if index is not None or not number.isdigit():
                    raise ValueError(
                        f"device: invalid device {type!r}; expected a type and an optional "
                        f"index, 'cuda' or 'cuda:1' (or device('cuda', 1))"
                    )
                index = int(number)
        if kind not in _DEVICE_TYPES:
            raise ValueError(
                f"device: expected one of {', '.join(_DEVICE_TYPES)} as the device type, "
                f"got {kind!r}"
            )
        if index is not None and (not isinstance(index, (int, np.integer)) or index < 0):
            raise ValueError(f"device: the index must be an int >= 0, got {index!r}")
        self._type: str = kind
        self._index: int | None = None if index is None else int(index)

    @property
    def type(self) -> str:
        """The device type: ``"cpu"``, ``"cuda"``, ..."""
        return self._type

    @property
    def index(self) -> int | None:
        """The device's number, or None."""
        return self._index

    def __str__(self) -> str:
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self) -> str:
        index = "" if self._index is None else f", index={self._index}"
        return f"device(type={self._type!r}{index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, device):
            return (self._type, self._index) == (other._type, other._index)
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(str(self))  # equal to its string, so hashed as the string

    def __reduce__(self) -> tuple[Any, ...]:
        return device, (self._type, self._index)


_CPU = device("cpu")


class cuda:  # noqa: N801 - PyTorch's torch.cuda
    """``torch.cuda`` as far as code that runs without a GPU asks it: there is none here.

    >>> import autograd_lite as ag
    >>> ag.device("cuda" if ag.cuda.is_available() else "cpu")
    device(type='cpu')
    """

    @staticmethod
    def is_available() -> bool:
        """False: autograd_lite computes with numpy on the CPU."""
        return False

    @staticmethod
    def device_count() -> int:
        """0: no GPU."""
        return 0

    @staticmethod
    def manual_seed(seed: int) -> None:
        """Nothing to seed (no GPU), as PyTorch's on a machine without one."""

    @staticmethod
    def manual_seed_all(seed: int) -> None:
        """Nothing to seed (no GPU), as PyTorch's on a machine without one."""


def _on_cpu(what: str, where: Any) -> None:
    """Refuse a device other than the CPU, naming it."""
    if where is None:
        return
    try:
        place = device(where)
    except (TypeError, ValueError, RuntimeError) as e:
        hint = "; a dtype is given as ag.float32, np.float64, ..." if isinstance(where, str) else ""
        raise type(e)(f"{what}: {e}{hint}") from None
    if place.type != "cpu":
        raise RuntimeError(
            f"{what}: autograd_lite computes with numpy on the CPU only, so a tensor cannot "
            f"move to device {str(place)!r}; pick the device as PyTorch code without "
            f"a GPU does: device = ag.device('cuda' if ag.cuda.is_available() else 'cpu')"
        )


# ------------------------------------------------------------------ dtype conversions


def _as_dtype(what: str, dtype: DTypeLike) -> np.dtype:
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"{what}: expected a dtype such as ag.float32 or np.float64, got {dtype!r}"
        ) from None


def _cast(x: Tensor, dtype: np.dtype, copy: bool = False) -> Tensor:
    """``x`` in ``dtype`` as PyTorch casts: ``x`` itself when the dtype is its own (unless
    ``copy``); else the differentiable astype (a constant for integer and boolean dtypes)."""
    return x if dtype == x.dtype and not copy else astype(x, dtype)


def _caster(name: str, dtype: np.dtype) -> Any:
    def cast(self: Tensor) -> Tensor:
        return _cast(self, dtype)

    cast.__name__ = cast.__qualname__ = name
    cast.__doc__ = f"In {dtype}, as PyTorch's ``x.{name}()``: the tensor itself if it is already."
    return cast


for _name, _dtype in (
    ("float", np.float32),
    ("double", np.float64),
    ("half", np.float16),
    ("long", np.int64),
    ("int", np.int32),
    ("bool", np.bool_),
):
    tensor_method(_name)(_caster(_name, np.dtype(_dtype)))


# (the forms of PyTorch's Tensor.to; ``to`` picks one by its first argument)
def _to_dtype(dtype: DTypeLike, non_blocking: bool = False, copy: bool = False) -> tuple[Any, ...]:
    return None, dtype, copy


def _to_device(
    device: Any = None, dtype: DTypeLike = None, non_blocking: bool = False, copy: bool = False
) -> tuple[Any, ...]:
    return device, dtype, copy


def _to_other(other: Tensor, non_blocking: bool = False, copy: bool = False) -> tuple[Any, ...]:
    return _CPU, other.dtype, copy


@tensor_method("to")
def to(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """This tensor in another dtype (or on a device, which must be the CPU), as PyTorch's
    ``x.to(dtype)``, ``x.to(device, dtype=None)``, ``x.to(other)`` (``other``'s dtype).

    ``copy=True`` always makes a new tensor; otherwise a tensor already in that dtype is
    returned itself. ``non_blocking`` has no effect. Between floating dtypes the cast is
    differentiable.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.5, 2.5])
    >>> x.to(ag.float64).dtype, x.to("cpu") is x, x.to("cpu", ag.int64)
    (dtype('float64'), True, tensor([1, 2]))
    """
    if args and isinstance(args[0], Tensor):
        form: Any = _to_other
    elif args and not isinstance(args[0], (str, device, int, np.integer)):
        form = _to_dtype
    else:
        form = _to_device
    try:
        where, dtype, copy = form(*args, **kwargs)
    except TypeError as e:
        raise TypeError(
            f"to: {str(e).partition(' ')[2]}; expected PyTorch's to(dtype, non_blocking=False, "
            f"copy=False), to(device=None, dtype=None, non_blocking=False, copy=False) or "
            f"to(other, non_blocking=False, copy=False)"
        ) from None
    _on_cpu("to", where)
    dt = self.dtype if dtype is None else _as_dtype("to", dtype)
    return _cast(self, dt, bool(copy))


@tensor_method("cpu")
def cpu(self: Tensor) -> Tensor:
    """The tensor itself: it is on the CPU already (PyTorch's ``x.cpu()``)."""
    return self


# PyTorch's names of tensor types, by dtype ("torch.FloatTensor" is a float32 tensor)
_TYPE_NAMES = {
    np.dtype(dt): f"torch.{name}Tensor"
    for dt, name in (
        (np.float16, "Half"),
        (np.float32, "Float"),
        (np.float64, "Double"),
        (np.complex64, "ComplexFloat"),
        (np.complex128, "ComplexDouble"),
        (np.int8, "Char"),
        (np.uint8, "Byte"),
        (np.int16, "Short"),
        (np.int32, "Int"),
        (np.int64, "Long"),
        (np.uint16, "UInt16"),
        (np.uint32, "UInt32"),
        (np.uint64, "UInt64"),
        (np.bool_, "Bool"),
    )
}
_TYPE_DTYPES = {name: dt for dt, name in _TYPE_NAMES.items()}


@tensor_method("type")
def type_(self: Tensor, dtype: DTypeLike = None, non_blocking: bool = False) -> str | Tensor:
    """PyTorch's ``x.type()``: the name of the tensor type, ``'torch.FloatTensor'`` for float32;
    ``x.type(dtype)``: the tensor in ``dtype`` (a dtype or such a name), itself if it is already.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([1.0, 2.0])
    >>> x.type(), x.type(ag.float64).type(), x.type("torch.LongTensor")
    ('torch.FloatTensor', 'torch.DoubleTensor', tensor([1, 2]))
    """
    if dtype is None:
        name = _TYPE_NAMES.get(self.dtype)
        if name is None:
            raise TypeError(f"type: PyTorch has no tensor type for numpy's dtype {self.dtype}")
        return name
    if isinstance(dtype, str):
        if dtype.startswith("torch.cuda."):
            _on_cpu("type", "cuda")
        if dtype not in _TYPE_DTYPES:
            raise ValueError(
                f"type: invalid type {dtype!r}; expected a dtype (ag.float32) or PyTorch's name "
                f"of a tensor type such as 'torch.FloatTensor'"
            )
        return _cast(self, _TYPE_DTYPES[dtype])
    return _cast(self, _as_dtype("type", dtype))


@tensor_method("type_as")
def type_as(self: Tensor, other: Any) -> Tensor:
    """This tensor in ``other``'s dtype (PyTorch's ``x.type_as(y)``)."""
    return _cast(self, _as_dtype("type_as", getattr(other, "dtype", other)))


# ------------------------------------------------------------------ facts


@tensor_method("numel")
def numel(self: Tensor) -> int:
    """The number of elements (numpy's ``x.size``); also ``x.nelement()``."""
    return self.data.size


@tensor_method("dim")
def dim(self: Tensor) -> int:
    """The number of dimensions (numpy's ``x.ndim``); also ``x.ndimension()``."""
    return self.data.ndim


tensor_method("nelement")(numel)  # PyTorch's other names
tensor_method("ndimension")(dim)


@tensor_method("element_size")
def element_size(self: Tensor) -> int:
    """Bytes per element (numpy's ``x.itemsize``)."""
    return self.data.itemsize


@tensor_method("itemsize", property=True)
def itemsize(self: Tensor) -> int:
    """Bytes per element (numpy's and PyTorch's ``itemsize``)."""
    return self.data.itemsize


@tensor_method("nbytes", property=True)
def nbytes(self: Tensor) -> int:
    """Bytes of all elements (numpy's and PyTorch's ``nbytes``)."""
    return self.data.nbytes


@tensor_method("data_ptr")
def data_ptr(self: Tensor) -> int:
    """The address of the first element (tensors sharing memory from there have the same)."""
    return int(self.data.__array_interface__["data"][0])


@tensor_method("is_floating_point")
def is_floating_point(self: Tensor) -> bool:
    """True for a floating dtype (float16, float32, float64)."""
    return self.data.dtype.kind == "f"


@tensor_method("is_complex")
def is_complex(self: Tensor) -> bool:
    """True for a complex dtype."""
    return self.data.dtype.kind == "c"


@tensor_method("device", property=True)
def device_(self: Tensor) -> device:
    """``device("cpu")``: where every autograd_lite tensor lives."""
    return _CPU


@tensor_method("is_cuda", property=True)
def is_cuda(self: Tensor) -> bool:
    """False: autograd_lite tensors live on the CPU."""
    return False


@tensor_method("is_cpu", property=True)
def is_cpu(self: Tensor) -> bool:
    """True: autograd_lite tensors live on the CPU."""
    return True
