"""One property test per kind, run over every entry of the op registry (tests/op_registry.py).

- gradcheck: analytical VJPs against float64 central differences (plus the cheap checks:
  shapes, dtypes, zero and linear upstream gradients, no mutation, no aliasing);
- gradgradcheck: second order, for entries with ``order >= 2``;
- the forward against the numpy reference (and linear entries are linear);
- float32 backward close to float64 backward, and float32 kept throughout.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from op_registry import REGISTRY, OpCase

import autograd_lite as ag
from autograd_lite import ops
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags

# The ops listed in the core contract; autograd_lite.ops.__all__ adds whatever else it exports.
CONTRACT_OPS = {
    *"add subtract multiply divide negative power matmul exp log sqrt abs sin cos tanh".split(),
    *"sigmoid relu leaky_relu maximum minimum clip where sum mean max min logsumexp".split(),
    *"softmax log_softmax reshape transpose expand_dims squeeze broadcast_to".split(),
    *"concatenate stack getitem softmax_cross_entropy sigmoid_binary_cross_entropy".split(),
}
NN_OPS = {  # nn.functional's convolution, pooling, padding and resampling
    *"conv1d conv2d conv_transpose2d unfold fold max_pool2d avg_pool2d".split(),
    *"adaptive_avg_pool2d adaptive_max_pool2d pad interpolate".split(),
}

SEEDS = st.integers(0, 2**32 - 1)


def by_name(cases: list[OpCase]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("case", cases, ids=[c.name for c in cases])


DIFFERENTIABLE = [case for case in REGISTRY if case.differentiable]


def bound(case: OpCase, kwargs: dict) -> object:
    return lambda *xs: case.fn(*xs, **kwargs)


def test_every_public_op_is_in_the_registry():
    public = CONTRACT_OPS | set(ops.__all__) | NN_OPS
    missing = public - {case.op for case in REGISTRY}
    assert not missing, f"add OpCase entries to tests/op_registry.py for: {sorted(missing)}"


def test_registry_entries_are_unique_and_name_real_ops():
    names = [case.name for case in REGISTRY]
    assert len(names) == len(set(names))
    for name in CONTRACT_OPS | set(ops.__all__):
        assert callable(getattr(ag, name)), f"ag.{name} is missing"


@by_name(DIFFERENTIABLE)
@given(data=st.data())
def test_gradcheck(case, data):
    xs, kwargs = data.draw(case.examples, label="inputs, kwargs")
    assert gradcheck(bound(case, kwargs), *xs, seed=data.draw(SEEDS, label="seed"))


@by_name([case for case in DIFFERENTIABLE if case.order >= 2])
@given(data=st.data())
def test_gradgradcheck(case, data):
    xs, kwargs = data.draw(case.examples, label="inputs, kwargs")
    # Fast mode: random projections, and the full Jacobians only where they disagree.
    assert gradgradcheck(bound(case, kwargs), *xs, mode="fast", seed=data.draw(SEEDS, label="seed"))


@by_name(REGISTRY)
@given(data=st.data())
def test_forward_matches_numpy(case, data):
    xs, kwargs = data.draw(case.examples, label="inputs, kwargs")
    expected = np.asarray(case.reference(*xs, **kwargs))
    out = case.fn(*(ag.tensor(x) for x in xs), **kwargs)
    assert isinstance(out, ag.Tensor)
    assert out.shape == expected.shape and out.dtype == expected.dtype
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-12)

    plain = case.fn(*xs, **kwargs)  # no Tensor among the arguments: a plain numpy result
    assert not isinstance(plain, ag.Tensor)
    np.testing.assert_array_equal(plain, out.data)

    if case.linear:  # f(2 x - y / 2) = 2 f(x) - f(y) / 2, with y another input of each shape
        ys = [np.flip(x) * 0.5 + 1.0 for x in xs]
        fy = case.fn(*(ag.tensor(y) for y in ys), **kwargs)
        mixed = case.fn(*(ag.tensor(2 * x - 0.5 * y) for x, y in zip(xs, ys)), **kwargs)
        np.testing.assert_allclose(mixed.data, 2 * out.data - 0.5 * fy.data, rtol=1e-12, atol=1e-12)


@by_name([case for case in REGISTRY if not case.differentiable])
@given(data=st.data())
def test_nondifferentiable_results_never_require_grad(case, data):
    xs, kwargs = data.draw(case.examples, label="inputs, kwargs")
    leaves = [ag.tensor(x, requires_grad=x.dtype.kind == "f") for x in xs]
    out = case.fn(*leaves, **kwargs)
    assert isinstance(out, ag.Tensor) and not out.requires_grad and out.is_leaf


@by_name(DIFFERENTIABLE)
@given(data=st.data())
def test_float32_backward_is_close_to_float64(case, data):
    xs, kwargs = data.draw(case.examples, label="inputs, kwargs")
    # the same values in both precisions; float32's subnormals (float64 values below 1.2e-38)
    # keep only a few digits, which no float32 computation can be compared at: they become 0
    xs32 = [np.where(np.abs(x) < np.finfo(np.float32).tiny, 0, x).astype(x.dtype) for x in xs]
    xs32 = [x.astype(np.float32) for x in xs32]
    leaves32 = [ag.tensor(x, requires_grad=True) for x in xs32]
    leaves64 = [ag.tensor(x, dtype=np.float64, requires_grad=True) for x in xs32]
    out32 = case.fn(*leaves32, **kwargs)
    out64 = case.fn(*leaves64, **kwargs)
    assert out32.dtype == kwargs.get("dtype", np.float32)  # only astype changes the dtype
    v = data.draw(ags.upstream_gradients(out64.shape), label="upstream gradient")
    grads32 = ag.grad(out32, leaves32, v.astype(out32.dtype), allow_unused=True)
    grads64 = ag.grad(out64, leaves64, v, allow_unused=True)
    for x, g32, g64 in zip(xs32, grads32, grads64):
        if g64 is None:
            assert g32 is None
            continue
        assert g32.dtype == np.float32 and g32.shape == x.shape
        scale = max(1.0, float(np.max(np.abs(g64.data), initial=0.0)))
        np.testing.assert_allclose(g32.data, g64.data, rtol=1e-4, atol=1e-5 * scale)
