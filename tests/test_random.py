"""One global generator (ag.manual_seed) behind init, dropout, shuffling and ag.rand*;
ag.Generator streams; generator= and rng= arguments."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import data, nn
from autograd_lite.nn import functional as F
from autograd_lite.nn import init


def run(seed):
    """Everything random in a small training run, drawn after one manual_seed."""
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2))
    X, y = np.arange(30.0).reshape(10, 3), np.arange(10) % 2
    order = [yb.tolist() for _, yb in data.DataLoader((X, y), batch_size=3, shuffle=True)]
    out = model(ag.tensor(X[:4]))
    mask = F.dropout(np.ones(8), 0.5)
    draws = (ag.rand(2), ag.randn(2), ag.randint(0, 100, (3,)), ag.randperm(5))
    parts = (
        data.random_split((X,), [5, 5])[0].indices,
        data.spiral(5)[0],
        data.five_clusters(2)[0],
    )
    return [p.data.copy() for p in model.parameters()], order, out.data, mask, draws, parts


def assert_same(a, b):
    if isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        np.testing.assert_array_equal(ag.value(a), ag.value(b))


def test_one_seed_makes_a_whole_run_reproducible():
    assert_same(run(0), run(0))
    with pytest.raises(AssertionError):
        assert_same(run(0), run(1))


def test_seed_is_the_stream_of_numpy_default_rng():
    ag.manual_seed(7)
    expected = np.random.default_rng(7)
    np.testing.assert_array_equal(ag.rand(5, dtype=np.float64).data, expected.random(5))
    np.testing.assert_array_equal(ag.randn(3, dtype=np.float64).data, expected.standard_normal(3))
    assert ag.initial_seed() == 7


def test_modules_made_before_the_seed_follow_it():
    drop = nn.Dropout(0.5)  # holds the global generator, which manual_seed reseeds in place
    ag.manual_seed(3)
    a = drop(np.ones(20))
    ag.manual_seed(3)
    b = drop(np.ones(20))
    np.testing.assert_array_equal(a.data, b.data)
    twin = copy.deepcopy(drop)  # a copied module still draws from the global stream
    ag.manual_seed(3)
    np.testing.assert_array_equal(twin(np.ones(20)).data, a.data)


def test_rng_arguments_keep_their_own_streams():
    ag.manual_seed(0)
    first = ag.rand(3).data
    ag.manual_seed(0)
    ag.randn(4, rng=1)  # an explicit seed: a stream of its own, the global one untouched
    nn.Linear(2, 2, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(ag.rand(3).data, first)
    a, b = nn.Linear(3, 2, rng=4), nn.Linear(3, 2, rng=4)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)


def test_generator_objects_as_pytorch():
    g = ag.Generator()
    assert g.initial_seed() == 67280421310721 and g.device == "cpu"
    assert g.manual_seed(5) is g and g.initial_seed() == 5
    a = ag.rand(4, generator=g).data
    np.testing.assert_array_equal(ag.rand(4, generator=ag.Generator().manual_seed(5)).data, a)
    assert isinstance(g, np.random.Generator)  # usable wherever numpy's is: rng=g
    w1 = init.normal_(ag.zeros(2, 3), generator=ag.Generator().manual_seed(1)).data
    w2 = init.normal_(ag.zeros(2, 3), rng=ag.Generator().manual_seed(1)).data
    np.testing.assert_array_equal(w1, w2)
    with pytest.raises(TypeError, match="uniform_: pass generator= or rng=, not both"):
        init.uniform_(ag.zeros(2), generator=g, rng=0)
    with pytest.raises(ValueError, match="device='cpu'"):
        ag.Generator("cuda")


def test_state_round_trips_and_copies_are_independent():
    g = ag.Generator().manual_seed(11)
    g.random(3)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.shape == (40,)
    expected = g.random(5)
    np.testing.assert_array_equal(g.set_state(state).random(5), expected)
    g.set_state(state)
    for twin in (copy.deepcopy(g), pickle.loads(pickle.dumps(g))):
        assert type(twin) is ag.Generator and twin is not g and twin.initial_seed() == 11
        np.testing.assert_array_equal(twin.random(5), expected)
    np.testing.assert_array_equal(g.random(5), expected)  # the copies did not advance g
    saved = ag.get_rng_state()
    a = ag.randn(3).data
    ag.set_rng_state(saved)
    np.testing.assert_array_equal(ag.randn(3).data, a)
    assert copy.deepcopy(ag.default_generator) is ag.default_generator


def test_seed_and_bad_seeds():
    s = ag.seed()
    assert ag.initial_seed() == s and 0 <= s < 2**64
    ag.manual_seed(-1)  # wraps around, as PyTorch
    assert ag.initial_seed() == 2**64 - 1
    with pytest.raises(TypeError, match="manual_seed: seed must be an int, got float 1.5"):
        ag.manual_seed(1.5)
    with pytest.raises(ValueError, match="manual_seed: seed must be in"):
        ag.manual_seed(2**64)
    with pytest.raises(ValueError, match="set_state: expected the uint8 tensor of shape"):
        ag.set_rng_state(np.zeros(3))


def test_rand_stays_below_one_in_float16():
    g = ag.Generator().manual_seed(0)
    x = ag.rand(100_000, generator=g, dtype=np.float16).data
    assert x.dtype == np.float16 and x.max() < 1.0 and x.min() >= 0.0
