"""Linear algebra: products and diagonals, np.linalg's solvers, decompositions and norms.

Products take any values. Matrices for np.linalg are built where central differences and
float32 are trustworthy, from a drawn seed (continuous values: ties and kinks have
probability 0) in drawn shapes: well-conditioned ``B + (n + 1) I`` with ``|B| <= 1`` (strictly
diagonally dominant; rows negated at random so determinants of both signs occur) for
inv/det/solve, symmetric positive definite ``B B^T + n I`` for cholesky, and prescribed
eigenvalues and singular values at least 0.5 apart (``Q diag(w) Q^T``, ``U diag(s) V^T``
with random orthogonal factors) for eigh, svd, pinv and the spectral norms.
Eigenvectors and singular vectors enter squared: they are defined up to sign.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

from .common import *  # noqa: F403

BATCH = st.lists(st.integers(1, 2), max_size=1).map(tuple)  # small: linalg checks are costly
SIDE = st.integers(1, 3)


def _mT(x: Any) -> Any:
    return x.swapaxes(-1, -2)


def _sym(x: Any) -> Any:
    """The symmetric part (a Tensor op on Tensors): what eigh and cholesky are checked on."""
    return (x + _mT(x)) * 0.5


# --------------------------------------------------------------------------- matrices


def _orthogonal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.linalg.qr(rng.standard_normal(shape))[0]


def _conditioned(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    n = shape[-1]
    a = rng.uniform(-1, 1, shape) + (n + 1) * np.eye(n)
    return a * rng.choice([-1.0, 1.0], shape[:-1] + (1,))  # some rows negated


def _spd(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    b = rng.uniform(-1, 1, shape)
    return b @ _mT(b) + shape[-1] * np.eye(shape[-1])


def _spectral(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Symmetric, with eigenvalues at least 0.5 apart."""
    n = shape[-1]
    w = np.stack([rng.choice(np.arange(-6, 7) * 0.5, n, replace=False) for _ in range(
        int(np.prod(shape[:-2])))]).reshape(shape[:-1])  # fmt: skip
    q = _orthogonal(rng, shape)
    return (q * w[..., None, :]) @ _mT(q)


