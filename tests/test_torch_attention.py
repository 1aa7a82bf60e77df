"""Attention and the transformer against PyTorch: a PyTorch state_dict loads by name and gives
PyTorch's outputs, attention weights and gradients (every parameter and input), float64,
dropout off, for hypothesis-drawn configurations."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import autograd_lite as ag  # noqa: E402
from autograd_lite import nn  # noqa: E402
from autograd_lite.nn import functional as F  # noqa: E402

# PyTorch warns when a bool and a float mask meet (drawn on purpose: it still supports them)
# and when its Transformer cannot use nested tensors (an inference optimisation)
pytestmark = [
    pytest.mark.filterwarnings("ignore:Support for mismatched"),
    pytest.mark.filterwarnings("ignore:enable_nested_tensor is True"),
]
SEEDS = st.integers(0, 2**31 - 1)
TOL = {"rtol": 1e-9, "atol": 1e-11}


def load_from(ours: nn.Module, theirs: torch.nn.Module) -> None:
    """Our module takes PyTorch's state_dict, converted to numpy, by name."""
    state = {k: v.detach().numpy() for k, v in theirs.state_dict().items()}
    assert list(state) == list(ours.state_dict())  # the same names in the same order
    ours.load_state_dict(state)


def to_torch(x):
    return torch.from_numpy(x) if isinstance(x, np.ndarray) else x


def leaves(arrays):
    """The same arrays as our leaf Tensors and PyTorch's leaf tensors, both requiring grad."""
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    return ours, theirs


def assert_close(ours, theirs, what):
    theirs = theirs.detach().numpy()
    got = np.asarray(ours.data if isinstance(ours, ag.Tensor) else ours)
    assert got.shape == theirs.shape, what
    np.testing.assert_array_equal(np.isnan(got), np.isnan(theirs), err_msg=what)
    np.testing.assert_allclose(got, theirs, **TOL, err_msg=what)


def backward_both(outs, touts, rng):
    """Backpropagate the same random weighting of every output through both graphs."""
    loss, tloss = 0.0, 0.0
    for o, t in zip(outs, touts):
        r = rng.normal(size=t.shape)
        loss = loss + (o * r).sum()
        tloss = tloss + (t * torch.from_numpy(r)).sum()
    loss.backward()
    tloss.backward()


def assert_same_gradients(ours: nn.Module, theirs: torch.nn.Module, inputs, tinputs):
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert name == tname
        assert_close(p.grad, tp.grad, f"gradient of {name}")
    for i, (x, tx) in enumerate(zip(inputs, tinputs)):
        assert_close(x.grad, tx.grad, f"gradient of input {i}")


# ----------------------------------------------------------------------------------- SDPA


@settings(max_examples=40)
@given(data=st.data(), seed=SEEDS)
def test_sdpa_matches_pytorch(data, seed):
    rng = np.random.default_rng(seed)
    heads, kv_heads = data.draw(st.sampled_from([(1, 1), (2, 2), (4, 2)]), label="heads")
    lead = data.draw(st.sampled_from([(), (2,)]), label="leading dims")
    L, S, E, Ev = (data.draw(st.integers(1, 4)) for _ in range(4))
    arrays = [rng.normal(size=(*lead, h, n, d)) for h, n, d in
              [(heads, L, E), (kv_heads, S, E), (kv_heads, S, Ev)]]  # fmt: skip
    kwargs = {"enable_gqa": heads != kv_heads}
    kind = data.draw(st.sampled_from(["none", "bool", "float", "causal", "scale"]), label="mask")
    if kind == "bool":  # fully masked rows included: zeros in both
        kwargs["attn_mask"] = rng.random((L, S)) < 0.4
    elif kind == "float":
        kwargs["attn_mask"] = np.where(rng.random((heads, 1, S)) < 0.3, -np.inf, rng.normal(size=S))
    elif kind == "causal":
        kwargs["is_causal"] = True
    elif kind == "scale":
        kwargs["scale"] = 0.37
    (q, k, v), (tq, tk, tv) = leaves(arrays)
    out = F.scaled_dot_product_attention(q, k, v, **kwargs)
    tkwargs = {key: to_torch(val) for key, val in kwargs.items()}
    tout = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkwargs)
    assert_close(out, tout, "output")
    backward_both([out], [tout], rng)
    for x, tx, name in zip((q, k, v), (tq, tk, tv), "qkv"):
        assert_close(x.grad, tx.grad, f"gradient of {name}")


