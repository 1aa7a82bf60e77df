"""Every bad input gets an error that names the op, what it got and what it expected,
raised before any state changes.

``CASES`` is the table: one row per bad call, with the exception type and a regex that the
message must match. Every row runs against a fresh :class:`Env` (leaves with gradients
already accumulated, a live graph, a freed graph, a small model) and afterwards checks that
nothing changed: data, ``.grad``, ``requires_grad``, the live graph still usable, and a
correct backward through it still giving the right gradient.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim


def _leaf(shape: tuple[int, ...], seed: int) -> ag.Tensor:
    rng = np.random.default_rng(seed)
    t = ag.tensor(rng.standard_normal(shape), requires_grad=True)
    t.grad = ag.tensor(np.full(shape, 7.0))  # already accumulated: errors must not touch it
    return t


class Env:
    """Fresh tensors for one row of the table."""

    def __init__(self) -> None:
        self.a = _leaf((2, 3), 0)
        self.b = _leaf((4, 5), 1)
        self.v = _leaf((4,), 2)
        self.s = _leaf((), 3)
        self.unused = _leaf((3,), 4)
        self.const = ag.tensor(np.arange(6.0).reshape(2, 3))
        self.ints = ag.tensor(np.arange(3))
        self.out = self.a * 2.0  # non-scalar output of a live graph
        self.loss = (self.a * self.a).sum()  # scalar output of a live graph
        self.used_const = (self.a * self.const).sum()  # a graph that saved self.const
        freed_in = ag.tensor(np.ones(2), requires_grad=True)
        self.freed = ag.exp(freed_in).sum()
        self.freed.backward()
        self.net = nn.Linear(3, 2, rng=0)

    def tensors(self) -> list[ag.Tensor]:
        own = [t for t in vars(self).values() if isinstance(t, ag.Tensor)]
        return own + list(self.net.parameters())

    def snapshot(self) -> list[tuple[Any, ...]]:
        return [
            (t.data.copy(), None if t.grad is None else t.grad.data.copy(), t.requires_grad)
            for t in self.tensors()
        ]


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[Env], Any]
    error: type[BaseException]
    message: str  # a regex, searched in str(error)


BINARY = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum"]
BINARY += "less less_equal greater greater_equal equal not_equal logical_and logical_or".split()
BINARY += ["logical_xor"]
BINARY += "floor_divide remainder fmod hypot arctan2 logaddexp logaddexp2 fmax fmin".split()
REDUCTIONS = ["sum", "mean", "max", "min", "logsumexp"]
REDUCTIONS += "prod amax amin ptp var std median all any count_nonzero".split()
ALONG_AXIS = ["softmax", "log_softmax", "cumsum", "cumprod"]
# Functions taking numpy's axis= and PyTorch's dim= (ops/conventions.py): never both.
BOTH_SPELLINGS = "sum mean prod max min amax amin logsumexp var std median all any".split()
BOTH_SPELLINGS += "argmax argmin count_nonzero cumsum cumprod softmax log_softmax".split()
BOTH_SPELLINGS += ["sort", "argsort"]
CE = ag.softmax_cross_entropy
BCE = ag.sigmoid_binary_cross_entropy


def axis_cases(
    ops: list[str], what: str, axis: Any, error: type[BaseException], message: str
) -> list[Case]:
    """One row per op: ``ag.<op>(a, axis=axis)`` on a (2, 3) tensor; the message starts with
    the op's name."""
    return [
        Case(
            f"{op} {what}",
            lambda e, op=op: getattr(ag, op)(e.a, axis=axis),
            error,
            rf"{op}: {message}",
        )
        for op in ops
    ]


def _unused_grad(e: Env) -> Any:
    return ag.grad(e.loss, [e.a, e.unused])


