"""Workload 6: memory of the float32 MLP step -- its peak, and no growth over many steps.

One fresh worker per side. After a few warm-up steps (lazy initialisation, gradient buffers),
the peak RSS (VmHWM) is reset, one step runs, and the rise of the peak over the RSS before the
step is the step's transient memory. Then the remaining steps run and the RSS at the start and
end is reported: a leak (a graph kept alive, caches that grow) shows up as growth.

These workers run with an allocator that hands freed memory back to the OS (see run.py), so the
RSS follows live memory rather than the heap's high-water mark.
"""

from __future__ import annotations

import gc
from typing import Any

from benchmarks.harness import Libraries, current_rss, peak_delta, record
from benchmarks.workloads.mlp import MLP_LR, mlp_problem, training_sides

MIB = 2**20
WARMUP_STEPS = 3


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    side, steps, case = cfg["side"], cfg["steps"], "float32"
    if side in lib.skipped:
        return [record("mlp_memory", case, side, status="skipped", reason=lib.skipped[side])]
    X, y, params = mlp_problem("float32")
    step = training_sides(lib, X, y, params, reg=0.0, lr=MLP_LR)[side]().step
    for _ in range(WARMUP_STEPS):
        step()
    gc.collect()
    rss_start = current_rss()
    peak, _ = peak_delta(step)
    for _ in range(steps - 1):
        step()
    gc.collect()
    rss_end = current_rss()
    return [
        record(
            "mlp_memory",
            case,
            side,
            metric="peak_memory",
            unit="MiB",
            value=peak / MIB,
            rss_start_mib=rss_start / MIB,
            rss_end_mib=rss_end / MIB,
            growth_mib=(rss_end - rss_start) / MIB,
            steps=steps,
        )
    ]
