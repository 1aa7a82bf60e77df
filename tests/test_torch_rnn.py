"""Against PyTorch: recurrent layers and cells loaded with PyTorch's state_dict give its
outputs, final states and gradients; hooks, buffers and parameter containers behave as
PyTorch's; checkpoints go both ways."""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import nn  # noqa: E402
from autograd_lite.nn.utils import parameters_to_vector, vector_to_parameters  # noqa: E402

TOL = {"rtol": 1e-10, "atol": 1e-12}


def _numpy_state(module: Any) -> dict[str, np.ndarray]:
    """The conversion the README documents: PyTorch's state_dict as numpy arrays."""
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def _pair(make_ours: Any, make_theirs: Any) -> tuple[Any, Any]:
    """Our module loaded with the state of a freshly initialised PyTorch module (float64)."""
    theirs = make_theirs().double()
    ours = make_ours()
    ours.load_state_dict(_numpy_state(theirs))
    return ours, theirs


def _flatten(out: Any) -> list[Any]:
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    return [out]


def _compare(ours: Any, theirs: Any, arrays: list[np.ndarray], rng: Any) -> None:
    """Run both modules on the same input and initial states (a pair when there are two);
    the same outputs, and after backward of one random projection of all outputs, the
    same gradient for every input, initial state and parameter."""

    def run(module: Any, ins: list[Any]) -> Any:
        if len(ins) == 1:
            return module(ins[0])
        return module(ins[0], tuple(ins[1:]) if len(ins) == 3 else ins[1])

    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    outs, touts = _flatten(run(ours, xs)), _flatten(run(theirs, txs))
    assert [o.shape for o in outs] == [tuple(t.shape) for t in touts]
    loss, tloss = 0.0, 0.0
    for o, t in zip(outs, touts):
        np.testing.assert_allclose(o.data, t.detach().numpy(), **TOL)
        w = rng.normal(size=o.shape)
        loss = loss + (o * w).sum()
        tloss = tloss + (t * torch.tensor(w)).sum()
    loss.backward()
    tloss.backward()
    for x, tx in zip(xs, txs):
        np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **TOL)
    mine = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(mine[name].grad.data, p.grad.numpy(), **TOL, err_msg=name)


@st.composite
def layer_configs(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["RNN", "RNN-relu", "LSTM", "LSTM-proj", "GRU"]))
    return {
        "kind": kind,
        "input_size": draw(st.integers(1, 4)),
        "hidden_size": draw(st.integers(2, 4)),
        "num_layers": draw(st.integers(1, 2)),
        "bias": draw(st.booleans()),
        "batch_first": draw(st.booleans()),
        "bidirectional": draw(st.booleans()),
        "steps": draw(st.integers(1, 5)),
        "batch": draw(st.sampled_from([None, 1, 3])),  # None: unbatched input
        "initial_states": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**16)),
    }


@settings(max_examples=40)
@given(layer_configs())
def test_layers_match_pytorch(cfg):
    kind = cfg["kind"]
    name = kind.split("-")[0]
    kwargs = {
        k: cfg[k] for k in ("input_size", "hidden_size", "num_layers", "bias", "batch_first",
                            "bidirectional")
    }  # fmt: skip
    if kind == "RNN-relu":
        kwargs["nonlinearity"] = "relu"
    if kind == "LSTM-proj":
        kwargs["proj_size"] = 1
    torch.manual_seed(cfg["seed"])
    ours, theirs = _pair(
        lambda: getattr(nn, name)(**kwargs, dtype=np.float64),
        lambda: getattr(torch.nn, name)(**kwargs),
    )
    rng = np.random.default_rng(cfg["seed"])
    steps, batch, d = cfg["steps"], cfg["batch"], 2 if cfg["bidirectional"] else 1
    if batch is None:
        shape = (steps, cfg["input_size"])
    else:
        shape = (batch, steps) if cfg["batch_first"] else (steps, batch)
        shape = (*shape, cfg["input_size"])
    arrays = [rng.normal(size=shape)]
    if cfg["initial_states"]:
        sizes = [kwargs.get("proj_size", cfg["hidden_size"])]
        if name == "LSTM":
            sizes.append(cfg["hidden_size"])
        lead = (cfg["num_layers"] * d,) if batch is None else (cfg["num_layers"] * d, batch)
        arrays += [rng.normal(size=(*lead, n)) for n in sizes]
    _compare(ours, theirs, arrays, rng)


