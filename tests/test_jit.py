"""ag.jit: replays equal eager runs bit for bit, and what a replay cannot reproduce is refused.

Each equality check runs the same training from the same state twice, eagerly and under
ag.jit, and compares every loss, parameter and gradient exactly (np.array_equal).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import programs, run, total

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.nn import functional as F


def twins(build: Any, steps: int, batches: Any) -> tuple[list[Any], list[Any], Any, Any]:
    """Train two copies built from one seed, eagerly and under ag.jit; their losses."""
    out = []
    for use_jit in (False, True):
        ag.manual_seed(0)
        model, opt, step = build()
        fn = ag.jit(step) if use_jit else step
        ag.manual_seed(1)  # (the same dropout masks in both runs)
        losses = [fn(*batches(i)).data.copy() for i in range(steps)]
        out.append((losses, model, fn))
    (l1, m1, _), (l2, m2, jitted) = out
    return l1, l2, (m1, m2), jitted


def assert_same_training(l1: list[Any], l2: list[Any], models: Any) -> None:
    assert all(np.array_equal(a, b) for a, b in zip(l1, l2, strict=True))
    for p1, p2 in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert np.array_equal(p1.data, p2.data)
        assert np.array_equal(p1.grad.data, p2.grad.data)


def classifier(model: Any, opt: Any) -> Any:
    def step(x: Any, y: Any) -> Any:
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return model, opt, step


RNG = np.random.default_rng(0)
SPIRAL_X, SPIRAL_Y = ag.data.spiral(100, 3, seed=0)


def test_1000_steps_of_the_spiral_mlp_with_sgd_equal_eager_bit_for_bit():
    def build():
        model = nn.Sequential(nn.Linear(2, 100), nn.ReLU(), nn.Linear(100, 3))
        return classifier(model, optim.SGD(model.parameters(), lr=1.0))

    x, y = SPIRAL_X.astype(np.float32), SPIRAL_Y
    l1, l2, models, jitted = twins(build, 1000, lambda i: (x, y))
    assert_same_training(l1, l2, models)
    assert jitted.cache_info().misses == 1 and jitted.cache_info().hits == 999
    assert l2[-1] < 0.5 * l2[0]  # it trains


def test_1000_steps_of_a_digits_mlp_with_adam_and_minibatches_equal_eager():
    X, y = ag.data.digits()
    X = X.astype(np.float32) / 16.0

    def build():
        model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 10))
        return classifier(model, optim.Adam(model.parameters(), lr=1e-2))

    def batch(i: int) -> Any:
        rows = np.arange(i * 16, i * 16 + 16) % len(X)
        return X[rows], y[rows]

    l1, l2, models, jitted = twins(build, 1000, batch)
    assert_same_training(l1, l2, models)
    assert jitted.cache_info().misses == 1


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_lenet5_replays_equal_eager_in_train_and_eval_mode(mode):
    def build():
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Dropout(0.2), nn.Linear(120, 84),
            nn.ReLU(), nn.Linear(84, 10),
        )  # fmt: skip
        model.train(mode == "train")
        return classifier(model, optim.SGD(model.parameters(), lr=0.05, momentum=0.9))

    images = RNG.standard_normal((6, 4, 1, 32, 32)).astype(np.float32)
    labels = RNG.integers(0, 10, (6, 4))
    l1, l2, models, _ = twins(build, 1000, lambda i: (images[i % 6], labels[i % 6]))
    assert_same_training(l1, l2, models)
    for m1, m2 in zip(models[0].modules(), models[1].modules()):  # running statistics too
        for b1, b2 in zip(m1.buffers(), m2.buffers()):
            assert np.array_equal(np.asarray(b1), np.asarray(b2))


def test_a_learning_rate_changed_between_calls_and_a_scheduler_inside_are_picked_up():
    def build():
        model = nn.Linear(3, 1)
        opt = optim.SGD(model.parameters(), lr=0.1)
        sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

        def step(x):
            opt.zero_grad()
            loss = (model(x) ** 2).mean()
            loss.backward()
            opt.step()
            sched.step()
            return loss

        build.opt = opt  # type: ignore[attr-defined]
        return model, opt, step

    x = RNG.standard_normal((5, 3)).astype(np.float32)
    results = []
    for use_jit in (False, True):
        ag.manual_seed(0)
        model, opt, step = build()
        fn = ag.jit(step) if use_jit else step
        losses = []
        for i in range(8):
            if i == 5:
                opt.param_groups[0]["lr"] = 0.3  # by hand, between calls
            losses.append(fn(x).item())
        results.append((losses, model.weight.data.copy(), opt.param_groups[0]["lr"]))
    assert results[0][0] == results[1][0]
    assert np.array_equal(results[0][1], results[1][1]) and results[0][2] == results[1][2]


@settings(max_examples=30, deadline=None)
@given(program=programs(), data=st.data())
def test_random_programs_replay_like_eager_to_first_and_second_order(program, data):
    """The fuzzer's programs: gradients under ag.jit, and gradients of gradients, equal eager."""
    leaves, steps = program
    rng = np.random.default_rng(0)
    weights: list[Any] = []

    def first(*xs: Any) -> Any:
        pool, _ = run(steps, list(xs))
        while len(weights) < len(pool):
            weights.append(rng.uniform(0.5, 1.5, pool[len(weights)].shape))
        return ag.grad(total(pool, weights), list(xs))

    def second(*xs: Any) -> Any:
        gs = ag.grad(total(run(steps, list(xs))[0], weights), list(xs), create_graph=True)
        norm = sum(ag.sum(g * g) for g in gs)
        if not norm.requires_grad:  # the program is linear: no second derivative
            return [None] * len(xs)
        return ag.grad(norm, list(xs), allow_unused=True)

    for fn in (first, second):
        jitted = ag.jit(fn)
        for shift in (0.0, 0.25, -0.125):  # a trace, a checked replay, a plain replay
            xs = [ag.tensor(x + shift, requires_grad=True) for x in leaves]
            eager = fn(*xs)
            replayed = jitted(*[ag.tensor(x.data, requires_grad=True) for x in xs])
            for e, r in zip(eager, replayed, strict=True):
                assert (e is None) == (r is None)
                if e is not None:
                    assert np.array_equal(e.data, r.data)
        assert jitted.cache_info().misses == 1


