"""numpy's ``np.linalg`` solvers and decompositions, as ``ag.linalg.<name>``: ``inv``, ``det``,
``slogdet``, ``solve``, ``cholesky``, ``eigh``, ``eigvalsh``, ``svd``, ``svdvals``, ``pinv``
and ``matrix_power``. All take batches: the matrices are the last two axes.

Gradients follow PyTorch's formulas (``torch/csrc/autograd/FunctionsManual.cpp``), written
with ``ag`` ops so that they differentiate again. A decomposition with several results
(``eigh``, ``svd``) is one op whose output packs them; the results are views of it
(:func:`_unpack`), so that backward sees the gradients of all of them at once.
numpy's ``LinAlgError`` (a singular matrix, one that is not positive definite) passes
through with the op's name.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._typing import ArrayLike
from ..core import Op, Tensor, apply_binary, apply_unary, value
from .declarations import declare
from .elementwise import where
from .linalg import _array, _mT, _shape, matmul, tril
from .shape import reshape

LinAlgError = np.linalg.LinAlgError


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


def _square(op: str, a: Any) -> None:
    """Refuse anything but a (batch of) square matrices, naming the shape."""
    shape = np.shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(
            f"{op}: expected a square matrix or a batch of them (shape (..., n, n)), "
            f"got shape {shape}"
        )


def _linalg(op: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call numpy's ``fn``; its LinAlgError passes through with the op's name and the shape."""
    try:
        return fn(*args, **kwargs)
    except LinAlgError as e:
        raise LinAlgError(f"{op}: {e} (input of shape {np.shape(args[0])})") from None


def _eye(n: int, like: Any) -> np.ndarray:
    return np.eye(n, dtype=value(like).dtype)


def _reciprocal(x: Any) -> Any:
    """``1 / x``, and 0 where ``x`` is 0 (where the gradient formulas below are undefined)."""
    zero = x == 0
    return where(zero, np.zeros((), value(x).dtype), 1 / where(zero, 1.0, x))


def _pairwise_reciprocal(d: Any) -> Any:
    """``1 / (d_j - d_i)``, and 0 where the two are equal: on the diagonal, and at ties, where
    the gradient is undefined and 0 is right for a loss that does not depend on the basis
    chosen inside a repeated eigenspace (singular subspace)."""
    return _reciprocal(d[..., None, :] - d[..., :, None])


def _unpack(packed: Any, shapes: list[tuple[int, ...]]) -> list[Any]:
    """Split the last axis of ``packed`` into consecutive pieces of the given core shapes."""
    batch, out, start = _shape(packed)[:-1], [], 0
    for core in shapes:
        stop = start + math.prod(core)
        out.append(reshape(packed[..., start:stop], batch + core))
        start = stop
    return out


# ------------------------------------------------------------------ inverse and determinants


class Inv(Op):
    __slots__ = ()
    reads_inputs = False

    def forward(self, a):
        _square("inv", a)
        return _linalg("inv", np.linalg.inv, a)

    def backward(self, g, y, a):
        yT = _mT(y)
        return -(yT @ g @ yT)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.inv)
