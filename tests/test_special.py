"""The error function: values against math.erf on a dense grid, special values, dtypes.

Its gradients are checked with every other op through the registry (tests/op_registry.py).
"""

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.ops.special import erf

REFERENCE = np.vectorize(math.erf, otypes=[np.float64])


def test_erf_float64_is_within_4_ulp_of_math_erf_everywhere():
    grid = np.concatenate(
        [
            np.linspace(-30.0, 30.0, 600_001),  # every region and both tails, step 1e-4
            np.linspace(-1e-3, 1e-3, 20_001),
            np.geomspace(1e-300, 1.0, 2_000),  # tiny arguments: erf(x) ~ 2x/sqrt(pi)
            -np.geomspace(1e-300, 1.0, 2_000),
            # the region boundaries of the approximation and their neighbours
            [0.46875, 4.0, 27.0, *np.nextafter([0.46875, 4.0, 27.0], np.inf)],
        ]
    )
    want = REFERENCE(grid)
    got = erf(grid)
    assert got.dtype == np.float64
    ulps = np.abs(got - want) / np.spacing(np.abs(want))
    assert ulps.max() <= 4, f"{ulps.max()} ulp at x = {grid[ulps.argmax()]!r}"
    rel = np.abs(got - want) / np.abs(want).clip(1e-300)
    assert rel.max() < 5e-16
    assert np.array_equal(np.signbit(got), np.signbit(grid))  # odd, -0.0 included


def test_erf_special_values():
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300])
    got = erf(x)
    np.testing.assert_array_equal(got, [0.0, -0.0, 1.0, -1.0, np.nan, 1.0, -1.0])
    assert np.signbit(got[1])


def test_erf_keeps_float32_and_gives_float64_for_integers():
    x = np.linspace(-5, 5, 10_001, dtype=np.float32)
    got = erf(x)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, REFERENCE(x.astype(np.float64)), rtol=0, atol=3e-7)
    ints = erf(np.array([0, 1, -2]))
    assert ints.dtype == np.float64
    np.testing.assert_array_equal(ints, erf(np.array([0.0, 1.0, -2.0])))
    assert erf(np.array(0.5)).shape == ()


def test_erf_backward_is_the_gaussian_and_differentiable():
    x = ag.tensor(np.array([-2.0, 0.0, 0.5, 3.0]), requires_grad=True)
    (dx,) = ag.grad(erf(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(dx.data, 2 / math.sqrt(math.pi) * np.exp(-(x.data**2)), rtol=1e-15)
    (d2x,) = ag.grad(dx.sum(), x)
    np.testing.assert_allclose(d2x.data, -2 * x.data * dx.data, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_erf_tensor_keeps_dtype(dtype):
    x = ag.tensor(np.array([0.25, -1.5], dtype=dtype), requires_grad=True)
    y = erf(x)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype
