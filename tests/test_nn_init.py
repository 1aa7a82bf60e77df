"""nn.init: PyTorch's formulas for bounds and standard deviations, in place, seedable."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.nn import init


def _weight(shape=(400, 300, 2, 2), dtype=np.float32):
    return ag.tensor(np.zeros(shape, dtype=dtype), requires_grad=True)


@pytest.mark.parametrize(
    ("nonlinearity", "param", "gain"),
    [
        ("linear", None, 1.0),
        ("conv2d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5.0 / 3.0),
        ("relu", None, math.sqrt(2.0)),
        ("leaky_relu", None, math.sqrt(2.0 / (1 + 0.01**2))),
        ("leaky_relu", math.sqrt(5), math.sqrt(2.0 / 6.0)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain(nonlinearity, param, gain):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


def test_calculate_gain_rejects_unknown_nonlinearity():
    with pytest.raises(ValueError, match="calculate_gain: unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def _check_uniform(w, bound):
    data = w.data
    assert np.abs(data).max() <= bound
    assert np.abs(data).max() > 0.99 * bound
    assert data.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)


def test_uniform_bounds_follow_the_formulas():
    fan_in, fan_out = 300 * 4, 400 * 4
    w = _weight()
    init.xavier_uniform_(w, gain=2.0, rng=0)
    _check_uniform(w, 2.0 * math.sqrt(6.0 / (fan_in + fan_out)))
    init.kaiming_uniform_(w, rng=0)  # leaky_relu with slope 0: gain sqrt(2)
    _check_uniform(w, math.sqrt(2.0) * math.sqrt(3.0 / fan_in))
    init.kaiming_uniform_(w, a=math.sqrt(5), rng=0)  # nn.Linear's default: 1 / sqrt(fan_in)
    _check_uniform(w, 1.0 / math.sqrt(fan_in))
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu", rng=0)
    _check_uniform(w, math.sqrt(2.0) * math.sqrt(3.0 / fan_out))
    init.uniform_(w, -0.5, 0.25, rng=0)
    assert w.data.min() >= -0.5 and w.data.max() <= 0.25
    assert w.data.mean() == pytest.approx(-0.125, abs=0.002)


def test_normal_stds_follow_the_formulas():
    fan_in, fan_out = 300 * 4, 400 * 4
    w = _weight()
    init.xavier_normal_(w, rng=1)
    assert w.data.std() == pytest.approx(math.sqrt(2.0 / (fan_in + fan_out)), rel=0.01)
    init.kaiming_normal_(w, nonlinearity="relu", rng=1)
    assert w.data.std() == pytest.approx(math.sqrt(2.0 / fan_in), rel=0.01)
    init.normal_(w, mean=3.0, std=0.5, rng=1)
    assert w.data.mean() == pytest.approx(3.0, abs=0.005)
    assert w.data.std() == pytest.approx(0.5, rel=0.01)


def test_fills_work_in_place_keep_dtype_and_build_no_graph():
    w = _weight((3, 4))
    array = w.data
    version = w._version
    assert init.constant_(w, 2.5) is w
    assert w.data is array and w.dtype == np.float32
    assert np.all(w.data == 2.5) and w.op is None and w.grad is None
    assert w._version > version  # marked as modified in place
    init.ones_(w)
    assert np.all(w.data == 1.0)
    init.zeros_(w)
    assert np.all(w.data == 0.0)


def test_seeds_and_generators_make_results_reproducible():
    a, b, c = _weight((5, 5)), _weight((5, 5)), _weight((5, 5))
    init.normal_(a, rng=3)
    init.normal_(b, rng=np.random.default_rng(3))
    init.normal_(c, rng=4)
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)


def test_fan_based_initialisers_need_two_dimensions():
    with pytest.raises(ValueError, match=r"xavier_uniform_: .* at least 2 dimensions, got shape"):
        init.xavier_uniform_(_weight((5,)))
    with pytest.raises(ValueError, match="kaiming_normal_: mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(_weight((5, 5)), mode="fan")