def _singular(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Any shape (..., m, n), with singular values in [0.5, 3] at least 0.5 apart."""
    m, n = shape[-2:]
    k = min(m, n)
    batch = shape[:-2]
    s = np.stack([rng.choice(np.arange(1, 7) * 0.5, k, replace=False) for _ in range(
        int(np.prod(batch)))]).reshape(batch + (k,))  # fmt: skip
    u = _orthogonal(rng, batch + (m, m))[..., :k]
    v = _orthogonal(rng, batch + (n, n))[..., :k]
    return (u * s[..., None, :]) @ _mT(v)


Builder = Callable[[np.random.Generator, tuple[int, ...]], np.ndarray]


def matrices(build: Builder, square: bool = True) -> st.SearchStrategy[Inputs]:
    """One batch of matrices from ``build``, in a drawn shape (..., m, n)."""
    sides = st.tuples(SIDE, SIDE) if not square else SIDE.map(lambda n: (n, n))
    return st.tuples(BATCH, sides, st.integers(0, 2**32 - 1)).map(
        lambda t: (build(np.random.default_rng(t[2]), t[0] + t[1]),)
    )


@st.composite
def solve_example(draw: Any, vector: bool) -> Example:
    (a,) = draw(matrices(_conditioned))
    n = a.shape[-1]
    if vector:
        b_shape: tuple[int, ...] = (n,)
    else:  # b's batch broadcasts against a's
        batch = draw(st.sampled_from([a.shape[:-2], (), (2,) + a.shape[:-2]]))
        b_shape = batch + (n, draw(SIDE))
    return (a, draw(ags.arrays(b_shape))), {}


def rectangular(build: Builder) -> st.SearchStrategy[Inputs]:
    return matrices(build, square=False)


# --------------------------------------------------------------------------- einsum


@st.composite
def einsum_example(draw: Any, subscripts: str) -> Example:
    """Operands for ``subscripts``: a drawn size per label, broadcastable batches for
    ``...``, and some labels of one operand shrunk to size 1 (numpy broadcasts them)."""
    terms = subscripts.partition("->")[0].split(",")
    sizes = {c: draw(SIDE) for c in sorted(set("".join(terms)) - {"."})}
    batches = iter(
        draw(ags.mutually_broadcastable_shapes(num_shapes=len(terms), max_dims=1)).input_shapes
    )
    xs = []
    for term in terms:
        batch = next(batches) if "..." in term else ()
        labels = term.replace("...", "")
        shape = [sizes[c] for c in labels]
        if len(terms) > 1 and labels and labels.count(labels[0]) == 1 and draw(st.booleans()):
            shape[0] = 1  # a broadcast label (never a repeated one)
        xs.append(draw(ags.arrays(tuple(batch) + tuple(shape))))
    return tuple(xs), {"subscripts": subscripts}


def einsum_case(suffix: str, subscripts: str) -> OpCase:
    return OpCase(
        f"einsum-{suffix}",
        lambda *xs, subscripts: ag.einsum(subscripts, *xs),
        lambda *xs, subscripts: np.einsum(subscripts, *xs),
        einsum_example(subscripts),
        linear="," not in subscripts,
    )


# --------------------------------------------------------------------------- other products


@st.composite
def tensordot_example(draw: Any, pairs: bool) -> Example:
    summed = draw(st.lists(SIDE, max_size=2))
    a_free = draw(st.lists(SIDE, max_size=2))
    b_free = draw(st.lists(SIDE, max_size=1))
    a_shape, b_shape = a_free + summed, summed + b_free
    if not pairs:
        return (draw(ags.arrays(tuple(a_shape))), draw(ags.arrays(tuple(b_shape)))), {
            "axes": len(summed)
        }
    # the summed axes shuffled in a, listed in a permuted order, negative at times
    perm_a = draw(st.permutations(range(len(a_shape))))
    order = draw(st.permutations(range(len(summed))))
    ia = [perm_a.index(len(a_free) + i) for i in order]
    ia = [i - len(a_shape) if draw(st.booleans()) else i for i in ia]
    a = np.transpose(draw(ags.arrays(tuple(a_shape))), perm_a)
    return (a, draw(ags.arrays(tuple(b_shape)))), {"axes": (ia, list(order))}


@st.composite
def dot_example(draw: Any, inner: bool) -> Example:
    nda, ndb = draw(st.integers(0, 3)), draw(st.integers(0, 3))
    k = draw(SIDE)
    a_shape = tuple(draw(st.lists(SIDE, min_size=max(nda - 1, 0), max_size=max(nda - 1, 0))))
    b_shape = tuple(draw(st.lists(SIDE, min_size=max(ndb - 1, 0), max_size=max(ndb - 1, 0))))
    a_shape = a_shape + (k,) if nda else ()
    if not ndb:
        b_shape = ()
    elif inner or ndb == 1:
        b_shape = b_shape + (k,)
    else:
        b_shape = b_shape[:-1] + (k,) + b_shape[-1:]
    return (draw(ags.arrays(a_shape)), draw(ags.arrays(b_shape))), {}


@st.composite
def cross_example(draw: Any) -> Example:
    shapes = draw(ags.mutually_broadcastable_shapes(num_shapes=2, max_dims=2))
    xs, axes = [], []
    for shape in shapes.input_shapes:
        axis = draw(st.integers(0, len(shape)))
        xs.append(draw(ags.arrays(shape[:axis] + (3,) + shape[axis:])))
        axes.append(axis - len(shape) - 1 if draw(st.booleans()) else axis)
    nd = max(len(s) for s in shapes.input_shapes) + 1
    return tuple(xs), {"axisa": axes[0], "axisb": axes[1], "axisc": draw(st.integers(-nd, nd - 1))}


def diagonal_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    n = len(shapes[0])
    pair = st.permutations(range(n)).map(lambda p: p[:2])
    return st.tuples(pair, st.integers(-3, 3)).map(
        lambda t: {"offset": t[1], "axis1": t[0][0], "axis2": t[0][1] - n}
    )


def k_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"k": st.integers(-3, 3)})


# --------------------------------------------------------------------------- norms

VECTOR_ORDS = [None, 2, 1, np.inf, -np.inf, 0, 3, 0.5, -1]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


def _away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values in +-[0.2, 2] (the 1-, inf- and p-norms have kinks at 0)."""
    return rng.uniform(0.2, 2, shape) * rng.choice([-1.0, 1.0], shape)


@st.composite
def vector_norm_example(draw: Any, numpy_norm: bool) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    x = _away_from_zero(np.random.default_rng(draw(st.integers(0, 2**32 - 1))), shape)
    if numpy_norm:  # np.linalg.norm: one int axis
        axis: Any = draw(st.integers(-len(shape), len(shape) - 1))
    else:
        axis = draw(ags.axes(len(shape)))
    kwargs = {"ord": draw(st.sampled_from(VECTOR_ORDS)), "axis": axis}
    kwargs["keepdims"] = draw(st.booleans())
    return (x,), kwargs


@st.composite
def matrix_norm_example(draw: Any, numpy_norm: bool) -> Example:
    (x,) = draw(rectangular(_singular))
    n = x.ndim
    axis = draw(st.permutations(range(n)).map(lambda p: (p[0], p[1] - n)))
    if draw(st.booleans()):
        axis = (-2, -1)
    kwargs = {
        "ord": draw(st.sampled_from(MATRIX_ORDS)),
        "axis": axis,
        "keepdims": draw(st.booleans()),
    }
    return (x,), kwargs


def default_norm_example() -> Any:
    # ord and axis None: the 2-norm of all elements (away from 0, where it has a kink)
    return with_kwargs(one(NONZERO), lambda s: st.fixed_dictionaries({"keepdims": st.booleans()}))


# --------------------------------------------------------------------------- several results


def _eigh_fn(a: Any, UPLO: str) -> Any:
    w, v = ag.linalg.eigh(_sym(a), UPLO)
    return ag.concatenate([ag.expand_dims(w, -2), v * v], axis=-2)


def _eigh_reference(a: np.ndarray, UPLO: str) -> np.ndarray:
    w, v = np.linalg.eigh(_sym(a), UPLO)
    return np.concatenate([w[..., None, :], v * v], axis=-2)


def _svd_parts(u: Any, s: Any, vh: Any, join: Any) -> Any:
    k = s.shape[-1]
    u, vh = u[..., :k], vh[..., :k, :]  # the columns beyond k are not unique
    batch = s.shape[:-1]
    return join([(u * u).reshape(batch + (-1,)), s, (vh * vh).reshape(batch + (-1,))], axis=-1)


def _svd_fn(a: Any, full_matrices: bool) -> Any:
    return _svd_parts(*ag.linalg.svd(a, full_matrices=full_matrices), ag.concatenate)


def _svd_reference(a: np.ndarray, full_matrices: bool) -> np.ndarray:
    return _svd_parts(*np.linalg.svd(a, full_matrices=full_matrices), np.concatenate)


def _signed_logdet(a: Any) -> Any:
    sign, logabsdet = ag.linalg.slogdet(a)
    return sign * logabsdet


def _signed_logdet_reference(a: np.ndarray) -> np.ndarray:
    sign, logabsdet = np.linalg.slogdet(a)
    return sign * logabsdet


def just(**kwargs: Any) -> Any:
    return lambda _: st.fixed_dictionaries({k: st.sampled_from(v) for k, v in kwargs.items()})


L = ag.linalg
CASES: list[OpCase] = [
    OpCase("matmul", ag.matmul, np.matmul, with_kwargs(pair(R, R, signature=np.matmul.signature))),
    OpCase(
        "linalg.matmul",
        L.matmul,
        np.linalg.matmul,
        with_kwargs(pair(R, R, signature="(m,n),(n,p)->(m,p)")),
    ),
    # einsum: one entry per kind of subscripts
    einsum_case("matmul", "ij,jk->ik"),
    einsum_case("implicit", "ij,kj"),
    einsum_case("trace", "ii"),
    einsum_case("diagonal", "...ii->...i"),
    einsum_case("ellipsis", "...ij,...jk->...ik"),
    einsum_case("three", "ij,jk,kl->il"),
    einsum_case("repeated", "iij,jk->ki"),
    einsum_case("sum", "ijk->k"),
    einsum_case("broadcast", "ij,ij,j->i"),
    einsum_case("scalar", "i,j,->ij"),
    OpCase(
        "einsum-sublist",
        lambda a, b: ag.einsum(a, [0, 1], b, [1, 2], [2, 0]),
        lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [2, 0]),
        einsum_example("ij,jk").map(lambda example: (example[0], {})),
    ),
    OpCase(
        "tensordot",
        ag.tensordot,
        np.tensordot,
        tensordot_example(pairs=False),
    ),
    OpCase("tensordot-pairs", ag.tensordot, np.tensordot, tensordot_example(pairs=True)),
    OpCase("dot", ag.dot, np.dot, dot_example(inner=False)),
    OpCase("inner", ag.inner, np.inner, dot_example(inner=True)),
    OpCase("outer", ag.outer, np.outer, with_kwargs(pair(R, R))),
    OpCase("kron", ag.kron, np.kron, with_kwargs(pair(R, R))),
    OpCase("cross", ag.cross, np.cross, cross_example()),
    OpCase("trace", ag.trace, np.trace, with_kwargs(one(R, 2), diagonal_kwargs), linear=True),
    OpCase(
        "diagonal",
        ag.diagonal,
        np.diagonal,
        with_kwargs(one(R, 2), diagonal_kwargs),
        linear=True,
    ),
    OpCase(
        "diag-vector",
        ag.diag,
        np.diag,
        with_kwargs(ags.arrays(ags.shapes(1, 1)).map(lambda x: (x,)), k_kwargs),
        linear=True,
    ),
    OpCase(
        "diag-matrix",
        ag.diag,
        np.diag,
        with_kwargs(ags.arrays(ags.shapes(2, 2)).map(lambda x: (x,)), k_kwargs),
        linear=True,
    ),
    OpCase("tril", ag.tril, np.tril, with_kwargs(one(R, 1), k_kwargs), linear=True),
    OpCase("triu", ag.triu, np.triu, with_kwargs(one(R, 1), k_kwargs), linear=True),
    # np.linalg
    OpCase("linalg.inv", L.inv, np.linalg.inv, with_kwargs(matrices(_conditioned))),
    OpCase("linalg.det", L.det, np.linalg.det, with_kwargs(matrices(_conditioned))),
    OpCase(
        "linalg.slogdet",
        _signed_logdet,
        _signed_logdet_reference,
        with_kwargs(matrices(_conditioned)),
    ),
    OpCase("linalg.solve-vector", L.solve, np.linalg.solve, solve_example(vector=True)),
    OpCase("linalg.solve-matrix", L.solve, np.linalg.solve, solve_example(vector=False)),
    OpCase(
        "linalg.cholesky",
        lambda a, upper: L.cholesky(_sym(a), upper=upper),
        lambda a, upper: np.linalg.cholesky(_sym(a), upper=upper),
        with_kwargs(matrices(_spd), just(upper=[False, True])),
    ),
    OpCase(
        "linalg.eigh", _eigh_fn, _eigh_reference, with_kwargs(matrices(_spectral), just(UPLO="LU"))
    ),
    OpCase(
        "linalg.eigvalsh",
        lambda a, UPLO: L.eigvalsh(_sym(a), UPLO),
        lambda a, UPLO: np.linalg.eigvalsh(_sym(a), UPLO),
        with_kwargs(matrices(_spectral), just(UPLO="LU")),
    ),
    OpCase(
        "linalg.svd",
        _svd_fn,
        _svd_reference,
        with_kwargs(rectangular(_singular), just(full_matrices=[False, True])),
    ),
    OpCase("linalg.svdvals", L.svdvals, np.linalg.svdvals, with_kwargs(rectangular(_singular))),
    OpCase("linalg.pinv", L.pinv, np.linalg.pinv, with_kwargs(rectangular(_singular))),
    OpCase(
        "linalg.matrix_power",
        L.matrix_power,
        np.linalg.matrix_power,
        with_kwargs(matrices(_conditioned), just(n=[-2, -1, 0, 1, 2, 3, 5])),
    ),
    OpCase("linalg.norm", L.norm, np.linalg.norm, default_norm_example()),
    OpCase("linalg.norm-vector", L.norm, np.linalg.norm, vector_norm_example(numpy_norm=True)),
    OpCase("linalg.norm-matrix", L.norm, np.linalg.norm, matrix_norm_example(numpy_norm=True)),
    OpCase(
        "linalg.vector_norm",
        L.vector_norm,
        lambda x, ord, axis, keepdims: np.linalg.vector_norm(
            x, ord=ord, axis=axis, keepdims=keepdims
        ),
        vector_norm_example(numpy_norm=False),
    ),
    OpCase(
        "linalg.matrix_norm",
        L.matrix_norm,
        lambda x, ord, axis, keepdims: np.moveaxis(
            np.linalg.matrix_norm(np.moveaxis(x, axis, (-2, -1)), ord=ord, keepdims=keepdims),
            (-2, -1) if keepdims else (),
            axis if keepdims else (),
        ),
        matrix_norm_example(numpy_norm=False),
    ),
]
