"""Recurrent layers and cells: gradients (first and second order) by property tests, shapes,
parameters, initialisation, dropout, the bidirectional reverse pass and errors. Their
outputs against PyTorch's are in test_torch_rnn.py."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags

CELLS = {
    "RNNCell": lambda i, h, bias: nn.RNNCell(i, h, bias, dtype=np.float64, rng=0),
    "RNNCell-relu": lambda i, h, bias: nn.RNNCell(i, h, bias, "relu", dtype=np.float64, rng=0),
    "LSTMCell": lambda i, h, bias: nn.LSTMCell(i, h, bias, dtype=np.float64, rng=0),
    "GRUCell": lambda i, h, bias: nn.GRUCell(i, h, bias, dtype=np.float64, rng=0),
}


def _run_with(module: nn.Module, values: dict[str, Any], *args: Any) -> Any:
    """Call ``module`` with its parameters replaced by ``values`` (the Tensors gradcheck
    passes), then put the Parameters back."""
    saved = {name: getattr(module, name) for name in values}
    for name, v in values.items():
        object.__setattr__(module, name, v)
    try:
        return module(*args)
    finally:
        for name, p in saved.items():
            object.__setattr__(module, name, p)


def _values(draw: Any, module: nn.Module) -> dict[str, np.ndarray]:
    """Parameter values drawn in [-1, 1], one array per parameter of ``module``."""
    return {
        name: draw(ags.arrays(p.shape, domain=ags.reals(1.0)))
        for name, p in module.named_parameters()
    }


def _away_from_kink(pre: np.ndarray) -> None:
    """relu's derivative jumps at 0: finite differences need pre-activations away from it."""
    assume(np.abs(pre).min() > 1e-3)


@st.composite
def cell_cases(draw: Any, kind: str) -> tuple[nn.Module, np.ndarray, tuple, dict]:
    n_in, hidden = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    cell = CELLS[kind](n_in, hidden, draw(st.booleans()))
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () unbatched
    x = draw(ags.arrays((*batch, n_in), domain=ags.reals(1.5)))
    n_states = 2 if kind == "LSTMCell" else 1
    states = tuple(
        draw(ags.arrays((*batch, hidden), domain=ags.reals(1.0))) for _ in range(n_states)
    )
    values = _values(draw, cell)
    if kind == "RNNCell-relu":
        pre = x @ values["weight_ih"].T + states[0] @ values["weight_hh"].T
        if cell.bias:
            pre = pre + values["bias_ih"] + values["bias_hh"]
        _away_from_kink(pre)
    return cell, x, states, values


@pytest.mark.parametrize("kind", list(CELLS))
@settings(max_examples=15)
@given(data=st.data())
def test_cell_gradients_wrt_input_state_and_parameters(kind, data):
    cell, x, states, values = data.draw(cell_cases(kind))
    names = list(values)

    n_states = len(states)

    def fn(x, *rest):
        hx = rest[:n_states] if kind == "LSTMCell" else rest[0]
        return _run_with(cell, dict(zip(names, rest[n_states:])), x, hx)

    args = (x, *states, *values.values())
    assert gradcheck(fn, *args)
    assert gradgradcheck(fn, *args)


LAYERS = {"RNN": nn.RNN, "RNN-relu": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}


@st.composite
def sequence_cases(draw: Any, kind: str) -> tuple[nn.Module, np.ndarray, tuple, dict]:
    """A 2-layer bidirectional layer (an LSTM maybe with projections) on a short sequence."""
    kwargs: dict[str, Any] = {"num_layers": 2, "bidirectional": True, "dtype": np.float64}
    kwargs["batch_first"] = draw(st.booleans())
    if kind == "RNN-relu":
        kwargs["nonlinearity"] = "relu"
    if kind == "LSTM" and draw(st.booleans()):
        kwargs["proj_size"] = 1
    layer = LAYERS[kind](draw(st.integers(1, 2)), 2, rng=0, **kwargs)
    steps, batch = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    shape = (batch, steps) if layer.batch_first else (steps, batch)
    x = draw(ags.arrays((*shape, layer.input_size), domain=ags.reals(1.5)))
    sizes = layer._state_sizes()
    states = tuple(draw(ags.arrays((4, batch, n), domain=ags.reals(1.0))) for n in sizes)
    values = _values(draw, layer)
    if kind == "RNN-relu":
        _away_from_kink(_relu_rnn_pre_activations(layer, values, x, states[0]))
    return layer, x, states, values


