"""Randomized fuzzing of the engine: gradients of random programs against central differences.

A program starts from 1-3 leaves of mutually broadcastable shapes and applies 1-8 random
blocks, each taking its operands from everything computed so far (so intermediates are
reused and fan out). A block is one or a few ops: every public op appears in some block.
Blocks keep values in a range where float64 central differences are trustworthy (log of
``1 + x*x``, a power with base >= 1, ...) and keep every result broadcastable to the leaves'
common shape, so any two results can meet in a binary op. ``detach`` and ``no_grad`` blocks
cut the graph.

The check, for each program:

- the *live* gradient (``ag.grad`` through the program with its detach/no_grad cuts)
  equals the gradient of the *frozen* program, where each cut is replaced by a constant
  holding the value it had;
- the frozen program passes :func:`autograd_lite.testing.gradcheck` (its analytical
  gradient against central differences, plus the tester's cheap checks).

So a cut blocks exactly the gradient it should, and everything else is differentiated right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_registry import REGISTRY

import autograd_lite as ag
from autograd_lite.testing import gradcheck
from autograd_lite.testing import strategies as ags

Shape = tuple[int, ...]
Params = dict[str, Any]


@dataclass(frozen=True)
class Block:
    """``apply(params, *operands)``; ``params(shape)`` draws its parameters for the operands'
    common shape; ``min_ndim``: the fewest dimensions that common shape needs."""

    arity: int
    apply: Callable[..., Any]
    params: Callable[[Shape], st.SearchStrategy[Params]] = lambda shape: st.just({})
    min_ndim: int = 0
    cuts: bool = False  # the result is cut from the graph (detach, no_grad)


def unary(fn: Callable[[Any], Any], **kw: Any) -> Block:
    return Block(1, lambda p, x: fn(x), **kw)


def binary(fn: Callable[[Any, Any], Any], **kw: Any) -> Block:
    return Block(2, lambda p, a, b: fn(a, b), **kw)


def both_to(a: Any, b: Any) -> tuple[Any, Any]:
    """Both operands broadcast to their common shape (for joins and matmul)."""
    shape = np.broadcast_shapes(a.shape, b.shape)
    return ag.broadcast_to(a, shape), ag.broadcast_to(b, shape)


def one_axis(shape: Shape) -> st.SearchStrategy[Params]:
    return st.fixed_dictionaries({"axis": st.integers(-len(shape), len(shape) - 1)})


def new_axis(shape: Shape) -> st.SearchStrategy[Params]:
    return st.fixed_dictionaries({"axis": st.integers(-len(shape) - 1, len(shape))})


def reduce_params(shape: Shape) -> st.SearchStrategy[Params]:
    """Reductions keep the reduced axes (so the result still broadcasts), or reduce all."""
    kept = st.fixed_dictionaries(
        {"axis": ags.axes(len(shape), allow_none=False), "keepdims": st.just(True)}
    )
    return kept | st.just({"axis": None, "keepdims": False})


def sub_shapes(shape: Shape) -> st.SearchStrategy[Shape]:
    """Shapes that broadcast to ``shape`` without growing it: a suffix, some sides set to 1."""
    return st.integers(0, len(shape)).flatmap(
        lambda k: st.tuples(*(st.sampled_from([1, n]) for n in shape[len(shape) - k :]))
    )


def reduction(fn: Callable[..., Any]) -> Block:
    return Block(1, lambda p, x: fn(x, axis=p["axis"], keepdims=p["keepdims"]), reduce_params)


def _concat_sum(p: Params, a: Any, b: Any) -> Any:
    """concatenate along an axis, then fold the two halves back onto each other: a + b."""
    a, b = both_to(a, b)
    k = p["axis"] % a.ndim
    joined = ag.concatenate([a, b], axis=k)
    return ag.sum(joined.reshape(a.shape[:k] + (2,) + a.shape[k:]), axis=k)


def _stack_max(p: Params, a: Any, b: Any) -> Any:
    a, b = both_to(a, b)
    return ag.max(ag.stack([a, b], axis=p["axis"]), axis=p["axis"])


def _matmul(p: Params, a: Any, b: Any) -> Any:
    """a @ b^T, summed over its last axis: (..., m, 1), which broadcasts like the inputs."""
    a, b = both_to(a, b)
    if a.ndim == 1:
        return a @ b
    return ag.sum(a @ b.swapaxes(-1, -2), axis=-1, keepdims=True)


def _cross_entropy(p: Params, x: Any) -> Any:
    loss = ag.softmax_cross_entropy(x, p["labels"], axis=p["axis"], reduction=p["reduction"])
    return ag.expand_dims(loss, p["axis"]) if p["reduction"] == "none" else loss


def _cross_entropy_params(shape: Shape) -> st.SearchStrategy[Params]:
    def for_axis(axis: int) -> st.SearchStrategy[Params]:
        batch = tuple(int(n) for i, n in enumerate(shape) if i != axis % len(shape))
        classes = st.integers(0, shape[axis] - 1)
        return st.fixed_dictionaries(
            {
                "axis": st.just(axis),
                "labels": hnp.arrays(np.int64, batch, elements=classes),
                "reduction": st.sampled_from(["none", "mean", "sum"]),
            }
        )

    return st.integers(-len(shape), len(shape) - 1).flatmap(for_axis)


def _bce_probabilities(a: Any, b: Any) -> Any:
    """BCE of probabilities in [0.05, 0.95] against targets in (0, 1): both differentiable."""
    return ag.binary_cross_entropy(ag.sigmoid(a) * 0.9 + 0.05, ag.sigmoid(b), reduction="none")


def _array_sum(a: Any, b: Any) -> Any:
    """ag.array of a nested list of tensors (HIPS's np.array([x, y])), summed back."""
    return ag.sum(ag.array([[a, b], [b * 2.0 + a, a]]), axis=(0, 1))


def _contracted(p: Params, a: Any, b: Any) -> Any:
    """einsum, tensordot and dot, each contracting the last axis: (..., 1)."""
    a, b = both_to(a, b)
    row = b[(0,) * (b.ndim - 1)]  # one row of b, for inner
    return ag.expand_dims(
        ag.einsum("...j,...j->...", a, b)
        + ag.inner(a, row) * 0.5
        + ag.tensordot(a, b, axes=a.ndim) * 0.1
        + ag.dot(a.reshape(-1), b.reshape(-1)) * 0.1,
        -1,
    )


def _products(p: Params, a: Any, b: Any) -> Any:
    """outer, kron and cross, each folded back to the operands' common shape."""
    a, b = both_to(a, b)
    outer = ag.sum(ag.outer(a, b), axis=1).reshape(a.shape) * 0.1  # a * sum(b)
    kron = ag.kron(a, ag.tanh(ag.sum(b)).reshape((1,) * a.ndim))  # a * tanh(sum(b))
    cross = ag.cross(ag.stack([a, b, a * b], axis=-1), ag.stack([b, ag.tanh(a), a], axis=-1))
    return outer + kron + ag.sum(cross, axis=-1)


def _diagonals(p: Params, x: Any) -> Any:
    """trace, diagonal, diag, tril and triu of the last two axes, in x's shape."""
    k = p["offset"]
    trace = ag.trace(x, k, -2, -1)[..., None, None]
    diagonal = ag.sum(ag.diagonal(x, k, dim1=-1, dim2=-2), axis=-1, keepdims=True)[..., None]
    flat = x.reshape(-1)
    diag = ag.diag(ag.diag(flat, k=k), k=k).reshape(x.shape)  # the embedding and back
    return trace + diagonal + diag + ag.tril(x, k) - ag.triu(x, diagonal=k) * 0.5


def _matrix(a: Any, b: Any) -> Any:
    """(..., n, n) from two (..., n) operands: diag(2, 4, ..., 2n) plus a coupling of norm
    below 0.9, so eigenvalues and singular values stay at least 0.2 apart and away from 0."""
    n = a.shape[-1]
    return np.diag(2.0 * np.arange(1, n + 1)) + 0.3 * ag.tanh(a[..., :, None] * b[..., None, :])


def _solvers(p: Params, a: Any, b: Any) -> Any:
    a, b = both_to(a, b)
    m = _matrix(a, b)
    col = a[..., None]
    x = ag.linalg.solve(m, col)[..., 0] + (ag.linalg.inv(m) @ col)[..., 0]
    x = x + ag.linalg.matmul(ag.linalg.pinv(m), col)[..., 0]
    x = x + (ag.linalg.matrix_power(m * 0.25, p["power"]) @ col)[..., 0]
    return x + ag.linalg.det(m)[..., None] * 0.01 + ag.linalg.slogdet(m).logabsdet[..., None]


def _decompositions(p: Params, a: Any, b: Any) -> Any:
    a, b = both_to(a, b)
    m = _matrix(a, b)
    sym = m + m.swapaxes(-1, -2)  # (eigh reads one triangle; its gradient is for symmetric input)
    w, v = ag.linalg.eigh(sym)
    u, s, vh = ag.linalg.svd(m, full_matrices=False)
    chol = ag.linalg.cholesky(m @ m.swapaxes(-1, -2), upper=p["upper"])
    out = ((v * v) @ w[..., None])[..., 0] + ag.linalg.eigvalsh(sym, "U") * 0.1  # sign-free
    out = out + ((u * u) @ s[..., None])[..., 0] + ag.linalg.svdvals(m) * 0.1
    return out + (vh * vh)[..., 0, :] + ag.sum(chol, axis=-1) * 0.1


def _norms(p: Params, x: Any) -> Any:
    """Vector norms along the last axis, matrix norms over the last two, (..., 1, 1)."""
    vector = ag.linalg.norm(x, p["ord"], axis=-1, keepdims=True)
    vector = vector + ag.linalg.vector_norm(x, ord=p["ord"], dim=-1, keepdim=True)
    vector = vector + x.norm(p["ord"], dim=-1, keepdim=True) + ag.linalg.norm(x)
    matrix = ag.linalg.matrix_norm(x, p["matrix_ord"], keepdims=True)
    return vector[..., None] + matrix


def _average(p: Params, a: Any, b: Any) -> Any:
    a, w = both_to(a, 1.0 + b * b)  # positive weights of the data's shape
    return ag.average(a, p["axis"], w, keepdims=p["keepdims"])


def _ramp(shape: Shape) -> np.ndarray:
    """Distinct values 0.37 apart, in ``shape``."""
    return np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) * 0.37


