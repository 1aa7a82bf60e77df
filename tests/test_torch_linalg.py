"""Linear algebra against PyTorch: values and first derivatives on random float64 inputs
(``torch.einsum``, ``torch.tensordot``, ..., ``torch.linalg``), and the conventions where a
derivative is not unique (norms at zero and at ties) at those points.

Eigen- and singular vectors are defined up to sign, so they enter squared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite as ag  # noqa: E402

RNG = np.random.default_rng(12)


def _random(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


def _conditioned(*shape: int) -> np.ndarray:
    return RNG.uniform(-1, 1, shape) + (shape[-1] + 1) * np.eye(shape[-1])


def _spd(*shape: int) -> np.ndarray:
    b = RNG.uniform(-1, 1, shape)
    return b @ np.swapaxes(b, -1, -2) + shape[-1] * np.eye(shape[-1])


def _squared_vectors(w: Any, v: Any) -> Any:
    """Eigenvalues and squared eigenvectors in one result (a sign-free function of both)."""
    return w[..., None, :] + v * v


def _svd_parts(u: Any, s: Any, vh: Any, cat: Callable[..., Any]) -> Any:
    k = s.shape[-1]
    batch = tuple(s.shape[:-1])
    uu, vv = u[..., :k] * u[..., :k], vh[..., :k, :] * vh[..., :k, :]
    return cat([uu.reshape(batch + (-1,)), s, vv.reshape(batch + (-1,))])


L, TL = ag.linalg, torch.linalg
T = torch

# name: (autograd_lite function, torch function, inputs)
CASES: dict[str, tuple[Callable[..., Any], Callable[..., Any], list[np.ndarray]]] = {
    # einsum
    "einsum matmul": (
        lambda a, b: ag.einsum("ij,jk->ik", a, b),
        lambda a, b: T.einsum("ij,jk->ik", a, b),
        [_random(2, 3), _random(3, 4)],
    ),
    "einsum implicit": (
        lambda a, b: ag.einsum("ij,kj", a, b),
        lambda a, b: T.einsum("ij,kj", a, b),
        [_random(2, 3), _random(4, 3)],
    ),
    "einsum trace": (lambda a: ag.einsum("ii", a), lambda a: T.einsum("ii", a), [_random(3, 3)]),
    "einsum diagonal": (
        lambda a: ag.einsum("...ii->...i", a),
        lambda a: T.einsum("...ii->...i", a),
        [_random(2, 3, 3)],
    ),
    "einsum ellipsis broadcast": (
        lambda a, b: ag.einsum("...ij,...jk->...ik", a, b),
        lambda a, b: T.einsum("...ij,...jk->...ik", a, b),
        [_random(2, 1, 2, 3), _random(4, 3, 2)],
    ),
    "einsum three operands": (
        lambda a, b, c: ag.einsum("ij,jk,kl->il", a, b, c),
        lambda a, b, c: T.einsum("ij,jk,kl->il", a, b, c),
        [_random(2, 3), _random(3, 4), _random(4, 2)],
    ),
    "einsum repeated label": (
        lambda a, b: ag.einsum("iij,jk->ki", a, b),
        lambda a, b: T.einsum("iij,jk->ki", a, b),
        [_random(3, 3, 2), _random(2, 4)],
    ),
    "einsum large (BLAS path)": (
        lambda a, b: ag.einsum("bij,bjk->bik", a, b),
        lambda a, b: T.einsum("bij,bjk->bik", a, b),
        [_random(4, 40, 30), _random(4, 30, 20)],
    ),
    # other products
    "tensordot": (
        lambda a, b: ag.tensordot(a, b, dims=([0, 2], [1, 0])),
        lambda a, b: T.tensordot(a, b, dims=([0, 2], [1, 0])),
        [_random(2, 3, 4), _random(4, 2, 5)],
    ),
    "dot": (ag.dot, T.dot, [_random(4), _random(4)]),
    "inner": (ag.inner, T.inner, [_random(2, 3), _random(4, 3)]),
    "outer": (ag.outer, T.outer, [_random(3), _random(4)]),
    "kron": (ag.kron, T.kron, [_random(2, 3), _random(3, 2)]),
    "cross": (
        lambda a, b: ag.cross(a, b, dim=0),
        lambda a, b: TL.cross(a, b, dim=0),
        [_random(3, 4), _random(3, 4)],
    ),
    "trace": (ag.trace, T.trace, [_random(3, 4)]),
    "diagonal": (
        lambda a: a.diagonal(1, dim1=2, dim2=0),
        lambda a: a.diagonal(1, dim1=2, dim2=0),
        [_random(3, 2, 4)],
    ),
    "diag vector": (lambda a: ag.diag(a, -1), lambda a: T.diag(a, -1), [_random(3)]),
    "diag matrix": (lambda a: ag.diag(a, 1), lambda a: T.diag(a, 1), [_random(3, 4)]),
    "tril": (
        lambda a: a.tril(diagonal=-1),
        lambda a: a.tril(diagonal=-1),
        [_random(2, 3, 4)],
    ),
    "triu": (lambda a: ag.triu(a, 1), lambda a: T.triu(a, 1), [_random(3, 4)]),
    # ag.linalg
    "matmul": (L.matmul, TL.matmul, [_random(2, 3, 4), _random(4, 2)]),
    "inv": (L.inv, TL.inv, [_conditioned(2, 3, 3)]),
    "det": (L.det, TL.det, [_conditioned(2, 3, 3) * np.array([[1.0], [-1.0], [1.0]])]),
    "slogdet": (
        lambda a: L.slogdet(a).logabsdet * L.slogdet(a).sign,
        lambda a: TL.slogdet(a).logabsdet * TL.slogdet(a).sign,
        [_conditioned(2, 3, 3) * np.array([[-1.0], [1.0], [1.0]])],
    ),
    "solve vector": (L.solve, TL.solve, [_conditioned(2, 3, 3), _random(3)]),
    "solve matrix": (L.solve, TL.solve, [_conditioned(3, 3), _random(2, 3, 2)]),
    "cholesky": (L.cholesky, TL.cholesky, [_spd(2, 3, 3)]),
    "cholesky upper, nonsymmetric input": (
        lambda a: L.cholesky(a, upper=True),
        lambda a: TL.cholesky(a, upper=True),
        [_spd(3, 3) + np.triu(_random(3, 3), 1)],  # only the lower triangle is read
    ),
    "eigh": (
        lambda a: _squared_vectors(*L.eigh(a)),
        lambda a: _squared_vectors(*TL.eigh(a)),
        [_spd(2, 3, 3)],
    ),
    "eigh UPLO=U, nonsymmetric input": (
        lambda a: _squared_vectors(*L.eigh(a, UPLO="U")),
        lambda a: _squared_vectors(*TL.eigh(a, UPLO="U")),
        [_random(3, 3)],
    ),
    "eigvalsh": (L.eigvalsh, TL.eigvalsh, [_random(2, 4, 4)]),
    "svd square": (
        lambda a: _svd_parts(*L.svd(a), lambda xs: ag.concatenate(xs, -1)),
        lambda a: _svd_parts(*TL.svd(a), lambda xs: T.cat(xs, -1)),
        [_random(2, 3, 3)],
    ),
    "svd tall, full matrices": (
        lambda a: _svd_parts(*L.svd(a), lambda xs: ag.concatenate(xs, -1)),
        lambda a: _svd_parts(*TL.svd(a), lambda xs: T.cat(xs, -1)),
        [_random(4, 2)],
    ),
    "svd wide, reduced": (
        lambda a: _svd_parts(*L.svd(a, full_matrices=False), lambda xs: ag.concatenate(xs, -1)),
        lambda a: _svd_parts(*TL.svd(a, full_matrices=False), lambda xs: T.cat(xs, -1)),
        [_random(2, 2, 5)],
    ),
    "svdvals": (L.svdvals, TL.svdvals, [_random(2, 3, 5)]),
    "pinv tall": (L.pinv, TL.pinv, [_random(2, 4, 3)]),
    "pinv wide": (L.pinv, TL.pinv, [_random(3, 5)]),
    "matrix_power 3": (
        lambda a: L.matrix_power(a, 3),
        lambda a: TL.matrix_power(a, 3),
        [_random(2, 3, 3)],
    ),
    "matrix_power -2": (
        lambda a: L.matrix_power(a, -2),
        lambda a: TL.matrix_power(a, -2),
        [_conditioned(3, 3)],
    ),
    "matrix_power 0": (
        lambda a: L.matrix_power(a, 0),
        lambda a: TL.matrix_power(a, 0),
        [_random(3, 3)],
    ),
    "norm default": (L.norm, TL.norm, [_random(2, 3, 4)]),
    **{
        f"norm vector ord={ord}": (
            lambda a, ord=ord: L.norm(a, ord, axis=1, keepdims=True),
            lambda a, ord=ord: TL.norm(a, ord, dim=1, keepdim=True),
            [_random(2, 5)],
        )
        for ord in [None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1.5]
    },
    **{
        f"norm matrix ord={ord}": (
            lambda a, ord=ord: L.norm(a, ord, axis=(2, 0)),
            lambda a, ord=ord: TL.norm(a, ord, dim=(2, 0)),
            [_random(3, 2, 4)],
        )
        for ord in [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]
    },
    "vector_norm over two axes": (
        lambda a: L.vector_norm(a, 3, dim=(0, 2)),
        lambda a: TL.vector_norm(a, 3, dim=(0, 2)),
        [_random(3, 2, 4)],
    ),
    "matrix_norm": (
        lambda a: L.matrix_norm(a, "nuc", keepdim=True),
        lambda a: TL.matrix_norm(a, "nuc", keepdim=True),
        [_random(2, 3, 4)],
    ),
    **{
        f"Tensor.norm p={p} dim={dim}": (
            lambda a, p=p, dim=dim: a.norm(p, dim),
            lambda a, p=p, dim=dim: a.norm(p, dim),
            [_random(2, 3, 4)],
        )
        for p, dim in [
            ("fro", None),
            ("fro", (0, 2)),
            (2, None),
            (1, 1),
            (np.inf, -1),
            ("nuc", (1, 2)),
            (None, (0, 1)),
            (3, (0, 1, 2)),
        ]  # fmt: skip
    },
}


def _compare(ag_fn: Callable[..., Any], torch_fn: Callable[..., Any], inputs: list[np.ndarray],
             rtol: float = 1e-9, atol: float = 1e-10) -> None:  # fmt: skip
    """Values and the gradients for a random upstream gradient."""
    leaves = [ag.tensor(x, requires_grad=True) for x in inputs]
    tleaves = [torch.tensor(x, requires_grad=True) for x in inputs]
    out, tout = ag_fn(*leaves), torch_fn(*tleaves)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=rtol, atol=atol)
    v = np.random.default_rng(0).standard_normal(out.shape)
    grads = ag.grad(out, leaves, v)
    tgrads = torch.autograd.grad(tout, tleaves, torch.tensor(v), allow_unused=True)
    for g, tg, x in zip(grads, tgrads, inputs, strict=True):
        want = np.zeros_like(x) if tg is None else tg.numpy()  # (torch: ord 0 is unconnected)
        np.testing.assert_allclose(g.data, want, rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name):
    _compare(*CASES[name])


# --------------------------------------------------------------------------- conventions


ZERO_ORDS = [2, 1, np.inf, -np.inf, 0, 3, 1.5, 0.5]


@pytest.mark.parametrize("ord", ZERO_ORDS)
def test_vector_norm_gradient_at_zero_is_torchs(ord):
    """A zero row (and a zero entry in another row): PyTorch's subgradient, 0 at zero."""
    x = np.array([[0.0, 0.0, 0.0], [1.5, 0.0, -2.0]])
    _compare(
        lambda a: L.vector_norm(a, ord, axis=1),
        lambda a: TL.vector_norm(a, ord, dim=1),
        [x],
    )


@pytest.mark.parametrize("ord", [np.inf, -np.inf, 1, 2])
def test_norm_gradient_at_ties_and_zeros_is_torchs(ord):
    """Entries tied in |x| share the gradient of the max/min norms, as torch's amax/amin."""
    x = np.array([[2.0, -2.0, 1.0, 0.0], [-1.0, 1.0, 1.0, -1.0]])
    _compare(lambda a: L.norm(a, ord, axis=1), lambda a: TL.norm(a, ord, dim=1), [x])


@pytest.mark.parametrize("ord", [1, -1, np.inf, -np.inf, "fro"])
def test_matrix_norm_gradient_at_ties_is_torchs(ord):
    x = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 2.0], [0.0, 2.0, -1.0]])  # tied sums of |x|
    _compare(lambda a: L.matrix_norm(a, ord), lambda a: TL.matrix_norm(a, ord), [x])


def test_nuclear_norm_gradient_with_repeated_singular_values_is_torchs():
    """Only the gradient of the singular values is needed: defined at repeats too."""
    q = np.linalg.qr(_random(3, 3))[0]
    _compare(lambda a: L.matrix_norm(a, "nuc"), lambda a: TL.matrix_norm(a, "nuc"), [q * 2.0])


def test_eigvalsh_gradient_with_a_repeated_eigenvalue_is_torchs():
    """Defined for a loss that weighs the repeated eigenvalues alike (here 1, 1, -2)."""
    q = np.linalg.qr(_random(3, 3))[0]
    a = (q * np.array([1.0, 1.0, 3.0])) @ q.T
    weights = np.array([1.0, 1.0, -2.0])
    _compare(
        lambda x: (L.eigvalsh(x) * weights).sum(),
        lambda x: (TL.eigvalsh(x) * torch.tensor(weights)).sum(),
        [a],
    )


def test_float32_results_match_torch():
    a = _conditioned(3, 3).astype(np.float32)
    x = ag.tensor(a, requires_grad=True)
    t = torch.tensor(a, requires_grad=True)
    out, tout = L.inv(x) @ x.T, TL.inv(t) @ t.T
    assert out.dtype == np.float32 and tout.dtype == torch.float32
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-5, atol=1e-6)
    (g,) = ag.grad(out.sum(), [x])
    (tg,) = torch.autograd.grad(tout.sum(), [t])
    assert g.dtype == np.float32
    np.testing.assert_allclose(g.data, tg.numpy(), rtol=1e-4, atol=1e-5)
