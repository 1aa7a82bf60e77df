"""The documented conventions where derivatives are not unique, tested exactly.

Property tests keep their inputs away from kinks and ties (finite differences cannot
judge a convention); these deterministic tests check what the docstrings promise there:
relu'(0) = 0, abs'(0) = 0, tied maxima share the gradient equally, clip passes the
gradient at its bounds, 0 ** b has a zero exponent gradient, log and sqrt at 0 behave as
numpy does, repeated indices accumulate, and the softmax family, the fused losses,
sigmoid and tanh stay finite and correct for logits of +-1e4.
"""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn import functional as F


def grads(fn, *values, dtype=np.float64, upstream=None):
    """Gradients of fn at ``values`` (one leaf per value) for an upstream gradient of ones."""
    leaves = [ag.tensor(v, dtype=dtype, requires_grad=True) for v in values]
    out = fn(*leaves)
    v = np.ones(out.shape, dtype=out.dtype) if upstream is None else upstream
    return [g.data for g in ag.grad(out, leaves, v)]


def test_relu_gradient_at_zero_is_zero():
    (g,) = grads(ag.relu, [-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0])


def test_abs_gradient_at_zero_is_zero():
    (g,) = grads(ag.abs, [-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(g, [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("op", [ag.max, ag.min])
def test_tied_extremes_share_the_gradient_equally(op):
    x = [[3.0, 1.0, 3.0, 3.0], [-2.0, -2.0, -2.0, -2.0]]
    sign = 1.0 if op is ag.max else -1.0
    (g,) = grads(lambda t: op(t * sign, axis=1), x)
    np.testing.assert_allclose(g * sign, [[1 / 3, 0, 1 / 3, 1 / 3], [0.25, 0.25, 0.25, 0.25]])
    (g_all,) = grads(lambda t: op(t * sign), [[5.0, 5.0], [1.0, 5.0]])
    np.testing.assert_allclose(g_all * sign, [[1 / 3, 1 / 3], [0.0, 1 / 3]])


def test_tied_extremes_share_the_upstream_gradient_with_keepdims():
    (g,) = grads(lambda t: ag.max(t, axis=0, keepdims=True), [[1.0, 4.0], [1.0, 2.0]],
                 upstream=np.array([[6.0, -2.0]]))  # fmt: skip
    np.testing.assert_allclose(g, [[3.0, -2.0], [3.0, 0.0]])


@pytest.mark.parametrize("op, wins", [(ag.maximum, "a"), (ag.minimum, "b")])
def test_elementwise_ties_share_the_gradient_equally(op, wins):
    ga, gb = grads(op, [1.0, 2.0, 3.0], [1.0, 0.0, 3.0])
    np.testing.assert_array_equal(ga, [0.5, 1.0 if wins == "a" else 0.0, 0.5])
    np.testing.assert_array_equal(gb, [0.5, 0.0 if wins == "a" else 1.0, 0.5])


def test_clip_passes_the_gradient_at_its_bounds():
    x = [-2.0, -1.0, 0.0, 1.0, 2.0]
    (g,) = grads(lambda t: ag.clip(t, -1.0, 1.0), x)
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0, 1.0, 0.0])
    (g_low,) = grads(lambda t: ag.clip(t, min=-1.0), x)
    np.testing.assert_array_equal(g_low, [0.0, 1.0, 1.0, 1.0, 1.0])
    (g_high,) = grads(lambda t: ag.clip(t, max=1.0), x)
    np.testing.assert_array_equal(g_high, [1.0, 1.0, 1.0, 1.0, 0.0])


def test_power_exponent_gradient_is_zero_where_the_base_is_zero():
    ga, gb = grads(ag.power, [0.0, 2.0], [2.0, 3.0])
    np.testing.assert_array_equal(ga, [0.0, 12.0])
    np.testing.assert_allclose(gb, [0.0, 8.0 * np.log(2.0)])


def test_log_and_sqrt_at_zero_behave_as_numpy():
    with np.errstate(divide="ignore"):
        (g_log,) = grads(ag.log, [0.0, 1.0])
        (g_sqrt,) = grads(ag.sqrt, [0.0, 4.0])
        expected_log = np.log([0.0, 1.0])
        log_at_zero = ag.log(ag.tensor([0.0, 1.0])).data
    np.testing.assert_array_equal(log_at_zero, expected_log)
    np.testing.assert_array_equal(ag.sqrt(ag.tensor([0.0, 4.0])).data, [0.0, 2.0])
    np.testing.assert_array_equal(g_log, [np.inf, 1.0])
    np.testing.assert_array_equal(g_sqrt, [np.inf, 0.25])
    for fn in (ag.log, ag.sqrt):
        assert "as numpy" in fn.__doc__


def test_log_of_a_negative_number_is_nan_with_numpys_warning():
    with pytest.warns(RuntimeWarning):
        y = ag.log(ag.tensor([-1.0]))
    assert np.isnan(y.data).all()


def test_repeated_indices_accumulate():
    (g,) = grads(
        lambda t: t[np.array([0, 2, 0, 0])],
        [1.0, 2.0, 3.0],
        upstream=np.array([1.0, 2.0, 3.0, 4.0]),
    )
    np.testing.assert_array_equal(g, [8.0, 0.0, 2.0])


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    x = np.array([[[[1.0, 5.0], [5.0, 5.0]]]])
    (g,) = grads(lambda t: F.max_pool2d(t, 2), x)
    np.testing.assert_array_equal(g, [[[[0.0, 1.0], [0.0, 0.0]]]])


# --------------------------------------------------------------------------- logits of +-1e4

BIG = [[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]]
DTYPES = [np.float32, np.float64]


def atol(dtype):
    """Intermediate results near 1e4 carry this much rounding (about 4e-3 in float32)."""
    return 4 * float(np.spacing(dtype(1e4)))


def finite_value_and_grad(fn, x, dtype, upstream=None):
    leaf = ag.tensor(x, dtype=dtype, requires_grad=True)
    out = fn(leaf)
    v = np.ones(out.shape, dtype=dtype) if upstream is None else upstream.astype(dtype)
    (g,) = ag.grad(out, leaf, v)
    assert out.dtype == dtype and g.dtype == dtype
    assert np.all(np.isfinite(out.data)) and np.all(np.isfinite(g.data))
    return out.data, g.data


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_family_is_stable_for_huge_logits(dtype):
    up = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    y, g = finite_value_and_grad(ag.softmax, BIG, dtype, up)
    np.testing.assert_allclose(y, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-6, atol=atol(dtype))
    np.testing.assert_allclose(g, [[0, 0, 0], [-1 / 3, 0, 1 / 3]], atol=atol(dtype))
    y, g = finite_value_and_grad(ag.log_softmax, BIG, dtype, up)
    np.testing.assert_allclose(y, [[0, -2e4, -1e4], [-np.log(3)] * 3], rtol=1e-6, atol=atol(dtype))
    np.testing.assert_allclose(g, [[-5, 2, 3], [-1, 0, 1]], atol=atol(dtype))
    y, g = finite_value_and_grad(lambda t: ag.logsumexp(t, axis=1), BIG, dtype)
    np.testing.assert_allclose(y, [1e4, -1e4 + np.log(3)], rtol=1e-6, atol=atol(dtype))
    np.testing.assert_allclose(g, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], atol=atol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_losses_are_stable_for_huge_logits(dtype):
    labels = np.array([1, 0])
    loss, g = finite_value_and_grad(lambda t: ag.softmax_cross_entropy(t, labels), BIG, dtype)
    np.testing.assert_allclose(loss, (2e4 + np.log(3)) / 2, rtol=1e-6, atol=atol(dtype))
    np.testing.assert_allclose(
        g, np.array([[1, -1, 0], [-2 / 3, 1 / 3, 1 / 3]]) / 2, atol=atol(dtype)
    )
    t = np.array([1.0, 0.0, 1.0])
    loss, g = finite_value_and_grad(
        lambda x: ag.sigmoid_binary_cross_entropy(x, t, reduction="none"), [1e4, 1e4, -1e4], dtype
    )
    np.testing.assert_allclose(loss, [0.0, 1e4, 1e4], rtol=1e-6, atol=atol(dtype))
    np.testing.assert_allclose(g, [0.0, 1.0, -1.0], atol=atol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op, expected", [(ag.sigmoid, [0.0, 1.0]), (ag.tanh, [-1.0, 1.0])])
def test_saturating_activations_are_stable_for_huge_logits(op, expected, dtype):
    y, g = finite_value_and_grad(op, [-1e4, 1e4], dtype)
    np.testing.assert_array_equal(y, expected)
    np.testing.assert_array_equal(g, [0.0, 0.0])
