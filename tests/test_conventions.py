"""The documented conventions where derivatives are not unique, tested exactly.

Property tests keep their inputs away from kinks and ties (finite differences cannot
judge a convention); these deterministic tests check what the docstrings promise there:
relu'(0) = 0, abs'(0) = 0, tied maxima share the gradient equally, clip passes the
gradient at its bounds, 0 ** b has a zero exponent gradient, log and sqrt at 0 behave as
numpy does, repeated indices accumulate, and the softmax family, the fused losses,
sigmoid and tanh stay finite and correct for logits of +-1e4. Also: piecewise constant ops
(floor, sign, round, //) have zero gradients, remainder/fmod follow PyTorch at their jumps,
hypot/arctan2 are 0 at the origin, fmax/fmin share ties and pass NaN by, sinc is right at 0
to second order, prod and cumprod are exact with zeros, std of equal values has a zero
gradient, and medians, quantiles, max(dim) and sort handle ties as documented.
"""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck


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


# --------------------------------------------------------------------------- issues 12 and 13


def hessian_row(fn, x, i):
    """Row i of the Hessian of the scalar fn at x, through create_graph."""
    leaf = ag.tensor(x, dtype=np.float64, requires_grad=True)
    (g,) = ag.grad(fn(leaf), leaf, create_graph=True)
    (h,) = ag.grad(g.reshape(-1)[i], leaf, allow_unused=True)
    return np.zeros_like(leaf.data) if h is None else h.data


@pytest.mark.parametrize(
    "op", [ag.floor, ag.ceil, ag.trunc, ag.rint, ag.sign, ag.round, lambda t: ag.round(t, 1)]
)
def test_piecewise_constant_ops_have_zero_gradients_and_results_that_require_grad(op):
    x = ag.tensor([-1.5, -0.25, 0.0, 0.5, 1.0, 2.5], requires_grad=True)
    y = op(x)
    assert y.requires_grad  # as PyTorch: the result is part of the graph
    (g,) = ag.grad(y, x, np.full(6, np.inf))  # zeros even for an infinite upstream gradient
    np.testing.assert_array_equal(g.data, np.zeros(6))


