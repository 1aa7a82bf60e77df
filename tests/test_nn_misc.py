"""Issue 14's activations, norms, losses and utilities, without PyTorch.

- property tests: gradcheck and gradgradcheck (float64, hypothesis-drawn inputs kept away
  from kinks by construction) of every new function with respect to its inputs, parameters
  and differentiable targets (the ops of autograd_lite/ops/activations.py and the fused
  losses are in tests/op_registry.py);
- the conventions at the kinks, each exactly at the point (PyTorch's, checked against
  PyTorch itself in test_torch_nn_misc.py);
- stability at extreme inputs, the modules' options and state, and the errors.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.nn import functional as F
from autograd_lite.testing import gradcheck, gradgradcheck
from autograd_lite.testing import strategies as ags

R = ags.reals()
NONZERO = ags.away_from([0.0], margin=0.5)  # norms stay far above any eps
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
Example = tuple[tuple[np.ndarray, ...], dict]


def arrays(shape, domain=R):
    return ags.arrays(shape, domain=domain)


@st.composite
def channels_first(draw, min_dims=2, max_dims=4, min_batch=1, min_spatial=1):
    """A shape (N, C, ...) with small sides."""
    n = draw(st.integers(min_batch, 3))
    c = draw(st.integers(1, 3))
    spatial = draw(st.lists(st.integers(min_spatial, 3), min_size=min_dims - 2,
                            max_size=max_dims - 2))  # fmt: skip
    return (n, c, *spatial)


@st.composite
def prelu_example(draw) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    channels = shape[1] if len(shape) >= 2 else 1
    w_shape = draw(st.sampled_from([(), (1,), (channels,)]))
    return (draw(arrays(shape, ags.away_from([0.0]))), draw(arrays(w_shape))), {}


@st.composite
def norm_example(draw, kind: str) -> Example:
    if kind in ("layer_norm", "rms_norm"):
        shape = draw(ags.shapes(min_dims=1))
        k = draw(st.integers(1, len(shape)))
        trailing = shape[-k:]
        # away from 0: rms_norm's slope there is 1 / sqrt(eps), too steep for differences
        domain = NONZERO if kind == "rms_norm" else R
        params = [draw(arrays(trailing))] + (
            [draw(arrays(trailing))] if kind == "layer_norm" else []
        )
        return (draw(arrays(shape, domain)), *params), {"normalized_shape": trailing}
    shape = draw(channels_first(min_batch=2 if kind == "batch_norm" else 1,
                                min_dims=3 if kind == "instance_norm" else 2,
                                min_spatial=2 if kind == "instance_norm" else 1))  # fmt: skip
    c = shape[1]
    kw = {}
    if kind == "group_norm":
        kw["num_groups"] = draw(st.sampled_from([g for g in (1, 2, 3) if c % g == 0]))
        if shape[0] * (c // kw["num_groups"]) * int(np.prod(shape[2:])) == 1:
            shape = (2, *shape[1:])
    return (draw(arrays(shape)), draw(arrays((c,))), draw(arrays((c,)))), kw


@st.composite
def regression_example(draw, kinks: tuple[float, ...], param: str | None) -> Example:
    """(input, target) whose difference stays away from the kinks, with a reduction."""
    shape = draw(ags.shapes())
    t = draw(arrays(shape))
    d = draw(arrays(shape, ags.away_from(list(kinks), margin=0.1)))
    kw: dict = {"reduction": draw(REDUCTIONS)}
    if param is not None:
        kw[param] = draw(st.sampled_from([0.5, 1.0, 2.0]))
    return (t + d, t), kw


@st.composite
def kl_example(draw) -> Example:
    shape = draw(ags.shapes())
    log_target = draw(st.booleans())
    target = draw(arrays(shape, R if log_target else ags.positive()))
    kw = {"reduction": draw(st.sampled_from(["mean", "batchmean", "sum", "none"])),
          "log_target": log_target}  # fmt: skip
    return (draw(arrays(shape)), target), kw


@st.composite
def cosine_embedding_example(draw) -> Example:
    batched = draw(st.booleans())
    n, d = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    shape = (n, d) if batched else (d,)
    target = draw(hnp.arrays(np.int64, shape[:-1], elements=st.sampled_from([-1, 1])))
    kw = {"target": target, "margin": draw(st.sampled_from([-2.0, 2.0])),
          "reduction": draw(REDUCTIONS)}  # fmt: skip
    return (draw(arrays(shape, NONZERO)), draw(arrays(shape, NONZERO))), kw


@st.composite
def margin_ranking_example(draw) -> Example:
    shape = draw(ags.shapes())
    # two lattices half a step apart: input1 - input2 is never 0, the kink of max(0, .)
    x1 = draw(arrays(shape, ags.lattice(1 / 8)))
    x2 = draw(arrays(shape, ags.lattice(1 / 8, 1 / 16)))
    y = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    return (x1, x2, y), {"reduction": draw(REDUCTIONS)}


@st.composite
def distance_example(draw, n_inputs: int) -> Example:
    """Inputs on lattices a third of a step apart: no difference is ever 0 (abs's kink)."""
    shape = draw(ags.shapes(min_dims=1))
    xs = tuple(draw(arrays(shape, ags.lattice(1 / 8, k / 24))) for k in range(n_inputs))
    return xs, {"p": draw(st.sampled_from([1.0, 2.0, 3.0]))}


@st.composite
def dim_example(draw, n_inputs: int = 1) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    xs = tuple(draw(arrays(shape, NONZERO)) for _ in range(n_inputs))
    return xs, {"dim": draw(st.integers(-len(shape), len(shape) - 1))}


@st.composite
def embedding_example(draw) -> Example:
    n, d = draw(st.integers(1, 4)), draw(st.integers(1, 3))
    idx = draw(hnp.arrays(np.int64, ags.shapes(max_dims=2), elements=st.integers(0, n - 1)))
    # no padding_idx: its row's values flow but not its gradient (PyTorch's semantics, which
    # differences cannot confirm); tested in test_torch_nn_misc.py and tests/test_nn_layers.py
    return (draw(arrays((n, d))),), {"input": idx}


def with_kwargs(inputs, kwargs=None):
    return inputs.flatmap(lambda xs: (kwargs or st.just({})).map(lambda kw: (xs, kw)))


ONE = ags.arrays().map(lambda x: (x,))
PROPERTY_CASES = [
    ("mish", F.mish, with_kwargs(ONE)),
    ("relu6", F.relu6,
     with_kwargs(ags.arrays(domain=ags.away_from([0.0, 6.0], within=ags.reals(7.0))).map(
         lambda x: (x,)))),
    ("prelu", F.prelu, prelu_example()),
    ("Softmax2d", lambda x: nn.Softmax2d()(x),
     with_kwargs(st.sampled_from([(2, 2, 2), (1, 3, 2, 2)]).flatmap(arrays).map(lambda x: (x,)))),
    ("batch_norm", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
     norm_example("batch_norm")),
    ("instance_norm", lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
     norm_example("instance_norm")),
    ("layer_norm", lambda x, *wb, normalized_shape: F.layer_norm(x, normalized_shape, *wb),
     norm_example("layer_norm")),
    ("group_norm", lambda x, w, b, num_groups: F.group_norm(x, num_groups, w, b),
     norm_example("group_norm")),
    ("rms_norm", lambda x, w, normalized_shape: F.rms_norm(x, normalized_shape, w),
     norm_example("rms_norm")),
    ("l1_loss", F.l1_loss, regression_example((0.0,), None)),
    ("smooth_l1_loss", F.smooth_l1_loss,
     regression_example((-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0), "beta")),
    ("huber_loss", F.huber_loss, regression_example((-2.0, -1.0, -0.5, 0.5, 1.0, 2.0), "delta")),
    ("kl_div", F.kl_div, kl_example()),
    ("cosine_embedding_loss", F.cosine_embedding_loss, cosine_embedding_example()),
    ("margin_ranking_loss", F.margin_ranking_loss, margin_ranking_example()),
    ("triplet_margin_loss",
     lambda a, pos, neg, **kw: F.triplet_margin_loss(a, pos, neg, margin=50.0, **kw),
     distance_example(3)),
    ("pairwise_distance", F.pairwise_distance, distance_example(2)),
    ("normalize", F.normalize, dim_example()),
    ("cosine_similarity", F.cosine_similarity, dim_example(2)),
    ("embedding", lambda w, **kw: F.embedding(weight=w, **kw), embedding_example()),
]  # fmt: skip
SEEDS = st.integers(0, 2**32 - 1)


def _cases():
    return pytest.mark.parametrize(
        ("fn", "examples"), [c[1:] for c in PROPERTY_CASES], ids=[c[0] for c in PROPERTY_CASES]
    )


@_cases()
@settings(max_examples=25)  # 20 functions x 2 checks: CI's 100 each would take ~30 s
@given(data=st.data())
def test_gradcheck(fn, examples, data):
    xs, kw = data.draw(examples, label="inputs, kwargs")
    assert gradcheck(lambda *a: fn(*a, **kw), *xs, seed=data.draw(SEEDS, label="seed"))


@_cases()
@settings(max_examples=25)  # 20 functions x 2 checks: CI's 100 each would take ~30 s
@given(data=st.data())
def test_gradgradcheck(fn, examples, data):
    xs, kw = data.draw(examples, label="inputs, kwargs")
    seed = data.draw(SEEDS, label="seed")
    assert gradgradcheck(lambda *a: fn(*a, **kw), *xs, mode="fast", seed=seed)


# ------------------------------------------------------------------------------- kinks


def grads(fn, *values, upstream=None):
    leaves = [ag.tensor(v, dtype=np.float64, requires_grad=True) for v in values]
    out = fn(*leaves)
    v = np.ones(out.shape) if upstream is None else upstream
    return [g.data for g in ag.grad(out, leaves, v)]


def second(fn, x):
    """The diagonal second derivative of an elementwise fn (the gradient of its gradient)."""
    leaf = ag.tensor(x, requires_grad=True)
    (g,) = ag.grad(fn(leaf).sum(), leaf, create_graph=True)
    if not g.requires_grad:
        return np.zeros(leaf.shape)
    return ag.grad(g.sum(), leaf)[0].data


def test_hardtanh_and_relu6_pass_no_gradient_at_their_bounds():
    (g,) = grads(lambda t: F.hardtanh(t, -1.0, 2.0), [-1.5, -1.0, 0.0, 2.0, 2.5])
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, 0.0, 0.0])
    (g,) = grads(F.relu6, [-1.0, 0.0, 3.0, 6.0, 7.0])
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, 0.0, 0.0])
    (g,) = grads(lambda t: ag.clip(t, -1.0, 2.0), [-1.0, 2.0])  # unlike clip
    np.testing.assert_array_equal(g, [1.0, 1.0])


