"""Attention and the transformer without PyTorch: gradients (first and second order, float64,
hypothesis-drawn configurations), masks, fully masked rows, dropout streams, errors.

The comparisons with PyTorch itself are in test_torch_attention.py.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags

SEEDS = st.integers(0, 2**32 - 1)


def with_parameters(module: nn.Module, call):
    """``fn(*inputs, *parameters) -> call(*inputs)`` with the module's parameters replaced by
    the values passed (gradcheck passes Tensors), and those parameters' current values."""
    owners = dict(module.named_modules())
    slots = [(owners[name.rpartition(".")[0]], name.rpartition(".")[2])
             for name, _ in module.named_parameters()]  # fmt: skip

    def fn(*args):
        n = len(args) - len(slots)
        for (owner, attr), v in zip(slots, args[n:]):
            object.__setattr__(owner, attr, v)
        try:
            out = call(*args[:n])
        finally:
            for owner, attr in slots:
                object.__setattr__(owner, attr, owner._parameters[attr])
        return out[0] if isinstance(out, tuple) and out[1] is None else out

    return fn, [owner._parameters[attr].data for owner, attr in slots]


# ------------------------------------------------------------------------------ F.gelu, GELU


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@given(x=ags.arrays(domain=ags.reals(4.0)))
def test_gelu_gradients(approximate, x):
    def fn(x):
        return F.gelu(x, approximate)

    assert gradcheck(fn, x)
    assert gradgradcheck(fn, x)


def test_gelu_values_and_module():
    x = np.linspace(-6, 6, 101)
    phi = 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))
    # 1 + erf cancels for negative x (in PyTorch's formula too): absolute accuracy ~1e-16 |x|
    np.testing.assert_allclose(F.gelu(x), x * phi, rtol=1e-15, atol=1e-15)
    tanh = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(nn.GELU("tanh")(x), tanh, rtol=1e-14, atol=1e-16)
    assert np.abs(F.gelu(x, "tanh") - F.gelu(x)).max() < 1e-3  # the approximation is close
    assert F.gelu(ag.tensor(x.astype(np.float32))).dtype == np.float32
    with pytest.raises(ValueError, match="GELU: approximate must be 'none' or 'tanh'"):
        nn.GELU("fast")
    with pytest.raises(ValueError, match="gelu: approximate must be 'none' or 'tanh', got 'x'"):
        F.gelu(x, "x")


# ------------------------------------------------------------------------------ SDPA


@st.composite
def sdpa_case(draw):
    """query, key, value of broadcasting batch shapes and a mask of one of the kinds."""
    batch = draw(st.sampled_from([(), (2,), (1, 2), (2, 1)]))
    L, S, E, Ev = (draw(st.integers(1, 3)) for _ in range(4))
    q = draw(ags.arrays(batch + (L, E)))
    k = draw(ags.arrays(batch[-1:] + (S, E)))  # fewer batch dims: broadcast
    v = draw(ags.arrays(batch[-1:] + (S, Ev)))
    kind = draw(st.sampled_from(["none", "bool", "float", "causal", "scale"]))
    kwargs = {}
    if kind == "bool":  # rows may be fully masked: zeros out, zero gradients
        kwargs["attn_mask"] = draw(st.lists(st.booleans(), min_size=L * S, max_size=L * S).map(
            lambda b: np.array(b).reshape(L, S)
        ))  # fmt: skip
    elif kind == "float":
        kwargs["attn_mask"] = draw(ags.arrays((L, S)))
    elif kind == "causal":
        kwargs["is_causal"] = True
    elif kind == "scale":
        kwargs["scale"] = 0.7
    return q, k, v, kwargs


@given(case=sdpa_case(), seed=SEEDS)
def test_sdpa_gradients(case, seed):
    q, k, v, kwargs = case

    def fn(q, k, v):
        return F.scaled_dot_product_attention(q, k, v, **kwargs)

    assert gradcheck(fn, q, k, v, seed=seed)
    assert gradgradcheck(fn, q, k, v, mode="fast", seed=seed)


