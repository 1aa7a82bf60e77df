"""Per-thread modes: grad recording, anomaly detection and name scopes, one mechanism.

Each mode is a field of :data:`state` (a ``threading.local``). A :class:`Switch` sets one field
for a ``with`` block or a decorated function and restores it afterwards; what to restore goes
on a per-thread stack, so one switch can be shared by threads, re-entered or decorate recursive
functions.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _State(threading.local):
    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.scope: str | None = None
        self.tracer: Any = None  # ag.jit's recorder, while it traces a function
        self.saved: list[Any] = []  # the values the open switches will restore
        self.refresh()

    def refresh(self) -> None:
        # Whether each new op must be looked at (anomaly checks, a tracer), and what recording an
        # op needs, in one read: None when not recording, else (scope, watch).
        self.watch = self.anomaly or self.tracer is not None
        self.recording = (self.scope, self.watch) if self.grad_enabled else None


state = _State()


class Switch(ContextDecorator):
    """Set the mode ``field`` to ``value`` inside a ``with`` block or a decorated function."""

    field = ""

    def __init__(self, value: Any) -> None:
        self.value = value

    def entered(self) -> Any:
        """The value the mode takes on entry (name scopes nest into the current one)."""
        return self.value

    def __enter__(self) -> Any:
        state.saved.append(getattr(state, self.field))
        setattr(state, self.field, self.entered())
        state.refresh()
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(state, self.field, state.saved.pop())
        state.refresh()


def replayable(fn: F) -> F:
    """Mark ``fn`` as one step that ``ag.jit`` records and calls again on every replay (an
    optimiser step, a random draw, an in-place write, a delivery into ``.grad``): while a
    tracer is active the call is recorded, with the ops inside it not recorded one by one."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        tracer = state.tracer
        if tracer is None:
            return fn(*args, **kwargs)
        return tracer.unit(fn, args, kwargs)

    call.__replayed__ = fn  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def is_grad_enabled() -> bool:
    """True when new ops are recorded for backward (the default), in this thread."""
    return state.grad_enabled


class _GradSwitch(Switch):
    """no_grad/enable_grad: ``with ag.no_grad():``, ``@ag.no_grad()`` or bare ``@ag.no_grad``."""

    field = "grad_enabled"
    mode = False

    def __new__(cls, func: Any = None) -> Any:
        if func is not None:  # used as a bare decorator
            return cls()(func)
        return super().__new__(cls)

    def __init__(self, func: Any = None) -> None:
        super().__init__(self.mode)


class no_grad(_GradSwitch):
    """Context manager and decorator: ops inside are not recorded (``with ag.no_grad(): ...``)."""

    mode = False


class enable_grad(_GradSwitch):
    """Context manager and decorator that turns recording back on inside a no_grad region."""

    mode = True


class set_grad_enabled(Switch):
    """Turn recording on or off (per thread): as a call, in a ``with`` block, or as a decorator.

    As in PyTorch, ``ag.set_grad_enabled(False)`` on its own line sets the mode until changed.
    """

    field = "grad_enabled"

    def __init__(self, mode: bool) -> None:
        super().__init__(bool(mode))
        self._before = state.grad_enabled
        state.grad_enabled = self.value
        state.refresh()

    def __enter__(self) -> set_grad_enabled:
        state.saved.append(self._before)  # the call already set the mode; restore on exit
        return self

    def __call__(self, func: F) -> F:
        # As a decorator: undo the call's effect now, set the mode around each call instead.
        state.grad_enabled = self._before
        state.refresh()
        return super().__call__(func)

    def _recreate_cm(self) -> set_grad_enabled:
        return set_grad_enabled(self.value)


class detect_anomaly(Switch):
    """Check every recorded forward and backward result for NaN/Inf (per thread).

    The first op that produces one raises FloatingPointError naming the op and showing
    where in your code it was created. The creation stack is recorded only in this mode,
    so normal runs pay nothing.

    >>> import numpy as np, autograd_lite as ag
    >>> x = ag.tensor(np.zeros(1), requires_grad=True)
    >>> with ag.detect_anomaly():
    ...     y = ag.log(x)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FloatingPointError: detect_anomaly: forward of 'log' produced Inf ...
    """

    field = "anomaly"

    def __init__(self, mode: bool = True) -> None:
        super().__init__(bool(mode))


class name_scope(Switch):
    """Ops created inside carry the scope path (``"encoder.0"``); scopes nest with dots.

    >>> import autograd_lite as ag
    >>> with ag.name_scope("encoder"), ag.name_scope("0"):
    ...     ag.current_scope()
    'encoder.0'
    """

    field = "scope"

    def __init__(self, name: str) -> None:
        super().__init__(str(name))

    @property
    def name(self) -> str:
        return self.value

    def entered(self) -> str:
        outer = state.scope
        return f"{outer}.{self.value}" if outer else self.value

    def __enter__(self) -> Any:
        super().__enter__()
        return state.scope  # ``with ag.name_scope("x") as path``


def current_scope() -> str | None:
    """The name scope that new ops record, or None outside any scope."""
    return state.scope
