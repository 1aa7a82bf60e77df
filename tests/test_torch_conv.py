"""Convolution, pooling, padding and resampling against PyTorch (float64): outputs and the
gradients of every input for random configurations of every option, second derivatives for
the convolutions, and layers loaded from a PyTorch state_dict."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: torch's thread pool only costs here (10x on a busy machine)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def compare(ours: Any, theirs: Any, *arrays: np.ndarray, seed: int = 0, second: bool = False):
    """ours(*tensors) against theirs(*torch tensors): the output, the gradient of
    sum(output * v) for every input and, with ``second``, the gradient of
    sum(that gradient * u), all in float64."""
    rng = np.random.default_rng(seed)
    xs = [ag.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    y, yt = ours(*xs), theirs(*ts)
    assert y.shape == tuple(yt.shape)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    v = rng.standard_normal(y.shape)
    grads = ag.grad((y * v).sum(), xs, create_graph=second)
    grads_t = torch.autograd.grad((yt * torch.tensor(v)).sum(), ts, create_graph=second)
    for g, gt in zip(grads, grads_t):
        np.testing.assert_allclose(g.data, gt.detach().numpy(), rtol=1e-10, atol=1e-12)
    if second:
        us = [rng.standard_normal(a.shape) for a in arrays]
        total = sum((g * u).sum() for g, u in zip(grads, us))
        total_t = sum((g * torch.tensor(u)).sum() for g, u in zip(grads_t, us))
        second_ours = ag.grad(total, xs, allow_unused=True)
        second_theirs = torch.autograd.grad(total_t, ts, allow_unused=True)
        for g, gt, a in zip(second_ours, second_theirs, arrays):
            want = np.zeros(a.shape) if gt is None else gt.numpy()
            got = np.zeros(a.shape) if g is None else g.data
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def both(name: str, kw: dict[str, Any]) -> tuple[Any, Any]:
    """nn.functional's function ``name`` and PyTorch's, with the keyword arguments ``kw``."""
    return (lambda *t: getattr(F, name)(*t, **kw)), (lambda *t: getattr(TF, name)(*t, **kw))


def normal(draw: Any, shape: tuple[int, ...]) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).standard_normal(shape)


def distinct(draw: Any, shape: tuple[int, ...]) -> np.ndarray:
    """Values with no ties (max pooling is differentiable there)."""
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) / 7.0


def ints(draw: Any, nd: int, lo: int, hi: int) -> Any:
    """An int, or a tuple of nd ints, in [lo, hi]."""
    vals = [draw(st.integers(lo, hi)) for _ in range(nd)]
    return vals[0] if draw(st.booleans()) else tuple(vals)


def with_bias(draw: Any, arrays: list[np.ndarray], channels: int) -> list[np.ndarray]:
    """Input and weight, and a bias half of the time."""
    return arrays + [normal(draw, (channels,))] if draw(st.booleans()) else arrays


def each(v: Any, nd: int) -> tuple[int, ...]:
    return (v,) * nd if isinstance(v, int) else v


# ----------------------------------------------------------------------------- convolution


@st.composite
def conv_cases(draw: Any, nd: int) -> tuple:
    groups = draw(st.integers(1, 3))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilation = ints(draw, nd, 1, 2)
    padding = draw(st.sampled_from(["same", "valid", "int"]))
    stride = 1 if padding == "same" else ints(draw, nd, 1, 3)
    if padding == "int":
        padding = ints(draw, nd, 0, 2)
    reach = [d * (k - 1) + 1 for d, k in zip(each(dilation, nd), kernel)]
    pads = (0,) * nd if isinstance(padding, str) else each(padding, nd)
    spatial = tuple(max(1, r - 2 * p) + draw(st.integers(0, 3)) for r, p in zip(reach, pads))
    batch = draw(st.sampled_from([(), (1,), (2,)]))  # () is an unbatched input
    weight = (cout, cin // groups, *kernel)
    arrays = with_bias(draw, [normal(draw, (*batch, cin, *spatial)), normal(draw, weight)], cout)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return arrays, kwargs


@given(conv_cases(1))
def test_conv1d_matches_torch(case):
    arrays, kw = case
    compare(*both("conv1d", kw), *arrays)


@given(conv_cases(2))
def test_conv2d_matches_torch(case):
    arrays, kw = case
    compare(*both("conv2d", kw), *arrays)


@given(conv_cases(2), st.integers(0, 2**32 - 1))
def test_conv2d_second_derivatives_match_torch(case, seed):
    arrays, kw = case
    compare(*both("conv2d", kw), *arrays, seed=seed, second=True)


@st.composite
def conv_transpose_cases(draw: Any) -> tuple:
    groups = draw(st.integers(1, 2))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride, dilation = ints(draw, 2, 1, 3), ints(draw, 2, 1, 2)
    # output_padding must be below the stride or the dilation
    room = [max(s, d) - 1 for s, d in zip(each(stride, 2), each(dilation, 2))]
    output_padding = tuple(draw(st.integers(0, r)) for r in room)
    padding = ints(draw, 2, 0, 1)
    reach = [d * (k - 1) + 1 for d, k in zip(each(dilation, 2), kernel)]
    # an input large enough that the output is not empty
    spatial = tuple(
        draw(st.integers(max(1, -(-(2 * p - r - e + 1) // s) + 1), 3))
        for p, r, e, s in zip(each(padding, 2), reach, output_padding, each(stride, 2))
    )
    batch = draw(st.sampled_from([(), (2,)]))
    weight = (cin, cout // groups, *kernel)
    arrays = with_bias(draw, [normal(draw, (*batch, cin, *spatial)), normal(draw, weight)], cout)
    kw = {
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "groups": groups,
        "dilation": dilation,
    }
    return arrays, kw


@given(conv_transpose_cases(), st.integers(0, 2**32 - 1))
def test_conv_transpose2d_matches_torch(case, seed):
    arrays, kw = case
    compare(*both("conv_transpose2d", kw), *arrays, seed=seed, second=True)


@st.composite
def block_cases(draw: Any) -> tuple:
    kernel, dilation = ints(draw, 2, 1, 3), ints(draw, 2, 1, 2)
    padding, stride = ints(draw, 2, 0, 1), ints(draw, 2, 1, 2)
    reach = [d * (k - 1) + 1 for d, k in zip(each(dilation, 2), each(kernel, 2))]
    size = tuple(
        max(1, r - 2 * p) + draw(st.integers(0, 3)) for r, p in zip(reach, each(padding, 2))
    )
    return size, {"kernel_size": kernel, "dilation": dilation, "padding": padding, "stride": stride}


@given(block_cases(), st.data())
def test_unfold_and_fold_match_torch(case, data):
    size, kw = case
    x = normal(data.draw, (2, 3, *size))
    compare(*both("unfold", kw), x)
    cols = normal(data.draw, tuple(TF.unfold(torch.tensor(x), **kw).shape))
    compare(lambda t: F.fold(t, size, **kw), lambda t: TF.fold(t, size, **kw), cols)


# ----------------------------------------------------------------------------- pooling


@st.composite
def pool_cases(draw: Any, dilation: bool) -> tuple:
    kernel = ints(draw, 2, 1, 3)
    stride = draw(st.none() | st.integers(1, 3) | st.tuples(st.integers(1, 3), st.integers(1, 3)))
    padding = tuple(draw(st.integers(0, k // 2)) for k in each(kernel, 2))
    dil = ints(draw, 2, 1, 2) if dilation else 1
    reach = [d * (k - 1) + 1 for d, k in zip(each(dil, 2), each(kernel, 2))]
    size = tuple(max(1, r - 2 * p) + draw(st.integers(0, 4)) for r, p in zip(reach, padding))
    batch = draw(st.sampled_from([(), (2,)]))
    kw = {"kernel_size": kernel, "stride": stride, "padding": padding}
    kw["ceil_mode"] = draw(st.booleans())
    if dilation:
        kw["dilation"] = dil
    return (*batch, 2, *size), kw


@given(pool_cases(dilation=True), st.data())
def test_max_pool2d_matches_torch(case, data):
    shape, kw = case
    x = distinct(data.draw, shape)
    # With dilation a window can hold nothing but padding: -inf, and no gradient here (PyTorch
    # sends its gradient to an index outside the window there)
    assume(np.isfinite(F.max_pool2d(x, **kw)).all())
    compare(*both("max_pool2d", kw), x)
    _, index = F.max_pool2d(x, **kw, return_indices=True)
    _, index_t = TF.max_pool2d(torch.tensor(x), **kw, return_indices=True)
    np.testing.assert_array_equal(index, index_t.numpy())


def test_max_pool2d_ties_and_nan_pick_the_positions_torch_picks():
    x = np.array([[[[1.0, 2.0, 2.0, 0.0], [np.nan, 1.0, np.nan, 5.0], [3.0, 3.0, 3.0, 3.0]]]])
    for kw in (
        {"kernel_size": (1, 4)},
        {"kernel_size": 2, "stride": 1},
        {"kernel_size": 3, "padding": 1},
    ):
        y, index = F.max_pool2d(x, **kw, return_indices=True)
        yt, index_t = TF.max_pool2d(torch.tensor(x), **kw, return_indices=True)
        np.testing.assert_array_equal(y, yt.numpy())
        np.testing.assert_array_equal(index, index_t.numpy())


@given(pool_cases(dilation=False), st.booleans(), st.sampled_from([None, 1, 5]), st.data())
def test_avg_pool2d_matches_torch(case, count_include_pad, divisor_override, data):
    shape, kw = case
    kw.update(count_include_pad=count_include_pad, divisor_override=divisor_override)
    x = normal(data.draw, shape)
    compare(*both("avg_pool2d", kw), x)


@st.composite
def adaptive_cases(draw: Any) -> tuple:
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    sizes = [draw(st.none() | st.integers(1, n + 2)) for n in (h, w)]
    output_size = sizes[0] or 3 if draw(st.booleans()) else tuple(sizes)
    batch = draw(st.sampled_from([(), (2,)]))
    return (*batch, 2, h, w), output_size


@given(adaptive_cases(), st.data())
def test_adaptive_pools_match_torch(case, data):
    shape, size = case
    x = distinct(data.draw, shape)
    compare(lambda t: F.adaptive_avg_pool2d(t, size), lambda t: TF.adaptive_avg_pool2d(t, size), x)
    compare(lambda t: F.adaptive_max_pool2d(t, size), lambda t: TF.adaptive_max_pool2d(t, size), x)
    _, index = F.adaptive_max_pool2d(x, size, return_indices=True)
    _, index_t = TF.adaptive_max_pool2d(torch.tensor(x), size, return_indices=True)
    np.testing.assert_array_equal(index, index_t.numpy())


# ----------------------------------------------------------------------------- padding, resampling


@st.composite
def pad_cases(draw: Any) -> tuple:
    mode = draw(st.sampled_from(["constant", "reflect", "replicate", "circular"]))
    nd = draw(st.integers(1, 3 if mode != "constant" else 4))
    extra = draw(st.integers(1, 2)) if mode != "constant" else draw(st.integers(0, 2))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(nd + extra))
    pads: list[int] = []
    for n in reversed(shape[-nd:]):
        if mode == "constant":
            limit = (-(n // 2), 3)
        else:
            limit = (0, {"reflect": n - 1, "replicate": 3, "circular": n}[mode])
        pads += [draw(st.integers(*limit)), draw(st.integers(*limit))]
    value = draw(st.sampled_from([None, 0.0, -1.5])) if mode == "constant" else None
    return shape, tuple(pads), mode, value


@given(pad_cases(), st.data())
def test_pad_matches_torch(case, data):
    shape, pads, mode, value = case
    x = normal(data.draw, shape)
    compare(lambda t: F.pad(t, pads, mode, value), lambda t: TF.pad(t, pads, mode, value), x)


@st.composite
def interpolate_cases(draw: Any) -> tuple:
    mode = draw(st.sampled_from(["nearest", "linear", "bilinear", "trilinear"]))
    nd = {"linear": 1, "bilinear": 2, "trilinear": 3}.get(mode) or draw(st.integers(1, 3))
    spatial = tuple(draw(st.integers(1, 5)) for _ in range(nd))
    kw: dict[str, Any] = {"mode": mode}
    if draw(st.booleans()):
        kw["size"] = tuple(draw(st.integers(1, 8)) for _ in range(nd))
        if draw(st.booleans()):
            kw["size"] = kw["size"][0]
    else:
        factors = st.sampled_from([0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 3.0])
        kw["scale_factor"] = (
            draw(factors) if draw(st.booleans()) else tuple(draw(factors) for _ in range(nd))
        )
        if any(int(n * f) == 0 for n, f in zip(spatial, each_float(kw["scale_factor"], nd))):
            kw["scale_factor"] = 2.0
        kw["recompute_scale_factor"] = draw(st.sampled_from([None, True]))
    if mode != "nearest":
        kw["align_corners"] = draw(st.sampled_from([None, False, True]))
    return (2, 2, *spatial), kw


def each_float(v: Any, nd: int) -> tuple[float, ...]:
    return (v,) * nd if isinstance(v, float) else v


@given(interpolate_cases(), st.data())
def test_interpolate_and_upsample_match_torch(case, data):
    shape, kw = case
    x = normal(data.draw, shape)
    compare(*both("interpolate", kw), x)
    if len(shape) == 4:
        ours, theirs = nn.Upsample(**kw), torch.nn.Upsample(**kw)
        compare(ours, theirs, x)
        assert repr(ours) == repr(theirs)


# ----------------------------------------------------------------------------- layers


def _state(module: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def _load(ours: Any, theirs: Any, x: np.ndarray, *args: Any) -> None:
    """Load the PyTorch layer's state_dict into ours; same output and parameter gradients."""
    ours.load_state_dict(_state(theirs))
    xt = torch.tensor(x, requires_grad=True)
    xa = ag.tensor(x, requires_grad=True)
    y, yt = ours(xa, *args), theirs(xt, *args)
    np.testing.assert_allclose(y.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    v = np.random.default_rng(0).standard_normal(y.shape)
    (y * v).sum().backward()
    (yt * torch.tensor(v)).sum().backward()
    np.testing.assert_allclose(xa.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, p in theirs.named_parameters():
        got = dict(ours.named_parameters())[name].grad.data
        np.testing.assert_allclose(got, p.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 3, "padding": 1},
        {
            "kernel_size": (3, 2),
            "stride": (2, 1),
            "padding": (2, 1),
            "dilation": (1, 2),
            "groups": 2,
        },
        {"kernel_size": (2, 3), "padding": "same", "dilation": 2, "bias": False},
        {"kernel_size": 3, "padding": "valid", "groups": 4},
    ],
)
def test_conv2d_layer_loads_a_torch_state_dict(padding_mode, kwargs):
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(
        4, 6 if kwargs.get("groups") != 4 else 8, **kwargs, padding_mode=padding_mode
    ).double()
    ours = nn.Conv2d(4, theirs.out_channels, **kwargs, padding_mode=padding_mode, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((2, 4, 7, 6))
    _load(ours, theirs, x)
    _load(ours, theirs, x[0])  # unbatched


@pytest.mark.parametrize("padding_mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv1d_layer_loads_a_torch_state_dict(padding_mode):
    kw = {"kernel_size": 3, "stride": 1, "padding": "same", "dilation": 2, "groups": 2}
    theirs = torch.nn.Conv1d(4, 6, **kw, padding_mode=padding_mode).double()
    ours = nn.Conv1d(4, 6, **kw, padding_mode=padding_mode, dtype=np.float64)
    _load(ours, theirs, np.random.default_rng(2).standard_normal((3, 4, 9)))


def test_conv_transpose2d_layer_loads_a_torch_state_dict():
    kw = {"stride": (2, 3), "padding": 1, "output_padding": (1, 0), "groups": 2, "dilation": (1, 2)}
    theirs = torch.nn.ConvTranspose2d(4, 6, (3, 2), **kw).double()
    ours = nn.ConvTranspose2d(4, 6, (3, 2), **kw, dtype=np.float64)
    x = np.random.default_rng(3).standard_normal((2, 4, 4, 5))
    _load(ours, theirs, x)
    plain = torch.nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1).double()
    mine = nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, dtype=np.float64)
    for size in [(8, 10), (1, 6, 7, 9)]:
        _load(mine, plain, x, size)


