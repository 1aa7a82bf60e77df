"""The elementwise functions against PyTorch: values, gradients and second derivatives, in
the domain of each function and at the points where PyTorch documents a convention (the
jumps of remainder and fmod, sign at 0, the rounding functions, clamp's bounds, NaN and
infinities for nan_to_num, sinc at 0)."""

import numpy as np
import pytest

import autograd_lite as ag

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(1)
REALS = RNG.uniform(-2.5, 2.5, (3, 4))
UNIT = RNG.uniform(-0.9, 0.9, (3, 4))
POSITIVE = RNG.uniform(0.2, 3.0, (3, 4))
OTHER = RNG.uniform(-2.5, 2.5, (4,))  # broadcasts against the (3, 4) inputs

# (name in both libraries, input, highest order PyTorch can check)
UNARY = [
    ("tan", UNIT, 2),
    ("sinh", REALS, 2),
    ("cosh", REALS, 2),
    ("arcsin", UNIT, 2),
    ("arccos", UNIT, 2),
    ("arctan", REALS, 2),
    ("arcsinh", REALS, 2),
    ("arccosh", POSITIVE + 1.0, 2),
    ("arctanh", UNIT, 2),
    ("log2", POSITIVE, 2),
    ("log10", POSITIVE, 2),
    ("log1p", POSITIVE - 0.1, 2),
    ("expm1", REALS, 2),
    ("exp2", REALS, 2),
    ("square", REALS, 2),
    ("reciprocal", POSITIVE, 2),
    ("deg2rad", REALS, 1),  # (linear)
    ("rad2deg", REALS, 1),
    ("sinc", np.append(REALS.ravel(), [1e-3, -0.02, 0.5]), 2),
    ("absolute", REALS, 1),
    ("sign", np.append(REALS.ravel(), 0.0), 1),
    ("floor", REALS, 1),
    ("ceil", REALS, 1),
    ("trunc", REALS, 1),
    ("round", np.array([0.5, 1.5, 2.5, -0.5, 0.2, 1.7]), 1),
    ("nan_to_num", np.array([np.nan, np.inf, -np.inf, 1.5, -2.0]), 1),
]
BINARY = [
    ("remainder", REALS, OTHER),
    ("fmod", REALS, OTHER),
    ("hypot", REALS, OTHER),
    ("arctan2", REALS, OTHER),
    ("logaddexp", REALS, OTHER),
    ("logaddexp2", REALS, OTHER),
    ("true_divide", REALS, OTHER),
    ("fmax", np.array([1.0, 2.0, np.nan, 0.5]), np.array([0.0, np.nan, 3.0, 1.5])),
    ("fmin", np.array([1.0, 2.0, np.nan, 0.5]), np.array([0.0, np.nan, 3.0, 1.5])),
]


def grads(lib, fn, *arrays, order=1):
    """Values, first-order gradients of a weighted sum and (order 2) of their squares."""
    if lib == "ag":
        leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    else:
        leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    w = np.linspace(0.5, 1.5, out.numel() if lib == "torch" else out.size).reshape(out.shape)
    loss = (out * (w if lib == "ag" else torch.tensor(w))).sum()
    if lib == "ag":
        first = ag.grad(loss, leaves, create_graph=order > 1)
        values = [out.data] + [g.data for g in first]
        if order > 1:
            values += [g.data for g in ag.grad(sum((g * g).sum() for g in first), leaves)]
    else:
        first = torch.autograd.grad(loss, leaves, create_graph=order > 1)
        values = [out.detach().numpy()] + [g.detach().numpy() for g in first]
        if order > 1:
            second = torch.autograd.grad(sum((g * g).sum() for g in first), leaves)
            values += [g.numpy() for g in second]
    return values


def compare(ours, theirs, *arrays, order=1):
    with np.errstate(all="ignore"):
        got = grads("ag", ours, *arrays, order=order)
    expected = grads("torch", theirs, *arrays, order=order)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name, x, order", UNARY, ids=[u[0] for u in UNARY])
