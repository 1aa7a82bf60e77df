"""Tests of the tester: autograd_lite.testing catches wrong gradients and says where.

Each deliberately wrong op below has exactly one bug. The inputs are chosen so that the
worst Jacobian entry is known in advance, and the failure message must name it.
"""

import re

import numpy as np
import pytest
from hypothesis import find, given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import (
    GradcheckError,
    check_vjp,
    gradcheck,
    gradgradcheck,
    numerical_jacobian,
)
from autograd_lite.testing import strategies as ags

MODES = ["full", "fast"]


def unary(forward, backward):
    """A one-input op from two functions of arrays (backward(g, x) -> gradient)."""

    class Custom(ag.Op):
        def forward(self, x):
            return forward(x)

        def backward(self, g, y, x):
            return backward(g, x)

    return lambda x: Custom()(x)


class AddFirstRowOnly(ag.Op):
    """x + y with y broadcast over rows; backward takes one row instead of summing them."""

    def forward(self, x, y):
        return x + y

    def backward(self, g, y, a, b):
        return +g, g[0]


A = np.eye(3)
A[0, 2] = 3.0  # the only asymmetric pair: A[0, 2] = 3, A[2, 0] = 0

square = unary(lambda x: x * x, lambda g, x: 2 * g * x)
sign_error = unary(lambda x: x * x, lambda g, x: -2 * g * x)
factor_1001 = unary(np.sin, lambda g, x: 1.001 * g * np.cos(x))
ignores_g = unary(np.sin, lambda g, x: np.cos(x))
transposed = unary(lambda x: x @ A, lambda g, x: g @ A)  # should be g @ A.T
relu_at_kink = unary(lambda x: np.maximum(x, 0), lambda g, x: g * (x > 0))
no_gradient = unary(np.sin, lambda g, x: None)

X = np.array([0.5, -2.0, 1.0])  # |x| largest at index 1, |cos x| largest at index 0


def failure(fn, *inputs, **kwargs):
    with pytest.raises(GradcheckError) as info:
        gradcheck(fn, *inputs, **kwargs)
    return str(info.value)


@pytest.mark.parametrize("mode", MODES)
def test_sign_error_is_caught_at_the_largest_entry(mode):
    msg = failure(sign_error, X, mode=mode)
    assert "3 of 9 Jacobian entries" in msg
    assert "output 0 at (1,) w.r.t. input 0 at (1,)" in msg
    assert "analytical = 4, numerical = -4" in msg
    assert "sign flipped" in msg


@pytest.mark.parametrize("mode", MODES)
def test_factor_1_001_is_caught_with_default_tolerances(mode):
    msg = failure(factor_1001, X, mode=mode)
    assert "output 0 at (0,) w.r.t. input 0 at (0,)" in msg
    assert "constant factor: analytical = 1.001 x numerical" in msg


@pytest.mark.parametrize("mode", MODES)
def test_missing_unbroadcast_points_at_a_row_that_was_not_summed(mode):
    msg = failure(lambda x, y: AddFirstRowOnly()(x, y), np.ones((2, 3)), np.ones(3), mode=mode)
    assert "d(output 0)/d(input 1) is wrong in 3 of 18" in msg
    assert "output 0 at (1, 0) w.r.t. input 1 at (0,)" in msg
    assert "analytical = 0, numerical = 1" in msg
    assert "only inputs broadcast to the output's shape are wrong" in msg


@pytest.mark.parametrize("mode", MODES)
def test_transposed_gradient_points_at_the_asymmetric_entry(mode):
    msg = failure(transposed, np.array([[1.0, 2.0, 3.0]]), mode=mode)
    assert "2 of 9 Jacobian entries" in msg
    # d y[0, 0] / d x[0, 2] is A[2, 0] = 0; the transposed gradient gives A[0, 2] = 3.
    assert "output 0 at (0, 0) w.r.t. input 0 at (0, 2)" in msg
    assert "analytical = 3, numerical = 0" in msg


@pytest.mark.parametrize("mode", MODES)
def test_ignoring_the_upstream_gradient_is_caught(mode):
    msg = failure(ignores_g, X, mode=mode)
    assert "zero upstream gradient" in msg
    assert "0.877583 at (0,)" in msg  # cos(0.5), the largest |cos x|


def test_ignoring_the_upstream_gradient_is_caught_for_a_scalar_output():
    # With a one-element output the Jacobian itself is right; linearity in g is not.
    msg = failure(lambda x: ignores_g(x.sum()), X)
    assert "zero upstream gradient" in msg


def test_analytical_all_zero_is_hinted():
    msg = failure(no_gradient, X)
    assert "analytical gradient is all zero" in msg