# ----------------------------------------------------------------------------------- MHA


@settings(max_examples=60)
@given(data=st.data(), seed=SEEDS)
def test_multihead_attention_matches_pytorch(data, seed):
    draw = data.draw
    rng = np.random.default_rng(seed)
    E, H = draw(st.sampled_from([(4, 1), (4, 2), (6, 3), (8, 4)]), label="embed_dim, heads")
    kdim, vdim = draw(st.sampled_from([(None, None), (3, 5)]), label="kdim, vdim")
    config = {
        "bias": draw(st.booleans(), label="bias"),
        "add_bias_kv": draw(st.booleans(), label="add_bias_kv"),
        "add_zero_attn": draw(st.booleans(), label="add_zero_attn"),
        "kdim": kdim,
        "vdim": vdim,
        "batch_first": draw(st.booleans(), label="batch_first"),
        "dropout": draw(st.sampled_from([0.0, 0.5]), label="dropout"),
    }
    torch.manual_seed(seed)
    theirs = torch.nn.MultiheadAttention(E, H, **config, dtype=torch.float64)
    ours = nn.MultiheadAttention(E, H, **config, dtype=np.float64)
    load_from(ours, theirs)
    if config["bias"]:  # PyTorch starts them at zero: make their gradients mean something
        with torch.no_grad():
            for b in (theirs.in_proj_bias, theirs.out_proj.bias):
                b.copy_(torch.from_numpy(rng.normal(size=b.shape)))
        load_from(ours, theirs)
    if config["dropout"]:  # evaluation mode: no dropout
        ours.eval()
        theirs.eval()

    unbatched = draw(st.booleans(), label="unbatched")
    N, L, S = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))

    def layout(n, d):
        return (n, d) if unbatched else (N, n, d) if config["batch_first"] else (n, N, d)

    self_attention = kdim is None and draw(st.booleans(), label="self-attention")
    if self_attention:
        S = L
        arrays = [rng.normal(size=layout(L, E))]
    else:
        arrays = [
            rng.normal(size=layout(n, d)) for n, d in [(L, E), (S, kdim or E), (S, vdim or E)]
        ]
    inputs, tinputs = leaves(arrays)
    need_weights = draw(st.booleans(), label="need_weights")
    kwargs = {
        "need_weights": need_weights,
        "average_attn_weights": draw(st.booleans(), label="average_attn_weights"),
    }
    kind = draw(st.sampled_from(["none", "bool", "float", "bool3", "causal"]), label="attn_mask")
    padding = draw(st.sampled_from(["none", "bool", "float"]), label="key_padding_mask")
    heads3 = H * (1 if unbatched else N)
    if kind == "bool":
        kwargs["attn_mask"] = rng.random((L, S)) < 0.3
    elif kind == "float":
        kwargs["attn_mask"] = np.where(rng.random((L, S)) < 0.2, -np.inf, rng.normal(size=(L, S)))
    elif kind == "bool3":
        kwargs["attn_mask"] = rng.random((heads3, L, S)) < 0.3
    elif kind == "causal":
        kwargs["attn_mask"] = np.triu(np.ones((L, S), dtype=bool), 1)
        kwargs["is_causal"] = True
    if padding != "none":
        mask = rng.random(S if unbatched else (N, S)) < 0.3
        kwargs["key_padding_mask"] = mask if padding == "bool" else np.where(mask, -np.inf, 0.0)
    if need_weights:
        # A query that no key may attend to gives NaN (as PyTorch), and NaN gradients; keep the
        # first key for everyone (test_nn_attention checks the NaN rows themselves).
        for name in ("attn_mask", "key_padding_mask"):
            if name in kwargs and kwargs[name].dtype == bool:
                kwargs[name][..., 0] = False
            elif name in kwargs:
                kwargs[name][..., 0] = 0.0

    args = inputs * 3 if self_attention else inputs
    targs = tinputs * 3 if self_attention else tinputs
    out, weights = ours(*args, **kwargs)
    tkwargs = {key: to_torch(val) for key, val in kwargs.items()}
    tout, tweights = theirs(*targs, **tkwargs)
    assert_close(out, tout, "output")
    assert (weights is None) == (tweights is None)
    outs, touts = [out], [tout]
    if weights is not None:
        assert_close(weights, tweights, "attention weights")
        outs.append(weights)
        touts.append(tweights)
    backward_both(outs, touts, rng)
    assert_same_gradients(ours, theirs, inputs, tinputs)