@pytest.mark.parametrize(("fn", "slope"), [
    (lambda t: F.elu(t, 2.5), 2.5),
    (F.elu, 1.0),
    (F.selu, 1.0507009873554805 * 1.6732632423543772),
])  # fmt: skip
def test_elu_slope_at_0_is_the_negative_branchs_and_its_curvature_is_0(fn, slope):
    (g,) = grads(fn, [0.0])
    np.testing.assert_allclose(g, [slope], rtol=1e-15)
    np.testing.assert_array_equal(second(fn, np.array([0.0])), [0.0])
    np.testing.assert_allclose(second(fn, np.array([-1e-9])), [slope], rtol=1e-8)


def test_softplus_at_its_threshold_is_still_the_log_branch():
    # beta x = threshold is not above it: the value and slope are the log branch's
    x = np.array([0.5, 0.5 + 1e-12, 0.0])
    fn = lambda t: F.softplus(t, beta=2.0, threshold=1.0)  # noqa: E731
    np.testing.assert_allclose(F.softplus(x, 2.0, 1.0)[:1], [np.log1p(np.e) / 2], rtol=1e-15)
    (g,) = grads(fn, x)
    np.testing.assert_allclose(g, [1 / (1 + np.exp(-1.0)), 1.0, 0.5], rtol=1e-15)
    np.testing.assert_array_equal(second(fn, x)[:2], [0.0, 0.0])


