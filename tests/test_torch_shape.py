"""Shape ops against PyTorch: every PyTorch form autograd_lite has (``torch.cat(dim=)``,
``x.view``, ``x.permute``, ``x.transpose(0, 2)``, ``x.squeeze(dim)``, ``x.flatten(1)``,
``x.expand``, ``x.repeat``, ``x.split``, ``x.gather``, ``x.scatter_add``, ``x.masked_fill``, ...)
and the numpy functions PyTorch has under the same or another name (``torch.rot90``,
``torch.roll``, ``torch.take_along_dim``, ``torch.repeat_interleave``, ``torch.tensor_split``,
...): values, first derivatives, and second derivatives through a cube of the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import autograd_lite as ag  # noqa: E402

RNG = np.random.default_rng(13)
T = torch


def _random(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape)


def _index(values: Any) -> Callable[[bool], Any]:
    """An index array for either library (``mine``: autograd_lite's)."""
    return lambda mine: np.array(values) if mine else T.tensor(values)


def _mask(values: Any) -> Callable[[bool], Any]:
    return lambda mine: np.array(values, bool) if mine else T.tensor(values, dtype=T.bool)


GATHER = _index([[[0, 3], [1, 1], [2, 0]], [[3, 3], [0, 2], [1, 1]]])  # (2, 3, 2) into dim 2
SCATTER = _index([[[0, 0, 2, 1]], [[2, 2, 2, 2]]])  # (2, 1, 4) into dim 1 of (2, 3, 4)
MASK = _mask([True, False, True, False])

# name: (autograd_lite function, torch function, inputs); a function's last argument says
# which library runs it, for constants (indices, masks) made for each.
CASES: dict[str, tuple[Callable[..., Any], Callable[..., Any], list[np.ndarray]]] = {
    # joins and splits
    "cat dim": (
        lambda a, b: ag.cat([a, b], dim=1),
        lambda a, b: T.cat([a, b], dim=1),
        [_random(2, 3, 4), _random(2, 1, 4)],
    ),
    "concat dim": (
        lambda a, b: ag.concat([a, b], dim=-1),
        lambda a, b: T.concat([a, b], dim=-1),
        [_random(2, 3), _random(2, 2)],
    ),
    "concatenate dim": (
        lambda a, b: ag.concatenate((a, b), dim=0),
        lambda a, b: T.concatenate((a, b), dim=0),
        [_random(2, 3), _random(1, 3)],
    ),
    "stack dim": (
        lambda a, b: ag.stack([a, b], dim=-1),
        lambda a, b: T.stack([a, b], dim=-1),
        [_random(2, 3), _random(2, 3)],
    ),
    "hstack": (lambda *xs: ag.hstack(xs), lambda *xs: T.hstack(xs), [_random(2, 3), _random(2, 1)]),
    "vstack": (lambda *xs: ag.vstack(xs), lambda *xs: T.vstack(xs), [_random(3), _random(2, 3)]),
    "dstack": (
        lambda *xs: ag.dstack(xs),
        lambda *xs: T.dstack(xs),
        [_random(2, 3), _random(2, 3, 2)],
    ),
    "column_stack": (
        lambda *xs: ag.column_stack(xs),
        lambda *xs: T.column_stack(xs),
        [_random(3), _random(3, 2)],
    ),
    "split size": (
        lambda x: ag.split(x, 2, dim=1),
        lambda x: T.split(x, 2, dim=1),
        [_random(2, 5)],
    ),
    "split method": (lambda x: x.split(3), lambda x: x.split(3), [_random(7, 2)]),
    "split method sizes": (
        lambda x: x.split([1, 0, 3], dim=-1),
        lambda x: x.split([1, 0, 3], dim=-1),
        [_random(2, 4)],
    ),
    "tensor_split": (
        lambda x: ag.array_split(x, 3, axis=1),
        lambda x: T.tensor_split(x, 3, dim=1),
        [_random(2, 5)],
    ),
    "hsplit": (lambda x: ag.hsplit(x, [1, 3]), lambda x: T.hsplit(x, [1, 3]), [_random(2, 4)]),
    "vsplit": (lambda x: ag.vsplit(x, 2), lambda x: T.vsplit(x, 2), [_random(4, 3)]),
    "dsplit": (lambda x: ag.dsplit(x, [1]), lambda x: T.dsplit(x, [1]), [_random(2, 2, 3)]),
    "chunk": (lambda x: x.chunk(3, 1), lambda x: x.chunk(3, 1), [_random(2, 5)]),
    "chunk fewer": (lambda x: ag.chunk(x, 4), lambda x: T.chunk(x, 4), [_random(6)]),
    "unbind": (lambda x: x.unbind(1), lambda x: x.unbind(1), [_random(2, 3)]),
    "meshgrid ij": (
        lambda a, b: ag.meshgrid(a, b, indexing="ij"),
        lambda a, b: T.meshgrid(a, b, indexing="ij"),
        [_random(3), _random(2)],
    ),
    "meshgrid xy": (
        lambda a, b, c: ag.meshgrid(a, b, c),
        lambda a, b, c: T.meshgrid(a, b, c, indexing="xy"),
        [_random(3), _random(2), _random(4)],
    ),
    # shapes and axes
    "view": (lambda x: x.view(4, -1), lambda x: x.view(4, -1), [_random(2, 3, 4)]),
    "view tuple": (lambda x: x.view((6, 4)), lambda x: x.view((6, 4)), [_random(2, 3, 4)]),
    "unsqueeze": (lambda x: x.unsqueeze(-1), lambda x: x.unsqueeze(-1), [_random(2, 3)]),
    "unsqueeze function": (lambda x: ag.unsqueeze(x, 1), lambda x: T.unsqueeze(x, 1), [_random(3)]),
    "squeeze dim not 1": (lambda x: x.squeeze(1), lambda x: x.squeeze(1), [_random(2, 3)]),
    "squeeze dims": (
        lambda x: ag.squeeze(x, dim=(0, 1, 3)),
        lambda x: T.squeeze(x, dim=(0, 1, 3)),
        [_random(1, 2, 3, 1)],
    ),
    "squeeze 0-d": (lambda x: x.squeeze(0), lambda x: x.squeeze(0), [_random()]),
    "permute": (lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1), [_random(2, 3, 4)]),
    "permute tuple": (
        lambda x: ag.permute(x, (1, -1, 0)),
        lambda x: T.permute(x, (1, -1, 0)),
        [_random(2, 3, 4)],
    ),
    "transpose swap": (
        lambda x: x.transpose(0, 2),
        lambda x: x.transpose(0, 2),
        [_random(2, 3, 4)],
    ),
    "transpose 2-d": (lambda x: x.transpose(1, 0), lambda x: x.transpose(1, 0), [_random(2, 3)]),
    "transpose function": (
        lambda x: ag.transpose(x, -1, 1),
        lambda x: T.transpose(x, -1, 1),
        [_random(2, 3, 4)],
    ),
    "swapaxes": (lambda x: x.swapaxes(0, -1), lambda x: x.swapaxes(0, -1), [_random(2, 3, 4)]),
    "t": (lambda x: x.t(), lambda x: x.t(), [_random(2, 3)]),
    "t of a vector": (lambda x: x.t(), lambda x: x.t(), [_random(3)]),
    "mT": (lambda x: x.mT, lambda x: x.mT, [_random(2, 3, 4)]),
    "flatten": (lambda x: x.flatten(), lambda x: x.flatten(), [_random(2, 3, 4)]),
    "flatten start": (lambda x: x.flatten(1), lambda x: x.flatten(1), [_random(2, 3, 4)]),
    "flatten range": (
        lambda x: ag.flatten(x, 0, -2),
        lambda x: T.flatten(x, 0, -2),
        [_random(2, 3, 4)],
    ),
    "flatten 0-d": (lambda x: x.flatten(), lambda x: x.flatten(), [_random()]),
    "ravel": (ag.ravel, T.ravel, [_random(2, 3)]),
    "moveaxis": (
        lambda x: x.moveaxis((0, 1), (-1, 0)),
        lambda x: x.moveaxis((0, 1), (-1, 0)),
        [_random(2, 3, 4)],
    ),
    "atleast_1d": (ag.atleast_1d, T.atleast_1d, [_random()]),
    "atleast_2d": (ag.atleast_2d, T.atleast_2d, [_random(3)]),
    "atleast_3d": (ag.atleast_3d, T.atleast_3d, [_random(2, 3)]),
    "expand": (
        lambda x: x.expand(4, 2, -1, 3),
        lambda x: x.expand(4, 2, -1, 3),
        [_random(2, 1, 1)],
    ),
    "expand_as": (
        lambda x: x.expand_as(np.zeros((2, 3))),
        lambda x: x.expand_as(T.zeros(2, 3)),
        [_random(3)],
    ),
    "repeat": (lambda x: x.repeat(2, 1, 3), lambda x: x.repeat(2, 1, 3), [_random(2, 3)]),
    "tile": (lambda x: x.tile(2), lambda x: x.tile(2), [_random(2, 3)]),
    "tile function": (
        lambda x: ag.tile(x, (2, 1, 2)),
        lambda x: T.tile(x, (2, 1, 2)),
        [_random(3)],
    ),
    "contiguous": (lambda x: x.contiguous(), lambda x: x.contiguous(), [_random(2, 3)]),
    "clone": (lambda x: x.clone(), lambda x: x.clone(), [_random(2, 3)]),
    # order
    "flip": (lambda x: x.flip(0, 2), lambda x: x.flip(0, 2), [_random(2, 3, 4)]),
    "flip tuple": (lambda x: x.flip((-1,)), lambda x: x.flip((-1,)), [_random(2, 3)]),
    "flip function": (
        lambda x: ag.flip(x, dims=(0, 1)),
        lambda x: T.flip(x, dims=(0, 1)),
        [_random(2, 3)],
    ),
    "fliplr": (lambda x: x.fliplr(), lambda x: x.fliplr(), [_random(2, 3)]),
    "flipud": (ag.flipud, T.flipud, [_random(2, 3)]),
    "rot90": (lambda x: x.rot90(1, (1, 2)), lambda x: x.rot90(1, (1, 2)), [_random(2, 3, 4)]),
    "rot90 dims": (
        lambda x: ag.rot90(x, -3, dims=(1, 0)),
        lambda x: T.rot90(x, -3, dims=(1, 0)),
        [_random(2, 3)],
    ),
    "roll": (
        lambda x: x.roll((1, -2), (0, 2)),
        lambda x: x.roll((1, -2), (0, 2)),
        [_random(2, 3, 4)],
    ),
    "roll flat": (lambda x: ag.roll(x, shifts=4), lambda x: T.roll(x, shifts=4), [_random(2, 3)]),
    "roll dims": (
        lambda x: ag.roll(x, shifts=1, dims=1),
        lambda x: T.roll(x, shifts=1, dims=1),
        [_random(2, 3)],
    ),
    # indexing
    "gather": (
        lambda x: x.gather(2, GATHER(True)),
        lambda x: x.gather(2, GATHER(False)),
        [_random(2, 3, 4)],
    ),
    "gather smaller index": (
        lambda x: ag.gather(x, 0, np.array([[1], [0]])),
        lambda x: T.gather(x, 0, T.tensor([[1], [0]])),
        [_random(2, 3)],
    ),
    "take_along_dim": (
        lambda x: ag.take_along_axis(x, GATHER(True), 2),
        lambda x: T.take_along_dim(x, GATHER(False), 2),
        [_random(2, 3, 4)],
    ),
    "scatter_add": (
        lambda x, s: x.scatter_add(1, SCATTER(True), s),
        lambda x, s: x.scatter_add(1, SCATTER(False), s),
        [_random(2, 3, 4), _random(2, 1, 4)],
    ),
    "index_select": (
        lambda x: x.index_select(1, np.array([2, 0, 2])),
        lambda x: x.index_select(1, T.tensor([2, 0, 2])),
        [_random(2, 3)],
    ),
    "index_select 0-d index": (
        lambda x: ag.index_select(x, 0, np.array(1)),
        lambda x: T.index_select(x, 0, T.tensor(1)),
        [_random(2, 3)],
    ),
    "take": (
        lambda x: x.take(np.array([[0, 5], [11, 5]])),
        lambda x: x.take(T.tensor([[0, 5], [11, 5]])),
        [_random(3, 4)],
    ),
    "repeat_interleave": (
        lambda x: ag.repeat(x, [1, 0, 2], axis=1),
        lambda x: T.repeat_interleave(x, T.tensor([1, 0, 2]), dim=1),
        [_random(2, 3)],
    ),
    "narrow": (lambda x: x.narrow(1, -3, 2), lambda x: x.narrow(1, -3, 2), [_random(2, 4)]),
    "masked_fill": (
        lambda x: x.masked_fill(MASK(True), 0.5),
        lambda x: x.masked_fill(MASK(False), 0.5),
        [_random(3, 4)],
    ),
    "masked_fill tensor value": (
        lambda x, v: ag.masked_fill(x, MASK(True), v),
        lambda x, v: T.masked_fill(x, MASK(False), v),
        [_random(3, 4), _random()],
    ),
    "diff": (lambda x: x.diff(dim=0), lambda x: x.diff(dim=0), [_random(4, 3)]),
    "diff edges": (
        lambda x, p, q: ag.diff(x, 2, dim=1, prepend=p, append=q),
        lambda x, p, q: T.diff(x, 2, dim=1, prepend=p, append=q),
        [_random(2, 3), _random(2, 1), _random(2, 2)],
    ),
}