def test_multihead_attention_fully_masked_rows_as_pytorch():
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(4, 2, batch_first=True, dtype=torch.float64)
    ours = nn.MultiheadAttention(4, 2, batch_first=True, dtype=np.float64)
    load_from(ours, theirs)
    x = np.random.default_rng(0).normal(size=(2, 3, 4))
    padding = np.array([[True, True, True], [False, True, False]])
    for need_weights in (True, False):  # NaN, then zeros (PyTorch's SDPA)
        out, w = ours(x, x, x, key_padding_mask=padding, need_weights=need_weights)
        tx, tpad = torch.from_numpy(x), torch.from_numpy(padding)
        tout, tw = theirs(tx, tx, tx, key_padding_mask=tpad, need_weights=need_weights)
        assert_close(out, tout, f"output, need_weights={need_weights}")
        if need_weights:
            assert_close(w, tw, "weights")
    assert np.isnan(ours(x, x, x, key_padding_mask=padding)[0].data[0]).all()


# ----------------------------------------------------------------------------------- layers


ACTIVATIONS = {  # ours, PyTorch's
    "relu": ("relu", "relu"),
    "gelu": ("gelu", "gelu"),
    "gelu-tanh": (nn.GELU("tanh"), torch.nn.GELU("tanh")),
    "tanh": (ag.tanh, torch.tanh),
}


def _stack_config(data, activations=tuple(ACTIVATIONS)):
    draw = data.draw
    ours_act, their_act = ACTIVATIONS[draw(st.sampled_from(activations), label="activation")]
    config = {
        "dim_feedforward": draw(st.integers(1, 6), label="dim_feedforward"),
        "dropout": draw(st.sampled_from([0.0, 0.1]), label="dropout"),
        "layer_norm_eps": 1e-5,
        "batch_first": draw(st.booleans(), label="batch_first"),
        "norm_first": draw(st.booleans(), label="norm_first"),
        "bias": draw(st.booleans(), label="bias"),
    }
    return config, ours_act, their_act


def _masks(data, rng, L, S, N, unbatched, prefix, self_attention):
    """The masks of one attention block, in PyTorch's argument names with ``prefix``."""
    draw = data.draw
    kwargs = {}
    kind = draw(st.sampled_from(["none", "bool", "float", "causal"]), label=f"{prefix} mask")
    if kind == "bool":
        kwargs["mask"] = rng.random((L, S)) < 0.3
    elif kind == "float":
        kwargs["mask"] = np.where(rng.random((L, S)) < 0.2, -np.inf, rng.normal(size=(L, S)))
    elif kind == "causal" and self_attention:
        kwargs["mask"] = np.triu(np.full((L, S), -np.inf), 1)
        kwargs["is_causal"] = draw(st.sampled_from([None, True]), label=f"{prefix} is_causal")
    padding = draw(st.sampled_from(["none", "bool", "float"]), label=f"{prefix} padding")
    if padding != "none":
        pad = rng.random(S if unbatched else (N, S)) < 0.3
        kwargs["key_padding_mask"] = pad if padding == "bool" else np.where(pad, -np.inf, 0.0)
    return kwargs


def _compare_stacks(ours, theirs, arrays, kwargs, rng):
    inputs, tinputs = leaves(arrays)
    out = ours(*inputs, **kwargs)
    tout = theirs(*tinputs, **{key: to_torch(val) for key, val in kwargs.items()})
    assert_close(out, tout, "output")
    backward_both([out], [tout], rng)
    assert_same_gradients(ours, theirs, inputs, tinputs)


@settings(max_examples=30)
@given(data=st.data(), seed=SEEDS)
def test_transformer_encoder_matches_pytorch(data, seed):
    rng = np.random.default_rng(seed)
    config, ours_act, their_act = _stack_config(data)
    layers, norm = data.draw(st.integers(1, 2), label="layers"), data.draw(st.booleans())
    torch.manual_seed(seed)
    layer = torch.nn.TransformerEncoderLayer(4, 2, **config, activation=their_act,
                                             dtype=torch.float64)  # fmt: skip
    tnorm = torch.nn.LayerNorm(4, dtype=torch.float64) if norm else None
    theirs = torch.nn.TransformerEncoder(layer, layers, tnorm, enable_nested_tensor=False)
    ours = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(4, 2, **config, activation=ours_act, dtype=np.float64),
        layers,
        nn.LayerNorm(4, dtype=np.float64) if norm else None,
    )
    load_from(ours, theirs)
    if config["dropout"]:
        ours.eval()
        theirs.eval()
    unbatched = data.draw(st.booleans(), label="unbatched")
    N, S = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4))
    shape = (S, 4) if unbatched else (N, S, 4) if config["batch_first"] else (S, N, 4)
    masks = _masks(data, rng, S, S, N, unbatched, "src", True)
    kwargs = {"src_key_padding_mask": masks.pop("key_padding_mask", None), **masks}
    _compare_stacks(ours, theirs, [rng.normal(size=shape)], kwargs, rng)