def test_sdpa_matches_the_formula_and_takes_float_masks_as_inputs():
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 6))
    bias = rng.normal(size=(3, 5))
    scores = q @ k.transpose(0, 2, 1) / 2.0 + bias
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    np.testing.assert_allclose(
        F.scaled_dot_product_attention(q, k, v, attn_mask=bias), w @ v, rtol=1e-13
    )
    # a float mask that requires grad is an input like any other
    assert gradcheck(lambda m: F.scaled_dot_product_attention(q, k, v, attn_mask=m), bias)
    # a float64 mask does not promote float32 attention
    out = F.scaled_dot_product_attention(*(ag.tensor(a.astype(np.float32)) for a in (q, k, v)),
                                         attn_mask=bias)  # fmt: skip
    assert out.dtype == np.float32


def test_sdpa_bool_and_causal_masks_and_fully_masked_rows():
    rng = np.random.default_rng(1)
    q, k, v = (ag.tensor(rng.normal(size=s), requires_grad=True) for s in [(3, 2), (4, 2), (4, 3)])
    keep = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 0, 1, 1]], dtype=bool)
    additive = np.where(keep, 0.0, -np.inf)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
    np.testing.assert_allclose(out.data, F.scaled_dot_product_attention(q, k, v, additive).data)
    np.testing.assert_array_equal(out.data[1], 0.0)  # no key: zeros, as PyTorch's SDPA
    out.sum().backward()
    np.testing.assert_array_equal(q.grad.data[1], 0.0)
    assert np.isfinite(k.grad.data).all() and np.isfinite(v.grad.data).all()
    causal = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    lower = np.tril(np.ones((3, 4), dtype=bool))
    np.testing.assert_array_equal(causal.data, F.scaled_dot_product_attention(q, k, v, lower).data)


def test_sdpa_grouped_query_attention_repeats_each_key_head():
    rng = np.random.default_rng(2)
    q, k, v = (
        rng.normal(size=(1, 4, 3, 2)),
        rng.normal(size=(1, 2, 5, 2)),
        rng.normal(size=(1, 2, 5, 2)),
    )
    out = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
    repeated = F.scaled_dot_product_attention(q, np.repeat(k, 2, axis=1), np.repeat(v, 2, axis=1))
    np.testing.assert_array_equal(out, repeated)
    assert gradcheck(lambda k, v: F.scaled_dot_product_attention(q, k, v, enable_gqa=True), k, v)


def test_sdpa_dropout_draws_from_rng():
    q = k = v = np.random.default_rng(3).normal(size=(2, 6, 4))
    a = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5, rng=7)
    b = F.scaled_dot_product_attention(q, k, v, dropout_p=0.5, rng=7)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, F.scaled_dot_product_attention(q, k, v))
    assert not np.allclose(a, F.scaled_dot_product_attention(q, k, v, dropout_p=0.5, rng=8))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"key": np.ones((4, 3))},
            ValueError,
            r"query \(3, 2\), key \(4, 3\) and value \(4, 2\) do not fit",
        ),
        ({"value": np.ones((5, 2))}, ValueError, "do not fit"),
        ({"query": np.ones(2)}, ValueError, "do not fit"),
        (
            {"query": np.ones((3, 3, 2)), "key": np.ones((2, 4, 2)), "value": np.ones((2, 4, 2))},
            ValueError,
            "batch dimensions .* do not broadcast",
        ),
        (
            {"attn_mask": np.ones((3, 5), bool)},
            ValueError,
            r"attn_mask of shape \(3, 5\) does not broadcast",
        ),
        (
            {"attn_mask": np.ones((2, 3, 4), bool)},
            ValueError,
            "does not broadcast to the attention scores' shape",
        ),
        (
            {"attn_mask": np.ones((3, 4), int)},
            TypeError,
            "attn_mask must be boolean or floating, got dtype int64",
        ),
        ({"attn_mask": np.ones((3, 4), bool), "is_causal": True}, ValueError, "not both"),
        ({"dropout_p": 1.5}, ValueError, r"dropout_p must be in \[0, 1\]"),
        (
            {
                "query": np.ones((1, 3, 3, 2)),
                "key": np.ones((1, 2, 4, 2)),
                "value": np.ones((1, 2, 4, 2)),
                "enable_gqa": True,
            },
            ValueError,
            "must be a multiple of the key and value heads",
        ),
    ],
)
def test_sdpa_errors(kwargs, error, message):
    args = {"query": np.ones((3, 2)), "key": np.ones((4, 2)), "value": np.ones((4, 2)), **kwargs}
    with pytest.raises(error, match="scaled_dot_product_attention: .*" + message):
        F.scaled_dot_product_attention(**args)