def test_prelu_slope_at_0_is_the_weight():
    gx, gw = grads(F.prelu, [[0.0, 0.0], [1.0, -2.0]], [0.3, 0.6])
    np.testing.assert_allclose(gx, [[0.3, 0.6], [1.0, 0.6]], rtol=1e-15)
    np.testing.assert_array_equal(gw, [0.0, -2.0])


def test_regression_losses_at_their_kinks():
    d = np.array([0.0, 1.0, -1.0, 2.0])  # input - target
    (g,) = grads(lambda t: F.l1_loss(t, np.zeros(4), "sum"), d)
    np.testing.assert_array_equal(g, [0.0, 1.0, -1.0, 1.0])
    (g,) = grads(lambda t: F.smooth_l1_loss(t, np.zeros(4), "sum", beta=0.0), d)
    np.testing.assert_array_equal(g, [0.0, 1.0, -1.0, 1.0])
    (g,) = grads(lambda t: F.smooth_l1_loss(t, np.zeros(4), "sum", beta=1.0), d)
    np.testing.assert_array_equal(g, [0.0, 1.0, -1.0, 1.0])  # continuous at |d| = beta
    (g,) = grads(lambda t: F.huber_loss(t, np.zeros(4), "sum", delta=2.0), d)
    np.testing.assert_array_equal(g, [0.0, 1.0, -1.0, 2.0])


