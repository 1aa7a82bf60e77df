"""Numerical stability: the softmax family, the fused losses, sigmoid and tanh give finite and
correct values and gradients for logits up to +-1e4 in float32 and float64; log and sqrt at 0
behave as numpy does, and say so.

The references are computed in 50-digit decimal arithmetic from the exact input values, with
the textbook formulas (no max-shift tricks needed), then rounded to float64 once.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag

D = decimal.Decimal
CTX = decimal.Context(prec=50)
BIG = 1e4
DTYPES = [np.float32, np.float64]
# Tolerances: a few ulps of the dtype; absolute slack for entries that underflow to 0.
TOL = {np.float32: dict(rtol=2e-6, atol=1e-6), np.float64: dict(rtol=1e-13, atol=1e-13)}


# --------------------------------------------------------------------------- references


def _rows(x: np.ndarray) -> list[list[decimal.Decimal]]:
    """The rows along the last axis, as exact decimals."""
    return [[D(float(v)) for v in row] for row in x.reshape(-1, x.shape[-1])]


def _exp(d: decimal.Decimal) -> decimal.Decimal:
    return d.exp(CTX)


def _softmax_rows(x: np.ndarray) -> list[list[decimal.Decimal]]:
    out = []
    for row in _rows(x):
        e = [_exp(v) for v in row]
        total = CTX.add(sum(e[1:], D(0)), e[0])
        out.append([CTX.divide(v, total) for v in e])
    return out


def _lse_rows(x: np.ndarray) -> list[decimal.Decimal]:
    return [sum((_exp(v) for v in row), D(0)).ln(CTX) for row in _rows(x)]


def _array(values: Any, shape: tuple[int, ...]) -> np.ndarray:
    return np.array([float(v) for v in np.ravel(np.array(values, dtype=object))]).reshape(shape)


def ref_softmax(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = _softmax_rows(x)
    gr = _rows(g)
    dots = [sum((a * b for a, b in zip(pr, grow)), D(0)) for pr, grow in zip(p, gr)]
    grad = [[pj * (gj - dot) for pj, gj in zip(pr, grow)] for pr, grow, dot in zip(p, gr, dots)]
    return _array(p, x.shape), _array(grad, x.shape)


def ref_log_softmax(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = _softmax_rows(x)
    lse = _lse_rows(x)
    values = [[v - m for v in row] for row, m in zip(_rows(x), lse)]
    grad = [
        [gj - pj * sum(grow, D(0)) for pj, gj in zip(pr, grow)] for pr, grow in zip(p, _rows(g))
    ]
    return _array(values, x.shape), _array(grad, x.shape)


def ref_logsumexp(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = _softmax_rows(x)
    gs = [D(float(v)) for v in g.ravel()]
    grad = [[pj * gi for pj in pr] for pr, gi in zip(p, gs)]
    return _array(_lse_rows(x), x.shape[:-1]), _array(grad, x.shape)


def _elementwise(
    value: Callable[[decimal.Decimal], decimal.Decimal],
    slope: Callable[[decimal.Decimal], decimal.Decimal],
) -> Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    def reference(x: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xs = [D(float(v)) for v in x.ravel()]
        gs = [D(float(v)) for v in g.ravel()]
        return _array([value(v) for v in xs], x.shape), _array(
            [slope(v) * gi for v, gi in zip(xs, gs)], x.shape
        )

    return reference


def _sigmoid(v: decimal.Decimal) -> decimal.Decimal:
    return CTX.divide(D(1), D(1) + _exp(-v))


def _tanh(v: decimal.Decimal) -> decimal.Decimal:
    e2 = _exp(2 * v)
    return CTX.divide(e2 - 1, e2 + 1)


ref_sigmoid = _elementwise(_sigmoid, lambda v: _sigmoid(v) * (1 - _sigmoid(v)))
ref_tanh = _elementwise(_tanh, lambda v: 1 - _tanh(v) ** 2)


def ref_cross_entropy(x: np.ndarray, q: np.ndarray, g: float) -> tuple[float, np.ndarray]:
    """Mean over rows of -sum(q log softmax(x)); q is a (one-hot or soft) target of x's shape."""
    p, lse, qr = _softmax_rows(x), _lse_rows(x), _rows(q)
    n = len(p)
    loss = (
        sum(
            (-sum((qj * (v - m) for qj, v in zip(qrow, row)), D(0)))
            for qrow, row, m in zip(qr, _rows(x), lse)
        )
        / n
    )
    grad = [
        [(pj * sum(qrow, D(0)) - qj) * D(g) / n for pj, qj in zip(pr, qrow)]
        for pr, qrow in zip(p, qr)
    ]
    return float(loss), _array(grad, x.shape)