def _weights(shape: Shape) -> np.ndarray:
    """A different weight at each position, so that a permuted gradient cannot pass."""
    return 1.0 + 0.1 * np.arange(int(np.prod(shape))).reshape(shape)


def _flips(p: Params, x: Any) -> Any:
    """flip and roll along an axis, then back (through ops that undo them)."""
    a, s = p["axis"], p["shift"]
    y = ag.flip(ag.roll(x, s, a), a) * _weights(x.shape)
    return ag.roll(ag.flip(y, dims=a), shifts=-s, dims=a)


def _rotations(p: Params, x: Any) -> Any:
    """rot90 k times in the plane of the last two axes and back; fliplr and flipud twice."""
    y = ag.rot90(x, p["k"], axes=(-2, -1))
    y = ag.rot90(y * _weights(y.shape), -p["k"], axes=(-2, -1))
    return ag.flipud(ag.fliplr(ag.fliplr(ag.flipud(y)) * _weights(x.shape)))


def _moves(p: Params, x: Any) -> Any:
    """Axes moved, swapped, permuted, added and removed, dims merged, and back."""
    shape, a, perm = x.shape, p["axis"] % x.ndim, p["perm"]
    y = ag.rollaxis(ag.moveaxis(x, a, 0) * _weights((shape[a],) + (1,) * (x.ndim - 1)), 0, a + 1)
    y = ag.swapaxes(ag.transpose(y, 0, -1), 0, -1)  # (PyTorch's transpose: a swap)
    y = ag.permute(ag.permute(y, perm), _inverse(perm))
    y = ag.squeeze(ag.unsqueeze(ag.clone(y), 0), dim=(0, -1)).reshape(shape)
    y = ag.flatten(ag.atleast_3d(y), 0, -2).reshape(shape) + ag.ravel(y).reshape(shape)
    return ag.atleast_2d(ag.atleast_1d(y)).reshape(shape)


