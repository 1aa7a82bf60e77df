"""In-place writes through the API are caught: backward through an op whose inputs or output
were written after the op recorded them raises instead of returning a wrong gradient.

What is caught: ``add_``, ``sub_``, ``mul_``, ``copy_``, ``fill_``, ``zero_``, ``t[idx] = v``,
optimiser steps, ``nn.init`` and ``load_state_dict`` on parameters, and any write followed
by ``t.mark_modified()``; on leaves, intermediates and constants, for ``backward`` and
``ag.grad``, also for a second backward through a retained graph; also when the write goes
through another tensor sharing the memory (``detach()``, views from indexing or reshape).

What is not caught (see the last test): writes to ``t.data`` (or to ``np.asarray(t)``,
``t.numpy()``) with raw numpy that are not followed by ``t.mark_modified()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn, optim

MODIFIED = r"was modified in place after the op used it"

WRITES: dict[str, Callable[[ag.Tensor], Any]] = {
    "add_": lambda t: t.add_(1.0),
    "sub_": lambda t: t.sub_(np.ones(t.shape)),
    "mul_": lambda t: t.mul_(2.0),
    "copy_": lambda t: t.copy_(np.full(t.shape, 5.0)),
    "fill_": lambda t: t.fill_(3.0),
    "zero_": lambda t: t.zero_(),
    "setitem": lambda t: t.__setitem__(0, 9.0),
    "setitem with a Tensor index": lambda t: t.__setitem__(ag.tensor([1]), 9.0),
    "raw write + mark_modified": lambda t: (t.data.__setitem__(0, 9.0), t.mark_modified()),
}


def by_name(table: dict[str, Any]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("write", list(table.values()), ids=list(table))


@by_name(WRITES)
def test_writing_a_constant_an_op_saved_makes_backward_raise(write):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    loss = (x * c).sum()  # multiply saved c for x's gradient
    write(c)
    with pytest.raises(
        RuntimeError, match=rf"the input 1 of 'multiply' \(shape \(2,\)\) {MODIFIED}"
    ):
        loss.backward()
    assert x.grad is None  # raised before any gradient was delivered


@by_name(WRITES)
def test_writing_a_leaf_under_no_grad_makes_backward_and_ag_grad_raise(write):
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = ag.sin(w).sum()  # sin's backward reads its input
    with ag.no_grad():
        write(w)
    with pytest.raises(RuntimeError, match=rf"the input 0 of 'sin' \(shape \(2,\)\) {MODIFIED}"):
        ag.grad(loss, w, retain_graph=True)
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    assert w.grad is None


def test_writing_an_intermediate_makes_backward_raise_naming_its_producer_or_consumer():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = ag.exp(x)  # exp's backward uses its output h
    loss = (h * 3.0).sum()
    with ag.no_grad():
        h.mul_(2.0)
    with pytest.raises(
        RuntimeError, match=rf"the (output of 'exp'|input 0 of 'multiply') .*{MODIFIED}"
    ):
        loss.backward()


def test_the_message_says_what_to_do():
    c = ag.tensor([1.0])
    loss = (ag.tensor([2.0], requires_grad=True) * c).sum()
    c.add_(1.0)
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    assert "gradient would be wrong" in str(info.value)
    assert "Run backward first, or work on a copy" in str(info.value)


def test_second_backward_through_a_retained_graph_after_a_write_raises_and_keeps_the_first():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    loss = (x * c).sum()
    loss.backward(retain_graph=True)
    c.add_(1.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 4.0])


def test_no_false_positive_when_the_write_comes_after_backward():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    (x * c).sum().backward()
    c.mul_(2.0)
    with ag.no_grad():
        x.sub_(x.grad.data * 0.5)
    (x * c).sum().backward()  # a new graph built from the new values
    np.testing.assert_array_equal(x.grad.data, [3.0 + 6.0, 4.0 + 8.0])


def test_no_false_positive_for_writes_to_tensors_outside_the_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    c.add_(1.0)  # before the op used it
    loss = (x * c).sum()
    other = ag.tensor([0.0])
    for _ in range(3):
        other.add_(1.0)  # unrelated tensors: the clock ticks, these tensors' versions do not
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 5.0])


def test_in_place_methods_compute_in_place_and_keep_the_dtype():
    t = ag.tensor(np.array([1.0, 2.0], np.float32))
    data = t.data
    assert t.add_(np.array([1.0, 1.0])) is t  # float64 operand, float32 result
    t.mul_(3.0).sub_(1.0)
    assert t.data is data and t.dtype == np.float32
    np.testing.assert_array_equal(t.data, [5.0, 8.0])
    t.copy_(7.0)
    np.testing.assert_array_equal(t.data, [7.0, 7.0])
    t[1] = ag.tensor(2.0)
    np.testing.assert_array_equal(t.fill_(1.5).data, [1.5, 1.5])
    assert t.zero_().data.tolist() == [0.0, 0.0]


# --------------------------------------------------------------------------- nn and optim

PARAMETER_WRITES: dict[str, Callable[[nn.Linear], Any]] = {
    "SGD": lambda m: optim.SGD(m.parameters(), lr=0.1).step(),
    "SGD momentum": lambda m: optim.SGD(m.parameters(), lr=0.1, momentum=0.9).step(),
    "Adam": lambda m: optim.Adam(m.parameters()).step(),
    "AdamW": lambda m: optim.AdamW(m.parameters()).step(),
    "RMSprop": lambda m: optim.RMSprop(m.parameters()).step(),
    "Adagrad": lambda m: optim.Adagrad(m.parameters()).step(),
    "nn.init": lambda m: nn.init.uniform_(m.weight, -1.0, 1.0, rng=0),
    "load_state_dict": lambda m: m.load_state_dict(nn.Linear(3, 2, rng=5).state_dict()),
}


@by_name(PARAMETER_WRITES)
def test_updating_a_parameter_still_in_a_live_graph_makes_backward_raise(write):
    model = nn.Linear(3, 2, rng=0)
    x = np.ones((4, 3), np.float32)
    first = model(x).sum()
    first.backward(retain_graph=True)  # gives the parameters a gradient for the step
    second = ag.tanh(model(x)).sum()  # a graph that saved the current weights
    write(model)
    with pytest.raises(RuntimeError, match=MODIFIED):
        second.backward()
    with pytest.raises(RuntimeError, match=MODIFIED):
        first.backward()


def test_a_training_loop_sees_no_false_positive():
    model = nn.Sequential(nn.Linear(2, 4, rng=0), nn.Tanh(), nn.Linear(4, 2, rng=1))
    opt = optim.Adam(model.parameters(), lr=0.05)
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
    y = np.array([0, 1, 1, 0])
    losses = []
    for _ in range(30):
        opt.zero_grad()
        loss = ag.softmax_cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


ALIAS_WRITES: dict[str, Callable[[ag.Tensor], Any]] = {
    "detach().add_": lambda t: t.detach().add_(1.0),
    "view from basic indexing": lambda t: t[:].mul_(2.0),
    "reshape": lambda t: t.reshape(-1).fill_(0.0),
}


@by_name(ALIAS_WRITES)
def test_writes_through_a_tensor_sharing_memory_are_caught(write):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    loss = (x * c).sum()
    with ag.no_grad():
        write(c)
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


def test_writing_the_base_of_a_view_an_op_saved_is_caught():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    base = ag.tensor([3.0, 4.0, 5.0])
    loss = (x * base[1:]).sum()  # multiply saved a view of base
    base[2] = 0.0  # an element the view shows
    with pytest.raises(RuntimeError, match=MODIFIED):
        loss.backward()


# --------------------------------------------------------------------------- not caught


def test_raw_numpy_writes_to_data_are_not_caught_and_give_a_stale_gradient():
    """Documents the limit: ``t.data[...] = v`` without ``t.mark_modified()`` is invisible.

    The engine cannot see writes that bypass the API, so backward silently uses the new
    values. Call ``t.mark_modified()`` after such a write (optimisers and nn.init do).
    """
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    loss = (x * c).sum()
    c.data[...] = [10.0, 20.0]
    loss.backward()  # no error
    np.testing.assert_array_equal(x.grad.data, [10.0, 20.0])  # not the [3, 4] it should be


def test_writing_a_value_the_backward_does_not_read_is_not_an_error():
    """Like PyTorch: tanh's backward reads only its output and add's reads nothing, so writing
    their inputs after the forward leaves the gradients right, and backward goes ahead."""
    w = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    b = ag.tensor([0.5, 0.5])
    loss = (ag.tanh(w) + b).sum()
    with ag.no_grad():
        w.add_(1.0)
        b.mul_(3.0)
    loss.backward()
    np.testing.assert_allclose(w.grad.data, 1 - np.tanh([1.0, 2.0]) ** 2)