def _flat(out: Any, cat: Callable[..., Any]) -> Any:
    """One result from a tensor or a sequence of them (each piece weighted by its place)."""
    if isinstance(out, (tuple, list)):
        return cat([piece.reshape(-1) * (i + 1) for i, piece in enumerate(out)])
    return out


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_derivatives_match_pytorch(name):
    ours, theirs, arrays = CASES[name]
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    ts = [T.tensor(a, requires_grad=True) for a in arrays]
    raw, traw = ours(*xs), theirs(*ts)
    assert isinstance(raw, (tuple, list)) == isinstance(traw, (tuple, list))
    if isinstance(raw, (tuple, list)):
        assert [p.shape for p in raw] == [tuple(p.shape) for p in traw]
    out, tout = _flat(raw, ag.concatenate), _flat(traw, T.cat)
    assert out.shape == tuple(tout.shape) and out.dtype == np.float64
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-12, atol=1e-12)

    # first derivatives of a weighted sum; second, of the first through a cube of the result
    w = RNG.uniform(0.5, 1.5, out.shape)
    grads = ag.grad((out**3 * w).sum(), xs, create_graph=True)
    tgrads = T.autograd.grad((tout**3 * T.tensor(w)).sum(), ts, create_graph=True)
    vs = [RNG.uniform(0.5, 1.5, x.shape) for x in xs]
    second = ag.grad(sum((g * v).sum() for g, v in zip(grads, vs)), xs)
    tsecond = T.autograd.grad(sum((g * T.tensor(v)).sum() for g, v in zip(tgrads, vs)), ts)
    for mine, torch_grad in [*zip(grads, tgrads), *zip(second, tsecond)]:
        assert mine.shape == tuple(torch_grad.shape)
        np.testing.assert_allclose(mine.data, torch_grad.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_scatter_add_with_a_larger_src_uses_its_leading_part():
    """Only src[:index.shape] is added (PyTorch's rule); its other entries get zero gradient.
    (PyTorch's own backward returns a gradient of the index's shape here, so values only.)"""
    x, src = _random(2, 3), _random(3, 4)
    index = np.array([[2, 0, 0], [1, 1, 2]])
    expected = T.tensor(x).scatter_add(1, T.tensor(index), T.tensor(src))
    s = ag.tensor(src, requires_grad=True)
    out = ag.tensor(x).scatter_add(1, index, s)
    np.testing.assert_allclose(out.data, expected.numpy(), rtol=1e-12)
    out.sum().backward()
    np.testing.assert_array_equal(s.grad.data, np.pad(np.ones((2, 3)), ((0, 1), (0, 1))))


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, x: x.gather(1, lib.tensor([[3]]) if lib is T else np.array([[3]])),
        lambda lib, x: x.index_select(0, lib.tensor([-1]) if lib is T else np.array([-1])),
        lambda lib, x: x.narrow(1, 2, 2),
        lambda lib, x: x.expand(3, 3),
        lambda lib, x: x.repeat(2),
        lambda lib, x: lib.zeros((2, 2, 2)).t() if lib is T else ag.tensor(np.zeros((2, 2, 2))).t(),
        lambda lib, x: x.flatten(1, 0),
        lambda lib, x: x.permute(0, 0),
        lambda lib, x: x.split([1, 1], 1),
        lambda lib, x: x.chunk(0),
        lambda lib, x: x.flip(),
    ],
    ids=["gather", "index_select", "narrow", "expand", "repeat", "t", "flatten", "permute",
         "split", "chunk", "flip"],
)  # fmt: skip
def test_what_pytorch_refuses_is_refused(call):
    x = _random(2, 3)
    with pytest.raises((RuntimeError, IndexError, TypeError)):
        call(T, T.tensor(x))
    with pytest.raises((ValueError, IndexError, TypeError)):
        call(ag, ag.tensor(x))
