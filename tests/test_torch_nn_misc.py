"""The activations, norms, losses and utilities of issue 14 against PyTorch itself.

Every comparison runs in float64 on random inputs (and on the kinks and extremes where a
convention decides): outputs, the gradients of inputs, parameters and targets for a random
upstream gradient, second derivatives (a Hessian-vector product) where they exist, every
reduction, and state_dict loading from the PyTorch module for those with parameters or buffers.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
TF = torch.nn.functional

import autograd_lite as ag  # noqa: E402
from autograd_lite import nn  # noqa: E402
from autograd_lite.nn import functional as F  # noqa: E402

REDUCTIONS = ["mean", "sum", "none"]
RTOL, ATOL = 1e-10, 1e-12


def _t(a, grad=False):
    a = np.asarray(a)
    return torch.tensor(a, dtype=torch.float64 if a.dtype.kind == "f" else None, requires_grad=grad)


def compare(ours, theirs, *inputs, grad_of=None, second_order=False, seed=0, rtol=RTOL):
    """Run ``ours`` on autograd_lite tensors and ``theirs`` on torch tensors of the same values;
    compare outputs and the gradients of the inputs at positions ``grad_of`` (all floating
    ones by default) for a random upstream gradient, and with ``second_order`` the gradient of
    <gradients, w> (a Hessian-vector product) too."""
    rng = np.random.default_rng(seed)
    floating = [i for i, a in enumerate(inputs) if np.asarray(a).dtype.kind == "f"]
    grad_of = floating if grad_of is None else grad_of
    ag_in = [ag.tensor(a, requires_grad=i in grad_of) for i, a in enumerate(inputs)]
    th_in = [_t(a, i in grad_of) for i, a in enumerate(inputs)]
    out, ref = ours(*ag_in), theirs(*th_in)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=rtol, atol=ATOL)
    if not grad_of:
        return
    v = rng.uniform(0.5, 1.5, ref.shape) * rng.choice([-1.0, 1.0], ref.shape)
    ag_leaves = [ag_in[i] for i in grad_of]
    th_leaves = [th_in[i] for i in grad_of]
    grads = ag.grad(out, ag_leaves, v, create_graph=second_order)
    ref_grads = torch.autograd.grad(ref, th_leaves, _t(v), create_graph=second_order)
    for g, r in zip(grads, ref_grads, strict=True):
        np.testing.assert_allclose(g.data, r.detach().numpy(), rtol=rtol, atol=ATOL)
    if second_order:
        ws = [rng.normal(size=g.shape) for g in grads]
        dot = sum((g * w).sum() for g, w in zip(grads, ws))
        ref_dot = sum((r * _t(w)).sum() for r, w in zip(ref_grads, ws))
        ref_second = torch.autograd.grad(ref_dot, th_leaves, allow_unused=True)
        if not dot.requires_grad:  # the gradient is piecewise constant: no second derivative
            assert all(r is None or not r.any() for r in ref_second)
            return
        second = ag.grad(dot, ag_leaves, allow_unused=True)
        for g, r in zip(second, ref_second, strict=True):
            want = np.zeros(1) if r is None else r.numpy(force=True)  # (force: a ZeroTensor)
            got = np.zeros(1) if g is None else g.data
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-11)


def load_from_torch(ours, theirs):
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


rng = np.random.default_rng(2026)
# random values, extremes, and the kinks of every activation below (0, +-1, 6, threshold/beta)
X = np.concatenate(
    [rng.normal(scale=3.0, size=40), [0.0, 1.0, -1.0, 6.0, 0.5, 2.5, 10.0, -10.0, 1e3, -1e3]]
).reshape(5, 10)


# ------------------------------------------------------------------------------- activations

ACTIVATIONS = [
    ("silu", F.silu, TF.silu, True),
    ("selu", F.selu, TF.selu, True),
    ("mish", F.mish, TF.mish, False),  # torch's second derivative is NaN at 1e3: see below
    ("relu6", F.relu6, TF.relu6, True),
    ("elu", F.elu, TF.elu, True),
    ("elu-alpha", lambda x: F.elu(x, 0.5), lambda x: TF.elu(x, 0.5), True),
    ("elu-alpha2", lambda x: F.elu(x, alpha=2.0), lambda x: TF.elu(x, alpha=2.0), True),
    ("softplus", F.softplus, TF.softplus, True),
    ("softplus-beta", lambda x: F.softplus(x, 2.0, 1.0), lambda x: TF.softplus(x, 2.0, 1.0), True),
    ("softplus-neg", lambda x: F.softplus(x, -1.0, 10.0), lambda x: TF.softplus(x, -1, 10), True),
    ("hardtanh", F.hardtanh, TF.hardtanh, True),
    ("hardtanh-2", lambda x: F.hardtanh(x, -2.0, 0.5), lambda x: TF.hardtanh(x, -2.0, 0.5), True),
    ("SiLU", nn.SiLU(), torch.nn.SiLU(), False),
    ("ELU", nn.ELU(0.3), torch.nn.ELU(0.3), False),
    ("SELU", nn.SELU(), torch.nn.SELU(), False),
    ("Softplus", nn.Softplus(3.0, 5.0), torch.nn.Softplus(3.0, 5.0), False),
    ("Hardtanh", nn.Hardtanh(-0.5, 1.0), torch.nn.Hardtanh(-0.5, 1.0), False),
    ("ReLU6", nn.ReLU6(), torch.nn.ReLU6(), False),
    ("Mish", nn.Mish(), torch.nn.Mish(), False),
]


@pytest.mark.parametrize(
    ("ours", "theirs", "second"), [a[1:] for a in ACTIVATIONS], ids=[a[0] for a in ACTIVATIONS]
)
def test_activations_match_torch_with_kinks_and_extremes(ours, theirs, second):
    compare(ours, theirs, X, second_order=second)


def test_mish_second_derivative_matches_torch_and_is_0_where_torchs_is_nan():
    x = X[np.abs(X) < 100].reshape(4, -1)
    compare(F.mish, TF.mish, x, second_order=True)
    t = ag.tensor([1e3, -1e3], requires_grad=True)
    (g,) = ag.grad(F.mish(t).sum(), t, create_graph=True)
    (h,) = ag.grad(g.sum(), t)
    np.testing.assert_array_equal(h.data, [0.0, 0.0])  # mish(x) = x on both sides to 1e-400


def test_activations_float32_match_torch_at_extremes():
    x = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], dtype=np.float32)
    for ours, theirs in [
        (F.silu, TF.silu),
        (F.selu, TF.selu),
        (F.elu, TF.elu),
        (F.mish, TF.mish),
        (F.softplus, TF.softplus),
    ]:
        a, t = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        y, ref = ours(a), theirs(t)
        y.backward(np.ones(7, np.float32))
        ref.backward(torch.ones(7))
        assert y.dtype == np.float32 and a.grad.dtype == np.float32
        np.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-6, atol=1e-30)
        np.testing.assert_allclose(a.grad.data, t.grad.numpy(), rtol=1e-5, atol=1e-30)


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("per_channel", [False, True])
def test_prelu_matches_torch_module_and_function(shape, per_channel):
    x = rng.normal(size=shape)
    x.flat[0] = 0.0  # the kink: the slope is the weight's
    n = shape[1] if per_channel and len(shape) > 1 else 1
    theirs = torch.nn.PReLU(n, init=0.1).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(rng.uniform(-0.5, 0.5, n)))
    ours = nn.PReLU(n, init=0.1, dtype=np.float64)
    load_from_torch(ours, theirs)
    np.testing.assert_array_equal(ours.weight.data, theirs.weight.detach().numpy())
    y, ref = ours(ag.tensor(x, requires_grad=True)), theirs(_t(x))
    np.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=RTOL)
    w = ours.weight.data
    compare(F.prelu, TF.prelu, x, w)
    compare(F.prelu, TF.prelu, x, w[:1].reshape(()))  # a 0-d weight
    # Second order away from 0, where PyTorch's mixed second derivatives disagree with each
    # other (d/dx of the weight's gradient is 0 there, d/dweight of the input's is not).
    x.flat[0] = 0.5
    compare(F.prelu, TF.prelu, x, w, second_order=True)


def test_softmax2d_matches_torch():
    for shape in [(2, 3, 2, 2), (3, 2, 4)]:
        compare(nn.Softmax2d(), torch.nn.Softmax2d(), rng.normal(size=shape), second_order=True)


# ------------------------------------------------------------------------------- norms


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [False, True])
def test_functional_batch_norm_matches_torch_and_updates_the_running_stats(training, affine):
    x = rng.normal(loc=1.0, scale=2.0, size=(4, 3, 5))
    w, b = (rng.normal(size=3), rng.normal(size=3)) if affine else (None, None)
    stats = [rng.normal(size=3), rng.uniform(0.5, 2.0, 3)]
    ours_stats, torch_stats = [s.copy() for s in stats], [_t(s) for s in stats]
    extra = [w, b] if affine else []

    def ours(x, *wb):
        return F.batch_norm(x, *ours_stats, *wb, training=training, momentum=0.3, eps=1e-3)

    def theirs(x, *wb):
        return TF.batch_norm(x, *torch_stats, *wb, training=training, momentum=0.3, eps=1e-3)

    compare(ours, theirs, x, *extra, second_order=True)
    for a, t in zip(ours_stats, torch_stats):  # updated twice each (compare runs twice)
        np.testing.assert_allclose(a, t.numpy(), rtol=1e-12)


@pytest.mark.parametrize("use_input_stats", [True, False])
def test_functional_instance_norm_matches_torch(use_input_stats):
    x = rng.normal(size=(3, 2, 4, 3))
    w, b = rng.normal(size=2), rng.normal(size=2)
    stats = [rng.normal(size=2), rng.uniform(0.5, 2.0, 2)]
    ours_stats, torch_stats = [s.copy() for s in stats], [_t(s) for s in stats]

    def ours(x, w, b):
        return F.instance_norm(x, *ours_stats, w, b, use_input_stats, 0.2, 1e-4)

    def theirs(x, w, b):
        return TF.instance_norm(x, *torch_stats, w, b, use_input_stats, 0.2, 1e-4)

    compare(ours, theirs, x, w, b, second_order=True)
    for a, t in zip(ours_stats, torch_stats):
        np.testing.assert_allclose(a, t.numpy(), rtol=1e-12)
    compare(F.instance_norm, TF.instance_norm, x)  # no running statistics, no affine


def test_functional_layer_group_and_rms_norm_match_torch():
    x = rng.normal(size=(2, 6, 3))
    w, b = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    compare(
        lambda *a: F.layer_norm(a[0], (6, 3), *a[1:], eps=1e-3),
        lambda *a: TF.layer_norm(a[0], (6, 3), *a[1:], eps=1e-3),
        x,
        w,
        b,
        second_order=True,
    )
    compare(lambda x: F.layer_norm(x, 3), lambda x: TF.layer_norm(x, (3,)), x)
    gw, gb = rng.normal(size=6), rng.normal(size=6)
    for groups in (1, 2, 3, 6):
        compare(
            lambda *a, g=groups: F.group_norm(a[0], g, *a[1:]),
            lambda *a, g=groups: TF.group_norm(a[0], g, *a[1:]),
            x,
            gw,
            gb,
            second_order=True,
        )
    compare(lambda x: F.group_norm(x, 3), lambda x: TF.group_norm(x, 3), x[..., 0])
    compare(
        lambda x, w: F.rms_norm(x, (6, 3), w),
        lambda x, w: TF.rms_norm(x, (6, 3), w),
        x,
        w,
        second_order=True,
    )
    compare(lambda x: F.rms_norm(x, 3, eps=0.1), lambda x: TF.rms_norm(x, (3,), eps=0.1), x)


def test_rms_norm_default_eps_is_the_dtypes_machine_epsilon_as_torch():
    x = np.array([[1e-4, -2e-4, 1e-4]], dtype=np.float32)  # small: eps matters
    y = nn.RMSNorm(3, dtype=np.float32)(x)
    ref = torch.nn.RMSNorm(3)(torch.tensor(x))
    np.testing.assert_allclose(y.data, ref.detach().numpy(), rtol=1e-6)
    compare(
        nn.RMSNorm(3, elementwise_affine=False),
        torch.nn.RMSNorm(3, elementwise_affine=False),
        x.astype(np.float64) * 1e-6,
    )


def _train_torch(module, shapes, steps=3):
    """A few training steps (with an optimiser, so the affine parameters move)."""
    module.train()
    opt = torch.optim.SGD(module.parameters(), lr=0.5) if list(module.parameters()) else None
    for shape in shapes[:steps]:
        out = module(torch.tensor(rng.normal(loc=0.5, size=shape)))
        if opt is not None:
            opt.zero_grad()
            (out * torch.tensor(rng.normal(size=out.shape))).sum().backward()
            opt.step()


NORM_MODULES = [
    (
        "GroupNorm",
        lambda: nn.GroupNorm(2, 4, eps=1e-3),
        lambda: torch.nn.GroupNorm(2, 4, 1e-3),
        [(3, 4, 5)],
    ),
    (
        "GroupNorm-plain",
        lambda: nn.GroupNorm(4, 4, affine=False),
        lambda: torch.nn.GroupNorm(4, 4, affine=False),
        [(3, 4, 2, 2)],
    ),
    (
        "GroupNorm-nobias",
        lambda: nn.GroupNorm(1, 4, bias=False),
        lambda: torch.nn.GroupNorm(1, 4, bias=False),
        [(3, 4)],
    ),
    (
        "InstanceNorm1d",
        lambda: nn.InstanceNorm1d(3),
        lambda: torch.nn.InstanceNorm1d(3),
        [(2, 3, 5), (3, 5)],
    ),
    (
        "InstanceNorm1d-tracked",
        lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
        lambda: torch.nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
        [(2, 3, 5), (3, 5), (4, 3, 2)],
    ),
    (
        "InstanceNorm2d",
        lambda: nn.InstanceNorm2d(2, momentum=0.3, affine=True),
        lambda: torch.nn.InstanceNorm2d(2, momentum=0.3, affine=True),
        [(2, 2, 3, 3), (2, 3, 2)],
    ),
    (
        "InstanceNorm2d-tracked",
        lambda: nn.InstanceNorm2d(2, track_running_stats=True),
        lambda: torch.nn.InstanceNorm2d(2, track_running_stats=True),
        [(2, 2, 3, 3), (2, 4, 2)],
    ),
    (
        "InstanceNorm2d-cumulative",
        lambda: nn.InstanceNorm2d(2, momentum=None, track_running_stats=True),
        lambda: torch.nn.InstanceNorm2d(2, momentum=None, track_running_stats=True),
        [(2, 2, 3, 3), (2, 4, 2)],
    ),
    ("RMSNorm", lambda: nn.RMSNorm((2, 3)), lambda: torch.nn.RMSNorm((2, 3)), [(4, 2, 3)]),
    (
        "RMSNorm-eps",
        lambda: nn.RMSNorm(3, eps=0.5),
        lambda: torch.nn.RMSNorm(3, eps=0.5),
        [(4, 3), (3,)],
    ),
    (
        "BatchNorm1d-nobias",
        lambda: nn.BatchNorm1d(3, bias=False),
        lambda: torch.nn.BatchNorm1d(3, bias=False),
        [(4, 3), (4, 3, 2)],
    ),
    (
        "BatchNorm2d-cumulative",
        lambda: nn.BatchNorm2d(2, momentum=None),
        lambda: torch.nn.BatchNorm2d(2, momentum=None),
        [(3, 2, 2, 2)] * 3,
    ),
]


@pytest.mark.parametrize(
    ("make", "make_torch", "shapes"),
    [m[1:] for m in NORM_MODULES],
    ids=[m[0] for m in NORM_MODULES],
)
def test_norm_modules_match_torch_in_training_and_eval_and_load_its_state(make, make_torch, shapes):
    theirs = make_torch().double()
    ours = make()
    ours.to(np.float64)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    _train_torch(theirs, shapes)
    load_from_torch(ours, theirs)  # trained parameters, running statistics, batch count
    for mode in ("train", "eval"):
        for module in (ours, theirs):
            getattr(module, mode)()
        for shape in shapes:
            x = rng.normal(size=shape)
            params = [p for _, p in ours.named_parameters()]
            ref_params = [p for _, p in theirs.named_parameters()]
            x_ag, x_t = ag.tensor(x, requires_grad=True), _t(x, True)
            out, ref = ours(x_ag), theirs(x_t)
            np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-9, atol=1e-11)
            v = rng.normal(size=ref.shape)
            grads = ag.grad(out, [x_ag, *params], v)
            ref_grads = torch.autograd.grad(ref, [x_t, *ref_params], _t(v))
            for g, r in zip(grads, ref_grads):
                np.testing.assert_allclose(g.data, r.numpy(), rtol=1e-9, atol=1e-11)
        for (k, a), (_, t) in zip(ours.state_dict().items(), theirs.state_dict().items()):
            np.testing.assert_allclose(a, t.numpy(), rtol=1e-12, err_msg=k)


# ------------------------------------------------------------------------------- losses


def _pair(shape=(3, 4)):
    return rng.normal(size=shape), rng.normal(size=shape)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_regression_losses_match_torch_for_input_and_target(reduction):
    x, t = _pair()
    t[0, :2] = x[0, :2]  # d = 0: the kink of l1 (and of smooth L1 with beta 0)
    t[1, 0], t[1, 1] = x[1, 0] - 1.5, x[1, 1] + 0.7  # |d| = beta, |d| = delta below
    cases = [
        (
            lambda a, b: F.l1_loss(a, b, reduction),
            lambda a, b: TF.l1_loss(a, b, reduction=reduction),
        ),
        (
            lambda a, b: F.mse_loss(a, b, reduction),
            lambda a, b: TF.mse_loss(a, b, reduction=reduction),
        ),
        (nn.L1Loss(reduction), torch.nn.L1Loss(reduction=reduction)),
        (nn.SmoothL1Loss(reduction), torch.nn.SmoothL1Loss(reduction=reduction)),
        (
            nn.SmoothL1Loss(reduction, beta=1.5),
            torch.nn.SmoothL1Loss(reduction=reduction, beta=1.5),
        ),
        (
            nn.SmoothL1Loss(reduction, beta=0.0),
            torch.nn.SmoothL1Loss(reduction=reduction, beta=0.0),
        ),
        (nn.HuberLoss(reduction), torch.nn.HuberLoss(reduction=reduction)),
        (nn.HuberLoss(reduction, delta=0.7), torch.nn.HuberLoss(reduction=reduction, delta=0.7)),
    ]
    for ours, theirs in cases:
        compare(ours, theirs, x, t, second_order=True)
    w = rng.uniform(0.5, 2.0, x.shape)
    compare(
        lambda a, b, w: F.l1_loss(a, b, reduction, w),
        lambda a, b, w: TF.l1_loss(a, b, reduction=reduction, weight=w),
        x,
        t,
        w,
    )
    compare(
        lambda a, b, w: F.huber_loss(a, b, reduction, 0.5, w),
        lambda a, b, w: TF.huber_loss(a, b, reduction, 0.5, w),
        x,
        t,
        w,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_loss_matches_torch_with_weight_target_gradient_and_clamped_logs(reduction):
    x = rng.uniform(0.02, 0.98, (3, 4))
    x[0, :3] = [0.0, 1.0, 1e-50]  # log clamped at -100, gradient denominator at 1e-12
    t = rng.uniform(0.0, 1.0, (3, 4))
    t[0, :3] = [1.0, 0.0, 1.0]
    w = rng.uniform(0.5, 2.0, 4)
    compare(
        nn.BCELoss(reduction=reduction), torch.nn.BCELoss(reduction=reduction), x, t, grad_of=[0]
    )
    compare(
        nn.BCELoss(w, reduction), torch.nn.BCELoss(_t(w), reduction=reduction), x, t, grad_of=[0]
    )
    inner = x[1:]  # the target's gradient -logit(x) is finite inside (0, 1)
    compare(
        lambda a, b: F.binary_cross_entropy(a, b, w, reduction),
        lambda a, b: TF.binary_cross_entropy(a, b, _t(w), reduction=reduction),
        inner,
        t[1:],
    )
    module = nn.BCELoss(w)
    module.load_state_dict({"weight": torch.nn.BCELoss(_t(w * 2)).state_dict()["weight"].numpy()})
    np.testing.assert_array_equal(module.weight, w * 2)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "options",
    [{}, {"label_smoothing": 0.2}, {"weight": True}, {"weight": True, "label_smoothing": 0.1}],
)
def test_cross_entropy_probability_targets_get_torchs_gradient(reduction, options):
    x = rng.normal(size=(4, 3)) * 3
    t = rng.dirichlet(np.ones(3), 4)
    kw = dict(options, reduction=reduction)
    tkw = dict(kw)
    if "weight" in kw:
        kw["weight"] = rng.uniform(0.5, 2.0, 3)
        tkw["weight"] = _t(kw["weight"])
    compare(
        lambda a, b: F.cross_entropy(a, b, **kw),
        lambda a, b: TF.cross_entropy(a, b, **tkw),
        x,
        t,
        second_order=True,
    )
    compare(lambda b: F.cross_entropy(x, b, **kw), lambda b: TF.cross_entropy(_t(x), b, **tkw), t)
    loss = nn.CrossEntropyLoss(
        kw.get("weight"), reduction=reduction, label_smoothing=kw.get("label_smoothing", 0.0)
    )
    ref = torch.nn.CrossEntropyLoss(
        tkw.get("weight"), reduction=reduction, label_smoothing=kw.get("label_smoothing", 0.0)
    )
    compare(loss, ref, x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_with_logits_target_gets_torchs_gradient(reduction, weighted):
    x = rng.normal(size=(3, 4)) * 4
    t = rng.uniform(0.0, 1.0, (3, 4))
    pw, w = (rng.uniform(0.3, 3.0, 4), rng.uniform(0.5, 2.0, (3, 1))) if weighted else (None, None)
    loss = nn.BCEWithLogitsLoss(w, reduction, pos_weight=pw)
    ref = torch.nn.BCEWithLogitsLoss(
        None if w is None else _t(w), reduction=reduction, pos_weight=None if pw is None else _t(pw)
    )
    compare(loss, ref, x, t)
    # second order in x and t: torch's double backward knows no target, so check ours against
    # the closed form: d/dt (-x + (pw - 1) softplus(-x)) = 0 and d/dx of it = -1 - (pw - 1) s(-x)
    a, b = ag.tensor(x, requires_grad=True), ag.tensor(t, requires_grad=True)
    (gt,) = ag.grad(F.binary_cross_entropy_with_logits(a, b, w, "sum", pw), [b], create_graph=True)
    (gx,) = ag.grad(gt.sum(), [a])
    pw1 = 0.0 if pw is None else pw - 1.0
    want = (-1.0 - pw1 / (1 + np.exp(x))) * (1.0 if w is None else w)
    np.testing.assert_allclose(gx.data, want, rtol=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "batchmean", "sum", "none"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_matches_torch(reduction, log_target):
    x = np.log(rng.dirichlet(np.ones(4), 3))
    t = rng.dirichlet(np.ones(4), 3)
    if log_target:
        t = np.log(t)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's warning about "mean"
        compare(
            nn.KLDivLoss(reduction, log_target),
            torch.nn.KLDivLoss(reduction=reduction, log_target=log_target),
            x,
            t,
            second_order=True,
        )
        t0 = np.array([0.0, 0.5, 0.25, 0.25])  # a zero target: 0 * log 0 = 0 in the value
        compare(
            lambda a: F.kl_div(a, t0, reduction),
            lambda a: TF.kl_div(a, _t(t0), reduction=reduction),
            x[0],
        )
        compare(
            lambda a, b: F.kl_div(a, b, reduction),
            lambda a, b: TF.kl_div(a, b, reduction=reduction),
            np.array(-0.7),
            np.array(0.3),
        )  # 0-d: batchmean is the sum


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_embedding_loss_matches_torch(reduction):
    x1, x2 = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    x2[1] = -x1[1] * 2
    y = np.array([1, -1, -1, 1, 0, -1])  # a 0 target counts for nothing
    for margin in (0.0, 0.3, -0.5):
        compare(
            nn.CosineEmbeddingLoss(margin, reduction),
            torch.nn.CosineEmbeddingLoss(margin, reduction=reduction),
            x1,
            x2,
            y,
            grad_of=[0, 1],
            second_order=True,
        )
    compare(
        lambda a, b: F.cosine_embedding_loss(a, b, np.array(-1), 0.1),
        lambda a, b: TF.cosine_embedding_loss(a, b, torch.tensor(-1), 0.1),
        x1[0],
        x2[0],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_margin_ranking_loss_matches_torch(reduction):
    x1, x2 = rng.normal(size=5), rng.normal(size=5)
    y = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    x2[0] = x1[0] + 0.5  # -y (x1 - x2) + margin = 0: the clamp passes the gradient there
    for margin in (0.0, 0.5):
        compare(
            nn.MarginRankingLoss(margin, reduction),
            torch.nn.MarginRankingLoss(margin, reduction=reduction),
            x1,
            x2,
            y,
        )
    compare(
        lambda a, b, c: F.margin_ranking_loss(a, b, c, 0.2, reduction),
        lambda a, b, c: TF.margin_ranking_loss(a, b, c, 0.2, reduction=reduction),
        x1.reshape(5, 1),
        x2.reshape(1, 5),
        y.reshape(5, 1),
    )  # broadcast; target's gradient


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("p", "swap"),
    [(2.0, False), (2.0, True), (1.0, False), (3.0, True), (np.inf, False), (0.5, False)],
)
def test_triplet_margin_loss_matches_torch(reduction, p, swap):
    a, pos, neg = (rng.normal(size=(5, 3)) for _ in range(3))
    compare(
        nn.TripletMarginLoss(0.8, p, 1e-6, swap, reduction),
        torch.nn.TripletMarginLoss(0.8, p, 1e-6, swap, reduction=reduction),
        a,
        pos,
        neg,
        second_order=p not in (np.inf, 0.5),
    )
    compare(
        lambda *xs: F.triplet_margin_loss(*xs, margin=2.0, p=p),
        lambda *xs: TF.triplet_margin_loss(*xs, margin=2.0, p=p),
        a[0],
        pos[0],
        neg[0],
    )


# ------------------------------------------------------------------------------- utilities


def test_one_hot_matches_torch():
    for idx, n in [
        (np.array([0, 3, 1]), -1),
        (np.array([[2], [0]]), 5),
        (np.array(1), 3),
        (np.zeros(0, np.int64), 4),
    ]:
        got = F.one_hot(ag.tensor(idx), n)
        assert isinstance(got, ag.Tensor) and got.dtype == np.int64
        np.testing.assert_array_equal(got.data, TF.one_hot(torch.tensor(idx), n).numpy())


@pytest.mark.parametrize("p", [1.0, 2.0, 3.0, np.inf])
def test_normalize_matches_torch_with_zero_rows(p):
    x = rng.normal(size=(3, 4))
    x[1] = 0.0  # the norm is 0: the clamp to eps decides, and the gradient stays finite
    for dim in (1, 0, -1):
        compare(lambda a, d=dim: F.normalize(a, p, d), lambda a, d=dim: TF.normalize(a, p, d), x)
    compare(lambda a: F.normalize(a, eps=10.0), lambda a: TF.normalize(a, eps=10.0), x)
    # second order without the zero row, where PyTorch's is NaN (0 * inf in its norm's backward)
    compare(
        lambda a: F.normalize(a, p),
        lambda a: TF.normalize(a, p),
        x[[0, 2]],
        second_order=p != np.inf,
    )
    zero = ag.tensor(np.zeros((1, 3)), requires_grad=True)
    (g,) = ag.grad((F.normalize(zero, p) * np.arange(3.0)).sum(), zero, create_graph=True)
    np.testing.assert_array_equal(g.data, np.arange(3.0)[None] / 1e-12)  # the clamp's slope
    if g.requires_grad:
        (h,) = ag.grad(g.sum(), zero)
        assert np.all(np.isfinite(h.data))


def test_cosine_similarity_and_pairwise_distance_match_torch():
    x1, x2 = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    x1[2] = 0.0  # a zero vector: clamped to eps
    compare(F.cosine_similarity, TF.cosine_similarity, x1, x2)
    # second order without the zero vector, where PyTorch's is NaN (0 * inf)
    compare(
        F.cosine_similarity, TF.cosine_similarity, x1[[0, 1, 3]], x2[[0, 1, 3]], second_order=True
    )
    compare(
        lambda a, b: F.cosine_similarity(a, b, dim=0, eps=0.5),
        lambda a, b: TF.cosine_similarity(a, b, dim=0, eps=0.5),
        x1,
        x2,
    )
    compare(
        lambda a, b: F.cosine_similarity(a, b, -1),
        lambda a, b: TF.cosine_similarity(a, b, -1),
        x1[:, None, :],
        x2[None, :, :],
    )  # broadcast to (4, 4, 3)
    for p in (1.0, 2.0, 3.0, np.inf):
        for k in (False, True):
            compare(
                lambda a, b, p=p, k=k: F.pairwise_distance(a, b, p, keepdim=k),
                lambda a, b, p=p, k=k: TF.pairwise_distance(a, b, p, keepdim=k),
                x1,
                x2,
            )
    compare(F.pairwise_distance, TF.pairwise_distance, x1, x1[0] - 1e-6)  # a zero distance: grad 0
    compare(F.pairwise_distance, TF.pairwise_distance, x1[0], x2[0], second_order=True)


def test_embedding_matches_torch_with_padding():
    weight = rng.normal(size=(5, 3))
    idx = np.array([[0, 4, 2], [2, 2, -0]])
    for padding_idx in (None, 2, -1):
        compare(
            lambda w, p=padding_idx: F.embedding(idx, w, p),
            lambda w, p=padding_idx: TF.embedding(torch.tensor(idx), w, p),
            weight,
        )
    theirs = torch.nn.Embedding(5, 3, padding_idx=1).double()
    ours = nn.Embedding(5, 3, padding_idx=1, dtype=np.float64)
    load_from_torch(ours, theirs)
    out, ref = ours(idx), theirs(torch.tensor(idx))
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    v = rng.normal(size=ref.shape)
    out.backward(v)
    ref.backward(_t(v))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), rtol=1e-12)