@settings(max_examples=30)
@given(
    kind=st.sampled_from(["RNNCell", "RNNCell-relu", "LSTMCell", "GRUCell"]),
    sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    batch=st.sampled_from([None, 1, 3]),
    bias=st.booleans(),
    with_state=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_cells_match_pytorch(kind, sizes, batch, bias, with_state, seed):
    name = kind.split("-")[0]
    args = (*sizes, bias) + (("relu",) if kind == "RNNCell-relu" else ())
    torch.manual_seed(seed)
    ours, theirs = _pair(
        lambda: getattr(nn, name)(*args, dtype=np.float64), lambda: getattr(torch.nn, name)(*args)
    )
    rng = np.random.default_rng(seed)
    lead = () if batch is None else (batch,)
    arrays = [rng.normal(size=(*lead, sizes[0]))]
    if with_state:
        arrays += [
            rng.normal(size=(*lead, sizes[1])) for _ in range(2 if name == "LSTMCell" else 1)
        ]
    _compare(ours, theirs, arrays, rng)


@pytest.mark.filterwarnings("ignore:LSTM with projections is not supported with oneDNN")
def test_state_dicts_of_torch_tensors_load_directly_and_keys_match():
    theirs = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    ours = nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    ours.load_state_dict(theirs.state_dict())  # float32 tensors, read through __array__
    x = np.random.default_rng(0).normal(size=(5, 2, 3)).astype(np.float32)
    np.testing.assert_allclose(
        ours(x)[0].data, theirs(torch.from_numpy(x))[0].detach().numpy(), rtol=1e-5, atol=1e-6
    )
    for cls in ("RNN", "GRU", "RNNCell", "LSTMCell", "GRUCell"):
        assert list(getattr(nn, cls)(3, 4).state_dict()) == list(
            getattr(torch.nn, cls)(3, 4).state_dict()
        )


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_both_refuse_the_same_bad_inputs(cls):
    ours, theirs = getattr(nn, cls)(3, 4, num_layers=2), getattr(torch.nn, cls)(3, 4, num_layers=2)
    bad_inputs = [np.ones((2, 3, 4, 3)), np.ones(3), np.ones((5, 2, 4))]
    h = np.zeros((1, 2, 4))
    for x in bad_inputs:
        with pytest.raises(ValueError, match=cls):
            ours(x.astype(np.float32))
        with pytest.raises((ValueError, RuntimeError)):
            theirs(torch.tensor(x, dtype=torch.float32))
    x = np.ones((5, 2, 3), dtype=np.float32)
    hx = (h, h) if cls == "LSTM" else h
    with pytest.raises(ValueError, match=rf"{cls}: h0 has shape \(1, 2, 4\), expected \(2, 2, 4\)"):
        ours(x, hx)
    thx = (
        tuple(torch.tensor(a, dtype=torch.float32) for a in hx)
        if cls == "LSTM"
        else torch.tensor(h, dtype=torch.float32)
    )
    with pytest.raises(RuntimeError):
        theirs(torch.tensor(x), thx)


# ------------------------------------------------------------------------------- checkpoints


def _lstm_models():
    class Ours(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 5, num_layers=2, batch_first=True, rng=0)
            self.head = nn.Linear(5, 2, rng=1)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    class Theirs(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(3, 5, num_layers=2, batch_first=True)
            self.head = torch.nn.Linear(5, 2)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(out[:, -1])

    return Ours(), Theirs()


def test_ag_save_loads_into_pytorch_with_two_lines():
    ours, theirs = _lstm_models()
    x = np.random.default_rng(0).normal(size=(4, 6, 3)).astype(np.float32)
    want = ours(x).data
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lstm.npz")
        ag.save(ours.state_dict(), path)
        # The README's two lines, with numpy and torch only:
        with np.load(path) as f:
            theirs.load_state_dict(
                {k: torch.from_numpy(f[k]) for k in f.files if k != "__autograd_lite__"}
            )
        got = theirs(torch.from_numpy(x)).detach().numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        # ... or with autograd_lite at hand:
        _, fresh = _lstm_models()
        fresh.load_state_dict({k: torch.from_numpy(v) for k, v in ag.load(path).items()})
        np.testing.assert_allclose(
            fresh(torch.from_numpy(x)).detach().numpy(), want, rtol=1e-5, atol=1e-6
        )


def test_pytorch_weights_load_into_the_same_model_here():
    ours, theirs = _lstm_models()
    ours.load_state_dict(_numpy_state(theirs))
    x = np.random.default_rng(1).normal(size=(4, 6, 3)).astype(np.float32)
    want = theirs(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(ours(x).data, want, rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------------------- hooks


def _hook_story(lib: Any, tensor: Any) -> list[Any]:
    """The same registrations and calls, written once for either library; what happened."""

    class Affine(lib.Module):
        def forward(self, x, y=None, *, scale=1.0):
            return (x if y is None else x + y) * scale

    def val(t: Any) -> Any:
        return np.asarray(t).tolist() if t is not None else None

    log: list[Any] = []
    m = Affine()
    one, two = tensor(1.0), tensor(2.0)
    h_none = m.register_forward_pre_hook(lambda mod, args: log.append(("pre", len(args))))
    h_single = m.register_forward_pre_hook(lambda mod, args: args[0] * 10)
    log.append(val(m(one, two)))  # the single value replaced both arguments
    h_single.remove()
    h_tuple = m.register_forward_pre_hook(lambda mod, args: (args[0], args[0]))
    log.append(val(m(one, two, scale=2.0)))
    h_tuple.remove()
    m.register_forward_pre_hook(
        lambda mod, args, kwargs: (args, {"scale": 5.0}), with_kwargs=True, prepend=True
    )
    h_out = m.register_forward_hook(lambda mod, args, out: out + 1)
    m.register_forward_hook(lambda mod, args, out: log.append(("post", val(out))))
    m.register_forward_hook(lambda mod, args, out: log.append("first"), prepend=True)
    m.register_forward_hook(
        lambda mod, args, kwargs, out: log.append(("kw", sorted(kwargs))), with_kwargs=True
    )
    log.append(val(m(one, scale=3.0)))
    h_out.remove()
    h_none.remove()
    with m.register_forward_hook(lambda mod, args, out: out * 0):
        log.append(val(m(two)))
    log.append(val(m(two)))

    class Broken(lib.Module):
        def forward(self, x):
            raise ValueError("broken")

    b = Broken()
    b.register_forward_hook(lambda mod, args, out: log.append("not called"))
    b.register_forward_hook(lambda mod, args, out: log.append(("always", out)), always_call=True)
    try:
        b(one)
    except ValueError:
        log.append("raised")
    return log


def test_hooks_behave_as_pytorchs():
    ours = _hook_story(nn, lambda v: ag.tensor(np.float64(v)))
    theirs = _hook_story(torch.nn, lambda v: torch.tensor(v, dtype=torch.float64))
    assert ours == theirs


def test_apply_and_non_persistent_buffers_as_pytorch():
    def story(lib: Any, array: Any) -> list[Any]:
        model = lib.Sequential(lib.Sequential(lib.Linear(2, 2), lib.ReLU()), lib.Linear(2, 1))
        seen: list[Any] = []
        model.apply(lambda m: seen.append(type(m).__name__))
        model[1].register_buffer("running", array(np.zeros(2)))
        model[1].register_buffer("cache", array(np.ones(2)), persistent=False)
        seen.append(list(model.state_dict()))
        seen.append([name for name, _ in model.named_buffers()])
        model[1].register_buffer("cache", array(np.ones(2)))
        seen.append(list(model.state_dict()))
        return seen

    assert story(nn, np.asarray) == story(torch.nn, torch.tensor)


# ------------------------------------------------------------------------------- containers


def test_parameter_containers_as_pytorch():
    def story(lib: Any, array: Any) -> tuple[list[str], list[tuple[int, ...]], list[Any]]:
        rng = np.random.default_rng(0)
        model = lib.Module()
        model.plist = lib.ParameterList([array(rng.normal(size=(2, 3))), array(rng.normal(size=3))])
        model.plist.append(array(rng.normal(size=1)))
        model.plist += [array(rng.normal(size=(1, 2)))]
        model.plist[1] = array(rng.normal(size=4))
        model.pdict = lib.ParameterDict(
            {"zeta": array(rng.normal(size=2)), "alpha": array(rng.normal(size=5))}
        )
        model.pdict.update(
            OrderedDict([("mid", array(rng.normal(size=1))), ("beta", array(rng.normal(size=1)))])
        )
        model.pdict["late"] = array(rng.normal(size=3))
        del model.pdict["mid"]
        popped = model.pdict.popitem()[0]
        extra = [
            len(model.plist),
            len(model.plist[1:]),
            popped,
            list(model.pdict),
            "beta" in model.pdict,
        ]
        names = [name for name, _ in model.named_parameters()]
        shapes = [tuple(p.shape) for p in model.parameters()]
        return names, shapes, extra

    assert story(nn, np.asarray) == story(torch.nn, torch.tensor)


def test_parameters_to_vector_and_back_as_pytorch():
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(2, 2)).double()
    ours = nn.Sequential(nn.Linear(3, 2, dtype=np.float64), nn.Linear(2, 2, dtype=np.float64))
    ours.load_state_dict(_numpy_state(theirs))
    want = torch.nn.utils.parameters_to_vector(theirs.parameters())
    got = parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(got.data, want.detach().numpy())
    new = np.random.default_rng(0).normal(size=want.shape[0])
    torch.nn.utils.vector_to_parameters(torch.tensor(new), theirs.parameters())
    vector_to_parameters(new, ours.parameters())
    for (name, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_array_equal(p.data, tp.detach().numpy(), err_msg=name)