def test_margin_losses_pass_the_gradient_where_the_hinge_is_exactly_0():
    g1, g2 = grads(lambda a, b: F.margin_ranking_loss(a, b, np.array([1.0]), 0.5, "sum"),
                   [0.0], [0.5])  # fmt: skip
    np.testing.assert_array_equal([g1, g2], [[-1.0], [1.0]])  # as clamp_min: >= passes
    a, p, n = np.zeros((1, 1)), np.array([[1.0]]), np.array([[2.0]])
    ga, gp, gn = grads(lambda *xs: F.triplet_margin_loss(*xs, margin=1.0, eps=0.0), a, p, n)
    np.testing.assert_allclose([ga, gp, gn], [[[0.0]], [[1.0]], [[-1.0]]])


def test_zero_norms_give_finite_gradients():
    (g,) = grads(lambda t: F.normalize(t), np.zeros((1, 3)), upstream=np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(g, [[1e12, 2e12, 3e12]])  # 1 / eps: the clamp's side
    (g,) = grads(lambda t: F.pairwise_distance(t, np.ones((1, 3)), eps=0.0), np.ones((1, 3)))
    np.testing.assert_array_equal(g, np.zeros((1, 3)))
    (g, _) = grads(F.cosine_similarity, np.zeros((1, 2)), [[3.0, 4.0]])
    np.testing.assert_allclose(g, [[0.6e8, 0.8e8]])  # x2 / (eps |x2|)


def test_kl_div_target_gradient_at_a_zero_target_is_minus_the_input():
    x = np.log(np.array([0.2, 0.3, 0.5]))
    _, gt = grads(lambda a, b: F.kl_div(a, b, "sum"), x, [0.0, 0.5, 0.5])
    np.testing.assert_allclose(gt, [-x[0], np.log(0.5) + 1 - x[1], np.log(0.5) + 1 - x[2]])


# ------------------------------------------------------------------------------- stability


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("fn", "low", "high"), [
    (F.silu, -0.0, 1e4), (F.mish, -0.0, 1e4), (F.softplus, 0.0, 1e4),
    (F.elu, -1.0, 1e4), (F.selu, -1.7580993408473766, 1.0507009873554805e4),
])  # fmt: skip
def test_activations_are_finite_at_huge_inputs(fn, low, high, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        x = ag.tensor(np.array([-1e4, 1e4], dtype=dtype), requires_grad=True)
        y = fn(x)
        y.backward(np.ones(2, dtype))
    assert y.dtype == dtype and x.grad.dtype == dtype
    np.testing.assert_allclose(y.data, [low, high], rtol=1e-6)
    np.testing.assert_allclose(x.grad.data, [0.0, 1.0507009873554805 if fn is F.selu else 1.0],
                               rtol=1e-6)  # fmt: skip


def test_bce_clamps_its_logs_and_gradient_as_pytorch():
    x = ag.tensor([0.0, 1.0, 0.5], requires_grad=True)
    loss = F.binary_cross_entropy(x, [1.0, 0.0, 1.0], reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0, np.log(2)])
    loss.sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1e12, 1e12, -2.0], rtol=1e-8)


