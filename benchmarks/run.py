"""Run the benchmark suite: ``python -m benchmarks`` or ``python benchmarks/run.py``.

This parent process imports neither numpy nor torch. It plans the jobs, runs each in a fresh
worker subprocess (``benchmarks.worker``) and prints the report. Every worker gets the same
environment whatever side it measures:

- ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` = ``--threads`` (set before
  numpy is imported; torch also gets ``torch.set_num_threads``);
- glibc allocator settings. A training step frees its whole graph at once; with glibc's defaults
  the top of the heap then goes back to the OS and is page-faulted in again next step, which can
  make a step 1.5-3x slower depending on heap layout. Timing workers therefore keep the heap
  (``TIMING_MALLOC``). Memory workers do the opposite (``MEMORY_MALLOC``): they hand freed memory
  back at once, so that the RSS follows live memory and a peak or a leak is visible. The library
  itself never touches these process-wide settings; the suite does, for every side alike.

Example (from the repository root)::

    python -m benchmarks --quick --only spiral,op_overhead --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import SIDES, report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "benchmarks" / "results" / "latest.json"
WORKLOADS = ("spiral", "mlp", "op_overhead", "deep_chain", "lenet", "hvp", "memory")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# Keep freed memory in the heap (never trim, no mmap below 32 MiB, glibc's largest threshold).
TIMING_MALLOC = {"MALLOC_TRIM_THRESHOLD_": str(2**30), "MALLOC_MMAP_THRESHOLD_": str(2**25)}
# Return freed memory at once (trim always, mmap blocks from 64 KiB), so RSS ~ live memory.
MEMORY_MALLOC = {"MALLOC_TRIM_THRESHOLD_": "0", "MALLOC_MMAP_THRESHOLD_": str(2**16)}
WORKER_TIMEOUT_S = 1800


@dataclass
class Job:
    """One worker run: a task of ``benchmarks.worker`` with its parameters."""

    label: str
    task: str
    params: dict[str, Any] = field(default_factory=dict)
    memory: bool = False


def plan(only: list[str], mode: str) -> list[Job]:
    """The jobs of the selected workloads, in suite order."""
    sizes = {"full": (10**4, 10**5, 10**6), "quick": (10**4, 10**5), "smoke": (10**3, 10**4)}
    steps = {"full": 1000, "quick": 200, "smoke": 20}[mode]
    jobs = {
        "spiral": [Job("spiral step", "spiral")],
        "mlp": [Job(f"MLP step {dt}", "mlp", {"dtype": dt}) for dt in ("float32", "float64")],
        "op_overhead": [Job("op overhead", "op_overhead")],
        "deep_chain": [Job(f"deep chain n={n}", "deep_chain", {"n": n}) for n in sizes[mode]]
        + [
            Job(f"deep chain memory n={n} {s}", "deep_chain_memory", {"n": n, "side": s}, True)
            for n in sizes[mode]
            for s in SIDES
        ],
        "lenet": [Job("LeNet-5 step", "lenet")],
        "hvp": [Job("Hessian-vector product", "hvp")],
        "memory": [
            Job(f"MLP memory {s}", "mlp_memory", {"side": s, "steps": steps}, True) for s in SIDES
        ],
    }
    return [job for name in WORKLOADS if name in only for job in jobs[name]]


def worker_env(threads: int, memory: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update({var: str(threads) for var in THREAD_VARS})
    env.update(MEMORY_MALLOC if memory else TIMING_MALLOC)
    return env


def run_job(job: Job, cfg: dict[str, Any]) -> Any:
    """Run one worker; returns its result, or raises RuntimeError with the worker's stderr."""
    with tempfile.TemporaryDirectory(prefix="autograd_lite_bench_") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "benchmarks.worker", job.task, json.dumps(cfg | job.params)]
        proc = subprocess.run(
            [*cmd, str(out)],
            cwd=ROOT,
            env=worker_env(cfg["threads"], job.memory),
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
        )
        if proc.returncode != 0 or not out.exists():
            tail = " | ".join(proc.stderr.strip().splitlines()[-3:])
            raise RuntimeError(f"worker {job.task} exited with {proc.returncode}: {tail}")
        return json.loads(out.read_text())["result"]


def git_commit() -> str:
    """Short commit of the checkout, with "+dirty" if the library has uncommitted changes."""
    try:
        git = ["git", "-C", str(ROOT)]
        sha = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "autograd_lite"], capture_output=True, text=True
        )
        return sha.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="autograd_lite against hand-written numpy and PyTorch eager CPU.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="short run (smaller sizes, fewer rounds)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny run that only checks the suite works (tests)"
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (default 1)")
    parser.add_argument(
        "--json", type=Path, default=DEFAULT_JSON, help=f"results file (default {DEFAULT_JSON})"
    )
    parser.add_argument("--plot", type=Path, help="also draw a PNG bar chart (needs matplotlib)")
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAMES",
        help=f"comma-separated workloads to run, from: {', '.join(WORKLOADS)}",
    )
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    names = [n.strip() for item in args.only or [",".join(WORKLOADS)] for n in item.split(",")]
    unknown = sorted(set(names) - set(WORKLOADS) - {""})
    if unknown:
        parser.error(f"unknown workload(s) {unknown}; expected some of {list(WORKLOADS)}")
    args.only = [n for n in WORKLOADS if n in names]
    args.mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the suite; returns 1 if any measurement failed, else 0."""
    args = parse_args(argv)
    command = shlex.join(
        ["python", *sys.orig_argv[1:]] if argv is None else ["python", "-m", "benchmarks", *argv]
    )
    cfg = {"mode": args.mode, "threads": args.threads, "torch": not args.no_torch}
    machine = run_job(Job("machine", "machine"), cfg)
    machine["commit"] = git_commit()
    rows: list[dict[str, Any]] = []
    jobs = plan(args.only, args.mode)
    for i, job in enumerate(jobs, 1):
        print(f"[{i}/{len(jobs)}] {job.label} ...", end=" ", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            rows += run_job(job, cfg)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            side = job.params.get("side", "all")
            rows.append(
                {
                    "workload": job.task,
                    "case": job.label,
                    "side": side,
                    "status": "error",
                    "reason": str(exc),
                }
            )
        print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    machine["loadavg_end"] = list(os.getloadavg())  # other work on the machine skews a run
    report.add_ratios(rows)
    result = {
        "command": command,
        "machine": machine,
        "settings": {
            "mode": args.mode,
            "threads": args.threads,
            "thread_env": THREAD_VARS,
            "timing_malloc": TIMING_MALLOC,
            "memory_malloc": MEMORY_MALLOC,
            "gc": "enabled",
            "timing": "interleaved A B C A B C after warm-up; median, p10, p90 per step",
        },
        "rows": rows,
    }
    print(report.markdown(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1) + "\n")
    print(f"\nresults written to {args.json}", file=sys.stderr)
    if args.plot:
        print(report.plot(result, args.plot), file=sys.stderr)
    return int(any(row["status"] == "error" for row in rows))


if __name__ == "__main__":
    raise SystemExit(main())