def _repeats(p: Params, x: Any) -> Any:
    """tile and repeat along the last axis, folded back by sums: 2 x and 3 x."""
    head, n = x.shape[:-1], x.shape[-1]
    tiled = ag.sum(ag.tile(x, 2).reshape(head + (2, n)), axis=-2)
    repeated = ag.sum(ag.repeat(x, 3, axis=-1).reshape(head + (n, 3)), axis=-1)
    return tiled + repeated * _weights(x.shape)


def _splits(p: Params, x: Any) -> Any:
    """Split along an axis in each way there is, then joined back."""
    a = p["axis"]
    parts = ag.array_split(x, 2, axis=a)
    y = ag.concatenate([parts[0] * 2.0, *parts[1:]], axis=a)
    y = ag.cat(ag.split(y, [1], axis=a), dim=a) + ag.concat(ag.chunk(y, 2, a), axis=a)
    y = ag.stack(ag.unbind(y, a), a) + ag.split(y, 1, dim=a)[0] * 0.5
    y = ag.hstack(ag.hsplit(y, [1])) + ag.append(y[:1], y[1:], axis=0)
    if y.ndim >= 2:
        y = ag.vstack(ag.vsplit(y, [1])) + ag.column_stack(ag.hsplit(y, [1])).reshape(y.shape)
    return ag.dstack(ag.dsplit(ag.atleast_3d(y), [1])).reshape(y.shape)