def test_unary_functions_and_methods(name, x, order):
    compare(getattr(ag, name), getattr(torch, name), x, order=order)
    compare(lambda t: getattr(t, name)(), lambda t: getattr(t, name)(), x, order=order)


@pytest.mark.parametrize("name, a, b", BINARY, ids=[b[0] for b in BINARY])
def test_binary_functions_and_methods(name, a, b):
    order = 1 if name in ("fmax", "fmin", "remainder", "fmod") else 2
    compare(getattr(ag, name), getattr(torch, name), a, b, order=order)
    compare(lambda s, t: getattr(s, name)(t), lambda s, t: getattr(s, name)(t), a, b)


def test_sinc_at_zero_where_pytorchs_second_derivative_is_nan():
    x = np.array([0.0, 0.25])
    compare(ag.sinc, torch.sinc, x)  # the value 1 and the gradient 0 at 0, as PyTorch's
    ours = grads("ag", ag.sinc, x, order=2)[-1]
    theirs = grads("torch", torch.sinc, x, order=2)[-1]
    # d(g^2)/dx = 2 g g' is 0 at 0 (there g = 0 and g' = -pi^2/3, see test_conventions)
    assert ours[0] == 0.0 and np.isnan(theirs[0])
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10)


def test_fmax_fmin_ties_share_the_gradient_where_pytorch_gives_it_to_the_first():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([1.0, 0.0], requires_grad=True)
    ga, gb = ag.grad(ag.fmax(a, b).sum(), [a, b])
    np.testing.assert_array_equal(ga.data, [0.5, 1.0])
    np.testing.assert_array_equal(gb.data, [0.5, 0.0])
    ta = torch.tensor([1.0, 2.0], requires_grad=True)
    tb = torch.tensor([1.0, 0.0], requires_grad=True)
    tga, tgb = torch.autograd.grad(torch.fmax(ta, tb).sum(), [ta, tb])
    np.testing.assert_array_equal(tga.numpy(), [1.0, 1.0])  # PyTorch's convention differs
    np.testing.assert_array_equal(tgb.numpy(), [0.0, 0.0])


def test_hypot_at_the_origin_is_zero_where_pytorch_gives_nan():
    _, ga, gb = grads("ag", ag.hypot, np.array([0.0]), np.array([0.0]))
    assert ga[0] == 0.0 and gb[0] == 0.0


def test_remainder_and_fmod_at_their_jumps_and_as_operators():
    a, b = np.array([4.0, -3.0, 5.0, 7.5]), np.array([2.0, 2.0, -2.0, 2.5])
    for name in ("remainder", "fmod"):
        compare(getattr(ag, name), getattr(torch, name), a, b)
    compare(lambda s, t: s % t, lambda s, t: s % t, a, b)
    compare(  # (PyTorch has no derivative for 2.0 % t; remainder(2.0, t) is the same)
        lambda s, t: s + 2.0 % (t + 3.0),
        lambda s, t: s + torch.remainder(torch.full_like(t, 2.0), t + 3.0),
        a,
        b,
    )
    with np.errstate(all="ignore"):
        ours = (ag.tensor(a) // ag.tensor(b)).data
    np.testing.assert_array_equal(ours, (torch.tensor(a) // torch.tensor(b)).numpy())


def test_round_with_decimals():
    x = np.array([0.125, 1.255, -2.675, 3.14159])
    compare(lambda t: ag.round(t, 2), lambda t: torch.round(t, decimals=2), x)
    compare(lambda t: t.round(decimals=1), lambda t: t.round(decimals=1), x)


def test_nan_to_num_with_replacements():
    x = np.array([np.nan, np.inf, -np.inf, 1.5])
    compare(
        lambda t: t.nan_to_num(1.0, 2.0, -2.0),
        lambda t: t.nan_to_num(1.0, 2.0, -2.0),
        x,
    )
