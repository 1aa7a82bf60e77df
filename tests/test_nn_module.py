"""Module and Parameter: registration, traversal, modes, state dicts, name scopes, repr."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim


class Block(nn.Module):
    def __init__(self, seed: int) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 4, rng=seed)
        self.norm = nn.BatchNorm1d(4)
        self.scale = nn.Parameter(np.ones(4, dtype=np.float32))

    def forward(self, x):
        return self.norm(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(Block(0), nn.ReLU())
        self.head = nn.Linear(4, 2, rng=1)

    def forward(self, x):
        return self.head(self.encoder(x))


def test_parameters_are_registered_in_definition_order_with_dotted_names():
    # As PyTorch: a module's own parameters, then its submodules' in definition order.
    names = [name for name, _ in Net().named_parameters()]
    assert names == [
        "encoder.0.scale",
        "encoder.0.fc.weight",
        "encoder.0.fc.bias",
        "encoder.0.norm.weight",
        "encoder.0.norm.bias",
        "head.weight",
        "head.bias",
    ]


def test_parameters_matches_named_parameters_and_are_leaves_requiring_grad():
    net = Net()
    params = list(net.parameters())
    assert [id(p) for p in params] == [id(p) for _, p in net.named_parameters()]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad and p.is_leaf for p in params)


def test_shared_parameter_and_module_are_listed_once():
    class Tied(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.Linear(2, 2, rng=0)
            self.b = self.a
            self.c = nn.Linear(2, 2, rng=1)
            self.c.weight = self.a.weight

    tied = Tied()
    assert [n for n, _ in tied.named_parameters()] == ["a.weight", "a.bias", "c.bias"]
    assert [n for n, _ in tied.named_modules()] == ["", "a", "c"]


def test_children_and_modules():
    net = Net()
    assert [n for n, _ in net.named_children()] == ["encoder", "head"]
    assert list(net.children()) == [net.encoder, net.head]
    kinds = [type(m).__name__ for m in net.modules()]
    assert kinds == ["Net", "Sequential", "Block", "Linear", "BatchNorm1d", "ReLU", "Linear"]


def test_assigning_a_plain_tensor_to_a_parameter_slot_is_refused():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="parameter 'weight'.*nn.Parameter or None"):
        layer.weight = ag.tensor(np.zeros((2, 2)))
    layer.bias = None
    assert [n for n, _ in layer.named_parameters()] == ["weight"]


def test_reassigning_and_deleting_attributes_update_the_registry():
    m = nn.Module()
    m.w = nn.Parameter(np.zeros(2))
    m.sub = nn.Linear(1, 1)
    del m.sub
    m.w2 = nn.Parameter(np.ones(1))
    assert [n for n, _ in m.named_parameters()] == ["w", "w2"]
    assert list(m.children()) == []
    with pytest.raises(TypeError, match="submodule 'x'"):
        m.x = nn.ReLU()
        m.x = 3


def test_forgetting_super_init_gives_a_clear_error():
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"call super\(\).__init__\(\) in __init__"):
        Broken()


def test_parameter_wraps_without_copying_and_rejects_integer_data():
    data = np.zeros(3)
    p = nn.Parameter(data)
    assert p.data is data and p.requires_grad
    assert repr(p).startswith("Parameter containing:\n")
    with pytest.raises(TypeError, match="floating"):
        nn.Parameter(np.arange(3))


def test_results_of_ops_on_parameters_are_plain_tensors():
    p = nn.Parameter(np.ones(2))
    assert type(p * 2.0) is ag.Tensor


def test_train_and_eval_set_every_module():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_zero_grad_forgets_gradients():
    net = Net()
    net(np.ones((5, 3), dtype=np.float32)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(np.all(p.grad.data == 0) for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_apply_visits_children_before_their_parent():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "Block", "ReLU", "Sequential", "Linear", "Net"]


# ------------------------------------------------------------------------------- state dicts


def test_state_dict_holds_copies_of_parameters_and_buffers_in_order():
    net = Net()
    state = net.state_dict()
    assert isinstance(state, OrderedDict)
    assert list(state)[:7] == [
        "encoder.0.scale",
        "encoder.0.fc.weight",
        "encoder.0.fc.bias",
        "encoder.0.norm.weight",
        "encoder.0.norm.bias",
        "encoder.0.norm.running_mean",
        "encoder.0.norm.running_var",
    ]
    assert list(state)[7:] == ["encoder.0.norm.num_batches_tracked", "head.weight", "head.bias"]
    state["head.weight"][...] = 7.0
    assert not np.any(net.head.weight.data == 7.0)


def test_state_dict_round_trip_is_exact_and_loads_in_place():
    a, b = Net(), Net()
    a(np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32))  # moves running stats
    weight_array = b.head.weight.data
    result = b.load_state_dict(a.state_dict())
    assert result == ([], [])
    for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert ka == kb and va.dtype == vb.dtype
        np.testing.assert_array_equal(va, vb)
    assert b.head.weight.data is weight_array  # optimisers holding the parameter see the values
    x = np.ones((2, 3), dtype=np.float32)
    np.testing.assert_array_equal(a.eval()(x).data, b.eval()(x).data)


def test_state_dict_round_trip_through_save_and_load(tmp_path):
    from autograd_lite.serialization import load, save

    a, b = Net(), Net()
    a.head.bias.data[...] = [1.5, -2.5]
    save(a.state_dict(), tmp_path / "model.npz")
    b.load_state_dict(load(tmp_path / "model.npz"))
    for va, vb in zip(a.state_dict().values(), b.state_dict().values()):
        np.testing.assert_array_equal(va, vb)


def test_load_state_dict_lists_every_problem_and_changes_nothing():
    net = Net()
    before = net.state_dict()
    state = net.state_dict()
    del state["head.bias"]
    state["extra.weight"] = np.zeros(1)
    state["head.weight"] = np.zeros((3, 4), dtype=np.float32)
    state["encoder.0.fc.bias"] = state["encoder.0.fc.bias"].astype(np.float64) + 1.0
    with pytest.raises(ValueError) as err:
        net.load_state_dict(state)
    message = str(err.value)
    assert "missing keys: head.bias" in message
    assert "unexpected keys: extra.weight" in message
    assert "'head.weight': got shape (3, 4) dtype float32, expected shape (2, 4)" in message
    assert (
        "'encoder.0.fc.bias': got shape (4,) dtype float64, expected shape (4,) dtype float32"
        in message
    )
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_load_state_dict_non_strict_reports_but_still_refuses_mismatches():
    net = nn.Linear(2, 3, rng=0)
    result = net.load_state_dict({"weight": np.ones((3, 2), np.float32), "x": 1}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["x"]
    np.testing.assert_array_equal(net.weight.data, np.ones((3, 2)))
    with pytest.raises(ValueError, match="'weight': got shape"):
        net.load_state_dict({"weight": np.ones((2, 3), np.float32)}, strict=False)
    with pytest.raises(TypeError, match="expected a dict"):
        net.load_state_dict([("weight", np.ones((3, 2)))])  # type: ignore[arg-type]


def test_load_state_dict_bumps_parameter_versions():
    net = nn.Linear(2, 2, rng=0)
    before = net.weight._version
    net.load_state_dict(net.state_dict())
    assert net.weight._version > before


# ------------------------------------------------------------------------------- name scopes


def test_module_calls_open_name_scopes_with_the_module_path():
    net = Net()
    out = net(ag.tensor(np.ones((2, 3), dtype=np.float32)))
    assert out.op.scope == "head"
    scopes = set()
    stack = [out]
    while stack:
        t = stack.pop()
        if t.op is not None:
            scopes.add(t.op.scope)
            stack.extend(x for x in t.op.inputs if isinstance(x, ag.Tensor))
    assert scopes == {"head", "encoder.1", "encoder.0", "encoder.0.fc", "encoder.0.norm"}
    assert ag.current_scope() is None


def test_root_module_opens_no_scope():
    layer = nn.Linear(2, 2, rng=0)
    assert layer(np.ones((1, 2), dtype=np.float32)).op.scope is None
    with ag.name_scope("outer"):
        assert layer(np.ones((1, 2), dtype=np.float32)).op.scope == "outer"


# ------------------------------------------------------------------------------- display


def test_repr_is_nested_like_pytorch():
    expected = (
        "Net(\n"
        "  (encoder): Sequential(\n"
        "    (0): Block(\n"
        "      (fc): Linear(in_features=3, out_features=4, bias=True)\n"
        "      (norm): BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, "
        "track_running_stats=True)\n"
        "    )\n"
        "    (1): ReLU()\n"
        "  )\n"
        "  (head): Linear(in_features=4, out_features=2, bias=True)\n"
        ")"
    )
    assert repr(Net()) == expected


# ------------------------------------------------------------------------------- Sequential


def test_sequential_indexing_iteration_and_len():
    layers = [nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1)]
    seq = nn.Sequential(*layers)
    assert len(seq) == 3 and list(seq) == layers
    assert seq[0] is layers[0] and seq[-1] is layers[2]
    head = seq[1:]
    assert isinstance(head, nn.Sequential) and list(head) == layers[1:]
    assert [n for n, _ in head.named_children()] == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 out of range for 3"):
        seq[3]
    with pytest.raises(TypeError, match="int or a slice"):
        seq["0"]  # type: ignore[call-overload]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4 and [n for n, _ in seq.named_children()][-1] == "3"


def test_sequential_refuses_non_modules_before_changing_anything():
    with pytest.raises(TypeError, match="Sequential: item 1 is of type NoneType"):
        nn.Sequential(nn.ReLU(), None, nn.Tanh())  # a gap would make append replace Tanh
    seq = nn.Sequential(nn.ReLU(), nn.Tanh())
    with pytest.raises(TypeError, match="Sequential.append: item 0 is of type NoneType"):
        seq.append(None)  # type: ignore[arg-type]
    assert len(seq) == 2 and [n for n, _ in seq.named_children()] == ["0", "1"]


def test_sequential_forward_composes_and_accepts_an_ordered_dict():
    fc, act = nn.Linear(2, 2, rng=0), nn.Tanh()
    seq = nn.Sequential(OrderedDict([("fc", fc), ("act", act)]))
    x = np.array([[0.5, -1.0]], dtype=np.float32)
    np.testing.assert_array_equal(seq(x).data, act(fc(x)).data)
    assert [n for n, _ in seq.named_parameters()] == ["fc.weight", "fc.bias"]


def test_sequential_setitem_replaces_in_place_and_delitem_renumbers_as_pytorch():
    seq = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3, rng=0)), ("act", nn.ReLU())]))
    out = nn.Linear(3, 1, rng=1)
    seq.append(out)
    tanh = nn.Tanh()
    seq[-2] = tanh  # keeps the name "act" and the position
    assert [n for n, _ in seq.named_children()] == ["fc", "act", "2"] and seq[1] is tanh
    x = np.array([[0.5, -1.0]])
    fc = seq[0]
    np.testing.assert_array_equal(seq(x).data, out(tanh(fc(x))).data)
    assert _op_scopes(seq(ag.tensor(x, requires_grad=True))) == {"fc", "act", "2"}
    with pytest.raises(TypeError, match="item 0 is of type Tensor, expected an nn.Module"):
        seq[0] = ag.tensor(1.0)  # type: ignore[assignment]
    assert seq[0] is fc  # nothing changed
    del seq[1]
    assert [n for n, _ in seq.named_children()] == ["0", "1"] and list(seq) == [fc, out]
    assert [n for n, _ in seq.named_parameters()][:2] == ["0.weight", "0.bias"]
    del seq[:1]
    assert list(seq) == [out] and [n for n, _ in seq.named_children()] == ["0"]
    with pytest.raises(IndexError, match="index 5 out of range for 1"):
        del seq[5]
    with pytest.raises(TypeError, match=r"index must be an int \(assignment takes one module\)"):
        seq[0:1] = nn.ReLU()  # type: ignore[index]
    blocks = nn.ModuleList([nn.ReLU()])
    with pytest.raises(TypeError, match=r"ModuleList: index must be an int \(assignment"):
        blocks[0:1] = nn.ReLU()  # type: ignore[index]


# ------------------------------------------------------------------------------- ModuleList


def _op_scopes(out):
    """Every op scope in the graph that made ``out``."""
    scopes, stack = set(), [out]
    while stack:
        t = stack.pop()
        if t.op is not None:
            scopes.add(t.op.scope)
            stack.extend(x for x in t.op.inputs if isinstance(x, ag.Tensor))
    return scopes


class Tower(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(2, 2, rng=i) for i in range(3)])
        self.heads = nn.ModuleDict({"a": nn.Linear(2, 1, rng=5), "b": nn.Linear(2, 1, rng=6)})

    def forward(self, x):
        for block in self.blocks:
            x = ag.tanh(block(x))
        return self.heads["b"](x)


def test_module_list_registers_children_with_numeric_names():
    tower = Tower()
    names = [n for n, _ in tower.named_parameters()]
    assert names == [
        *(f"blocks.{i}.{p}" for i in range(3) for p in ("weight", "bias")),
        *(f"heads.{k}.{p}" for k in "ab" for p in ("weight", "bias")),
    ]
    assert list(tower.state_dict()) == names
    assert [p for p in tower.parameters()] == [p for _, p in tower.named_parameters()]
    twin = Tower()
    for p in twin.parameters():
        p.data[...] = 0.0
    twin.load_state_dict(tower.state_dict())
    for a, b in zip(tower.parameters(), twin.parameters()):
        np.testing.assert_array_equal(a.data, b.data)


def test_module_list_indexing_len_iter_and_slices():
    layers = [nn.Linear(2, 2, rng=i) for i in range(4)]
    ml = nn.ModuleList(layers)
    assert len(ml) == 4 and list(ml) == layers
    assert ml[0] is layers[0] and ml[-1] is layers[3] and ml[-4] is layers[0]
    part = ml[1::2]
    assert isinstance(part, nn.ModuleList) and list(part) == [layers[1], layers[3]]
    assert [n for n, _ in part.named_parameters()] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert len(ml[5:]) == 0 and len(nn.ModuleList()) == 0
    with pytest.raises(IndexError, match="ModuleList: index 4 out of range for 4 modules"):
        ml[4]
    with pytest.raises(IndexError, match="ModuleList: index -5 out of range for 4 modules"):
        ml[-5]
    with pytest.raises(TypeError, match="ModuleList: index must be an int or a slice, got str"):
        ml["0"]  # type: ignore[call-overload]


def test_module_list_append_extend_insert_setitem_delitem_renumber():
    a, b, c, d, e = (nn.Linear(1, 1, rng=i) for i in range(5))
    ml = nn.ModuleList()
    assert ml.append(a) is ml and ml.extend([b, c]) is ml
    ml += [d]
    assert list(ml) == [a, b, c, d]
    ml.insert(0, e)
    ml.insert(-1, a)  # as list.insert: before the last one
    assert list(ml) == [e, a, b, c, a, d]
    del ml[1]
    del ml[-2:]
    assert list(ml) == [e, b, c]
    ml[-1] = d
    assert list(ml) == [e, b, d]
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2"]
    assert [getattr(ml, n) for n in ("0", "1", "2")] == [e, b, d]
    assert not hasattr(ml, "3")


def test_module_list_rejects_non_modules_before_changing_anything():
    ml = nn.ModuleList([nn.ReLU()])
    with pytest.raises(
        TypeError, match="ModuleList.extend: item 1 is of type int, expected an nn.Mod"
    ):
        ml.extend([nn.Tanh(), 3])
    with pytest.raises(TypeError, match="ModuleList.extend: expected an iterable of nn.Modules"):
        ml.extend(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ModuleList.append: item 0 is of type ndarray"):
        ml.append(np.ones(2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ModuleList.insert: index must be an int, got str"):
        ml.insert("0", nn.Tanh())  # type: ignore[arg-type]
    with pytest.raises(IndexError, match="index 1 out of range for 1 modules"):
        ml[1] = nn.Tanh()
    assert len(ml) == 1 and isinstance(ml[0], nn.ReLU)
    with pytest.raises(NotImplementedError, match="ModuleList does not define forward"):
        ml(np.ones(2))


def test_module_list_and_dict_children_scopes_carry_the_container_name():
    tower = Tower()
    out = tower(np.ones((1, 2), dtype=np.float32))
    assert out.op.scope == "heads.b"
    assert {"blocks.0", "blocks.1", "blocks.2", "heads.b"} <= _op_scopes(out)
    tower.blocks[1:]  # reading a slice leaves the scopes alone
    tower.blocks.insert(0, nn.Linear(2, 2, rng=9))  # the shifted modules are renamed
    scopes = _op_scopes(tower(np.ones((1, 2), dtype=np.float32)))
    assert {f"blocks.{i}" for i in range(4)} <= scopes
    outer = nn.ModuleList([nn.ModuleList([nn.Linear(2, 2, rng=0)])])
    outer_parent = nn.Sequential(OrderedDict([("stack", outer)]))
    assert outer_parent.stack[0][0](np.ones((1, 2), dtype=np.float32)).op.scope == "stack.0.0"


def test_module_list_repr():
    ml = nn.ModuleList([nn.Linear(2, 3, rng=0), nn.ReLU()])
    assert repr(ml) == (
        "ModuleList(\n  (0): Linear(in_features=2, out_features=3, bias=True)\n  (1): ReLU()\n)"
    )
    assert repr(nn.ModuleList()) == "ModuleList()"


# ------------------------------------------------------------------------------- ModuleDict


def test_module_dict_is_dict_like_in_insertion_order():
    a, b, c = nn.Linear(1, 1, rng=0), nn.ReLU(), nn.Linear(1, 2, rng=1)
    md = nn.ModuleDict([("b", b), ("a", a)])
    md["c"] = c
    assert list(md) == list(md.keys()) == ["b", "a", "c"]
    assert list(md.values()) == [b, a, c] and list(md.items()) == [("b", b), ("a", a), ("c", c)]
    assert len(md) == 3 and "a" in md and "z" not in md and md["a"] is a
    assert [n for n, _ in md.named_parameters()] == ["a.weight", "a.bias", "c.weight", "c.bias"]
    replacement = nn.Tanh()
    md["b"] = replacement  # replaced in place: keeps its position
    assert list(md.items())[0] == ("b", replacement)
    md.update({"d": nn.Sigmoid(), "a": b})
    assert list(md) == ["b", "a", "c", "d"] and md["a"] is b
    assert md.pop("c") is c and "c" not in md and not hasattr(md, "c")
    del md["d"]
    assert list(md) == ["b", "a"]
    md.clear()
    assert len(md) == 0 and list(md.parameters()) == []
    with pytest.raises(KeyError):
        md["missing"]
    with pytest.raises(KeyError):
        del md["missing"]


def test_module_dict_rejects_bad_keys_and_values_before_changing_anything():
    md = nn.ModuleDict({"keep": nn.ReLU()})
    for key in ("", "a.b", "keys", "training", "forward"):
        with pytest.raises(ValueError, match=f"ModuleDict: key {key!r} must be non-empty"):
            md[key] = nn.ReLU()
    with pytest.raises(TypeError, match="ModuleDict: keys must be strings, got int"):
        md[0] = nn.ReLU()  # type: ignore[index]
    with pytest.raises(TypeError, match="value for 'x' is a ndarray, expected an nn.Module"):
        md["x"] = np.ones(2)  # type: ignore[assignment]
    with pytest.raises(TypeError, match="ModuleDict.update: value for 'y' is a int"):
        md.update([("x", nn.ReLU()), ("y", 1)])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="ModuleDict.update: element 0 has length 3"):
        md.update([("x", nn.ReLU(), 1)])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="ModuleDict.update: expected a mapping or an iterable"):
        md.update(3)  # type: ignore[arg-type]
    assert list(md) == ["keep"]
    assert md.keys  # the method is not shadowed


# ------------------------------------------------------------------------------- dtype casts


def test_to_casts_parameters_and_floating_buffers_keeping_the_parameter_objects():
    net = Net()
    params = list(net.parameters())
    opt = optim.SGD(net.parameters(), lr=0.1)
    out = net(np.ones((2, 3), dtype=np.float32))
    out.sum().backward()
    before = [p._version for p in params]
    assert net.double() is net
    assert list(net.parameters()) == params  # the same objects, in order
    for p, version in zip(params, before):
        assert p.dtype == np.float64 and p.grad.dtype == np.float64 and p._version > version
    bn = net.encoder[0].norm
    assert bn.running_mean.dtype == np.float64 and bn.running_var.dtype == np.float64
    assert bn.num_batches_tracked.dtype == np.int64  # integer buffers stay
    assert net.state_dict()["encoder.0.norm.running_var"].dtype == np.float64
    assert net(np.ones((2, 3))).dtype == np.float64
    expected = [p.data - 0.1 * p.grad.data for p in params]
    opt.step()  # the optimiser made before the cast still updates the same parameters
    for p, want in zip(params, expected):
        np.testing.assert_array_equal(p.data, want)
    assert net.float() is net
    assert all(p.dtype == np.float32 for p in params) and bn.running_mean.dtype == np.float32


def test_to_keeps_values_and_shared_buffers_and_skips_unchanged_parameters():
    layer = nn.Linear(3, 2, dtype=np.float64, rng=0)
    weight = layer.weight.data.copy()
    version = layer.weight._version
    layer.to(np.float64)  # already float64: nothing to do, nothing marked
    assert layer.weight._version == version
    layer.to("float32")
    np.testing.assert_array_equal(layer.weight.data, weight.astype(np.float32))
    shared = np.zeros(2)
    a, b = nn.Module(), nn.Module()
    a.register_buffer("stat", shared)
    b.register_buffer("stat", shared)
    a.child = b
    a.float()
    assert a.stat is b.stat and a.stat.dtype == np.float32


def test_backward_through_a_graph_recorded_before_a_cast_raises():
    layer = nn.Linear(2, 1, rng=0)
    loss = layer(np.ones((1, 2), dtype=np.float32)).sum()
    layer.double()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


@pytest.mark.parametrize("dtype", [np.int64, "bool", "not a dtype", None])
def test_to_refuses_non_floating_dtypes_before_changing_anything(dtype):
    layer = nn.Linear(2, 2, rng=0)
    with pytest.raises(TypeError, match="Module.to: expected a floating numpy dtype, got"):
        layer.to(dtype)
    assert layer.weight.dtype == np.float32