def _picks(p: Params, x: Any) -> Any:
    """Gathers and scatters along the last axis by fixed indices, each result in x's shape."""
    idx, perm = p["indices"], p["index"]
    n = x.shape[-1]
    y = ag.take(x, perm, axis=-1) + ag.take_along_axis(x, idx, -1) + ag.gather(x, -1, idx)
    y = y + ag.index_select(x, -1, perm % n) + ag.scatter_add(x, -1, idx, x * 0.5)
    rolled = ag.concatenate([ag.narrow(x, -1, 1, n - 1), ag.narrow(x, -1, 0, 1)], axis=-1)
    filled = ag.masked_fill(x, p["condition"], 0.5) + ag.masked_fill(x, ~p["condition"], ag.sum(y))
    return y + rolled * _weights(x.shape) + filled


def _pads(p: Params, x: Any) -> Any:
    """pad the last axis by one on each side, and add the two neighbours; diff of x with its
    first entry prepended."""
    width = ((0, 0),) * (x.ndim - 1) + ((1, 1),)
    padded = ag.pad(x, width, mode=p["mode"]) * _weights(x.shape[:-1] + (x.shape[-1] + 2,))
    return padded[..., :-2] + padded[..., 2:] + ag.diff(x, prepend=x[..., :1] * 0.5)


def _meshgrid(p: Params, a: Any, b: Any) -> Any:
    """Grids of a's and b's entries, multiplied and summed over b's: a * sum(b), in a's shape."""
    ga, gb = ag.meshgrid(ag.ravel(a), ag.ravel(b), indexing=p["indexing"], sparse=p["sparse"])
    return ag.sum(ga * gb, axis=1 if p["indexing"] == "ij" else 0).reshape(a.shape)


def _no_grad_block(p: Params, x: Any) -> Any:
    with ag.no_grad():
        return ag.sin(x) * 2.0


def _inverse(perm: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argsort(perm))