# ------------------------------------------------------------------------------- targets


def test_loss_targets_that_require_grad_get_gradients_and_constant_ones_stay_constants():
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    probs = ag.tensor(rng.dirichlet(np.ones(4), 3), requires_grad=True)
    bits = ag.tensor(rng.uniform(0.1, 0.9, size=(3, 4)), requires_grad=True)
    (g,) = ag.grad(F.cross_entropy(x, probs), probs)
    logp = x.data - np.log(np.exp(x.data).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(g.data, -logp / 3, rtol=1e-12)  # mean over the 3 rows
    (g,) = ag.grad(F.binary_cross_entropy_with_logits(x, bits, reduction="sum"), bits)
    np.testing.assert_allclose(g.data, -x.data, rtol=1e-12)
    p = 1 / (1 + np.exp(-x.data))
    (g,) = ag.grad(F.binary_cross_entropy(ag.tensor(p), bits, reduction="sum"), bits)
    np.testing.assert_allclose(g.data, np.log(1 - p) - np.log(p), rtol=1e-12)
    # labels, and floating targets without requires_grad: one-input ops, as before
    for loss in (
        F.cross_entropy(x, np.array([0, 1, 2])),
        F.cross_entropy(x, probs.detach()),
        F.binary_cross_entropy_with_logits(x, bits.detach()),
    ):
        assert loss.op.inputs == (x,)


# ------------------------------------------------------------------------------- modules


def test_dropout2d_drops_whole_channels_and_scales_the_rest():
    drop = nn.Dropout2d(0.25, rng=0)
    x = ag.tensor(np.ones((40, 30, 2, 3)), requires_grad=True)
    y = drop(x)
    per_channel = y.data.reshape(40, 30, 6)
    assert np.all(per_channel == per_channel[..., :1])  # whole channels
    kept = per_channel[..., 0] != 0
    assert abs(kept.mean() - 0.75) < 0.03
    np.testing.assert_allclose(per_channel[kept], 1 / 0.75)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)  # the gradient is the mask
    assert drop.eval()(x) is x
    np.testing.assert_array_equal(
        nn.Dropout2d(0.5, rng=3)(x.data), nn.Dropout2d(0.5, rng=3)(x.data)
    )
    with pytest.warns(UserWarning, match=r"dropout2d: a 3-D input is read as \(N, C, L\)"):
        y3 = F.dropout2d(np.ones((20, 10, 4)), 0.5, rng=1)
    assert np.all(y3 == y3[..., :1])
    assert F.dropout2d(np.ones((2, 2, 2, 2), np.float32), 0.5, rng=0).dtype == np.float32


