"""PyTorch's forms of the reductions, scans and sorting functions, against PyTorch itself.

Every call is written once for both libraries where the spelling is PyTorch's (``x.max(1)``,
``x.sum(1, True)``, ``ag.max(x, dim=1)``): values, indices and dtypes must agree, and so must
the gradients (first order for all, second order where PyTorch has it), including at ties and
zeros where PyTorch documents a convention.
"""

import numpy as np
import pytest

import autograd_lite as ag

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4))  # distinct values
ZEROS = np.array([[2.0, 0.0, 3.0, 0.0], [0.5, -1.5, 0.0, 2.0], [1.0, 2.0, -1.0, 3.0]])
TIES = np.array([[2.0, 1.0, 2.0, 2.0], [0.0, 0.0, -1.0, 0.0], [3.0, 3.0, 3.0, 3.0]])


def run(fn, x, lib, order=1):
    """``fn(leaf)`` in one library: its outputs as arrays, and the gradients of a fixed
    weighted sum of the floating outputs (and, with ``order=2``, of that gradient)."""
    if lib == "ag":
        leaf = ag.tensor(x, requires_grad=True)
    else:
        leaf = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out = fn(leaf)
    outs = list(out) if isinstance(out, tuple) else [out]
    arrays = [o.detach().numpy() if lib == "torch" else o.data for o in outs]
    weights = np.cos(np.arange(np.size(arrays[0]))).reshape(np.shape(arrays[0])) + 1.5
    w = weights if lib == "ag" else torch.tensor(weights)
    loss = (outs[0] * w).sum()
    if lib == "ag":
        (g,) = ag.grad(loss, leaf, create_graph=order > 1)
        grads = [g.data]
        if order > 1:
            (gg,) = ag.grad((g * g).sum(), leaf)
            grads.append(gg.data)
    else:
        (g,) = torch.autograd.grad(loss, leaf, create_graph=order > 1)
        grads = [g.detach().numpy()]
        if order > 1:
            (gg,) = torch.autograd.grad((g * g).sum(), leaf)
            grads.append(gg.numpy())
    return outs, arrays, grads


def function(name, *args, **kwargs):
    """``ag.<name>(t, ...)`` or ``torch.<name>(t, ...)``, by the library of ``t``."""
    return lambda t: getattr(ag if isinstance(t, ag.Tensor) else torch, name)(t, *args, **kwargs)


def check(fn, x=X, order=1, torch_fn=None):
    """``fn`` (or ``torch_fn`` on the PyTorch side) in both libraries: same outputs (values
    and indices, with their dtypes' kinds and the named tuple's fields), same gradients."""
    ours, ours_arrays, ours_grads = run(fn, x, "ag", order)
    theirs, theirs_arrays, theirs_grads = run(torch_fn or fn, x, "torch", order)
    assert len(ours_arrays) == len(theirs_arrays)
    for a, b in zip(ours_arrays, theirs_arrays):
        assert a.shape == b.shape and a.dtype.kind == b.dtype.kind, (a, b)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    for a, b in zip(ours_grads, theirs_grads):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    ours_out, theirs_out = fn(ag.tensor(x)), (torch_fn or fn)(torch.tensor(x))
    if isinstance(theirs_out, tuple):  # a named tuple: .values, .indices, unpackable
        values, indices = ours_out
        assert values is ours_out.values and indices is ours_out.indices
        assert type(ours_out).__name__ == type(theirs_out).__name__.rpartition(".")[2]


# --------------------------------------------------------------------------- dim= and keepdim=

REDUCTIONS = ["sum", "mean", "prod", "amax", "amin", "logsumexp"]


@pytest.mark.parametrize(
    "name, dim",
    [
        (name, dim)
        for name in REDUCTIONS
        for dim in (0, 1, -1, (0, 1))
        if name != "prod" or dim != (0, 1)
    ],
)  # (PyTorch's prod takes one dim)
@pytest.mark.parametrize("keepdim", [False, True])
def test_reductions_with_dim_and_keepdim(name, dim, keepdim):
    check(function(name, dim=dim, keepdim=keepdim))
    check(lambda t: getattr(t, name)(dim, keepdim))  # the method, positionally
    check(lambda t: getattr(t, name)(dim=dim, keepdim=keepdim))


