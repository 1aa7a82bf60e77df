"""Instructions per op of the op-overhead chain, counted by valgrind: repeatable on a busy machine.

    python -m benchmarks.instructions [--ops 1000]

Runs the mul/add chain (forward + backward, 1-element tensors) for autograd_lite, for
hand-written numpy and for a bare engine under ``valgrind --tool=callgrind``, once with the
chain and once without, and prints the difference per op. The bare engine is the least any
engine of Tensor and Op objects over numpy can do: one of each per op, a consumer count, a
walk, no checks and nothing general (it only handles this chain). It is the floor for this
design in CPython, and says how much of autograd_lite's cost is its own.

Wall-clock time varies with the load of a shared machine; the instruction count of the same
code does not, so it is the number to compare before and after a change to the engine.
Needs valgrind (``apt-get install valgrind``); slow (~1 minute).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

CHAIN = """
import sys
import numpy as np
side, n = sys.argv[1], int(sys.argv[2])
if side == "autograd_lite":
    import autograd_lite as ag
    for _ in range(3):
        x = ag.tensor(np.full(1, 0.5), requires_grad=True)
        y = x
        for _ in range(n // 2):
            y = y * 1.0001
            y = y + 0.001
        if n:
            y.backward(np.ones(1))
elif side == "bare engine":
    class Tensor:
        __slots__ = ("data", "grad", "op", "mark", "pending", "gsum")
        def __init__(self, data, op=None):
            self.data, self.grad, self.op, self.mark, self.pending, self.gsum = (
                data, None, op, None, 0, None)
        def __mul__(self, c):
            return Tensor(self.data * c, Op(self, c, c))
        def __add__(self, c):
            return Tensor(self.data + c, Op(self, c, None))
    class Op:
        __slots__ = ("inputs", "factor")
        def __init__(self, x, c, factor):
            self.inputs, self.factor = (x, c), factor
        def backward(self, g):
            return g if self.factor is None else g * self.factor
    def backward(root, g):
        mark, stack = object(), [root]
        while stack:  # pass 1: count consumers
            x = stack.pop().op.inputs[0]
            if x.mark is mark:
                x.pending += 1
            else:
                x.mark, x.pending = mark, 1
                if x.op is not None:
                    stack.append(x)
        root.gsum, ready = g, [root]
        while ready:  # pass 2: each op once its output's gradient is complete
            t = ready.pop()
            op, g, t.gsum = t.op, t.gsum, None
            x = op.inputs[0]
            gx = op.backward(g)
            op.inputs = None
            x.gsum = gx if x.gsum is None else x.gsum + gx
            x.pending -= 1
            if x.pending == 0:
                if x.op is None:
                    x.grad = x.gsum
                else:
                    ready.append(x)
    for _ in range(3):
        x = Tensor(np.full(1, 0.5))
        y = x
        for _ in range(n // 2):
            y = y * 1.0001
            y = y + 0.001
        if n:
            backward(y, np.ones(1))
else:
    for _ in range(3):
        y = np.full(1, 0.5)
        for _ in range(n // 2):
            y = y * 1.0001
            y = y + 0.001
        g = np.ones(1)
        for _ in range(n // 2):
            g = g * 1.0001
"""


# Address-space randomisation moves objects, and so id-based hashing and allocator work, from
# run to run; setarch -R turns it off for the measured process where it is available.
_NO_ASLR = ["setarch", "-R"] if shutil.which("setarch") else []


def count(side: str, ops: int) -> int:
    """Instructions executed by the chain script for one side and chain length."""
    # A fixed hash seed keeps the import-time work the same in the two runs subtracted.
    # One BLAS thread: idle OpenBLAS workers spin, and callgrind counts their instructions too.
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [*_NO_ASLR, "valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
             sys.executable, "-c", CHAIN, side, str(ops)],
            capture_output=True, text=True, check=True, env=env,
        )  # fmt: skip
    match = re.search(r"Collected : (\d+)", result.stderr)
    if match is None:
        raise RuntimeError(f"valgrind printed no instruction count:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ops", type=int, default=1000, help="ops in the chain (default 1000: the workload's)"
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 2
    per_op = {}
    for side in ("numpy", "bare engine", "autograd_lite"):
        extra = count(side, args.ops) - count(side, 0)
        per_op[side] = extra / (3 * args.ops)
        ratio = per_op[side] / per_op["numpy"]
        print(f"{side:14s} {per_op[side]:9.0f} instructions per op (forward + backward), "
              f"{ratio:.2f}x numpy")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
