"""Elementwise ops: arithmetic, math functions and activations.

Every backward is written with operators and these same functions, so it runs on arrays
for ordinary gradients and on Tensors under ``create_graph=True``. Masks at kinks are ops
on the inputs too (``x > 0``, not ``value(x) > 0``): on Tensors they are part of the graph,
so that everything backward computes from the inputs is an op a tracer can replay.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._typing import ArrayLike
from ..core import Op, Tensor, apply_binary, apply_unary, value
from .conventions import UNSET, pick
from .declarations import declare


def _shape(x: Any) -> tuple[int, ...]:
    return np.shape(x)


class _Binary(Op):
    """Two-input elementwise op on a numpy ufunc; its errors name the op and the shapes."""

    __slots__ = ()
    ufunc: Any = None

    def forward(self, a: Any, b: Any) -> np.ndarray:
        try:
            return self.ufunc(a, b)
        except ValueError as e:
            try:
                np.broadcast_shapes(_shape(a), _shape(b))
            except ValueError:
                raise ValueError(
                    f"{self.name}: shapes {_shape(a)} and {_shape(b)} do not broadcast together "
                    f"(each dimension must be equal, or 1 in one of them)"
                ) from None
            raise ValueError(f"{self.name}: {e} (shapes {_shape(a)} and {_shape(b)})") from None


class Add(_Binary):
    __slots__ = ()
    reads_inputs = False
    reads_output = False
    ufunc = np.add

    def backward(self, g, y, a, b):
        return g, g


class Subtract(_Binary):
    __slots__ = ()
    reads_inputs = False
    reads_output = False
    ufunc = np.subtract

    def backward(self, g, y, a, b):
        return g, (-g if self.needs_grad[1] else None)


class Multiply(_Binary):
    __slots__ = ()
    reads_output = False
    ufunc = np.multiply

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (g * b if da else None), (g * a if db else None)


class Divide(_Binary):
    __slots__ = ()
    ufunc = np.true_divide

    def backward(self, g, y, a, b):
        ga = g / b
        return (ga if self.needs_grad[0] else None), (-ga * y if self.needs_grad[1] else None)


class Power(_Binary):
    """``a ** b``; the exponent's gradient ``y log a`` is taken as 0 where the base is 0."""

    __slots__ = ()
    ufunc = np.power

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        base, exponent = np.asarray(value(a)), np.asarray(value(b))
        ga = gb = None
        if da:
            e = b - 1
            if (exponent == 0).any():  # at 0 ** 0, b * a ** (b - 1) is 0 * inf; any finite
                e = where((base == 0) & (exponent == 0), 1.0, e)  # power there gives the limit
            ga = g * b * a**e  # (a scalar exponent keeps numpy's fast path for x ** 2)
        if db:  # as PyTorch: 0 where the base is 0 and the exponent >= 0
            gb = g * y * log(where((base == 0) & (exponent >= 0), 1.0, a))
        return ga, gb


class Negative(Op):
    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def forward(self, x):
        return np.negative(x)

    def backward(self, g, y, x):
        return -g


class Exp(Op):
    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        return np.exp(x)

    def backward(self, g, y, x):
        return g * y


class Log(Op):
    """Natural log; as numpy: log(0) = -inf, log(<0) = nan (with numpy's warning)."""

    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.log(x)

    def backward(self, g, y, x):
        return g / x


class Sqrt(Op):
    """Square root; as numpy: sqrt(0) = 0 with an infinite gradient there."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        return np.sqrt(x)

    def backward(self, g, y, x):
        return g / (y * 2)


class Abs(Op):
    """Absolute value; abs'(0) = 0 (the subgradient PyTorch uses)."""

    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.abs(x)

    def backward(self, g, y, x):
        return g * sign(x)


class Sin(Op):
    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.sin(x)

    def backward(self, g, y, x):
        return g * cos(x)


class Cos(Op):
    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.cos(x)

    def backward(self, g, y, x):
        return -g * sin(x)


