"""PyTorch's names (issue 13): each Tensor method and ``ag`` function that PyTorch code uses
exists with PyTorch's signature and semantics. One test per name checks values against numpy
and closed forms, and the gradient against its closed form where the name is differentiable
(the same programs against PyTorch itself: tests/test_torch_*.py)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.testing import strategies as ags

METHODS = """
view reshape unsqueeze squeeze permute transpose flatten expand expand_as repeat contiguous clone
t mT chunk split gather scatter_add index_select masked_fill clamp argmax argmin topk sort cumsum
prod var std norm any all float double half long int bool to type type_as cpu numel nelement dim
ndimension element_size itemsize nbytes data_ptr size device is_cuda is_cpu is_floating_point
is_complex requires_grad_ zero_ item tolist numpy add_ sub_ mul_ div_
""".split()
FUNCTIONS = """
cat concat stack zeros ones full empty eye arange linspace rand randn randint randperm zeros_like
ones_like full_like empty_like rand_like randn_like from_numpy as_tensor manual_seed
get_default_dtype set_default_dtype clamp masked_fill triu tril where isclose allclose
inference_mode device cuda return_types
""".split()
DTYPES = {
    "float16": np.float16, "half": np.float16, "float32": np.float32, "float": np.float32,
    "float64": np.float64, "double": np.float64, "int8": np.int8, "uint8": np.uint8,
    "int16": np.int16, "short": np.int16, "int32": np.int32, "int": np.int32,
    "int64": np.int64, "long": np.int64, "bool": np.bool_,
}  # fmt: skip

X = np.arange(24.0).reshape(2, 3, 4)
P = np.array([[3.0, 9, 1, 7], [8, 2, 6, 0], [5, 11, 4, 10]])  # distinct values, no ties


def test_every_name_exists_and_has_its_test():
    missing = [m for m in METHODS if not hasattr(ag.Tensor, m)]
    missing += [f for f in [*FUNCTIONS, *DTYPES] if not hasattr(ag, f)]
    assert not missing, f"not in autograd_lite: {missing}"
    tests = vars(sys.modules[__name__])
    untested = [m for m in METHODS if f"test_{m}" not in tests]
    untested += [f for f in FUNCTIONS if f"test_ag_{f}" not in tests]
    assert not untested, f"no test for: {untested}"
    assert {"device", "cuda", "return_types"} <= set(ag.__all__)


# --------------------------------------------------------------------------- helpers


def weights(shape: tuple[int, ...]) -> np.ndarray:
    """Distinct upstream gradients: a gradient delivered to the wrong element shows."""
    return np.arange(1.0, 1.0 + int(np.prod(shape))).reshape(shape) / 8


def value_and_grad(f, x):
    """``f(x)`` and the gradient of ``sum(f(x) * W)`` with respect to ``x``, and ``W``."""
    t = ag.tensor(np.array(x, dtype=np.float64), requires_grad=True)
    y = f(t)
    w = weights(y.shape)
    (y * w).sum().backward()
    return y.data, t.grad.data, w


def parts_and_grad(f, x):
    """``f(x)``, a tuple of tensors, and the gradient of the weighted sum of all of them."""
    t = ag.tensor(np.array(x, dtype=np.float64), requires_grad=True)
    parts = f(t)
    ws = [weights(p.shape) * (i + 1) for i, p in enumerate(parts)]
    sum((p * w).sum() for p, w in zip(parts, ws)).backward()
    return [p.data for p in parts], t.grad.data, ws


def eq(got, want):
    """Same values and same dtype."""
    got = got.data if isinstance(got, ag.Tensor) else np.asarray(got)
    want = np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------- methods: shapes


def test_view():
    y, g, w = value_and_grad(lambda x: x.view(6, 4), X)
    eq(y, X.reshape(6, 4))
    eq(g, w.reshape(X.shape))
    assert ag.tensor(X).view(-1, 4).shape == (6, 4)
    assert ag.tensor(X).view((4, 6)).shape == (4, 6)
    with pytest.raises(TypeError, match=r"view: x.view\(dtype\) reinterprets the bytes"):
        ag.tensor(X).view(ag.float32)


def test_reshape():
    y, g, w = value_and_grad(lambda x: x.reshape(4, -1), X)
    eq(y, X.reshape(4, 6))
    eq(g, w.reshape(X.shape))
    assert ag.tensor(X).reshape((3, 8)).shape == (3, 8)


def test_unsqueeze():
    y, g, w = value_and_grad(lambda x: x.unsqueeze(1), X)
    eq(y, X[:, None])
    eq(g, w[:, 0])
    assert ag.tensor(X).unsqueeze(-1).shape == (2, 3, 4, 1)
    assert ag.tensor(X).unsqueeze(dim=0).shape == (1, 2, 3, 4)


def test_squeeze():
    x = X[:, :1]  # (2, 1, 4)
    y, g, w = value_and_grad(lambda t: t.squeeze(1), x)
    eq(y, x[:, 0])
    eq(g, w[:, None])
    assert ag.tensor(x).squeeze(0).shape == (2, 1, 4)  # a dim whose size is not 1: as it is
    assert ag.tensor(x[:1]).squeeze().shape == (4,)
    assert ag.tensor(x).squeeze(dim=-2).shape == (2, 4)


def test_permute():
    y, g, w = value_and_grad(lambda x: x.permute(2, 0, 1), X)
    eq(y, X.transpose(2, 0, 1))
    eq(g, w.transpose(1, 2, 0))
    assert ag.tensor(X).permute((1, 2, 0)).shape == (3, 4, 2)


def test_transpose():
    y, g, w = value_and_grad(lambda x: x.transpose(0, 2), X)
    eq(y, X.swapaxes(0, 2))
    eq(g, w.swapaxes(0, 2))
    assert ag.tensor(X).transpose(-1, -2).shape == (2, 4, 3)
    assert ag.tensor(X).transpose().shape == (4, 3, 2)  # numpy's form: all axes reversed


def test_flatten():
    y, g, w = value_and_grad(lambda x: x.flatten(1), X)
    eq(y, X.reshape(2, 12))
    eq(g, w.reshape(X.shape))
    assert ag.tensor(X).flatten().shape == (24,)
    assert ag.tensor(X).flatten(0, 1).shape == (6, 4)
    assert ag.tensor(X).flatten(start_dim=-2).shape == (2, 12)


def test_expand():
    x = X[:, :1]  # (2, 1, 4)
    y, g, w = value_and_grad(lambda t: t.expand(2, 3, 4), x)
    eq(y, np.broadcast_to(x, (2, 3, 4)))
    eq(g, w.sum(axis=1, keepdims=True))
    assert ag.tensor(x).expand(5, -1, 3, -1).shape == (5, 2, 3, 4)


def test_expand_as():
    x = X[:1]  # (1, 3, 4)
    y, g, w = value_and_grad(lambda t: t.expand_as(ag.tensor(X)), x)
    eq(y, np.broadcast_to(x, X.shape))
    eq(g, w.sum(axis=0, keepdims=True))


def test_repeat():
    y, g, w = value_and_grad(lambda x: x.repeat(2, 1, 1), X)  # PyTorch's: tiles
    eq(y, np.tile(X, (2, 1, 1)))
    eq(g, w[:2] + w[2:])
    assert ag.tensor([1.0, 2.0]).repeat(2, 2).shape == (2, 4)


def test_contiguous():
    y, g, w = value_and_grad(lambda x: x.transpose(0, 2).contiguous(), X)
    eq(y, X.swapaxes(0, 2))
    eq(g, w.swapaxes(0, 2))


def test_clone():
    y, g, w = value_and_grad(lambda x: x.clone(), X)
    eq(y, X)
    eq(g, w)
    x = ag.tensor(X)
    c = x.clone()
    c[0] = -1.0  # a copy: the original keeps its values
    eq(x, X)


def test_t():
    y, g, w = value_and_grad(lambda x: x.t(), P)
    eq(y, P.T)
    eq(g, w.T)
    eq(ag.tensor([1.0, 2.0]).t(), np.array([1.0, 2.0], np.float32))  # 1-D: as it is
    with pytest.raises(ValueError, match=r"t: expects a tensor of at most 2 dimensions"):
        ag.tensor(X).t()


def test_mT():  # noqa: N802 - PyTorch's name
    y, g, w = value_and_grad(lambda x: x.mT, X)
    eq(y, X.swapaxes(-1, -2))
    eq(g, w.swapaxes(-1, -2))


def test_chunk():
    parts, g, ws = parts_and_grad(lambda x: x.chunk(2, dim=2), X)
    eq(parts[0], X[..., :2])
    eq(parts[1], X[..., 2:])
    eq(g, np.concatenate(ws, axis=2))
    assert [len(c) for c in ag.arange(5).chunk(3)] == [2, 2, 1]


def test_split():
    parts, g, ws = parts_and_grad(lambda x: x.split([1, 3], dim=-1), X)
    eq(parts[0], X[..., :1])
    eq(parts[1], X[..., 1:])
    eq(g, np.concatenate(ws, axis=-1))
    assert [p.shape for p in ag.tensor(X).split(2)] == [(2, 3, 4)]  # size 2 along dim 0
    assert [p.shape for p in ag.tensor(X).split(3, dim=2)] == [(2, 3, 3), (2, 3, 1)]


def test_gather():
    index = np.array([[0, 3], [2, 2], [1, 0]])  # a repeated index accumulates
    y, g, w = value_and_grad(lambda x: x.gather(1, ag.tensor(index)), P)
    eq(y, np.take_along_axis(P, index, axis=1))
    want = np.zeros_like(P)
    np.add.at(want, (np.arange(3)[:, None], index), w)
    eq(g, want)


def test_scatter_add():
    base = ag.tensor(np.zeros((3, 5)), requires_grad=True)
    src = ag.tensor(P, requires_grad=True)
    index = np.array([[0, 4, 4, 1], [2, 2, 2, 2], [3, 0, 1, 4]])
    y = base.scatter_add(1, ag.tensor(index), src)
    want = np.zeros((3, 5))
    np.add.at(want, (np.arange(3)[:, None], index), P)
    eq(y, want)
    w = weights(y.shape)
    (y * w).sum().backward()
    eq(base.grad, w)
    eq(src.grad, np.take_along_axis(w, index, axis=1))


def test_index_select():
    y, g, w = value_and_grad(lambda x: x.index_select(1, ag.tensor([2, 0, 2])), X)
    eq(y, X[:, [2, 0, 2]])
    want = np.zeros_like(X)
    np.add.at(want, (slice(None), [2, 0, 2]), w)
    eq(g, want)


def test_masked_fill():
    mask = X % 3 == 0
    y, g, w = value_and_grad(lambda x: x.masked_fill(ag.tensor(mask), -1.0), X)
    eq(y, np.where(mask, -1.0, X))
    eq(g, np.where(mask, 0.0, w))


def test_clamp():
    y, g, w = value_and_grad(lambda x: x.clamp(2.5, 5.5), P)
    eq(y, np.clip(P, 2.5, 5.5))
    eq(g, w * ((P > 2.5) & (P < 5.5)))
    eq(ag.tensor(P).clamp(min=4.0), np.maximum(P, 4.0))
    eq(ag.tensor(P).clamp(max=4.0), np.minimum(P, 4.0))


# --------------------------------------------------------------------------- methods: reductions


def test_argmax():
    x = ag.tensor(P)
    eq(x.argmax(), np.int64(9))  # over all elements, flattened
    eq(x.argmax(dim=1), np.array([1, 0, 1]))
    eq(x.argmax(1, keepdim=True), np.array([[1], [0], [1]]))
    assert not x.argmax().requires_grad


def test_argmin():
    x = ag.tensor(P)
    eq(x.argmin(), np.int64(7))
    eq(x.argmin(dim=0), np.array([0, 1, 0, 1]))
    eq(x.argmin(0, keepdim=True), np.array([[0, 1, 0, 1]]))


def test_topk():
    t = ag.tensor(P, requires_grad=True)
    top = t.topk(2)  # the largest along the last dim, as (values, indices)
    eq(top.values, np.array([[9.0, 7], [8, 6], [11, 10]]))
    eq(top.indices, np.array([[1, 3], [0, 2], [1, 3]]))
    w = weights(top.values.shape)
    (top.values * w).sum().backward()
    want = np.zeros_like(P)
    np.put_along_axis(want, top.indices.data, w, axis=1)
    eq(t.grad, want)
    values, indices = ag.tensor(P).topk(1, dim=0, largest=False)
    eq(values, np.array([[3.0, 2, 1, 0]]))
    eq(indices, np.array([[0, 1, 0, 1]]))


def test_sort():
    t = ag.tensor(P, requires_grad=True)
    values, indices = t.sort(descending=True)
    eq(values, -np.sort(-P, axis=-1))
    eq(indices, np.argsort(-P, axis=-1))
    w = weights(values.shape)
    (values * w).sum().backward()
    want = np.zeros_like(P)
    np.put_along_axis(want, indices.data, w, axis=1)
    eq(t.grad, want)
    eq(ag.tensor(P).sort(0).indices, np.argsort(P, axis=0))  # a positional dim


def test_cumsum():
    y, g, w = value_and_grad(lambda x: x.cumsum(1), X)
    eq(y, np.cumsum(X, axis=1))
    eq(g, np.flip(np.cumsum(np.flip(w, 1), axis=1), 1))
    eq(ag.tensor(X).cumsum(dim=-1), np.cumsum(X, axis=-1))


def test_prod():
    x = X + 1  # no zeros: the gradient is prod / x
    y, g, w = value_and_grad(lambda t: t.prod(1), x)
    want = np.prod(x, axis=1)
    eq(y, want)
    np.testing.assert_allclose(g, w[:, None, :] * want[:, None, :] / x, rtol=1e-13)
    eq(ag.tensor(x).prod(dim=1, keepdim=True), np.prod(x, axis=1, keepdims=True))


def test_var():
    y, g, w = value_and_grad(lambda x: x.var(), P)  # PyTorch's default: unbiased
    n = P.size
    np.testing.assert_allclose(y, np.var(P, ddof=1), rtol=1e-14)
    np.testing.assert_allclose(g, w * 2 * (P - P.mean()) / (n - 1), rtol=1e-13)
    x = ag.tensor(P)
    np.testing.assert_allclose(x.var(1, unbiased=False), np.var(P, axis=1), rtol=1e-14)
    np.testing.assert_allclose(
        x.var(dim=1, correction=0, keepdim=True), np.var(P, axis=1, keepdims=True), rtol=1e-14
    )
    np.testing.assert_allclose(x.var(axis=1), np.var(P, axis=1), rtol=1e-14)  # numpy's keyword


def test_std():
    y, g, w = value_and_grad(lambda x: x.std(), P)
    n = P.size
    s = np.std(P, ddof=1)
    np.testing.assert_allclose(y, s, rtol=1e-14)
    np.testing.assert_allclose(g, w * (P - P.mean()) / ((n - 1) * s), rtol=1e-13)
    x = ag.tensor(P)
    np.testing.assert_allclose(x.std(0, unbiased=False), np.std(P, axis=0), rtol=1e-14)
    np.testing.assert_allclose(x.std(dim=0, correction=2), np.std(P, axis=0, ddof=2), rtol=1e-14)


def test_norm():
    q = P - 5.5  # no zeros, both signs
    y, g, w = value_and_grad(lambda x: x.norm(), q)
    r = np.sqrt((q * q).sum())
    np.testing.assert_allclose(y, r, rtol=1e-14)
    np.testing.assert_allclose(g, w * q / r, rtol=1e-13)
    y, g, w = value_and_grad(lambda x: x.norm(p=1, dim=1), q)
    np.testing.assert_allclose(y, np.abs(q).sum(axis=1), rtol=1e-14)
    eq(g, w[:, None] * np.sign(q))


def test_any():
    b = ag.tensor(P > 8)
    assert b.any().item() is True
    eq(b.any(dim=1), np.array([True, False, True]))
    eq(b.any(0, keepdim=True), np.array([[False, True, False, True]]))


def test_all():
    x = ag.tensor(P)
    assert (x >= 0).all().item() is True
    eq((x > 0).all(1), np.array([True, False, True]))
    eq((x > 0).all(dim=0), np.array([True, True, True, False]))


# --------------------------------------------------------------------------- methods: dtypes


def check_float_cast(name, src, dst):
    """``x.<name>()`` is differentiable: the value in ``dst``, the gradient back in ``src``."""
    x = ag.tensor(P.astype(src), requires_grad=True)
    y = getattr(x, name)()
    eq(y, P.astype(src).astype(dst))
    assert y.requires_grad
    (y * weights(y.shape).astype(dst)).sum().backward()
    eq(x.grad, weights(P.shape).astype(dst).astype(src))
    same = ag.tensor(P.astype(dst))
    assert getattr(same, name)() is same  # as PyTorch: no copy when nothing changes


def test_float():
    check_float_cast("float", np.float64, np.float32)


def test_double():
    check_float_cast("double", np.float32, np.float64)


def test_half():
    check_float_cast("half", np.float32, np.float16)


def check_integer_cast(name, dtype):
    """``x.<name>()`` to an integer or boolean dtype: a constant, truncated toward zero."""
    x = ag.tensor([1.5, -2.7, 0.0, 3.0], requires_grad=True)
    y = getattr(x, name)()
    eq(y, np.array([1.5, -2.7, 0.0, 3.0], np.float32).astype(dtype))
    assert not y.requires_grad and y.is_leaf


def test_long():
    check_integer_cast("long", np.int64)
    eq(ag.tensor([1.5, -2.7]).long(), np.array([1, -2]))


def test_int():
    check_integer_cast("int", np.int32)


def test_bool():
    check_integer_cast("bool", np.bool_)
    eq(ag.tensor([0.0, 2.0, -0.5]).bool(), np.array([False, True, True]))


def test_to():
    x = ag.tensor(P.astype(np.float32), requires_grad=True)
    y = x.to(ag.float64)
    eq(y, P)
    (y * weights(P.shape)).sum().backward()  # differentiable between floating dtypes
    eq(x.grad, weights(P.shape).astype(np.float32))
    assert x.to(ag.float32) is x and x.to("cpu") is x and x.to(ag.device("cpu")) is x
    assert x.to(device="cpu", dtype=None) is x
    assert x.to(ag.float32, copy=True) is not x
    eq(x.to("cpu", ag.int64), P.astype(np.int64))
    eq(x.to(ag.tensor(np.ones(1, np.float16))), P.astype(np.float16))  # other's dtype
    eq(x.to(dtype=np.float64, non_blocking=True), P)
    with pytest.raises(RuntimeError, match=r"to: .* CPU only, so a tensor cannot move to device "):
        x.to("cuda")
    with pytest.raises(RuntimeError, match=r"cannot move to device 'cuda:1'"):
        x.to("cuda:1", ag.float64)
    with pytest.raises(ValueError, match=r"to: device: .* got 'float32'; a dtype is given as"):
        x.to("float32")
    with pytest.raises(TypeError, match=r"to: got an unexpected keyword argument 'memory'"):
        x.to(ag.float64, memory=1)


def test_type():
    x = ag.tensor([1.5, 2.5])
    assert x.type() == "torch.FloatTensor"  # PyTorch's name of the tensor type
    names = {np.float64: "Double", np.float16: "Half", np.int64: "Long", np.int32: "Int"}
    names |= {np.int16: "Short", np.int8: "Char", np.uint8: "Byte", np.bool_: "Bool"}
    for dtype, name in names.items():
        assert x.type(dtype).type() == f"torch.{name}Tensor"
        assert x.type(f"torch.{name}Tensor").dtype == dtype
    assert x.type(ag.float32) is x
    t = ag.tensor([1.5, 2.5], requires_grad=True)
    (t.type(ag.float64) * 2).sum().backward()
    eq(t.grad, np.array([2.0, 2.0], np.float32))
    with pytest.raises(ValueError, match=r"type: invalid type 'float'; expected a dtype"):
        x.type("float")
    with pytest.raises(RuntimeError, match=r"type: .* cannot move to device 'cuda'"):
        x.type("torch.cuda.FloatTensor")


def test_type_as():
    x = ag.tensor([1.5, 2.5])
    eq(x.type_as(ag.tensor([1, 2])), np.array([1, 2]))
    assert x.type_as(ag.tensor([1.0])) is x


def test_cpu():
    x = ag.tensor([1.0])
    assert x.cpu() is x


# --------------------------------------------------------------------------- methods: facts


def test_numel():
    assert ag.tensor(X).numel() == 24 and ag.tensor(1.0).numel() == 1


def test_nelement():
    assert ag.tensor(X).nelement() == 24


def test_dim():
    assert ag.tensor(X).dim() == 3 and ag.tensor(1.0).dim() == 0


def test_ndimension():
    assert ag.tensor(X).ndimension() == 3


def test_element_size():
    assert ag.tensor([1.0]).element_size() == 4 and ag.tensor(X).element_size() == 8
    assert ag.tensor([True]).element_size() == 1


def test_itemsize():
    assert ag.tensor([1, 2]).itemsize == 8


def test_nbytes():
    assert ag.tensor(X).nbytes == 24 * 8


def test_data_ptr():
    x = ag.tensor(X)
    assert x.data_ptr() == x.data.ctypes.data
    assert x.detach().data_ptr() == x.data_ptr()  # shares the memory
    assert x.clone().data_ptr() != x.data_ptr()


def test_size():
    x = ag.tensor(X)
    assert x.size() == (2, 3, 4) and x.size(0) == 2 and x.size(-1) == 4
    assert x.size == 24  # numpy's element count, still


def test_device():
    d = ag.tensor(X).device
    assert d == "cpu" and d == ag.device("cpu") and d.type == "cpu" and d.index is None
    assert str(d) == "cpu" and repr(d) == "device(type='cpu')"
    assert d != "cuda" and d != ag.device("cpu", 0)


def test_is_cuda():
    assert ag.tensor(X).is_cuda is False


def test_is_cpu():
    assert ag.tensor(X).is_cpu is True


def test_is_floating_point():
    assert ag.tensor([1.0]).is_floating_point() and not ag.tensor([1]).is_floating_point()


def test_is_complex():
    assert ag.tensor([1j]).is_complex() and not ag.tensor([1.0]).is_complex()


def test_requires_grad_():
    t = ag.tensor([1.0])
    assert t.requires_grad_() is t and t.requires_grad
    assert t.requires_grad_(False) is t and not t.requires_grad


def test_zero_():
    t = ag.tensor([1.0, 2.0])
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    y = w * t  # saves t for w's gradient
    assert t.zero_() is t
    eq(t, np.zeros(2, np.float32))
    with pytest.raises(RuntimeError, match=r"modified in place after the op used it"):
        y.sum().backward()


def test_item():
    assert ag.tensor([[2.5]]).item() == 2.5 and isinstance(ag.tensor(3).item(), int)


def test_tolist():
    assert ag.tensor(P).tolist() == P.tolist()


def test_numpy():
    x = ag.tensor(X)
    a = x.numpy()
    a[0, 0, 0] = -1.0  # the same memory
    assert x.data[0, 0, 0] == -1.0


def check_in_place(name, args, kwargs, want):
    t = ag.tensor([1.0, 2.0, 4.0])
    assert getattr(t, name)(*args, **kwargs) is t
    eq(t, np.array(want, np.float32))


def test_add_():
    check_in_place("add_", [ag.tensor([1.0, 1.0, 1.0])], {"alpha": 2}, [3.0, 4.0, 6.0])


def test_sub_():
    check_in_place("sub_", [1.0], {"alpha": 0.5}, [0.5, 1.5, 3.5])


def test_mul_():
    check_in_place("mul_", [ag.tensor([2.0, 3.0, 0.5])], {}, [2.0, 6.0, 2.0])


def test_div_():
    check_in_place("div_", [2], {}, [0.5, 1.0, 2.0])


# --------------------------------------------------------------------------- functions


def test_ag_cat():
    a, b = ag.tensor(X, requires_grad=True), ag.tensor(X[:, :1] * 2, requires_grad=True)
    y = ag.cat([a, b], dim=1)
    eq(y, np.concatenate([X, X[:, :1] * 2], axis=1))
    w = weights(y.shape)
    (y * w).sum().backward()
    eq(a.grad, w[:, :3])
    eq(b.grad, w[:, 3:])
    assert ag.cat((ag.tensor(X), ag.tensor(X))).shape == (4, 3, 4)  # dim 0 by default


def test_ag_concat():
    eq(ag.concat([ag.tensor(P), ag.tensor(P)], 1), np.concatenate([P, P], axis=1))


def test_ag_stack():
    a, b = ag.tensor(P, requires_grad=True), ag.tensor(-P, requires_grad=True)
    y = ag.stack([a, b], dim=1)
    eq(y, np.stack([P, -P], axis=1))
    w = weights(y.shape)
    (y * w).sum().backward()
    eq(a.grad, w[:, 0])
    eq(b.grad, w[:, 1])


def test_ag_zeros():
    eq(ag.zeros(2, 3), np.zeros((2, 3), np.float32))
    eq(ag.zeros((2, 3), dtype=ag.int64), np.zeros((2, 3), np.int64))
    assert ag.zeros(2, requires_grad=True).requires_grad


def test_ag_ones():
    eq(ag.ones(2, 3), np.ones((2, 3), np.float32))
    eq(ag.ones([3], dtype=ag.float64), np.ones(3))


def test_ag_full():
    eq(ag.full((2, 3), 1.5), np.full((2, 3), 1.5, np.float32))
    eq(ag.full((2,), 7), np.full(2, 7, np.int64))  # the fill value's kind, as PyTorch


def test_ag_empty():
    e = ag.empty(2, 3)
    assert e.shape == (2, 3) and e.dtype == np.float32


def test_ag_eye():
    eq(ag.eye(3), np.eye(3, dtype=np.float32))
    eq(ag.eye(2, 3), np.eye(2, 3, dtype=np.float32))


def test_ag_arange():
    eq(ag.arange(5), np.arange(5))
    eq(ag.arange(1, 4, 0.5), np.arange(1, 4, 0.5, dtype=np.float32))


def test_ag_linspace():
    eq(ag.linspace(0, 1, 5), np.linspace(0, 1, 5, dtype=np.float32))


def test_ag_rand():
    ag.manual_seed(3)
    a = ag.rand(2, 500)
    assert a.shape == (2, 500) and a.dtype == np.float32
    assert 0 <= a.data.min() and a.data.max() < 1 and 0.4 < a.data.mean() < 0.6


def test_ag_randn():
    ag.manual_seed(3)
    a = ag.randn(1000, dtype=ag.float64)
    assert a.dtype == np.float64 and abs(a.data.mean()) < 0.15 and 0.85 < a.data.std() < 1.15


def test_ag_randint():
    ag.manual_seed(3)
    a = ag.randint(2, 5, (400,))
    assert a.dtype == np.int64 and set(a.data.tolist()) == {2, 3, 4}
    assert set(ag.randint(3, size=(300,)).data.tolist()) == {0, 1, 2}  # randint(high, size)


def test_ag_randperm():
    p = ag.randperm(10)
    assert p.dtype == np.int64 and sorted(p.data.tolist()) == list(range(10))


def test_ag_zeros_like():
    eq(ag.zeros_like(ag.tensor([1, 2])), np.zeros(2, np.int64))


def test_ag_ones_like():
    eq(ag.ones_like(ag.tensor(P), dtype=ag.float32), np.ones((3, 4), np.float32))


def test_ag_full_like():
    eq(ag.full_like(ag.tensor([1.0, 2.0]), 7), np.full(2, 7, np.float32))


def test_ag_empty_like():
    e = ag.empty_like(ag.tensor(X))
    assert e.shape == X.shape and e.dtype == np.float64


def test_ag_rand_like():
    r = ag.rand_like(ag.tensor(X))
    assert r.shape == X.shape and r.dtype == np.float64 and 0 <= r.data.min() < r.data.max() < 1


def test_ag_randn_like():
    r = ag.randn_like(ag.tensor(np.zeros(500, np.float32)))
    assert r.shape == (500,) and r.dtype == np.float32 and r.data.std() > 0.5


def test_ag_from_numpy():
    a = np.ones(3)
    t = ag.from_numpy(a)
    a[1] = 9.0  # shares the memory, keeps the dtype
    eq(t, np.array([1.0, 9.0, 1.0]))


def test_ag_as_tensor():
    eq(ag.as_tensor([1.0, 2.0]), np.array([1.0, 2.0], np.float32))
    a = np.ones(2)
    t = ag.as_tensor(a)
    a[0] = 5.0  # an array of the same dtype is shared, as PyTorch's
    eq(t, np.array([5.0, 1.0]))


def test_ag_manual_seed():
    ag.manual_seed(7)
    a = ag.randn(5)
    ag.manual_seed(7)
    eq(ag.randn(5), a.data)


def test_ag_dtypes():
    for name, dtype in DTYPES.items():
        assert getattr(ag, name) == np.dtype(dtype), name
    eq(ag.tensor([1.5]).to(ag.long), np.array([1]))


def test_ag_get_default_dtype():
    assert ag.get_default_dtype() == np.float32
    assert ag.tensor([1.0]).dtype == ag.get_default_dtype()


def test_ag_set_default_dtype():
    try:
        ag.set_default_dtype(ag.float64)
        assert ag.tensor([1.0]).dtype == np.float64 and ag.zeros(2).dtype == np.float64
    finally:
        ag.set_default_dtype(ag.float32)
    with pytest.raises(TypeError, match=r"set_default_dtype: only floating dtypes"):
        ag.set_default_dtype(ag.int64)


def test_ag_clamp():
    y, g, w = value_and_grad(lambda x: ag.clamp(x, min=2.5, max=5.5), P)
    eq(y, np.clip(P, 2.5, 5.5))
    eq(g, w * ((P > 2.5) & (P < 5.5)))
    eq(ag.clamp(ag.tensor(P), 2.5, 5.5), np.clip(P, 2.5, 5.5))


def test_ag_masked_fill():
    mask = P > 5
    y, g, w = value_and_grad(lambda x: ag.masked_fill(x, ag.tensor(mask), 0.5), P)
    eq(y, np.where(mask, 0.5, P))
    eq(g, np.where(mask, 0.0, w))


def test_ag_triu():
    y, g, w = value_and_grad(lambda x: ag.triu(x, diagonal=1), P)
    eq(y, np.triu(P, 1))
    eq(g, np.triu(w, 1))


def test_ag_tril():
    y, g, w = value_and_grad(lambda x: ag.tril(x, diagonal=-1), P)
    eq(y, np.tril(P, -1))
    eq(g, np.tril(w, -1))
    eq(ag.tril(ag.tensor(P), 1), np.tril(P, 1))  # numpy's positional k


def test_ag_where():
    cond = P > 5
    a, b = ag.tensor(P, requires_grad=True), ag.tensor(-P, requires_grad=True)
    y = ag.where(ag.tensor(cond), a, b)
    eq(y, np.where(cond, P, -P))
    w = weights(y.shape)
    (y * w).sum().backward()
    eq(a.grad, np.where(cond, w, 0.0))
    eq(b.grad, np.where(cond, 0.0, w))
    eq(ag.where(ag.tensor(cond), ag.tensor(P), 0.0), np.where(cond, P, 0.0))


def test_ag_isclose():
    a = ag.tensor([1.0, 2.0, np.nan], dtype=ag.float64)
    eq(ag.isclose(a, a + 1e-9), np.array([True, True, False]))
    eq(ag.isclose(a, a + 0.1, atol=0.2, equal_nan=True), np.array([True, True, True]))


def test_ag_allclose():
    a = ag.tensor([1.0, 2.0])
    assert ag.allclose(a, a + 1e-7) and not ag.allclose(a, a + 0.1)
    assert ag.allclose(a, a + 0.1, rtol=0, atol=0.2)


def test_ag_inference_mode():
    x = ag.tensor([1.0], requires_grad=True)
    with ag.inference_mode():
        assert not (x * 2).requires_grad

    @ag.inference_mode()
    def doubled(t):
        return t * 2

    assert not doubled(x).requires_grad
    assert (x * 2).requires_grad  # on again after


def test_ag_device():
    d = ag.device("cuda:1")
    assert (d.type, d.index, str(d)) == ("cuda", 1, "cuda:1")
    assert repr(d) == "device(type='cuda', index=1)"
    assert d == ag.device("cuda", 1) == ag.device(d) and d == "cuda:1"
    assert len({ag.device("cpu"), "cpu"}) == 1  # hashed as its string, which it equals
    with pytest.raises(ValueError, match=r"device: expected one of cpu, cuda, .* got 'gpu'"):
        ag.device("gpu")
    with pytest.raises(ValueError, match=r"device: invalid device 'cuda:x'"):
        ag.device("cuda:x")
    with pytest.raises(RuntimeError, match=r"device: 0 is the index of an accelerator"):
        ag.device(0)


def test_ag_cuda():
    assert ag.cuda.is_available() is False and ag.cuda.device_count() == 0
    assert ag.device("cuda" if ag.cuda.is_available() else "cpu") == "cpu"
    ag.cuda.manual_seed_all(0)  # nothing to seed, as PyTorch's without a GPU


def test_ag_return_types():
    result = ag.tensor(P).max(1)
    assert isinstance(result, ag.return_types.max)
    values, indices = result
    eq(values, P.max(axis=1))
    eq(result.indices, P.argmax(axis=1))
    assert isinstance(ag.tensor(P).sort(), ag.return_types.sort)


# --------------------------------------------------------------------------- properties


@given(
    x=ags.arrays(),
    dst=st.sampled_from([np.float16, np.float32, np.float64]),
    src=st.sampled_from([np.float32, np.float64]),
    create_graph=st.booleans(),
)
def test_float_casts_carry_gradients_to_second_order(x, dst, src, create_graph):
    """d/dx sum(c * cast(x) ** 2) is 2 c cast(x) (cast back), and its derivative again 2 c."""
    # c * y + c * y (the product rule) equals 2 c y only where c * y is a normal number of
    # dst: a subnormal one keeps fewer digits (0.25 * 1.19e-7 in float16 rounds)
    x = np.where(np.abs(x) < np.finfo(dst).tiny / 0.25, 0, x).astype(x.dtype)
    t = ag.tensor(x.astype(src), requires_grad=True)
    y = t.to(dst)
    c = ag.tensor(np.full(x.shape, 0.25, dst))
    (g,) = ag.grad((c * y * y).sum(), t, create_graph=True)
    assert g.dtype == src
    np.testing.assert_array_equal(g.data, (2 * 0.25 * y.data).astype(dst).astype(src))
    (gg,) = ag.grad(g.sum(), t)
    eq(gg, np.full(x.shape, 0.5, src))