def test_random_ops_draw_new_numbers_on_every_replay():
    @ag.jit
    def noisy(x):
        return F.dropout(x, 0.5) + ag.rand(3)

    x = ag.tensor(np.ones(3))
    draws = [noisy(x).data.copy() for _ in range(6)]
    assert len({d.tobytes() for d in draws}) == 6
    assert noisy.cache_info().hits == 5


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda x: x.sum() if x.sum().item() > 0 else -x.sum(), r"\.item\(\) reads a tensor's"),
        (lambda x: x.sum() if x.sum() else -x.sum(), r"bool\(t\).*reads a tensor's value"),
        (lambda x: x * float(x.sum()), r"float\(t\) reads a tensor's value"),
        (lambda x: x.sum().tolist(), r"\.tolist\(\) reads"),
        (lambda x: x * int(x.sum()), r"int\(t\) reads a tensor's value"),
        (lambda x: x.numpy() * 2, r"\.numpy\(\) reads a tensor's value"),
        (lambda x: x[: x.sum().astype(np.int64)], r"an index reads a tensor's value"),
    ],
)
def test_python_branches_on_values_are_refused_with_the_line(body, message):
    jitted = ag.jit(body)
    with pytest.raises(ag.JitError, match=message) as info:
        jitted(ag.tensor(np.array([1.0, 2.0]), requires_grad=True))
    assert "test_jit.py" in str(info.value)  # the line that read it


