"""Module features: forward hooks and pre-hooks, non-persistent buffers, ``apply``,
ParameterList, ParameterDict, and parameters as one vector. Compared with PyTorch's
behaviour in test_torch_rnn.py."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.nn.utils import parameters_to_vector, vector_to_parameters


class Add(nn.Module):
    def forward(self, x, y=0.0, *, scale=1.0):
        return (x + y) * scale


# ------------------------------------------------------------------------------- hooks


def test_pre_hook_return_values_replace_the_arguments_as_pytorch():
    m = Add()
    h1 = m.register_forward_pre_hook(lambda mod, args: None)  # keeps them
    assert m(1.0, 2.0) == 3.0
    h2 = m.register_forward_pre_hook(lambda mod, args: args[0] * 10)  # one value: a 1-tuple
    assert m(1.0, 2.0) == 10.0
    h2.remove()
    m.register_forward_pre_hook(lambda mod, args: (args[0], 5.0))  # a tuple: the new args
    assert m(1.0, 2.0) == 6.0
    h1.remove()


def test_pre_hooks_with_kwargs_and_their_checked_return():
    m = Add()
    seen = []

    def hook(mod, args, kwargs):
        seen.append((args, dict(kwargs)))
        return args, {"scale": 3.0}

    handle = m.register_forward_pre_hook(hook, with_kwargs=True)
    assert m(1.0, 1.0, scale=2.0) == 6.0
    assert seen == [((1.0, 1.0), {"scale": 2.0})]
    handle.remove()
    m.register_forward_pre_hook(lambda mod, args, kwargs: args, with_kwargs=True)
    with pytest.raises(RuntimeError, match=r"Add: a forward pre-hook with_kwargs must return"):
        m(1.0)


def test_forward_hooks_see_the_arguments_and_may_replace_the_output():
    m = Add()
    log = []
    m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
    m.register_forward_hook(lambda mod, args, out: log.append((args, out)))
    m.register_forward_hook(lambda mod, args, out: out * 2)
    m.register_forward_hook(
        lambda mod, args, kwargs, out: log.append(kwargs) or out + 1, with_kwargs=True
    )
    assert m(1.0, scale=3.0) == 13.0  # ((1 + 1) * 3) * 2 + 1
    assert log == [((2.0,), 6.0), {"scale": 3.0}]


def test_hook_order_prepend_and_removal():
    m, order = nn.Identity(), []
    handles = [m.register_forward_hook(lambda *a, i=i: order.append(i)) for i in range(3)]
    m.register_forward_hook(lambda *a: order.append("first"), prepend=True)
    m.register_forward_pre_hook(lambda *a: order.append("pre"))
    m.register_forward_pre_hook(lambda *a: order.append("pre-first"), prepend=True)
    m(0)
    assert order == ["pre-first", "pre", "first", 0, 1, 2]
    handles[1].remove()
    handles[1].remove()  # again: nothing happens
    order.clear()
    m(0)
    assert order == ["pre-first", "pre", "first", 0, 2]
    assert len({h.id for h in handles}) == 3


def test_handle_as_context_manager_and_the_path_without_hooks():
    m, seen = nn.Identity(), []
    with m.register_forward_hook(lambda mod, args, out: seen.append(out)):
        m(1)
    m(2)
    assert seen == [1] and not m._hooks
    assert m.forward(3) == 3  # forward itself never runs hooks


def test_a_hook_may_remove_itself_while_hooks_run():
    m, calls = nn.Identity(), []
    handle = None

    def once(mod, args, out):
        calls.append(out)
        handle.remove()

    handle = m.register_forward_hook(once)
    m(1)
    m(2)
    assert calls == [1]


def test_always_call_hooks_run_when_forward_raises():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m, seen = Boom(), []
    m.register_forward_hook(lambda mod, args, out: seen.append(("plain", out)))
    m.register_forward_hook(lambda mod, args, out: seen.append(("always", out)), always_call=True)

    def failing(mod, args, out):
        raise KeyError("hook")

    m.register_forward_hook(failing, always_call=True)
    with (
        pytest.warns(UserWarning, match="always_call=True raised"),
        pytest.raises(ValueError, match="boom"),
    ):
        m(1)
    assert seen == [("always", None)]


def test_hooks_run_inside_the_module_name_scope():
    model = nn.Sequential(nn.Linear(2, 2, rng=0))
    scopes = []
    model[0].register_forward_hook(lambda mod, args, out: scopes.append(ag.current_scope()))
    out = model(np.ones((1, 2), dtype=np.float32))
    assert scopes == ["0"] and out.op.scope == "0"


def test_hooks_must_be_callable():
    with pytest.raises(TypeError, match="Identity: a forward hook must be callable, got int"):
        nn.Identity().register_forward_hook(3)


# ------------------------------------------------------------------------------- buffers, apply


def test_non_persistent_buffers_stay_out_of_state_dicts():
    m = nn.Module()
    m.register_buffer("mean", np.zeros(2))
    m.register_buffer("mask", np.ones(2), persistent=False)
    m.register_buffer("gone", None, persistent=False)
    assert list(m.state_dict()) == ["mean"]
    assert [name for name, _ in m.named_buffers()] == ["mean", "mask"]
    assert m.load_state_dict({"mean": np.full(2, 3.0)}) == ([], [])
    with pytest.raises(ValueError, match="unexpected keys: mask"):
        m.load_state_dict({"mean": np.zeros(2), "mask": np.zeros(2)})
    assert m.to(np.float32).mask.dtype == np.float32  # still a buffer
    m.register_buffer("mask", np.ones(2))  # registered again, persistent
    assert list(m.state_dict()) == ["mean", "mask"]
    parent = nn.Sequential(m)
    m.register_buffer("mask", np.ones(2), persistent=False)
    assert list(parent.state_dict()) == ["0.mean"]


def test_apply_visits_children_before_their_parent():
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 2), nn.ReLU()), nn.Linear(2, 1))
    seen = []
    assert model.apply(lambda m: seen.append(type(m).__name__)) is model
    assert seen == ["Linear", "ReLU", "Sequential", "Linear", "Sequential"]


# ------------------------------------------------------------------------------- ParameterList


def test_parameter_list_registers_and_converts():
    w = nn.Parameter(np.zeros((2, 3)))
    t = ag.tensor(np.ones(3))
    a = np.full(2, 2.0)
    params = nn.ParameterList([w, t, a])
    assert params[0] is w and isinstance(params[1], nn.Parameter) and params[2].data is a
    assert params[1].data is t.data  # a Tensor becomes a Parameter on the same array
    assert [name for name, _ in params.named_parameters()] == ["0", "1", "2"]
    assert len(params) == 3 and params[-1] is params[2]
    params += [np.zeros(1)]
    params.append("not a tensor")
    assert len(params) == 5 and params[4] == "not a tensor" and len(list(params.parameters())) == 4
    part = params[1:3]
    assert isinstance(part, nn.ParameterList) and len(part) == 2
    assert part[0] is params[1] and part[1] is params[2]
    params[0] = np.ones((2, 3))
    assert params[0] is not w and list(params.state_dict())[0] == "0"
    assert repr(nn.ParameterList([w, "x"])) == (
        "ParameterList(\n  (0): Parameter containing: [float64 of size 2x3]\n"
        "  (1): Object of type: str\n)"
    )


def test_parameter_list_errors():
    params = nn.ParameterList([np.zeros(2)])
    with pytest.raises(IndexError, match="ParameterList: index 1 out of range for 1 values"):
        params[1]
    with pytest.raises(TypeError, match="ParameterList: index must be an int"):
        params["0"]
    with pytest.raises(TypeError, match="ParameterList.extend: expected an iterable"):
        params.extend(np.zeros(3))
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        params(1)
    with pytest.raises(TypeError, match="cannot assign a int to parameter '0'"):
        params[0] = 3


def test_parameters_in_a_list_train():
    params = nn.ParameterList([np.array([1.0]), np.array([2.0])])
    opt = optim.SGD(params.parameters(), lr=0.5)
    (params[0] * params[1]).sum().backward()
    opt.step()
    assert [p.data.tolist() for p in params] == [[0.0], [1.5]]


# ------------------------------------------------------------------------------- ParameterDict


def test_parameter_dict_is_a_dict_of_parameters():
    d = nn.ParameterDict({"b": np.zeros(2), "a": np.ones(2)})
    assert list(d) == ["a", "b"]  # a plain dict is inserted sorted, as PyTorch does
    d.update(OrderedDict([("z", np.zeros(1)), ("c", np.zeros(1))]))
    d.update([("y", np.zeros(1))])
    assert list(d.keys()) == ["a", "b", "z", "c", "y"] == list(d.state_dict())
    assert "a" in d and "q" not in d and len(d) == 5
    assert isinstance(d["a"], nn.Parameter) and d.get("q", 7) == 7
    assert list(reversed(d))[0] == "y"
    assert d.pop("z").shape == (1,) and "z" not in d and not hasattr(d, "z")
    assert d.popitem()[0] == "y"
    assert d.setdefault("n", np.ones(3)).shape == (3,) and d.setdefault("n").shape == (3,)
    copy = d.copy()
    assert list(copy) == list(d) and all(copy[k] is d[k] for k in d)
    merged = d | nn.ParameterDict({"m": np.zeros(1)})
    assert list(merged)[-1] == "m" and "m" not in d
    d |= {"m": np.zeros(1)}
    assert "m" in d
    assert list(d.fromkeys(["p", "q"], np.zeros(1))) == ["p", "q"]
    del d["a"]
    assert [name for name, _ in d.named_parameters()] == ["b", "c", "n", "m"]
    d.clear()
    assert len(d) == 0 and list(d.parameters()) == []


def test_parameter_dict_errors():
    d = nn.ParameterDict()
    with pytest.raises(KeyError):
        d["missing"]
    with pytest.raises(TypeError, match="ParameterDict: keys must be strings, got int"):
        d[1] = np.zeros(1)
    with pytest.raises(ValueError, match="key 'a.b' must be non-empty, without '.'"):
        d["a.b"] = np.zeros(1)
    with pytest.raises(ValueError, match="not the name of a ParameterDict attribute"):
        d["keys"] = np.zeros(1)
    with pytest.raises(ValueError, match="element 0 is not a \\(key, value\\) pair"):
        d.update([("a", 1, 2)])
    assert len(d) == 0  # nothing was added by the failed calls
    with pytest.raises(RuntimeError, match="ParameterDict should not be called"):
        d()


# ------------------------------------------------------------------------------- vectors


def test_parameters_to_vector_and_back():
    model = nn.Sequential(nn.Linear(3, 2, rng=0), nn.Linear(2, 1, rng=1))
    params = list(model.parameters())
    vec = parameters_to_vector(params)
    assert vec.shape == (11,) and vec.requires_grad
    np.testing.assert_array_equal(vec.data, np.concatenate([p.data.ravel() for p in params]))
    (vec * np.arange(11.0)).sum().backward()  # the vector is differentiable
    np.testing.assert_array_equal(params[0].grad.data.ravel(), np.arange(6.0))
    arrays = [p.data for p in params]
    vector_to_parameters(np.arange(11.0), params)  # float64 into float32, in place
    assert all(p.data is a for p, a in zip(params, arrays))
    assert params[2].data.tolist() == [[8.0, 9.0]] and params[2].dtype == np.float32
    with pytest.raises(ValueError, match=r"expected a vector of 11 elements .* got shape \(10,\)"):
        vector_to_parameters(np.zeros(10), params)
    with pytest.raises(TypeError, match="cannot write a vector of dtype complex128"):
        vector_to_parameters(np.zeros(11, dtype=complex), params)
    assert params[0].data[0, 0] == 0.0  # unchanged by the failed calls
    with pytest.raises(TypeError, match="item 0 is a ndarray, expected a Tensor"):
        parameters_to_vector([np.zeros(2)])