def test_floor_divide_has_zero_gradients_and_remainder_fmod_follow_pytorch_at_jumps():
    a, b = [4.0, -3.0, 5.0, 7.5], [2.0, 2.0, -2.0, 2.5]  # 4 / 2 and 7.5 / 2.5: on a jump
    ga, gb = grads(lambda x, y: x // y, a, b)
    np.testing.assert_array_equal(ga, 0.0)
    np.testing.assert_array_equal(gb, 0.0)
    for op, quotient in [
        (ag.remainder, np.floor_divide(a, b)),
        (ag.fmod, np.trunc(np.divide(a, b))),
    ]:
        ga, gb = grads(op, a, b)
        np.testing.assert_array_equal(ga, 1.0)
        np.testing.assert_array_equal(gb, -quotient)
    ga, gb = grads(lambda x, y: x % y, a, b)  # the operator is remainder
    np.testing.assert_array_equal(gb, -np.floor_divide(a, b))
    np.testing.assert_array_equal((ag.tensor([-3.0]) % 2.0).data, [1.0])
    np.testing.assert_array_equal(ag.fmod(ag.tensor([-3.0]), 2.0).data, [-1.0])


@pytest.mark.parametrize("op", [ag.hypot, ag.arctan2])
def test_hypot_and_arctan2_have_zero_gradients_at_the_origin(op):
    ga, gb = grads(op, [0.0, 3.0], [0.0, 4.0])
    assert ga[0] == 0.0 and gb[0] == 0.0
    assert np.isfinite(ga).all() and np.isfinite(gb).all()


@pytest.mark.parametrize("op, wins", [(ag.fmax, "a"), (ag.fmin, "b")])
def test_fmax_fmin_ties_share_and_nan_gives_the_gradient_to_the_other(op, wins):
    nan = np.nan
    ga, gb = grads(op, [1.0, 2.0, nan, 1.0, nan], [1.0, nan, 3.0, 0.0, nan])
    np.testing.assert_array_equal(op(ag.tensor([nan]), ag.tensor([3.0])).data, [3.0])
    np.testing.assert_array_equal(ga[:3], [0.5, 1.0, 0.0])
    np.testing.assert_array_equal(gb[:3], [0.5, 0.0, 1.0])
    assert ga[3] == (1.0 if wins == "a" else 0.0) and ga[3] + gb[3] == 1.0
    assert ga[4] + gb[4] == 1.0  # both NaN: the NaN result's gradient goes to a


def test_sinc_at_zero_value_gradient_and_second_derivative():
    x = np.array([0.0, 1e-9, 0.02, 0.04, 0.5])
    y = ag.sinc(ag.tensor(x)).data
    np.testing.assert_array_equal(y[0], 1.0)
    (g,) = grads(ag.sinc, x)
    exact = (np.cos(np.pi * x[1:]) * np.pi * x[1:] - np.sin(np.pi * x[1:])) / (np.pi * x[1:] ** 2)
    assert g[0] == 0.0
    np.testing.assert_allclose(g[1], -(np.pi**2) / 3 * 1e-9, rtol=1e-12)  # no lost digits
    np.testing.assert_allclose(g[2:], exact[1:], rtol=1e-12)  # both sides of the series' end
    h = hessian_row(lambda t: ag.sinc(t).sum(), x, 0)
    np.testing.assert_allclose(h[0], -(np.pi**2) / 3, rtol=1e-12)


def test_nan_to_num_passes_the_gradient_where_finite_only():
    x = [np.nan, np.inf, -np.inf, 1.5]
    y = ag.nan_to_num(ag.tensor(np.array(x)), posinf=9.0).data
    np.testing.assert_array_equal(y, [0.0, 9.0, np.finfo(np.float64).min, 1.5])
    (g,) = grads(ag.nan_to_num, x)
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.0, 1.0])


def test_inverse_functions_at_the_ends_of_their_domains_have_infinite_gradients():
    with np.errstate(divide="ignore"):
        (g_asin,) = grads(ag.arcsin, [1.0, -1.0])
        (g_acosh,) = grads(ag.arccosh, [1.0])
    np.testing.assert_array_equal(g_asin, [np.inf, np.inf])
    np.testing.assert_array_equal(g_acosh, [np.inf])


@pytest.mark.parametrize(
    "x, grad, hessian_row0",
    [
        ([2.0, 0.0, 3.0], [0.0, 6.0, 0.0], [0.0, 3.0, 0.0]),  # one zero
        ([0.0, 0.0, 3.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]),  # two zeros
    ],
)
def test_prod_gradients_are_exact_with_zeros(x, grad, hessian_row0):
    (g,) = grads(ag.prod, x)
    np.testing.assert_array_equal(g, grad)
    np.testing.assert_array_equal(hessian_row(ag.prod, x, 0), hessian_row0)
    m = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0]])
    assert gradcheck(lambda t: ag.prod(t, axis=1), m)
    assert gradgradcheck(lambda t: ag.prod(t, axis=0), m)
    assert gradgradcheck(ag.prod, m)


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 4.0, 0.5], [1.5, -2.0, 0.0]])
def test_cumprod_gradients_are_exact_with_zeros_to_second_order(x):
    (g,) = grads(lambda t: ag.cumprod(t) * np.arange(1.0, len(x) + 1), x)
    expected = [
        sum((k + 1) * np.prod([x[j] for j in range(k + 1) if j != i]) for k in range(i, len(x)))
        for i in range(len(x))
    ]
    np.testing.assert_allclose(g, expected, rtol=1e-12)
    m = np.array([x, x[::-1]])
    v = np.arange(m.size).reshape(m.shape) - 2.5
    for axis in (0, 1):
        # backward has two forms: plain arrays, and ops that are differentiable again
        leaf = ag.tensor(m, requires_grad=True)
        (plain,) = ag.grad(ag.cumprod(leaf, axis=axis), leaf, v)
        (graph,) = ag.grad(ag.cumprod(leaf, axis=axis), leaf, v, create_graph=True)
        np.testing.assert_allclose(graph.data, plain.data, rtol=1e-12, atol=1e-15)
    for axis in (0, 1, None):
        assert gradcheck(lambda t, axis=axis: ag.cumprod(t, axis=axis), m)
        assert gradgradcheck(lambda t, axis=axis: ag.cumprod(t, axis=axis), m)


