"""Machinery shared by the workloads: the three sides, interleaved timing, checks, memory probes.

Runs inside worker processes only (it imports numpy, and the worker's environment must pin the
BLAS threads before that happens).
"""

from __future__ import annotations

import gc
import os
import resource
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

UNIT_SCALE = {"s": 1.0, "ms": 1e3, "us": 1e6}


@dataclass
class Libraries:
    """The libraries a worker can compare; a side that cannot run has a reason in ``skipped``."""

    ag: Any
    torch: Any
    skipped: dict[str, str]


def load_libraries(use_torch: bool, threads: int, only: str | None = None) -> Libraries:
    """Import autograd_lite and (optionally) torch, recording why a side is unavailable.

    With ``only`` set to a side name, the other library is not imported at all (one-side memory
    workers stay lean and start fast).
    """
    skipped: dict[str, str] = {}
    ag = torch = None
    if only not in (None, "autograd_lite"):
        skipped["autograd_lite"] = "not needed by this worker"
    else:
        try:
            import autograd_lite

            autograd_lite.tensor([1.0], requires_grad=True)
            ag = autograd_lite
        except Exception as exc:  # the core may not exist yet: report it, don't crash the suite
            skipped["autograd_lite"] = f"autograd_lite not usable ({type(exc).__name__}: {exc})"
    if not use_torch:
        skipped["torch"] = "disabled with --no-torch"
    elif only not in (None, "torch"):
        skipped["torch"] = "not needed by this worker"
    else:
        try:
            import torch as torch_module

            torch_module.set_num_threads(threads)
            torch = torch_module
        except ImportError as exc:
            skipped["torch"] = f"torch not installed ({exc})"
    return Libraries(ag=ag, torch=torch, skipped=skipped)


@dataclass
class Side:
    """One implementation of a workload.

    ``step()`` does one timed unit of work and returns its result; ``arrays(result)`` turns that
    result (plus any state such as parameters and gradients) into named numpy arrays, which are
    compared with the numpy side before timing so that every side provably does the same math.
    """

    step: Callable[[], Any]
    arrays: Callable[[Any], dict[str, np.ndarray]]


def library_sides(
    lib: Libraries,
    numpy_side: Callable[..., Side],
    ag_side: Callable[..., Side],
    torch_side: Callable[..., Side],
    *args: Any,
    jit: bool = False,
) -> dict[str, Callable[[], Side]]:
    """Builders of the numpy, autograd_lite and torch sides of a workload, for ``run_timed``.

    Each side is built from ``args``; the library sides get their module first. numpy comes first:
    it is the reference. With ``jit``, an "autograd_lite.jit" side runs autograd_lite's step
    under ``ag.jit`` (the step must keep no state of its own between calls, see ``jitted``).
    """
    sides = {
        "numpy": lambda: numpy_side(*args),
        "autograd_lite": lambda: ag_side(lib.ag, *args),
        "autograd_lite.jit": lambda: jitted(lib.ag, ag_side(lib.ag, *args)),
        "torch": lambda: torch_side(lib.torch, *args),
    }
    if not jit:
        del sides["autograd_lite.jit"]
    return sides


def jitted(ag: Any, side: Side, tensors: Sequence[Any] = (), optimizer: Any = None) -> Side:
    """``side`` with its step under ``ag.jit``, already traced and past ag.jit's own check.

    The first call traces (an eager run), the second is the replay ag.jit checks bit for bit
    against an eager run from the same state. Then the state goes back to where it started:
    ``tensors``' values, no gradients, an empty ``optimizer`` state. So the step that
    ``run_timed`` compares with numpy is a replay, and no timed step traces or checks.
    """
    step = ag.jit(side.step)
    start = [t.data.copy() for t in tensors]
    step()
    step()
    for t, data in zip(tensors, start):
        t.data[...] = data
        t.grad = None
    if optimizer is not None:
        optimizer.state.clear()
    return Side(step, side.arrays)


def record(workload: str, case: str, side: str, **fields: Any) -> dict[str, Any]:
    """A result row; ``status`` is "ok", "skipped" or "error"."""
    fields.setdefault("status", "ok")
    return {"workload": workload, "case": case, "side": side, **fields}