def test_kink_is_hinted():
    msg = failure(relu_at_kink, np.array([1.0, 0.0, -1.0]))
    assert "output 0 at (1,) w.r.t. input 0 at (1,)" in msg
    assert "analytical = 0, numerical = 0.5" in msg
    assert "one-sided differences disagree there (left 0, right 1)" in msg


@pytest.mark.parametrize("aliased", ["upstream", "each other"])
def test_gradients_sharing_memory_are_caught(monkeypatch, aliased):
    # Simulate an engine that hands out one array for both gradients of x + y (their values
    # are right: both equal the upstream gradient).
    def leaky_grad(outputs, inputs, grad_outputs, **kwargs):
        shared = np.asarray(grad_outputs[0])
        if aliased == "each other":
            shared = shared.copy()
        return tuple(ag.Tensor(shared) for _ in inputs)

    monkeypatch.setattr(ag, "grad", leaky_grad)
    msg = failure(lambda x, y: x + y, np.ones(3), np.ones(3))
    if aliased == "upstream":
        assert "gradient of input 0 shares memory with the upstream gradient of output 0" in msg
    else:
        assert "gradient of input 1 shares memory with the gradient of input 0" in msg


def test_backward_modifying_the_upstream_gradient_is_caught():
    def clobber(g, x):
        out = 2 * g * x
        g[...] = 0.0
        return out

    msg = failure(unary(lambda x: x * x, clobber), X)
    assert "modified the upstream gradient of output 0 in place at (0,)" in msg


def test_forward_modifying_its_input_is_caught():
    def scale_in_place(x):
        x *= 2.0
        return x * 1.0

    msg = failure(unary(scale_in_place, lambda g, x: 2 * g), X)
    assert "modified input 0 in place at (0,)" in msg


def test_message_stays_short_for_large_inputs():
    msg = failure(sign_error, np.linspace(-2.0, 2.0, 200))
    assert len(msg.splitlines()) <= 8
    assert len(msg) < 1000
    assert "200 of 40000" in msg


def test_failing_pairs_are_listed_after_the_worst():
    # Input 1 is off by 0.1%, input 0 by a sign: the sign error is the worst.
    class Both(ag.Op):
        def forward(self, x, y):
            return x * y

        def backward(self, g, out, x, y):
            return -g * y, 1.001 * g * x

    msg = failure(lambda x, y: Both()(x, y), X, X + 1.0)
    assert "d(output 0)/d(input 0)" in msg.splitlines()[0]
    assert "also wrong: output 0/input 1" in msg


@pytest.mark.parametrize("mode", MODES)
def test_correct_gradients_pass(mode):
    assert gradcheck(square, X, mode=mode)
    assert gradcheck(lambda x, y: x * ag.sin(y), np.ones((2, 3)), X, mode=mode)


def test_raise_exception_false_returns_false():
    assert gradcheck(sign_error, X, raise_exception=False) is False
    assert gradcheck(ignores_g, X, raise_exception=False) is False


def test_only_inputs_that_require_grad_are_checked():
    wrong_in_y = AddFirstRowOnly()
    y = ag.tensor(np.ones(3))  # a constant: its wrong gradient is never asked for
    assert gradcheck(lambda a, b: wrong_in_y(a, b), np.ones((2, 3)), y)


def test_float32_inputs_are_checked_in_float64_and_left_untouched():
    x32 = np.array([0.5, -2.0, 1.0], dtype=np.float32)
    t = ag.tensor(x32, requires_grad=True)
    before = x32.copy()
    assert gradcheck(ag.tanh, x32, mode="full")
    assert gradcheck(ag.tanh, t)
    np.testing.assert_array_equal(x32, before)
    assert t.grad is None  # gradcheck uses ag.grad, never .grad


@pytest.mark.parametrize(("dtype", "eps"), [(np.float32, 1e-3), (np.float16, 1e-1)])
def test_functions_computing_in_low_precision_pass_the_cheap_checks(dtype, eps):
    # Their VJPs are linear only up to their own rounding, far above float64's.
    x = np.array([0.3, -0.7, 1.2, 2.5, -1.1])
    tols = {"eps": eps, "atol": 1e-2, "rtol": 1e-2}  # steps and tolerances for their precision
    assert gradcheck(lambda t: t.astype(dtype), x, **tols)
    assert gradcheck(lambda t: ag.tanh(t.astype(dtype)), x, **tols)
    # ... but a backward that transforms g by more than rounding is still caught.
    squares_g = unary(lambda x: x.astype(dtype), lambda g, x: g * np.abs(g))
    msg = failure(squares_g, x, **tols)
    assert "not linear in the upstream gradient" in msg


def test_integer_and_boolean_inputs_pass_through_as_constants():
    labels = np.array([2, 0])
    mask = np.array([True, False, True])
    fn = lambda x, t, m: ag.softmax_cross_entropy(x, t) * ag.where(m, x, 0.0).sum()  # noqa: E731
    assert gradcheck(fn, np.array([[0.1, 0.2, -0.3], [1.0, -1.0, 0.5]]), labels, mask)