def _relu_rnn_pre_activations(layer, values, x, h0):
    """Every pre-activation of a relu RNN (all steps, layers, directions), with numpy."""
    out = []
    xs = np.swapaxes(x, 0, 1) if layer.batch_first else x
    inputs = list(xs)
    for k_layer in range(layer.num_layers):
        outputs = []
        for direction in range(2):
            k = 2 * k_layer + direction
            names = layer._all_weights[k]
            w_ih, w_hh, b_ih, b_hh = (values[n] for n in names)
            h, hs = h0[k], [None] * len(inputs)
            for t in reversed(range(len(inputs))) if direction else range(len(inputs)):
                pre = inputs[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
                out.append(pre)
                h = hs[t] = np.maximum(pre, 0)
            outputs.append(hs)
        inputs = [np.concatenate(pair, axis=-1) for pair in zip(*outputs)]
    return np.concatenate([p.ravel() for p in out])


@pytest.mark.parametrize("kind", list(LAYERS))
@settings(max_examples=8)
@given(data=st.data())
def test_multilayer_bidirectional_sequence_gradients(kind, data):
    layer, x, states, values = data.draw(sequence_cases(kind))
    names, n_states = list(values), len(states)

    def fn(x, *rest):
        hx = rest[:n_states] if kind == "LSTM" else rest[0]
        output, final = _run_with(layer, dict(zip(names, rest[n_states:])), x, hx)
        return (output, *final) if kind == "LSTM" else (output, final)

    args = (x, *states, *values.values())
    assert gradcheck(fn, *args, mode="fast")
    assert gradgradcheck(fn, *args, mode="fast")


# ------------------------------------------------------------------------------- values


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_lstm_cell_follows_the_gate_equations():
    cell = nn.LSTMCell(3, 2, dtype=np.float64, rng=0)
    rng = np.random.default_rng(1)
    x, h, c = rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    gates = x @ cell.weight_ih.data.T + cell.bias_ih.data + h @ cell.weight_hh.data.T
    gates += cell.bias_hh.data
    i, f, g, o = np.split(gates, 4, axis=1)
    c_want = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    h_got, c_got = cell(x, (h, c))
    np.testing.assert_allclose(c_got.data, c_want, rtol=1e-12)
    np.testing.assert_allclose(h_got.data, _sigmoid(o) * np.tanh(c_want), rtol=1e-12)


def test_gru_cell_applies_the_reset_gate_to_the_hidden_projection_with_its_bias():
    cell = nn.GRUCell(3, 2, dtype=np.float64, rng=0)
    rng = np.random.default_rng(2)
    x, h = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    gi = x @ cell.weight_ih.data.T + cell.bias_ih.data
    gh = h @ cell.weight_hh.data.T + cell.bias_hh.data
    r = _sigmoid(gi[:, :2] + gh[:, :2])
    z = _sigmoid(gi[:, 2:4] + gh[:, 2:4])
    n = np.tanh(gi[:, 4:] + r * gh[:, 4:])
    np.testing.assert_allclose(cell(x, h).data, (1 - z) * n + z * h, rtol=1e-12)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_a_layer_is_its_cell_applied_step_after_step(cls):
    layer = cls(3, 4, dtype=np.float64, rng=0)
    cell = getattr(nn, cls.__name__ + "Cell")(3, 4, dtype=np.float64, rng=1)
    cell.load_state_dict({k[: -len("_l0")]: v for k, v in layer.state_dict().items()})
    x = np.random.default_rng(3).normal(size=(5, 2, 3))
    output, final = layer(x)
    state = None
    for t in range(5):
        state = cell(x[t], state)
        h = state[0] if cls is nn.LSTM else state
        np.testing.assert_allclose(output.data[t], h.data, rtol=1e-12)
    for got, want in zip(
        final if cls is nn.LSTM else (final,), state if cls is nn.LSTM else (state,)
    ):
        np.testing.assert_allclose(got.data[0], want.data, rtol=1e-12)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_the_reverse_direction_reads_the_sequence_backwards(cls):
    bi = cls(3, 4, bidirectional=True, dtype=np.float64, rng=0)
    fwd, bwd = cls(3, 4, dtype=np.float64, rng=1), cls(3, 4, dtype=np.float64, rng=2)
    state = bi.state_dict()
    fwd.load_state_dict({k: v for k, v in state.items() if not k.endswith("_reverse")})
    bwd.load_state_dict({k[: -len("_reverse")]: v for k, v in state.items() if "_reverse" in k})
    x = np.random.default_rng(4).normal(size=(6, 2, 3))
    out, _ = bi(x)
    np.testing.assert_allclose(out.data[..., :4], fwd(x)[0].data, rtol=1e-12)
    np.testing.assert_allclose(out.data[..., 4:], bwd(x[::-1])[0].data[::-1], rtol=1e-12)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_unbatched_and_batch_first_inputs_give_the_same_numbers(cls):
    layer = cls(3, 4, num_layers=2, bidirectional=True, dtype=np.float64, rng=0)
    x = np.random.default_rng(5).normal(size=(6, 2, 3))
    out, final = layer(x)
    layer.batch_first = True
    out_bf, final_bf = layer(np.swapaxes(x, 0, 1))
    np.testing.assert_array_equal(np.swapaxes(out_bf.data, 0, 1), out.data)
    layer.batch_first = False
    out_1, final_1 = layer(x[:, 1])  # unbatched: (sequence, features)
    assert out_1.shape == (6, 8)
    np.testing.assert_array_equal(layer(x[:, 1].tolist())[0].data, out_1.data)  # nested lists
    np.testing.assert_allclose(out_1.data, out.data[:, 1], rtol=1e-12)
    flat = zip(final, final_1) if cls is nn.LSTM else [(final, final_1)]
    for f, f1 in flat:
        assert f1.shape == (4, 4)
        np.testing.assert_allclose(f1.data, f.data[:, 1], rtol=1e-12)
    for f, f_bf in zip(
        final if cls is nn.LSTM else [final], final_bf if cls is nn.LSTM else [final_bf]
    ):
        np.testing.assert_array_equal(f.data, f_bf.data)  # states are never batch-first


def test_lstm_with_projections_has_projected_hidden_states():
    lstm = nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2, rng=0)
    assert lstm.weight_hr_l1_reverse.shape == (2, 5)
    assert lstm.weight_ih_l1.shape == (20, 4)  # both directions' projected outputs
    assert lstm.weight_hh_l0.shape == (20, 2)
    output, (h_n, c_n) = lstm(np.ones((7, 3, 3), dtype=np.float32))
    assert (output.shape, h_n.shape, c_n.shape) == ((7, 3, 4), (4, 3, 2), (4, 3, 5))


