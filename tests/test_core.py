"""The engine: accumulation, broadcasting, grad modes, higher order, graph freeing, deep graphs."""

import gc
import threading
import weakref

import numpy as np
import pytest

import autograd_lite as ag


def test_backward_accumulates_into_leaves_and_fan_out_sums():
    x = ag.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * x + x  # x is used three times
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 1)
    y2 = (x * 3.0).sum()
    y2.backward()  # a second backward adds, as in PyTorch
    np.testing.assert_allclose(x.grad.data, 2 * x.data + 1 + 3)


def test_broadcast_gradients_are_summed_back_to_each_shape():
    a = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    b = ag.tensor([10.0, 20.0, 30.0], requires_grad=True)
    c = ag.tensor(np.ones((2, 1)), requires_grad=True)
    s = ag.tensor(2.0, requires_grad=True)
    ((a * b + c) * s).sum().backward()
    np.testing.assert_allclose(b.grad.data, a.data.sum(0) * 2)
    np.testing.assert_allclose(c.grad.data, np.full((2, 1), 3 * 2.0))
    np.testing.assert_allclose(s.grad.data, (a.data * b.data + 1).sum())
    assert b.grad.shape == (3,) and c.grad.shape == (2, 1) and s.grad.shape == ()


def test_float32_stays_float32_through_forward_and_backward():
    x = ag.tensor(np.ones((3, 4), np.float32), requires_grad=True)
    w = ag.tensor(np.ones((4, 2), np.float32), requires_grad=True)
    y = ag.tanh(x @ w * 0.5 + 1.0) ** 2 / 3.0
    assert y.dtype == np.float32
    loss = ag.softmax_cross_entropy(y, np.array([0, 1, 1]))
    assert loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_gradient_dtype_follows_input_when_upstream_differs():
    x = ag.tensor(np.ones(3, np.float32), requires_grad=True)
    (x * 2.0).backward(np.ones(3, np.float64))
    assert x.grad.dtype == np.float32


def test_only_floating_tensors_may_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors.*int64"):
        ag.tensor([1, 2, 3], requires_grad=True)


def test_python_floats_take_the_default_dtype_numpy_values_keep_theirs():
    """As torch.tensor: Python floats become the default dtype (float32), ints int64, bools
    bool; numpy arrays, numpy scalars (even inside lists) and Tensors keep their dtype."""
    assert ag.tensor(1.0).dtype == ag.get_default_dtype() == np.float32
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.tensor([[1, 2.5], [3, 4]]).dtype == np.float32
    assert ag.tensor(1j).dtype == np.complex64
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([True]).dtype == np.bool_
    assert ag.tensor(np.ones(2)).dtype == np.float64
    assert ag.tensor(np.float64(1.0)).dtype == np.float64
    assert ag.tensor([np.float64(1.0), 2.0]).dtype == np.float64
    assert ag.tensor([np.ones(2), np.ones(2)]).dtype == np.float64
    assert ag.tensor(np.ones(2, np.float16)).dtype == np.float16
    assert ag.tensor(ag.tensor(np.ones(2))).dtype == np.float64
    assert ag.tensor([1.0], dtype=np.float64).dtype == np.float64
    ag.set_default_dtype(np.float64)
    try:
        assert ag.tensor([1.5]).dtype == np.float64 and ag.tensor(1j).dtype == np.complex128
    finally:
        ag.set_default_dtype(np.float32)


def test_reflected_operators_with_scalars_and_numpy_arrays_give_tensors():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for y in (2.0 - x, 2.0 / x, 2.0**x, np.ones(2) + x, np.ones(2) * x, np.ones((2, 2)) @ x):
        assert isinstance(y, ag.Tensor) and y.requires_grad
    (np.array([3.0, 4.0]) * x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])


def test_comparisons_are_boolean_and_not_differentiable():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    m = x > 1.5
    assert m.dtype == np.bool_ and not m.requires_grad
    np.testing.assert_array_equal((np.array([0.0, 5.0]) < x).data, [True, False])


def test_getitem_repeated_indices_accumulate():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 0.0, 1.0])


def test_no_grad_and_enable_grad_as_context_and_decorator():
    x = ag.tensor(1.0, requires_grad=True)
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        assert not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
    assert ag.is_grad_enabled()

    @ag.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad and ag.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = {}
    inside = threading.Event()
    release = threading.Event()

    def worker():
        with ag.no_grad():
            inside.set()
            release.wait(5)
            seen["worker"] = ag.is_grad_enabled()

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main"] = ag.is_grad_enabled()
    x = ag.tensor(1.0, requires_grad=True)
    seen["main_records"] = (x * 2).requires_grad
    release.set()
    t.join()
    assert seen == {"worker": False, "main": True, "main_records": True}


def test_backward_on_non_scalar_needs_grad_argument():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"one-element output, got shape \(2,\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but the output has \(2,\)"):
        (x * 2).backward(np.ones(3))