@pytest.mark.parametrize("name", ["sum", "mean", "amax", "amin"])
def test_empty_dim_means_every_dim(name):
    check(lambda t: getattr(t, name)(dim=()), TIES)


@pytest.mark.parametrize("name", ["sum", "mean", "prod", "max", "min", "amax", "amin"])
def test_reductions_without_dim_and_their_ties(name):
    check(lambda t: getattr(t, name)(), TIES)
    check(lambda t: getattr(t, name)(), ZEROS, order=2 if name == "prod" else 1)


def test_prod_with_zeros_to_second_order():
    for dim in (0, 1):
        check(lambda t, dim=dim: t.prod(dim), ZEROS, order=2)
    check(lambda t: t.prod(1, keepdim=True), np.array([[0.0, 0.0, 2.0], [0.0, 1.0, 2.0]]), order=2)


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_min_with_dim_return_values_and_indices(name, keepdim):
    for x in (X, TIES):
        check(lambda t: getattr(t, name)(1, keepdim), x)
        check(lambda t: getattr(t, name)(dim=0, keepdim=keepdim), x)
        check(function(name, dim=-1, keepdim=keepdim), x)


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_of_another_tensor_is_elementwise(name):
    other = np.where(TIES > 1, TIES, -TIES)  # ties with TIES in places

    def fn(t):
        o = ag.tensor(other) if isinstance(t, ag.Tensor) else torch.tensor(other)
        return getattr(t, name)(o)

    check(fn, TIES)


def test_numpy_keywords_on_the_methods_keep_numpys_meaning():
    x = ag.tensor(X)
    np.testing.assert_array_equal(x.max(axis=1).data, X.max(axis=1))
    np.testing.assert_array_equal(x.sort(axis=0).data, np.sort(X, axis=0))
    np.testing.assert_allclose(x.var(axis=1).data, X.var(axis=1))
    np.testing.assert_allclose(x.std(keepdims=True).data, X.std(keepdims=True))
    np.testing.assert_allclose(x.median(axis=1).data, np.median(X, axis=1))


# --------------------------------------------------------------------------- var and std


@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_are_unbiased_by_default_with_correction_and_unbiased(name):
    check(lambda t: getattr(t, name)(), order=2)
    check(lambda t: getattr(t, name)(1), order=2)
    check(lambda t: getattr(t, name)(1, True, True))  # dim, unbiased, keepdim
    check(lambda t: getattr(t, name)(0, False))
    check(lambda t: getattr(t, name)(False))  # x.var(unbiased)
    check(lambda t: getattr(t, name)(dim=1, correction=0, keepdim=True))
    check(lambda t: getattr(t, name)(dim=(0, 1), correction=2))
    check(lambda t: getattr(t, name)(unbiased=False))
    check(function(name, dim=1))


def test_std_of_equal_values_has_pytorchs_zero_gradient():
    check(lambda t: t.std(1), TIES)


# --------------------------------------------------------------------------- softmax, indices


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_with_dim(name):
    check(lambda t: getattr(t, name)(0), order=2)
    check(function(name, dim=0))


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin_with_dim_keepdim_and_ties(name):
    for x in (X, TIES):
        for kwargs in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}, {"keepdim": True}):
            ours = getattr(ag.tensor(x), name)(**kwargs)
            theirs = getattr(torch.tensor(x), name)(**kwargs)
            np.testing.assert_array_equal(ours.data, theirs.numpy())
        np.testing.assert_array_equal(
            getattr(ag.tensor(x), name)(1).data, getattr(torch.tensor(x), name)(1).numpy()
        )


@pytest.mark.parametrize("name", ["all", "any"])
def test_all_any_with_dim(name):
    for kwargs in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):
        ours = getattr(ag.tensor(ZEROS), name)(**kwargs)
        theirs = getattr(torch.tensor(ZEROS), name)(**kwargs)
        assert ours.dtype == np.bool_
        np.testing.assert_array_equal(ours.data, theirs.numpy())


