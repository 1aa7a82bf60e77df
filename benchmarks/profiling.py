"""Profile one side of a workload with cProfile: ``python -m benchmarks.profiling spiral``.

For finding where the engine spends its time before optimising it. The profiled steps run after
a warm-up, in a process with the suite's worker environment (BLAS threads, allocator); the output
is the top of the cProfile table sorted by ``tottime`` (``--sort cumulative`` to change).
Profiling inflates Python-level overhead roughly uniformly, so read the table for proportions,
and take speeds from ``python -m benchmarks``.

Example (from the repository root)::

    python -m benchmarks.profiling op_overhead --steps 200 --top 25
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cProfile  # noqa: E402
import pstats  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from benchmarks.run import ROOT, worker_env  # noqa: E402


def ensure_worker_env() -> None:
    """Re-run this process with the timing workers' environment unless it already has it.

    glibc reads its MALLOC_* variables at start-up, so they cannot be set from inside; without
    them every step's large arrays are page-faulted in afresh and dominate the profile.
    """
    env = worker_env(threads=int(os.environ.get("OMP_NUM_THREADS", "1")), memory=False)
    if all(os.environ.get(k) == v for k, v in env.items()):
        return
    argv = [sys.executable, "-m", "benchmarks.profiling", *sys.argv[1:]]
    os.chdir(ROOT)
    os.execve(sys.executable, argv, env)


def make_step(workload: str, side: str) -> Callable[[], Any]:
    from benchmarks.harness import library_sides, load_libraries
    from benchmarks.workloads import chains, hvp, lenet, mlp, spiral

    lib = load_libraries(use_torch=side.startswith("torch"), threads=1)
    library = side.split(".")[0]
    if library in lib.skipped:
        raise SystemExit(f"cannot profile {side}: {lib.skipped[library]}")
    if workload == "spiral":
        builders = mlp.training_sides(lib, *spiral.spiral_problem(), reg=spiral.REG, lr=spiral.LR)
    elif workload in ("mlp", "mlp64"):
        X, y, params = mlp.mlp_problem("float32" if workload == "mlp" else "float64")
        builders = mlp.training_sides(lib, X, y, params, reg=0.0, lr=mlp.MLP_LR)
    elif workload in ("op_overhead", "tanh"):
        kind = "mul_add" if workload == "op_overhead" else "tanh"
        builders = chains.chain_sides(lib, kind, 1, chains.OVERHEAD_OPS, jit=True)
    elif workload == "deep_chain":
        builders = chains.chain_sides(lib, "mul_add", 1, 10**5)
    elif workload == "lenet":
        sides = lenet.numpy_side, lenet.ag_side, lenet.torch_side
        builders = library_sides(lib, *sides, *lenet.lenet_problem())
    else:  # hvp
        sides = hvp.numpy_side, hvp.ag_side, hvp.torch_side
        builders = library_sides(lib, *sides, *hvp.hvp_problem(), jit=True)
    return builders[side]().step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__)
    parser.add_argument(
        "workload",
        choices=("spiral", "mlp", "mlp64", "op_overhead", "tanh", "deep_chain", "hvp", "lenet"),
    )
    parser.add_argument("--side", default="autograd_lite", help="default autograd_lite")
    parser.add_argument("--steps", type=int, default=300, help="profiled steps (default 300)")
    parser.add_argument("--top", type=int, default=20, help="rows to print (default 20)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (default tottime)")
    args = parser.parse_args(argv)
    if argv is None:
        ensure_worker_env()
    step = make_step(args.workload, args.side)
    for _ in range(max(3, args.steps // 10)):
        step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs().sort_stats(args.sort)
    print(f"{args.workload} / {args.side}: {args.steps} steps")
    stats.print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