def error_text(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" at {last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno}" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


def time_interleaved(
    steps: dict[str, Callable[[], Any]], rounds: int, warmup: int
) -> dict[str, list[float]]:
    """Seconds per call of each step, timed A B C A B C ... so that drift hits every side alike.

    The garbage collector stays enabled: how much work a graph gives it is part of the cost.
    """
    for _ in range(warmup):
        for fn in steps.values():
            fn()
    gc.collect()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    clock = time.perf_counter
    for _ in range(rounds):
        for name, fn in steps.items():
            t0 = clock()
            fn()
            samples[name].append(clock() - t0)
    return samples


def summarize(seconds: list[float], unit: str, per: int = 1) -> dict[str, Any]:
    """Median, p10 and p90 in ``unit`` (per op when ``per`` > 1)."""
    scaled = np.asarray(seconds) * UNIT_SCALE[unit] / per
    p10, median, p90 = np.percentile(scaled, [10, 50, 90])
    return {
        "metric": "time",
        "unit": unit if per == 1 else f"{unit}/op",
        "median": float(median),
        "p10": float(p10),
        "p90": float(p90),
        "samples": len(seconds),
    }


def check_same(ref: dict[str, np.ndarray], got: dict[str, np.ndarray], rtol: float) -> None:
    """Raise AssertionError unless ``got`` matches the numpy reference array by array."""
    for key, want in ref.items():
        if key not in got:
            continue
        have = np.asarray(got[key])
        if have.shape != want.shape:
            raise AssertionError(f"{key}: shape {have.shape}, numpy has {want.shape}")
        scale = max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
        err = float(np.max(np.abs(have.astype(np.float64) - want), initial=0.0))
        if not err <= rtol * scale:
            raise AssertionError(
                f"{key} differs from numpy: max abs diff {err:.3g} (scale {scale:.3g})"
            )


def check_dtypes(arrays: dict[str, np.ndarray], dtype: str) -> None:
    """Raise AssertionError if any floating array is not ``dtype`` (catches silent upcasts)."""
    for key, value in arrays.items():
        got = np.asarray(value).dtype
        if got.kind == "f" and got != np.dtype(dtype):
            raise AssertionError(f"{key} is {got}, expected {dtype} end to end")


def run_timed(
    workload: str,
    case: str,
    lib: Libraries,
    builders: dict[str, Callable[[], Side]],
    *,
    rounds: int,
    warmup: int,
    unit: str,
    per: int = 1,
    rtol: float = 1e-9,
    dtype: str | None = None,
    extra: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Build every available side, check it against numpy, then time all of them interleaved.

    ``builders`` must list "numpy" first: it is the reference for the check. A side that fails
    to build or disagrees with numpy gets an error row and is not timed.
    """
    extra = extra or {}
    rows: list[dict[str, Any]] = []
    sides: dict[str, Side] = {}
    reference: dict[str, np.ndarray] = {}
    for name, build in builders.items():
        library = name.split(".")[0]  # "torch.nn" needs torch
        if library in lib.skipped:
            rows.append(record(workload, case, name, status="skipped", reason=lib.skipped[library]))
            continue
        try:
            side = build()
            arrays = {k: np.asarray(v) for k, v in side.arrays(side.step()).items()}
            if dtype is not None:
                check_dtypes(arrays, dtype)
            if name == "numpy":
                reference = arrays
            else:
                check_same(reference, arrays, rtol)
        except Exception as exc:
            rows.append(record(workload, case, name, status="error", reason=error_text(exc)))
            continue
        sides[name] = side
    samples = time_interleaved({n: s.step for n, s in sides.items()}, rounds, warmup)
    for name, secs in samples.items():
        rows.append(record(workload, case, name, **summarize(secs, unit, per), **extra))
    order = {name: i for i, name in enumerate(builders)}
    return sorted(rows, key=lambda row: order[row["side"]])


# --- memory probes (Linux /proc; resource.getrusage as a fallback) ---------------------------


def current_rss() -> int:
    """Resident set size of this process in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False if not permitted."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss() -> int:
    """Peak resident set size in bytes since start (or since ``reset_peak_rss``)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def peak_delta(fn: Callable[[], Any]) -> tuple[int, Any]:
    """Bytes by which the peak RSS while running ``fn`` exceeds the RSS just before it."""
    gc.collect()
    before = current_rss()
    if not reset_peak_rss() and peak_rss() > before:
        # Without a reset an older, higher peak would hide this one.
        raise RuntimeError("cannot reset the peak RSS (/proc/self/clear_refs) in this process")
    result = fn()
    return max(peak_rss() - before, 0), result
