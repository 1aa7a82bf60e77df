"""Layers: outputs against direct numpy computations, gradients, initialisation, modes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

rng = np.random.default_rng(1234)


def _as_param_fn(layer, *names):
    """A function of (input, *parameters) that runs ``layer`` with those parameter values."""

    def fn(x, *values):
        for name, v in zip(names, values):
            object.__setattr__(layer, name, v)  # gradcheck passes Tensors, not Parameters
        try:
            return layer(x)
        finally:
            for name in names:
                object.__setattr__(layer, name, layer._parameters[name])

    return fn


# ------------------------------------------------------------------------------- Linear


def test_linear_output_matches_numpy():
    layer = nn.Linear(4, 3, rng=0)
    x = rng.normal(size=(5, 4)).astype(np.float32)
    y = layer(x)
    assert y.dtype == np.float32
    want = x @ layer.weight.data.T + layer.bias.data
    np.testing.assert_allclose(y.data, want, rtol=1e-6)
    no_bias = nn.Linear(4, 3, bias=False, rng=0)
    assert no_bias.bias is None and len(list(no_bias.parameters())) == 1
    np.testing.assert_allclose(no_bias(x).data, x @ no_bias.weight.data.T, rtol=1e-6)


def test_linear_gradients():
    layer = nn.Linear(3, 2, dtype=np.float64, rng=0)
    fn = _as_param_fn(layer, "weight", "bias")
    x = rng.normal(size=(4, 3))
    assert gradcheck(fn, x, layer.weight.data, layer.bias.data)
    assert gradgradcheck(fn, x, layer.weight.data, layer.bias.data)


def test_linear_init_is_pytorch_default_and_seedable():
    layer = nn.Linear(100, 300, rng=0)
    bound = 1 / math.sqrt(100)
    for p in (layer.weight.data, layer.bias.data):
        assert p.dtype == np.float32
        assert np.abs(p).max() <= bound
    # U(-b, b) has standard deviation b / sqrt(3).
    assert abs(layer.weight.data.std() - bound / math.sqrt(3)) < 0.01 * bound
    assert np.abs(layer.weight.data).max() > 0.99 * bound
    again = nn.Linear(100, 300, rng=0)
    np.testing.assert_array_equal(layer.weight.data, again.weight.data)
    np.testing.assert_array_equal(layer.bias.data, again.bias.data)
    other = nn.Linear(100, 300, rng=np.random.default_rng(1))
    assert not np.array_equal(layer.weight.data, other.weight.data)
    assert nn.Linear(2, 2, dtype=np.float64).weight.dtype == np.float64


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: nn.Linear(0, 3), "Linear: in_features must be a positive int, got 0"),
        (lambda: nn.Embedding(3, -1), "Embedding: embedding_dim must be a positive int"),
        (
            lambda: nn.Conv2d(1, 2, 0),
            "Conv2d: kernel_size must be an int or a tuple of 2 ints, each >= 1",
        ),
        (lambda: nn.Dropout(1.5), r"Dropout: p must be in \[0, 1\], got 1.5"),
        (lambda: nn.BatchNorm1d(0), "BatchNorm1d: num_features must be a positive int"),
        (lambda: nn.LayerNorm(()), "LayerNorm: normalized_shape must be positive ints"),
    ],
)
def test_constructor_errors(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


# ------------------------------------------------------------------------------- activations


@pytest.mark.parametrize(
    ("layer", "reference"),
    [
        (nn.ReLU(), lambda x: np.maximum(x, 0)),
        (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
        (nn.Tanh(), np.tanh),
        (nn.Sigmoid(), lambda x: 1 / (1 + np.exp(-x))),
        (nn.Softmax(dim=0), lambda x: np.exp(x) / np.exp(x).sum(axis=0, keepdims=True)),
        (nn.LogSoftmax(), lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
    ],
)
def test_activations_match_numpy_and_have_gradients(layer, reference):
    x = rng.normal(size=(3, 4))
    x[np.abs(x) < 0.05] = 0.5  # away from the kinks of relu and leaky relu
    np.testing.assert_allclose(np.asarray(layer(ag.tensor(x)).data), reference(x), rtol=1e-12)
    assert gradcheck(layer, x)


def test_identity_returns_its_input():
    x = ag.tensor(np.ones(3), requires_grad=True)
    assert nn.Identity()(x) is x


def test_flatten():
    x = rng.normal(size=(2, 3, 4, 5))
    np.testing.assert_array_equal(nn.Flatten()(x), x.reshape(2, 60))
    np.testing.assert_array_equal(nn.Flatten(0, 1)(x), x.reshape(6, 4, 5))
    np.testing.assert_array_equal(nn.Flatten(-2)(x), x.reshape(2, 3, 20))
    assert gradcheck(nn.Flatten(), x)
    with pytest.raises(ValueError, match=r"Flatten: cannot flatten dims 2..1 of an input"):
        nn.Flatten(2, 1)(x)


# ------------------------------------------------------------------------------- Embedding


def test_embedding_looks_up_rows_and_accumulates_gradients():
    emb = nn.Embedding(5, 3, rng=0)
    idx = np.array([[0, 4], [4, 2]])
    out = emb(idx)
    np.testing.assert_array_equal(out.data, emb.weight.data[idx])
    out.sum().backward()
    counts = np.bincount(idx.ravel(), minlength=5).astype(np.float32)
    np.testing.assert_array_equal(emb.weight.grad.data, np.repeat(counts[:, None], 3, axis=1))
    np.testing.assert_allclose(emb.weight.data.std(), 1.0, atol=0.6)  # N(0, 1) init
    with pytest.raises(ValueError, match="Embedding: index 5 is out of range for 5 embeddings"):
        emb(np.array([1, 5]))
    with pytest.raises(TypeError, match="Embedding: indices must be integers, got dtype float64"):
        emb(np.array([1.0]))


def test_embedding_padding_row_starts_at_zero_and_gets_no_gradient():
    emb = nn.Embedding(5, 3, padding_idx=-2, rng=0)  # negative counts from the end, as PyTorch
    assert emb.padding_idx == 3 and repr(emb) == "Embedding(5, 3, padding_idx=3)"
    np.testing.assert_array_equal(emb.weight.data[3], np.zeros(3, dtype=np.float32))
    assert np.all(np.delete(emb.weight.data, 3, axis=0) != 0)
    emb.weight.data[3] = 7.0  # a padding row set by the user is still looked up
    idx = np.array([[3, 1], [1, 3], [0, 4]])
    out = emb(idx)
    np.testing.assert_array_equal(out.data, emb.weight.data[idx])
    upstream = np.random.default_rng(1).normal(size=out.shape).astype(np.float32)
    (out * upstream).sum().backward()
    expected = np.zeros((5, 3), dtype=np.float32)
    for pos, row in np.ndenumerate(idx):
        if row != 3:
            expected[row] += upstream[pos]
    np.testing.assert_allclose(emb.weight.grad.data, expected, rtol=1e-6)
    assert not emb.weight.grad.data[3].any()
    emb.reset_parameters(rng=2)
    assert not emb.weight.data[3].any()


def test_embedding_padding_gradient_of_a_gradient():
    emb = nn.Embedding(4, 2, padding_idx=0, dtype=np.float64, rng=0)
    idx = np.array([0, 2, 2, 0])
    (g,) = ag.grad((emb(idx) ** 3).sum(), [emb.weight], create_graph=True)
    g.sum().backward()  # d/dw sum(3 w**2 * count) = 6 w * count, none for the padding row
    expected = 6 * emb.weight.data * np.bincount(idx, minlength=4)[:, None]
    expected[0] = 0.0
    np.testing.assert_allclose(emb.weight.grad.data, expected)


def test_embedding_without_padding_in_the_batch_and_bad_padding_idx():
    emb = nn.Embedding(3, 2, padding_idx=0, rng=0)
    assert emb(np.array([1, 2])).op.name == "getitem"  # no extra op when no padding is used
    with pytest.raises(ValueError, match="Embedding: padding_idx 3 is out of range for 3"):
        nn.Embedding(3, 2, padding_idx=3)
    with pytest.raises(ValueError, match="Embedding: padding_idx -4 is out of range for 3"):
        nn.Embedding(3, 2, padding_idx=-4)
    with pytest.raises(TypeError, match="Embedding: padding_idx must be an int or None, got float"):
        nn.Embedding(3, 2, padding_idx=1.0)  # type: ignore[arg-type]
    assert nn.Embedding(3, 2).padding_idx is None


# ------------------------------------------------------------------------------- Dropout


def test_dropout_training_zeroes_and_rescales_and_eval_is_identity():
    drop = nn.Dropout(0.3, rng=0)
    x = ag.tensor(np.ones((200, 50)), requires_grad=True)
    y = drop(x)
    kept = y.data != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(y.data[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, kept / 0.7)  # the gradient is the mask
    drop.eval()
    assert drop(x) is x


def test_dropout_is_reproducible_with_a_seed_and_keeps_float32():
    x = np.ones(64, dtype=np.float32)
    a, b = nn.Dropout(0.5, rng=7)(x), nn.Dropout(0.5, rng=7)(x)
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(F.dropout(x, 1.0), np.zeros(64))
    assert F.dropout(x, 0.5, training=False) is x


# ------------------------------------------------------------------------------- BatchNorm


def _bn_reference(x, axes, eps=1e-5):
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


@pytest.mark.parametrize(
    ("layer_cls", "shape", "axes"),
    [
        (nn.BatchNorm1d, (8, 3), (0,)),
        (nn.BatchNorm1d, (4, 3, 5), (0, 2)),
        (nn.BatchNorm2d, (4, 3, 2, 5), (0, 2, 3)),
    ],
)
def test_batchnorm_training_and_running_stats(layer_cls, shape, axes):
    bn = layer_cls(3, dtype=np.float64)
    bn.weight.data[...] = [1.0, 2.0, -0.5]
    bn.bias.data[...] = [0.0, 0.1, 0.2]
    bshape = (1, 3) + (1,) * (len(shape) - 2)
    running_mean, running_var = np.zeros(3), np.ones(3)
    for step in range(3):
        x = rng.normal(loc=step, scale=2.0, size=shape)
        y = bn(x)
        want = _bn_reference(x, axes) * bn.weight.data.reshape(bshape) + bn.bias.data.reshape(
            bshape
        )
        np.testing.assert_allclose(y.data, want, rtol=1e-10, atol=1e-12)
        n = x.size // 3
        running_mean = 0.9 * running_mean + 0.1 * x.mean(axis=axes)
        running_var = 0.9 * running_var + 0.1 * x.var(axis=axes) * n / (n - 1)
    np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, running_var, rtol=1e-12)
    assert int(bn.num_batches_tracked) == 3

    bn.eval()
    x = rng.normal(size=shape)
    want = (x - running_mean.reshape(bshape)) / np.sqrt(running_var.reshape(bshape) + 1e-5)
    want = want * bn.weight.data.reshape(bshape) + bn.bias.data.reshape(bshape)
    np.testing.assert_allclose(bn(x).data, want, rtol=1e-10)
    before = bn.running_mean.copy()
    bn(x)
    np.testing.assert_array_equal(bn.running_mean, before)  # eval never updates the stats


def test_batchnorm_gradients_in_training_and_eval():
    bn = nn.BatchNorm2d(2, dtype=np.float64)
    bn.weight.data[...] = [1.5, -0.7]
    fn = _as_param_fn(bn, "weight", "bias")
    x = rng.normal(size=(3, 2, 2, 2))
    assert gradcheck(fn, x, bn.weight.data, bn.bias.data)
    assert gradgradcheck(fn, x, bn.weight.data, bn.bias.data, mode="fast")
    bn.eval()
    assert gradcheck(fn, x, bn.weight.data, bn.bias.data)


def test_batchnorm_options_and_errors():
    bn = nn.BatchNorm1d(2, affine=False, track_running_stats=False)
    assert list(bn.parameters()) == [] and list(bn.state_dict()) == []
    x = rng.normal(size=(6, 2)).astype(np.float32)
    bn.eval()  # without running stats, batch statistics are used in eval mode too
    np.testing.assert_allclose(bn(x).data, _bn_reference(x, (0,)), rtol=1e-4, atol=1e-5)
    cumulative = nn.BatchNorm1d(2, momentum=None, dtype=np.float64)
    batches = [rng.normal(size=(4, 2)) for _ in range(3)]
    for b in batches:
        cumulative(b)
    np.testing.assert_allclose(cumulative.running_mean, np.mean([b.mean(0) for b in batches], 0))
    with pytest.raises(ValueError, match=r"BatchNorm1d: need more than 1 value per channel"):
        nn.BatchNorm1d(2)(np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected input with 4 dimensions and 3"):
        nn.BatchNorm2d(3)(np.ones((2, 3, 4)))


def test_batchnorm_float32_stays_float32():
    bn = nn.BatchNorm2d(3)
    y = bn(rng.normal(size=(2, 3, 4, 4)).astype(np.float32))
    assert y.dtype == np.float32 and bn.running_var.dtype == np.float32


# ------------------------------------------------------------------------------- LayerNorm


def test_layernorm_matches_numpy_and_has_gradients():
    ln = nn.LayerNorm((3, 4), dtype=np.float64)
    ln.weight.data[...] = rng.normal(size=(3, 4))
    ln.bias.data[...] = rng.normal(size=(3, 4))
    x = rng.normal(size=(2, 3, 4))
    want = _bn_reference(x, (1, 2)) * ln.weight.data + ln.bias.data
    np.testing.assert_allclose(ln(x).data, want, rtol=1e-10)
    fn = _as_param_fn(ln, "weight", "bias")
    assert gradcheck(fn, x, ln.weight.data, ln.bias.data)
    assert gradgradcheck(fn, x, ln.weight.data, ln.bias.data, mode="fast")
    plain = nn.LayerNorm(4, elementwise_affine=False)
    assert list(plain.parameters()) == []
    np.testing.assert_allclose(plain(x[0]).data, _bn_reference(x[0], (1,)), rtol=1e-10)
    with pytest.raises(ValueError, match=r"LayerNorm: input shape \(2, 5\) does not end with"):
        plain(np.ones((2, 5)))


# ------------------------------------------------------------------------------- conv layers


def test_conv2d_layer_matches_numpy_and_is_initialised_like_pytorch():
    conv = nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=1, rng=0)
    assert conv.weight.shape == (3, 2, 3, 2) and conv.weight.dtype == np.float32
    bound = 1 / math.sqrt(2 * 3 * 2)
    assert np.abs(conv.weight.data).max() <= bound and np.abs(conv.bias.data).max() <= bound
    x = rng.normal(size=(2, 2, 5, 4)).astype(np.float32)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.zeros((2, 3, 3, 5), dtype=np.float32)
    for i in range(3):
        for j in range(5):
            patch = xp[:, :, 2 * i : 2 * i + 3, j : j + 2]
            want[:, :, i, j] = np.einsum("nchw,ochw->no", patch, conv.weight.data)
    want += conv.bias.data[None, :, None, None]
    y = conv(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, want, rtol=1e-5, atol=1e-6)
    assert repr(conv) == "Conv2d(2, 3, kernel_size=(3, 2), stride=(2, 1), padding=(1, 1))"


def test_pool_layers():
    x = np.arange(2 * 6 * 6, dtype=np.float64).reshape(1, 2, 6, 6)
    np.testing.assert_array_equal(nn.MaxPool2d(2)(x), x.reshape(1, 2, 3, 2, 3, 2).max((3, 5)))
    np.testing.assert_array_equal(nn.AvgPool2d(3)(x), x.reshape(1, 2, 2, 3, 2, 3).mean((3, 5)))
    want = "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    assert repr(nn.MaxPool2d(2)) == want  # as PyTorch's


# ------------------------------------------------------------------------------- models


def test_hessian_vector_product_through_layers_matches_finite_differences():
    model = nn.Sequential(
        nn.Linear(3, 5, dtype=np.float64, rng=0),
        nn.Tanh(),
        nn.Linear(5, 2, dtype=np.float64, rng=1),
    )
    x = rng.normal(size=(4, 3))
    y = np.array([0, 1, 1, 0])
    w = model[0].weight
    v = rng.normal(size=w.shape)

    def grad_at(values):
        saved = w.data.copy()
        w.data[...] = values
        (g,) = ag.grad(F.cross_entropy(model(x), y), w)
        w.data[...] = saved
        return g.data

    (g,) = ag.grad(F.cross_entropy(model(x), y), w, create_graph=True)
    (hv,) = ag.grad((g * v).sum(), w)
    eps = 1e-6
    numeric = (grad_at(w.data + eps * v) - grad_at(w.data - eps * v)) / (2 * eps)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-6, atol=1e-8)


def test_lenet_style_model_trains_and_lowers_its_loss():
    data = np.random.default_rng(0)
    x = data.normal(size=(16, 1, 12, 12)).astype(np.float32)
    y = (x[:, 0, :6].mean(axis=(1, 2)) > x[:, 0, 6:].mean(axis=(1, 2))).astype(np.int64)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, rng=0),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, rng=1),
        nn.ReLU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.1, rng=2),
        nn.Linear(6 * 2 * 2, 2, rng=3),
    )
    opt = optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(50):
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
    assert all(p.dtype == np.float32 for p in model.parameters())
    model.eval()
    accuracy = (model(x).data.argmax(axis=1) == y).mean()
    assert accuracy >= 0.9
