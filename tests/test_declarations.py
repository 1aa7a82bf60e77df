"""An op is declared in one place: exports, Tensor methods, numpy dispatch, the method stub and
the README's op table follow from the declaration."""

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite.ops import declarations as D


@pytest.fixture
def scratch():
    """Declarations made by a test are undone after it."""
    before = dict(D.DECLARED), dict(D.METHODS), dict(D.NUMPY)
    yield
    for name in set(D.METHODS) - set(before[1]):
        delattr(ag.Tensor, name)
    for table, saved in zip((D.DECLARED, D.METHODS, D.NUMPY), before):
        table.clear()
        table.update(saved)


def test_the_method_stub_is_up_to_date():
    assert D.STUB.read_text() == D.render_stub(), "run: python -m autograd_lite.ops"


def test_the_readme_op_table_is_up_to_date():
    readme = D.README.read_text()
    assert f"{D.TABLE_BEGIN}\n{D.render_table()}\n{D.TABLE_END}" in readme, (
        "run: python -m autograd_lite.ops"
    )


def test_every_export_is_a_declared_op_and_every_declared_op_is_exported():
    builtin = [d for d in D.DECLARED.values() if d.builtin]
    assert set(ag.ops.__all__) == {d.name for d in builtin if d.namespace is None}
    for d in builtin:
        home = ag if d.namespace is None else getattr(ag, d.namespace)
        assert getattr(home, d.name) is d.function, d.qualname
        assert d.namespace is not None or d.name in ag.__all__


def test_declared_methods_and_numpy_functions_reach_the_op():
    x = ag.tensor(np.array([0.5, 1.5]), requires_grad=True)
    for d in D.DECLARED.values():
        if d.method:
            assert getattr(ag.Tensor, d.method) is d.function
        for np_fn in d.numpy:
            assert D.NUMPY[np_fn] is d.function
    y = np.exp(x)  # through __array_ufunc__
    assert isinstance(y, ag.Tensor) and y.op is not None and y.op.name == "exp"
    z = np.sum(x * 2.0, axis=0)  # through __array_function__
    z.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0])


def test_a_users_op_is_declared_the_same_way(scratch):
    class Cube(ag.Op):
        def forward(self, x):
            return x**3

        def backward(self, g, y, x):
            return 3 * g * x * x

    @ag.declare(method=True, numpy=np.cbrt)  # (any numpy function; cbrt is not an ag op)
    def cube(x):
        return Cube()(x)

    x = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    x.cube().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 12.0])
    assert np.cbrt(x).op.name == "cube"  # numpy's function now runs the user's op
    assert "cube" not in ag.ops.__all__  # a user's op is not exported into ag


def test_a_declaration_cannot_replace_a_method_or_a_numpy_mapping(scratch):
    with pytest.raises(ValueError, match=r"Tensor already has an attribute 'sum'"):
        ag.declare(method="sum")(lambda x: x)
    with pytest.raises(ValueError, match=r"Tensor already has an attribute 'backward'"):
        ag.tensor_method("backward")(lambda x: x)
    with pytest.raises(ValueError, match=r"'exp' already stands for autograd_lite\.ops"):
        ag.declare(numpy=np.exp)(lambda x: x)
    with pytest.raises(ValueError, match=r"an op named 'sum' is declared already"):
        ag.declare(name="sum")(lambda x: x)


def test_numpy_functions_without_an_op_refuse_tensors_that_require_grad():
    x = ag.tensor(np.array([0.5, -1.0]), requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy\.cbrt is not supported on tensors that require"):
        np.cbrt(x)
    with pytest.raises(TypeError, match=r"numpy\.nancumprod is not supported.*no op for it"):
        np.nancumprod(x * 1.0)
    with pytest.raises(TypeError, match=r"numpy\.sum .*autograd_lite's sum does not take these"):
        np.sum(x, dtype=np.float32)
    with pytest.raises(TypeError, match=r"numpy\.add\.reduce is not supported"):
        np.add.reduce(x)
    # Without a gradient to lose, numpy runs on the plain array.
    plain = np.cbrt(x.detach())
    assert type(plain) is np.ndarray
    with ag.no_grad():
        assert type(np.cbrt(x)) is np.ndarray
    # Results that carry no gradient anyway are fine: shapes, booleans, indices.
    assert np.shape(x) == (2,) and np.ndim(x) == 1
    np.testing.assert_array_equal(np.argsort(x), [1, 0])
    assert np.allclose(x, [0.5, -1.0])


def test_numpy_out_into_a_tensor_marks_it_modified():
    t = ag.tensor(np.ones(2))
    w = ag.tensor(np.array([2.0, 3.0]), requires_grad=True)
    y = w * t  # saves t for backward
    result = np.cbrt(np.array([8.0, 27.0]), out=t)
    assert result is t
    np.testing.assert_array_equal(t.data, [2.0, 3.0])
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()


def test_boolean_operators_are_logical_ops_on_boolean_tensors():
    x = ag.tensor(np.array([-1.0, 0.5, 2.0]), requires_grad=True)
    inside = (x > 0) & (x < 1)
    np.testing.assert_array_equal(inside.data, [False, True, False])
    np.testing.assert_array_equal((~inside | (x > 1.5)).data, [True, False, True])
    with pytest.raises(TypeError, match=r"&: defined for boolean tensors only, got dtype float64"):
        x & x