def test_nonzero_and_count_nonzero():
    ours, theirs = ag.tensor(ZEROS), torch.tensor(ZEROS)
    np.testing.assert_array_equal(ours.nonzero().data, theirs.nonzero().numpy())
    for a, b in zip(ours.nonzero(as_tuple=True), theirs.nonzero(as_tuple=True), strict=True):
        np.testing.assert_array_equal(a.data, b.numpy())
    np.testing.assert_array_equal(ours.count_nonzero(1).data, theirs.count_nonzero(1).numpy())
    np.testing.assert_array_equal(
        ag.count_nonzero(ours, dim=0).data, torch.count_nonzero(theirs, dim=0).numpy()
    )


# --------------------------------------------------------------------------- scans


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_scans_with_dim_to_second_order(name, dim):
    for x in (X, ZEROS):
        check(lambda t: getattr(t, name)(dim), x, order=2 if name == "cumprod" else 1)
        check(lambda t: getattr(t, name)(dim=dim), x)


def test_cumprod_with_several_zeros_to_second_order():
    x = np.array([[0.0, 2.0, 0.0, 3.0, 0.0], [1.5, 0.0, 0.0, 2.0, -1.0]])
    check(lambda t: t.cumprod(1), x, order=2)


# --------------------------------------------------------------------------- sorting


@pytest.mark.parametrize("descending", [False, True])
def test_sort_returns_values_and_indices(descending):
    for x in (X, TIES):
        check(lambda t: t.sort(), x)
        check(lambda t: t.sort(0, descending), x)
        check(lambda t: t.sort(dim=1, descending=descending, stable=True), x)
        check(
            function("sort", dim=0, descending=descending),
            x,
            torch_fn=function("sort", dim=0, descending=descending, stable=True),
        )
        ours = ag.tensor(x).argsort(1, descending)
        theirs = torch.tensor(x).argsort(dim=1, descending=descending, stable=True)
        np.testing.assert_array_equal(ours.data, theirs.numpy())


@pytest.mark.parametrize("largest", [True, False])
def test_topk(largest):
    for k in (1, 3):
        check(lambda t, k=k: t.topk(k, 1, largest), X)
        check(lambda t, k=k: t.topk(k, dim=0, largest=largest, sorted=True), X)
        check(function("topk", k, largest=largest))


def test_median_is_the_lower_middle_value():
    for x in (X, TIES, np.array([[4.0, 1.0, 3.0, 2.0]])):
        check(lambda t: t.median(), x)
        check(lambda t: t.median(1), x)
        check(lambda t: t.median(0, keepdim=True), x)
        check(function("median", dim=1), x)
        check(function("median", keepdim=False), x, torch_fn=lambda t: t.median())
    nan = np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]])
    ours, theirs = ag.tensor(nan).median(1), torch.tensor(nan).median(1)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert np.isnan(ag.tensor(nan).median().data) and np.isnan(ag.median(nan))


@pytest.mark.parametrize("interpolation", ["linear", "lower", "higher", "midpoint", "nearest"])
def test_quantile(interpolation):
    for q in (0.3, [0.0, 0.25, 0.5, 1.0]):
        for kwargs in ({}, {"dim": 1}, {"dim": 0, "keepdim": True}):

            def fn(t, q=q, kwargs=kwargs):
                qs = torch.tensor(q, dtype=torch.float64) if not isinstance(t, ag.Tensor) else q
                return t.quantile(qs, interpolation=interpolation, **kwargs)

            check(fn, X)
            check(fn, TIES)


# --------------------------------------------------------------------------- clamp


def test_clamp_and_clip():
    for kwargs in ({"min": -0.5, "max": 0.5}, {"min": 0.0}, {"max": 0.0}):
        check(lambda t, kwargs=kwargs: t.clamp(**kwargs), np.round(X, 1))
        check(lambda t, kwargs=kwargs: t.clip(**kwargs), np.round(X, 1))
    check(lambda t: t.clamp(-0.5, 0.5), X)
    at_bounds = np.array([[-1.0, 1.0, 0.0, 2.0]])
    check(lambda t: t.clamp(-1.0, 1.0), at_bounds)
    check(function("clamp", -1.0, 1.0), at_bounds)
