"""ag.autograd.Function (PyTorch-style custom ops on the engine's Op), ag.autograd.backward,
inference_mode and HIPS-style elementwise_grad / value_and_grad."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import autograd_lite as ag
from autograd_lite.autograd import Function, once_differentiable
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags


class Clamp(Function):
    """clamp(x, lo, hi) with a hand-written backward: the gradient passes inside [lo, hi]."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.lo, ctx.hi = lo, hi
        ctx.save_for_backward(x)
        return ag.clip(x, lo, hi)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        inside = ag.where(x < ctx.lo, 0.0, ag.where(x > ctx.hi, 0.0, grad_output))
        return inside, None, None


class Exp(Function):
    """exp, saving its output: under create_graph the saved output is the graph's node."""

    @staticmethod
    def forward(ctx, x):
        y = ag.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


class SinCos(Function):
    """Two outputs."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ag.sin(x), ag.cos(x)

    @staticmethod
    def backward(ctx, g_sin, g_cos):
        (x,) = ctx.saved_tensors
        return g_sin * ag.cos(x) - g_cos * ag.sin(x)


class MulAdd(Function):
    """x * y + c, PyTorch 2's form: forward without ctx, setup_context beside it."""

    @staticmethod
    def forward(x, y, c):
        return x * y + c

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, y, _ = inputs
        ctx.save_for_backward(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, g * x, None


def clamp(x):
    return Clamp.apply(x, -0.5, 0.5)


@given(ags.tensors(domain=ags.away_from([-0.5, 0.5])))
def test_clamp_with_custom_backward_passes_gradcheck_and_gradgradcheck(x):
    assert gradcheck(clamp, x)
    assert gradgradcheck(clamp, x)
    y = clamp(x)
    assert y.op is not None and y.op.name == "Clamp"  # named in drawings and errors
    np.testing.assert_array_equal(y.data, np.clip(x.data, -0.5, 0.5))


@given(ags.tensors(domain=ags.reals(2.0)))
def test_exp_saving_its_output_is_twice_differentiable(x):
    assert gradcheck(Exp.apply, x)
    assert gradgradcheck(Exp.apply, x)


@settings(max_examples=30)
@given(ags.tensors(domain=ags.reals(2.0)))
def test_several_outputs_pass_gradcheck(x):
    assert gradcheck(SinCos.apply, x)
    assert gradgradcheck(SinCos.apply, x)


@settings(max_examples=30)
@given(ags.broadcastable_arrays(ags.reals(), ags.reals()))
def test_setup_context_form_with_broadcasting_inputs(xy):
    x, y = xy
    assert gradcheck(lambda a, b: MulAdd.apply(a, b, 1.5), x, y)
    assert gradgradcheck(lambda a, b: MulAdd.apply(a, b, 1.5), x, y)


def test_one_output_used_of_two_gets_zeros_for_the_other():
    x = ag.tensor([0.3, 1.2], dtype=np.float64, requires_grad=True)
    s, c = SinCos.apply(x)
    assert s.requires_grad and c.requires_grad
    c.sum().backward()
    np.testing.assert_allclose(x.grad.data, -np.sin(x.data))


def test_outputs_of_mixed_float_dtypes_keep_them():
    class Both(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, (x * 3).astype(np.float32)

        @staticmethod
        def backward(ctx, g2, g3):
            assert g2.dtype == np.float64 and g3.dtype == np.float32
            return g2 * 2 + g3 * 3

    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    a, b = Both.apply(x)
    assert (a.dtype, b.dtype) == (np.float64, np.float32)
    (a.sum() + b.sum()).backward()
    np.testing.assert_allclose(x.grad.data, [5.0, 5.0])


def test_non_differentiable_outputs_and_needs_input_grad():
    seen = {}

    class MaxWithIndex(Function):
        @staticmethod
        def forward(ctx, x, w, label):
            seen["needs"] = ctx.needs_input_grad
            i = ag.tensor(np.argmax(x.data, axis=-1))
            m = ag.max(x, axis=-1) * w
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, i)
            ctx.w = w
            return m, i

        @staticmethod
        def backward(ctx, g, g_index):
            x, i = ctx.saved_tensors
            assert np.all(g_index.data == 0) and g_index.shape == i.shape
            gx = np.zeros(x.shape)
            np.put_along_axis(gx, i.data[..., None], (g * ctx.w).data[..., None], axis=-1)
            return gx, None, None

    x = ag.tensor([[1.0, 3.0, 2.0], [0.0, -1.0, 4.0]], dtype=np.float64, requires_grad=True)
    m, i = MaxWithIndex.apply(x, 2.0, "label")
    assert seen["needs"] == (True, False, False)
    assert m.requires_grad and not i.requires_grad and i.dtype == np.int64
    m.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 2, 0], [0, 0, 2]])