def test_backprop_through_a_long_sequence_has_no_depth_limit():
    rnn = nn.RNN(1, 2, dtype=np.float64, rng=0)
    x = ag.tensor(np.full((3000, 1, 1), 0.1), requires_grad=True)
    output, h_n = rnn(x)
    h_n.sum().backward()
    assert x.grad.shape == x.shape and np.isfinite(x.grad.data).all()
    assert rnn.weight_hh_l0.grad is not None


def test_float32_layers_stay_float32():
    lstm = nn.LSTM(3, 4, rng=0)
    out, (h, c) = lstm(np.ones((2, 1, 3), dtype=np.float32))
    assert out.dtype == h.dtype == c.dtype == np.float32
    out.sum().backward()
    assert lstm.weight_ih_l0.grad.dtype == np.float32


# ------------------------------------------------------------------------------- parameters


def test_parameter_names_and_shapes_are_pytorchs():
    gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, rng=0)
    shapes = {name: p.shape for name, p in gru.named_parameters()}
    assert list(shapes)[:8] == [
        "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
        "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse",
        "bias_hh_l0_reverse",
    ]  # fmt: skip
    assert shapes["weight_ih_l0"] == (12, 3) and shapes["weight_ih_l1"] == (12, 8)
    assert shapes["weight_hh_l1_reverse"] == (12, 4) and shapes["bias_hh_l1"] == (12,)
    assert [[p.shape for p in ps] for ps in gru.all_weights][0] == [(12, 3), (12, 4), (12,), (12,)]
    no_bias = nn.LSTM(3, 4, bias=False, rng=0)
    assert [name for name, _ in no_bias.named_parameters()] == ["weight_ih_l0", "weight_hh_l0"]
    cell = nn.RNNCell(3, 4, bias=False, rng=0)
    assert [name for name, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"]
    assert cell.bias_ih is None


@pytest.mark.parametrize(
    "make", [lambda **k: nn.LSTM(3, 16, num_layers=2, **k), lambda **k: nn.GRUCell(3, 16, **k)]
)
def test_init_is_uniform_in_one_over_sqrt_hidden_and_seedable(make):
    a, b, c = make(rng=0), make(rng=0), make(rng=1)
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert pa.dtype == np.float32
        np.testing.assert_array_equal(pa.data, pb.data)
        assert np.abs(pa.data).max() <= 1 / math.sqrt(16)
    values = np.concatenate([p.data.ravel() for p in a.parameters()])
    assert values.min() < -0.2 and values.max() > 0.2  # spread over the whole interval
    assert not np.array_equal(next(a.parameters()).data, next(c.parameters()).data)
    assert next(make(dtype=np.float64).parameters()).dtype == np.float64
    with _default(np.float64):
        assert next(make().parameters()).dtype == np.float64


class _default:
    """Set the default dtype for a block."""

    def __init__(self, dtype):
        self.dtype, self.old = dtype, ag.get_default_dtype()

    def __enter__(self):
        ag.set_default_dtype(self.dtype)

    def __exit__(self, *exc):
        ag.set_default_dtype(self.old)


def test_state_dict_round_trip_between_layers():
    a, b = nn.LSTM(3, 4, num_layers=2, rng=0), nn.LSTM(3, 4, num_layers=2, rng=1)
    b.load_state_dict(a.state_dict())
    x = np.ones((5, 2, 3), dtype=np.float32)
    np.testing.assert_array_equal(a(x)[0].data, b(x)[0].data)


# ------------------------------------------------------------------------------- dropout


def test_dropout_acts_between_layers_in_training_only():
    lstm = nn.LSTM(3, 4, num_layers=2, dropout=1.0, dtype=np.float64, rng=0)
    rng = np.random.default_rng(6)
    x1, x2 = rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 2, 3))
    # dropout=1: the second layer sees zeros, whatever the input
    np.testing.assert_array_equal(lstm(x1)[0].data, lstm(x2)[0].data)
    lstm.eval()
    assert not np.array_equal(lstm(x1)[0].data, lstm(x2)[0].data)
    half = nn.GRU(3, 4, num_layers=2, dropout=0.5, dtype=np.float64, rng=0)
    assert not np.array_equal(half(x1)[0].data, half(x1)[0].data)  # fresh masks per call
    half.eval()
    np.testing.assert_array_equal(half(x1)[0].data, half(x1)[0].data)