# ------------------------------------------------------------------------------ MultiheadAttention


@st.composite
def mha_case(draw):
    E, H = draw(st.sampled_from([(2, 1), (4, 2), (6, 3)]))
    kdim, vdim = draw(st.sampled_from([(None, None), (3, 2)]))
    batch_first, unbatched = draw(st.booleans()), draw(st.booleans())
    need_weights = draw(st.booleans())
    L, S, N = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    attn = nn.MultiheadAttention(
        E, H, bias=draw(st.booleans()), add_bias_kv=draw(st.booleans()),
        add_zero_attn=draw(st.booleans()), kdim=kdim, vdim=vdim, batch_first=batch_first,
        dtype=np.float64, rng=draw(SEEDS),
    )  # fmt: skip
    for p in attn.parameters():  # non-zero biases, so that their gradients mean something
        p.data[...] = draw(ags.arrays(p.shape, domain=ags.reals(1.0)))

    def layout(length, dim):
        return (length, dim) if unbatched else (N, length, dim) if batch_first else (length, N, dim)

    self_attention = kdim is None and draw(st.booleans())
    query = draw(ags.arrays(layout(L, E)))
    key = value = query
    if self_attention:
        S = L
    else:
        key, value = draw(ags.arrays(layout(S, kdim or E))), draw(ags.arrays(layout(S, vdim or E)))
    kwargs = {"need_weights": need_weights, "average_attn_weights": draw(st.booleans())}
    kind = draw(st.sampled_from(["none", "bool", "float", "padding", "both"]))
    if kind in ("bool", "float", "both"):
        masked = draw(st.lists(st.booleans(), min_size=L * S, max_size=L * S))
        mask = np.array(masked).reshape(L, S)
        mask[:, 0] = False  # every query keeps one key: no NaN rows with need_weights
        kwargs["attn_mask"] = np.where(mask, -np.inf, 0.5) if kind == "float" else mask
    if kind in ("padding", "both"):
        padding = draw(st.lists(st.booleans(), min_size=N * S, max_size=N * S))
        padding = np.array(padding).reshape(N, S)
        padding[:, 0] = False
        kwargs["key_padding_mask"] = padding[0] if unbatched else padding
    return attn, (query, key, value), self_attention, kwargs


@settings(max_examples=25)
@given(case=mha_case(), seed=SEEDS)
def test_multihead_attention_gradients(case, seed):
    attn, (query, key, value), self_attention, kwargs = case
    if self_attention:  # one input passed three times: the packed projection path
        fn, params = with_parameters(attn, lambda x: attn(x, x, x, **kwargs))
        inputs = (query,)
    else:
        fn, params = with_parameters(attn, lambda q, k, v: attn(q, k, v, **kwargs))
        inputs = (query, key, value)
    assert gradcheck(fn, *inputs, *params, seed=seed)
    assert gradgradcheck(fn, *inputs, *params, mode="fast", seed=seed)


def _mha(**kwargs):
    return nn.MultiheadAttention(4, 2, dtype=np.float64, rng=0, **kwargs)


def test_multihead_attention_fully_masked_queries_nan_with_weights_zeros_without():
    attn = _mha(batch_first=True)
    x = np.random.default_rng(4).normal(size=(2, 3, 4))
    padding = np.array([[True, True, True], [False, False, True]])  # sample 0 sees no key
    out, weights = attn(x, x, x, key_padding_mask=padding)
    assert np.isnan(out.data[0]).all() and np.isnan(weights.data[0]).all()  # as PyTorch
    assert np.isfinite(out.data[1]).all()
    np.testing.assert_allclose(weights.data[1, :, 2], 0.0)
    fast, none = attn(x, x, x, key_padding_mask=padding, need_weights=False)
    assert none is None
    # need_weights=False: PyTorch's SDPA, zero attention; the output is out_proj's bias
    np.testing.assert_allclose(fast.data[0], np.broadcast_to(attn.out_proj.bias.data, (3, 4)))
    np.testing.assert_allclose(fast.data[1], out.data[1], rtol=1e-14)