def test_prelu_module_parameters_reset_and_repr():
    act = nn.PReLU(3, init=0.1)
    assert act.weight.dtype == np.float32 and act.weight.shape == (3,)
    np.testing.assert_allclose(act.weight.data, 0.1)
    act.weight.data[...] = 5.0
    act.reset_parameters()
    np.testing.assert_allclose(act.weight.data, 0.1)
    assert repr(act) == "PReLU(num_parameters=3)" and list(act.state_dict()) == ["weight"]
    y = act(np.full((2, 3), -1.0, np.float32))
    y.sum().backward()
    np.testing.assert_allclose(act.weight.grad.data, [-2.0] * 3)


def test_norm_modules_options_and_state():
    gn = nn.GroupNorm(2, 4, affine=False)
    assert list(gn.parameters()) == [] and repr(gn) == "GroupNorm(2, 4, eps=1e-05, affine=False)"
    assert nn.GroupNorm(2, 4, bias=False).bias is None
    assert gn(np.ones((2, 4, 3), np.float32)).dtype == np.float32
    inst = nn.InstanceNorm2d(3)  # PyTorch's defaults: no parameters, no buffers
    assert list(inst.state_dict()) == []
    tracked = nn.InstanceNorm1d(2, momentum=None, track_running_stats=True, dtype=np.float64)
    tracked(np.random.default_rng(0).normal(size=(3, 2, 4)))
    np.testing.assert_array_equal(tracked.running_mean, [0.0, 0.0])  # momentum None: kept
    with pytest.warns(UserWarning, match=r"InstanceNorm1d: input shape \(2, 5, 3\) has not"):
        inst1 = nn.InstanceNorm1d(4)(np.ones((2, 5, 3)))
    assert inst1.shape == (2, 5, 3)
    rms = nn.RMSNorm((2,), elementwise_affine=False)
    x = np.array([[1e-4, 0.0]], np.float32)
    want = x / np.sqrt((x * x).mean() + np.finfo(np.float32).eps)
    np.testing.assert_allclose(rms(x), want, rtol=1e-6)  # eps None: float32's machine epsilon
    assert repr(rms) == "RMSNorm((2,), eps=None, elementwise_affine=False)"


def test_a_bad_batch_changes_no_state():
    bn = nn.BatchNorm1d(2)
    with pytest.raises(ValueError, match=r"BatchNorm1d: need more than 1 value per channel"):
        bn(np.ones((1, 2)))
    assert int(bn.num_batches_tracked) == 0 and bn.running_mean.tolist() == [0.0, 0.0]
    mean, var = np.zeros(2), np.ones(2)
    with pytest.raises(ValueError, match=r"batch_norm: weight must have shape \(2,\), got \(3,\)"):
        F.batch_norm(np.ones((4, 2)), mean, var, np.ones(3), training=True)
    assert mean.tolist() == [0.0, 0.0] and var.tolist() == [1.0, 1.0]