def test_a_raw_numpy_write_the_tracer_cannot_see_is_caught_by_the_checked_replay():
    w = ag.tensor(np.ones(3))

    @ag.jit
    def sneaky(x):
        y = (x * w).sum()
        w.data[0] += 1.0  # raw numpy, not an ag op
        return y

    sneaky(ag.tensor(np.ones(3)))  # traced (runs eagerly)
    before = w.data.copy()
    with pytest.raises(ag.JitError, match=r"differs from running it: .* tensor of shape \(3,\)"):
        sneaky(ag.tensor(np.ones(3)))
    assert np.array_equal(w.data, before + [1.0, 0, 0])  # left as the eager run left it


def test_backward_through_ops_made_before_the_call_is_refused():
    x = ag.tensor(np.ones(2), requires_grad=True)
    outside = x * 3.0

    @ag.jit
    def step(y):
        (outside * y).sum().backward(retain_graph=True)
        return x.grad

    with pytest.raises(ag.JitError, match=r"backward reached 'multiply', an op made before"):
        step(ag.tensor(np.ones(2)))


def test_a_grad_read_that_no_longer_exists_is_refused():
    w = ag.tensor(np.ones(2), requires_grad=True)
    (w * w).sum().backward()

    @ag.jit
    def read(x):
        return w.grad * x

    read(ag.tensor(np.ones(2)))
    read(ag.tensor(np.ones(2)))
    w.grad = None
    with pytest.raises(ag.JitError, match=r"reads \.grad of a tensor of shape \(2,\)"):
        read(ag.tensor(np.ones(2)))


def test_new_signatures_trace_again_and_a_retrace_every_call_warns_once():
    @ag.jit
    def scaled(x, k):
        return x * k

    x = ag.tensor(np.ones(2))
    scaled(x, 2.0)
    scaled(x, 2.0)
    scaled(ag.tensor(np.ones(3)), 2.0)  # new shape
    assert scaled.cache_info()[:2] == (1, 2)
    with pytest.warns(RuntimeWarning, match="traced on each of its last 3 calls"):
        for k in (3.0, 4.0, 5.0):
            scaled(x, k)  # Python numbers by value


def test_modules_switched_between_train_and_eval_keep_one_trace_each():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    jitted = ag.jit(lambda x: model(x))
    x = ag.tensor(np.ones((2, 4), np.float32))
    for mode in (True, False, True, False):
        model.train(mode)
        jitted(x)
        jitted(x)
    assert jitted.cache_info() == (6, 2, 8, 2)
    assert np.array_equal(jitted(x).data, model(x).data)  # eval: no dropout


def test_detect_anomaly_and_no_grad_inside_work():
    @ag.jit
    def f(x):
        with ag.no_grad():
            y = x * 2
        return y + x

    x = ag.tensor(np.ones(2), requires_grad=True)
    for _ in range(3):
        out = f(x)
    assert np.array_equal(out.data, [3.0, 3.0])
    with ag.detect_anomaly(), pytest.raises(FloatingPointError, match="log"):
        ag.jit(lambda t: ag.log(t - 1.0))(x)  # (runs eagerly under detect_anomaly)


def test_the_program_lists_the_numpy_calls_of_the_step():
    w = ag.tensor(np.ones((2, 3)), requires_grad=True)

    @ag.jit
    def step(x):
        w.grad = None
        loss = ag.sum(ag.tanh(x @ w))
        loss.backward()
        return loss

    step(np.ones((4, 2)))
    text = step.program
    assert "arguments: a0: (4, 2) float64" in text
    assert "v0 = matmul(a0, p0)  # (4, 3) float64" in text
    assert "tanh.backward" in text and "matmul.backward" in text
    assert text.splitlines()[2].lstrip().startswith("1")


def test_a_tensor_detached_inside_the_step_follows_the_new_values():
    @ag.jit(check=False)  # (the checked replay would catch a stale value; show it is not one)
    def f(x):
        h = ag.abs(x)
        return h.detach() * x

    for v in (0.5, -2.0, 3.0):
        assert np.array_equal(f(ag.tensor(np.array([v]))).data, [abs(v) * v])


OPTIMIZERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "Adam": lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
    "AdamW": lambda ps: optim.AdamW(ps, lr=0.01),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
    "Adagrad": lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.01),
    "Adadelta": lambda ps: optim.Adadelta(ps, lr=1.0),
    "Adamax": lambda ps: optim.Adamax(ps, lr=0.01),
    "NAdam": lambda ps: optim.NAdam(ps, lr=0.01),
    "RAdam": lambda ps: optim.RAdam(ps, lr=0.01),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_with_a_scheduler_trains_under_jit_as_eagerly(name):
    def build():
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
        opt = OPTIMIZERS[name](model.parameters())
        sched = optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        model, opt, step = classifier(model, opt)

        def step_and_schedule(x, y):
            loss = step(x, y)
            sched.step()
            return loss

        return model, opt, step_and_schedule

    x = RNG.standard_normal((3, 6, 4))
    y = RNG.integers(0, 3, (3, 6))
    l1, l2, models, jitted = twins(build, 12, lambda i: (x[i % 3], y[i % 3]))
    assert_same_training(l1, l2, models)
    assert jitted.cache_info()[:2] == (11, 1)
    assert l2[-1] != l2[0]  # (it did change the parameters)


def test_lbfgs_with_a_closure_over_the_call_is_refused_and_over_fixed_data_replays():
    x, y = RNG.standard_normal((8, 4)), RNG.integers(0, 3, 8)

    def build(fixed: bool) -> Any:
        model = nn.Linear(4, 3)
        opt = optim.LBFGS(model.parameters(), lr=0.5, max_iter=3)

        def closure(xb=x, yb=y):
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            return loss

        def step(*batch):  # fixed: the closure's own data (full-batch); else the call's
            return opt.step(closure if fixed else lambda: closure(*batch))

        return model, opt, step

    with pytest.raises(ag.JitError, match=r"LBFGS\.step was given a function .* uses this call's "
                                          r"arguments .* at .*test_jit\.py"):  # fmt: skip
        ag.jit(build(False)[2])(x, y)
    l1, l2, models, jitted = twins(lambda: build(True), 6, lambda i: ())
    assert all(np.array_equal(a, b) for a, b in zip(l1, l2, strict=True))
    for p1, p2 in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert np.array_equal(p1.data, p2.data)
    assert jitted.cache_info()[:2] == (5, 1) and l2[-1] < l2[0]


def test_random_ops_replay_the_draws_an_eager_run_makes_from_the_same_seed():
    def noisy(x):
        return F.dropout(x, 0.3) * ag.randn(4) + ag.rand(4) + ag.randint(0, 5, (4,))

    x = ag.tensor(np.ones(4))
    runs = []
    for fn in (noisy, ag.jit(noisy)):
        ag.manual_seed(3)
        runs.append([fn(x).data.copy() for _ in range(5)])
    assert all(np.array_equal(a, b) for a, b in zip(*runs, strict=True))


def test_a_hessian_vector_product_under_jit_equals_eager():
    w = ag.tensor(RNG.standard_normal((3, 3)), requires_grad=True)

    def hvp(x, v):
        loss = ag.sum(ag.tanh(x @ w) ** 2)
        (g,) = ag.grad(loss, [w], create_graph=True)
        return ag.grad(ag.sum(g * v), [w])[0]

    jitted = ag.jit(hvp)
    for _ in range(4):
        x, v = ag.tensor(RNG.standard_normal((5, 3))), RNG.standard_normal((3, 3))
        assert np.array_equal(jitted(x, v).data, hvp(x, v).data)
    assert jitted.cache_info()[:2] == (3, 1)
    # an array argument: matmul's backward on Tensors reads x.T, a numpy view of it
    view = r"an op reads a numpy view of the argument a0 at .*test_jit\.py.*ag\.tensor\(x\)"
    with pytest.raises(ag.JitError, match=view):
        ag.jit(hvp)(x.data, v)


