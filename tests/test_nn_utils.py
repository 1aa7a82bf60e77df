"""Gradient clipping: clip_grad_norm_ and clip_grad_value_."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn.utils import clip_grad_norm_, clip_grad_value_


def _params_with_grads(*grads):
    params = []
    for g in grads:
        p = ag.tensor(np.zeros_like(g), requires_grad=True)
        p.grad = ag.tensor(np.array(g, dtype=p.dtype))
        params.append(p)
    return params


def test_clip_grad_norm_scales_all_gradients_together():
    g1, g2 = np.array([3.0, 0.0]), np.array([[0.0], [4.0]], dtype=np.float32)
    params = _params_with_grads(g1, g2)
    params.append(ag.tensor(np.zeros(2), requires_grad=True))  # no gradient: skipped
    total = clip_grad_norm_(params, max_norm=2.0)
    assert total == pytest.approx(5.0)
    coef = 2.0 / (5.0 + 1e-6)
    np.testing.assert_allclose(params[0].grad.data, g1 * coef, rtol=1e-12)
    np.testing.assert_allclose(params[1].grad.data, g2 * coef, rtol=1e-6)
    assert params[1].grad.dtype == np.float32
    assert params[2].grad is None


def test_clip_grad_norm_leaves_small_gradients_alone_and_supports_other_norms():
    g = np.array([1.0, -2.0, 2.0])
    (p,) = _params_with_grads(g)
    assert clip_grad_norm_(p, max_norm=10.0) == pytest.approx(3.0)
    np.testing.assert_array_equal(p.grad.data, g)
    assert clip_grad_norm_(p, max_norm=10.0, norm_type=1) == pytest.approx(5.0)
    assert clip_grad_norm_([p], max_norm=1.0, norm_type=math.inf) == pytest.approx(2.0)
    np.testing.assert_allclose(p.grad.data, g / (2.0 + 1e-6), rtol=1e-12)
    assert clip_grad_norm_([], max_norm=1.0) == 0.0


def test_clip_grad_norm_non_finite():
    (p,) = _params_with_grads(np.array([np.inf, 1.0]))
    with pytest.raises(RuntimeError, match="clip_grad_norm_: the total norm of order 2.0"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    with np.errstate(invalid="ignore"):  # inf * 0, as in PyTorch
        assert clip_grad_norm_([p], 1.0) == math.inf
    assert np.isnan(p.grad.data[0]) and p.grad.data[1] == 0.0


def test_clip_grad_value_clips_elementwise_in_place():
    g = np.array([[-3.0, 0.25], [0.5, 7.0]])
    (p,) = _params_with_grads(g)
    array = p.grad.data
    clip_grad_value_([p], 0.5)
    assert p.grad.data is array
    np.testing.assert_array_equal(p.grad.data, np.clip(g, -0.5, 0.5))


def _module_zero_grad_in_place(w):
    model = ag.nn.Module()
    model.w = ag.nn.Parameter(np.zeros(2))
    model.w.grad = w.grad  # the module's parameter shares the gradient tensor
    model.zero_grad(set_to_none=False)


@pytest.mark.parametrize(
    "write",
    [
        lambda w: clip_grad_norm_([w], 1.0),
        lambda w: clip_grad_value_([w], 1.0),
        lambda w: ag.optim.SGD([w], lr=0.1).zero_grad(set_to_none=False),
        _module_zero_grad_in_place,
    ],
    ids=["clip_grad_norm_", "clip_grad_value_", "optimizer zero_grad", "module zero_grad"],
)
def test_writes_into_grad_are_seen_by_a_graph_that_read_it(write):
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    (w * w).sum().backward()  # w.grad = [6, 8]
    v = ag.tensor([1.0, 1.0], requires_grad=True)
    y = (v * w.grad).sum()  # v's gradient is w.grad's values
    write(w)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()
