"""Creating tensors, with PyTorch's signatures beside numpy's: ``ag.zeros(2, 3)`` and
``ag.zeros((2, 3))``, ``ag.rand``, ``ag.randint(low, high, size)``, ``ag.from_numpy``, ...

Every factory takes ``dtype=`` and ``requires_grad=`` (and ``device=``, which must be the
CPU). Floating results default to ``ag.get_default_dtype()`` (float32, as PyTorch), integer
ones to int64; the ``*_like`` functions keep their input's dtype. Random factories draw
from the global generator (``ag.manual_seed``) unless given ``generator=`` (PyTorch's
keyword) or ``rng=`` (a numpy Generator or an int seed).

>>> import autograd_lite as ag
>>> ag.zeros(2, 3).shape, ag.zeros((2, 3)).dtype, ag.arange(3).dtype, ag.arange(0.0, 1.0, 0.5)
((2, 3), dtype('float32'), dtype('int64'), tensor([0. , 0.5], dtype=float32))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import dtypes
from .core import Tensor, replayable, tensor, value
from .random import default_generator

# The factories, exported as ``ag.<name>`` in this order (as_rng and pick_rng serve nn and data).
__all__ = [
    "zeros",
    "ones",
    "full",
    "empty",
    "eye",
    "arange",
    "linspace",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "from_numpy",
    "as_tensor",
    "isclose",
    "allclose",
]

RNGLike = np.random.Generator | int | None  # what every ``rng=``/``seed=``/``generator=`` takes


def as_rng(rng: RNGLike) -> np.random.Generator:
    """The stream to draw from: the global generator for None (what ``ag.manual_seed``
    seeds), a new stream for an int seed, a numpy (or ``ag``) Generator as it is."""
    return default_generator if rng is None else np.random.default_rng(rng)


def pick_rng(fn: str, rng: RNGLike, generator: RNGLike) -> np.random.Generator:
    """``as_rng`` of PyTorch's ``generator=`` or of ``rng=``, whichever was given."""
    if generator is not None and rng is not None:
        raise TypeError(f"{fn}: pass generator= or rng=, not both")
    return as_rng(rng if generator is None else generator)