def test_std_of_equal_values_has_a_zero_gradient():
    (g,) = grads(lambda t: ag.std(t, axis=1), [[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(g[0], [0.0, 0.0, 0.0])
    np.testing.assert_allclose(g[1], [-1 / np.sqrt(6), 0.0, 1 / np.sqrt(6)])


def test_median_and_quantile_ties_and_even_counts():
    # numpy's median of an even count: the two middle elements share the gradient
    (g,) = grads(ag.median, [4.0, 1.0, 3.0, 2.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 0.5])
    # PyTorch's median (the lower middle): tied elements share it, as PyTorch's median()
    (g,) = grads(lambda t: t.median(), [2.0, 2.0, 2.0, 1.0])
    np.testing.assert_allclose(g, [1 / 3, 1 / 3, 1 / 3, 0.0])
    # with dim: the gradient goes to the index, the first of the ties in sorted order
    (g,) = grads(lambda t: t.median(0).values, [2.0, 2.0, 2.0, 1.0])
    np.testing.assert_array_equal(g, [1.0, 0.0, 0.0, 0.0])
    # quantiles of ties: the stable sort's elements at floor and ceil of q (n - 1)
    (g,) = grads(lambda t: ag.quantile(t, 0.5), [2.0, 2.0, 2.0, 1.0])
    np.testing.assert_array_equal(g, [0.5, 0.5, 0.0, 0.0])


def test_max_with_dim_sends_the_gradient_to_the_first_index_and_amax_shares_it():
    x = [[2.0, 1.0, 2.0]]
    (g,) = grads(lambda t: ag.max(t, dim=1).values, x)
    np.testing.assert_array_equal(g, [[1.0, 0.0, 0.0]])
    (g,) = grads(lambda t: t.min(1).values, [[1.0, 3.0, 1.0]])
    np.testing.assert_array_equal(g, [[1.0, 0.0, 0.0]])
    (g,) = grads(lambda t: ag.amax(t, dim=1), x)
    np.testing.assert_array_equal(g, [[0.5, 0.0, 0.5]])


def test_sort_of_ties_is_stable_in_both_directions():
    x = [2.0, 1.0, 2.0, 1.0]
    up = np.array([1.0, 2.0, 3.0, 4.0])
    (g,) = grads(lambda t: ag.sort(t) * up, x)
    np.testing.assert_array_equal(g, [3.0, 1.0, 4.0, 2.0])
    (g,) = grads(lambda t: t.sort(descending=True).values * up, x)
    np.testing.assert_array_equal(g, [1.0, 3.0, 2.0, 4.0])
    np.testing.assert_array_equal(ag.argsort(ag.tensor(x), descending=True).data, [0, 2, 1, 3])


def test_medians_and_quantiles_of_integers_have_numpys_dtypes():
    ints = np.array([1, 5, 2, 8])
    for method in ("linear", "lower", "higher", "nearest", "midpoint"):
        expected = np.quantile(ints, 0.5, method=method)
        got = ag.quantile(ag.tensor(ints), 0.5, method=method)
        assert got.dtype == expected.dtype and got.item() == expected
    assert ag.median(ag.tensor(ints)).item() == 3.5