CASES: list[Case] = [
    # -- matmul
    Case(
        "matmul inner dims",
        lambda e: ag.matmul(e.a, e.b),
        ValueError,
        r"matmul: shapes \(2, 3\) and \(4, 5\) are not aligned: the last dimension of a \(3\) "
        r"must equal the second-to-last dimension of b \(4\)",
    ),
    Case(
        "matmul operator 1-d",
        lambda e: e.v @ e.a,
        ValueError,
        r"matmul: shapes \(4,\) and \(2, 3\) are not aligned",
    ),
    Case(
        "matmul 0-d operand",
        lambda e: ag.matmul(e.s, e.a),
        ValueError,
        r"matmul: shapes \(\) and \(2, 3\).*at least 1 dimension",
    ),
    Case(
        "matmul batch dims",
        lambda e: ag.matmul(ag.tensor(np.ones((2, 3, 4))), ag.tensor(np.ones((5, 4, 2)))),
        ValueError,
        r"matmul: .*batch dimensions \(2,\) and \(5,\) do not broadcast",
    ),
    # -- products and diagonals
    Case(
        "einsum bad subscript",
        lambda e: ag.einsum("i1", e.v),
        ValueError,
        r"einsum: invalid subscript '1'.*\(subscripts 'i1', operand shapes \[\(4,\)\]\)",
    ),
    Case(
        "einsum too many operands",
        lambda e: ag.einsum("ij,jk->ik", e.a, e.b, e.a),
        ValueError,
        r"einsum: subscripts 'ij,jk->ik' name 2 operands, got 3",
    ),
    Case(
        "einsum too few operands",
        lambda e: ag.einsum("ij,jk->ik", e.a),
        ValueError,
        r"einsum: subscripts 'ij,jk->ik' name 2 operands, got 1",
    ),
    Case(
        "einsum label sizes",
        lambda e: ag.einsum("ij,jk->ik", e.a, e.b),
        ValueError,
        r"einsum: label 'j' has size 3 in operand 0 but 4 in operand 1 \(subscripts "
        r"'ij,jk->ik', operand shapes \[\(2, 3\), \(4, 5\)\]\)",
    ),
    Case(
        "einsum broadcast axes",
        lambda e: ag.einsum("...i,...i", e.a, ag.tensor(np.ones((4, 3)))),
        ValueError,
        r"einsum: a broadcast axis \(...\) has size 2 in operand 0 but 4 in operand 1",
    ),
    Case(
        "einsum output label",
        lambda e: ag.einsum("ij->k", e.a),
        ValueError,
        r"einsum: .*output subscript 'k' which never appeared in an input",
    ),
    Case(
        "einsum no operands",
        lambda e: ag.einsum("ij->"),
        ValueError,
        r"einsum: subscripts 'ij->' name 1 operand, got 0",
    ),
    Case(
        "einsum optimize",
        lambda e: ag.einsum("ij->", e.a, optimize="fast"),
        TypeError,
        r"einsum: optimize must be True, False, 'greedy', 'optimal' or an np.einsum_path list, "
        r"got 'fast'",
    ),
    Case(
        "einsum sublist",
        lambda e: ag.einsum(e.a, [0, 99]),
        ValueError,
        r"einsum: a sublist holds ints in \[0, 52\) and Ellipsis, got \[0, 99\]",
    ),
    Case(
        "tensordot shape mismatch",
        lambda e: ag.tensordot(e.a, e.b, axes=1),
        ValueError,
        r"tensordot: shape mismatch for sum: axes \[1\] of a \(shape \(2, 3\)\) have sizes "
        r"\[3\], axes \[0\] of b \(shape \(4, 5\)\) have sizes \[4\]",
    ),
    Case(
        "tensordot axes type",
        lambda e: ag.tensordot(e.a, e.b, axes="x"),
        TypeError,
        r"tensordot: axes must be an int or a pair of axis sequences, got 'x'",
    ),
    Case(
        "tensordot too many axes",
        lambda e: ag.tensordot(e.a, e.b, axes=3),
        ValueError,
        r"tensordot: axes=3 must be between 0 and the smaller number of dimensions \(2 and 2\)",
    ),
    Case(
        "tensordot axis out of range",
        lambda e: ag.tensordot(e.a, e.b, axes=([5], [0])),
        ValueError,
        r"tensordot: axis of a 5 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "tensordot numpy and PyTorch keywords",
        lambda e: ag.tensordot(e.a, e.a, axes=1, dims=1),
        TypeError,
        r"tensordot: got both axes= \(numpy's name\) and dims= \(PyTorch's name\)",
    ),
    Case(
        "cross numpy and PyTorch keywords",
        lambda e: ag.cross(e.a, e.a, axis=1, dim=1),
        TypeError,
        r"cross: got both axis= \(numpy's name\) and dim= \(PyTorch's name\)",
    ),
    Case(
        "dot not aligned",
        lambda e: e.a.dot(e.b),
        ValueError,
        r"dot: shapes \(2, 3\) and \(4, 5\) are not aligned: the last dimension of a \(3\) "
        r"must equal the second-to-last dimension of b \(4\)",
    ),
    Case(
        "inner not aligned",
        lambda e: ag.inner(e.a, e.v),
        ValueError,
        r"inner: shapes \(2, 3\) and \(4,\) are not aligned: .* the last dimension of b \(4\)",
    ),
    Case(
        "outer of strings",
        lambda e: ag.outer(e.a, "x"),
        TypeError,
        r"outer: expected numbers, got an array of dtype <U1",
    ),
    Case(
        "kron of objects",
        lambda e: ag.kron(np.array([None]), e.a),
        TypeError,
        r"kron: expected numbers, got an array of dtype object",
    ),
    Case(
        "cross vector length",
        lambda e: ag.cross(e.a, e.b),
        ValueError,
        r"cross: the vectors of b \(shape \(4, 5\), axis 1\) have 5 components; only "
        r"3-vectors are supported",
    ),
    Case(
        "cross axis out of range",
        lambda e: ag.cross(e.a, e.a, axisa=3),
        ValueError,
        r"cross: axisa 3 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "cross batch shapes",
        lambda e: ag.cross(ag.tensor(np.ones((2, 3))), ag.tensor(np.ones((4, 3)))),
        ValueError,
        r"cross: the other axes of a \(2, 3\) and b \(4, 3\) do not broadcast together",
    ),
    Case(
        "diagonal of a vector",
        lambda e: e.v.diagonal(),
        ValueError,
        r"diagonal: needs at least 2 dimensions, got shape \(4,\)",
    ),
    Case(
        "diagonal same axes",
        lambda e: ag.diagonal(e.a, 0, 1, -1),
        ValueError,
        r"diagonal: axis1 and axis2 are the same axis \(1\) of shape \(2, 3\)",
    ),
    Case(
        "diagonal numpy and PyTorch keywords",
        lambda e: ag.diagonal(e.a, axis1=0, dim1=0),
        TypeError,
        r"diagonal: got both axis1= \(numpy's name\) and dim1= \(PyTorch's name\)",
    ),
    Case(
        "trace axis out of range",
        lambda e: e.a.trace(0, 0, 4),
        ValueError,
        r"trace: axis2 4 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "trace offset",
        lambda e: ag.trace(e.a, 0.5),
        TypeError,
        r"trace: offset must be an int, got 0.5",
    ),
    Case(
        "diag of 3-d",
        lambda e: ag.diag(ag.tensor(np.ones((2, 2, 2)))),
        ValueError,
        r"diag: input must be 1-D or 2-D, got shape \(2, 2, 2\)",
    ),
    Case("diag k", lambda e: ag.diag(e.v, 1.5), TypeError, r"diag: k must be an int, got 1.5"),
    Case(
        "tril of 0-d",
        lambda e: ag.tril(e.s),
        ValueError,
        r"tril: needs at least 1 dimension, got a 0-d tensor",
    ),
    Case("triu k", lambda e: e.a.triu(0.5), TypeError, r"triu: k must be an int, got 0.5"),
    Case(
        "tril numpy and PyTorch keywords",
        lambda e: ag.tril(e.a, 1, diagonal=1),
        TypeError,
        r"tril: got both k= \(numpy's name\) and diagonal= \(PyTorch's name\)",
    ),
    # -- ag.linalg
    Case(
        "linalg.inv not square",
        lambda e: ag.linalg.inv(e.a),
        ValueError,
        r"inv: expected a square matrix or a batch of them \(shape \(..., n, n\)\), got shape "
        r"\(2, 3\)",
    ),
    Case(
        "linalg.inv singular",
        lambda e: ag.linalg.inv(e.a[:, :2] * 0.0),
        ag.linalg.LinAlgError,
        r"inv: Singular matrix \(input of shape \(2, 2\)\)",
    ),
    Case(
        "linalg.det of a vector",
        lambda e: ag.linalg.det(e.v),
        ValueError,
        r"det: expected a square matrix .* got shape \(4,\)",
    ),
    Case(
        "linalg.det gradient at a singular matrix",
        lambda e: ag.linalg.det(ag.tensor(np.zeros((2, 2)), requires_grad=True)).backward(),
        ag.linalg.LinAlgError,
        r"det: the gradient at a singular matrix \(shape \(2, 2\)\) is not computed",
    ),
    Case(
        "linalg.slogdet not square",
        lambda e: ag.linalg.slogdet(e.a),
        ValueError,
        r"slogdet: expected a square matrix .* got shape \(2, 3\)",
    ),
    Case(
        "linalg.solve b shape",
        lambda e: ag.linalg.solve(np.eye(2), e.v),
        ValueError,
        r"solve: b must have shape \(2,\) or \(..., 2, k\) for a of shape \(2, 2\), got \(4,\)",
    ),
    Case(
        "linalg.solve batch shapes",
        lambda e: ag.linalg.solve(np.ones((2, 2, 2)) + np.eye(2), ag.tensor(np.ones((3, 2, 1)))),
        ValueError,
        r"solve: the batch dimensions of a \(2, 2, 2\) and b \(3, 2, 1\) do not broadcast",
    ),
    Case(
        "linalg.solve singular",
        lambda e: ag.linalg.solve(np.zeros((4, 4)), e.v),
        ag.linalg.LinAlgError,
        r"solve: Singular matrix \(input of shape \(4, 4\)\)",
    ),
    Case(
        "linalg.cholesky not positive definite",
        lambda e: ag.linalg.cholesky(-ag.tensor(np.eye(2), requires_grad=True)),
        ag.linalg.LinAlgError,
        r"cholesky: Matrix is not positive definite \(input of shape \(2, 2\)\)",
    ),
    Case(
        "linalg.eigh UPLO",
        lambda e: ag.linalg.eigh(np.eye(2), "X"),
        ValueError,
        r"eigh: UPLO must be 'L' or 'U', got 'X'",
    ),
    Case(
        "linalg.eigvalsh not square",
        lambda e: ag.linalg.eigvalsh(e.a),
        ValueError,
        r"eigh: expected a square matrix .* got shape \(2, 3\)",
    ),
    Case(
        "linalg.svd of a vector",
        lambda e: ag.linalg.svd(e.v),
        ValueError,
        r"svd: expected a matrix or a batch of them, got shape \(4,\)",
    ),
    Case(
        "linalg.svdvals of a scalar",
        lambda e: ag.linalg.svdvals(e.s),
        ValueError,
        r"svd: expected a matrix or a batch of them, got shape \(\)",
    ),
    Case(
        "linalg.pinv of a vector",
        lambda e: ag.linalg.pinv(e.v),
        ValueError,
        r"pinv: expected a matrix or a batch of them, got shape \(4,\)",
    ),
    Case(
        "linalg.pinv rcond and rtol",
        lambda e: ag.linalg.pinv(e.a, rcond=1e-3, rtol=1e-3),
        TypeError,
        r"pinv: got both rcond= and rtol=",
    ),
    Case(
        "linalg.matrix_power not square",
        lambda e: ag.linalg.matrix_power(e.a, 2),
        ValueError,
        r"matrix_power: expected a square matrix .* got shape \(2, 3\)",
    ),
    Case(
        "linalg.matrix_power exponent",
        lambda e: ag.linalg.matrix_power(np.eye(2), 1.5),
        TypeError,
        r"matrix_power: the exponent n must be an int, got 1.5",
    ),
    Case(
        "linalg.norm string order for vectors",
        lambda e: ag.linalg.norm(e.a, "fro", axis=0),
        ValueError,
        r"norm: invalid norm order 'fro' for vectors; expected a number",
    ),
    Case(
        "linalg.norm matrix order",
        lambda e: ag.linalg.norm(e.a, 3, axis=(0, 1)),
        ValueError,
        r"norm: invalid norm order 3 for matrices; expected 'fro', 'nuc', 1, -1, 2, -2, inf or "
        r"-inf",
    ),
    Case(
        "linalg.norm order without axis",
        lambda e: ag.linalg.norm(ag.tensor(np.ones((2, 2, 2))), 1),
        ValueError,
        r"norm: with ord=1 and no axis, x must be 1-D or 2-D, got shape \(2, 2, 2\)",
    ),
    Case(
        "linalg.norm three axes",
        lambda e: ag.linalg.norm(e.a, axis=(0, 1, 0)),
        ValueError,
        r"norm: axis must name 1 or 2 axes, got \(0, 1, 0\)",
    ),
    Case(
        "linalg.norm axis out of range",
        lambda e: ag.linalg.norm(e.a, axis=2),
        ValueError,
        r"norm: axis 2 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "linalg.norm numpy and PyTorch keywords",
        lambda e: ag.linalg.norm(e.a, axis=0, dim=1),
        TypeError,
        r"norm: got both axis= \(numpy's name\) and dim= \(PyTorch's name\)",
    ),
    Case(
        "linalg.vector_norm order",
        lambda e: ag.linalg.vector_norm(e.a, "nuc"),
        ValueError,
        r"vector_norm: invalid norm order 'nuc' for vectors",
    ),
    Case(
        "linalg.matrix_norm of a vector",
        lambda e: ag.linalg.matrix_norm(e.v),
        ValueError,
        r"matrix_norm: a matrix norm needs at least 2 dimensions, got shape \(4,\)",
    ),
    Case(
        "linalg.matrix_norm repeated axis",
        lambda e: ag.linalg.matrix_norm(e.a, axis=(0, -2)),
        ValueError,
        r"matrix_norm: repeated axis in \(0, -2\)",
    ),
    Case(
        "Tensor.norm order",
        lambda e: e.a.norm("xyz"),
        ValueError,
        r"norm: invalid norm order 'xyz' for matrices",
    ),
    # -- binary ops on shapes that do not broadcast, as functions and as operators
    *(
        Case(
            f"{op} not broadcastable",
            lambda e, op=op: getattr(ag, op)(e.a, e.v),
            ValueError,
            rf"{op}: shapes \(2, 3\) and \(4,\) do not broadcast together",
        )
        for op in BINARY
    ),
    *(
        Case(
            f"operator {sym} not broadcastable",
            lambda e, fn=fn: fn(e.a, e.v),
            ValueError,
            rf"{op}: shapes {shapes} do not broadcast",
        )
        for sym, op, fn, shapes in [
            ("+", "add", lambda x, y: x + y, r"\(2, 3\) and \(4,\)"),
            ("-", "subtract", lambda x, y: x - y, r"\(2, 3\) and \(4,\)"),
            ("*", "multiply", lambda x, y: x * y, r"\(2, 3\) and \(4,\)"),
            ("/", "divide", lambda x, y: x / y, r"\(2, 3\) and \(4,\)"),
            ("**", "power", lambda x, y: x**y, r"\(2, 3\) and \(4,\)"),
            ("ndarray *", "multiply", lambda x, y: np.ones(4) * x, r"\(4,\) and \(2, 3\)"),
        ]
    ),
    Case(
        "where not broadcastable",
        lambda e: ag.where(np.ones(5, bool), e.a, e.a),
        ValueError,
        r"where: shapes \(5,\) \(condition\), \(2, 3\) and \(2, 3\) do not broadcast",
    ),
    Case(
        "where non-boolean condition",
        lambda e: ag.where(e.const, e.a, e.a),
        TypeError,
        r"where: condition must be boolean, got dtype float64",
    ),
    # -- axes
    *axis_cases(
        REDUCTIONS + ALONG_AXIS,
        "axis out of range",
        2,
        ValueError,
        r"axis 2 is out of range for a tensor of shape \(2, 3\) .*valid axes are -2..1",
    ),
    *axis_cases(
        REDUCTIONS + ALONG_AXIS,
        "negative axis out of range",
        -3,
        ValueError,
        r"axis -3 is out of range for a tensor of shape \(2, 3\)",
    ),
    *axis_cases(REDUCTIONS, "repeated axis", (1, -1), ValueError, r"repeated axis in \(1, -1\)"),
    *axis_cases(
        REDUCTIONS + ALONG_AXIS,
        "non-integer axis",
        1.0,
        TypeError,
        r"axis must be an int or a tuple of ints, got 1.0",
    ),
    *axis_cases(
        ALONG_AXIS, "tuple axis", (0, 1), TypeError, r"axis must be a single int, got \(0, 1\)"
    ),
    Case(
        "method axis out of range",
        lambda e: e.a.sum(axis=5),
        ValueError,
        r"sum: axis 5 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "softmax of a 0-d tensor",
        lambda e: ag.softmax(e.s),
        ValueError,
        r"softmax: axis -1 is out of range for a tensor of shape \(\)",
    ),
    *(
        Case(
            f"{op} of an empty tensor",
            lambda e, op=op: getattr(ag, op)(ag.tensor(np.ones((0, 3)))),
            ValueError,
            rf"{op}: cannot reduce an empty tensor of shape \(0, 3\)",
        )
        for op in ["max", "min"]
    ),
    Case("clip without bounds", lambda e: ag.clip(e.a), ValueError, r"clip: give at least one"),
    Case(
        "leaky_relu non-numeric slope",
        lambda e: ag.leaky_relu(e.a, "steep"),
        TypeError,
        r"leaky_relu: negative_slope must be a number, got 'steep'",
    ),
    # -- the elementwise functions and reductions of numpy and PyTorch (issues 12 and 13)
    *(
        Case(
            f"{alias} not broadcastable",
            lambda e, alias=alias: getattr(ag, alias)(e.a, e.v),
            ValueError,
            rf"{op}: shapes \(2, 3\) and \(4,\) do not broadcast together",
        )
        for alias, op in [("mod", "remainder"), ("true_divide", "divide")]
    ),
    Case(
        "operator % not broadcastable",
        lambda e: e.a % e.v,
        ValueError,
        r"remainder: shapes \(2, 3\) and \(4,\) do not broadcast",
    ),
    Case(
        "operator // not broadcastable",
        lambda e: e.v // e.a,
        ValueError,
        r"floor_divide: shapes \(4,\) and \(2, 3\) do not broadcast",
    ),
    *(
        Case(
            f"{op} with both axis and dim",
            lambda e, op=op: getattr(ag, op)(e.a, axis=0, dim=1),
            TypeError,
            rf"{op}: got both axis= \(numpy's name\) and dim= \(PyTorch's name\) for one "
            r"argument; pass one of them",
        )
        for op in BOTH_SPELLINGS
    ),
    Case(
        "sum with both keepdims and keepdim",
        lambda e: ag.sum(e.a, keepdims=True, keepdim=True),
        TypeError,
        r"sum: got both keepdims= \(numpy's name\) and keepdim= \(PyTorch's name\)",
    ),
    Case(
        "method max with both dim and axis",
        lambda e: e.a.max(1, axis=0),
        TypeError,
        r"max: got both axis= \(numpy's name\) and dim= \(PyTorch's name\)",
    ),
    Case(
        "quantile with both method and interpolation",
        lambda e: ag.quantile(e.a, 0.5, method="lower", interpolation="higher"),
        TypeError,
        r"quantile: got both method= \(numpy's name\) and interpolation= \(PyTorch's name\)",
    ),
    Case(
        "max dim of several axes",
        lambda e: ag.max(e.a, dim=(0, 1)),
        TypeError,
        r"max: dim must be a single int for PyTorch's \(values, indices\) form, got \(0, 1\) "
        r"\(for the values over several dims use amax\)",
    ),
    Case(
        "median dim out of range",
        lambda e: e.a.median(2),
        ValueError,
        r"median: axis 2 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "var ddof and correction",
        lambda e: ag.var(e.a, ddof=1, correction=0),
        TypeError,
        r"var: got ddof= and correction= for one argument \(the degrees of freedom removed\); "
        r"pass one of them",
    ),
    Case(
        "std method unbiased twice",
        lambda e: e.a.std(True, unbiased=False),
        TypeError,
        r"std: got unbiased twice \(True and False\)",
    ),
    Case(
        "std unbiased not a bool",
        lambda e: ag.std(e.a, unbiased=1),
        TypeError,
        r"std: unbiased must be a bool, got 1",
    ),
    Case(
        "var ddof not a number",
        lambda e: ag.var(e.a, ddof="1"),
        TypeError,
        r"var: ddof must be a number, got '1'",
    ),
    *(
        Case(
            f"{op} axis {what}",
            lambda e, op=op, axis=axis: getattr(ag, op)(e.a, axis=axis),
            error,
            rf"^{op}: {message}",
        )
        for op in ("argmax", "argmin", "argsort", "sort")
        for what, axis, error, message in [
            (
                "out of range",
                2,
                ValueError,
                r"axis 2 is out of range for a tensor of shape \(2, 3\)",
            ),
            ("tuple", (0, 1), TypeError, r"axis must be a single int, got \(0, 1\)"),
        ]
    ),
    *(
        Case(
            f"{op} of an empty tensor",
            lambda e, op=op: getattr(ag, op)(ag.tensor(np.ones((0, 3)))),
            ValueError,
            rf"{op}: an empty tensor of shape \(0, 3\) has no extremum",
        )
        for op in ("argmax", "argmin")
    ),
    *(
        Case(
            f"{op} kind",
            lambda e, op=op: getattr(ag, op)(e.a, kind="bubble"),
            ValueError,
            rf"^{op}: kind must be one of \(None, 'quicksort', 'mergesort', 'heapsort', "
            r"'stable'\), got 'bubble'",
        )
        for op in ("sort", "argsort")
    ),
    Case(
        "topk k too large",
        lambda e: ag.topk(e.a, 4, dim=1),
        ValueError,
        r"topk: k must be an int in \[0, 3\] for dim 1 of shape \(2, 3\), got 4",
    ),
    Case(
        "topk dim out of range",
        lambda e: e.a.topk(1, 2),
        ValueError,
        r"topk: axis 2 is out of range for a tensor of shape \(2, 3\)",
    ),
    *(
        Case(
            f"{op} q out of range",
            lambda e, op=op, q=q: getattr(ag, op)(e.a, q),
            ValueError,
            rf"{op}: q must be in \[0, {top}\], got \[{shown}\]",
        )
        for op, q, top, shown in [
            ("quantile", [0.5, 1.5], 1, "0.5, 1.5"),
            ("percentile", [-10, 50], 100, "-10.0, 50.0"),
        ]
    ),
    Case(
        "quantile method",
        lambda e: ag.quantile(e.a, 0.5, method="cubic"),
        ValueError,
        r"quantile: method must be one of \('linear', 'lower', 'higher', 'midpoint', "
        r"'nearest'\), got 'cubic'",
    ),
    Case(
        "quantile q that requires grad",
        lambda e: ag.quantile(e.a, e.s),
        TypeError,
        r"quantile: q must be a constant, got a tensor that requires grad",
    ),
    *(
        Case(
            f"{op} of an empty selection",
            lambda e, op=op: getattr(ag, op)(ag.tensor(np.ones((0, 3))), axis=0),
            ValueError,
            rf"{op}: needs at least one element over axis 0, got shape \(0, 3\)",
        )
        for op in ("median",)
    ),
    Case(
        "average 1-d weights without axis",
        lambda e: ag.average(e.a, weights=np.ones(3)),
        TypeError,
        r"average: weights of shape \(3,\) differ from the data's shape \(2, 3\); 1-D weights "
        r"need an axis",
    ),
    Case(
        "average weights of the wrong length",
        lambda e: ag.average(e.a, axis=1, weights=e.v),
        ValueError,
        r"average: weights of shape \(4,\) must have the data's shape \(2, 3\) or be 1-D with "
        r"the length of axis 1 \(3\)",
    ),
    Case(
        "average weights summing to zero",
        lambda e: ag.average(e.a, weights=np.zeros((2, 3))),
        ZeroDivisionError,
        r"average: the weights sum to zero",
    ),
    Case(
        "nan_to_num in place",
        lambda e: ag.nan_to_num(e.a, copy=False),
        ValueError,
        r"nan_to_num: copy=False \(numpy's in-place form\) is not supported",
    ),
    Case(
        "nan_to_num replacement not a number",
        lambda e: e.a.nan_to_num("zero"),
        TypeError,
        r"nan_to_num: nan must be a number, got 'zero'",
    ),
    *(
        Case(
            f"{op} decimals not an int",
            lambda e, op=op: getattr(ag, op)(e.a, 1.5),
            TypeError,
            r"round: decimals must be an int, got 1.5",
        )
        for op in ("round", "around")
    ),
    Case(
        "clip a_min and min",
        lambda e: ag.clip(e.a, -1.0, min=0.0),
        TypeError,
        r"clip: got both a_min= \(numpy's name\) and min= \(PyTorch's name\)",
    ),
    Case("clamp without bounds", lambda e: e.a.clamp(), ValueError, r"clip: give at least one"),
    Case(
        "clip bound that requires grad",
        lambda e: ag.clip(e.a, max=e.s),
        TypeError,
        r"clip: max is a tensor that requires grad; clip's bounds are constants",
    ),
    Case(
        "clip bounds that do not broadcast",
        lambda e: ag.clip(e.a, np.zeros(4), 1.0),
        ValueError,
        r"clip: bounds of shapes \(4,\) and \(\) do not broadcast to the input's shape \(2, 3\)",
    ),
    Case(
        "nonzero of a 0-d tensor",
        lambda e: ag.nonzero(e.s),
        ValueError,
        r"nonzero: not defined for a 0-d tensor",
    ),
    # -- only floating tensors may require grad
    *(
        Case(
            f"{name} requires_grad",
            make,
            TypeError,
            rf"only floating-point tensors can require gradients, got dtype {dtype}",
        )
        for name, dtype, make in [
            ("int list", "int64", lambda e: ag.tensor([1, 2], requires_grad=True)),
            ("int32 array", "int32", lambda e: ag.tensor(np.ones(2, np.int32), requires_grad=True)),
            ("bool", "bool", lambda e: ag.tensor([True], requires_grad=True)),
            ("Tensor(int)", "int64", lambda e: ag.Tensor(np.arange(3), requires_grad=True)),
            ("zeros(int)", "int64", lambda e: ag.zeros(3, dtype=np.int64, requires_grad=True)),
            ("ones(uint8)", "uint8", lambda e: ag.ones(3, dtype=np.uint8, requires_grad=True)),
            ("full(int)", "int64", lambda e: ag.full((2,), 1, requires_grad=True)),
            ("arange", "int64", lambda e: ag.arange(3, requires_grad=True)),
            ("nn.Parameter(int)", "int64", lambda e: nn.Parameter(np.arange(3))),
        ]
    ),
    # -- softmax cross-entropy
    Case(
        "CE label too large",
        lambda e: CE(e.a, np.array([0, 3])),
        ValueError,
        r"softmax_cross_entropy: labels must be in \[0, 3\) for 3 classes, "
        r"got 3 \(at index \[1\]\)",
    ),
    Case(
        "CE negative label",
        lambda e: CE(e.a, np.array([-1, 0])),
        ValueError,
        r"softmax_cross_entropy: labels must be in \[0, 3\) .* got -1 \(at index \[0\]\)",
    ),
    Case(
        "CE label shape",
        lambda e: CE(e.a, np.array([0, 1, 2])),
        ValueError,
        r"softmax_cross_entropy: integer targets must have the logits' shape without the class "
        r"axis, \(2,\), got \(3,\) \(logits \(2, 3\)\)",
    ),
    Case(
        "CE boolean labels",
        lambda e: CE(e.a, np.array([True, False])),
        TypeError,
        r"softmax_cross_entropy: target must be integer class indices or floating "
        r"probabilities, got dtype bool",
    ),
    Case(
        "CE string labels",
        lambda e: CE(e.a, np.array(["cat", "dog"])),
        TypeError,
        r"softmax_cross_entropy: target must be .* got dtype <U3",
    ),
    Case(
        "CE float labels taken as probabilities",
        lambda e: CE(e.a, np.array([0.0, 1.0])),
        ValueError,
        r"probability targets must have the logits' shape \(2, 3\), got \(2,\); for class "
        r"indices pass an integer array of shape \(2,\)",
    ),
    Case(
        "CE negative probabilities",
        lambda e: CE(e.a, np.array([[1.5, -0.5, 0.0], [0.2, 0.3, 0.5]])),
        ValueError,
        r"softmax_cross_entropy: probability targets must be non-negative, got min -0.5",
    ),
    Case(
        "CE integer logits",
        lambda e: CE(ag.tensor([[1, 2]]), np.array([0])),
        TypeError,
        r"softmax_cross_entropy: logits must be floating point, got dtype int64",
    ),
    Case(
        "CE 0-d logits",
        lambda e: CE(e.s, np.array(0)),
        ValueError,
        r"softmax_cross_entropy: logits must have a class axis, got a 0-d tensor",
    ),
    Case(
        "CE axis",
        lambda e: CE(e.a, np.array([0, 1]), axis=2),
        ValueError,
        r"softmax_cross_entropy: axis 2 is out of range for logits of shape \(2, 3\)",
    ),
    Case(
        "CE reduction",
        lambda e: CE(e.a, np.array([0, 1]), reduction="avg"),
        ValueError,
        r"softmax_cross_entropy: reduction must be one of \('mean', 'sum', 'none'\), got 'avg'",
    ),
    Case(
        "CE label_smoothing",
        lambda e: CE(e.a, np.array([0, 1]), label_smoothing=1.5),
        ValueError,
        r"softmax_cross_entropy: label_smoothing must be in \[0, 1\], got 1.5",
    ),
    Case(
        "CE weight shape",
        lambda e: CE(e.a, np.array([0, 1]), weight=np.ones(2)),
        ValueError,
        r"softmax_cross_entropy: weight must be non-negative with shape \(3,\) .* got shape \(2,\)",
    ),
    Case(
        "CE ignore_index with probabilities",
        lambda e: CE(e.a, np.full((2, 3), 1 / 3), ignore_index=0),
        ValueError,
        r"softmax_cross_entropy: ignore_index applies to class-index targets only",
    ),
    # -- sigmoid binary cross-entropy
    Case(
        "BCE negative probabilities",
        lambda e: BCE(e.a, np.full((2, 3), -0.5)),
        ValueError,
        r"sigmoid_binary_cross_entropy: targets must be in \[0, 1\], got values in \[-0.5, -0.5\]",
    ),
    Case(
        "BCE probabilities above 1",
        lambda e: BCE(e.a, np.full((2, 3), 2.0)),
        ValueError,
        r"sigmoid_binary_cross_entropy: targets must be in \[0, 1\]",
    ),
    Case(
        "BCE target shape",
        lambda e: BCE(e.a, np.ones(3)),
        ValueError,
        r"sigmoid_binary_cross_entropy: target shape \(3,\) must equal the logits' shape \(2, 3\)",
    ),
    Case(
        "BCE string target",
        lambda e: BCE(e.a, np.full((2, 3), "1")),
        TypeError,
        r"sigmoid_binary_cross_entropy: target must be numeric, got dtype <U1",
    ),
    Case(
        "BCE pos_weight shape",
        lambda e: BCE(e.a, np.ones((2, 3)), pos_weight=np.ones(4)),
        ValueError,
        r"sigmoid_binary_cross_entropy: pos_weight of shape \(4,\) does not broadcast to the "
        r"logits' shape \(2, 3\)",
    ),
    Case(
        "BCE integer logits",
        lambda e: BCE(e.ints, np.ones(3)),
        TypeError,
        r"sigmoid_binary_cross_entropy: logits must be floating point, got dtype int64",
    ),
    # -- backward
    Case(
        "backward on a non-scalar without grad",
        lambda e: e.out.backward(),
        RuntimeError,
        r"backward: grad can be implied only for a one-element output, got shape \(2, 3\); "
        r"pass grad= \(an array of shape \(2, 3\)\)",
    ),
    Case(
        "backward grad of the wrong shape",
        lambda e: e.out.backward(np.ones((3, 2))),
        ValueError,
        r"backward: grad has shape \(3, 2\) but the output has \(2, 3\)",
    ),
    Case(
        "backward grad that would broadcast",
        lambda e: e.out.backward(np.ones(3)),
        ValueError,
        r"backward: grad has shape \(3,\) but the output has \(2, 3\)",
    ),
    Case(
        "backward grad Tensor of the wrong shape",
        lambda e: e.loss.backward(ag.tensor([1.0])),
        ValueError,
        r"backward: grad has shape \(1,\) but the output has \(\)",
    ),
    Case(
        "backward grad of strings",
        lambda e: e.out.backward(np.full((2, 3), "1")),
        TypeError,
        r"backward: grad must be numeric, got dtype <U1",
    ),
    Case(
        "backward on a tensor that does not require grad",
        lambda e: e.const.sum().backward(),
        RuntimeError,
        r"backward: the output does not require grad",
    ),
    Case(
        "backward twice through a freed graph",
        lambda e: e.freed.backward(),
        RuntimeError,
        r"graph that was already freed.*retain_graph=True",
    ),
    # -- ag.grad
    Case(
        "ag.grad input not used",
        _unused_grad,
        RuntimeError,
        r"grad: input 1 \(shape \(3,\)\) was not used to compute the outputs; "
        r"pass allow_unused=True",
    ),
    Case(
        "ag.grad input that does not require grad",
        lambda e: ag.grad(e.loss, [e.a, e.const]),
        RuntimeError,
        r"grad: input 1 is not a Tensor that requires grad",
    ),
    Case(
        "ag.grad input that is an array",
        lambda e: ag.grad(e.loss, [np.ones(3)]),
        RuntimeError,
        r"grad: input 0 is not a Tensor that requires grad",
    ),
    Case(
        "ag.grad output that is an array",
        lambda e: ag.grad(np.ones(3), [e.a]),
        TypeError,
        r"grad: output 0 is a \w+, expected a Tensor",
    ),
    Case(
        "ag.grad grad_outputs count",
        lambda e: ag.grad([e.loss], [e.a], grad_outputs=[1.0, 2.0]),
        ValueError,
        r"grad: 2 grad_outputs for 1 outputs",
    ),
    Case(
        "ag.grad grad_outputs shape",
        lambda e: ag.grad(e.out, [e.a], grad_outputs=np.ones(3)),
        ValueError,
        r"grad has shape \(3,\) but the output has \(2, 3\)",
    ),
    Case(
        "ag.grad through a freed graph",
        lambda e: ag.grad(e.freed, [e.a]),
        RuntimeError,
        r"already freed.*retain_graph=True",
    ),
    # -- shape ops
    Case(
        "reshape size",
        lambda e: e.a.reshape(4, 2),
        ValueError,
        r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4, 2\)",
    ),
    Case(
        "reshape two unknown dims",
        lambda e: ag.reshape(e.a, (-1, -1)),
        ValueError,
        r"reshape: cannot reshape a tensor of shape \(2, 3\) .*into shape \(-1, -1\)",
    ),
    Case(
        "reshape float size",
        lambda e: ag.reshape(e.a, (2.0, 3)),
        TypeError,
        r"reshape: .*\(2.0, 3\)",
    ),
    Case(
        "transpose repeated axes",
        lambda e: e.a.transpose((0, 0)),  # (two ints are PyTorch's swap: (0, 0) is x itself)
        ValueError,
        r"transpose: axes \(0, 0\) are not a permutation of the 2 axes of a tensor of shape "
        r"\(2, 3\)",
    ),
    Case(
        "transpose too many axes",
        lambda e: ag.transpose(e.a, (0, 1, 2)),
        ValueError,
        r"transpose: axes \(0, 1, 2\) are not a permutation of the 2 axes",
    ),
    Case(
        "transpose float axes",
        lambda e: ag.transpose(e.a, (0.5, 1)),
        TypeError,
        r"transpose: axes must be ints, got \(0.5, 1\)",
    ),
    Case(
        "squeeze a dimension that is not 1",
        lambda e: ag.squeeze(e.a, 0),  # (numpy's; x.squeeze(0) is PyTorch's: it stays)
        ValueError,
        r"squeeze: cannot squeeze axis 0 of a tensor of shape \(2, 3\) \(only existing axes of "
        r"length 1",
    ),
    Case(
        "squeeze axis out of range",
        lambda e: ag.squeeze(e.a, 5),
        ValueError,
        r"squeeze: cannot squeeze axis 5 of a tensor of shape \(2, 3\)",
    ),
    Case(
        "expand_dims axis out of range",
        lambda e: ag.expand_dims(e.a, 5),
        ValueError,
        r"expand_dims: bad axis 5 for a tensor of shape \(2, 3\)",
    ),
    Case(
        "broadcast_to incompatible",
        lambda e: ag.broadcast_to(e.a, (3, 3)),
        ValueError,
        r"broadcast_to: cannot broadcast a tensor of shape \(2, 3\) to \(3, 3\)",
    ),
    Case(
        "concatenate mismatched sides",
        lambda e: ag.concatenate([e.a, ag.tensor(np.ones((2, 2)))], axis=0),
        ValueError,
        r"concatenate: cannot join shapes \[\(2, 3\), \(2, 2\)\] along axis 0",
    ),
    Case(
        "concatenate different ndim",
        lambda e: ag.concatenate([e.a, e.unused]),
        ValueError,
        r"concatenate: cannot join shapes \[\(2, 3\), \(3,\)\] along axis 0: .*same number of "
        r"dimensions",
    ),
    Case(
        "concatenate axis out of range",
        lambda e: ag.concatenate([e.a, e.a], axis=2),
        ValueError,
        r"concatenate: cannot join shapes \[\(2, 3\), \(2, 3\)\] along axis 2: .*out of bounds",
    ),
    Case(
        "concatenate 0-d",
        lambda e: ag.concatenate([e.s, e.s]),
        ValueError,
        r"concatenate: cannot join shapes \[\(\), \(\)\] along axis 0: zero-dimensional",
    ),
    Case(
        "concatenate nothing",
        lambda e: ag.concatenate([]),
        ValueError,
        r"concatenate: need at least one tensor",
    ),
    Case(
        "stack different shapes",
        lambda e: ag.stack([e.a, ag.tensor(np.ones((2, 2)))]),
        ValueError,
        r"stack: cannot join shapes \[\(2, 3\), \(2, 2\)\] along axis 0: .*same shape",
    ),
    Case(
        "stack axis out of range",
        lambda e: ag.stack([e.a, e.a], axis=3),
        ValueError,
        r"stack: cannot join shapes \[\(2, 3\), \(2, 3\)\] along axis 3",
    ),
    Case("stack nothing", lambda e: ag.stack([]), ValueError, r"stack: need at least one tensor"),
    # -- shape ops under numpy's and PyTorch's names (ops/rearrange.py, joins.py, indexing.py)
    *(
        Case(
            f"{op} with both spellings",
            call,
            TypeError,
            rf"{name}: got both axis= \(numpy's name\) and {torch}= \(PyTorch's name\)",
        )
        for op, name, torch, call in [
            ("squeeze", "squeeze", "dim", lambda e: ag.squeeze(e.a, 0, dim=0)),
            ("cat", "concatenate", "dim", lambda e: ag.cat([e.a, e.a], 0, dim=0)),
            ("stack", "stack", "dim", lambda e: ag.stack([e.a, e.a], axis=0, dim=0)),
            ("flip", "flip", "dims", lambda e: ag.flip(e.a, 0, dims=0)),
            ("diff", "diff", "dim", lambda e: ag.diff(e.a, axis=0, dim=0)),
            ("split", "split", "dim", lambda e: ag.split(e.a, 2, axis=0, dim=0)),
        ]
    ),
    Case(
        "squeeze repeated axis",
        lambda e: ag.squeeze(ag.unsqueeze(e.a, 0), (0, 0)),
        ValueError,
        r"squeeze: cannot squeeze axis \(0, 0\) of a tensor of shape \(1, 2, 3\) .*each once",
    ),
    Case(
        "squeeze dim out of range",
        lambda e: e.a.squeeze(2),
        ValueError,
        r"squeeze: cannot squeeze axis \(2,\) of a tensor of shape \(2, 3\)",
    ),
    Case(
        "expand_dims float axis",
        lambda e: ag.expand_dims(e.a, 1.0),
        TypeError,
        r"expand_dims: axes must be ints, got \(1.0,\)",
    ),
    Case(
        "expand_dims repeated axes",
        lambda e: ag.expand_dims(e.a, (0, 0)),
        ValueError,
        r"expand_dims: bad axis \(0, 0\) for a tensor of shape \(2, 3\): repeated axis",
    ),
    Case(
        "concat mismatched ndim",
        lambda e: ag.concat([e.a, e.v]),
        ValueError,
        r"concatenate: cannot join shapes \[\(2, 3\), \(4,\)\] along axis 0",
    ),
    Case(
        "transpose of two axes out of range",
        lambda e: ag.transpose(e.a, 0, 2),
        ValueError,
        r"swapaxes: axis 2 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "swapaxes float axis",
        lambda e: ag.swapaxes(e.a, 0.0, 1),
        TypeError,
        r"swapaxes: axes must be ints, got \(0.0, 1\)",
    ),
    Case(
        "flip axis out of range",
        lambda e: ag.flip(e.a, 2),
        ValueError,
        r"flip: axis 2 is out of range for a tensor of shape \(2, 3\) .*valid axes are -2..1",
    ),
    Case(
        "flip method without dims",
        lambda e: e.a.flip(),
        TypeError,
        r"flip: Tensor.flip takes the dims to flip, as PyTorch's .*ag.flip\(x\) flips every axis",
    ),
    Case(
        "fliplr of a vector",
        lambda e: ag.fliplr(e.v),
        ValueError,
        r"fliplr: needs a tensor of at least 2 dimensions, got shape \(4,\)",
    ),
    Case(
        "flipud of a scalar",
        lambda e: ag.flipud(e.s),
        ValueError,
        r"flipud: needs a tensor of at least 1 dimension, got shape \(\)",
    ),
    Case(
        "rot90 one axis twice",
        lambda e: ag.rot90(e.a, 1, (0, -2)),
        ValueError,
        r"rot90: repeated axis in \(0, -2\)",
    ),
    Case(
        "rot90 three axes",
        lambda e: ag.rot90(e.a, 1, (0, 1, 2)),
        ValueError,
        r"rot90: axes must be two axes, got \(0, 1, 2\)",
    ),
    Case("rot90 float k", lambda e: ag.rot90(e.a, 1.5), TypeError, r"rot90: k must be an int"),
    Case(
        "roll without a shift",
        lambda e: ag.roll(e.a),
        TypeError,
        r"roll: missing the shift \(numpy's shift, PyTorch's shifts\)",
    ),
    Case(
        "roll shifts and axes of other lengths",
        lambda e: ag.roll(e.a, (1, 2, 3), (0, 1)),
        ValueError,
        r"roll: 3 shifts \(1, 2, 3\) for 2 axes \(0, 1\)",
    ),
    Case(
        "roll axis out of range",
        lambda e: e.a.roll(1, 2),
        ValueError,
        r"roll: axis 2 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "moveaxis source and destination lengths",
        lambda e: ag.moveaxis(e.a, (0, 1), 0),
        ValueError,
        r"moveaxis: source \(0, 1\) and destination 0 must name as many axes",
    ),
    Case(
        "moveaxis repeated axis",
        lambda e: ag.moveaxis(e.a, (0, 0), (0, 1)),
        ValueError,
        r"moveaxis: repeated axis in \(0, 0\)",
    ),
    Case(
        "rollaxis start out of range",
        lambda e: ag.rollaxis(e.a, 0, 3),
        ValueError,
        r"rollaxis: start 3 is out of range for a tensor of shape \(2, 3\) \(valid: -2..2\)",
    ),
    Case(
        "permute not a permutation",
        lambda e: e.a.permute(1, 0, 2),
        ValueError,
        r"permute: axes \(1, 0, 2\) are not a permutation of the 2 axes of a tensor of shape "
        r"\(2, 3\)",
    ),
    Case(
        "flatten start after end",
        lambda e: ag.flatten(e.a, 1, 0),
        ValueError,
        r"flatten: start_dim 1 comes after end_dim 0 for a tensor of shape \(2, 3\)",
    ),
    Case(
        "flatten with numpy's order argument",
        lambda e: e.a.flatten("C"),
        TypeError,
        r"flatten: start_dim must be an int, got 'C'",
    ),
    Case(
        "view as another dtype",
        lambda e: e.a.view(np.float32),
        TypeError,
        r"view: x.view\(dtype\) reinterprets the bytes .*not support; x.astype\(",
    ),
    Case(
        "unsqueeze dim out of range",
        lambda e: ag.unsqueeze(e.a, 3),
        ValueError,
        r"unsqueeze: dim 3 is out of range for a tensor of shape \(2, 3\) \(valid: -3..2\)",
    ),
    Case(
        "tile negative repetitions",
        lambda e: ag.tile(e.a, (-1, 2)),
        ValueError,
        r"tile: repetitions must be non-negative, got \(-1, 2\)",
    ),
    Case(
        "repeat method with fewer sizes than dims",
        lambda e: e.a.repeat(2),
        ValueError,
        r"repeat: 1 repetitions \(2,\) for a tensor of shape \(2, 3\): give one per dimension",
    ),
    *(
        Case(
            f"expand to {sizes}",
            lambda e, sizes=sizes: e.a.expand(*sizes),
            ValueError,
            rf"expand: cannot expand a tensor of shape \(2, 3\) to {re.escape(str(sizes))}",
        )
        for sizes in [(3, 3), (3,), (-1, 2, 3)]
    ),
    Case(
        "expand_as a smaller tensor",
        lambda e: e.a.expand_as(e.v),
        ValueError,
        r"expand: cannot expand a tensor of shape \(2, 3\) to \(4,\)",
    ),
    Case(
        "t of a 3-d tensor",
        lambda e: ag.tensor(np.ones((2, 2, 2))).t(),
        ValueError,
        r"t: expects a tensor of at most 2 dimensions, got shape \(2, 2, 2\); x.mT",
    ),
    Case(
        "mT of a vector",
        lambda e: e.v.mT,
        ValueError,
        r"mT: needs a tensor of at least 2 dimensions, got shape \(4,\)",
    ),
    Case(
        "take index out of bounds",
        lambda e: ag.take(e.a, [6]),
        IndexError,
        r"take: index 6 is out of bounds for axis 0 of a tensor of shape \(6,\) \(valid: -6..5\)",
    ),
    Case(
        "take float indices",
        lambda e: e.a.take([0.5]),
        TypeError,
        r"take: indices must be integers, got dtype float64",
    ),
    Case(
        "take another mode",
        lambda e: ag.take(e.a, [0], mode="clip"),
        ValueError,
        r"take: only mode='raise' is supported, got mode='clip'",
    ),
    Case(
        "take_along_axis indices of fewer dims",
        lambda e: ag.take_along_axis(e.a, np.zeros(3, int), 1),
        ValueError,
        r"take_along_axis: indices of shape \(3,\) do not fit a tensor of shape \(2, 3\) along "
        r"axis 1",
    ),
    Case(
        "take_along_axis indices that do not broadcast",
        lambda e: ag.take_along_axis(e.a, np.zeros((3, 1), int), 1),
        ValueError,
        r"take_along_axis: indices of shape \(3, 1\) do not fit a tensor of shape \(2, 3\)",
    ),
    Case(
        "take_along_axis index out of bounds",
        lambda e: ag.take_along_axis(e.a, np.full((2, 1), 3), 1),
        IndexError,
        r"take_along_axis: index 3 is out of bounds for axis 1 of a tensor of shape \(2, 3\)",
    ),
    Case(
        "repeat counts of another length",
        lambda e: ag.repeat(e.a, [1, 2], axis=1),
        ValueError,
        r"repeat: 2 repeats for 3 elements along axis 1 of a tensor of shape \(2, 3\)",
    ),
    Case(
        "repeat negative count",
        lambda e: ag.repeat(e.a, -1),
        ValueError,
        r"repeat: repeats must be non-negative ints, got -1",
    ),
    Case(
        "gather index larger than the input",
        lambda e: e.a.gather(1, np.zeros((3, 1), int)),
        ValueError,
        r"gather: index of shape \(3, 1\) does not fit input of shape \(2, 3\) \(as many dims, "
        r"sizes no larger, outside dim 1\)",
    ),
    Case(
        "gather negative index",
        lambda e: ag.gather(e.a, 1, np.full((2, 1), -1)),
        IndexError,
        r"gather: index -1 is out of bounds for axis 1 of a tensor of shape \(2, 3\) "
        r"\(valid: 0..2\)",
    ),
    Case(
        "scatter_add src smaller than the index",
        lambda e: e.a.scatter_add(1, np.zeros((2, 2), int), e.a[:, :1]),
        ValueError,
        r"scatter_add: index of shape \(2, 2\) does not fit src of shape \(2, 1\)",
    ),
    Case(
        "scatter_add index out of bounds",
        lambda e: ag.scatter_add(e.a, 0, np.full((1, 3), 2), e.a),
        IndexError,
        r"scatter_add: index 2 is out of bounds for axis 0 of a tensor of shape \(2, 3\)",
    ),
    Case(
        "index_select 2-d index",
        lambda e: e.a.index_select(0, np.zeros((1, 1), int)),
        ValueError,
        r"index_select: index must be 1-D, got shape \(1, 1\)",
    ),
    Case(
        "index_select index out of bounds",
        lambda e: ag.index_select(e.a, 1, [3]),
        IndexError,
        r"index_select: index 3 is out of bounds for axis 1 of a tensor of shape \(2, 3\)",
    ),
    Case(
        "narrow past the end",
        lambda e: e.a.narrow(1, 1, 3),
        ValueError,
        r"narrow: start 1 and length 3 do not fit dim 1 of a tensor of shape \(2, 3\) "
        r"\(start in -3..3, start \+ length at most 3\)",
    ),
    Case(
        "masked_fill integer mask",
        lambda e: e.a.masked_fill(np.array([1, 0, 1]), 0.0),
        TypeError,
        r"masked_fill: mask must be boolean, got dtype int64",
    ),
    Case(
        "masked_fill value of 1 dimension",
        lambda e: e.a.masked_fill(np.array([True, False, True]), e.v),
        ValueError,
        r"masked_fill: value must be a number or a 0-d tensor, got shape \(4,\)",
    ),
    Case(
        "masked_fill mask that does not broadcast",
        lambda e: ag.masked_fill(e.a, np.array([True, False]), 0.0),
        ValueError,
        r"masked_fill: mask of shape \(2,\) does not broadcast with the tensor of shape \(2, 3\)",
    ),
    Case(
        "pad unsupported mode",
        lambda e: ag.pad(e.a, 1, mode="mean"),
        ValueError,
        r"pad: mode 'mean' is not supported; use one of \('constant', 'edge', 'reflect'",
    ),
    Case(
        "pad widths of another shape",
        lambda e: ag.pad(e.a, ((1, 2, 3),)),
        ValueError,
        r"pad: pad_width \(\(1, 2, 3\),\) does not fit a tensor of shape \(2, 3\)",
    ),
    Case(
        "pad constant_values of another shape",
        lambda e: ag.pad(e.a, 1, constant_values=(1.0, 2.0, 3.0)),
        ValueError,
        r"pad: constant_values \(1.0, 2.0, 3.0\) does not fit a tensor of shape \(2, 3\)",
    ),
    Case(
        "pad negative width",
        lambda e: ag.pad(e.a, -1),
        ValueError,
        r"pad: pad_width must be non-negative ints, got -1",
    ),
    Case(
        "pad constant_values with mode edge",
        lambda e: ag.pad(e.a, 1, mode="edge", constant_values=1.0),
        ValueError,
        r"pad: constant_values is for mode='constant', not mode='edge'",
    ),
    Case(
        "pad constant_values that require grad",
        lambda e: ag.pad(e.a, 1, constant_values=e.s),
        TypeError,
        r"pad: constant_values are constants; pass numbers, not a tensor",
    ),
    Case(
        "pad reflect of an empty axis",
        lambda e: ag.pad(ag.tensor(np.ones((2, 0))), 1, mode="reflect"),
        ValueError,
        r"pad: can't extend empty axis 1 .*\(a tensor of shape \(2, 0\)\)",
    ),
    Case(
        "diff negative order",
        lambda e: ag.diff(e.a, -1),
        ValueError,
        r"diff: the order n must be non-negative, got -1",
    ),
    Case(
        "diff of a scalar",
        lambda e: ag.diff(e.s),
        ValueError,
        r"diff: axis -1 is out of range for a tensor of shape \(\)",
    ),
    Case(
        "diff prepend of another shape",
        lambda e: e.a.diff(prepend=e.v),
        ValueError,
        r"diff: cannot join shapes \[\(4,\), \(2, 3\)\] along axis 1",
    ),
    *(
        Case(
            f"{op} mismatched shapes",
            lambda e, op=op: getattr(ag, op)([e.a, e.v]),
            ValueError,
            rf"{op}: cannot join shapes \[{shapes}\] along axis {axis}",
        )
        for op, shapes, axis in [
            ("hstack", r"\(2, 3\), \(4,\)", 1),
            ("vstack", r"\(2, 3\), \(1, 4\)", 0),
            ("dstack", r"\(2, 3, 1\), \(1, 4, 1\)", 2),
            ("column_stack", r"\(2, 3\), \(4, 1\)", 1),
        ]
    ),
    Case("hstack nothing", lambda e: ag.hstack([]), ValueError, r"hstack: need at least one"),
    Case(
        "append mismatched shapes",
        lambda e: ag.append(e.a, e.v, axis=0),
        ValueError,
        r"append: cannot join shapes \[\(2, 3\), \(4,\)\] along axis 0",
    ),
    Case(
        "meshgrid unknown indexing",
        lambda e: ag.meshgrid(e.v, e.v, indexing="xyz"),
        ValueError,
        r"meshgrid: indexing must be 'xy' or 'ij', got 'xyz'",
    ),
    Case(
        "split into unequal sections",
        lambda e: ag.split(e.a, 2, axis=1),
        ValueError,
        r"split: axis 1 of a tensor of shape \(2, 3\) does not split into 2 equal sections "
        r"\(array_split allows unequal ones\)",
    ),
    Case(
        "array_split into no sections",
        lambda e: ag.array_split(e.a, 0, axis=1),
        ValueError,
        r"array_split: the number of sections must be positive, got 0",
    ),
    Case(
        "split sizes that do not add up",
        lambda e: ag.split(e.a, [1, 1], dim=1),
        ValueError,
        r"split: sizes \[1, 1\] must be non-negative and add up to 3, the length of dim 1 of a "
        r"tensor of shape \(2, 3\)",
    ),
    Case(
        "split method size 0",
        lambda e: e.a.split(0),
        ValueError,
        r"split: the split size must be positive \(0 only for an empty dim\), got 0",
    ),
    *(
        Case(
            f"{op} of too few dims",
            lambda e, op=op, x=x: getattr(ag, op)(getattr(e, x), 1),
            ValueError,
            rf"{op}: needs a tensor of at least {n} dimensions?, got shape {shape}",
        )
        for op, x, n, shape in [
            ("hsplit", "s", 1, r"\(\)"),
            ("vsplit", "v", 2, r"\(4,\)"),
            ("dsplit", "a", 3, r"\(2, 3\)"),
        ]
    ),
    Case(
        "chunk into no chunks",
        lambda e: e.a.chunk(0),
        ValueError,
        r"chunk: the number of chunks must be positive, got 0",
    ),
    Case(
        "unbind dim out of range",
        lambda e: ag.unbind(e.a, -3),
        ValueError,
        r"unbind: axis -3 is out of range for a tensor of shape \(2, 3\)",
    ),
    Case(
        "softplus beta not a number",
        lambda e: ag.softplus(e.a, beta="a"),
        TypeError,
        r"softplus: beta must be a real number, got 'a'",
    ),
    Case(
        "hardtanh bounds reversed",
        lambda e: ag.hardtanh(e.a, 2.0, 1.0),
        ValueError,
        r"hardtanh: min_val 2.0 is greater than max_val 1.0",
    ),
    Case(
        "elu alpha not a number",
        lambda e: ag.elu(e.a, alpha="z"),
        TypeError,
        r"elu: alpha must be a real number",
    ),
    Case(
        "binary_cross_entropy target shape",
        lambda e: ag.binary_cross_entropy(ag.sigmoid(e.a), np.ones(2)),
        ValueError,
        r"binary_cross_entropy: target shape \(2,\) must equal the input's shape \(2, 3\)",
    ),
    Case(
        "array of ragged tensors",
        lambda e: ag.array([e.a, e.v]),
        ValueError,
        r"array: cannot stack tensors of shapes \[\(2, 3\), \(4,\)\]",
    ),
    # Indexing errors are IndexError, as in numpy and PyTorch.
    Case(
        "getitem out of bounds",
        lambda e: e.a[5],
        IndexError,
        r"getitem: bad index for a tensor of shape \(2, 3\): index 5 is out of bounds for axis 0",
    ),
    Case(
        "getitem too many indices",
        lambda e: e.a[0, 0, 0],
        IndexError,
        r"getitem: bad index for a tensor of shape \(2, 3\): too many indices",
    ),
    Case(
        "getitem advanced index out of bounds",
        lambda e: e.a[np.array([0, 7])],
        IndexError,
        r"getitem: bad index for a tensor of shape \(2, 3\): index 7 is out of bounds",
    ),
    Case(
        "getitem boolean mask of the wrong length",
        lambda e: e.a[np.array([True, False, True])],
        IndexError,
        r"getitem: bad index for a tensor of shape \(2, 3\): boolean index did not match",
    ),
    Case(
        "getitem float index",
        lambda e: e.a[1.5],
        IndexError,
        r"getitem: bad index for a tensor of shape \(2, 3\): only integers, slices",
    ),
    # -- in-place writes
    Case(
        "add_ on a tensor that requires grad",
        lambda e: e.a.add_(1.0),
        RuntimeError,
        r"add_: in-place change of a tensor that requires grad is not differentiable; do it "
        r"under ag.no_grad\(\)",
    ),
    Case(
        "setitem on a tensor that requires grad",
        lambda e: e.a.__setitem__(0, 1.0),
        RuntimeError,
        r"setitem: in-place assignment into a tensor that requires grad",
    ),
    Case(
        "add_ not broadcastable",
        lambda e: e.const.add_(np.ones(4)),
        ValueError,
        r"^add_: (?=.*\(2, ?3\))(?=.*\(4,\))",
    ),
    Case(
        "mul_ would grow the tensor",
        lambda e: e.const.mul_(np.ones((3, 2, 3))),
        ValueError,
        r"^mul_: (?=.*\(2, ?3\))(?=.*\(3, ?2, ?3\))",
    ),
    Case(
        "copy_ shape",
        lambda e: e.const.copy_(np.ones(4)),
        ValueError,
        r"^copy_: (?=.*\(2, ?3\))(?=.*\(4,\))",
    ),
    Case(
        "add_ float into an integer tensor",
        lambda e: e.ints.add_(0.5),
        TypeError,
        r"^add_: (?=.*float64)(?=.*int64)",
    ),
    Case(
        "setitem value shape",
        lambda e: e.const.__setitem__(slice(0, 1), np.ones(4)),
        ValueError,
        r"^setitem: (?=.*\(4,\))(?=.*\((1|2), ?3\))",
    ),
    Case(
        "setitem index out of bounds",
        lambda e: e.const.__setitem__(5, 1.0),
        IndexError,
        r"setitem: bad index for a tensor of shape \(2, 3\)",
    ),
    # -- nn and optim
    Case(
        "load_state_dict missing key",
        lambda e: e.net.load_state_dict({"weight": np.ones((2, 3), np.float32)}),
        ValueError,
        r"load_state_dict for Linear failed, nothing was loaded:\n  missing keys: bias",
    ),
    Case(
        "load_state_dict unexpected key",
        lambda e: e.net.load_state_dict({**e.net.state_dict(), "scale": np.ones(1)}),
        ValueError,
        r"load_state_dict for Linear failed.*\n  unexpected keys: scale",
    ),
    Case(
        "load_state_dict shape",
        lambda e: e.net.load_state_dict({**e.net.state_dict(), "weight": np.ones((3, 2), "f4")}),
        ValueError,
        r"'weight': got shape \(3, 2\) dtype float32, expected shape \(2, 3\) dtype float32",
    ),
    Case(
        "load_state_dict dtype",
        lambda e: e.net.load_state_dict({**e.net.state_dict(), "bias": np.ones(2)}),
        ValueError,
        r"'bias': got shape \(2,\) dtype float64, expected shape \(2,\) dtype float32",
    ),
    Case(
        "optimizer load_state_dict group sizes",
        lambda e: optim.SGD(e.net.parameters(), lr=0.1).load_state_dict(
            {"state": {}, "param_groups": [{"params": [0]}]}
        ),
        ValueError,
        r"SGD.load_state_dict: parameter group sizes \[1\] do not match this optimiser's \[2\]",
    ),
]