def test_dropout_with_one_layer_warns_as_pytorch():
    with pytest.warns(UserWarning, match="dropout"):
        nn.LSTM(3, 4, dropout=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nn.LSTM(3, 4, num_layers=2, dropout=0.2)


# ------------------------------------------------------------------------------- errors


def test_repr_shows_the_non_default_settings():
    assert repr(nn.LSTM(3, 4)) == "LSTM(3, 4)"
    assert repr(nn.GRU(3, 4, 2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)) == (
        "GRU(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)"
    )
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu")) == "RNNCell(3, 4, nonlinearity='relu')"


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: nn.RNN(3, 4, nonlinearity="sigmoid"), ValueError, "RNN: unknown nonlinearity"),
        (lambda: nn.RNNCell(3, 4, nonlinearity="gelu"), ValueError, "RNNCell: unknown"),
        (lambda: nn.LSTM(0, 4), ValueError, "LSTM: input_size must be >= 1"),
        (lambda: nn.GRU(3, 2.5), TypeError, "GRU: hidden_size must be an int"),
        (lambda: nn.LSTM(3, 4, num_layers=0), ValueError, "num_layers must be >= 1"),
        (lambda: nn.LSTM(3, 4, dropout=1.5), ValueError, r"dropout must be in \[0, 1\]"),
        (lambda: nn.LSTM(3, 4, dropout=True), TypeError, "dropout must be a number"),
        (lambda: nn.LSTM(3, 4, bias=1), TypeError, "LSTM: bias must be a bool"),
        (lambda: nn.LSTM(3, 4, proj_size=4), ValueError, r"proj_size \(4\) must be smaller"),
    ],
)
def test_bad_constructor_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_inputs_name_the_layer_and_the_shapes():
    lstm = nn.LSTM(3, 4, num_layers=2, rng=0)
    x = np.ones((5, 2, 3), dtype=np.float32)
    with pytest.raises(
        ValueError, match=r"LSTM: expected an input of 3 dimensions .* got shape \(3,\)"
    ):
        lstm(np.ones(3))
    with pytest.raises(
        ValueError, match=r"LSTM: input of shape \(5, 2, 6\) has 6 features, expected input_size=3"
    ):
        lstm(np.ones((5, 2, 6)))
    h0, c0 = np.zeros((2, 2, 4)), np.zeros((2, 2, 4))
    with pytest.raises(TypeError, match="LSTM: hx must be a pair"):
        lstm(x, h0)
    with pytest.raises(ValueError, match=r"LSTM: h0 has shape \(1, 2, 4\), expected \(2, 2, 4\)"):
        lstm(x, (h0[:1], c0))
    with pytest.raises(ValueError, match=r"LSTM: c0 has shape \(2, 4\), expected \(2, 2, 4\)"):
        lstm(x, (h0, c0[:, 0]))
    with pytest.raises(ValueError, match=r"h0 has shape \(2, 2, 4\), expected \(2, 4\)"):
        lstm(x[:, 0], (h0, c0))  # unbatched input, batched states
    with pytest.raises(ValueError, match="has no time steps"):
        lstm(np.ones((0, 2, 3)))
    gru = nn.GRU(3, 4, batch_first=True, rng=0)
    with pytest.raises(ValueError, match=r"GRU: h0 has shape \(1, 5, 4\), expected \(1, 2, 4\)"):
        gru(np.ones((2, 5, 3)), np.zeros((1, 5, 4)))
    cell = nn.GRUCell(3, 4, rng=0)
    with pytest.raises(
        ValueError,
        match=r"GRUCell: expected an input of shape \(batch, 3\) or \(3,\), got shape \(2, 5\)",
    ):
        cell(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"GRUCell: hx has shape \(3, 4\), expected \(2, 4\)"):
        cell(np.ones((2, 3)), np.zeros((3, 4)))
    with pytest.raises(TypeError, match="LSTMCell: hx must be a pair"):
        nn.LSTMCell(3, 4)(np.ones((2, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"LSTMCell: hx\[1\] has shape \(2, 3\)"):
        nn.LSTMCell(3, 4)(np.ones((2, 3)), (np.zeros((2, 4)), np.zeros((2, 3))))