class Tanh(Op):
    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        return np.tanh(x)

    def backward(self, g, y, x):
        return g * (1 - y * y)


class Sigmoid(Op):
    """Logistic sigmoid ``n / (1 + e)`` with ``e = exp(-|x|)`` (never overflows) and ``n`` 1 for
    x >= 0, ``e`` below (``e^x / (1 + e^x)``): finite and within 2 ulps for any x."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        e = np.exp(-np.abs(x))
        return np.maximum(e, x >= 0) / (1 + e)  # (ufuncs only: np.where costs ~1 us more)

    def backward(self, g, y, x):
        return g * y * (1 - y)


class Relu(Op):
    """max(x, 0); relu'(0) = 0, as PyTorch."""

    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g, y, x):
        return g * (x > 0)


class LeakyRelu(Op):
    __slots__ = ("negative_slope",)
    name = "leaky_relu"
    reads_output = False

    def __init__(self, negative_slope: float = 0.01) -> None:
        if isinstance(negative_slope, bool) or not isinstance(
            negative_slope, (int, float, np.number)
        ):
            raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        return np.where(x > 0, x, x * self.negative_slope)

    def backward(self, g, y, x):
        return where(x > 0, g, g * self.negative_slope)


class _Extremum(_Binary):
    """maximum/minimum: where the inputs tie, each gets half the gradient (as PyTorch)."""

    __slots__ = ()

    @staticmethod
    def wins(a: Any, b: Any) -> Any:
        raise NotImplementedError

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        ga = g * self.wins(a, b) + (g * 0.5) * (a == b)  # (bool factors keep g's dtype)
        return (ga if da else None), (g - ga if db else None)


class Maximum(_Extremum):
    __slots__ = ()
    ufunc = np.maximum

    @staticmethod
    def wins(a, b):
        return a > b


class Minimum(_Extremum):
    __slots__ = ()
    ufunc = np.minimum

    @staticmethod
    def wins(a, b):
        return a < b


class Fmax(_Extremum):
    """maximum that ignores a NaN operand (numpy's fmax); ties share the gradient."""

    __slots__ = ()
    ufunc = np.fmax

    @staticmethod
    def wins(a, b):
        return (a > b) | (b != b)  # (b != b: b is NaN, so a is the result)


class Fmin(_Extremum):
    """minimum that ignores a NaN operand (numpy's fmin); ties share the gradient."""

    __slots__ = ()
    ufunc = np.fmin

    @staticmethod
    def wins(a, b):
        return (a < b) | (b != b)


def _bound(value_: Any, name: str) -> Any:
    """A bound of clip: None, a number, or a constant array (a private copy)."""
    if value_ is None or isinstance(value_, (int, float, np.number)):
        return value_
    if isinstance(value_, Tensor) and value_.requires_grad:
        raise TypeError(
            f"clip: {name} is a tensor that requires grad; clip's bounds are constants "
            f"(for bounds with gradients use ag.maximum(ag.minimum(x, hi), lo))"
        )
    bound = np.array(value(value_))
    if bound.dtype.kind not in "biuf":
        raise TypeError(
            f"clip: {name} must be a number or a numeric array, got dtype {bound.dtype}"
        )
    return bound


class Clip(Op):
    """Clip to [min, max]; the gradient passes where min <= x <= max (bounds included)."""

    __slots__ = ("min", "max")
    reads_output = False

    def __init__(self, min: Any, max: Any) -> None:
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        self.min = _bound(min, "min")
        self.max = _bound(max, "max")

    def forward(self, x):
        try:
            return np.clip(x, self.min, self.max)
        except ValueError:
            raise ValueError(
                f"clip: bounds of shapes {np.shape(self.min)} and {np.shape(self.max)} do not "
                f"broadcast to the input's shape {np.shape(x)}"
            ) from None

    def backward(self, g, y, x):
        lo, hi = self.min, self.max
        inside = (x >= lo) if hi is None else (x <= hi) if lo is None else (x >= lo) & (x <= hi)
        return g * inside