def ref_bce(x: np.ndarray, t: np.ndarray, pw: float, g: float) -> tuple[float, np.ndarray]:
    """Mean of -(pw t log s + (1 - t) log(1 - s)) with s = sigmoid(x), and its gradient
    ((1 + (pw - 1) t) s - pw t) / n. (-log s = log(1 + exp(-x)), -log(1 - s) = log(1 + exp(x)).)"""
    xs, ts, w = [D(float(v)) for v in x.ravel()], [D(float(v)) for v in t.ravel()], D(pw)
    n = len(xs)
    loss = sum(
        (
            w * tv * (1 + _exp(-v)).ln(CTX) + (1 - tv) * (1 + _exp(v)).ln(CTX)
            for v, tv in zip(xs, ts)
        ),
        D(0),
    )
    grad = [((1 + (w - 1) * tv) * _sigmoid(v) - w * tv) * D(g) / n for v, tv in zip(xs, ts)]
    return float(loss / n), _array(grad, x.shape)


# --------------------------------------------------------------------------- checks

ELEMENTWISE_AND_ROWS = {
    "softmax": (lambda x: ag.softmax(x, axis=-1), ref_softmax),
    "log_softmax": (lambda x: ag.log_softmax(x, axis=-1), ref_log_softmax),
    "logsumexp": (lambda x: ag.logsumexp(x, axis=-1), ref_logsumexp),
    "sigmoid": (ag.sigmoid, ref_sigmoid),
    "tanh": (ag.tanh, ref_tanh),
}

EXTREME_LOGITS = np.array(
    [
        [BIG, -BIG, 0.0, BIG - 1],
        [-BIG, -BIG, -BIG, -BIG + 2],
        [BIG, BIG, BIG, BIG],
        [-BIG, BIG, -BIG, -BIG],
        [0.5, -0.25, 1.0, 0.0],
    ]
)


def assert_close(got: ag.Tensor, expected: np.ndarray, dtype: Any, what: str) -> None:
    assert got.dtype == dtype, f"{what}: dtype {got.dtype}, expected {np.dtype(dtype)}"
    assert np.isfinite(got.data).all(), f"{what}: not finite: {got.data}"
    np.testing.assert_allclose(got.data, expected, **TOL[dtype], err_msg=what)


def check_row_op(name: str, x: np.ndarray, dtype: Any) -> None:
    fn, reference = ELEMENTWISE_AND_ROWS[name]
    xt = ag.tensor(x.astype(dtype), requires_grad=True)
    y = fn(xt)
    g = np.random.default_rng(0).uniform(-2, 2, y.shape).astype(dtype)
    y.backward(g)
    value, grad = reference(xt.data, g)
    assert_close(y, value, dtype, f"{name} value")
    assert_close(xt.grad, grad, dtype, f"{name} gradient")


def logits(dtype: Any) -> st.SearchStrategy[np.ndarray]:
    width = np.finfo(dtype).bits
    values = st.floats(-BIG, BIG, width=width, allow_subnormal=False)
    shape = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4)
    return hnp.arrays(dtype, shape, elements=values)