def test_loss_modules_forward_their_options():
    x, t = np.array([0.2, 3.0]), np.zeros(2)
    assert float(nn.SmoothL1Loss("sum", beta=0.5)(x, t)) == float(
        F.smooth_l1_loss(x, t, "sum", 0.5)
    )
    assert nn.HuberLoss("none", 2.0)(x, t).tolist() == F.huber_loss(x, t, "none", 2.0).tolist()
    kl = nn.KLDivLoss("batchmean", log_target=True)
    assert repr(kl) == "KLDivLoss(reduction='batchmean', log_target=True)"
    assert repr(nn.TripletMarginLoss()) == (
        "TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=False, reduction='mean')"
    )
    assert repr(nn.CosineEmbeddingLoss(0.5)) == "CosineEmbeddingLoss(margin=0.5, reduction='mean')"
    w = np.array([1.0, 2.0])
    assert list(nn.BCELoss(w).state_dict()) == ["weight"]


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: F.prelu(np.ones((2, 3)), np.ones(2)), ValueError,
     r"prelu: weight of shape \(2,\) does not fit input of shape \(2, 3\)"),
    (lambda: nn.Softmax2d()(np.ones((2, 3))), ValueError,
     r"Softmax2d: expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, got shape \(2, 3\)"),
    (lambda: F.softplus(np.ones(2), beta=0.0), ValueError, "softplus: beta must be non-zero"),
    (lambda: nn.Hardtanh(1.0, 1.0), ValueError,
     r"Hardtanh: max_val \(1.0\) must be greater than min_val \(1.0\)"),
    (lambda: F.hardtanh(np.ones(2), 1.0, -1.0), ValueError, "hardtanh: min_val 1.0 is greater"),
    (lambda: nn.ELU("1"), TypeError, "elu: alpha must be a real number"),
    (lambda: nn.PReLU(0), ValueError, "PReLU: num_parameters must be a positive int"),
    (lambda: F.dropout2d(np.ones((2, 3)), 0.5), ValueError,
     r"dropout2d: expected a 4-D \(N, C, H, W\) input .*got shape \(2, 3\)"),
    (lambda: nn.Dropout2d(2.0), ValueError, r"Dropout2d: p must be in \[0, 1\], got 2.0"),
    (lambda: nn.GroupNorm(2, 3), ValueError,
     r"GroupNorm: num_channels \(3\) must be divisible by num_groups \(2\)"),
    (lambda: nn.GroupNorm(1, 3)(np.ones((2, 4))), ValueError,
     r"GroupNorm: expected input \(N, 3, ...\), got shape \(2, 4\)"),
    (lambda: F.group_norm(np.ones((2, 3, 2)), 2), ValueError,
     r"group_norm: the input's 3 channels \(axis 1 of shape \(2, 3, 2\)\) do not split"),
    (lambda: F.group_norm(np.ones((1, 2)), 2), ValueError,
     r"group_norm: need more than 1 value per group, got input shape \(1, 2\)"),
    (lambda: nn.InstanceNorm2d(3)(np.ones((2, 3))), ValueError,
     r"InstanceNorm2d: expected input with 3 or 4 dimensions and 3 channels"),
    (lambda: nn.InstanceNorm1d(3, affine=True)(np.ones((2, 4, 5))), ValueError,
     r"InstanceNorm1d: expected input with 2 or 3 dimensions and 3 channels .*\(2, 4, 5\)"),
    (lambda: F.instance_norm(np.ones((2, 3, 1))), ValueError,
     r"instance_norm: need more than 1 value per channel .*\(2, 3, 1\)"),
    (lambda: F.batch_norm(np.ones((2, 3)), None, None), ValueError,
     "batch_norm: running_mean and running_var are needed"),
    (lambda: F.batch_norm(np.ones((2, 3)), [0.0] * 3, [1.0] * 3, training=True), TypeError,
     r"batch_norm: running_mean must be an array \(updated in place\)"),
    (lambda: F.layer_norm(np.ones((2, 3)), (2,)), ValueError,
     r"layer_norm: input shape \(2, 3\) does not end with normalized_shape \(2,\)"),
    (lambda: F.layer_norm(np.ones((2, 3)), 3, np.ones(2)), ValueError,
     r"layer_norm: weight must have shape \(3,\), got \(2,\)"),
    (lambda: nn.RMSNorm(3)(np.ones((2, 4))), ValueError,
     r"RMSNorm: input shape \(2, 4\) does not end with normalized_shape \(3,\)"),
    (lambda: nn.RMSNorm(0), ValueError, "RMSNorm: normalized_shape must be positive ints"),
    (lambda: F.l1_loss(np.ones(2), np.ones(3)), ValueError,
     r"l1_loss: input shape \(2,\) and target shape \(3,\) differ"),
    (lambda: F.l1_loss(np.ones(2), np.ones(2), weight=np.ones(3)), ValueError,
     r"l1_loss: weight must have shape \(2,\), got \(3,\)"),
    (lambda: nn.SmoothL1Loss(beta=-1.0), ValueError, "SmoothL1Loss: beta must be >= 0, got -1.0"),
    (lambda: F.huber_loss(np.ones(2), np.ones(2), delta=0.0), ValueError,
     "huber_loss: delta must be > 0, got 0.0"),
    (lambda: nn.KLDivLoss("avg"), ValueError, "KLDivLoss: reduction must be one of .*batchmean"),
    (lambda: F.kl_div(np.ones(2), np.ones(2), "batchmean!"), ValueError, "kl_div: reduction"),
    (lambda: F.binary_cross_entropy(np.array([1.5]), np.ones(1)), ValueError,
     r"binary_cross_entropy: input must be probabilities in \[0, 1\], got values in \[1.5, 1.5\]"),
    (lambda: F.binary_cross_entropy(np.array([0.5]), np.ones(2)), ValueError,
     r"binary_cross_entropy: target shape \(2,\) must equal the input's shape \(1,\)"),
    (lambda: F.binary_cross_entropy(np.array([0.5]), [2.0]), ValueError,
     r"binary_cross_entropy: targets must be in \[0, 1\]"),
    (lambda: F.binary_cross_entropy(np.array([0.5]), [1.0], np.ones(2)), ValueError,
     r"binary_cross_entropy: weight of shape \(2,\) does not broadcast to the input's shape"),
    (lambda: F.cosine_embedding_loss(np.ones((2, 3)), np.ones((2, 3)), np.ones(3)), ValueError,
     r"cosine_embedding_loss: expected inputs \(N, D\) and target \(N,\).*target \(3,\)"),
    (lambda: F.margin_ranking_loss(np.ones(2), np.ones(2), np.ones((1, 2))), ValueError,
     r"margin_ranking_loss: .* got input1 \(2,\), input2 \(2,\), target \(1, 2\)"),
    (lambda: nn.TripletMarginLoss(margin=0.0), ValueError,
     "TripletMarginLoss: margin must be > 0, got 0.0"),
    (lambda: F.triplet_margin_loss(np.ones(2), np.ones(2), np.ones(2), p=0.0), ValueError,
     "triplet_margin_loss: p must be > 0, got 0.0"),
    (lambda: F.triplet_margin_loss(np.ones((1, 2)), np.ones(2), np.ones(2)), ValueError,
     r"triplet_margin_loss: .* dimensions, got anchor \(1, 2\), positive \(2,\), negative"),
    (lambda: F.one_hot(np.array([0.0])), TypeError,
     "one_hot: expected integer class indices, got dtype float64"),
    (lambda: F.one_hot(np.array([0, 3]), 2), ValueError,
     "one_hot: class values must be smaller than num_classes=2, got 3"),
    (lambda: F.one_hot(np.array([-1])), ValueError, "one_hot: class values must be non-negative"),
    (lambda: F.one_hot(np.zeros(0, int)), ValueError, "one_hot: cannot infer num_classes"),
    (lambda: F.normalize(np.ones(3)), ValueError,
     r"normalize: dim 1 is out of range for an input of shape \(3,\)"),
    (lambda: F.cosine_similarity(np.ones(3), np.ones(2), 0), ValueError,
     r"cosine_similarity: shapes \(3,\) and \(2,\) do not broadcast together"),
    (lambda: F.pairwise_distance(np.ones(()), np.ones(())), ValueError,
     "pairwise_distance: expected inputs with a last axis"),
    (lambda: F.embedding(np.array([0]), np.ones(3)), ValueError,
     r"embedding: weight must be 2-D \(num_embeddings, embedding_dim\), got shape \(3,\)"),
    (lambda: F.embedding(np.array([3]), np.ones((3, 2))), ValueError,
     "embedding: index 3 is out of range for 3 embeddings"),
    (lambda: F.embedding(np.array([0]), np.ones((3, 2)), padding_idx=3), ValueError,
     "embedding: padding_idx 3 is out of range for 3 embeddings"),
])  # fmt: skip
def test_errors_name_the_function_and_the_shapes(call, error, message):
    with pytest.raises(error, match=message):
        call()
