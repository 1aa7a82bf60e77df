"""A hypothesis state machine interleaving graph building, backward with and without
retain_graph, ag.grad, zero_grad, parameter updates and dropping graphs.

The machine keeps its own model: the gradient each graph contributes, from hand-written
numpy formulas, and the parameter values an SGD step should give. After every step:

- each leaf's ``.grad`` is the sum of the contributions of the backward passes since the
  last zero_grad (and None if there were none);
- each leaf holds the values the model expects;
- a graph that went through backward without retain_graph holds nothing (``op.inputs`` is
  None) and its interior op is gone at once, without the cyclic garbage collector; so is a
  dropped graph's.

Backward through a freed graph, or through a graph whose leaves were updated in place since,
must raise and change nothing.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import autograd_lite as ag
from autograd_lite import optim

LR = 0.1


class Scale(ag.Op):
    """A user-style op without __slots__: the machine holds a weak reference to it to see
    when the graph around it is released."""

    name = "scale"

    def forward(self, x):
        return x * 2.0

    def backward(self, g, y, x):
        return g * 2.0


Values = dict[str, np.ndarray]


@dataclass(frozen=True)
class Formula:
    """``build(leaves, k)`` makes a scalar from the leaves through one Scale op;
    ``grads(values, k)`` is its gradient, by hand, for the leaves it uses."""

    build: Callable[[dict[str, ag.Tensor], float], ag.Tensor]
    grads: Callable[[Values, float], Values]


def _tanh_grads(v: Values, k: float) -> Values:
    return {"w": k * 2 * (1 - np.tanh(2 * v["w"]) ** 2)}


def _quad_grads(v: Values, k: float) -> Values:
    s = 2 * v["w"]
    r = v["M"] @ s - 1.0
    return {"M": 2 * k * np.outer(r, s), "w": 2 * 2 * k * v["M"].T @ r}


def _fan_out_grads(v: Values, k: float) -> Values:
    # h = 2w is used twice: sum(h * h) and sum(h) * b.
    return {"w": k * (8 * v["w"] + 2 * v["b"]), "b": np.asarray(k * 2 * v["w"].sum())}


def _broadcast_grads(v: Values, k: float) -> Values:
    # sum(2M * w + b): w broadcasts over M's rows, b over everything.
    return {
        "M": 2 * k * np.broadcast_to(v["w"], v["M"].shape),
        "w": 2 * k * v["M"].sum(axis=0),
        "b": np.asarray(k * v["M"].size),
    }


FORMULAS: dict[str, Formula] = {
    "tanh": Formula(lambda p, k: ag.tanh(Scale()(p["w"])).sum() * k, _tanh_grads),
    "quad": Formula(lambda p, k: ((p["M"] @ Scale()(p["w"]) - 1.0) ** 2).sum() * k, _quad_grads),
    "fan_out": Formula(
        lambda p, k: (lambda h: ((h * h).sum() + h.sum() * p["b"]) * k)(Scale()(p["w"])),
        _fan_out_grads,
    ),
    "broadcast": Formula(
        lambda p, k: (Scale()(p["M"]) * p["w"] + p["b"]).sum() * k, _broadcast_grads
    ),
}


@dataclass
class Graph:
    root: ag.Tensor
    interior: weakref.ref[Scale]
    contribution: Values
    freed: bool = False
    stale: bool = False  # a leaf it used was updated in place after it was built
    uses: set[str] = field(default_factory=set)


def released(ref: weakref.ref[Any], drop: Callable[[], None]) -> bool:
    """Whether ``drop()`` releases the referent by reference counting alone."""
    gc.disable()
    try:
        drop()
        return ref() is None
    finally:
        gc.enable()


class EngineMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        rng = np.random.default_rng(0)
        self.leaves = {
            "w": ag.tensor(rng.uniform(-1, 1, 3), requires_grad=True),
            "M": ag.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True),
            "b": ag.tensor(0.5, dtype=np.float64, requires_grad=True),
        }
        self.values = {k: t.data.copy() for k, t in self.leaves.items()}
        self.expected_grads: dict[str, np.ndarray | None] = dict.fromkeys(self.leaves)
        self.graphs: list[Graph] = []
        self.opt = optim.SGD(list(self.leaves.values()), lr=LR)

    # -- rules ---------------------------------------------------------------------------------

    @precondition(lambda self: len(self.graphs) < 4)
    @rule(name=st.sampled_from(sorted(FORMULAS)), k=st.floats(-2, 2))
    def build(self, name: str, k: float) -> None:
        formula = FORMULAS[name]
        gc.disable()  # hold the interior op only through the graph, not through a collectable cycle
        try:
            root = formula.build(self.leaves, k)
            interior = _find_scale(root)
        finally:
            gc.enable()
        contribution = formula.grads(self.values, k)
        self.graphs.append(Graph(root, weakref.ref(interior), contribution, uses=set(contribution)))
        del interior

    @precondition(lambda self: self.graphs)
    @rule(i=st.integers(0, 3), retain=st.booleans())
    def backward(self, i: int, retain: bool) -> None:
        graph = self.graphs[i % len(self.graphs)]
        if graph.freed or graph.stale:
            with pytest.raises(RuntimeError, match="retain_graph=True|modified in place"):
                graph.root.backward(retain_graph=retain)
            return  # the invariants check that no gradient changed
        released_now = released(graph.interior, lambda: graph.root.backward(retain_graph=retain))
        for name, g in graph.contribution.items():
            prev = self.expected_grads[name]
            self.expected_grads[name] = g if prev is None else prev + g
        if not retain:
            graph.freed = True
            assert released_now, "backward without retain_graph left the graph alive"
        else:
            assert not released_now, "backward with retain_graph released the graph"

    @precondition(lambda self: any(not g.freed and not g.stale for g in self.graphs))
    @rule(i=st.integers(0, 3))
    def grad_without_touching_dot_grad(self, i: int) -> None:
        live = [g for g in self.graphs if not g.freed and not g.stale]
        graph = live[i % len(live)]
        names = sorted(graph.uses)
        grads = ag.grad(graph.root, [self.leaves[n] for n in names], retain_graph=True)
        for name, g in zip(names, grads):
            np.testing.assert_allclose(g.data, graph.contribution[name], rtol=1e-12, atol=1e-12)

    @rule(set_to_none=st.booleans())
    def zero_grad(self, set_to_none: bool) -> None:
        self.opt.zero_grad(set_to_none=set_to_none)
        for name, g in self.expected_grads.items():
            if set_to_none or g is None:
                self.expected_grads[name] = None
            else:
                self.expected_grads[name] = np.zeros_like(g)

    @rule()
    def update_in_place(self) -> None:
        """A hand-written SGD step under no_grad: graphs that used an updated leaf go stale."""
        with ag.no_grad():
            for name, t in self.leaves.items():
                if t.grad is not None:
                    t.sub_(LR * t.grad.data)
                    self._expect_step(name)

    @rule()
    def optimizer_step(self) -> None:
        """optim.SGD.step(): the same update, through the optimiser."""
        self.opt.step()
        for name in self.leaves:
            self._expect_step(name)

    @precondition(lambda self: self.graphs)
    @rule(i=st.integers(0, 3))
    def drop(self, i: int) -> None:
        graph = self.graphs.pop(i % len(self.graphs))
        ref = graph.interior
        assert released(ref, lambda: graph.__dict__.clear()), "a dropped graph stayed alive"

    def _expect_step(self, name: str) -> None:
        g = self.expected_grads[name]
        if g is None:
            return
        self.values[name] = self.values[name] - LR * g
        for graph in self.graphs:
            if name in graph.uses:
                graph.stale = True

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def grads_are_the_sum_of_contributions(self) -> None:
        for name, t in self.leaves.items():
            expected = self.expected_grads[name]
            if expected is None:
                assert t.grad is None, f"{name}.grad should be None"
            else:
                assert t.grad is not None, f"{name}.grad is None"
                assert t.grad.shape == t.shape and t.grad.dtype == t.dtype
                np.testing.assert_allclose(t.grad.data, expected, rtol=1e-12, atol=1e-12)

    @invariant()
    def leaves_hold_the_expected_values(self) -> None:
        for name, t in self.leaves.items():
            np.testing.assert_allclose(t.data, self.values[name], rtol=1e-12, atol=1e-14)

    @invariant()
    def freed_graphs_hold_nothing(self) -> None:
        for graph in self.graphs:
            if graph.freed:
                assert graph.root.op.inputs is None
                assert graph.interior() is None


def _find_scale(root: ag.Tensor) -> Scale:
    stack = [root]
    while stack:
        t = stack.pop()
        if isinstance(t.op, Scale):
            return t.op
        if t.op is not None:
            stack.extend(x for x in t.op.inputs if isinstance(x, ag.Tensor))
    raise AssertionError("every formula goes through one Scale op")


TestEngineMachine = EngineMachine.TestCase
