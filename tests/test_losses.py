"""The fused losses against naive formulas and PyTorch's documented definitions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _onehot(labels, classes):
    return np.eye(classes)[labels]


@given(n=st.integers(1, 6), c=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot_over_n(n, c, seed):
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((n, c)) * 3, requires_grad=True)
    labels = rng.integers(0, c, n)
    loss = ag.softmax_cross_entropy(x, labels)
    loss.backward()
    np.testing.assert_allclose(
        x.grad.data, (_softmax(x.data) - _onehot(labels, c)) / n, rtol=0, atol=1e-12
    )
    # (in extended precision: in float64, -log(p) of a p within 1e-7 of 1 keeps only ~9 digits)
    naive = -np.log(_softmax(x.data.astype(np.longdouble))[np.arange(n), labels]).mean()
    np.testing.assert_allclose(loss.item(), float(naive), rtol=1e-12)
    assert len(_graph_ops(loss)) == 1  # one op node


def _graph_ops(t):
    return [t.op] if t.op is not None else []


def test_probability_targets_match_the_naive_formula_and_gradient():
    rng = np.random.default_rng(1)
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    t = _softmax(rng.standard_normal((4, 3)))
    loss = ag.softmax_cross_entropy(x, t)
    loss.backward()
    p = _softmax(x.data)
    np.testing.assert_allclose(loss.item(), -(t * np.log(p)).sum() / 4, rtol=1e-12)
    np.testing.assert_allclose(x.grad.data, (p - t) / 4, atol=1e-12)


def test_weights_smoothing_and_ignore_index_follow_pytorch_definitions():
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.standard_normal((6, 4)), requires_grad=True)
    labels = np.array([0, 3, 1, -100, 2, 3])
    w = np.array([1.0, 2.0, 0.5, 3.0])
    eps = 0.1
    loss = ag.softmax_cross_entropy(x, labels, weight=w, label_smoothing=eps, ignore_index=-100)
    logp = np.log(_softmax(x.data))
    keep = labels != -100
    lab = labels[keep]
    nll = -(w[lab] * logp[keep][np.arange(len(lab)), lab]).sum() / w[lab].sum()
    smooth = -(logp[keep] * w).sum() / w[lab].sum()
    expected = (1 - eps) * nll + eps / 4 * smooth
    np.testing.assert_allclose(loss.item(), expected, rtol=1e-12)
    loss.backward()
    assert np.all(x.grad.data[~keep] == 0)


def test_reduction_none_and_class_axis_not_last():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5))  # classes on axis 1
    labels = rng.integers(0, 3, (2, 5))
    xt = ag.tensor(x, requires_grad=True)
    per = ag.softmax_cross_entropy(xt, labels, axis=1, reduction="none")
    assert per.shape == (2, 5)
    logp = np.log(_softmax(x, axis=1))
    expected = -np.take_along_axis(logp, labels[:, None, :], axis=1)[:, 0, :]
    np.testing.assert_allclose(per.data, expected, rtol=1e-12)
    per.sum().backward()
    onehot = np.moveaxis(np.eye(3)[labels], -1, 1)
    np.testing.assert_allclose(xt.grad.data, _softmax(x, axis=1) - onehot, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_are_finite_for_huge_logits(dtype):
    x = ag.tensor(np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype), requires_grad=True)
    loss = ag.softmax_cross_entropy(x, np.array([1, 2]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(x.grad.data))
    np.testing.assert_allclose(loss.item(), 2e4 / 2, rtol=1e-6)
    z = ag.tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype), requires_grad=True)
    bce = ag.sigmoid_binary_cross_entropy(z, np.array([1.0, 0.0, 0.0, 1.0]))
    bce.backward()
    np.testing.assert_allclose(bce.item(), 2e4 / 4, rtol=1e-6)
    np.testing.assert_allclose(z.grad.data, np.array([0, 0, 1, -1]) / 4, atol=1e-7)
    assert bce.dtype == dtype and z.grad.dtype == dtype


def test_bce_matches_naive_formula_and_pos_weight():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((5, 3))
    t = rng.random((5, 3))
    pw = np.array([1.0, 2.0, 0.5])
    xt = ag.tensor(x, requires_grad=True)
    loss = ag.sigmoid_binary_cross_entropy(xt, t, pos_weight=pw)
    s = 1 / (1 + np.exp(-x))
    naive = -(pw * t * np.log(s) + (1 - t) * np.log(1 - s)).mean()
    np.testing.assert_allclose(loss.item(), naive, rtol=1e-12)
    loss.backward()
    np.testing.assert_allclose(xt.grad.data, ((1 + (pw - 1) * t) * s - pw * t) / 15, atol=1e-14)


@pytest.mark.parametrize(
    "logits, target, kwargs, message",
    [
        (np.zeros((2, 3)), np.array([0, 3]), {}, r"labels must be in \[0, 3\).*got 3"),
        (np.zeros((2, 3)), np.array([[0, 1]]), {}, r"without the class axis, \(2,\)"),
        (np.zeros((2, 3)), np.array([0.5, 0.5]), {}, r"probability targets must have the logits'"),
        (np.zeros((2, 3)), -np.ones((2, 3)), {}, "must be non-negative"),
        (np.zeros((2, 3)), np.array([True, False]), {}, "integer class indices or floating"),
        (np.zeros((2, 3)), np.array([0, 1]), {"reduction": "avg"}, "reduction must be one of"),
        (np.zeros((2, 3)), np.array([0, 1]), {"weight": np.ones(2)}, r"shape \(3,\)"),
        (np.zeros((2, 3), int), np.array([0, 1]), {}, "logits must be floating point"),
    ],
)
def test_cross_entropy_bad_inputs_get_clear_errors(logits, target, kwargs, message):
    x = ag.Tensor(logits, requires_grad=logits.dtype.kind == "f")
    with pytest.raises((ValueError, TypeError), match=message):
        ag.softmax_cross_entropy(x, target, **kwargs)