class Where(Op):
    """Pick from ``a`` where ``condition`` holds, else from ``b`` (the condition is constant)."""

    __slots__ = ("_condition",)
    reads_inputs = False
    reads_output = False

    def __init__(self, condition: Any) -> None:
        cond = np.array(value(condition))  # a copy: later changes must not move the gradient
        if cond.dtype != np.bool_:
            raise TypeError(f"where: condition must be boolean, got dtype {cond.dtype}")
        self._condition = cond

    def forward(self, a, b):
        try:
            return np.where(self._condition, a, b)
        except ValueError:
            raise ValueError(
                f"where: shapes {self._condition.shape} (condition), {_shape(a)} and "
                f"{_shape(b)} do not broadcast together"
            ) from None

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        zero = np.zeros((), dtype=value(g).dtype)
        return (
            where(self._condition, g, zero) if da else None,
            where(self._condition, zero, g) if db else None,
        )


class _Unary(Op):
    """One-input op on a numpy ufunc."""

    __slots__ = ()
    ufunc: Any = None

    def forward(self, x):
        return self.ufunc(x)


class Tan(_Unary):
    __slots__ = ()
    reads_inputs = False
    ufunc = np.tan

    def backward(self, g, y, x):
        return g * (1 + y * y)


class Sinh(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.sinh

    def backward(self, g, y, x):
        return g * cosh(x)


class Cosh(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.cosh

    def backward(self, g, y, x):
        return g * sinh(x)


class Arcsin(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arcsin

    def backward(self, g, y, x):
        return g / sqrt(1 - x * x)


class Arccos(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arccos

    def backward(self, g, y, x):
        return -g / sqrt(1 - x * x)


class Arctan(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arctan

    def backward(self, g, y, x):
        return g / (1 + x * x)


class Arcsinh(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arcsinh

    def backward(self, g, y, x):
        return g / sqrt(x * x + 1)


class Arccosh(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arccosh

    def backward(self, g, y, x):
        return g / sqrt((x - 1) * (x + 1))  # (x - 1)(x + 1): no cancellation near 1, as x*x - 1


class Arctanh(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.arctanh

    def backward(self, g, y, x):
        return g / (1 - x * x)


class Log2(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.log2

    def backward(self, g, y, x):
        return g / (x * _LN2)


class Log10(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.log10

    def backward(self, g, y, x):
        return g / (x * _LN10)


class Log1p(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.log1p

    def backward(self, g, y, x):
        return g / (1 + x)


class Expm1(_Unary):
    __slots__ = ()
    reads_inputs = False
    ufunc = np.expm1

    def backward(self, g, y, x):
        return g * (y + 1)


class Exp2(_Unary):
    __slots__ = ()
    reads_inputs = False
    ufunc = np.exp2

    def backward(self, g, y, x):
        return g * y * _LN2


class Square(_Unary):
    __slots__ = ()
    reads_output = False
    ufunc = np.square

    def backward(self, g, y, x):
        return g * (x * 2)


class Reciprocal(_Unary):
    __slots__ = ()
    reads_inputs = False
    ufunc = np.reciprocal

    def backward(self, g, y, x):
        return -g * (y * y)


class Deg2rad(_Unary):
    __slots__ = ()
    reads_inputs = False
    reads_output = False
    ufunc = np.deg2rad

    def backward(self, g, y, x):
        return g * (np.pi / 180)


class Rad2deg(_Unary):
    __slots__ = ()
    reads_inputs = False
    reads_output = False
    ufunc = np.rad2deg

    def backward(self, g, y, x):
        return g * (180 / np.pi)


class Sinc(_Unary):
    """numpy's normalized sinc, sin(pi x) / (pi x), with sinc(0) = 1 and sinc'(0) = 0."""

    __slots__ = ()
    reads_output = False
    ufunc = staticmethod(np.sinc)  # (a Python function, not a ufunc)

    def backward(self, g, y, x):
        return g * _sinc_slope(x)


def _sinc_slope(x: Any) -> Any:
    """sinc'(x) = (cos(pi x) - sinc(x)) / x. That quotient loses its digits near 0 (and is 0/0
    there); below |x| = 0.03 its Taylor series takes over (1e-13 relative error either side),
    which also gives the right higher derivatives at 0."""
    near0 = abs(x) < 0.03
    safe = where(near0, 1.0, x)  # (the unused branch must stay finite: 0 * nan is nan)
    u = x * x * np.pi**2
    # -(pi^2 x / 3)(1 - u/10 + u^2/280 - u^3/15120), u = (pi x)^2; (0 - x: +0, not -0, at 0)
    series = (0 - x) * (np.pi**2 / 3) * (1 - u / 10 * (1 - u / 28 * (1 - u / 54)))
    return where(near0, series, (cos(safe * np.pi) - sinc(safe)) / safe)


class NanToNum(_Unary):
    """NaN and infinities replaced by finite numbers; the gradient passes where x is finite."""

    __slots__ = ("nan", "posinf", "neginf")
    name = "nan_to_num"
    reads_output = False

    def __init__(self, nan: float, posinf: float | None, neginf: float | None) -> None:
        for what, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
            if v is None and what != "nan":
                continue  # numpy's default: the dtype's largest (or smallest) finite number
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
                raise TypeError(f"nan_to_num: {what} must be a number, got {v!r}")
        self.nan, self.posinf, self.neginf = nan, posinf, neginf

    def forward(self, x):
        return np.nan_to_num(x, nan=self.nan, posinf=self.posinf, neginf=self.neginf)

    def backward(self, g, y, x):
        return where(abs(x) < np.inf, g, 0.0)  # (NaN < inf is False too)


class _Piecewise(_Unary):
    """A piecewise constant function (floor, sign, ...): its gradient is zero, and its result
    still requires grad, as PyTorch's does."""

    __slots__ = ()
    reads_inputs = False
    reads_output = False

    def backward(self, g, y, x):
        return _zero(g)


def _zero(g: Any) -> Any:
    """Zeros shaped like ``g`` (not ``g * 0``: an infinite upstream gradient would give NaN)."""
    return where(False, g, 0.0)


class Floor(_Piecewise):
    __slots__ = ()
    ufunc = np.floor


class Ceil(_Piecewise):
    __slots__ = ()
    ufunc = np.ceil


class Trunc(_Piecewise):
    __slots__ = ()
    ufunc = np.trunc


class Rint(_Piecewise):
    __slots__ = ()
    ufunc = np.rint


class Sign(_Piecewise):
    __slots__ = ()
    ufunc = np.sign


class Round(_Piecewise):
    __slots__ = ("decimals",)

    def __init__(self, decimals: int = 0) -> None:
        if isinstance(decimals, bool) or not isinstance(decimals, (int, np.integer)):
            raise TypeError(f"round: decimals must be an int, got {decimals!r}")
        self.decimals = int(decimals)

    def forward(self, x):
        return np.round(x, self.decimals)


class FloorDivide(_Binary):
    """``a // b``: piecewise constant, so a zero gradient for both inputs."""

    __slots__ = ()
    name = "floor_divide"
    reads_inputs = False
    reads_output = False
    ufunc = np.floor_divide

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (_zero(g) if da else None), (_zero(g) if db else None)


class Remainder(_Binary):
    """``a % b`` with the sign of ``b`` (numpy's mod, Python's %): a - floor(a / b) * b."""

    __slots__ = ()
    reads_output = False
    ufunc = np.remainder

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (g if da else None), (-g * floor_divide(a, b) if db else None)


class Fmod(_Binary):
    """C's fmod, with the sign of ``a``: a - trunc(a / b) * b."""

    __slots__ = ()
    reads_output = False
    ufunc = np.fmod

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (g if da else None), (-g * trunc(a / b) if db else None)


class Hypot(_Binary):
    """sqrt(a**2 + b**2) without overflow; the gradient at (0, 0) is 0, as a norm's is."""

    __slots__ = ()
    ufunc = np.hypot

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        scale = g / where(y == 0, 1.0, y)  # (at y = 0 also a = b = 0: a zero gradient)
        return (scale * a if da else None), (scale * b if db else None)


class Arctan2(_Binary):
    """The angle of the point (b, a): arctan(a / b) in the right quadrant; 0 gradient at (0, 0)."""

    __slots__ = ()
    reads_output = False
    ufunc = np.arctan2

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        r2 = a * a + b * b
        scale = g / where(r2 == 0, 1.0, r2)
        return (scale * b if da else None), (-scale * a if db else None)


class Logaddexp(_Binary):
    """log(exp(a) + exp(b)), without overflow."""

    __slots__ = ()
    ufunc = np.logaddexp

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (g * exp(a - y) if da else None), (g * exp(b - y) if db else None)


class Logaddexp2(_Binary):
    """log2(2**a + 2**b), without overflow."""

    __slots__ = ()
    ufunc = np.logaddexp2

    def backward(self, g, y, a, b):
        da, db = self.needs_grad
        return (g * exp2(a - y) if da else None), (g * exp2(b - y) if db else None)


_LN2, _LN10 = float(np.log(2.0)), float(np.log(10.0))


# ---------------------------------------------------------------- functions (numpy names)


@declare(numpy=np.add)
def add(a: Any, b: Any) -> Any:
    """Elementwise ``a + b`` with broadcasting."""
    return apply_binary(Add(), a, b)


@declare(numpy=np.subtract)
def subtract(a: Any, b: Any) -> Any:
    """Elementwise ``a - b`` with broadcasting."""
    return apply_binary(Subtract(), a, b)


@declare(numpy=np.multiply)
def multiply(a: Any, b: Any) -> Any:
    """Elementwise ``a * b`` with broadcasting."""
    return apply_binary(Multiply(), a, b)


@declare(numpy=np.true_divide)
def divide(a: Any, b: Any) -> Any:
    """Elementwise ``a / b`` with broadcasting."""
    return apply_binary(Divide(), a, b)


@declare(numpy=np.power)
def power(a: Any, b: Any) -> Any:
    """Elementwise ``a ** b``; both may be tensors."""
    return apply_binary(Power(), a, b)


@declare(numpy=np.negative)
def negative(x: Any) -> Any:
    return apply_unary(Negative(), x)


@declare(method=True, numpy=np.exp)
def exp(x: Any) -> Any:
    return apply_unary(Exp(), x)


@declare(method=True, numpy=np.log)
def log(x: Any) -> Any:
    """Natural logarithm. At 0 it gives -inf and an infinite gradient, as numpy does."""
    return apply_unary(Log(), x)


@declare(method=True, numpy=np.sqrt)
def sqrt(x: Any) -> Any:
    """Square root. At 0 it gives 0 and an infinite gradient, as numpy does."""
    return apply_unary(Sqrt(), x)


@declare(method=True, numpy=np.absolute)
def abs(x: Any) -> Any:  # noqa: A001 - numpy's name
    """Absolute value; the gradient at 0 is 0."""
    return apply_unary(Abs(), x)


@declare(method=True, numpy=np.sin)
def sin(x: Any) -> Any:
    return apply_unary(Sin(), x)


@declare(method=True, numpy=np.cos)
def cos(x: Any) -> Any:
    return apply_unary(Cos(), x)


@declare(method=True, numpy=np.tanh)
def tanh(x: Any) -> Any:
    return apply_unary(Tanh(), x)


@declare(method=True)
def sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x)), finite with finite gradients for any x."""
    return apply_unary(Sigmoid(), x)


@declare(method=True)
def relu(x: Any) -> Any:
    """max(x, 0); the gradient at 0 is 0."""
    return apply_unary(Relu(), x)


@declare
def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """x where x > 0, else negative_slope * x; the gradient at 0 is negative_slope (as PyTorch)."""
    return apply_unary(LeakyRelu(negative_slope), x)


@declare(numpy=np.maximum)
def maximum(a: Any, b: Any) -> Any:
    """Elementwise maximum; tied elements share the gradient equally."""
    return apply_binary(Maximum(), a, b)


@declare(numpy=np.minimum)
def minimum(a: Any, b: Any) -> Any:
    """Elementwise minimum; tied elements share the gradient equally."""
    return apply_binary(Minimum(), a, b)


@declare(method=True, numpy=np.clip)
def clip(
    a: ArrayLike,
    a_min: ArrayLike | None = None,
    a_max: ArrayLike | None = None,
    *,
    min: ArrayLike | None = None,  # noqa: A002 - numpy 2's and PyTorch's names
    max: ArrayLike | None = None,  # noqa: A002
) -> Any:
    """Clip values to [min, max] (numpy's ``clip``, PyTorch's ``clamp``).

    The bounds are numbers or constant arrays, given as ``a_min``/``a_max`` or ``min``/``max``;
    one of them may be None. The gradient is 1 inside, bounds included, and 0 outside (as
    PyTorch's clamp).

    >>> import autograd_lite as ag
    >>> x = ag.tensor([-2.0, 0.5, 3.0], requires_grad=True)
    >>> ag.clip(x, -1, 1).sum().backward()
    >>> x.grad
    tensor([0., 1., 0.], dtype=float32)
    """
    lo = pick(
        "clip", "a_min", UNSET if a_min is None else a_min, "min", UNSET if min is None else min
    )
    hi = pick(
        "clip", "a_max", UNSET if a_max is None else a_max, "max", UNSET if max is None else max
    )
    return apply_unary(Clip(None if lo is UNSET else lo, None if hi is UNSET else hi), a)


clamp = declare(name="clamp", method=True)(clip)  # PyTorch's name: clamp(x, min, max)


@declare(numpy=np.where)
def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` is true, else ``b`` (numpy's three-argument where)."""
    return apply_binary(Where(condition), a, b)


true_divide = declare(name="true_divide", method=True)(divide)
absolute = declare(name="absolute", method=True)(abs)


@declare(method=True, numpy=np.tan)
def tan(x: ArrayLike) -> Any:
    """Tangent, elementwise."""
    return apply_unary(Tan(), x)


@declare(method=True, numpy=np.sinh)
def sinh(x: ArrayLike) -> Any:
    """Hyperbolic sine, elementwise."""
    return apply_unary(Sinh(), x)


@declare(method=True, numpy=np.cosh)
def cosh(x: ArrayLike) -> Any:
    """Hyperbolic cosine, elementwise."""
    return apply_unary(Cosh(), x)


@declare(method=True, numpy=np.arcsin)
def arcsin(x: ArrayLike) -> Any:
    """Inverse sine; at |x| = 1 the gradient is infinite, as numpy's derivative and PyTorch's."""
    return apply_unary(Arcsin(), x)


@declare(method=True, numpy=np.arccos)
def arccos(x: ArrayLike) -> Any:
    """Inverse cosine; at |x| = 1 the gradient is infinite."""
    return apply_unary(Arccos(), x)


@declare(method=True, numpy=np.arctan)
def arctan(x: ArrayLike) -> Any:
    """Inverse tangent, elementwise."""
    return apply_unary(Arctan(), x)


@declare(method=True, numpy=np.arcsinh)
def arcsinh(x: ArrayLike) -> Any:
    """Inverse hyperbolic sine, elementwise."""
    return apply_unary(Arcsinh(), x)


@declare(method=True, numpy=np.arccosh)
def arccosh(x: ArrayLike) -> Any:
    """Inverse hyperbolic cosine (x >= 1); the gradient at 1 is infinite."""
    return apply_unary(Arccosh(), x)


@declare(method=True, numpy=np.arctanh)
def arctanh(x: ArrayLike) -> Any:
    """Inverse hyperbolic tangent (|x| < 1)."""
    return apply_unary(Arctanh(), x)


@declare(method=True, numpy=np.log2)
def log2(x: ArrayLike) -> Any:
    """Base-2 logarithm; log2(0) = -inf, as numpy."""
    return apply_unary(Log2(), x)


@declare(method=True, numpy=np.log10)
def log10(x: ArrayLike) -> Any:
    """Base-10 logarithm; log10(0) = -inf, as numpy."""
    return apply_unary(Log10(), x)


@declare(method=True, numpy=np.log1p)
def log1p(x: ArrayLike) -> Any:
    """log(1 + x), accurate for small x."""
    return apply_unary(Log1p(), x)


@declare(method=True, numpy=np.expm1)
def expm1(x: ArrayLike) -> Any:
    """exp(x) - 1, accurate for small x."""
    return apply_unary(Expm1(), x)


@declare(method=True, numpy=np.exp2)
def exp2(x: ArrayLike) -> Any:
    """2 ** x, elementwise."""
    return apply_unary(Exp2(), x)


@declare(method=True, numpy=np.square)
def square(x: ArrayLike) -> Any:
    """x * x, elementwise."""
    return apply_unary(Square(), x)


@declare(method=True, numpy=np.reciprocal)
def reciprocal(x: ArrayLike) -> Any:
    """1 / x, elementwise (integer division for integer arrays, as numpy)."""
    return apply_unary(Reciprocal(), x)


@declare(method=True, numpy=(np.deg2rad, np.radians))
def deg2rad(x: ArrayLike) -> Any:
    """Degrees to radians (numpy's ``radians``)."""
    return apply_unary(Deg2rad(), x)


@declare(method=True, numpy=(np.rad2deg, np.degrees))
def rad2deg(x: ArrayLike) -> Any:
    """Radians to degrees (numpy's ``degrees``)."""
    return apply_unary(Rad2deg(), x)


radians = declare(name="radians")(deg2rad)
degrees = declare(name="degrees")(rad2deg)


@declare(method=True, numpy=np.sinc)
def sinc(x: ArrayLike) -> Any:
    """numpy's normalized sinc, sin(pi x) / (pi x): 1 at 0, where its gradient is 0.

    >>> import autograd_lite as ag
    >>> x = ag.tensor([0.0, 0.5], requires_grad=True)
    >>> ag.sinc(x).sum().backward()
    >>> x.grad.round(4)
    tensor([ 0.    , -1.2732], dtype=float32)
    """
    return apply_unary(Sinc(), x)


@declare(numpy=np.nan_to_num)
def nan_to_num(
    x: ArrayLike,
    copy: bool = True,
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
) -> Any:
    """NaN replaced by ``nan``, +-inf by ``posinf``/``neginf`` (default: the dtype's largest
    finite numbers), as numpy. The gradient passes where x is finite and is 0 elsewhere (as
    PyTorch). Always a new result: ``copy=False`` (numpy's in-place form) is refused.

    The method ``x.nan_to_num(nan=0.0, posinf=None, neginf=None)`` takes PyTorch's order.
    """
    if copy is not True:
        raise ValueError(
            "nan_to_num: copy=False (numpy's in-place form) is not supported; ops never write "
            "into their inputs"
        )
    return apply_unary(NanToNum(nan, posinf, neginf), x)


@declare(method=True, numpy=np.floor)
def floor(x: ArrayLike) -> Any:
    """Largest integer <= x, elementwise; a zero gradient (the result still requires grad)."""
    return apply_unary(Floor(), x)


@declare(method=True, numpy=np.ceil)
def ceil(x: ArrayLike) -> Any:
    """Smallest integer >= x, elementwise; a zero gradient."""
    return apply_unary(Ceil(), x)


@declare(method=True, numpy=np.trunc)
def trunc(x: ArrayLike) -> Any:
    """x rounded towards 0, elementwise; a zero gradient."""
    return apply_unary(Trunc(), x)


@declare(numpy=np.rint)
def rint(x: ArrayLike) -> Any:
    """x rounded to the nearest integer (halves to even), elementwise; a zero gradient."""
    return apply_unary(Rint(), x)


@declare(method=True, numpy=(np.round, np.around))
def round(x: ArrayLike, decimals: int = 0) -> Any:  # noqa: A001 - numpy's name
    """x rounded to ``decimals`` decimals (halves to even, as numpy and PyTorch); a zero gradient.

    >>> import autograd_lite as ag
    >>> ag.round(ag.tensor([0.5, 1.5, 2.25])), ag.round(ag.tensor([1.25, 3.14159]), 1)
    (tensor([0., 2., 2.], dtype=float32), tensor([1.2, 3.1], dtype=float32))
    """
    return apply_unary(Round(decimals), x)


around = declare(name="around")(round)


@declare(method=True, numpy=np.sign)
def sign(x: ArrayLike) -> Any:
    """-1, 0 or 1 by the sign of x (NaN stays NaN); a zero gradient, also at 0 (as PyTorch)."""
    return apply_unary(Sign(), x)


@declare(method=True, numpy=np.floor_divide)
def floor_divide(a: ArrayLike, b: ArrayLike) -> Any:
    """``a // b``, elementwise, as numpy; a zero gradient for both (a piecewise constant)."""
    return apply_binary(FloorDivide(), a, b)


@declare(method=True, numpy=np.remainder)
def remainder(a: ArrayLike, b: ArrayLike) -> Any:
    """``a % b`` with the sign of ``b`` (numpy's ``mod``, Python's and PyTorch's ``%``).

    Gradients as PyTorch's: 1 for ``a``, ``-floor(a / b)`` for ``b`` (also at the jumps).

    >>> import autograd_lite as ag
    >>> ag.remainder(ag.tensor([-3.0, 5.0]), 2.0)
    tensor([1., 1.], dtype=float32)
    """
    return apply_binary(Remainder(), a, b)


mod = declare(name="mod")(remainder)


@declare(method=True, numpy=np.fmod)
def fmod(a: ArrayLike, b: ArrayLike) -> Any:
    """C's ``fmod``: the remainder with the sign of ``a``. Gradients as PyTorch's: 1 for ``a``,
    ``-trunc(a / b)`` for ``b``.

    >>> import autograd_lite as ag
    >>> ag.fmod(ag.tensor([-3.0, 5.0]), 2.0)
    tensor([-1.,  1.], dtype=float32)
    """
    return apply_binary(Fmod(), a, b)


@declare(method=True, numpy=np.hypot)
def hypot(a: ArrayLike, b: ArrayLike) -> Any:
    """sqrt(a**2 + b**2), elementwise and without overflow. The gradient at (0, 0) is 0 (the
    subgradient of a norm, as ``abs``; PyTorch's hypot gives NaN there)."""
    return apply_binary(Hypot(), a, b)


@declare(method=True, numpy=np.arctan2)
def arctan2(a: ArrayLike, b: ArrayLike) -> Any:
    """The angle of the point (b, a) in (-pi, pi]; the gradient at (0, 0) is 0, as PyTorch's."""
    return apply_binary(Arctan2(), a, b)


@declare(method=True, numpy=np.logaddexp)
def logaddexp(a: ArrayLike, b: ArrayLike) -> Any:
    """log(exp(a) + exp(b)), elementwise and without overflow."""
    return apply_binary(Logaddexp(), a, b)


@declare(method=True, numpy=np.logaddexp2)
def logaddexp2(a: ArrayLike, b: ArrayLike) -> Any:
    """log2(2**a + 2**b), elementwise and without overflow."""
    return apply_binary(Logaddexp2(), a, b)


@declare(method=True, numpy=np.fmax)
def fmax(a: ArrayLike, b: ArrayLike) -> Any:
    """Elementwise maximum that ignores NaN (numpy's ``fmax``): where one input is NaN the other
    is the result and gets the gradient. Ties share the gradient equally, as ``maximum``'s
    (PyTorch's fmax gives all of it to ``a``)."""
    return apply_binary(Fmax(), a, b)


@declare(method=True, numpy=np.fmin)
def fmin(a: ArrayLike, b: ArrayLike) -> Any:
    """Elementwise minimum that ignores NaN (numpy's ``fmin``); ties share the gradient."""
    return apply_binary(Fmin(), a, b)
