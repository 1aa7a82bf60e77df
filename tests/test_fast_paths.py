"""The faster forms of two hot ops keep their values: sigmoid (one exp of -|x|, ufuncs only) and
linear of a batch of sequences (one 2-D product of all rows)."""

from __future__ import annotations

import decimal
import warnings

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn import functional as F

CTX = decimal.Context(prec=50, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def sigmoid_reference(v: float) -> float:
    """sigmoid(v) in 50 digits, rounded once."""
    d = decimal.Decimal(float(v))
    e = (-abs(d)).exp(CTX)
    s = CTX.divide(1, 1 + e)
    return float(s if d >= 0 else e * s)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_is_within_4_ulps_of_a_50_digit_reference_for_any_input(dtype):
    # The old forward, exp(-logaddexp(0, -x)), was 17 ulps off in float64 near x = -33.6 and
    # 7 ulps in float32 near x = -10.4 (the error of log1p(exp(-x)) grows with |x|): it fails.
    info = np.finfo(dtype)
    rng = np.random.default_rng(0)
    special = [0.0, -0.0, 1e4, -1e4, info.max, -info.max, info.tiny, -info.tiny, 36.0, -33.6]
    special += [88.7, -88.7, -103.0, -709.0, -745.0, 17.0, -10.414807, -6.254]
    values = np.concatenate([np.linspace(-800, 800, 4001), rng.normal(size=2000) * 10, special])
    with np.errstate(over="ignore"):  # (float16 cannot hold all of them: they become inf)
        x = values.astype(dtype)
    x = x[np.isfinite(x)]
    want = np.array([sigmoid_reference(v) for v in x]).astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warning for any input
        got = ag.sigmoid(ag.tensor(x)).data
    assert got.dtype == dtype
    ulps = np.abs(got.astype(np.float64) - want) / np.spacing(np.abs(want)).astype(np.float64)
    assert ulps.max() <= 4, f"{ulps.max()} ulps at x = {x[ulps.argmax()]}"


def test_sigmoid_of_nan_and_infinities():
    got = ag.sigmoid(np.array([np.nan, np.inf, -np.inf, -0.0], np.float32))
    np.testing.assert_array_equal(got, np.array([np.nan, 1.0, 0.0, 0.5], np.float32))


@pytest.mark.parametrize(
    "shape, out_features", [((32, 10, 32), 32), ((3, 7, 5, 300), 17), ((2, 3, 4), 5)]
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_linear_of_a_batch_of_sequences_is_linear_of_its_rows(shape, out_features, dtype):
    # Exactly the values (forward and every gradient) of the same rows given as one matrix.
    # numpy's stacked product, x @ w.T with a 3-D x, rounds differently for some shapes (the
    # first two here, with OpenBLAS): the old forward fails this.
    rng = np.random.default_rng(1)
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(out_features, shape[-1])).astype(dtype)
    b = rng.normal(size=out_features).astype(dtype)
    g = rng.normal(size=(*shape[:-1], out_features)).astype(dtype)

    def run(xs):
        inputs = [ag.tensor(a, requires_grad=True) for a in (xs, w, b)]
        y = F.linear(*inputs)
        y.backward(g.reshape(y.shape))
        return y.data, *(t.grad.data for t in inputs)

    y, gx, gw, gb = run(x)
    rows = run(x.reshape(-1, shape[-1]))
    np.testing.assert_array_equal(y, rows[0].reshape(y.shape))
    np.testing.assert_array_equal(gx, rows[1].reshape(shape))
    np.testing.assert_array_equal(gw, rows[2])
    np.testing.assert_array_equal(gb, rows[3])
    assert y.dtype == gx.dtype == gw.dtype == dtype