@pytest.mark.parametrize("name", list(ELEMENTWISE_AND_ROWS))
@given(x32=logits(np.float32), x64=logits(np.float64))
@example(x32=EXTREME_LOGITS.astype(np.float32), x64=EXTREME_LOGITS)  # always run first
def test_logits_up_to_1e4_give_finite_correct_values_and_gradients(name, x32, x64):
    check_row_op(name, x32, np.float32)
    check_row_op(name, x64, np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
def test_logsumexp_over_all_axes_of_extreme_logits(dtype):
    x = ag.tensor(EXTREME_LOGITS.astype(dtype), requires_grad=True)
    y = ag.logsumexp(x)
    y.backward()
    flat = x.data.reshape(1, -1)
    value, grad = ref_logsumexp(flat, np.ones(1))
    assert_close(y, value.reshape(()), dtype, "logsumexp value")
    assert_close(x.grad, grad.reshape(x.shape), dtype, "logsumexp gradient")


def check_cross_entropy(x: np.ndarray, target: np.ndarray, dtype: Any) -> None:
    xt = ag.tensor(x.astype(dtype), requires_grad=True)
    loss = ag.softmax_cross_entropy(xt, target)
    loss.backward(np.asarray(0.75, dtype))
    q = np.eye(x.shape[-1])[target] if target.dtype.kind == "i" else target
    value, grad = ref_cross_entropy(xt.data, q, 0.75)
    assert_close(loss, np.asarray(value), dtype, "cross-entropy value")
    assert_close(xt.grad, grad, dtype, "cross-entropy gradient")


def check_bce(x: np.ndarray, target: np.ndarray, dtype: Any, pos_weight: float = 1.0) -> None:
    xt = ag.tensor(x.astype(dtype), requires_grad=True)
    pw = None if pos_weight == 1.0 else pos_weight
    loss = ag.sigmoid_binary_cross_entropy(xt, target.astype(dtype), pos_weight=pw)
    loss.backward(np.asarray(0.75, dtype))
    value, grad = ref_bce(xt.data, target.astype(dtype), pos_weight, 0.75)
    assert_close(loss, np.asarray(value), dtype, "binary cross-entropy value")
    assert_close(xt.grad, grad, dtype, "binary cross-entropy gradient")


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_of_extreme_logits_against_every_label_and_soft_targets(dtype):
    n, c = EXTREME_LOGITS.shape
    for shift in range(c):  # the label at the largest, the smallest and the middle logits
        check_cross_entropy(EXTREME_LOGITS, (np.arange(n) + shift) % c, dtype)
    soft = np.random.default_rng(1).uniform(0.0, 1.0, (n, c))
    check_cross_entropy(EXTREME_LOGITS, soft / soft.sum(axis=1, keepdims=True), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_cross_entropy_on_random_logits_up_to_1e4(dtype, data):
    x = data.draw(logits(dtype), label="logits")
    labels = hnp.arrays(np.int64, x.shape[:-1], elements=st.integers(0, x.shape[-1] - 1))
    check_cross_entropy(x, data.draw(labels, label="labels"), dtype)


@pytest.mark.parametrize("pos_weight", [1.0, 3.0])
@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_of_extreme_logits_against_hard_and_soft_targets(dtype, pos_weight):
    for target in (np.zeros_like(EXTREME_LOGITS), np.ones_like(EXTREME_LOGITS)):
        check_bce(EXTREME_LOGITS, target, dtype, pos_weight)
    soft = np.random.default_rng(2).uniform(0.0, 1.0, EXTREME_LOGITS.shape)
    check_bce(EXTREME_LOGITS, soft, dtype, pos_weight)


@pytest.mark.parametrize(
    "x, t, pos_weight",
    [(4129.0938, 0.9921875, 1.0), (9999.123, 1 - 2**-10, 1.0), (-9999.123, 2**-10, 3.0)],
    ids=["found by hypothesis", "1e4", "-1e4 with pos_weight"],
)
def test_bce_does_not_cancel_for_large_logits_and_targets_near_0_or_1(x, t, pos_weight):
    check_bce(np.array([x]), np.array([t]), np.float32, pos_weight)
    check_bce(np.array([x + 1e-9]), np.array([t]), np.float64, pos_weight)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_bce_on_random_logits_up_to_1e4(dtype, data):
    x = data.draw(logits(dtype), label="logits")
    x0 = np.array([9999.123456789, -9999.123456789])
    check_bce(x0, np.array([1 - 2**-20, 2**-20]), dtype, 3.0)  # a case that once cancelled
    targets = hnp.arrays(np.float64, x.shape, elements=st.floats(0, 1))
    pos_weight = data.draw(st.sampled_from([1.0, 0.5, 3.0]), label="pos_weight")
    check_bce(x, data.draw(targets, label="targets"), dtype, pos_weight)


# --------------------------------------------------------------------------- log and sqrt at 0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "name, x, expected_value, expected_grad",
    [
        ("log", 0.0, -np.inf, np.inf),
        ("log", -1.0, np.nan, -1.0),
        ("sqrt", 0.0, 0.0, np.inf),
        ("sqrt", -1.0, np.nan, np.nan),
    ],
)
def test_log_and_sqrt_at_the_edge_of_their_domain_behave_as_numpy(
    name, x, expected_value, expected_grad, dtype
):
    arr = np.array([x, 4.0], dtype=dtype)
    with np.errstate(all="ignore"):
        numpy_value = getattr(np, name)(arr)
        t = ag.tensor(arr, requires_grad=True)
        y = getattr(ag, name)(t)
        y.backward(np.ones(2, dtype))
    np.testing.assert_array_equal(y.data, numpy_value)
    assert y.dtype == dtype and t.grad.dtype == dtype
    np.testing.assert_array_equal(y.data[0], expected_value)
    np.testing.assert_array_equal(t.grad.data[0], expected_grad)
    assert t.grad.data[1] == 0.25  # log'(4) = 1/4 = sqrt'(4): the regular entry is unaffected


@pytest.mark.parametrize("name, x", [("log", 0.0), ("log", -1.0), ("sqrt", -1.0)])
def test_log_and_sqrt_follow_numpys_floating_point_error_settings(name, x):
    arr = np.array([x])
    with np.errstate(all="raise"):
        with pytest.raises(FloatingPointError):
            getattr(np, name)(arr)
        with pytest.raises(FloatingPointError):
            getattr(ag, name)(ag.tensor(arr, requires_grad=True))
    with np.errstate(all="warn"), pytest.warns(RuntimeWarning, match="encountered in"):
        getattr(ag, name)(ag.tensor(arr, requires_grad=True))


@pytest.mark.parametrize(
    "fn, pattern",
    [
        (ag.log, r"\b0\b.*-inf.*infinite gradient.*numpy"),
        (ag.sqrt, r"\b0\b.*gives 0.*infinite gradient.*numpy"),
        (ag.Tensor.log, r"\b0\b.*-inf.*numpy"),
        (ag.Tensor.sqrt, r"\b0\b.*infinite gradient.*numpy"),
    ],
)
def test_log_and_sqrt_docstrings_say_what_happens_at_0(fn, pattern):
    doc = " ".join((fn.__doc__ or "").split())
    assert re.search(pattern, doc), f"{fn.__qualname__} docstring: {doc!r}"
