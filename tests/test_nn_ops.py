"""The nn package's own ops (linear, conv2d, max_pool2d, avg_pool2d): forward against direct
numpy loops, gradients and gradients of gradients against finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags

# ------------------------------------------------------------------- references (plain loops)


def conv2d_reference(x, w, b, stride, padding):
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, _, h, wd = xp.shape
    o, _, kh, kw = w.shape
    ho, wo = (h - kh) // sh + 1, (wd - kw) // sw + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w)
    return out if b is None else out + b[None, :, None, None]


def pool2d_reference(x, kernel, stride, padding, reduce, fill):
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    ho, wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = np.zeros(x.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = reduce(xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw], (2, 3))
    return out


# ------------------------------------------------------------------- geometry strategies


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h = draw(st.integers(max(1, kh - 2 * padding[0]), 6))
    w = draw(st.integers(max(1, kw - 2 * padding[1]), 6))
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    x = draw(ags.arrays((n, c, h, w)))
    weight = draw(ags.arrays((o, c, kh, kw)))
    bias = draw(st.none() | ags.arrays((o,)))
    return x, weight, bias, stride, padding


@st.composite
def pool_cases(draw, distinct_values):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(kernel[0], 6))
    w = draw(st.integers(kernel[1], 6))
    domain = ags.distinct(1 / 8, ags.reals(8.0)) if distinct_values else ags.reals()
    x = draw(ags.arrays((draw(st.integers(1, 2)), draw(st.integers(1, 2)), h, w), domain=domain))
    return x, kernel, stride, padding


def _conv(stride, padding):
    return lambda x, w, *b: F.conv2d(x, w, b[0] if b else None, stride, padding)


# ------------------------------------------------------------------- conv2d


@given(conv_cases())
def test_conv2d_forward_matches_loops(case):
    x, w, b, stride, padding = case
    got = F.conv2d(x, w, b, stride, padding)
    np.testing.assert_allclose(got, conv2d_reference(x, w, b, stride, padding), atol=1e-12)


@given(conv_cases())
def test_conv2d_gradients(case):
    x, w, b, stride, padding = case
    inputs = (x, w) if b is None else (x, w, b)
    assert gradcheck(_conv(stride, padding), *inputs)


@given(conv_cases())
def test_conv2d_second_order(case):
    x, w, b, stride, padding = case
    inputs = (x, w) if b is None else (x, w, b)
    assert gradgradcheck(_conv(stride, padding), *inputs, mode="fast")


def test_conv2d_second_order_full_jacobians():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 2, 5, 4)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    assert gradgradcheck(_conv((2, 1), (1, 1)), x, w, b)


def test_conv2d_float32_stays_float32_and_agrees_with_float64():
    rng = np.random.default_rng(1)
    x64, w64 = rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(4, 3, 3, 3))
    grads = []
    for dtype in (np.float32, np.float64):
        x = ag.tensor(x64.astype(dtype), requires_grad=True)
        w = ag.tensor(w64.astype(dtype), requires_grad=True)
        y = F.conv2d(x, w, stride=2, padding=1)
        assert y.dtype == dtype
        (y * y).sum().backward()
        assert x.grad.dtype == dtype and w.grad.dtype == dtype
        grads.append((x.grad.data, w.grad.data))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-4, atol=1e-3)


def test_conv2d_backward_twice_with_retain_graph_agrees():
    rng = np.random.default_rng(2)
    x = ag.tensor(rng.normal(size=(1, 2, 5, 5)), requires_grad=True)
    w = ag.tensor(rng.normal(size=(2, 2, 3, 3)), requires_grad=True)
    y = F.conv2d(x, w).sum()
    y.backward(retain_graph=True)
    first = w.grad.data.copy()
    w.grad = None
    y.backward()
    np.testing.assert_array_equal(w.grad.data, first)


@pytest.mark.parametrize(
    ("x_shape", "w_shape", "kwargs", "message"),
    [
        ((2, 5), (3, 2, 3, 3), {}, r"conv2d: input must be 3-D \(C, H, W\) or 4-D \(N, C, H, W\)"),
        ((1, 2, 5, 5), (3, 2, 3), {}, "conv2d: weight must be 4-D"),
        ((1, 2, 5, 5), (3, 4, 3, 3), {}, "input has 2 channels .* expects 4"),
        (
            (1, 2, 2, 2),
            (3, 2, 3, 3),
            {},
            r"kernel of size \(3, 3\) is larger than the padded input",
        ),
        (
            (1, 2, 5, 5),
            (3, 2, 3, 3),
            {"stride": 0},
            "stride must be an int or a tuple of 2 ints, each >= 1",
        ),
        ((1, 2, 5, 5), (3, 2, 3, 3), {"padding": -1}, "padding must be .* each >= 0"),
        ((1, 2, 5, 5), (3, 2, 3, 3), {"bias": np.zeros(2)}, r"bias must have shape \(3,\)"),
    ],
)
def test_conv2d_errors(x_shape, w_shape, kwargs, message):
    with pytest.raises(ValueError, match=message):
        F.conv2d(np.zeros(x_shape), np.zeros(w_shape), **kwargs)


# ------------------------------------------------------------------- pooling


@given(pool_cases(distinct_values=False))
def test_max_pool2d_forward_matches_loops(case):
    x, kernel, stride, padding = case
    want = pool2d_reference(x, kernel, stride, padding, np.max, -np.inf)
    np.testing.assert_array_equal(F.max_pool2d(x, kernel, stride, padding), want)


@given(pool_cases(distinct_values=True))
def test_max_pool2d_gradients(case):
    # Distinct values: no ties inside a window, so the max is differentiable.
    x, kernel, stride, padding = case
    fn = lambda t: F.max_pool2d(t, kernel, stride, padding)  # noqa: E731
    assert gradcheck(fn, x)
    assert gradgradcheck(fn, x, mode="fast")


def test_max_pool2d_overlapping_windows_accumulate_gradient():
    x = ag.tensor(np.array([[[[0.0, 1.0, 0.0], [0.0, 9.0, 0.0], [0.0, 1.0, 0.0]]]]), True)
    F.max_pool2d(x, 2, stride=1).sum().backward()
    want = np.zeros((3, 3))
    want[1, 1] = 4.0  # the centre is the maximum of all four windows
    np.testing.assert_array_equal(x.grad.data[0, 0], want)


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum():
    x = ag.tensor(np.ones((1, 1, 2, 2)), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, 0], [[1.0, 0.0], [0.0, 0.0]])


@given(pool_cases(distinct_values=False))
def test_avg_pool2d_forward_matches_loops(case):
    x, kernel, stride, padding = case
    want = pool2d_reference(x, kernel, stride, padding, np.mean, 0.0)
    np.testing.assert_allclose(F.avg_pool2d(x, kernel, stride, padding), want, atol=1e-12)


@given(pool_cases(distinct_values=False))
def test_avg_pool2d_gradients(case):
    x, kernel, stride, padding = case
    fn = lambda t: F.avg_pool2d(t, kernel, stride, padding)  # noqa: E731
    assert gradcheck(fn, x)
    assert gradgradcheck(fn, x, mode="fast")


@pytest.mark.parametrize("fn", [F.max_pool2d, F.avg_pool2d])
def test_pool_second_order_full_jacobians(fn):
    x = np.random.default_rng(3).permutation(2 * 2 * 5 * 4).reshape(2, 2, 5, 4) / 8.0
    assert gradgradcheck(lambda t: fn(t, 3, 2, 1), x)


@pytest.mark.parametrize("fn", [F.max_pool2d, F.avg_pool2d])
def test_pool_errors(fn):
    name = fn.__name__
    with pytest.raises(ValueError, match=f"{name}: input must be 3-D .* or 4-D"):
        fn(np.zeros((4, 4)), 2)
    with pytest.raises(ValueError, match=f"{name}: padding \\(2, 2\\) must be at most half"):
        fn(np.zeros((1, 1, 4, 4)), 2, padding=2)
    with pytest.raises(ValueError, match=f"{name}: kernel of size \\(5, 5\\) is larger"):
        fn(np.zeros((1, 1, 4, 4)), 5)
    with pytest.raises(ValueError, match=f"{name}: kernel_size must be an int or a tuple"):
        fn(np.zeros((1, 1, 4, 4)), 0)


# ------------------------------------------------------------------- linear


@given(
    st.sampled_from([(3,), (4, 3), (2, 4, 3)]).flatmap(ags.arrays),
    ags.arrays((2, 3)),
    st.none() | ags.arrays((2,)),
)
def test_linear_forward_and_gradients(x, w, b):
    want = x @ w.T + (0.0 if b is None else b)
    inputs = (x, w) if b is None else (x, w, b)
    np.testing.assert_allclose(F.linear(*inputs), want, atol=1e-12)
    assert gradcheck(F.linear, *inputs)
    assert gradgradcheck(F.linear, *inputs)


@pytest.mark.parametrize(
    "x_dtype, w_dtype, b_dtype",
    [(np.int64, np.int64, np.float64), (np.float32, np.float32, np.float64), (np.float32,) * 3],
)
def test_linear_promotes_like_numpy(x_dtype, w_dtype, b_dtype):
    x = np.arange(6).reshape(2, 3).astype(x_dtype)
    w = np.arange(12).reshape(4, 3).astype(w_dtype)
    b = np.full(4, 0.5, dtype=b_dtype)
    want = x @ w.T + b
    got = F.linear(x, w, b)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_linear_errors():
    with pytest.raises(ValueError, match=r"linear: input of shape \(2, 4\) does not fit weight"):
        F.linear(np.zeros((2, 4)), np.zeros((3, 5)))
    with pytest.raises(ValueError, match=r"linear: bias must have shape \(3,\), got \(4,\)"):
        F.linear(np.zeros((2, 5)), np.zeros((3, 5)), np.zeros(4))


def test_ops_record_their_arguments_for_display():
    x = ag.tensor(np.zeros((1, 1, 4, 4)), requires_grad=True)
    y = F.conv2d(x, np.ones((1, 1, 2, 2)), stride=2, padding=(1, 0))
    assert (y.op.name, y.op.describe()) == ("conv", {"groups": 1, "out_shape": (3, 2)})
    cols = y.op.inputs[0]
    assert cols.op.name == "unfold"
    assert cols.op.describe() == {
        "kernel_size": (2, 2),
        "stride": (2, 2),
        "padding": ((1, 1), (0, 0)),
        "dilation": (1, 1),
    }
    op = F.max_pool2d(x, 2, ceil_mode=True).op
    assert op.name == "max_pool"
    assert op.describe() == {
        "kernel_size": (2, 2),
        "stride": (2, 2),
        "padding": ((0, 0), (0, 0)),
        "dilation": (1, 1),
    }