def test_bad_arguments_are_rejected_with_the_function_named():
    with pytest.raises(ValueError, match="gradcheck: mode must be"):
        gradcheck(square, X, mode="slow")
    with pytest.raises(ValueError, match="gradcheck: no input to check"):
        gradcheck(square, np.array([1, 2]))
    with pytest.raises(TypeError, match="gradcheck: fn must return a Tensor"):
        gradcheck(lambda x: x.data, X)


def test_numerical_jacobian_shapes_and_values():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    jac = numerical_jacobian(lambda a, b: (a * b, a.sum()), x, np.array(2))
    assert jac[0][0].shape == (2, 2, 2, 2)
    assert jac[0][1] is None  # an integer input is a constant
    np.testing.assert_allclose(jac[0][0], 2 * np.eye(4).reshape(2, 2, 2, 2), atol=1e-9)
    np.testing.assert_allclose(jac[1][0], np.ones((2, 2)), atol=1e-9)


def test_check_vjp_passes_on_large_arrays_and_catches_factor():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((40, 30)), rng.standard_normal((30, 20))
    assert check_vjp(lambda x, y: ag.tanh(x @ y), a, b)
    with pytest.raises(GradcheckError, match=r"check_vjp: probe 0 .* Run gradcheck"):
        check_vjp(factor_1001, rng.standard_normal(500))


def test_gradgradcheck_passes_for_differentiable_backward():
    assert gradgradcheck(lambda x, y: ag.tanh(x) * ag.sin(y), X, X[::-1].copy())
    assert gradgradcheck(lambda x: x * x, X, mode="fast")


def test_gradgradcheck_skips_non_floating_outputs():
    assert gradgradcheck(lambda t: (t * t, ag.tensor(np.argmax(t.data))), X)
    with pytest.raises(ValueError, match=r"expected the floating outputs' shapes \[\(3,\)\]"):
        gradgradcheck(lambda t: (t * t, ag.tensor(np.argmax(t.data))), X, grad_outputs=[X, X])


def test_gradgradcheck_catches_a_backward_written_with_raw_numpy():
    # np.cos on the input inside backward drops the graph: the second derivative is lost.
    sine = unary(np.sin, lambda g, x: g * np.cos(ag.core.value(x)))
    assert gradcheck(sine, X)
    with pytest.raises(GradcheckError, match=r"d\(output 0\)/d\(input 0\)"):
        gradgradcheck(sine, X)


# --------------------------------------------------------------------------- strategies


def values(domain, size=20):
    return ags.arrays((size,), domain=domain)


@given(values(ags.interval(-1.0, 2.0, margin=0.25)))
def test_interval_respects_its_margin(x):
    assert np.all((x >= -0.75) & (x <= 1.75))


@given(values(ags.positive()))
def test_positive_stays_away_from_zero(x):
    assert np.all(x >= 0.1)


@given(values(ags.away_from([-1.0, 0.0, 1.0], margin=0.1)))
def test_away_from_keeps_the_margin(x):
    for kink in (-1.0, 0.0, 1.0):
        assert np.all(np.abs(x - kink) >= 0.1 - 1e-12)  # up to rounding
    assert np.all(np.abs(x) <= 3.0)


@given(values(ags.distinct(gap=0.125), size=30))
def test_distinct_values_are_a_gap_apart(x):
    s = np.sort(x)
    assert np.all(np.diff(s) >= 0.125 - 1e-12)


@given(
    ags.arrays((10,), domain=ags.lattice(0.25)), ags.arrays((10,), domain=ags.lattice(0.25, 0.125))
)
def test_offset_lattices_never_tie(x, y):
    assert np.all(np.abs(x[:, None] - y[None, :]) >= 0.125 - 1e-12)


@given(ags.arrays(dtype=np.float32), ags.tensors(dtype=np.float32, requires_grad=True))
def test_arrays_and_tensors_have_the_dtype_asked_for(a, t):
    assert a.dtype == np.float32 and a.ndim <= ags.MAX_DIMS
    assert isinstance(t, ag.Tensor) and t.dtype == np.float32 and t.requires_grad


def test_shapes_include_0d_and_stay_small():
    assert find(ags.shapes(), lambda s: s == ()) == ()
    assert find(ags.shapes(), lambda s: len(s) == ags.MAX_DIMS) is not None


@given(ags.mutually_broadcastable_shapes(3))
def test_mutually_broadcastable_shapes_broadcast(group):
    assert np.broadcast_shapes(*group.input_shapes) == group.result_shape


@given(ags.mutually_broadcastable_shapes(signature=np.matmul.signature))
def test_matmul_signature_shapes_multiply(group):
    a, b = (np.zeros(s) for s in group.input_shapes)
    assert np.matmul(a, b).shape == group.result_shape


