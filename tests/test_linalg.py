"""Linear algebra beyond the op registry: the ``ag.linalg`` namespace, numpy dispatch, named
results, the documented conventions where a gradient is not unique (repeated eigenvalues and
singular values, norms at zero), einsum's planning options and PyTorch's method forms."""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.testing import gradcheck, gradgradcheck

L = ag.linalg
RNG = np.random.default_rng(3)


def leaf(x):
    return ag.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)


def test_ag_linalg_is_numpys_namespace():
    assert L.LinAlgError is np.linalg.LinAlgError
    assert L.matmul is ag.matmul
    for name in L.__all__:  # every function is numpy's (the result types are numpy 2's too)
        assert hasattr(np.linalg, name) or hasattr(np.linalg._linalg, name), name
    assert not hasattr(L, "einsum") and not hasattr(ag, "inv")  # each in its own place


@pytest.mark.parametrize(
    "call",
    [
        lambda x, y: np.einsum("ij,jk->ik", x, y),
        lambda x, y: np.tensordot(x, y, axes=1),
        lambda x, y: np.dot(x, y),
        lambda x, y: np.trace(x @ y),
        lambda x, y: np.diagonal(x @ y, 1),
        lambda x, y: np.linalg.norm(x, axis=0),
        lambda x, y: np.linalg.inv(x @ y + 4 * np.eye(3)),
        lambda x, y: np.linalg.svd(x, compute_uv=False),
        lambda x, y: np.linalg.eigh(x @ x.T).eigenvalues,
        lambda x, y: np.cross(x, y.T),
        lambda x, y: np.kron(x, y),
        lambda x, y: np.tril(x),
    ],
)
def test_numpy_functions_on_tensors_keep_the_gradient(call):
    x, y = leaf(RNG.standard_normal((3, 3))), leaf(RNG.standard_normal((3, 3)))
    out = call(x, y)
    assert isinstance(out, ag.Tensor) and out.requires_grad
    np.testing.assert_allclose(out.data, call(x.data, y.data), rtol=1e-12, atol=1e-12)


def test_named_results():
    a = leaf(np.diag([-2.0, 3.0]))
    sign, logabsdet = L.slogdet(a)
    assert L.slogdet(a).sign is not None and float(sign.data) == -1.0
    assert not sign.requires_grad and logabsdet.requires_grad  # the sign has no gradient
    np.testing.assert_allclose(logabsdet.data, np.log(6.0))
    result = L.eigh(a)
    assert isinstance(result, L.EighResult)
    np.testing.assert_allclose(result.eigenvalues.data, [-2.0, 3.0])
    u, s, vh = L.svd(a)
    assert isinstance(L.svd(a), L.SVDResult) and L.svd(a).Vh.shape == (2, 2)
    np.testing.assert_allclose((u * s[None, :]) @ vh.data, a.data, atol=1e-12)
    assert isinstance(L.svd(a, compute_uv=False), ag.Tensor)
    sign_plain, logabs_plain = L.slogdet(np.eye(2) * 2.0)  # arrays in, arrays out
    assert type(sign_plain) is not ag.Tensor and type(logabs_plain) is not ag.Tensor


def test_decompositions_of_plain_arrays_are_plain_arrays():
    a = np.array([[4.0, 1.0], [1.0, 3.0]])
    for out in [L.eigh(a).eigenvectors, L.svd(a).U, L.cholesky(a), L.norm(a, "nuc")]:
        assert isinstance(out, (np.ndarray, np.generic))


# --------------------------------------------------------------------------- conventions


def test_eigh_with_a_repeated_eigenvalue_gives_the_basis_independent_gradient():
    """The coupling of the equal pair is taken as 0: right for losses that do not depend on
    the basis of the repeated eigenspace (its projector here), and never inf or nan."""
    q = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
    a = leaf((q * np.array([1.0, 1.0, 3.0])) @ q.T)
    w, v = L.eigh(a)
    top = v[:, 2:]  # the simple eigenvalue's eigenvector
    projector = top @ top.T  # onto the eigenspace of 3; I - projector is the repeated one
    weights = RNG.standard_normal((3, 3))
    (g,) = ag.grad((projector * weights).sum() + (w * np.array([1.0, 1.0, 5.0])).sum(), [a])
    assert np.isfinite(g.data).all()
    # Exact: d(projector) = (I - P) dA P / (3 - 1) + transpose; d(w . c) = Q diag(c) Q^T
    p, c = q[:, 2:] @ q[:, 2:].T, (q * np.array([1.0, 1.0, 5.0])) @ q.T
    sym = (weights + weights.T) / 2
    expected = ((np.eye(3) - p) @ sym @ p + p @ sym @ (np.eye(3) - p)) / 2.0 + c
    np.testing.assert_allclose(g.data, expected, atol=1e-10)


def test_svd_with_repeated_singular_values_gives_finite_gradients():
    q = np.linalg.qr(RNG.standard_normal((3, 3)))[0]
    a = leaf(2.0 * q)  # all singular values 2
    u, s, vh = L.svd(a)
    (g,) = ag.grad(((u @ vh) * RNG.standard_normal((3, 3))).sum() + s.sum(), [a])
    assert np.isfinite(g.data).all()
    (g_s,) = ag.grad(L.svdvals(a).sum(), [a])  # the nuclear norm: its gradient is U Vh
    np.testing.assert_allclose(g_s.data, q, atol=1e-12)


