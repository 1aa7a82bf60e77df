"""Regressions for defects found in review of nn: each failed before its fix."""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F


def test_cross_entropy_takes_probability_targets_with_the_default_ignore_index():
    x = np.array([[1.0, 2.0, 3.0]])
    p = np.array([[0.2, 0.3, 0.5]])
    logp = x - np.log(np.exp(x).sum())
    expected = -(p * logp).sum()
    assert F.cross_entropy(ag.tensor(x), p).item() == pytest.approx(expected, rel=1e-12)
    assert nn.CrossEntropyLoss()(ag.tensor(x), p).item() == pytest.approx(expected, rel=1e-12)


def test_nll_loss_with_every_label_ignored_gives_zero_gradients():
    x = ag.tensor(np.zeros((2, 3)), requires_grad=True)
    loss = F.nll_loss(x, np.array([-100, -100]))
    loss.backward()
    assert np.isnan(loss.item())  # as PyTorch: mean over no samples
    np.testing.assert_array_equal(x.grad.data, np.zeros((2, 3)))


@pytest.mark.parametrize("args", [(5,), (1, 5), (-6,)])
def test_flatten_refuses_dimensions_out_of_range(args):
    with pytest.raises((ValueError, IndexError), match="[Ff]latten"):
        nn.Flatten(*args)(ag.tensor(np.ones((2, 3, 4, 5))))


def test_max_pool_sends_the_gradient_to_a_nan_in_its_window():
    x = ag.tensor(np.array([[[[1.0, np.nan], [0.0, 2.0]]]]), requires_grad=True)
    y = nn.MaxPool2d(2)(x)
    y.sum().backward()
    assert np.isnan(y.item())
    np.testing.assert_array_equal(x.grad.data.reshape(-1), [0.0, 1.0, 0.0, 0.0])


def test_avg_pool_matches_a_direct_window_mean():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 7, 6))
    y = nn.AvgPool2d(3, stride=2)(ag.tensor(x)).data
    expected = np.array(
        [[[[x[n, c, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3].mean() for j in range(2)]
           for i in range(3)] for c in range(3)] for n in range(2)]
    )  # fmt: skip
    np.testing.assert_allclose(y, expected, rtol=1e-12)


def test_a_parameter_registered_over_a_buffer_replaces_it():
    m = nn.Module()
    m.register_buffer("a", np.zeros(2))
    m.register_parameter("a", nn.Parameter(np.ones(3)))
    state = m.state_dict()
    assert list(state) == ["a"] and state["a"].shape == (3,)