def test_matmul_signature_includes_1d_and_batched_cases():
    one_d = find(
        ags.mutually_broadcastable_shapes(signature=np.matmul.signature),
        lambda g: len(g.input_shapes[0]) == 1 and len(g.input_shapes[1]) == 1,
    )
    assert one_d.result_shape == ()
    find(
        ags.mutually_broadcastable_shapes(signature=np.matmul.signature),
        lambda g: len(g.input_shapes[0]) == 3 and len(g.input_shapes[1]) == 2,
    )


@given(ags.broadcastable_arrays(ags.reals(1.0), ags.positive(margin=2.0, high=5.0)))
def test_broadcastable_arrays_follow_their_domains(xy):
    x, y = xy
    np.broadcast_shapes(x.shape, y.shape)
    assert np.all(np.abs(x) <= 1.0) and np.all(y >= 2.0)


@given(st.data())
def test_axes_are_valid_and_never_repeat(data):
    shape = data.draw(ags.shapes())
    axis = data.draw(ags.axes(len(shape)))
    np.sum(np.zeros(shape), axis=axis)  # numpy rejects invalid or repeated axes
    if isinstance(axis, tuple):
        assert len({a % len(shape) for a in axis}) == len(axis)


def test_axes_include_negative_ints_and_tuples():
    assert find(ags.axes(3), lambda a: isinstance(a, int) and a < 0) < 0
    assert len(find(ags.axes(3), lambda a: isinstance(a, tuple) and len(a) == 2)) == 2


@given(st.data())
def test_basic_and_advanced_indices_are_valid(data):
    shape = data.draw(ags.shapes(min_dims=1))
    x = np.zeros(shape)
    x[data.draw(ags.basic_indices(shape))]
    x[data.draw(ags.advanced_indices(shape))]


def test_advanced_indices_include_repeated_indices():
    idx = find(
        ags.advanced_indices((3,)),
        lambda i: isinstance(i, np.ndarray) and i.dtype != bool and len(set(i.tolist())) < i.size,
    )
    assert idx.size > len(set(idx.tolist()))


@given(st.data())
def test_upstream_gradients_are_signed_and_not_all_equal(data):
    shape = data.draw(ags.shapes())
    g = data.draw(ags.upstream_gradients(shape))
    assert g.shape == shape
    assert np.all((np.abs(g) >= 0.25) & (np.abs(g) <= 2.0))
    if g.size > 1:
        assert np.ptp(g) > 0


def test_upstream_gradients_take_both_signs():
    g = find(ags.upstream_gradients((4,)), lambda g: (g > 0).any() and (g < 0).any())
    assert (g > 0).any() and (g < 0).any()


def test_lattice_values_stay_inside_their_interval():
    # -34 * 0.05 is -1.7000000000000002 in floating point: the ends are clipped back.
    domain = ags.lattice(0.05, within=ags.interval(-1.7, 1.7))
    assert find(domain.elements(), lambda v: v < -1.69) == -1.7
    assert find(domain.elements(), lambda v: v > 1.69) == 1.7


def test_lattice_too_fine_for_the_dtype_is_rejected():
    # float16 values near 2 are 0.00195 apart: a gap of 0.003 could round two values together.
    too_fine = ags.distinct(gap=0.003, within=ags.interval(-2.0, 2.0))
    with pytest.raises(ValueError, match=r"arrays: step 0.003 .*float16.*step above 0.00390625"):
        ags.arrays((5,), dtype=np.float16, domain=too_fine)
    ags.arrays((5,), dtype=np.float32, domain=too_fine)  # fine in float32


@given(ags.arrays((20,), dtype=np.float16, domain=ags.distinct(0.01, ags.interval(-2.0, 2.0))))
def test_distinct_float16_values_never_tie(x):  # 0.01 is not exact in float16, yet wide enough
    assert len(np.unique(x)) == x.size


def test_bad_domains_are_rejected():
    with pytest.raises(ValueError, match="Domain: need non-empty intervals"):
        ags.interval(1.0, 0.0)
    with pytest.raises(ValueError, match="step must be positive"):
        ags.lattice(0.0)
    with pytest.raises(TypeError, match="arrays: dtype must be floating"):
        ags.arrays((2,), dtype=np.int64)


@given(ags.arrays(domain=ags.away_from([0.0])))
def test_docstring_pattern_abs_away_from_kink(x):
    assert gradcheck(ag.abs, x)


def test_message_names_positions_as_given():
    # The constant in position 0 does not shift input numbering.
    msg = failure(lambda c, x: sign_error(x) * c, ag.tensor(2.0), X)
    assert re.search(r"d\(output 0\)/d\(input 1\)", msg)
