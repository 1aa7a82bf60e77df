"""Tensor facts and conversions against PyTorch 2.13: type names, sizes, casts (values, dtypes,
which calls return the tensor itself, gradients) and devices."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag

torch = pytest.importorskip("torch")

DTYPES = [
    np.float16, np.float32, np.float64, np.complex64, np.complex128, np.int8, np.uint8,
    np.int16, np.int32, np.int64, np.uint16, np.uint32, np.uint64, np.bool_,
]  # fmt: skip
VALUES = np.array([1.5, -2.7, 0.0, 3.99, -0.5, 7.0])


def torch_dtype(dtype):
    return getattr(torch, np.dtype(dtype).name if dtype is not np.bool_ else "bool")


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
def test_type_names_and_facts_are_pytorchs(dtype):
    ours = ag.tensor(np.ones((2, 3), dtype))
    theirs = torch.ones((2, 3), dtype=torch_dtype(dtype))
    assert ours.type() == theirs.type()
    facts = ("element_size", "numel", "nelement", "dim", "ndimension")
    facts += ("is_floating_point", "is_complex")
    for fact in facts:
        assert getattr(ours, fact)() == getattr(theirs, fact)(), fact
    assert (ours.itemsize, ours.nbytes) == (theirs.itemsize, theirs.nbytes)
    assert ours.type(ours.type()) is ours and theirs.type(theirs.type()) is theirs


@pytest.mark.parametrize("shape", [(), (0,), (4,), (2, 0, 3)])
def test_sizes_of_empty_and_0_d_tensors(shape):
    ours, theirs = ag.tensor(np.zeros(shape)), torch.zeros(shape)
    assert (ours.numel(), ours.dim(), ours.size()) == (theirs.numel(), theirs.dim(), theirs.size())


@pytest.mark.parametrize("method", ["float", "double", "half", "long", "int", "bool"])
@pytest.mark.parametrize("src", [np.float32, np.float64, np.int64, np.bool_])
def test_casts_give_pytorchs_values_and_dtypes(method, src):
    values = VALUES.astype(src)
    ours = getattr(ag.tensor(values), method)()
    theirs = getattr(torch.from_numpy(values), method)()
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))
    np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_which_conversions_return_the_tensor_itself():
    ours, theirs = ag.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])
    calls = {
        "float()": lambda t, m: t.float(),
        "to(float32)": lambda t, m: t.to(m.float32),
        "to('cpu')": lambda t, m: t.to("cpu"),
        "to(device('cpu'))": lambda t, m: t.to(m.device("cpu")),
        "to('cpu', float32)": lambda t, m: t.to("cpu", m.float32),
        "to(dtype=float32, copy=True)": lambda t, m: t.to(dtype=m.float32, copy=True),
        "to(float64)": lambda t, m: t.to(m.float64),
        "to(other of the same dtype)": lambda t, m: t.to(m.zeros(1)),
        "type(float32)": lambda t, m: t.type(m.float32),
        "type('torch.FloatTensor')": lambda t, m: t.type("torch.FloatTensor"),
        "type_as(same dtype)": lambda t, m: t.type_as(m.zeros(1)),
        "cpu()": lambda t, m: t.cpu(),
        "double()": lambda t, m: t.double(),
    }
    for name, call in calls.items():
        assert (call(ours, ag) is ours) == (call(theirs, torch) is theirs), name


@pytest.mark.parametrize("cast", ["double", "half", "to_float64", "type_double"])
def test_gradients_through_casts_are_pytorchs(cast):
    def run(m):
        x = m.tensor([0.5, -1.25, 2.0], requires_grad=True)  # float32 in both
        y = {
            "double": lambda: x.double(),
            "half": lambda: x.half(),
            "to_float64": lambda: x.to(m.float64),
            "type_double": lambda: x.type(m.float64),
        }[cast]()
        (y * y * 3).sum().backward()
        return y.detach().numpy(), x.grad.numpy()

    (y1, g1), (y2, g2) = run(ag), run(torch)
    assert y1.dtype == y2.dtype and g1.dtype == g2.dtype == np.float32
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(g1, g2)


def test_devices_are_pytorchs():
    ours, theirs = ag.tensor([1.0]).device, torch.tensor([1.0]).device
    assert (repr(ours), str(ours), ours.type, ours.index) == (
        repr(theirs),
        str(theirs),
        theirs.type,
        theirs.index,
    )
    for spec in [("cuda:1",), ("cuda", 2), ("mps",), ("meta",), ("cpu", 0)]:
        a, b = ag.device(*spec), torch.device(*spec)
        assert (repr(a), str(a), a.type, a.index) == (repr(b), str(b), b.type, b.index), spec
    assert (ag.device("cpu") == ag.device("cpu", 0)) == (
        torch.device("cpu") == torch.device("cpu", 0)
    )
    assert ag.tensor([1.0]).is_cuda == torch.tensor([1.0]).is_cuda
    assert ag.tensor([1.0]).is_cpu == torch.tensor([1.0]).is_cpu