def _shape(fn: str, size: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` (and ``f([2, 3])``) alike."""
    if len(size) == 1 and isinstance(size[0], list | tuple):
        size = tuple(size[0])
    if any(isinstance(n, bool) or not isinstance(n, int | np.integer) for n in size):
        raise TypeError(f"{fn}: the size must be ints, as f(2, 3) or f((2, 3)); got {size!r}")
    if any(n < 0 for n in size):
        raise ValueError(f"{fn}: the size must not be negative, got {size!r}")
    return tuple(int(n) for n in size)


def _check_device(fn: str, device: Any) -> None:
    if device is not None and str(device) != "cpu":
        raise ValueError(f"{fn}: autograd_lite runs on the CPU only, got device={device!r}")


def _make(fn: str, data: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    _check_device(fn, device)
    return Tensor(data, requires_grad)  # a fresh array: wrapped, not copied


def _float(fn: str, dtype: Any) -> np.dtype:
    dt = dtypes.resolve(dtype)
    if dt.kind != "f":
        raise TypeError(f"{fn}: draws floating-point numbers, got dtype={dt}")
    return dt


# --------------------------------------------------------------------------- constants


def zeros(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``."""
    data = np.zeros(_shape("zeros", size), dtypes.resolve(dtype))
    return _make("zeros", data, requires_grad, device)


def ones(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``."""
    data = np.ones(_shape("ones", size), dtypes.resolve(dtype))
    return _make("ones", data, requires_grad, device)


def empty(*size: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """An uninitialised tensor (its values are whatever the memory held)."""
    data = np.empty(_shape("empty", size), dtypes.resolve(dtype))
    return _make("empty", data, requires_grad, device)


def _python_dtype(fill_value: Any) -> np.dtype:
    """PyTorch's dtype for a Python number: bool, int64, the default float or complex."""
    return tensor(value(fill_value)).dtype


def full(
    size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """A tensor filled with ``fill_value``; the dtype follows it (``full((2,), 1)`` is int64).

    >>> import autograd_lite as ag
    >>> ag.full((2,), 1.5).dtype, ag.full((2,), 7).dtype, ag.full(2, True).dtype
    (dtype('float32'), dtype('int64'), dtype('bool'))
    """
    shape = _shape("full", size if isinstance(size, tuple) else (size,))
    dt = _python_dtype(fill_value) if dtype is None else np.dtype(dtype)
    return _make("full", np.full(shape, value(fill_value), dt), requires_grad, device)


def eye(
    n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """The ``n`` x ``m`` identity matrix (``m`` defaults to ``n``)."""
    return _make("eye", np.eye(n, m, dtype=dtypes.resolve(dtype)), requires_grad, device)


def arange(
    *args: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """``arange(end)``, ``arange(start, end[, step])``: int64 for ints, else the default float.

    >>> import autograd_lite as ag
    >>> ag.arange(4).tolist(), ag.arange(1, 2, 0.25).dtype
    ([0, 1, 2, 3], dtype('float32'))
    """
    if dtype is None:
        ints = all(isinstance(a, int | np.integer) for a in map(value, args))
        dtype = np.int64 if ints else dtypes.get_default_dtype()
    return _make("arange", np.arange(*map(value, args), dtype=dtype), requires_grad, device)


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (``np.linspace``)."""
    data = np.linspace(value(start), value(end), steps).astype(dtypes.resolve(dtype), copy=False)
    return _make("linspace", data, requires_grad, device)


# --------------------------------------------------------------------------- random


@replayable
def rand(
    *size: Any,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Uniform samples in [0, 1): ``rand(2, 3)`` or ``rand((2, 3))``.

    Drawn in float64 and rounded to ``dtype``, so a seed gives the same numbers in any dtype.
    """
    draw = pick_rng("rand", rng, generator).random(_shape("rand", size))
    dt = _float("rand", dtype)
    if dt != np.float64:  # rounding may reach 1.0; keep the interval half-open
        draw = np.minimum(draw, np.nextafter(dt.type(1), dt.type(0)), dtype=dt)
    return _make("rand", draw, requires_grad, device)


@replayable
def randn(
    *size: Any,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Standard normal samples: ``randn(2, 3)`` or ``randn((2, 3))``.

    >>> import autograd_lite as ag
    >>> ag.randn(2, 3, rng=0).shape
    (2, 3)
    """
    draw = pick_rng("randn", rng, generator).standard_normal(_shape("randn", size))
    return _make("randn", draw.astype(_float("randn", dtype), copy=False), requires_grad, device)


@replayable
def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Integers in [low, high): ``randint(low, high, size)`` or ``randint(high, size)``.

    PyTorch's and numpy's order both work (``randint(10, size=(3,))`` too); int64 by default.

    >>> import autograd_lite as ag
    >>> ag.randint(3, 5, (4,), rng=0).tolist(), ag.randint(2, (3,), rng=0).shape
    ([4, 4, 4, 3], (3,))
    """
    if isinstance(high, tuple | list):  # randint(high, size)
        low, high, size = 0, low, high
    elif high is None:  # randint(high, size=...)
        low, high = 0, low
    shape = () if size is None else _shape("randint", (size,))
    dt = np.dtype(np.int64 if dtype is None else dtype)
    draw = pick_rng("randint", rng, generator).integers(low, high, shape)
    return _make("randint", draw.astype(dt, copy=False), requires_grad, device)


@replayable
def randperm(
    n: int,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = np.int64,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """A random permutation of ``0 .. n-1`` (int64)."""
    draw = pick_rng("randperm", rng, generator).permutation(n).astype(dtype, copy=False)
    return _make("randperm", draw, requires_grad, device)


# --------------------------------------------------------------------------- *_like


def _like(x: Any, dtype: Any) -> tuple[tuple[int, ...], np.dtype]:
    arr = np.asarray(value(x))
    return arr.shape, arr.dtype if dtype is None else np.dtype(dtype)


def zeros_like(
    x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """Zeros of ``x``'s shape and dtype."""
    return _make("zeros_like", np.zeros(*_like(x, dtype)), requires_grad, device)


def ones_like(x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None) -> Tensor:
    """Ones of ``x``'s shape and dtype."""
    return _make("ones_like", np.ones(*_like(x, dtype)), requires_grad, device)


def empty_like(
    x: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """An uninitialised tensor of ``x``'s shape and dtype."""
    return _make("empty_like", np.empty(*_like(x, dtype)), requires_grad, device)


def full_like(
    x: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False, device: Any = None
) -> Tensor:
    """``fill_value`` in ``x``'s shape and dtype."""
    shape, dt = _like(x, dtype)
    return _make("full_like", np.full(shape, value(fill_value), dt), requires_grad, device)


def rand_like(
    x: Any,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Uniform samples in [0, 1) of ``x``'s shape and (floating) dtype."""
    shape, dt = _like(x, dtype)
    return rand(shape, generator=generator, rng=rng, dtype=_float("rand_like", dt),
                requires_grad=requires_grad, device=device)  # fmt: skip


def randn_like(
    x: Any,
    generator: RNGLike = None,
    rng: RNGLike = None,
    dtype: Any = None,
    requires_grad: bool = False,
    device: Any = None,
) -> Tensor:
    """Standard normal samples of ``x``'s shape and (floating) dtype."""
    shape, dt = _like(x, dtype)
    return randn(shape, generator=generator, rng=rng, dtype=_float("randn_like", dt),
                 requires_grad=requires_grad, device=device)  # fmt: skip


# --------------------------------------------------------------------------- from data


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A Tensor sharing ``ndarray``'s memory: writes to either show in the other.

    >>> import numpy as np, autograd_lite as ag
    >>> a = np.zeros(2); t = ag.from_numpy(a); a[0] = 5.0
    >>> t.tolist(), t.dtype
    ([5.0, 0.0], dtype('float64'))
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(ndarray).__name__}")
    if ndarray.dtype.kind not in "biufc":
        raise TypeError(f"from_numpy: expected a numeric or bool array, got dtype {ndarray.dtype}")
    return Tensor(ndarray)


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """``data`` as a Tensor, without copying when it can (``torch.as_tensor``).

    A Tensor of that dtype comes back as it is (another dtype: a differentiable ``astype``);
    a numpy array of that dtype is shared; anything else is copied as ``ag.tensor`` does.
    """
    _check_device("as_tensor", device)
    if isinstance(data, Tensor):
        return data if dtype is None or data.dtype == np.dtype(dtype) else data.astype(dtype)
    if isinstance(data, np.ndarray):
        return Tensor(data if dtype is None else data.astype(dtype, copy=False))
    return tensor(data, dtype=dtype)


# --------------------------------------------------------------------------- comparisons


def isclose(
    input: Any,  # noqa: A002 - PyTorch's name
    other: Any,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|``, a bool Tensor (no graph)."""
    return Tensor(np.isclose(value(input), value(other), rtol, atol, equal_nan))


def allclose(
    input: Any,  # noqa: A002
    other: Any,
    rtol: float = 1e-05,
    atol: float = 1e-08,
    equal_nan: bool = False,
) -> bool:
    """Whether :func:`isclose` holds everywhere (a Python bool); tensors or arrays."""
    return bool(np.allclose(value(input), value(other), rtol, atol, equal_nan))
