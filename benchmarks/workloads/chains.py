"""Workloads 3 and 4: long chains of tiny ops, where per-op overhead is all there is.

Op overhead: 1,000 ops -- ``x * 1.0001`` and ``x + 0.001`` alternating, or ``tanh`` -- on a
1-element and a 1,000-element tensor, forward + backward, reported in microseconds per op;
autograd_lite runs it eagerly and under ``ag.jit`` (the chain traced once, then replayed).

Deep chain: 10^4 .. 10^6 alternating mul/add ops on a 1-element tensor, forward + backward. Time
per op comes from one interleaved worker per size; peak memory per op from one fresh worker per
size and side (``memory_run``), as the rise of the peak RSS (VmHWM) over the RSS before the
chain, divided by the number of ops. RSS, not tracemalloc, because tracemalloc cannot see
PyTorch's C++ graph and would slow the Python sides down.

The numpy side is what one writes by hand: the forward keeps only what the backward needs
(nothing for mul/add, the outputs for tanh) and the backward multiplies the upstream gradient by
each local derivative (1.0001 for mul, 1 - y**2 for tanh; an add passes it through).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.harness import Libraries, Side, library_sides, peak_delta, record, run_timed

MUL, ADD = 1.0001, 0.001
OVERHEAD_OPS = 1000
WARMUP_OPS = 100


def ops_label(n: int) -> str:
    """Case label: "n=10^5" for powers of ten, "n=1234" otherwise."""
    e = len(str(n)) - 1
    return f"n=10^{e}" if n == 10**e else f"n={n}"


def numpy_side(kind: str, size: int, n_ops: int) -> Side:
    x0 = np.full(size, 0.5)

    def step() -> tuple[np.ndarray, np.ndarray]:
        x, g = x0, np.ones_like(x0)
        if kind == "mul_add":
            for _ in range(n_ops // 2):
                x = x * MUL
                x = x + ADD
            for _ in range(n_ops // 2):
                g = g * MUL
        else:
            outputs = []
            for _ in range(n_ops):
                x = np.tanh(x)
                outputs.append(x)
            for y in reversed(outputs):
                g = g * (1 - y * y)
        return x, g

    return Side(step, lambda out: {"y": out[0], "grad x": out[1]})


def graph_chain(x: Any, kind: str, n_ops: int, tanh: Any) -> Any:
    """The forward chain, written once for autograd_lite and torch tensors."""
    y = x
    if kind == "mul_add":
        for _ in range(n_ops // 2):
            y = y * MUL
            y = y + ADD
    else:
        for _ in range(n_ops):
            y = tanh(y)
    return y


def ag_side(ag: Any, kind: str, size: int, n_ops: int) -> Side:
    x = ag.tensor(np.full(size, 0.5), requires_grad=True)
    seed = np.ones(size)

    def step() -> Any:
        x.grad = None
        y = graph_chain(x, kind, n_ops, ag.tanh)
        y.backward(seed)
        return y

    return Side(step, lambda y: {"y": y.data, "grad x": x.grad.data})


def torch_side(torch: Any, kind: str, size: int, n_ops: int) -> Side:
    x = torch.full((size,), 0.5, dtype=torch.float64, requires_grad=True)
    seed = torch.ones(size, dtype=torch.float64)

    def step() -> Any:
        x.grad = None
        y = graph_chain(x, kind, n_ops, torch.tanh)
        y.backward(seed)
        return y

    return Side(step, lambda y: {"y": y.detach().numpy(), "grad x": x.grad.numpy()})


def chain_sides(lib: Libraries, kind: str, size: int, n_ops: int, jit: bool = False) -> dict:
    """Builders of the sides of one chain (with ``jit``, autograd_lite under ``ag.jit`` too)."""
    return library_sides(lib, numpy_side, ag_side, torch_side, kind, size, n_ops, jit=jit)


def run_overhead(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    rounds, warmup = {"full": (100, 10), "quick": (20, 3), "smoke": (3, 1)}[cfg["mode"]]
    rows = []
    for kind in ("mul_add", "tanh"):
        for size in (1, 1000):
            rows += run_timed(
                "op_overhead",
                f"{kind} size={size}",
                lib,
                chain_sides(lib, kind, size, OVERHEAD_OPS, jit=True),
                rounds=rounds,
                warmup=warmup,
                unit="us",
                per=OVERHEAD_OPS,
            )
    return rows


def run_deep(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    n = cfg["n"]
    rounds = {"full": 3 if n >= 10**6 else 5, "quick": 3, "smoke": 2}[cfg["mode"]]
    return run_timed(
        "deep_chain",
        ops_label(n),
        lib,
        chain_sides(lib, "mul_add", 1, n),
        rounds=rounds,
        warmup=1,
        unit="us",
        per=n,
    )


def run_deep_memory(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Peak memory per op of one chain of ``cfg["n"]`` ops for one side, in a fresh process."""
    n, side = cfg["n"], cfg["side"]
    case = ops_label(n)
    if side in lib.skipped:
        return [record("deep_chain", case, side, status="skipped", reason=lib.skipped[side])]
    chain_sides(lib, "mul_add", 1, WARMUP_OPS)[side]().step()  # first-call setup out of the way
    peak, _ = peak_delta(chain_sides(lib, "mul_add", 1, n)[side]().step)
    return [
        record(
            "deep_chain",
            case,
            side,
            metric="peak_memory",
            unit="B/op",
            value=peak / n,
            peak_bytes=peak,
        )
    ]