def inv(a: ArrayLike) -> Any:
    """The inverse of a square matrix (or of each in a batch), as ``np.linalg.inv``.
    A singular matrix raises numpy's ``LinAlgError``.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    return apply_unary(Inv(), a)


def _inv_transpose(op: str, a: Any) -> Any:
    try:
        return _mT(inv(a))
    except LinAlgError:
        raise LinAlgError(
            f"{op}: the gradient at a singular matrix (shape {_shape(a)}) is not computed "
            f"here (it would need the adjugate)"
        ) from None


class Det(Op):
    __slots__ = ()

    def forward(self, a):
        _square("det", a)
        return np.linalg.det(a)

    def backward(self, g, y, a):
        return (g * y)[..., None, None] * _inv_transpose("det", a)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.det)
def det(a: ArrayLike) -> Any:
    """The determinant of a square matrix (or of each in a batch), as ``np.linalg.det``.

    The gradient is ``det(a) * inv(a).T``; at an exactly singular matrix it is not computed
    (backward raises LinAlgError; PyTorch returns the adjugate there).

    >>> import numpy as np, autograd_lite as ag
    >>> round(float(ag.linalg.det(np.array([[2.0, 1.0], [1.0, 3.0]]))), 12)
    5.0
    """
    return apply_unary(Det(), a)


class Slogdet(Op):
    """log|det a|; the sign of the determinant is kept on the op (it has no gradient)."""

    __slots__ = ("_sign",)
    reads_output = False

    def forward(self, a):
        _square("slogdet", a)
        self._sign, logabsdet = np.linalg.slogdet(a)
        return logabsdet

    def backward(self, g, y, a):
        return g[..., None, None] * _inv_transpose("slogdet", a)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.slogdet)
def slogdet(a: ArrayLike) -> SlogdetResult:
    """``(sign, logabsdet)`` of the determinant, as ``np.linalg.slogdet``: ``det = sign *
    exp(logabsdet)`` without overflow. ``sign`` has no gradient; the gradient of
    ``logabsdet`` is ``inv(a).T`` (a singular matrix gives ``logabsdet = -inf``).

    >>> import numpy as np, autograd_lite as ag
    >>> sign, logabsdet = ag.linalg.slogdet(-np.eye(3) * 1e3)
    >>> float(sign), round(float(logabsdet), 4)
    (-1.0, 20.7233)
    """
    op = Slogdet()
    logabsdet = apply_unary(op, a)
    sign = op._sign
    return SlogdetResult(Tensor(sign) if isinstance(logabsdet, Tensor) else sign, logabsdet)


class Solve(Op):
    __slots__ = ()

    def forward(self, a, b):
        sa, sb = np.shape(a), np.shape(b)
        _square("solve", a)
        if len(sb) == 0 or sb[-1 if len(sb) == 1 else -2] != sa[-1]:
            raise ValueError(
                f"solve: b must have shape ({sa[-1]},) or (..., {sa[-1]}, k) for a of shape "
                f"{sa}, got {sb}"
            )
        try:
            return _linalg("solve", np.linalg.solve, a, b)
        except LinAlgError:
            raise
        except ValueError:
            raise ValueError(
                f"solve: the batch dimensions of a {sa} and b {sb} do not broadcast"
            ) from None

    def backward(self, g, y, a, b):
        vector = b.ndim == 1  # numpy 2: only a 1-D b is a vector
        gb = solve(_mT(a), g[..., None] if vector else g)
        ga = -(gb @ _mT(y[..., None] if vector else y)) if self.needs_grad[0] else None
        return ga, ((gb[..., 0] if vector else gb) if self.needs_grad[1] else None)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.solve)
def solve(a: ArrayLike, b: ArrayLike) -> Any:
    """The solution ``x`` of ``a @ x = b``, as ``np.linalg.solve`` (numpy 2's rule: ``b`` is a
    vector only when it is 1-D, otherwise a (batch of) matrices ``(..., n, k)``; batch
    dimensions broadcast). A singular ``a`` raises numpy's ``LinAlgError``.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.solve(np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))
    array([0.5 , 0.25])
    """
    return apply_binary(Solve(), a, b)


# ------------------------------------------------------------------ decompositions


class Cholesky(Op):
    __slots__ = ("upper",)
    reads_inputs = False

    def __init__(self, upper: bool) -> None:
        self.upper = bool(upper)

    def forward(self, a):
        _square("cholesky", a)
        return _linalg("cholesky", np.linalg.cholesky, a, upper=self.upper)

    def backward(self, g, y, a):
        # Murray (2016), as PyTorch: gA = L^-T Phi(L^T gL) L^-1, with Phi the lower triangle
        # with half its diagonal, made symmetric.
        L, gL = (_mT(y), _mT(g)) if self.upper else (y, g)
        P = tril(_mT(L) @ gL)
        phi = (P + _mT(tril(P, -1))) * 0.5
        L_inv = inv(L)
        return _mT(L_inv) @ phi @ L_inv


@declare(namespace="linalg", family="linalg", numpy=np.linalg.cholesky)
def cholesky(a: ArrayLike, *, upper: bool = False) -> Any:
    """The Cholesky factor of a symmetric positive-definite matrix, as
    ``np.linalg.cholesky``: lower-triangular ``L`` with ``L @ L.T = a`` (``upper=True``:
    ``U = L.T``). Only the lower triangle of ``a`` is read; the gradient is symmetric, the
    gradient for a symmetric input (as PyTorch's). A matrix that is not positive definite
    raises numpy's ``LinAlgError``.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    return apply_unary(Cholesky(upper), a)


class Eigh(Op):
    """Eigenvalues and eigenvectors of a symmetric matrix, packed as rows ``[w; V]`` of one
    ``(..., n + 1, n)`` output."""

    __slots__ = ("UPLO",)
    reads_inputs = False

    def __init__(self, UPLO: str) -> None:
        if UPLO not in ("L", "U"):
            raise ValueError(f"eigh: UPLO must be 'L' or 'U', got {UPLO!r}")
        self.UPLO = UPLO

    def forward(self, a):
        _square("eigh", a)
        w, v = _linalg("eigh", np.linalg.eigh, a, self.UPLO)
        return np.concatenate([w[..., None, :], v], axis=-2)

    def backward(self, g, y, a):
        w, V = y[..., 0, :], y[..., 1:, :]
        gw, gV = g[..., 0, :], g[..., 1:, :]
        # PyTorch's formula: V (diag(gw) + skew(V^T gV) / 2 / (w_j - w_i)) V^T
        X = _mT(V) @ gV
        inner = (X - _mT(X)) * (_pairwise_reciprocal(w) * 0.5)
        inner = inner + gw[..., None, :] * _eye(w.shape[-1], w)
        return V @ inner @ _mT(V)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.eigh)