def test_multihead_attention_unbatched_is_batched_with_one_sample():
    attn = _mha(add_bias_kv=True, add_zero_attn=True)
    rng = np.random.default_rng(5)
    q, k = rng.normal(size=(3, 4)), rng.normal(size=(5, 4))
    mask = rng.normal(size=(2, 3, 5))  # per head: (num_heads, L, S) when unbatched
    padding = np.array([False, True, False, False, True])
    out, w = attn(q, k, k, key_padding_mask=padding, attn_mask=mask, average_attn_weights=False)
    bout, bw = attn(q[:, None], k[:, None], k[:, None], key_padding_mask=padding[None],
                    attn_mask=mask, average_attn_weights=False)  # fmt: skip
    assert out.shape == (3, 4) and w.shape == (2, 3, 7)  # two more keys: bias_k, zero
    np.testing.assert_allclose(out.data, bout.data[:, 0], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(w.data, bw.data[0], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(w.data.sum(-1), 1.0)
    np.testing.assert_array_equal(w.data[:, :, [1, 4]], 0.0)  # padded keys


def test_multihead_attention_is_causal_hint_needs_the_mask_and_replaces_it():
    attn = _mha()
    x = np.random.default_rng(6).normal(size=(3, 2, 4))
    causal = nn.Transformer.generate_square_subsequent_mask(3, dtype=np.float64)
    with pytest.raises(ValueError, match="MultiheadAttention: is_causal=True is a hint"):
        attn(x, x, x, is_causal=True)
    want, _ = attn(x, x, x, attn_mask=causal)
    hinted, _ = attn(x, x, x, attn_mask=np.zeros((3, 3)), is_causal=True, need_weights=False)
    np.testing.assert_allclose(hinted.data, want.data, rtol=1e-14)  # as PyTorch: the hint wins


def test_multihead_attention_parameters_and_init_are_pytorchs():
    attn = nn.MultiheadAttention(6, 3, rng=0)
    assert [(n, p.shape) for n, p in attn.named_parameters()] == [
        ("in_proj_weight", (18, 6)), ("in_proj_bias", (18,)),
        ("out_proj.weight", (6, 6)), ("out_proj.bias", (6,)),
    ]  # fmt: skip
    assert attn.in_proj_weight.dtype == np.float32
    np.testing.assert_array_equal(attn.in_proj_bias.data, 0.0)
    np.testing.assert_array_equal(attn.out_proj.bias.data, 0.0)
    assert np.abs(attn.in_proj_weight.data).max() <= np.sqrt(6 / (18 + 6))  # Xavier uniform
    separate = nn.MultiheadAttention(6, 3, bias=False, add_bias_kv=True, kdim=2, vdim=5)
    assert [(n, p.shape) for n, p in separate.named_parameters()] == [
        ("q_proj_weight", (6, 6)), ("k_proj_weight", (6, 2)), ("v_proj_weight", (6, 5)),
        ("bias_k", (1, 1, 6)), ("bias_v", (1, 1, 6)), ("out_proj.weight", (6, 6)),
    ]  # fmt: skip
    again = nn.MultiheadAttention(6, 3, rng=0)
    np.testing.assert_array_equal(again.in_proj_weight.data, attn.in_proj_weight.data)


def test_multihead_attention_dropout_only_in_training():
    attn = nn.MultiheadAttention(4, 2, dropout=0.5, dtype=np.float64, rng=0)
    x = np.random.default_rng(7).normal(size=(5, 2, 4))
    _, w1 = attn(x, x, x, average_attn_weights=False)
    assert (w1.data == 0).any() and set(np.unique(w1.data[w1.data > 0] * 0 + 1)) == {1.0}
    _, w2 = attn(x, x, x, average_attn_weights=False)
    assert not np.array_equal(w1.data == 0, w2.data == 0)  # the stream moves on
    attn.eval()
    _, w = attn(x, x, x)
    np.testing.assert_allclose(w.data.sum(-1), 1.0)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: nn.MultiheadAttention(10, 3),
            "MultiheadAttention: embed_dim 10 is not divisible by num_heads 3",
        ),
        (
            lambda: nn.MultiheadAttention(0, 1),
            "MultiheadAttention: embed_dim must be a positive int",
        ),
        (
            lambda: nn.MultiheadAttention(4, 2, kdim=0),
            "MultiheadAttention: kdim must be a positive int",
        ),
        (
            lambda: nn.MultiheadAttention(4, 2, dropout=2),
            r"MultiheadAttention: dropout must be a number in \[0, 1\]",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 3),
            "MultiheadAttention: embed_dim 4 is not divisible by num_heads 3",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 2, activation="swish"),
            "TransformerEncoderLayer: activation must be 'relu', 'gelu' or a callable",
        ),
        (
            lambda: nn.TransformerDecoderLayer(4, 2, dim_feedforward=0),
            "TransformerDecoderLayer: dim_feedforward must be a positive int",
        ),
        (
            lambda: nn.TransformerEncoderLayer(4, 2, dropout=-0.1),
            "TransformerEncoderLayer: dropout must be a number",
        ),
        (
            lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), 0),
            "TransformerEncoder: num_layers must be a positive int",
        ),
        (
            lambda: nn.Transformer.generate_square_subsequent_mask(0),
            "generate_square_subsequent_mask: sz must be a positive int",
        ),
    ],
)
def test_constructor_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda a, x: a(x[0, 0], x, x),
            ValueError,
            r"query, key and value must all be batched \(L, N, E\) or all unbatched",
        ),
        (
            lambda a, x: a(x[..., :3], x, x),
            ValueError,
            "query, key and value have 3, 4 and 4 features, expected embed_dim=4",
        ),
        (lambda a, x: a(x, x, x[:2]), ValueError, r"key \(3, 2, 4\) and value \(2, 2, 4\) differ"),
        (
            lambda a, x: a(x, x[:, :1], x[:, :1]),
            ValueError,
            r"query \(3, 2, 4\) and key \(3, 1, 4\) differ in batch size",
        ),
        (
            lambda a, x: a(x, x, x, attn_mask=np.ones((3, 2), bool)),
            ValueError,
            r"attn_mask must have shape \(3, 3\) or \(4, 3, 3\) \(batch size times num_heads\), "
            r"got \(3, 2\)",
        ),
        (
            lambda a, x: a(x, x, x, attn_mask=np.ones((3, 3), int)),
            TypeError,
            "attn_mask must be boolean or floating, got dtype int64",
        ),
        (
            lambda a, x: a(x, x, x, key_padding_mask=np.ones((3, 2), bool)),
            ValueError,
            r"key_padding_mask must have shape \(2, 3\)",
        ),
        (
            lambda a, x: a(x, x, x, key_padding_mask=np.ones((2, 3), "U1")),
            TypeError,
            "key_padding_mask must be boolean or floating",
        ),
    ],
)
def test_multihead_attention_forward_errors(call, error, message):
    with pytest.raises(error, match="MultiheadAttention: " + message):
        call(_mha(), np.ones((3, 2, 4)))