def test_the_table_has_no_duplicate_rows():
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_error_and_changes_nothing(case: Case):
    env = Env()
    before = env.snapshot()
    with pytest.raises(case.error) as info:
        case.call(env)
    assert re.search(case.message, str(info.value)), (
        f"message {str(info.value)!r} does not match {case.message!r}"
    )
    for (data, grad, rg), (data0, grad0, rg0) in zip(env.snapshot(), before, strict=True):
        np.testing.assert_array_equal(data, data0)
        assert rg == rg0
        if grad0 is None:
            assert grad is None
        else:
            np.testing.assert_array_equal(grad, grad0)
    # The live graphs survived the error and still give the right gradients.
    env.out.backward(np.ones((2, 3)), retain_graph=True)
    env.loss.backward()
    env.used_const.backward()
    np.testing.assert_allclose(env.a.grad.data, 7.0 + 2.0 + 2 * env.a.data + env.const.data)


def test_every_public_op_has_a_row():
    """Each public op function appears in at least one row (by the name its error uses)."""
    mentioned = " ".join(c.message + " " + c.name for c in CASES)
    exempt = {
        # elementwise ops of one input and nothing else accept any array: nothing to get wrong
        *(op for op in ag.ops.__all__ if len(inspect.signature(getattr(ag, op)).parameters) == 1),
        "index_add",  # the internal adjoint of getitem
        "astype",  # any dtype numpy can cast to
    }
    missing = [op for op in ag.ops.__all__ if op not in exempt and op not in mentioned]
    assert not missing, f"add rows to CASES for: {missing}"
