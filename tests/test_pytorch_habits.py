"""The core's behaviour where PyTorch users have habits (the core package's changes for issue
13): requires_grad only on floating tensors and never switched off inside a graph, backward's
``gradient=`` and ``inputs=``, ag.grad's ``grad_outputs=``, ``t += x`` in place, ``add_(alpha=)``,
``div_`` and the callable ``x.size``.

Each test says what the core did before these changes (commit ff8db67), which the test refuses.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag


def f32(*values):
    return np.array(values, np.float32)


# --------------------------------------------------------------------------- requires_grad


def test_an_integer_tensor_cannot_be_set_to_require_grad():
    # Before: the flag was set, and backward later failed or gave integer gradients.
    t = ag.tensor([1, 2])
    with pytest.raises(TypeError, match=r"requires_grad: only floating-point tensors can require"):
        t.requires_grad = True
    with pytest.raises(TypeError, match=r"only floating-point tensors can require gradients"):
        t.requires_grad_()
    assert not t.requires_grad  # refused before any change
    t.requires_grad = False  # (switching it off is always fine)


def test_a_computed_tensor_cannot_stop_requiring_grad():
    # Before: the flag went off silently and the gradients through it were lost.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"requires_grad: a tensor computed by an op cannot"):
        y.requires_grad = False
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, f32(2, 2))
    x.requires_grad = False  # a leaf may
    assert not x.requires_grad


# --------------------------------------------------------------------------- backward and grad


def test_grad_of_a_non_scalar_output_asks_for_grad_outputs():
    # Before: the message said "pass grad=", which is backward's old keyword, not ag.grad's.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"pass grad_outputs= \(an array of shape \(2,\)\)") as e:
        ag.grad(x * 2, x)
    assert "grad=" not in str(e.value).replace("grad_outputs=", "")
    (g,) = ag.grad(x * 2, x, grad_outputs=np.array([1.0, 3.0]))
    np.testing.assert_array_equal(g.data, f32(2, 6))


def test_backward_with_inputs_fills_only_their_grad():
    # Before: backward() took no inputs= (TypeError).
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w * w).sum()
    y.backward(inputs=[w])
    assert x.grad is None
    np.testing.assert_array_equal(w.grad.data, f32(6, 16))  # 2 x w


def test_backward_with_a_non_leaf_input_fills_its_grad_as_pytorch():
    # Before: no inputs= (TypeError). As PyTorch: a non-leaf input gets .grad, nothing below it.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    h = x * w
    (h * h).sum().backward(inputs=[h])
    np.testing.assert_array_equal(h.grad.data, f32(6, 16))  # 2 h
    assert x.grad is None and w.grad is None


def test_grad_of_a_non_leaf_input_above_another_input():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    h = x * w
    gw, gh = ag.grad((h * h).sum(), [w, h])
    np.testing.assert_array_equal(gw.data, f32(6, 32))  # 2 h x
    np.testing.assert_array_equal(gh.data, f32(6, 16))  # 2 h


def test_backward_takes_gradient_and_its_old_name_grad_but_not_both():
    # Before: gradient= (PyTorch's name) was a TypeError; grad= was the only spelling.
    g = np.array([1.0, -2.0])
    for keyword in ("gradient", "grad"):
        x = ag.tensor([1.0, 2.0], requires_grad=True)
        (x * x).backward(**{keyword: g})
        np.testing.assert_array_equal(x.grad.data, f32(2, -8))  # 2 x g
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).backward(g)  # positional, as PyTorch's
    np.testing.assert_array_equal(x.grad.data, f32(2, -8))
    with pytest.raises(TypeError, match=r"backward: pass gradient= or grad= \(its old name\)"):
        (x * x).backward(gradient=g, grad=g)


# --------------------------------------------------------------------------- in-place writes


def test_augmented_assignment_writes_in_place():
    # Before: t += x made a new tensor and rebound t: the old object kept its values and the
    # graph that saved it could backward (with the old values, which were still there).
    t = ag.tensor([1.0, 2.0])
    same, version = t, t._version
    t += ag.tensor([10.0, 20.0])
    t -= 1
    t *= np.array([2.0, 1.0], np.float32)
    t /= 2
    assert t is same and t._version > version
    np.testing.assert_array_equal(same.data, f32(10, 21 / 2))


def test_a_graph_that_saved_a_tensor_refuses_backward_after_augmented_assignment():
    # Before: t += 1 rebound t, so the saved tensor was untouched and backward ran.
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    t = ag.tensor([3.0, 4.0])
    y = w * t  # w's gradient needs t
    t += 1
    with pytest.raises(RuntimeError, match=r"backward: the input 1 of 'multiply' .* modified in"):
        y.sum().backward()


def test_augmented_assignment_on_a_leaf_that_requires_grad():
    # Before: w += 1 silently made w a computed tensor (no longer a leaf, its .grad never
    # filled), the classic bug of a hand-written update outside no_grad.
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\+=: a leaf tensor that requires grad cannot be ch"):
        w += 1
    assert w.is_leaf
    np.testing.assert_array_equal(w.data, f32(1, 2))  # refused before any change
    same = w
    with ag.no_grad():  # a parameter update: in place
        w += 1
    assert w is same and w.is_leaf
    np.testing.assert_array_equal(w.data, f32(2, 3))


def test_augmented_assignment_on_a_computed_tensor_that_requires_grad_makes_a_new_one():
    # Unchanged from before, and the edge of the in-place rule: this engine does not
    # differentiate in-place writes, so h += ... on a tensor of the graph rebinds h to a new
    # tensor (PyTorch writes in place and records it); values and gradients are PyTorch's. It
    # fails if the in-place path above took over computed tensors.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    before = h
    h += x * x
    assert h is not before
    np.testing.assert_array_equal(before.data, f32(3, 6))
    np.testing.assert_array_equal(h.data, f32(4, 10))
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.data, f32(5, 7))  # 3 + 2 x


def test_augmented_assignment_of_a_value_that_requires_grad_sums_differentiably():
    # Before this branch (with the core's in-place +=): "+=: the value requires grad, and
    # writing it into a tensor in place would drop its gradient", for PyTorch's common
    # `total = torch.zeros(()); total += loss`. Now total is rebound to the differentiable sum.
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    total = ag.zeros(2)
    start = total
    for k in range(1, 4):
        total += x * k
    np.testing.assert_array_equal(start.data, f32(0, 0))
    np.testing.assert_array_equal(total.data, f32(6, 12))
    total.sum().backward()
    np.testing.assert_array_equal(x.grad.data, f32(6, 6))  # 1 + 2 + 3
    with ag.no_grad():  # no graph: in place
        total += x
    np.testing.assert_array_equal(total.data, f32(7, 14))


def test_add_with_alpha_and_div_in_place():
    # Before: add_ took no alpha= (TypeError) and div_ did not exist.
    t = ag.tensor([1.0, 2.0])
    assert t.add_(ag.tensor([1.0, 3.0]), alpha=2) is t
    np.testing.assert_array_equal(t.data, f32(3, 8))
    assert t.div_(2) is t
    np.testing.assert_array_equal(t.data, f32(1.5, 4))
    p = ag.tensor([1.0, 2.0], requires_grad=True)
    p.grad = ag.tensor([0.5, 1.0])
    with pytest.raises(RuntimeError, match=r"add_: in-place change of a tensor that requires g"):
        p.add_(p.grad, alpha=-0.1)
    with ag.no_grad():  # SGD's update, as PyTorch code writes it
        p.add_(p.grad, alpha=-0.1)
    np.testing.assert_allclose(p.data, f32(0.95, 1.9))


# --------------------------------------------------------------------------- x.size


def test_size_is_numpys_count_and_pytorchs_method():
    # Before: x.size was numpy's int only; x.size() was "'int' object is not callable".
    x = ag.tensor(np.zeros((2, 3, 4)))
    assert x.size() == (2, 3, 4)
    assert x.size(0) == 2 and x.size(-1) == 4 and x.size(dim=1) == 3
    assert x.size == x.data.size == 24 and x.size * 2 == 48
    with pytest.raises(IndexError, match=r"size: dimension 5 is out of range for a tensor of"):
        x.size(5)
    with pytest.raises(IndexError, match=r"dimension -4 is out of range"):
        x.size(-4)