def eigh(a: ArrayLike, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix, as
    ``np.linalg.eigh``; only the ``UPLO`` triangle ('L' lower, 'U' upper) is read.

    Gradients (PyTorch's formula) are symmetric: the gradient for a symmetric input. They are
    defined for distinct eigenvalues; for a repeated eigenvalue the coupling term
    ``1 / (w_j - w_i)`` of the equal pair is taken as 0, which is right for losses that do
    not depend on the basis chosen inside that eigenspace (the eigenvalues, projectors onto
    whole eigenspaces) and not otherwise (PyTorch returns inf/nan there). Eigenvectors are
    defined up to sign: use them in sign-independent ways.

    >>> import numpy as np, autograd_lite as ag
    >>> w, v = ag.linalg.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
    >>> w
    array([1., 3.])
    """
    packed = apply_unary(Eigh(UPLO), a)
    n = _shape(packed)[-1]
    return EighResult(packed[..., 0, :], packed[..., 1 : n + 1, :])


@declare(namespace="linalg", family="linalg", numpy=np.linalg.eigvalsh)
def eigvalsh(a: ArrayLike, UPLO: str = "L") -> Any:
    """The eigenvalues (ascending) of a symmetric matrix, as ``np.linalg.eigvalsh``; the
    gradient is ``V diag(g) V^T`` (see :func:`eigh`)."""
    return eigh(a, UPLO).eigenvalues


class Svd(Op):
    """U, S and Vh, flattened and packed along the last axis of one output."""

    __slots__ = ("full_matrices",)
    reads_inputs = False

    def __init__(self, full_matrices: bool) -> None:
        self.full_matrices = bool(full_matrices)

    def shapes(self, m: int, n: int) -> list[tuple[int, ...]]:
        k = min(m, n)
        p, q = (m, n) if self.full_matrices else (k, k)
        return [(m, p), (k,), (q, n)]

    def forward(self, a):
        if np.ndim(a) < 2:
            raise ValueError(f"svd: expected a matrix or a batch of them, got shape {np.shape(a)}")
        u, s, vh = _linalg("svd", np.linalg.svd, a, full_matrices=self.full_matrices)
        batch = s.shape[:-1]
        return np.concatenate([u.reshape(batch + (-1,)), s, vh.reshape(batch + (-1,))], -1)

    def backward(self, g, y, a):
        m, n = a.shape[-2:]
        k = min(m, n)
        U, S, Vh = _unpack(y, self.shapes(m, n))
        gU, gS, gVh = _unpack(g, self.shapes(m, n))
        if self.full_matrices:  # as PyTorch: the columns beyond k are not unique; ignored
            U, gU, Vh, gVh = U[..., :k], gU[..., :k], Vh[..., :k, :], gVh[..., :k, :]
        # PyTorch's svd_backward (the real case)
        skew_U = _mT(U) @ gU
        skew_U = skew_U - _mT(skew_U)
        skew_V = Vh @ _mT(gVh)
        skew_V = skew_V - _mT(skew_V)
        inner = (skew_U * S[..., None, :] + S[..., :, None] * skew_V) * _pairwise_reciprocal(S * S)
        inner = inner + gS[..., None, :] * _eye(k, S)
        if m > n:  # + (I - U U^T) gU S^-1 Vh
            gU_S = gU * _reciprocal(S)[..., None, :]
            return (U @ inner + gU_S - U @ (_mT(U) @ gU_S)) @ Vh
        if m < n:  # + U S^-1 gVh (I - V V^T)
            S_gVh = gVh * _reciprocal(S)[..., :, None]
            return U @ (inner @ Vh + S_gVh - (S_gVh @ _mT(Vh)) @ Vh)
        return U @ inner @ Vh


@declare(namespace="linalg", family="linalg", numpy=np.linalg.svd)
def svd(a: ArrayLike, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """Singular value decomposition ``a = U @ diag(S) @ Vh``, as ``np.linalg.svd``: an
    ``SVDResult(U, S, Vh)`` (S descending), or S alone with ``compute_uv=False``.

    Gradients follow PyTorch's formula. Through S alone it is ``U diag(gS) Vh``, defined
    everywhere. Through U and Vh it needs distinct singular values (for an equal pair the
    coupling term ``1 / (S_j^2 - S_i^2)`` is taken as 0, right for a loss that does not
    depend on the basis inside that singular subspace; PyTorch gives inf/nan) and, for a
    non-square ``a``, full rank (terms that would divide by a zero singular value are
    dropped). With ``full_matrices=True`` the gradient ignores the columns of U (rows of
    Vh) beyond ``min(m, n)``, which are not unique (as PyTorch). Singular vectors are
    defined up to sign: use them in sign-independent ways.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.svd(np.diag([1.0, 3.0]), compute_uv=False)
    array([3., 1.])
    """
    a = _array(a, "svd")
    op = Svd(full_matrices and compute_uv)
    packed = apply_unary(op, a)
    m, n = a.shape[-2:]
    U, S, Vh = _unpack(packed, op.shapes(m, n))
    return SVDResult(U, S, Vh) if compute_uv else S


@declare(namespace="linalg", family="linalg", numpy=np.linalg.svdvals)
def svdvals(a: ArrayLike) -> Any:
    """The singular values (descending), as ``np.linalg.svdvals``; the gradient is
    ``U diag(g) Vh``, defined for repeated singular values too."""
    return svd(a, compute_uv=False)


class Pinv(Op):
    __slots__ = ("rtol", "hermitian")

    def __init__(self, rtol: Any, hermitian: bool) -> None:
        self.rtol = rtol
        self.hermitian = bool(hermitian)

    def forward(self, a):
        if np.ndim(a) < 2:
            raise ValueError(f"pinv: expected a matrix or a batch of them, got shape {np.shape(a)}")
        return _linalg("pinv", np.linalg.pinv, a, rtol=self.rtol, hermitian=self.hermitian)

    def backward(self, g, y, a):
        # PyTorch's pinv_backward (Golub and Pereyra 1973): exact while the rank is constant
        P, PT, gT = y, _mT(y), _mT(g)
        if a.shape[-2] <= a.shape[-1]:
            K = gT @ P
            K_PT = K @ PT
            return -_mT(P @ K) + K_PT - (a @ P) @ K_PT + (PT @ P) @ (gT - K @ a)
        K = P @ gT
        PT_K = PT @ K
        return -_mT(K @ P) + (gT - a @ K) @ P @ PT + PT_K - PT_K @ P @ a


@declare(namespace="linalg", family="linalg", numpy=np.linalg.pinv)
def pinv(a: ArrayLike, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """The Moore-Penrose pseudo-inverse, as ``np.linalg.pinv``: singular values below
    ``rtol`` (numpy 2's name; ``rcond`` is the older one) times the largest count as zero.

    The gradient (PyTorch's formula) is exact where the rank does not change nearby, e.g. for
    full-rank matrices.

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.pinv(np.array([[2.0, 0.0]]))
    array([[0.5],
           [0. ]])
    """
    if rcond is not None and rtol is not None:
        raise TypeError("pinv: got both rcond= and rtol= (the same cutoff); pass one of them")
    return apply_unary(Pinv(rtol if rcond is None else rcond, hermitian), a)


@declare(namespace="linalg", family="linalg", numpy=np.linalg.matrix_power)
def matrix_power(a: ArrayLike, n: int) -> Any:
    """``a`` to the integer power ``n`` by repeated squaring, as ``np.linalg.matrix_power``
    (``n < 0``: powers of ``inv(a)``; ``n == 0``: identity matrices, with a zero gradient).

    >>> import numpy as np, autograd_lite as ag
    >>> ag.linalg.matrix_power(np.array([[1.0, 1.0], [0.0, 1.0]]), 3)
    array([[1., 3.],
           [0., 1.]])
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"matrix_power: the exponent n must be an int, got {n!r}")
    a = _array(a, "matrix_power")
    _square("matrix_power", a)
    if n == 0:  # the identity, still connected to a (its gradient is zero, as in PyTorch)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return where(np.ones(a.shape, dtype=bool), eye, a)
    base = inv(a) if n < 0 else a
    k, result = abs(int(n)), None
    while k:
        if k & 1:
            result = base if result is None else matmul(result, base)
        k >>= 1
        if k:
            base = matmul(base, base)
    return result * 1 if result is a else result  # a new array, as numpy's, for n == 1
