"""ag.detect_anomaly(): the first op whose forward or backward makes NaN/Inf raises
FloatingPointError naming the op and showing the line of user code that created it."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn

pytestmark = pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")


def next_line() -> int:
    """The number of the caller's next line: where the op under test is created."""
    return sys._getframe(1).f_lineno + 1


def assert_points_at(message: str, line: int, source: str) -> None:
    """The message shows this file, the line and its source text (as a traceback does)."""
    assert f'File "{__file__}", line {line}' in message, message
    assert source in message, message


def assert_no_engine_frames(message: str) -> None:
    """Frames inside autograd_lite's core and ops are noise for the user: left out."""
    assert "core.py" not in message and "/ops/" not in message, message


def test_forward_inf_names_the_op_and_the_users_line():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = next_line()
        ag.log(x)
    message = str(info.value)
    assert "forward of 'log' produced Inf" in message
    assert "output shape (2,), from finite inputs" in message
    assert_points_at(message, line, "ag.log(x)")
    assert_no_engine_frames(message)


def test_forward_nan_through_an_operator():
    x = ag.tensor([-1.0, 4.0], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = next_line()
        y = x**0.5  # noqa: F841
    message = str(info.value)
    assert "forward of 'power' produced NaN" in message
    assert_points_at(message, line, "y = x**0.5")


def test_forward_from_inputs_that_already_hold_nan_says_so():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    bad = ag.tensor([np.nan, 1.0])
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        ag.multiply(x, bad)
    assert "forward of 'multiply' produced NaN" in str(info.value)
    assert "its inputs [1] already held NaN/Inf" in str(info.value)


def test_a_constant_array_input_holding_inf_is_named_as_the_origin():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        ag.multiply(x, np.array([np.inf, 1.0]))
    assert "its inputs [1] already held NaN/Inf" in str(info.value)


def test_backward_inf_names_the_op_and_where_it_was_created_not_where_backward_ran():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        line = next_line()
        y = ag.sqrt(x)  # finite forward: sqrt(0) = 0, but its gradient there is infinite
        loss = y.sum()
        with pytest.raises(FloatingPointError) as info:
            loss.backward()
    message = str(info.value)
    assert "backward of 'sqrt' produced Inf in the gradient of its input 0 (shape (2,))" in message
    assert_points_at(message, line, "y = ag.sqrt(x)")
    assert "loss.backward()" not in message
    assert_no_engine_frames(message)


def test_backward_nan_of_the_masked_sqrt_pitfall():
    # where() sends a zero gradient to the masked branch, and sqrt's backward turns 0/0 into NaN.
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        line = next_line()
        y = ag.where(x.data > 0, ag.sqrt(x), 0.0)
        with pytest.raises(FloatingPointError) as info:
            y.sum().backward()
    assert "backward of 'sqrt' produced NaN" in str(info.value)
    assert_points_at(str(info.value), line, "ag.sqrt(x)")


def _user_helper(t: ag.Tensor) -> ag.Tensor:
    return ag.log(t - 1.0)  # the line that makes the Inf


def test_the_trace_shows_the_users_helper_and_its_caller():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = next_line()
        _user_helper(x)
    message = str(info.value)
    assert_points_at(message, line, "_user_helper(x)")
    assert "in _user_helper" in message and "return ag.log(t - 1.0)" in message
    assert message.index("_user_helper(x)") < message.index("return ag.log")  # outermost first


def test_an_op_made_inside_an_nn_layer_shows_the_layer_and_the_users_call():
    layer = nn.Linear(2, 2, rng=0)
    x = np.array([[np.inf, 1.0]], dtype=np.float32)
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        line = next_line()
        layer(x)
    message = str(info.value)
    assert "forward of 'linear' produced Inf" in message
    assert_points_at(message, line, "layer(x)")
    assert "nn/layers.py" in message  # frames inside nn are the user's model code: kept


def test_without_detect_anomaly_nan_and_inf_pass_silently_as_in_numpy():
    x = ag.tensor([0.0, -1.0], requires_grad=True)
    y = ag.log(x)
    np.testing.assert_array_equal(y.data, np.log(x.data))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, 1 / x.data)


def test_backward_in_anomaly_mode_of_a_graph_built_outside_says_where_is_unknown():
    x = ag.tensor([0.0], requires_grad=True)
    y = ag.sqrt(x)  # recorded outside the mode: no creation stack was taken
    with ag.detect_anomaly(), pytest.raises(FloatingPointError) as info:
        y.sum().backward()
    assert "backward of 'sqrt' produced Inf" in str(info.value)
    assert "not recorded: it was made outside detect_anomaly" in str(info.value)


def test_mode_is_restored_after_the_block_even_after_an_error_and_works_as_a_decorator():
    x = ag.tensor([0.0], requires_grad=True)

    @ag.detect_anomaly()
    def checked(t):
        return ag.log(t)

    with pytest.raises(FloatingPointError):
        checked(x)
    ag.log(x)  # outside again: no error
    with ag.detect_anomaly():
        with ag.detect_anomaly(False):
            ag.log(x)  # switched off inside
        with pytest.raises(FloatingPointError):
            ag.log(x)
    ag.log(x)


def test_mode_is_per_thread():
    seen: dict[str, str] = {}
    started, release = threading.Event(), threading.Event()

    def other_thread():
        started.set()
        release.wait(10)
        try:
            ag.log(ag.tensor([0.0], requires_grad=True))
            seen["other"] = "no error"
        except FloatingPointError:
            seen["other"] = "raised"

    worker = threading.Thread(target=other_thread)
    worker.start()
    started.wait(10)
    with ag.detect_anomaly():
        release.set()
        worker.join(10)
        with pytest.raises(FloatingPointError):
            ag.log(ag.tensor([0.0], requires_grad=True))
    assert seen == {"other": "no error"}


@pytest.mark.parametrize("where", ["constant input", "no_grad"])
def test_forward_of_an_unrecorded_op_is_checked_too(where):
    x = ag.tensor([0.0, 1.0], requires_grad=where == "no_grad")
    with ag.detect_anomaly(), ag.set_grad_enabled(where != "no_grad"):
        with pytest.raises(FloatingPointError) as info:
            line = next_line()
            ag.log(x)
    assert "forward of 'log' produced Inf" in str(info.value)
    assert_points_at(str(info.value), line, "ag.log(x)")


def test_create_graph_backward_names_the_differentiated_op():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        line = next_line()
        y = ag.sqrt(x).sum()
        with pytest.raises(FloatingPointError) as info:
            ag.grad(y, x, create_graph=True)
    assert "backward of 'sqrt' produced Inf" in str(info.value)
    assert_points_at(str(info.value), line, "y = ag.sqrt(x).sum()")
