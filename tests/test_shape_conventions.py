"""Where numpy and PyTorch mean different things by one name, the decision for each shape op:
functions follow numpy for positional arguments (PyTorch's keyword ``dim=`` asks for PyTorch's
meaning), Tensor methods follow PyTorch where the two differ. (Values and gradients against
PyTorch itself: tests/test_torch_shape.py.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag


def _x(*shape: int) -> ag.Tensor:
    return ag.tensor(np.arange(float(np.prod(shape))).reshape(shape), requires_grad=True)


def test_flatten_method_takes_pytorchs_start_and_end_dims():
    x = _x(2, 3, 4)
    assert x.flatten().shape == (24,)  # numpy's ndarray.flatten() too
    assert x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)
    assert ag.flatten(x, start_dim=-2).shape == (2, 12)
    assert ag.tensor(3.0).flatten().shape == (1,)  # PyTorch: a 0-d tensor becomes 1-d


def test_transpose_of_two_ints_swaps_them_as_pytorch():
    x = _x(2, 3, 4)
    assert x.transpose(0, 2).shape == (4, 3, 2)  # PyTorch's swap (numpy would refuse)
    assert x.transpose(2, 0, 1).shape == (4, 2, 3)  # numpy's permutation
    assert x.transpose((1, 0, 2)).shape == (3, 2, 4)
    assert x.transpose().shape == x.T.shape == (4, 3, 2)
    m = _x(2, 3)
    np.testing.assert_array_equal(m.transpose(1, 0).data, m.data.T)  # the two agree on 2-D
    np.testing.assert_array_equal(m.transpose(0, 1).data, m.data.T)  # PyTorch's, not the identity
    np.testing.assert_array_equal(m.transpose(-2, -1).data, m.data.T)
    assert ag.transpose(x, 0, 1).shape == (3, 2, 4)  # torch.transpose(x, 0, 1)


def test_squeeze_method_leaves_dims_that_are_not_1_as_pytorch():
    x = _x(2, 1, 3)
    assert x.squeeze(0).shape == (2, 1, 3)  # PyTorch: dims of another length stay
    assert x.squeeze(1).shape == (2, 3)
    assert x.squeeze((0, 1)).shape == (2, 3)
    assert ag.squeeze(x, dim=0).shape == (2, 1, 3)
    with pytest.raises(ValueError, match="only existing axes of length 1"):
        ag.squeeze(x, 0)  # numpy's: an error
    with pytest.raises(ValueError, match="only existing axes of length 1"):
        x.squeeze(axis=0)  # numpy's keyword on the method: numpy's meaning
    assert ag.tensor(2.0).squeeze(0).shape == ()  # PyTorch: dim 0 of a 0-d tensor


def test_repeat_method_tiles_as_pytorch_and_the_function_repeats_elements_as_numpy():
    x = ag.tensor([1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2).data, [1.0, 2.0, 1.0, 2.0])
    np.testing.assert_array_equal(x.repeat(2, 1).data, [[1.0, 2.0], [1.0, 2.0]])
    np.testing.assert_array_equal(ag.repeat(x, 2).data, [1.0, 1.0, 2.0, 2.0])
    np.testing.assert_array_equal(x.tile(2).data, ag.tile(x, 2).data)


def test_split_by_keyword_numpy_sections_or_pytorch_sizes():
    x = _x(6)
    numpy_parts = ag.split(x, 3)  # three equal sections: a list, as numpy's
    assert isinstance(numpy_parts, list) and [p.shape for p in numpy_parts] == [(2,)] * 3
    assert [p.shape for p in ag.split(x, [1, 4], axis=0)] == [(1,), (3,), (2,)]  # indices
    torch_parts = ag.split(x, 4, dim=0)  # pieces of 4: a tuple, as PyTorch's
    assert isinstance(torch_parts, tuple) and [p.shape for p in torch_parts] == [(4,), (2,)]
    assert [p.shape for p in x.split(4)] == [(4,), (2,)]  # the method is PyTorch's
    assert [p.shape for p in x.split([1, 5])] == [(1,), (5,)]  # sizes, not indices
    assert [p.shape for p in x.chunk(4)] == [(2,)] * 3  # PyTorch: fewer chunks when they run out


def test_flip_method_needs_dims_as_pytorch_and_the_function_flips_all_axes_as_numpy():
    x = _x(2, 3)
    np.testing.assert_array_equal(ag.flip(x).data, x.data[::-1, ::-1])
    np.testing.assert_array_equal(x.flip(1).data, x.data[:, ::-1])
    np.testing.assert_array_equal(x.flip(0, 1).data, ag.flip(x, dims=(0, 1)).data)
    with pytest.raises(TypeError, match="takes the dims to flip"):
        x.flip()


def test_view_is_reshape_and_view_as_a_dtype_is_refused():
    x = _x(2, 3)
    assert x.view(3, 2).shape == x.view((3, 2)).shape == x.view(-1, 2).shape == (3, 2)
    for dtype in (np.float32, ag.float32, "float32", np.dtype("int64")):
        with pytest.raises(TypeError, match=r"x.view\(dtype\) reinterprets the bytes"):
            x.view(dtype)


def test_meshgrid_indexes_as_numpy_by_default():
    a, b = ag.tensor([1.0, 2.0, 3.0]), ag.tensor([4.0, 5.0])
    assert [g.shape for g in ag.meshgrid(a, b)] == [(2, 3), (2, 3)]  # "xy", numpy's default
    assert [g.shape for g in ag.meshgrid(a, b, indexing="ij")] == [(3, 2), (3, 2)]  # PyTorch's


def test_pytorch_indexing_refuses_negative_indices_numpys_takes_them():
    x = _x(2, 3)
    np.testing.assert_array_equal(ag.take(x, [-1]).data, [5.0])
    np.testing.assert_array_equal(ag.take_along_axis(x, np.array([[-1], [0]]), 1).data, [[2], [3]])
    for call in (
        lambda: x.gather(1, np.array([[-1]])),
        lambda: x.index_select(1, np.array([-1])),
        lambda: x.scatter_add(1, np.array([[-1]]), x),
    ):
        with pytest.raises(IndexError, match="valid: 0..2"):
            call()


def test_masked_fill_keeps_the_dtype_and_gives_a_tensor_value_its_gradient():
    x = ag.tensor(np.zeros((2, 3), np.float32), requires_grad=True)
    v = ag.tensor(2.0, dtype=np.float64, requires_grad=True)  # float64, 0-d
    mask = np.array([True, False, True])
    out = x.masked_fill(mask, v)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.data, [[2, 0, 2], [2, 0, 2]])
    out.sum().backward()
    assert v.grad.item() == 4.0 and v.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, [[0, 1, 0], [0, 1, 0]])


def test_clone_copies_with_a_gradient_and_contiguous_is_the_tensor_itself():
    x = _x(2, 3)
    y = x.clone()
    assert y is not x and y.data is not x.data and y.op is not None
    np.testing.assert_array_equal(y.data, x.data)
    assert x.contiguous() is x


def test_numpys_functions_on_tensors_run_the_ops():
    x = _x(2, 3)
    for fn, args in [
        (np.flip, (0,)),
        (np.roll, (1,)),
        (np.rot90, ()),
        (np.tile, ((2, 1),)),
        (np.repeat, (2,)),
        (np.pad, (1,)),
        (np.diff, ()),
        (np.moveaxis, (0, 1)),
        (np.take, ([0, 4],)),
    ]:
        out = fn(x, *args)
        assert isinstance(out, ag.Tensor) and out.requires_grad, fn.__name__
        np.testing.assert_array_equal(out.data, fn(x.data, *args))
    parts = np.split(x, 3, axis=1)
    assert all(isinstance(p, ag.Tensor) and p.requires_grad for p in parts)
    assert np.hstack([x, x]).requires_grad and np.copy(x).requires_grad
