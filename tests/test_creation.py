"""Creation functions with PyTorch's signatures beside numpy's, dtypes by PyTorch's rules."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag

F32, F64, I64 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64)


@pytest.mark.parametrize("make", [ag.zeros, ag.ones, ag.empty, ag.rand, ag.randn])
def test_size_as_arguments_or_one_sequence_and_default_dtype(make):
    for size in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = make(*size)
        assert isinstance(t, ag.Tensor) and t.shape == (2, 3) and t.dtype == F32
    assert make().shape == () and make(0).shape == (0,)
    assert make(2, dtype=np.float64).dtype == F64
    assert make(2, requires_grad=True).requires_grad
    ag.set_default_dtype(np.float64)
    try:
        assert make(2).dtype == F64
    finally:
        ag.set_default_dtype(np.float32)


def test_constants_hold_their_values():
    np.testing.assert_array_equal(ag.zeros(2, 2).data, np.zeros((2, 2)))
    np.testing.assert_array_equal(ag.ones(3).data, np.ones(3))
    np.testing.assert_array_equal(ag.eye(2, 3).data, np.eye(2, 3))
    assert ag.eye(3).shape == (3, 3) and ag.eye(3).dtype == F32
    np.testing.assert_allclose(ag.linspace(0, 1, 5).data, [0, 0.25, 0.5, 0.75, 1])
    assert ag.linspace(0, 1, 5).dtype == F32


def test_dtype_follows_the_values_as_in_pytorch():
    assert ag.full((2,), 1.5).dtype == F32
    assert ag.full((2,), 7).dtype == I64
    assert ag.full(2, True).dtype == np.bool_
    assert ag.full((2,), 7, dtype=np.float64).dtype == F64
    assert ag.arange(5).dtype == I64 and ag.arange(5).tolist() == [0, 1, 2, 3, 4]
    assert ag.arange(1, 2, 0.5).dtype == F32 and ag.arange(1, 2, 0.5).tolist() == [1.0, 1.5]
    assert ag.arange(3.0).dtype == F32
    assert ag.randint(0, 5, (3,)).dtype == I64 and ag.randperm(4).dtype == I64


def test_like_functions_keep_shape_and_dtype():
    x = ag.tensor(np.ones((2, 3), np.float64))
    for make in (ag.zeros_like, ag.ones_like, ag.empty_like, ag.rand_like, ag.randn_like):
        t = make(x)
        assert t.shape == (2, 3) and t.dtype == F64 and not t.requires_grad
        assert make(x, dtype=np.float32).dtype == F32
    np.testing.assert_array_equal(ag.full_like(x, 4).data, np.full((2, 3), 4.0))
    assert ag.zeros_like(np.arange(3)).dtype == I64  # arrays work too
    with pytest.raises(TypeError, match="randn_like: draws floating-point numbers, got dtype"):
        ag.randn_like(np.arange(3))


def test_randint_in_both_orders_and_randperm():
    g = ag.Generator().manual_seed(0)
    a = ag.randint(3, 7, (1000,), generator=g).data
    assert a.min() == 3 and a.max() == 6
    b = ag.randint(5, (2, 2), rng=0)  # randint(high, size)
    assert b.shape == (2, 2) and b.data.max() < 5
    c = ag.randint(5, size=(4,), rng=0)  # numpy's keywords
    assert c.shape == (4,)
    assert sorted(ag.randperm(6, rng=1).tolist()) == list(range(6))


def test_from_numpy_shares_memory_and_as_tensor_copies_only_when_needed():
    a = np.zeros(3)
    t = ag.from_numpy(a)
    a[1] = 5.0
    t.data[2] = 7.0
    np.testing.assert_array_equal(t.data, [0, 5, 7])
    np.testing.assert_array_equal(a, [0, 5, 7])
    assert ag.as_tensor(a).data is a  # same dtype: shared
    assert ag.as_tensor(a, dtype=np.float32).dtype == F32
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    assert ag.as_tensor(x) is x
    y = ag.as_tensor(x, dtype=np.float64)  # another dtype: a differentiable cast
    assert y.dtype == F64 and y.requires_grad
    assert ag.as_tensor([1.5, 2.0]).dtype == F32 and ag.as_tensor([1, 2]).dtype == I64
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray, got list"):
        ag.from_numpy([1.0])
    with pytest.raises(TypeError, match="from_numpy: expected a numeric or bool array"):
        ag.from_numpy(np.array([object()]))


def test_isclose_and_allclose_on_tensors_and_arrays():
    a = ag.tensor([1.0, 2.0, np.nan])
    b = np.array([1.0 + 1e-9, 2.1, np.nan])
    close = ag.isclose(a, b)
    assert isinstance(close, ag.Tensor) and close.tolist() == [True, False, False]
    assert ag.isclose(a, b, equal_nan=True).tolist() == [True, False, True]
    assert ag.allclose(a[:1], b[:1]) is True and ag.allclose(a, b) is False
    assert ag.allclose(a, b, atol=0.2, equal_nan=True)


def test_bad_sizes_and_devices_name_the_function():
    with pytest.raises(TypeError, match=r"zeros: the size must be ints.*\(2.5,\)"):
        ag.zeros(2.5)
    with pytest.raises(ValueError, match=r"ones: the size must not be negative"):
        ag.ones(2, -1)
    with pytest.raises(TypeError, match="rand: draws floating-point numbers, got dtype=int64"):
        ag.rand(2, dtype=np.int64)
    with pytest.raises(TypeError, match="randn: pass generator= or rng=, not both"):
        ag.randn(2, generator=ag.Generator(), rng=0)
    assert ag.zeros(2, device="cpu").shape == (2,)
    with pytest.raises(ValueError, match="zeros: autograd_lite runs on the CPU only"):
        ag.zeros(2, device="cuda")
    with pytest.raises(TypeError, match="only floating-point tensors can require gradients"):
        ag.arange(3, requires_grad=True)