def test_layer_initialisation_has_torchs_bounds():
    for ours, fan_in in [
        (nn.Conv1d(4, 6, 3, groups=2, rng=0), 2 * 3),
        (nn.Conv2d(4, 6, (3, 2), groups=2, rng=0), 2 * 3 * 2),
        (nn.ConvTranspose2d(4, 6, (3, 2), groups=2, rng=0), 3 * 3 * 2),
    ]:
        bound = 1 / np.sqrt(fan_in)
        assert np.abs(ours.weight.data).max() <= bound and np.abs(ours.bias.data).max() <= bound
        assert np.abs(ours.weight.data).max() > 0.8 * bound  # the full range is used


@pytest.mark.parametrize(
    "pair",
    [
        (lambda m: m.MaxPool2d(3, 2, 1, dilation=2, ceil_mode=True)),
        (lambda m: m.MaxPool2d((2, 3), return_indices=True)),
        (lambda m: m.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False)),
        (lambda m: m.AdaptiveAvgPool2d((3, None))),
        (lambda m: m.AdaptiveMaxPool2d(2, return_indices=True)),
    ],
)
def test_pool_layers_match_torch(pair):
    ours, theirs = pair(nn), pair(torch.nn)
    x = np.random.default_rng(4).permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 5.0
    y, yt = ours(x), theirs(torch.tensor(x))
    if isinstance(yt, tuple):
        np.testing.assert_array_equal(y[1], yt[1].numpy())
        y, yt = y[0], yt[0]
    np.testing.assert_allclose(y, yt.numpy(), rtol=1e-12)
    assert repr(ours) == repr(theirs)