def test_a_numpy_slice_of_an_array_argument_is_refused_not_read_stale():
    w = ag.tensor(np.ones(2), requires_grad=True)
    with pytest.raises(ag.JitError, match=r"numpy view of the argument a0 at .*w \* x\[:2\]"):
        ag.jit(lambda x: w * x[:2])(np.arange(3.0))
    sliced = ag.jit(lambda x: w * x[:2])  # on a Tensor, an ag op: replayed on the new values
    for start in (0.0, 5.0, -1.0):
        assert np.array_equal(
            sliced(ag.tensor(np.arange(start, start + 3))).data, [start, start + 1]
        )


def test_a_hessian_vector_product_skips_the_unused_loss_and_equals_eager():
    w = ag.tensor(np.array([0.5, -1.0, 2.0]), requires_grad=True)
    v = ag.tensor(np.array([1.0, 0.0, -1.0]))

    def hvp(x):
        loss = ag.sum(ag.tanh(w * x) * x - w)
        (g,) = ag.grad(loss, [w], create_graph=True)
        return ag.grad(ag.sum(g * v), [w])[0]

    jitted = ag.jit(hvp)
    for shift in (0.0, 0.5, -1.0):  # a trace, a checked replay, a plain replay
        x = ag.tensor(np.array([1.0, 2.0, 3.0]) + shift)
        assert np.array_equal(jitted(x).data, hvp(x).data)
    unused = [line for line in jitted.program.splitlines() if "unused: not replayed" in line]
    ops = [line.split("=")[1].split("(")[0].strip() for line in unused]
    assert ops == ["multiply", "subtract", "sum"]  # the loss: the HVP reads its gradient only


@pytest.mark.parametrize("method", ["add_", "sub_"])
def test_a_scaled_in_place_write_scales_the_new_values_on_replay(method):
    total = ag.zeros(2, dtype=np.float64)

    def accumulate(x):
        getattr(total, method)(x, alpha=0.5)
        return total * 1.0

    jitted, sign = ag.jit(accumulate), 1 if method == "add_" else -1
    for v in (1.0, 2.0, 4.0, 8.0):  # a trace, a checked replay, two plain replays
        jitted(ag.tensor(np.full(2, v)))
    assert np.array_equal(total.data, [sign * 7.5] * 2)
    assert jitted.cache_info()[:2] == (3, 1)


@pytest.mark.parametrize("order", [1, 2])
def test_a_percentile_whose_sorted_order_changes_replays_its_own_order(order):
    # the positions of the sorted elements, and getitem's copy of them that its backward
    # under create_graph is made from, come from each replay's own sort
    def f(x):
        y = ag.percentile(ag.sin(x), 70)
        if order == 2:
            (y,) = ag.grad(y, [x], create_graph=True)
            y = ag.sum(y * y * ag.arange(1.0, 4.0))
        return ag.grad(y, [x])[0]

    jitted = ag.jit(f)
    for v in ([0.1, 0.5, 1.0], [1.0, 0.1, 0.5], [0.5, 1.0, 0.1], [0.7, 0.2, 0.3]):
        x = np.array(v)
        expected = f(ag.tensor(x, requires_grad=True)).data
        assert np.array_equal(jitted(ag.tensor(x, requires_grad=True)).data, expected)
    assert jitted.cache_info()[:2] == (3, 1)


def test_the_checked_replay_undoes_the_eager_run_on_this_calls_arguments():
    @ag.jit
    def f(x):
        (x * x).sum().backward()
        return x.grad

    for v in ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]):  # a trace, a checked replay, a replay
        x = ag.tensor(np.array(v), requires_grad=True)
        assert np.array_equal(f(x).data, 2 * np.array(v))  # not 4 v: backward ran once


def test_a_boolean_result_that_differs_is_refused_not_crashed():
    f = ag.jit(lambda x: ag.isclose(x, ag.tensor(np.array([1.0, 2.0]))))
    f(ag.tensor(np.array([1.0, 2.0])))
    with pytest.raises(ag.JitError, match=r"the result differs \(largest difference 1\.0\)"):
        f(ag.tensor(np.array([1.0, 5.0])))