def test_second_backward_through_freed_graph_mentions_retain_graph():
    x = ag.tensor(2.0, requires_grad=True)
    y = ag.exp(x) * x
    y.backward(retain_graph=True)
    y.backward()  # allowed: the first one kept the graph
    np.testing.assert_allclose(x.grad.data, 2 * (np.exp(2.0) * 3))
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_ag_grad_does_not_touch_dot_grad_and_reports_unused_inputs():
    x = ag.tensor(3.0, requires_grad=True)
    z = ag.tensor(1.0, requires_grad=True)
    y = x * x
    (gx,) = ag.grad(y, x, retain_graph=True)
    assert gx.item() == 6.0 and x.grad is None
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        ag.grad(y, [x, z], retain_graph=True)
    gx, gz = ag.grad(y, [x, z], allow_unused=True)
    assert gz is None and gx.item() == 6.0


def test_ag_grad_with_respect_to_an_intermediate_tensor():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    y = (h * h).sum()
    (gh,) = ag.grad(y, h)
    np.testing.assert_allclose(gh.data, 2 * h.data)


def test_second_derivative_of_tanh_and_a_hessian_vector_product():
    x = ag.tensor(np.linspace(-2, 2, 5), requires_grad=True)
    (d1,) = ag.grad(ag.tanh(x).sum(), x, create_graph=True)
    (d2,) = ag.grad(d1.sum(), x)
    t = np.tanh(x.data)
    np.testing.assert_allclose(d2.data, -2 * t * (1 - t**2), rtol=1e-12)

    # Hessian-vector product of a small MLP loss against finite differences of the gradient.
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 3))
    labels = rng.integers(0, 4, 8)
    w1 = ag.tensor(rng.standard_normal((3, 5)), requires_grad=True)
    w2 = ag.tensor(rng.standard_normal((5, 4)), requires_grad=True)
    v1, v2 = rng.standard_normal((3, 5)), rng.standard_normal((5, 4))

    def loss_of(a, b):
        return ag.softmax_cross_entropy(ag.tanh(X @ a) @ b, labels)

    g1, g2 = ag.grad(loss_of(w1, w2), [w1, w2], create_graph=True)
    hv1, hv2 = ag.grad((g1 * v1).sum() + (g2 * v2).sum(), [w1, w2])
    eps = 1e-6

    def grads_at(s):
        a = ag.tensor(w1.data + s * v1, requires_grad=True)
        b = ag.tensor(w2.data + s * v2, requires_grad=True)
        return [g.data for g in ag.grad(loss_of(a, b), [a, b])]

    plus, minus = grads_at(eps), grads_at(-eps)
    np.testing.assert_allclose(hv1.data, (plus[0] - minus[0]) / (2 * eps), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(hv2.data, (plus[1] - minus[1]) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_gradient_penalty_pattern_backward_through_a_gradient():
    w = ag.tensor([0.5, -1.5], requires_grad=True)
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    out = ag.sum(ag.sigmoid(x * w))
    (gx,) = ag.grad(out, x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    # d/dw sum_i (s'(x_i w_i) w_i)^2, by hand
    z = x.data * w.data
    s = 1 / (1 + np.exp(-z))
    ds, d2s = s * (1 - s), s * (1 - s) * (1 - 2 * s)
    expected = 2 * ds * w.data * (d2s * x.data * w.data + ds)
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-10)


def test_deep_chain_of_a_million_ops_backpropagates_without_recursion():
    x = ag.tensor(1.0, dtype=np.float64, requires_grad=True)
    y = x
    for _ in range(500_000):
        y = y * 1.0000001
        y = y + 0.0
    y.backward()
    assert x.grad.item() == pytest.approx(1.0000001**500_000, rel=1e-9)


class _Tracked(ag.Op):
    """A user-style op without __slots__, so the test can hold a weak reference to it."""

    def forward(self, x):
        return x * 2.0

    def backward(self, g, y, x):
        return g * 2.0


def test_graph_is_freed_by_reference_counting_right_after_backward():
    gc.disable()
    try:
        x = ag.tensor(np.ones(3), requires_grad=True)
        op = _Tracked()
        mid = op(x)
        ref = weakref.ref(op)
        del op
        loss = ag.exp(mid).sum()
        del mid
        assert ref() is not None
        loss.backward()
        assert ref() is None, "the graph was kept alive after backward"
    finally:
        gc.enable()


def test_intermediate_grads_are_not_kept_unless_retained():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2.0
    k = x * 3.0
    k.retain_grad()
    (h * k).sum().backward()
    assert h.grad is None
    np.testing.assert_allclose(k.grad.data, h.data)


def test_grads_never_alias_the_upstream_or_each_other():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    upstream = np.array([1.0, 1.0])
    (a + b).backward(upstream)
    assert not np.shares_memory(a.grad.data, b.grad.data)
    assert not np.shares_memory(a.grad.data, upstream)


def test_a_leaf_gets_one_gradient_per_backward_sharing_nothing():
    class Blocked(ag.Op):  # the gradient of its input is needed, yet it returns None
        def forward(self, x):
            return x * 0.0

        def backward(self, g, y, x):
            return None

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    w = ag.tensor([3.0, 4.0], requires_grad=True)
    upstream = np.array([1.0, 1.0])
    ((x + w) + Blocked()(x) + x * 2.0).backward(upstream)
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
    np.testing.assert_array_equal(w.grad.data, [1.0, 1.0])
    ((x + w) + Blocked()(x)).backward(upstream)  # x's only gradient is the upstream itself
    np.testing.assert_array_equal(x.grad.data, [4.0, 4.0])
    for g in (x.grad.data, w.grad.data):
        assert not np.shares_memory(g, upstream)
    assert not np.shares_memory(x.grad.data, w.grad.data)
    x.grad = w.grad = None
    ((x + w) + Blocked()(x)).backward(upstream)
    assert not np.shares_memory(x.grad.data, upstream)
    assert not np.shares_memory(x.grad.data, w.grad.data)


def test_a_tensor_that_requires_grad_only_later_gets_the_gradients_recorded_since():
    x = ag.tensor(np.array([1.0, 2.0]))
    w = ag.tensor(np.array([3.0, 4.0]), requires_grad=True)
    y = x * w  # recorded while x needed no gradient: none flows to x through it
    x.requires_grad = True
    (y + x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0])
    np.testing.assert_array_equal(w.grad.data, [1.0, 2.0])
    (dx,) = ag.grad((x * w + x).sum(), x)
    np.testing.assert_array_equal(dx.data, [4.0, 5.0])


def test_custom_op_gets_a_function_and_a_second_derivative():
    class Softplus(ag.Op):
        def forward(self, x):
            return np.logaddexp(0.0, x)

        def backward(self, g, y, x):
            return g * ag.sigmoid(x)

    def softplus(x):
        return Softplus()(x)

    x = ag.tensor([-1.0, 0.0, 2.0], dtype=np.float64, requires_grad=True)
    (d1,) = ag.grad(softplus(x).sum(), x, create_graph=True)
    (d2,) = ag.grad(d1.sum(), x)
    s = 1 / (1 + np.exp(-x.data))
    np.testing.assert_allclose(d1.data, s)
    np.testing.assert_allclose(d2.data, s * (1 - s))
    assert Softplus.name == "softplus"


@pytest.mark.parametrize(
    "shape, target",
    [((), (3, 2)), ((1, 3), (4, 3)), ((2, 3), (5, 2, 3)), ((2, 1), (2, 4)), ((1, 0), (5, 0))],
)
@pytest.mark.parametrize("contiguous", [True, False])
def test_broadcast_to_on_arrays_is_numpys_read_only_view(shape, target, contiguous):
    x = np.arange(float(np.prod(shape))).reshape(shape)
    if not contiguous:  # the same values through a strided view: numpy's own path
        x = np.repeat(x, 2, axis=-1)[..., ::2] if x.ndim else x
    out, expected = ag.broadcast_to(x, target), np.broadcast_to(x, target)
    assert type(out) is np.ndarray and out.dtype == x.dtype
    assert out.shape == expected.shape and out.strides == expected.strides
    np.testing.assert_array_equal(out, expected)
    assert not out.flags.writeable and np.shares_memory(out, x) == (x.size > 0)


def test_broadcast_to_on_a_numpy_scalar_is_a_read_only_view():
    out = ag.broadcast_to(np.float32(2.0), (3, 2))  # numpy's 0-d results, e.g. a sum's gradient
    assert type(out) is np.ndarray and out.dtype == np.float32 and out.strides == (0, 0)
    np.testing.assert_array_equal(out, np.full((3, 2), 2.0))
    assert not out.flags.writeable


def test_plain_arrays_take_the_fast_path_and_return_arrays():
    out = ag.exp(np.array([0.0, 1.0]))
    assert type(out) is np.ndarray


def test_name_scope_is_recorded_on_ops():
    x = ag.tensor(1.0, requires_grad=True)
    with ag.name_scope("encoder"), ag.name_scope("0"):
        y = x * 2
    z = y + 1
    assert y.op.scope == "encoder.0" and z.op.scope is None


def test_gradients_of_0d_leaves_are_arrays_not_numpy_scalars():
    x = ag.tensor(2.0, requires_grad=True)
    (x * 3.0).backward()
    (x * 3.0).backward()  # accumulating too
    assert type(x.grad.data) is np.ndarray and x.grad.shape == () and x.grad.item() == 6.0
    (gx,) = ag.grad(x * 3.0, x)
    assert type(gx.data) is np.ndarray