@pytest.mark.parametrize("ord", [2, 1, np.inf, -np.inf, 0, 3, 1.5, 0.5, -1])
def test_vector_norm_gradient_at_zero_is_zero(ord):
    x = leaf(np.zeros((2, 3)))
    (g,) = ag.grad(L.vector_norm(x, ord, axis=1).sum(), [x])
    np.testing.assert_array_equal(g.data, np.zeros((2, 3)))


def test_max_norm_ties_share_the_gradient():
    x = leaf([2.0, -2.0, 1.0])
    (g,) = ag.grad(L.norm(x, np.inf), [x])
    np.testing.assert_array_equal(g.data, [0.5, -0.5, 0.0])


def test_det_gradient_is_the_cofactor_matrix():
    a = leaf([[2.0, 1.0], [1.0, 3.0]])
    (g,) = ag.grad(L.det(a), [a])
    np.testing.assert_allclose(g.data, [[3.0, -1.0], [-1.0, 2.0]])


def test_matrix_power_zero_is_the_identity_with_a_zero_gradient():
    a = leaf(RNG.standard_normal((2, 3, 3)))
    out = L.matrix_power(a, 0)
    np.testing.assert_array_equal(out.data, np.broadcast_to(np.eye(3), (2, 3, 3)))
    (g,) = ag.grad(out.sum(), [a])
    np.testing.assert_array_equal(g.data, np.zeros((2, 3, 3)))
    plain = np.eye(2)
    assert L.matrix_power(plain, 1) is not plain  # a new array, as numpy's


# --------------------------------------------------------------------------- einsum


@pytest.mark.parametrize("optimize", [False, True, "greedy", "optimal"])
def test_einsum_optimize_strategies_agree(optimize):
    xs = [RNG.standard_normal(s) for s in [(2, 3), (3, 4), (4, 5), (5, 2)]]
    path = np.einsum_path("ij,jk,kl,lm->im", *xs, optimize="optimal")[0]
    for opt in (optimize, path):
        out = ag.einsum("ij,jk,kl,lm->im", *(ag.tensor(x) for x in xs), optimize=opt)
        np.testing.assert_allclose(out.data, np.einsum("ij,jk,kl,lm->im", *xs), rtol=1e-12)
    assert gradcheck(lambda *t: ag.einsum("ij,jk,kl,lm->im", *t, optimize=optimize), *xs)


def test_einsum_large_operands_match_numpy_and_differentiate():
    a, b = RNG.standard_normal((70, 60)), RNG.standard_normal((60, 50))  # (the BLAS path)
    np.testing.assert_allclose(ag.einsum("ij,jk", ag.tensor(a), b).data, a @ b, rtol=1e-10)
    assert gradcheck(lambda x: ag.einsum("ij,jk->ik", x, b)[:2, :3], a, mode="fast")


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("Ba,aC", [(2, 3), (3, 4)]),  # implicit output: labels sorted, upper case first
        ("bA", [(2, 3)]),
        ("i...,...i", [(3, 2), (2, 3)]),
        ("iii->i", [(2, 2, 2)]),
        ("ij,j->", [(2, 3), (1,)]),
        ("i j, j k", [(2, 3), (3, 2)]),  # spaces
    ],
)
def test_einsum_subscript_forms_match_numpy(subscripts, shapes):
    xs = [RNG.standard_normal(s) for s in shapes]
    out = ag.einsum(subscripts, *(ag.tensor(x) for x in xs))
    np.testing.assert_allclose(out.data, np.einsum(subscripts, *xs), rtol=1e-12)
    assert gradcheck(lambda *t: ag.einsum(subscripts, *t), *xs)
    assert gradgradcheck(lambda *t: ag.einsum(subscripts, *t), *xs)


def test_einsum_sublist_form_with_ellipsis():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 5))
    out = ag.einsum(ag.tensor(a), [Ellipsis, 0, 1], b, [1, 2], [Ellipsis, 2, 0])
    np.testing.assert_allclose(
        out.data, np.einsum(a, [Ellipsis, 0, 1], b, [1, 2], [Ellipsis, 2, 0])
    )


# --------------------------------------------------------------------------- methods


def test_methods_follow_numpy_and_pytorch_where_they_agree():
    x = leaf(np.arange(12.0).reshape(3, 4))
    np.testing.assert_array_equal(x.trace().data, np.trace(x.data))
    np.testing.assert_array_equal(x.diagonal(1).data, x.data.diagonal(1))
    np.testing.assert_array_equal(x.diagonal(dim1=1, dim2=0).data, x.data.diagonal(0, 1, 0))
    np.testing.assert_array_equal(x.dot(x.T).data, x.data @ x.data.T)
    np.testing.assert_array_equal(x.tril(diagonal=1).data, np.tril(x.data, 1))
    np.testing.assert_array_equal(ag.triu(x, diagonal=-1).data, np.triu(x.data, -1))


def test_tensor_norm_is_pytorchs_and_linalg_norm_is_numpys():
    x = leaf([[3.0, 0.0], [0.0, 4.0]])
    assert float(x.norm().data) == 5.0  # Frobenius, PyTorch's default p="fro"
    assert float(x.norm(2).data) == 5.0  # p=2: the vector 2-norm of all elements
    assert float(L.norm(x, 2).data) == 4.0  # numpy: ord=2 of a matrix is the spectral norm
    assert float(x.norm("nuc").data) == 7.0
    np.testing.assert_array_equal(x.norm(1, dim=0, keepdim=True).data, [[3.0, 4.0]])
    np.testing.assert_array_equal(L.norm(x, 1, dim=0, keepdim=True).data, [[3.0, 4.0]])