BLOCKS: dict[str, Block] = {
    # elementwise, one operand
    "negative": unary(lambda x: -x),
    "exp": unary(lambda x: ag.exp(ag.tanh(x))),
    "log": unary(lambda x: ag.log(1.0 + x * x)),
    "sqrt": unary(lambda x: ag.sqrt(x * x + 0.5)),
    "abs": unary(ag.abs),
    "sin": unary(ag.sin),
    "cos": unary(ag.cos),
    "tanh": unary(ag.tanh),
    "erf": unary(ag.erf),
    "softplus": unary(lambda x: ag.softplus(x, beta=2.0)),
    "elu": unary(lambda x: ag.elu(x, alpha=0.5)),
    "selu": unary(ag.selu),
    "silu": unary(ag.silu),
    "hardtanh": unary(lambda x: ag.hardtanh(x, -1.0, 1.0)),
    "binary_cross_entropy": Block(2, lambda p, a, b: _bce_probabilities(*both_to(a, b))),
    "sigmoid": unary(ag.sigmoid),
    "relu": unary(ag.relu),
    "leaky_relu": unary(lambda x: ag.leaky_relu(x, 0.1)),
    "clip": unary(lambda x: ag.clip(x, -1.0, 1.0)),
    "square": unary(lambda x: x**2 + ag.square(x)),
    "scalars": unary(lambda x: 1.0 / (1.0 + x * x) - 0.5 * x + 2.0**-1),
    "tan": unary(lambda x: ag.tan(ag.tanh(x))),
    "sinh": unary(lambda x: ag.sinh(ag.tanh(x))),
    "cosh": unary(lambda x: ag.cosh(ag.tanh(x))),
    "arcsin": unary(lambda x: ag.arcsin(ag.tanh(x) * 0.9)),
    "arccos": unary(lambda x: ag.arccos(ag.tanh(x) * 0.9)),
    "arctan": unary(ag.arctan),
    "arcsinh": unary(ag.arcsinh),
    "arccosh": unary(lambda x: ag.arccosh(1.5 + x * x)),
    "arctanh": unary(lambda x: ag.arctanh(ag.tanh(x) * 0.9)),
    "log2": unary(lambda x: ag.log2(1.0 + x * x)),
    "log10": unary(lambda x: ag.log10(1.0 + x * x)),
    "log1p": unary(lambda x: ag.log1p(x * x)),
    "expm1": unary(lambda x: ag.expm1(ag.tanh(x))),
    "exp2": unary(lambda x: ag.exp2(ag.tanh(x))),
    "reciprocal": unary(lambda x: ag.reciprocal(1.0 + x * x)),
    "degrees": unary(lambda x: ag.deg2rad(ag.rad2deg(x) * 0.5)),
    "sinc": unary(ag.sinc),
    "nan_to_num": unary(ag.nan_to_num),
    # piecewise constant: a zero gradient (continuous leaves never sit on a jump)
    "rounding": unary(
        lambda x: (
            x + ag.floor(x) + ag.ceil(x) + ag.trunc(x) + ag.rint(x) + ag.sign(x) + ag.round(x, 1)
        )
    ),
    # elementwise, two operands (broadcasting)
    "add": binary(ag.add),
    "subtract": binary(lambda a, b: a - b),
    "multiply": binary(ag.multiply),
    "divide": binary(lambda a, b: a / (1.0 + b * b)),
    "power": binary(lambda a, b: ag.power(1.0 + a * a, ag.tanh(b))),
    "maximum": binary(ag.maximum),
    "minimum": binary(ag.minimum),
    "fmax": binary(ag.fmax),
    "fmin": binary(ag.fmin),
    "remainder": binary(lambda a, b: a % (1.5 + b * b) + 2.0 % (1.5 + a * a)),
    "fmod": binary(lambda a, b: ag.fmod(a, 1.5 + b * b)),
    "floor_divide": binary(lambda a, b: a + a // (1.5 + b * b) + 2.0 // (1.5 + a * a)),
    "hypot": binary(ag.hypot),
    "arctan2": binary(ag.arctan2),
    "logaddexp": binary(ag.logaddexp),
    "logaddexp2": binary(ag.logaddexp2),
    "where": Block(
        2,
        lambda p, a, b: ag.where(p["condition"], a, b),
        lambda s: st.fixed_dictionaries({"condition": hnp.arrays(np.bool_, sub_shapes(s))}),
    ),
    # reductions and the softmax family
    "sum": reduction(ag.sum),
    "mean": reduction(ag.mean),
    "max": reduction(ag.max),
    "min": reduction(ag.min),
    "logsumexp": reduction(ag.logsumexp),
    "prod": reduction(ag.prod),
    "amax": reduction(ag.amax),
    "amin": reduction(ag.amin),
    "ptp": reduction(ag.ptp),
    "median": reduction(ag.median),
    "quantile": reduction(lambda x, axis, keepdims: ag.quantile(x, 0.3, axis, keepdims)),
    "percentile": reduction(lambda x, axis, keepdims: ag.percentile(x, 70, axis, keepdims)),
    "var": reduction(ag.var),
    # std is a kink where all values are equal: a ramp keeps them apart
    "std": reduction(lambda x, axis, keepdims: ag.std(x + _ramp(x.shape), axis, keepdims=keepdims)),
    "average": Block(2, _average, reduce_params),
    "max_dim": Block(
        1, lambda p, x: ag.max(x, dim=p["axis"], keepdim=True).values, one_axis, min_ndim=1
    ),
    "min_dim": Block(1, lambda p, x: x.min(p["axis"], True).values, one_axis, min_ndim=1),
    "median_torch": unary(
        lambda x: x.median() + ag.median(x, dim=-1, keepdim=True).values if x.ndim else x.median()
    ),
    "topk": Block(1, lambda p, x: ag.topk(x, 1, dim=p["axis"]).values, one_axis, min_ndim=1),
    # scans and sorting keep the shape
    "cumsum": Block(1, lambda p, x: ag.cumsum(x, axis=p["axis"]), one_axis, min_ndim=1),
    "cumprod": Block(1, lambda p, x: x.cumprod(p["axis"]), one_axis, min_ndim=1),
    "sort": Block(
        1,
        lambda p, x: ag.sort(x, axis=p["axis"]) + x.sort(p["axis"], descending=True).values,
        one_axis,
        min_ndim=1,
    ),
    "softmax": Block(1, lambda p, x: ag.softmax(x, axis=p["axis"]), one_axis, min_ndim=1),
    "log_softmax": Block(1, lambda p, x: ag.log_softmax(x, axis=p["axis"]), one_axis, min_ndim=1),
    # fused losses: per-sample losses, kept in the shape the inputs broadcast to
    "cross_entropy": Block(1, _cross_entropy, _cross_entropy_params, min_ndim=1),
    "bce": Block(
        1,
        lambda p, x: ag.sigmoid_binary_cross_entropy(
            x, p["target"], reduction="none", pos_weight=p["pos_weight"]
        ),
        lambda s: st.fixed_dictionaries(
            {
                "target": hnp.arrays(np.float64, s, elements=st.floats(0, 1)),
                "pos_weight": st.sampled_from([None, 2.0]),
            }
        ),
    ),
    # shapes: each block gives back a result of the same shape
    "reshape": unary(lambda x: x.reshape(-1).reshape(x.shape)),
    "transpose": Block(
        1,
        lambda p, x: ag.transpose(ag.transpose(x, p["perm"]) * 1.5, _inverse(p["perm"])),
        lambda s: st.fixed_dictionaries({"perm": st.permutations(range(len(s))).map(tuple)}),
    ),
    "expand_squeeze": Block(
        1, lambda p, x: ag.squeeze(ag.expand_dims(x, p["axis"]), p["axis"]), new_axis
    ),
    "broadcast_to": Block(
        1,
        lambda p, x: ag.broadcast_to(x, p["lead"] + x.shape),
        lambda s: st.fixed_dictionaries({"lead": st.sampled_from([(), (1,)])}),
    ),
    "flip": Block(1, lambda p, x: x[..., ::-1], min_ndim=1),
    "gather": Block(  # advanced indexing with repeats along the last axis
        1,
        lambda p, x: x[..., p["index"]],
        lambda s: st.fixed_dictionaries(
            {"index": hnp.arrays(np.intp, (s[-1],), elements=st.integers(-s[-1], s[-1] - 1))}
        ),
        min_ndim=1,
    ),
    "concatenate": Block(2, _concat_sum, one_axis, min_ndim=1),
    "stack": Block(2, _stack_max, new_axis),
    "flips": Block(
        1,
        _flips,
        lambda s: st.fixed_dictionaries(
            {"axis": st.integers(-len(s), len(s) - 1), "shift": st.integers(-3, 3)}
        ),
        min_ndim=1,
    ),
    "rotations": Block(
        1, _rotations, lambda s: st.fixed_dictionaries({"k": st.integers(-1, 2)}), min_ndim=2
    ),
    "moves": Block(
        1,
        _moves,
        lambda s: st.fixed_dictionaries(
            {
                "axis": st.integers(-len(s), len(s) - 1),
                "perm": st.permutations(range(len(s))).map(tuple),
            }
        ),
        min_ndim=1,
    ),
    "repeats": unary(lambda x: _repeats({}, x), min_ndim=1),
    "splits": Block(1, _splits, one_axis, min_ndim=1),
    "picks": Block(
        1,
        _picks,
        lambda s: st.fixed_dictionaries(
            {
                "indices": hnp.arrays(np.intp, s, elements=st.integers(0, s[-1] - 1)),
                "index": hnp.arrays(np.intp, (s[-1],), elements=st.integers(-s[-1], s[-1] - 1)),
                "condition": hnp.arrays(np.bool_, sub_shapes(s)),
            }
        ),
        min_ndim=1,
    ),
    "pads": Block(
        1,
        _pads,
        lambda s: st.fixed_dictionaries(
            {"mode": st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"])}
        ),
        min_ndim=1,
    ),
    "meshgrid": Block(
        2,
        _meshgrid,
        lambda s: st.fixed_dictionaries(
            {"indexing": st.sampled_from(["xy", "ij"]), "sparse": st.booleans()}
        ),
    ),
    "array": Block(2, lambda p, a, b: _array_sum(*both_to(a, b))),
    "matmul": Block(2, _matmul, min_ndim=1),
    # linear algebra
    "contractions": Block(2, _contracted, min_ndim=1),
    "products": Block(2, _products),
    "diagonals": Block(
        1,
        _diagonals,
        lambda s: st.fixed_dictionaries({"offset": st.integers(-2, 2)}),
        min_ndim=2,
    ),
    "solvers": Block(
        2,
        _solvers,
        lambda s: st.fixed_dictionaries({"power": st.sampled_from([-1, 0, 2])}),
        min_ndim=1,
    ),
    "decompositions": Block(
        2,
        _decompositions,
        lambda s: st.fixed_dictionaries({"upper": st.booleans()}),
        min_ndim=1,
    ),
    "norms": Block(
        1,
        _norms,
        lambda s: st.fixed_dictionaries(
            {
                "ord": st.sampled_from([None, 1, 3, np.inf]),
                "matrix_ord": st.sampled_from(["fro", "nuc", 1, 2, -np.inf]),
            }
        ),
        min_ndim=2,
    ),
    # cuts
    "detach": Block(1, lambda p, x: x.detach(), cuts=True),
    "no_grad": Block(1, _no_grad_block, cuts=True),
}
FALLBACK = {1: "tanh", 2: "multiply"}  # used when the operands have too few dimensions
# Parameters that suit every block for operands of shapes (2, 3) and (3,).
EXAMPLE_PARAMS: Params = {
    "condition": np.array([True, False, True]),
    "axis": -1,
    "keepdims": True,
    "perm": (1, 0),
    "lead": (1,),
    "index": np.array([2, 2, -3]),
    "labels": np.array([0, 2]),
    "reduction": "none",
    "target": np.full((2, 3), 0.25),
    "pos_weight": 2.0,
    "offset": 1,
    "power": -1,
    "upper": True,
    "ord": 3,
    "matrix_ord": "nuc",
    "shift": 2,
    "k": 1,
    "indices": np.array([[2, 0, 0], [1, 1, 2]]),
    "mode": "reflect",
    "indexing": "xy",
    "sparse": True,
}


@dataclass(frozen=True)
class Step:
    block: str
    operands: tuple[int, ...]
    params: Params


def run(steps: list[Step], leaves: list[Any], frozen: list[np.ndarray] | None = None) -> Any:
    """Replay a program. ``frozen``: the values of its cuts, used instead of computing them.
    Returns the pool of all results and the list of the cuts' values."""
    pool = list(leaves)
    cut_values: list[np.ndarray] = []
    for step in steps:
        block = BLOCKS[step.block]
        if block.cuts and frozen is not None:
            out = ag.tensor(frozen[len(cut_values)])
        else:
            out = block.apply(step.params, *(pool[i] for i in step.operands))
        if block.cuts:
            cut_values.append(out.data)
        pool.append(out)
    return pool, cut_values


def total(pool: list[Any], weights: list[np.ndarray]) -> Any:
    """One scalar that every result feeds into, with weights so that no entry is ignored."""
    out = (pool[0] * weights[0]).sum()
    for t, w in zip(pool[1:], weights[1:]):
        out = out + (t * w).sum()
    return out


@st.composite
def programs(draw: Any) -> tuple[list[np.ndarray], list[Step]]:
    """Leaf values and a program, drawn step by step against the shapes computed so far."""
    shapes = draw(ags.mutually_broadcastable_shapes(num_shapes=draw(st.integers(1, 3))))
    # Leaf values from a seeded generator: continuous, so kinks and ties are (almost surely)
    # met only where the program builds them on purpose, moving together.
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    leaves = [rng.uniform(-1.5, 1.5, s) for s in shapes.input_shapes]
    pool_shapes = [s for s in shapes.input_shapes]
    steps = []
    for _ in range(draw(st.integers(1, 8))):
        name = draw(st.sampled_from(sorted(BLOCKS)))
        block = BLOCKS[name]
        ops = tuple(draw(st.integers(0, len(pool_shapes) - 1)) for _ in range(block.arity))
        common = np.broadcast_shapes(*(pool_shapes[i] for i in ops))
        if len(common) < block.min_ndim:
            name, block = FALLBACK[block.arity], BLOCKS[FALLBACK[block.arity]]
        step = Step(name, ops, draw(block.params(common)))
        steps.append(step)
        # The shape of the new result: run the block on arrays (ops on arrays give arrays).
        dummies = [ag.tensor(np.full(s, 0.5)) for s in pool_shapes]
        pool_shapes.append(run([step], dummies)[0][-1].shape)
    return leaves, steps


def test_every_public_op_is_used_by_some_block(monkeypatch):
    """Run every block once and collect the ops in the graphs they build, and the public
    functions it calls (ops built from others, such as tensordot on einsum, leave no node of
    their own)."""
    seen: set[str] = set()
    for name in [*ag.ops.__all__, *ag.linalg.__all__]:
        home = ag.linalg if name in ag.linalg.__all__ else ag
        fn = getattr(home, name)
        if callable(fn) and not isinstance(fn, type):
            monkeypatch.setattr(home, name, _spy(fn, seen, name))
    x = ag.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    for block in BLOCKS.values():
        stack = [block.apply(EXAMPLE_PARAMS, *([x] * block.arity))]
        while stack:
            t = stack.pop()
            if t.op is not None:
                seen.add(t.op.name)
                stack.extend(i for i in t.op.inputs if isinstance(i, ag.Tensor))
    linalg = {f"linalg.{name}" for name in ag.linalg.__all__ if name[0].islower()}
    missing_linalg = linalg - seen
    assert not missing_linalg, f"no fuzz block uses: {sorted(missing_linalg)}"
    exempt = {"astype", "index_add"}  # a dtype cast; getitem's adjoint (its backward)
    exempt |= {case.op for case in REGISTRY if not case.differentiable}  # never in a graph
    # Functions built from other ops show those ops in the graph: a block of their name calls
    # them. Aliases (one function, two names) are used when the function is.
    composed = {"ptp", "average", "sort", "topk", "quantile", "percentile"}
    assert composed <= set(BLOCKS)
    declared = ag.ops.declarations.DECLARED
    used = {declared[name].function for name in seen if name in declared}
    missing = {
        name
        for name in set(ag.ops.__all__) - exempt - seen - composed
        if declared[name].function not in used
    }
    assert not missing, f"no fuzz block uses: {sorted(missing)}"


def _spy(fn: Callable[..., Any], seen: set[str], name: str) -> Callable[..., Any]:
    qualified = name if getattr(ag, name, None) is fn else f"linalg.{name}"

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.add(qualified)
        return fn(*args, **kwargs)

    return spy


@given(programs())
def test_random_programs_have_correct_gradients(program):
    leaves, steps = program
    rng = np.random.default_rng(0)
    live = [ag.tensor(x, requires_grad=True) for x in leaves]
    pool, cuts = run(steps, live)
    weights = [rng.uniform(0.5, 1.5, t.shape) for t in pool]
    for step, t in zip(steps, pool[len(leaves) :]):
        if BLOCKS[step.block].cuts:
            assert not t.requires_grad and t.op is None
    live_grads = ag.grad(total(pool, weights), live)

    def frozen_program(*xs: Any) -> Any:
        return total(run(steps, list(xs), frozen=cuts)[0], weights)

    frozen_leaves = [ag.tensor(x, requires_grad=True) for x in leaves]
    frozen_grads = ag.grad(frozen_program(*frozen_leaves), frozen_leaves)
    for g_live, g_frozen in zip(live_grads, frozen_grads, strict=True):
        np.testing.assert_allclose(g_live.data, g_frozen.data, rtol=1e-12, atol=1e-12)
    assert gradcheck(frozen_program, *leaves, mode="fast")


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_each_block_on_broadcast_operands(name):
    """Every block once, deterministically, on operands of shapes (2, 3) and (3,)."""
    rng = np.random.default_rng(1)
    leaves = [rng.uniform(-1.5, 1.5, (2, 3)), rng.uniform(-1.5, 1.5, (3,))]
    step = Step(name, (0, 1)[: BLOCKS[name].arity], EXAMPLE_PARAMS)
    pool, cuts = run([step], [ag.tensor(x) for x in leaves])
    weights = [rng.uniform(0.5, 1.5, t.shape) for t in pool]
    assert gradcheck(lambda *xs: total(run([step], list(xs), frozen=cuts)[0], weights), *leaves)