def test_a_one_tuple_output_stays_a_tuple():
    class Twice(Function):
        @staticmethod
        def forward(ctx, x):
            return (x * 2,)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = ag.tensor([1.0], requires_grad=True)
    out = Twice.apply(x)
    assert isinstance(out, tuple) and len(out) == 1
    out[0].sum().backward()
    assert x.grad.tolist() == [2.0]


def test_no_graph_without_grad_and_inputs_as_returned():
    x = ag.tensor([1.0, 2.0])
    y = Exp.apply(x)  # no input requires grad
    assert not y.requires_grad and y.op is None
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.no_grad():
        assert Exp.apply(w).op is None


def test_inplace_change_of_a_saved_input_makes_backward_refuse():
    x = ag.tensor([0.2, 0.3], requires_grad=True)
    base = x * 1.0
    y = Clamp.apply(base, -1.0, 1.0)
    with ag.no_grad():
        base.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def test_backward_mistakes_are_named():
    class TooFew(Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    class GradForAConstant(TooFew):
        @staticmethod
        def backward(ctx, g):
            return g, g

    class WrongShape(TooFew):
        @staticmethod
        def backward(ctx, g):
            return np.ones(5), None

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="TooFew.backward returned 1 gradients for 2"):
        TooFew.apply(x, 2.0).sum().backward()
    with pytest.raises(RuntimeError, match="GradForAConstant.backward.*argument 1.*float"):
        GradForAConstant.apply(x, 2.0).sum().backward()
    with pytest.raises(ValueError, match=r"WrongShape.*shape \(5,\).*\(2,\)"):
        WrongShape.apply(x, 2.0).sum().backward()


def test_misuse_of_function_and_ctx_is_refused():
    with pytest.raises(RuntimeError, match=r"Exp.apply"):
        Exp()
    ctx = ag.autograd.FunctionCtx()
    with pytest.raises(RuntimeError, match="only available inside backward"):
        _ = ctx.saved_tensors
    with pytest.raises(TypeError, match="save_for_backward: argument 0 is a float"):
        ctx.save_for_backward(1.5)
    x = ag.tensor([1.0], requires_grad=True)
    y = Exp.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="already freed"):
        y.backward()


def test_once_differentiable_backward_refuses_double_backward():
    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return ag.tensor(2 * x.data * g.data)  # numpy inside: not differentiable

    x = ag.tensor([3.0], dtype=np.float64, requires_grad=True)
    (d,) = ag.grad(Square.apply(x).sum(), x)
    np.testing.assert_allclose(d.data, [6.0])
    g = ag.tensor([1.0], dtype=np.float64, requires_grad=True)
    (d,) = ag.grad(Square.apply(x), x, grad_outputs=g, create_graph=True)
    with pytest.raises(RuntimeError, match="differentiate twice.*once_differentiable"):
        d.sum().backward()


# --------------------------------------------------------------------------- backward


def test_autograd_backward_of_several_tensors_in_one_pass():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = ag.tensor([3.0], dtype=np.float64, requires_grad=True)
    a, b = x * y, (x * x).sum()
    ag.autograd.backward([a, b], [np.array([1.0, 10.0]), None])
    np.testing.assert_allclose(x.grad.data, [3.0 + 2.0, 30.0 + 4.0])
    np.testing.assert_allclose(y.grad.data, [1.0 + 20.0])


