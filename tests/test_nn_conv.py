"""Convolution, pooling, padding and resampling without PyTorch: layers' parameters and
state_dict, unbatched inputs, the layouts the fast paths take, and every error message.
(tests/op_registry.py checks values and gradients of each function; tests/test_torch_conv.py
compares them with PyTorch.)"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck

rng = np.random.default_rng(0)
z = np.zeros


def test_layer_parameters_have_torchs_names_and_layouts():
    conv = nn.Conv2d(4, 6, (3, 2), groups=2, rng=0)
    assert {k: v.shape for k, v in conv.state_dict().items()} == {
        "weight": (6, 2, 3, 2),
        "bias": (6,),
    }
    assert nn.Conv1d(4, 6, 3, bias=False, rng=0).weight.shape == (6, 4, 3)
    assert list(nn.Conv1d(4, 6, 3, bias=False, rng=0).state_dict()) == ["weight"]
    assert nn.ConvTranspose2d(4, 6, 3, groups=2, rng=0).weight.shape == (4, 3, 3, 3)
    assert conv.weight.dtype == np.float32
    assert nn.Conv2d(1, 1, 1, dtype=np.float64, rng=0).weight.dtype == np.float64
    for layer in (nn.MaxPool2d(2), nn.AvgPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Upsample(size=2)):
        assert list(layer.parameters()) == []


def test_layers_repr_as_pytorch():
    assert repr(nn.Conv2d(2, 4, 3, rng=0)) == "Conv2d(2, 4, kernel_size=(3, 3), stride=(1, 1))"
    assert repr(nn.Conv1d(2, 4, 3, padding="same", padding_mode="reflect", bias=False, rng=0)) == (
        "Conv1d(2, 4, kernel_size=(3,), stride=(1,), padding=same, bias=False, "
        "padding_mode=reflect)"
    )
    assert repr(nn.ConvTranspose2d(2, 4, 3, stride=2, output_padding=1, groups=2, rng=0)) == (
        "ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), output_padding=(1, 1), groups=2)"
    )
    assert repr(nn.AvgPool2d(3, 2)) == "AvgPool2d(kernel_size=3, stride=2, padding=0)"
    assert repr(nn.AdaptiveMaxPool2d((2, None))) == "AdaptiveMaxPool2d(output_size=(2, None))"
    assert repr(nn.Upsample(scale_factor=2)) == "Upsample(scale_factor=2.0, mode='nearest')"


@pytest.mark.parametrize(
    "fn",
    [
        lambda t: F.conv2d(t, np.arange(36.0).reshape(4, 1, 3, 3), padding="same", groups=2),
        lambda t: F.conv_transpose2d(t, np.arange(24.0).reshape(2, 2, 3, 2), stride=2),
        lambda t: F.max_pool2d(t, 2, ceil_mode=True),
        lambda t: F.avg_pool2d(t, 3, 1, 1, count_include_pad=False),
        lambda t: F.adaptive_max_pool2d(t, (2, 3)),
        lambda t: F.adaptive_avg_pool2d(t, 2),
        lambda t: F.unfold(t, 2),
    ],
)
def test_unbatched_input_is_the_batched_result_without_its_batch_axis(fn):
    x = rng.permutation(2 * 5 * 4).reshape(2, 5, 4) / 8.0
    np.testing.assert_array_equal(fn(x), fn(x[None])[0])
    assert gradcheck(fn, x, mode="fast")


def test_short_rows_in_a_large_batch_agree_with_one_sample_at_a_time():
    # N >= 8 and output rows under 16 long: im2col, the products and col2im run with the batch
    # axis last in memory; one sample alone takes the direct path
    cols = rng.standard_normal((9, 2 * 6, 5 * 3))
    kw = {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)}
    folded = F.fold(cols, (5, 6), **kw)
    np.testing.assert_allclose(
        folded, np.concatenate([F.fold(c[None], (5, 6), **kw) for c in cols])
    )
    x = ag.tensor(rng.standard_normal((9, 2, 7, 6)), requires_grad=True)
    w = rng.standard_normal((3, 2, 3, 3))
    v = rng.standard_normal((9, 3, 7, 6))
    (F.conv2d(x, w, padding=1) * v).sum().backward()
    for i in range(9):
        (g,) = ag.grad((F.conv2d(x[i : i + 1], w, padding=1) * v[i]).sum(), x)
        np.testing.assert_allclose(x.grad.data[i], g.data[i], rtol=1e-12, atol=1e-12)
    assert x.grad.data.flags.c_contiguous
    cols = F.unfold(x.data, 3, padding=1)
    assert cols.strides[0] == cols.itemsize  # the batch-last layout, seen through (N, C * K, L)
    np.testing.assert_array_equal(cols[4], F.unfold(x.data[4:5], 3, padding=1)[0])
    b = rng.standard_normal(3)
    y = F.conv2d(x.data, w, b, padding=1)
    np.testing.assert_allclose(y[4], F.conv2d(x.data[4:5], w, b, padding=1)[0], atol=1e-12)
    assert y.flags.c_contiguous


def test_second_derivatives_in_the_batch_last_layout():
    x = rng.standard_normal((8, 1, 2, 3))
    w = rng.standard_normal((2, 1, 2, 2))
    assert gradgradcheck(lambda a, b: F.conv2d(a, b, padding=1), x, w, mode="fast")


def test_float32_stays_float32_through_every_function():
    x = ag.tensor(rng.standard_normal((2, 2, 6, 6)).astype(np.float32), requires_grad=True)
    w = rng.standard_normal((2, 2, 3, 3)).astype(np.float32)
    outs = [
        F.conv2d(x, w, np.ones(2, np.float32), padding="same"),
        F.conv_transpose2d(x, w, stride=2),
        F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False),
        F.max_pool2d(x, 2),
        F.adaptive_avg_pool2d(x, 4),
        F.interpolate(x, scale_factor=1.5, mode="bilinear"),
        F.pad(x, (1, 2, 0, 1), value=1.0),
        F.pad(x, (1, 2, 0, 1), mode="reflect"),
        F.fold(F.unfold(x, 2), (6, 6), 2),
    ]
    for y in outs:
        assert y.dtype == np.float32
        (g,) = ag.grad(y.sum(), x)
        assert g.dtype == np.float32


def test_max_pool_return_indices_are_positions_in_the_input_plane():
    x = np.array([[[[1.0, 5.0, 2.0], [7.0, 3.0, 9.0], [4.0, 8.0, 6.0]]]])
    y, index = F.max_pool2d(x, 2, stride=1, return_indices=True)
    np.testing.assert_array_equal(y[0, 0], [[7.0, 9.0], [8.0, 9.0]])
    np.testing.assert_array_equal(index[0, 0], [[3, 5], [7, 5]])
    t, tindex = nn.MaxPool2d(2, 1, return_indices=True)(ag.tensor(x))
    assert isinstance(tindex, ag.Tensor) and tindex.dtype == np.int64
    y, index = F.adaptive_max_pool2d(x, 1, return_indices=True)
    assert index[0, 0, 0, 0] == 5


def test_conv_transpose_output_size_picks_the_output_padding():
    up = nn.ConvTranspose2d(1, 1, 3, stride=3, rng=0)
    x = np.ones((1, 1, 2, 2), dtype=np.float32)
    assert up(x).shape == (1, 1, 6, 6)
    assert up(x, output_size=(8, 7)).shape == (1, 1, 8, 7)
    assert up(x, output_size=[1, 1, 7, 6]).shape == (1, 1, 7, 6)


E = ValueError


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: F.conv2d(z((4, 5)), z((2, 4, 3, 3))), r"conv2d: input must be 3-D \(C, H, W\)"),
        (lambda: F.conv1d(z((1, 4, 5, 5)), z((4, 4, 3))), r"conv1d: input must be 2-D \(C, L\)"),
        (lambda: F.conv2d(z((2, 4, 5, 5)), z((2, 4, 3))), "conv2d: weight must be 4-D"),
        (
            lambda: F.conv2d(z((1, 4, 5, 5)), z((3, 2, 3, 3)), groups=2),
            r"weight of shape \(3, 2, 3, 3\) has 3 out_channels, not divisible by groups=2",
        ),
        (
            lambda: F.conv2d(z((1, 4, 5, 5)), z((4, 3, 3, 3)), groups=2),
            r"input has 4 channels \(shape \(1, 4, 5, 5\)\) .* groups=2 expects 6",
        ),
        (
            lambda: F.conv2d(z((1, 4, 5, 5)), z((4, 2, 3, 3)), stride=2, padding="same", groups=2),
            r"padding='same' is not supported for strided convolutions \(stride \(2, 2\)\)",
        ),
        (lambda: F.conv2d(z((1, 4, 5, 5)), z((4, 4, 3, 3)), padding="full"), "'same' or 'valid'"),
        (
            lambda: F.conv2d(z((1, 4, 2, 2)), z((4, 4, 3, 3)), dilation=2, padding=1),
            r"kernel of size \(5, 5\) \(kernel_size \(3, 3\), dilation \(2, 2\)\) is larger than "
            r"the padded input \(4, 4\) \(input shape \(1, 4, 2, 2\), padding \(1, 1\)\)",
        ),
        (
            lambda: F.conv2d(z((1, 4, 5, 5)), z((4, 4, 3, 3)), groups=0),
            "groups must be an int >= 1",
        ),
        (lambda: F.conv2d(z((1, 4, 5, 5)), z((4, 4, 3, 3)), stride=(1, 2, 3)), "stride must be"),
        (
            lambda: F.conv_transpose2d(z((1, 3, 4, 4)), z((4, 2, 3, 3))),
            r"conv_transpose2d: input has 3 channels .* weight of shape \(4, 2, 3, 3\) expects 4",
        ),
        (
            lambda: F.conv_transpose2d(
                z((1, 4, 4, 4)), z((4, 2, 3, 3)), stride=2, output_padding=2
            ),
            "output_padding .* must be smaller than either the stride",
        ),
        (
            lambda: F.conv_transpose2d(z((1, 4, 1, 1)), z((4, 2, 1, 1)), padding=1),
            r"the output would have spatial shape \(-1, -1\)",
        ),
        (lambda: F.unfold(z((1, 2, 3, 3)), 4), r"unfold: kernel of size \(4, 4\) is larger"),
        (lambda: F.fold(z((1, 5, 4)), (3, 3), 2), r"fold: input of shape \(1, 5, 4\) does not fit"),
        (lambda: F.fold(z((1, 4, 5)), (3, 3), 2), r"expected \(N, C \* 4, 4\)"),
        (lambda: F.max_pool2d(z((1, 1, 4, 4)), 2, padding=2), "padding .* at most half the kernel"),
        (
            lambda: F.avg_pool2d(z((1, 1, 4, 4)), 5),
            r"avg_pool2d: kernel of size \(5, 5\) is larger",
        ),
        (lambda: F.adaptive_avg_pool2d(z((1, 1, 4, 4)), (1, 2, 3)), "output_size must be an int"),
        (lambda: F.adaptive_max_pool2d(z((1, 1, 4, 4)), 0), "output_size must be .* >= 1"),
        (lambda: F.pad(z((2, 3)), (1,)), "pad must be a tuple of ints of even length"),
        (lambda: F.pad(z((2, 3)), (1,) * 6), r"pads 3 axes but the input has shape \(2, 3\)"),
        (lambda: F.pad(z((2, 3)), (3, 0), mode="reflect"), "must be smaller than its size 3"),
        (lambda: F.pad(z((2, 3)), (4, 0), mode="circular"), "must be at most its size 3"),
        (lambda: F.pad(z((2, 3)), (1, 0), mode="wrap"), "mode must be one of"),
        (lambda: F.pad(z((2, 3, 4, 5)), (1, 0), mode="replicate"), "pads the last 1, 2 or 3 axes"),
        (
            lambda: F.pad(z((2, 3)), (-1, 0), mode="circular"),
            "negative padding .* needs mode='constant'",
        ),
        (lambda: F.pad(z((2, 3)), (-4, 0)), "crops more than the 3 elements of axis 1"),
        (lambda: F.pad(z((2, 3)), (1, 0), mode="reflect", value=2.0), "only applies to mode"),
        (lambda: F.interpolate(z((1, 1, 4)), size=3, scale_factor=2), "exactly one of size"),
        (lambda: F.interpolate(z((1, 1, 4)), size=3, mode="bicubic"), "mode must be 'nearest'"),
        (lambda: F.interpolate(z((1, 1, 4)), size=3, mode="bilinear"), "needs a 4-D input"),
        (lambda: F.interpolate(z((1, 1, 4)), size=3, align_corners=True), "not 'nearest'"),
        (lambda: F.interpolate(z((1, 1, 4)), scale_factor=0.1), r"empty output \(0,\)"),
        (lambda: F.interpolate(z((4, 4)), size=3), "input must be 3-D, 4-D or 5-D"),
        (lambda: nn.Conv2d(4, 6, 3, groups=4), r"Conv2d: out_channels \(6\) must be divisible"),
        (lambda: nn.Conv1d(3, 6, 3, groups=2), r"Conv1d: in_channels \(3\) must be divisible"),
        (lambda: nn.Conv2d(4, 6, 3, stride=2, padding="same"), "Conv2d: padding='same' is not"),
        (lambda: nn.Conv2d(4, 6, 3, padding_mode="wrap"), "Conv2d: padding_mode must be one of"),
        (lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"), "only padding_mode='zeros'"),
        (lambda: nn.Conv2d(4, 6, 0), "Conv2d: kernel_size must be"),
        (
            lambda: nn.Conv2d(4, 6, 3, rng=0)(z((1, 3, 5, 5), np.float32)),
            r"Conv2d: input has 3 channels \(shape \(1, 3, 5, 5\)\)",
        ),
        (
            lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, rng=0)(z((1, 4, 3, 3)), (10, 10)),
            r"ConvTranspose2d: requested output_size \(10, 10\) .* must lie in \[7, 8\]",
        ),
        (lambda: nn.MaxPool2d(5)(z((1, 1, 4, 4))), r"MaxPool2d: kernel of size \(5, 5\)"),
        (lambda: nn.AvgPool2d(0)(z((1, 1, 4, 4))), "AvgPool2d: kernel_size must be"),
    ],
)
def test_errors_name_the_function_or_layer_and_the_shapes(call, message):
    with pytest.raises(E, match=message):
        call()