# ------------------------------------------------------------------------------ transformer layers


@st.composite
def layer_case(draw, decoder: bool):
    layer_type = nn.TransformerDecoderLayer if decoder else nn.TransformerEncoderLayer
    batch_first, unbatched = draw(st.booleans()), draw(st.booleans())
    # smooth activations: hypothesis likes zeros, which put relu exactly on its kink (relu's
    # path is compared with PyTorch in test_torch_attention.py)
    activation = draw(st.sampled_from(["gelu", nn.GELU("tanh"), F.tanh]))
    # layer_norm_eps 0.5: LayerNorm of features that are (nearly) equal, where hypothesis
    # likes to go, is curved on the scale of sqrt(eps), too sharp for central differences
    layer = layer_type(
        4, 2, dim_feedforward=3, dropout=0.0, activation=activation, layer_norm_eps=0.5,
        batch_first=batch_first, norm_first=draw(st.booleans()), bias=draw(st.booleans()),
        dtype=np.float64, rng=draw(SEEDS),
    )  # fmt: skip
    for p in layer.parameters():
        p.data[...] = draw(ags.arrays(p.shape, domain=ags.reals(1.0)))
    T, S, N = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))

    def layout(length):
        return (length, 4) if unbatched else (N, length, 4) if batch_first else (length, N, 4)

    # away from relu's kink: the pre-activations are random sums, rarely near 0; a bool mask
    # that keeps the first key of every query, and a padding mask alike
    mask = np.array(draw(st.lists(st.booleans(), min_size=T * T, max_size=T * T))).reshape(T, T)
    mask[:, 0] = False
    padding = np.array(draw(st.lists(st.booleans(), min_size=N * T, max_size=N * T)))
    padding = padding.reshape(N, T)
    padding[:, 0] = False
    padding = padding[0] if unbatched else padding
    inputs = [draw(ags.arrays(layout(T)))]
    if decoder:
        inputs.append(draw(ags.arrays(layout(S))))
        kwargs = {"tgt_mask": mask, "tgt_key_padding_mask": padding,
                  "memory_mask": draw(ags.arrays((T, S)))}  # fmt: skip
    else:
        kwargs = {"src_mask": mask, "src_key_padding_mask": padding}
    return layer, inputs, kwargs


