"""Benchmark suite: autograd_lite against hand-written numpy and PyTorch eager CPU.

Run it from the repository root with ``python -m benchmarks`` (or ``python benchmarks/run.py``);
``python -m benchmarks --help`` lists the options. The parent process only plans, spawns workers
and reports; every measurement runs in a fresh worker subprocess (``benchmarks.worker``) whose
environment pins the BLAS threads and the glibc allocator the same way for every side.
"""

SIDES = ("numpy", "autograd_lite", "torch")
"""The compared implementations, in table order; numpy is the reference for ratios and checks."""
