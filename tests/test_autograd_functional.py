"""ag.autograd.functional: jacobian, hessian, vjp, jvp, hvp, vhp against closed forms and
central differences, with PyTorch's result structures (tuple or not) and flags."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp
from autograd_lite.testing import numerical_jacobian
from autograd_lite.testing import strategies as ags

small = ags.arrays(shape=ags.shapes(max_dims=2), domain=ags.reals(2.0))
vector = ags.arrays(shape=st.integers(1, 4).map(lambda n: (n,)), domain=ags.reals(2.0))


def t64(a):
    return ag.tensor(np.asarray(a, dtype=np.float64))


def pair(x, y):
    """Two outputs of two inputs: (sin(x) * sum(y), sum(x) * y**2)."""
    return ag.sin(x) * ag.sum(y), ag.sum(x) * y**2


def pair_jacobian(x, y):
    """Closed form, 1-D x and y: J[i][j] = d out_i / d in_j."""
    sx, sy = x.sum(), y.sum()
    return (
        (np.diag(np.cos(x) * sy), np.outer(np.sin(x), np.ones_like(y))),
        (np.outer(y**2, np.ones_like(x)), np.diag(2 * sx * y)),
    )


def scalar(x, y):
    """sum(exp(x / 2)) * sum(y**2) + sum(sin(x)): a scalar with a full, known Hessian."""
    return ag.sum(ag.exp(x * 0.5)) * ag.sum(y**2) + ag.sum(ag.sin(x))


def scalar_hessian(x, y):
    e, q, s = np.exp(x / 2), np.sum(y**2), np.sum(np.exp(x / 2))
    hxy = np.outer(e, y)
    return ((np.diag(0.25 * e * q - np.sin(x)), hxy), (hxy.T, 2 * s * np.eye(len(y))))


def close(a, b, rtol=1e-7, atol=1e-9):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


# --------------------------------------------------------------------------- jacobian


@given(vector, vector, st.sampled_from(["reverse-mode", "forward-mode"]))
def test_jacobian_of_two_outputs_and_two_inputs_is_the_closed_form(x, y, strategy):
    jac = jacobian(pair, (t64(x), t64(y)), strategy=strategy)
    expected = pair_jacobian(x, y)
    assert isinstance(jac, tuple) and all(isinstance(row, tuple) for row in jac)
    for i in range(2):
        for j in range(2):
            assert isinstance(jac[i][j], ag.Tensor) and jac[i][j].dtype == np.float64
            close(jac[i][j].data, expected[i][j])


@settings(max_examples=30)
@given(small, small)
def test_jacobian_matches_central_differences_for_any_shapes(x, y):
    def f(a, b):
        return ag.tanh(a) * ag.sum(b * b), ag.exp(b) * ag.mean(a)

    numerical = numerical_jacobian(f, x, y)
    for strategy in ("reverse-mode", "forward-mode"):
        jac = jacobian(f, (t64(x), t64(y)), strategy=strategy)
        for i in range(2):
            for j in range(2):
                assert jac[i][j].shape == numerical[i][j].shape
                close(jac[i][j].data, numerical[i][j], rtol=1e-6, atol=1e-8)


def test_jacobian_structure_follows_the_tuples_given_as_pytorch():
    x, y = t64([1.0, 2.0]), t64([3.0])
    assert isinstance(jacobian(lambda a: a * 2, x), ag.Tensor)  # Tensor in, Tensor out
    one_in = jacobian(lambda a: (a * 2, a.sum()), x)  # outputs a tuple: a tuple per output
    assert isinstance(one_in, tuple) and [j.shape for j in one_in] == [(2, 2), (2,)]
    one_out = jacobian(lambda a, b: a * b, (x, y))  # inputs a tuple: a tuple per input
    assert isinstance(one_out, tuple) and [j.shape for j in one_out] == [(2, 2), (2, 1)]
    single = jacobian(lambda a: a * 2, (x,))  # a 1-tuple stays a tuple
    assert isinstance(single, tuple) and len(single) == 1


def test_jacobian_shapes_for_matrices_and_scalars():
    x = t64(np.arange(6.0).reshape(2, 3))
    assert jacobian(lambda a: a.sum(axis=1), x).shape == (2, 2, 3)
    assert jacobian(lambda a: a.sum(), x).shape == (2, 3)
    assert jacobian(lambda a: a * 1.0, t64(2.0)).shape == ()
    empty = jacobian(lambda a: a[:0] * 1.0, x)
    assert empty.shape == (0, 3, 2, 3)


def test_jacobian_differentiates_the_argument_not_the_tensor_captured_by_closure():
    x = t64([1.0, 2.0])
    x.requires_grad = True
    jac = jacobian(lambda a: a * x, x)  # d(a * x)/da = diag(x), not diag(2x)
    close(jac.data, np.diag([1.0, 2.0]))


def test_independent_input_gives_zeros_or_raises_in_strict_mode():
    x, y = t64([1.0, 2.0]), t64([3.0])
    jac = jacobian(lambda a, b: a * 2, (x, y))
    close(jac[1].data, np.zeros((2, 1)))
    with pytest.raises(RuntimeError, match="independent of input 1"):
        jacobian(lambda a, b: a * 2, (x, y), strict=True)
    const = jacobian(lambda a: ag.tensor(np.ones(3)), x)
    close(const.data, np.zeros((3, 2)))
    with pytest.raises(RuntimeError, match="output 0.*does not require grad"):
        jacobian(lambda a: ag.tensor(np.ones(3)), x, strict=True)


def test_results_are_detached_unless_create_graph():
    x = t64([1.0, 2.0])
    x.requires_grad = True
    jac = jacobian(lambda a: a**3, x)
    assert not jac.requires_grad and jac.op is None
    jac = jacobian(lambda a: a**3, x, create_graph=True)
    assert jac.requires_grad
    (d,) = ag.grad(jac.sum(), x)  # d/dx sum(diag(3x^2)) = 6x
    close(d.data, [6.0, 12.0])


def test_float32_inputs_give_float32_jacobians_vectorize_is_accepted():
    x = ag.tensor([1.0, 2.0])
    jac = jacobian(lambda a: a * a, x, vectorize=True)
    assert jac.dtype == np.float32
    close(jac.data, np.diag([2.0, 4.0]), rtol=1e-6)


def test_bad_arguments_are_refused_with_clear_messages():
    x = t64([1.0, 2.0])
    with pytest.raises(TypeError, match="jacobian: the inputs must be a Tensor or a tuple"):
        jacobian(lambda a: a, [x])
    with pytest.raises(TypeError, match="outputs of the user-provided function.*list"):
        jacobian(lambda a: [a], x)
    with pytest.raises(ValueError, match="strategy"):
        jacobian(lambda a: a, x, strategy="sideways")


# --------------------------------------------------------------------------- hessian


@given(vector, vector)
def test_hessian_of_two_inputs_is_the_closed_form(x, y):
    h = hessian(scalar, (t64(x), t64(y)))
    expected = scalar_hessian(x, y)
    for i in range(2):
        for j in range(2):
            assert h[i][j].shape == expected[i][j].shape
            close(h[i][j].data, expected[i][j])
    h_fwd = hessian(scalar, (t64(x), t64(y)), outer_jacobian_strategy="forward-mode")
    for i in range(2):
        for j in range(2):
            close(h_fwd[i][j].data, expected[i][j])


def test_hessian_of_one_input_is_one_tensor():
    x = t64(np.arange(1.0, 7.0).reshape(2, 3))
    h = hessian(lambda a: (a**3).sum(), x)
    assert isinstance(h, ag.Tensor) and h.shape == (2, 3, 2, 3)
    close(h.data.reshape(6, 6), np.diag(6 * np.arange(1.0, 7.0)))


def test_hessian_refuses_non_scalar_functions():
    with pytest.raises(RuntimeError, match="hessian.*single element.*\\(2,\\)"):
        hessian(lambda a: a * a, t64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="hessian.*single Tensor"):
        hessian(lambda a: (a.sum(), a.sum()), t64([1.0, 2.0]))


def test_hessian_of_a_linear_function_is_zero_or_raises_in_strict_mode():
    x = t64([1.0, 2.0])
    close(hessian(lambda a: (a * 3).sum(), x).data, np.zeros((2, 2)))
    with pytest.raises(RuntimeError, match="strict"):
        hessian(lambda a: (a * 3).sum(), x, strict=True)


# --------------------------------------------------------------------------- products


@given(vector, vector, st.data())
def test_vjp_and_jvp_are_the_jacobian_times_a_vector(x, y, data):
    jac = pair_jacobian(x, y)
    u = (data.draw(ags.arrays(x.shape)), data.draw(ags.arrays(y.shape)))  # like the outputs
    v = (data.draw(ags.arrays(x.shape)), data.draw(ags.arrays(y.shape)))  # like the inputs
    out, vj = vjp(pair, (t64(x), t64(y)), (t64(u[0]), t64(u[1])))
    close(out[0].data, np.sin(x) * y.sum())
    for j in range(2):
        close(vj[j].data, sum(u[i] @ jac[i][j] for i in range(2)))
    out, jv = jvp(pair, (t64(x), t64(y)), (t64(v[0]), t64(v[1])))
    for i in range(2):
        close(jv[i].data, sum(jac[i][j] @ v[j] for j in range(2)))


@settings(max_examples=30)
@given(small, st.data())
def test_jvp_matches_central_differences_along_v(x, data):
    v = data.draw(ags.arrays(x.shape))

    def f(a):
        return ag.tanh(a) * ag.sum(a * a)

    h = 1e-6
    numerical = (f(t64(x + h * v)).data - f(t64(x - h * v)).data) / (2 * h)
    out, jv = jvp(f, t64(x), t64(v))
    assert jv.shape == out.shape == x.shape
    close(jv.data, numerical, rtol=1e-6, atol=1e-8)


@given(vector, vector, st.data())
def test_hvp_and_vhp_are_the_hessian_times_a_vector(x, y, data):
    v = (data.draw(ags.arrays(x.shape)), data.draw(ags.arrays(y.shape)))
    h = scalar_hessian(x, y)
    expected = [sum(h[i][j] @ v[j] for j in range(2)) for i in range(2)]
    for product in (hvp, vhp):
        value, hv = product(scalar, (t64(x), t64(y)), (t64(v[0]), t64(v[1])))
        close(value.data, scalar(t64(x), t64(y)).data)
        for i in range(2):
            close(hv[i].data, expected[i])


@settings(max_examples=30)
@given(small, st.data())
def test_hvp_matches_central_differences_of_the_gradient(x, data):
    v = data.draw(ags.arrays(x.shape))

    def f(a):
        return ag.sum(ag.tanh(a) * a) * ag.sum(ag.exp(a * 0.3))

    def gradient(a):
        a = t64(a)
        a.requires_grad = True
        return ag.grad(f(a), a)[0].data

    h = 1e-6
    numerical = (gradient(x + h * v) - gradient(x - h * v)) / (2 * h)
    for product in (hvp, vhp):
        _, hv = product(f, t64(x), t64(v))
        assert hv.shape == x.shape
        close(hv.data, numerical, rtol=1e-6, atol=1e-8)


def test_products_return_structures_as_pytorch():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0])
    out, g = vjp(lambda a: (a * a).sum(), x)  # v may be omitted for a one-element output
    assert isinstance(out, ag.Tensor) and out.shape == () and isinstance(g, ag.Tensor)
    close(g.data, [2.0, 4.0])
    out, jv = jvp(lambda a, b: (a * b, a + b), (x, y), (t64([1.0, 0.0]), t64([0.0, 1.0])))
    assert isinstance(out, tuple) and isinstance(jv, tuple)
    close(jv[0].data, [3.0, 2.0])
    close(jv[1].data, [1.0, 1.0])
    out, jv = jvp(lambda a: a**2, t64(3.0))  # v may be omitted for a one-element input
    close(jv.data, 6.0)
    _, hv = hvp(lambda a, b: (a * a * b).sum(), (x, y), (t64([1.0, 0.0]), t64([0.0, 0.0])))
    assert isinstance(hv, tuple) and len(hv) == 2
    close(hv[0].data, [2 * 3.0, 0.0])  # d2/da2 = 2b
    close(hv[1].data, [2 * 1.0, 0.0])  # d2/dadb = 2a


def test_products_with_create_graph_are_differentiable():
    x = t64([1.0, 2.0])
    x.requires_grad = True
    _, jv = jvp(lambda a: a**3, x, t64([1.0, 1.0]), create_graph=True)
    (d,) = ag.grad(jv.sum(), x)  # jv = 3x^2, d/dx = 6x
    close(d.data, [6.0, 12.0])
    _, hv = hvp(lambda a: (a**4).sum(), x, t64([1.0, 1.0]), create_graph=True)
    (d,) = ag.grad(hv.sum(), x)  # hv = 12x^2, d/dx = 24x
    close(d.data, [24.0, 48.0])
    out, g = vjp(lambda a: (a**2).sum(), x, create_graph=True)
    assert out.requires_grad and g.requires_grad


def test_product_errors_name_the_function_and_the_shapes():
    x = t64([1.0, 2.0])
    with pytest.raises(RuntimeError, match="vjp: v can only be None"):
        vjp(lambda a: a * 2, x)
    with pytest.raises(RuntimeError, match="jvp: v can only be None"):
        jvp(lambda a: a * 2, x)
    with pytest.raises(RuntimeError, match=r"jvp: v has shape \(3,\), should be \(2,\)"):
        jvp(lambda a: a * 2, x, t64([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="hvp: v is a tuple of invalid length"):
        hvp(lambda a, b: (a * b).sum(), (x, x), (x,))
    with pytest.raises(RuntimeError, match="vhp.*single element"):
        vhp(lambda a: a * a, x, x)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        vjp(lambda a, b: (a * 2).sum(), (x, x), strict=True)
