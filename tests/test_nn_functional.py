"""nn.functional losses and the loss modules, against formulas written out in numpy."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

rng = np.random.default_rng(7)


def _log_softmax(z):
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


# ------------------------------------------------------------------------------- mse_loss


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(reduction):
    x, t = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    sq = (x - t) ** 2
    want = {"mean": sq.mean(), "sum": sq.sum(), "none": sq}[reduction]
    np.testing.assert_allclose(F.mse_loss(x, t, reduction), want, rtol=1e-12)
    np.testing.assert_allclose(nn.MSELoss(reduction)(x, t), want, rtol=1e-12)
    assert gradcheck(lambda a, b: F.mse_loss(a, b, reduction), x, t)
    assert gradgradcheck(lambda a: F.mse_loss(a, t, reduction), x)


def test_mse_loss_errors_and_float32():
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(3,\) and target shape \(3, 1\)"):
        F.mse_loss(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="mse_loss: reduction must be one of"):
        F.mse_loss(np.zeros(3), np.zeros(3), "avg")
    x = ag.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    assert F.mse_loss(x, np.zeros(3, dtype=np.float32)).dtype == np.float32


# ------------------------------------------------------------------------------- nll_loss


def _nll_reference(logp, t, weight, ignore_index, reduction):
    c = logp.shape[-1]
    flat, labels = logp.reshape(-1, c), t.reshape(-1)
    w = np.ones(c) if weight is None else weight
    losses, weights = [], []
    for row, label in zip(flat, labels):
        if label == ignore_index:
            losses.append(0.0)
            weights.append(0.0)
        else:
            losses.append(-w[label] * row[label])
            weights.append(w[label])
    losses = np.array(losses)
    if reduction == "none":
        return losses.reshape(t.shape)
    return losses.sum() if reduction == "sum" else losses.sum() / sum(weights)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6,), (2, 3)])
def test_nll_loss_matches_pytorch_definition(reduction, weighted, shape):
    logp = _log_softmax(rng.normal(size=(*shape, 4)))
    t = rng.integers(0, 4, size=shape)
    t.reshape(-1)[1] = -100  # ignored
    weight = rng.uniform(0.5, 2.0, size=4) if weighted else None
    want = _nll_reference(logp, t, weight, -100, reduction)
    got = F.nll_loss(logp, t, weight=weight, reduction=reduction)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    module = nn.NLLLoss(weight=weight, reduction=reduction)
    np.testing.assert_allclose(module(logp, t), want, rtol=1e-12)
    assert gradcheck(lambda x: F.nll_loss(x, t, weight=weight, reduction=reduction), logp)


def test_nll_of_log_softmax_equals_the_fused_cross_entropy():
    logits = rng.normal(size=(5, 3))
    t = np.array([0, 2, 1, 2, -100])
    weight = np.array([1.0, 0.5, 2.0])
    a = ag.tensor(logits, requires_grad=True)
    b = ag.tensor(logits, requires_grad=True)
    la = F.nll_loss(F.log_softmax(a), t, weight=weight)
    lb = F.cross_entropy(b, t, weight=weight)
    np.testing.assert_allclose(la.data, lb.data, rtol=1e-12)
    la.backward()
    lb.backward()
    np.testing.assert_allclose(a.grad.data, b.grad.data, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose(nn.CrossEntropyLoss(weight=weight)(logits, t), lb.data, rtol=1e-12)


def test_nll_loss_errors():
    logp = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"nll_loss: target shape \(3,\) does not fit input"):
        F.nll_loss(logp, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="nll_loss: target must hold integer class indices"):
        F.nll_loss(logp, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"nll_loss: target holds 3, outside the 3 classes"):
        F.nll_loss(logp, np.array([0, 3]))
    with pytest.raises(
        ValueError, match=r"nll_loss: weight must be non-negative with shape \(3,\)"
    ):
        F.nll_loss(logp, np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match=r"nll_loss: weight must be non-negative"):
        F.nll_loss(logp, np.array([0, 1]), weight=np.array([1.0, -1.0, 1.0]))
    with pytest.raises(RuntimeError, match="nll_loss: weight requires grad"):
        F.nll_loss(logp, np.array([0, 1]), weight=ag.tensor(np.ones(3), requires_grad=True))


# ------------------------------------------------------------------------------- fused losses


def test_cross_entropy_forwards_its_options_to_the_fused_op():
    logits = rng.normal(size=(4, 3))
    t = np.array([0, 1, 2, 1])
    smooth = 0.1
    q = np.full((4, 3), smooth / 3)
    q[np.arange(4), t] += 1 - smooth
    want = -(q * _log_softmax(logits)).sum(axis=1).mean()
    x = ag.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, t, label_smoothing=smooth)
    np.testing.assert_allclose(loss.data, want, rtol=1e-12)
    assert loss.op.name == "softmax_cross_entropy"
    summed = nn.CrossEntropyLoss(reduction="sum", label_smoothing=smooth)(logits, t)
    np.testing.assert_allclose(summed, want * 4, rtol=1e-12)


def test_binary_cross_entropy_with_logits():
    x, t = rng.normal(size=(3, 2)), rng.uniform(size=(3, 2))
    pos_weight = np.array([1.0, 3.0])
    p = 1 / (1 + np.exp(-x))
    want = -(pos_weight * t * np.log(p) + (1 - t) * np.log(1 - p))
    got = F.binary_cross_entropy_with_logits(x, t, reduction="none", pos_weight=pos_weight)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    module = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    np.testing.assert_allclose(module(x, t), want.mean(), rtol=1e-10)
    assert list(module.state_dict()) == ["pos_weight"]
    xt = ag.tensor(x, requires_grad=True)
    assert F.binary_cross_entropy_with_logits(xt, t).op.name == "sigmoid_binary_cross_entropy"


def test_binary_cross_entropy_with_logits_weight_rescales_each_element_as_pytorch():
    x, t = rng.normal(size=(3, 2)), rng.uniform(size=(3, 2))
    weight, pos_weight = np.array([[0.5], [2.0], [1.0]]), np.array([1.0, 3.0])
    p = 1 / (1 + np.exp(-x))
    want = -weight * (pos_weight * t * np.log(p) + (1 - t) * np.log(1 - p))
    got = F.binary_cross_entropy_with_logits(x, t, weight, reduction="none", pos_weight=pos_weight)
    np.testing.assert_allclose(got, want, rtol=1e-10)
    module = nn.BCEWithLogitsLoss(weight, pos_weight=pos_weight)  # PyTorch's argument order
    np.testing.assert_allclose(module(x, t), want.mean(), rtol=1e-10)  # mean over elements
    np.testing.assert_allclose(
        nn.BCEWithLogitsLoss(weight, reduction="sum")(x, t),
        (-weight * (t * np.log(p) + (1 - t) * np.log(1 - p))).sum(),
        rtol=1e-10,
    )
    assert list(module.state_dict()) == ["weight", "pos_weight"]
    xt = ag.tensor(x, requires_grad=True)
    F.binary_cross_entropy_with_logits(xt, t, weight).backward()
    np.testing.assert_allclose(xt.grad.data, weight * (p - t) / x.size, rtol=1e-10)
    with pytest.raises(ValueError, match=r"weight of shape \(2, 2\) does not broadcast"):
        F.binary_cross_entropy_with_logits(x, t, np.ones((2, 2)))


def test_loss_weights_are_copied_constants_checked_up_front():
    x = ag.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    t = np.array([1.0, 0.0, 1.0])
    w = np.ones(3)
    loss = F.binary_cross_entropy_with_logits(x, t, w)
    w[:] = 0.0  # a later write to the caller's array must not move the gradient
    loss.backward()
    p = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(x.grad.data, (p - t) / 3, rtol=1e-12)
    crit = nn.BCEWithLogitsLoss(weight=np.ones(3))
    x.grad = None
    loss = crit(x, t)
    crit.load_state_dict({"weight": np.full(3, 5.0)})
    loss.backward()
    np.testing.assert_allclose(x.grad.data, (p - t) / 3, rtol=1e-12)
    cw = np.ones(3)
    logits = ag.tensor(np.array([[0.1, 0.2, 0.3]]), requires_grad=True)
    ce = F.cross_entropy(logits, np.array([2]), weight=cw)
    cw[:] = 7.0
    ce.backward()
    s = np.exp(logits.data) / np.exp(logits.data).sum()
    np.testing.assert_allclose(logits.grad.data, s - [0.0, 0.0, 1.0], rtol=1e-12)
    trainable = ag.tensor(np.ones(3), requires_grad=True)
    for call in (
        lambda: F.binary_cross_entropy_with_logits(x, t, trainable),
        lambda: F.binary_cross_entropy_with_logits(x, t, pos_weight=trainable),
        lambda: F.cross_entropy(logits, np.array([2]), weight=trainable),
    ):
        with pytest.raises(RuntimeError, match="not differentiable with respect to it"):
            call()
    with pytest.raises(TypeError, match="BCEWithLogitsLoss: weight must be a numeric array"):
        nn.BCEWithLogitsLoss("sum")  # type: ignore[arg-type]  # the old argument order
    with pytest.raises(TypeError, match="weight must be a numeric array, got str"):
        F.binary_cross_entropy_with_logits(x, t, "sum")


def test_loss_modules_repr_and_bad_reduction():
    assert repr(nn.MSELoss()) == "MSELoss(reduction='mean')"
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be one of"):
        nn.CrossEntropyLoss(reduction="total")


# ------------------------------------------------------------------------------- others


def test_softmax_and_log_softmax_take_dim():
    x = rng.normal(size=(2, 3))
    np.testing.assert_allclose(F.softmax(x, dim=0), np.exp(x) / np.exp(x).sum(0), rtol=1e-12)
    np.testing.assert_allclose(F.log_softmax(x), _log_softmax(x), rtol=1e-12)


def test_dropout_errors():
    with pytest.raises(ValueError, match=r"dropout: p must be in \[0, 1\], got -0.1"):
        F.dropout(np.ones(3), -0.1)
