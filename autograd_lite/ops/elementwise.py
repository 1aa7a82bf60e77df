"""Elementwise ops: arithmetic, math functions and activations.

Every backward is written with operators and these same functions, so it runs on arrays
for ordinary gradients and on Tensors under ``create_graph=True``. Masks at kinks are
computed from :func:`value` (they are locally constant).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Op, apply_binary, apply_unary, value
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
        return g * np.sign(value(x))


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
    """Logistic sigmoid, computed as exp(-log(1 + exp(-x))): finite and accurate for any x."""

    __slots__ = ()
    reads_inputs = False

    def forward(self, x):
        return np.exp(-np.logaddexp(0, -x))

    def backward(self, g, y, x):
        return g * y * (1 - y)


class Relu(Op):
    """max(x, 0); relu'(0) = 0, as PyTorch."""

    __slots__ = ()
    reads_output = False

    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, g, y, x):
        return g * (value(x) > 0)


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
        xv = value(x)
        return g * np.where(xv > 0, 1, self.negative_slope).astype(xv.dtype)


class _Extremum(_Binary):
    """maximum/minimum: where the inputs tie, each gets half the gradient (as PyTorch)."""

    __slots__ = ()
    wins: Any = None

    def backward(self, g, y, a, b):
        av, bv = value(a), value(b)
        share = np.where(self.wins(av, bv), 1.0, np.where(av == bv, 0.5, 0.0)).astype(
            value(y).dtype
        )
        da, db = self.needs_grad
        return (g * share if da else None), (g * (1 - share) if db else None)


class Maximum(_Extremum):
    __slots__ = ()
    ufunc = np.maximum
    wins = np.greater


class Minimum(_Extremum):
    __slots__ = ()
    ufunc = np.minimum
    wins = np.less


class Clip(Op):
    """Clip to [min, max]; the gradient passes where min <= x <= max (bounds included)."""

    __slots__ = ("min", "max")
    reads_output = False

    def __init__(self, min: float | None, max: float | None) -> None:
        if min is None and max is None:
            raise ValueError("clip: give at least one of min and max")
        self.min = min
        self.max = max

    def forward(self, x):
        return np.clip(x, self.min, self.max)

    def backward(self, g, y, x):
        xv = value(x)
        inside = np.ones(xv.shape, dtype=bool)
        if self.min is not None:
            inside &= xv >= self.min
        if self.max is not None:
            inside &= xv <= self.max
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
def clip(x: Any, min: float | None = None, max: float | None = None) -> Any:  # noqa: A002
    """Clip values to [min, max]; the gradient is 1 inside, bounds included, 0 outside."""
    return apply_unary(Clip(min, max), x)


@declare(numpy=np.where)
def where(condition: Any, a: Any, b: Any) -> Any:
    """``a`` where ``condition`` is true, else ``b`` (numpy's three-argument where)."""
    return apply_binary(Where(condition), a, b)