@settings(max_examples=10)
@given(case=layer_case(decoder=False), seed=SEEDS)
def test_encoder_layer_gradients(case, seed):
    layer, inputs, kwargs = case
    fn, params = with_parameters(layer, lambda src: layer(src, **kwargs))
    assert gradcheck(fn, *inputs, *params, seed=seed)
    assert gradgradcheck(fn, *inputs, *params, mode="fast", seed=seed)


@settings(max_examples=6)
@given(case=layer_case(decoder=True), seed=SEEDS)
def test_decoder_layer_gradients(case, seed):
    layer, inputs, kwargs = case
    fn, params = with_parameters(layer, lambda tgt, memory: layer(tgt, memory, **kwargs))
    assert gradcheck(fn, *inputs, *params, seed=seed)
    assert gradgradcheck(fn, *inputs, *params, mode="fast", seed=seed)


def test_encoder_stack_gradients_through_copies_and_final_norm():
    layer = nn.TransformerEncoderLayer(
        4, 2, 3, dropout=0.0, activation="gelu", dtype=np.float64, rng=0
    )
    encoder = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4, dtype=np.float64))
    x = np.random.default_rng(8).normal(size=(3, 2, 4))
    fn, params = with_parameters(
        encoder, lambda src: encoder(src, mask=np.triu(np.ones((3, 3), bool), 1))
    )
    assert gradcheck(fn, x, *params)


def test_stacks_are_deep_copies_with_their_own_dropout_streams():
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.5, rng=0)
    encoder = nn.TransformerEncoder(layer, 3)
    first, second = encoder.layers[0], encoder.layers[1]
    assert first is not layer and first.linear1.weight is not second.linear1.weight
    for (name, a), (_, b) in zip(first.named_parameters(), layer.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data, err_msg=name)  # same start, as PyTorch
    # one generator per copy, shared by its dropouts and attention as in the original
    assert first.dropout.rng is first.dropout1.rng is first.self_attn.rng
    assert first.dropout.rng is not second.dropout.rng
    x = np.ones((16, 4), dtype=np.float32)
    assert not np.array_equal(first.dropout(x).data, second.dropout(x).data)
    keys = list(encoder.state_dict())
    assert keys[:2] == ["layers.0.self_attn.in_proj_weight", "layers.0.self_attn.in_proj_bias"]
    assert len(keys) == 3 * len(layer.state_dict())


def test_transformer_layers_train_and_eval():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True, rng=1)
    x = np.random.default_rng(9).normal(size=(2, 5, 8)).astype(np.float32)
    a, b = layer(x), layer(x)
    assert a.dtype == np.float32 and not np.allclose(a.data, b.data)  # dropout in training
    layer.eval()
    np.testing.assert_array_equal(layer(x).data, layer(x).data)
    copy.deepcopy(layer)(x)  # a copy runs on its own


def test_transformer_parameter_names_and_causal_mask():
    model = nn.Transformer(8, 2, 1, 1, 16, rng=0)
    names = list(model.state_dict())
    assert "encoder.layers.0.self_attn.in_proj_weight" in names
    assert "decoder.layers.0.multihead_attn.out_proj.weight" in names
    assert names[-2:] == ["decoder.norm.weight", "decoder.norm.bias"]
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(np.isinf(mask), np.triu(np.ones((3, 3), bool), 1))
    with pytest.raises(
        ValueError, match=r"Transformer: src \(5, 2, 8\) and tgt \(3, 1, 8\) differ in batch size"
    ):
        model(np.ones((5, 2, 8)), np.ones((3, 1, 8)))
    with pytest.raises(ValueError, match="Transformer: src .* must have d_model=8 features"):
        model(np.ones((5, 2, 8)), np.ones((3, 2, 6)))