@settings(max_examples=30)
@given(data=st.data(), seed=SEEDS)
def test_transformer_decoder_matches_pytorch(data, seed):
    rng = np.random.default_rng(seed)
    # Not a module as activation: PyTorch's TransformerDecoderLayer.__setstate__ finds no
    # "activation" in the state of a deep copy (modules live in _modules) and puts relu there,
    # so its TransformerDecoder silently uses relu in every layer. Ours keeps the module.
    config, ours_act, their_act = _stack_config(data, ("relu", "gelu", "tanh"))
    layers = data.draw(st.integers(1, 2), label="layers")
    torch.manual_seed(seed)
    layer = torch.nn.TransformerDecoderLayer(4, 2, **config, activation=their_act,
                                             dtype=torch.float64)  # fmt: skip
    theirs = torch.nn.TransformerDecoder(layer, layers, torch.nn.LayerNorm(4, dtype=torch.float64))
    ours = nn.TransformerDecoder(
        nn.TransformerDecoderLayer(4, 2, **config, activation=ours_act, dtype=np.float64),
        layers,
        nn.LayerNorm(4, dtype=np.float64),
    )
    load_from(ours, theirs)
    if config["dropout"]:
        ours.eval()
        theirs.eval()
    unbatched = data.draw(st.booleans(), label="unbatched")
    N, T, S = (data.draw(st.integers(1, 3)) for _ in range(3))

    def shape(n):
        return (n, 4) if unbatched else (N, n, 4) if config["batch_first"] else (n, N, 4)

    tgt = _masks(data, rng, T, T, N, unbatched, "tgt", True)
    memory = _masks(data, rng, T, S, N, unbatched, "memory", False)
    kwargs = {f"tgt_{key}" if key != "mask" else "tgt_mask": val for key, val in tgt.items()}
    kwargs.update({f"memory_{key}": val for key, val in memory.items()})
    arrays = [rng.normal(size=shape(T)), rng.normal(size=shape(S))]
    _compare_stacks(ours, theirs, arrays, kwargs, rng)


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer_matches_pytorch(batch_first):
    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    config = {"dim_feedforward": 16, "dropout": 0.0, "batch_first": batch_first}
    theirs = torch.nn.Transformer(8, 2, 2, 2, **config, dtype=torch.float64)
    ours = nn.Transformer(8, 2, 2, 2, **config, dtype=np.float64)
    load_from(ours, theirs)
    src, tgt = rng.normal(size=(2, 5, 8)), rng.normal(size=(2, 3, 8))
    if not batch_first:
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    pad = np.array([[False] * 5, [False, False, False, True, True]])
    kwargs = {
        "tgt_mask": nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64),
        "src_key_padding_mask": pad,
        "memory_key_padding_mask": pad,
        "tgt_is_causal": True,
    }
    _compare_stacks(ours, theirs, [src, tgt], kwargs, rng)


def test_float32_encoder_layer_matches_pytorch():
    torch.manual_seed(1)
    theirs = torch.nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True)
    ours = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True)
    load_from(ours, theirs)
    x = np.random.default_rng(1).normal(size=(3, 7, 16)).astype(np.float32)
    out = ours(ag.tensor(x))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, theirs(torch.from_numpy(x)).detach().numpy(), atol=2e-5)


def test_gelu_and_erf_match_pytorch():
    x = np.linspace(-8, 8, 4001)
    tx = torch.from_numpy(x)
    np.testing.assert_allclose(F.gelu(x), torch.nn.functional.gelu(tx).numpy(), rtol=1e-15,
                               atol=1e-15)  # fmt: skip
    np.testing.assert_allclose(F.gelu(x, "tanh"), torch.nn.functional.gelu(tx, approximate="tanh"),
                               rtol=1e-14, atol=1e-15)  # fmt: skip
    np.testing.assert_allclose(ag.ops.special.erf(x), torch.erf(tx).numpy(), rtol=5e-16, atol=0)