def test_autograd_backward_inputs_limits_which_grads_are_filled():
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True)
    y = ag.tensor([3.0], dtype=np.float64, requires_grad=True)
    ag.autograd.backward((x * y).sum(), inputs=[y])
    assert x.grad is None
    np.testing.assert_allclose(y.grad.data, [3.0])
    ag.autograd.backward((x * y).sum(), grad_variables=np.array(2.0), inputs=y)
    np.testing.assert_allclose(y.grad.data, [9.0])  # accumulated


def test_autograd_backward_argument_errors():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match="backward: 2 grad_tensors for 1 tensors"):
        ag.autograd.backward([x.sum()], [None, None])
    with pytest.raises(TypeError, match=r"backward: tensors\[0\] is a float"):
        ag.autograd.backward([1.0])
    assert ag.autograd.grad is ag.grad


def test_inference_mode_is_no_grad_in_every_form():
    x = ag.tensor([1.0], requires_grad=True)
    with ag.inference_mode():
        assert not (x * 2).requires_grad
    with ag.inference_mode(False):
        assert (x * 2).requires_grad

    @ag.inference_mode
    def bare(t):
        return t * 2

    @ag.inference_mode()
    def called(t):
        return t * 2

    assert not bare(x).requires_grad and not called(x).requires_grad
    assert ag.is_grad_enabled()


# --------------------------------------------------------------------------- HIPS transforms


def test_elementwise_grad_nests_to_higher_derivatives_of_tanh():
    x = np.linspace(-2.0, 2.0, 7)
    t = np.tanh(x)
    d1 = ag.elementwise_grad(ag.tanh)
    d2 = ag.elementwise_grad(d1)
    d3 = ag.elementwise_grad(d2)
    np.testing.assert_allclose(d1(x), 1 - t**2, rtol=1e-12)
    np.testing.assert_allclose(d2(x), -2 * t * (1 - t**2), rtol=1e-12)
    np.testing.assert_allclose(d3(x), -2 * (1 - t**2) * (1 - 3 * t**2), rtol=1e-10, atol=1e-14)
    assert type(d1(x)) is np.ndarray and d1(x).dtype == np.float64
    assert isinstance(d1(ag.tensor(x)), ag.Tensor)  # a Tensor in, a Tensor out


def test_value_and_grad_with_argnum_and_keywords():
    def loss(w, b, x, scale=1.0):
        return ag.sum((x @ w + b) ** 2) * scale

    w, b, x = np.array([1.0, -1.0]), np.array(0.5), np.array([[1.0, 2.0], [3.0, 0.0]])
    r = x @ w + b
    value, (gw, gb) = ag.value_and_grad(loss, argnum=(0, 1))(w, b, x, scale=2.0)
    np.testing.assert_allclose(value, 2.0 * np.sum(r**2))
    np.testing.assert_allclose(gw, 2.0 * 2 * x.T @ r)
    np.testing.assert_allclose(gb, 2.0 * 2 * r.sum())
    _, gx = ag.value_and_grad(loss, argnum=2)(w, b, x)
    np.testing.assert_allclose(gx, 2 * np.outer(r, w))
    _, unused = ag.value_and_grad(lambda a, c: ag.sum(a * a), argnum=1)(w, np.ones(3))
    np.testing.assert_array_equal(unused, np.zeros(3))  # independent: zeros, as HIPS


def test_value_and_grad_refuses_non_scalar_functions():
    with pytest.raises(TypeError, match=r"value_and_grad: .*one element.*\(2,\)"):
        ag.value_and_grad(lambda a: a * 2)(np.ones(2))
    with pytest.raises(IndexError, match="argnum 3 is out of range for 1 arguments"):
        ag.elementwise_grad(ag.tanh, argnum=3)(np.ones(2))
