"""Threads and memory: two models trained at once in two threads (one of them with no_grad
active while the other records its graph) get exactly the results of sequential runs; 10,000
spiral MLP training steps do not grow memory, with the cyclic garbage collector off."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite import nn, optim

SPIRAL_X, SPIRAL_Y = ag.data.spiral(n_per_class=100, n_classes=3, seed=0)
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def mlp(hidden: int, seed: int, dtype: Any = np.float32) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(2, hidden, rng=seed, dtype=dtype),
        nn.ReLU(),
        nn.Linear(hidden, 3, rng=seed + 1, dtype=dtype),
    )


def train_step(model: nn.Module, opt: optim.Optimizer, x: np.ndarray, y: np.ndarray) -> float:
    opt.zero_grad()
    loss = ag.softmax_cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


# --------------------------------------------------------------------------- threads

STEPS = 150


class Run:
    """One training run, step by step, with the hooks a thread needs to interleave with another."""

    def __init__(self, seed: int, x: np.ndarray, y: np.ndarray, evaluate: bool) -> None:
        self.model = mlp(16, seed)
        self.opt = optim.Adam(self.model.parameters(), lr=0.01)
        self.x, self.y, self.evaluate = x, y, evaluate
        self.losses: list[float] = []
        self.accuracies: list[float] = []

    def step(self, inside_no_grad: Callable[[], None] = lambda: None) -> None:
        if self.evaluate:
            with ag.no_grad():  # an evaluation pass; the other thread records meanwhile
                logits = self.model(self.x)
                assert not logits.requires_grad
                inside_no_grad()
            self.accuracies.append(float((logits.data.argmax(1) == self.y).mean()))
        self.losses.append(train_step(self.model, self.opt, self.x, self.y))

    def result(self) -> tuple[list[float], list[float], list[np.ndarray]]:
        return self.losses, self.accuracies, list(self.model.state_dict().values())


def make_runs() -> tuple[Run, Run]:
    return Run(0, SPIRAL_X.astype(np.float32), SPIRAL_Y, evaluate=False), Run(
        7, XOR_X, XOR_Y, evaluate=True
    )


def test_two_threads_train_two_models_exactly_as_sequential_runs():
    sequential = make_runs()
    for run in sequential:
        for _ in range(STEPS):
            run.step()

    a, b = make_runs()
    # Lockstep: b enters no_grad, then a builds its graph, then b leaves; the rest of each
    # step (backward, optimiser step, b's own training) runs concurrently.
    entered, built = threading.Barrier(2, timeout=30), threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def thread_a() -> None:
        try:
            for _ in range(STEPS):
                entered.wait()
                a.opt.zero_grad()
                assert ag.is_grad_enabled()
                loss = ag.softmax_cross_entropy(a.model(a.x), a.y)
                assert loss.requires_grad  # b's no_grad does not reach this thread
                built.wait()
                loss.backward()
                a.opt.step()
                a.losses.append(loss.item())
        except BaseException as e:  # reported by the main thread
            errors.append(e)
            entered.abort()
            built.abort()

    def thread_b() -> None:
        def hold() -> None:
            entered.wait()
            built.wait()

        try:
            for _ in range(STEPS):
                b.step(inside_no_grad=hold)
        except BaseException as e:
            errors.append(e)
            entered.abort()
            built.abort()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for threaded, alone in zip((a, b), sequential):
        got, expected = threaded.result(), alone.result()
        assert got[0] == expected[0] and got[1] == expected[1]  # losses, accuracies: exactly
        for p, q in zip(got[2], expected[2], strict=True):
            np.testing.assert_array_equal(p, q)
    assert ag.is_grad_enabled()
    assert b.losses[-1] < b.losses[0] and a.losses[-1] < a.losses[0]


class _GradInsideBackward(ag.Op):
    """Identity whose backward runs another backward through a graph it shares tensors with:
    the same interleaving as two threads running backward through one graph at once."""

    def __init__(self, other: ag.Tensor, leaf: ag.Tensor) -> None:
        self._other, self._leaf = other, leaf

    def forward(self, v):
        return v.copy()

    def backward(self, g, y, v):
        ag.grad(self._other, self._leaf, retain_graph=True)
        return g


def test_backward_inside_another_through_a_shared_graph_is_never_silently_wrong():
    x = ag.tensor(np.array([0.5, -1.0]), requires_grad=True)
    h = ag.tanh(x) * 2.0  # shared by both losses
    other = (h * 3.0).sum()
    loss = (_GradInsideBackward(other, x)(h) * h).sum()
    try:
        loss.backward()
    except RuntimeError as e:  # refusing is fine; a wrong gradient is not
        assert "backward" in str(e)
        return
    t = np.tanh(x.data)
    assert x.grad is not None, "backward finished without a gradient for the leaf"
    np.testing.assert_allclose(x.grad.data, 8 * t * (1 - t**2))


def test_backward_inside_another_sharing_only_a_leaf_gets_both_gradients():
    x = ag.tensor(np.array([1.0, -2.0]), requires_grad=True)
    other = (x * 3.0).sum()  # shares nothing with the outer graph but the leaf x
    loss = (_GradInsideBackward(other, x)(x) * x).sum()
    loss.backward()
    np.testing.assert_array_equal(x.grad.data, 2 * x.data)


def test_two_backward_passes_overlapping_in_time_both_reach_a_shared_leaf():
    w = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    entered, release = threading.Event(), threading.Event()

    class Gate(ag.Op):  # holds thread A inside its backward while the main thread runs one
        def forward(self, v):
            return v.copy()

        def backward(self, g, y, v):
            entered.set()
            release.wait(10)
            return g

    errors: list[BaseException] = []

    def thread_a() -> None:
        try:
            Gate()(w * 2.0).sum().backward()
        except BaseException as e:
            errors.append(e)
            entered.set()

    a = threading.Thread(target=thread_a)
    a.start()
    assert entered.wait(10)
    (w * 3.0).sum().backward()
    release.set()
    a.join(10)
    assert not errors, errors
    np.testing.assert_array_equal(w.grad.data, [5.0, 5.0])


# --------------------------------------------------------------------------- memory

HIDDEN = 32  # smaller than the notes' 100, to keep 10,000 steps fast; the graph is the same
SLACK = 64 * 1024  # bytes: allocator noise, not per-step growth (which would be >= 9,000 x)


def test_ten_thousand_spiral_steps_do_not_grow_memory_with_gc_off():
    x, y = SPIRAL_X.astype(np.float32), SPIRAL_Y
    model = mlp(HIDDEN, 0)
    opt = optim.SGD(model.parameters(), lr=1.0, weight_decay=1e-3)
    gc.collect()
    gc.disable()  # everything must be freed by reference counting alone
    tracemalloc.start()
    try:
        for _ in range(1_000):
            loss = train_step(model, opt, x, y)
        after_1k = tracemalloc.get_traced_memory()[0]
        for _ in range(9_000):
            loss = train_step(model, opt, x, y)
        after_10k = tracemalloc.get_traced_memory()[0]
        cyclic_garbage = gc.collect()
    finally:
        tracemalloc.stop()
        gc.enable()
    growth = after_10k - after_1k
    assert growth < SLACK, f"memory grew by {growth} bytes between step 1,000 and 10,000"
    assert cyclic_garbage == 0, f"{cyclic_garbage} objects were only collectable by gc"
    accuracy = (model(x).data.argmax(1) == y).mean()
    assert loss < 0.5 and accuracy > 0.9  # it did train
