"""The spiral MLP's training step under ``ag.jit``: traced once, replayed as numpy calls.

A 2-100-3 ReLU network (``nn.Sequential``), ``F.cross_entropy`` and ``optim.SGD`` on the
CS231n spiral (300 points, 3 classes, full batch, step size 1.0). The first call traces the
step; the program it recorded is printed; every later call replays it. A second copy of the
model trains eagerly beside it from the same seed: the losses and parameters of the two runs are
equal bit for bit. With Graphviz installed the program is also drawn (``ag.draw_graph``).

    python examples/jit_spiral.py            # 1000 steps, the drawing in ./autograd_lite_demo
    python examples/jit_spiral.py --quick    # 100 steps
"""

from __future__ import annotations

import shutil
from collections.abc import Callable

import numpy as np
from _common import accuracy, parser, report, saved

import autograd_lite as ag
from autograd_lite import data, nn, optim
from autograd_lite.demo import prepare_output_folder
from autograd_lite.nn import functional as F


def training(seed: int, hidden: int = 100) -> tuple[nn.Module, Callable[..., ag.Tensor]]:
    """The model and its training step (not jitted), built from ``seed``."""
    ag.manual_seed(seed)
    model = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 3))
    opt = optim.SGD(model.parameters(), lr=1.0)

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return model, step


if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    steps = 100 if args.quick else 1000
    x, y = data.spiral(100, 3, seed=args.seed)
    x = x.astype(np.float32)

    eager, step = training(args.seed)
    eager_losses = [float(step(x, y).data) for _ in range(steps)]
    model, step = training(args.seed)
    jitted = ag.jit(step)
    losses = [float(jitted(x, y).data) for _ in range(steps)]
    print(jitted.program)  # the recorded program (of the signature called last)

    same = losses == eager_losses and all(
        np.array_equal(p.data, q.data) for p, q in zip(model.parameters(), eager.parameters())
    )
    info = jitted.cache_info()
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f} in {steps} steps: "
          f"{info.misses} trace, {info.hits} replays; equal to the eager run: {same}")  # fmt: skip
    if shutil.which("dot"):
        path = ag.draw_graph(jitted, params=model).render(
            prepare_output_folder(args.out) / "jit_program", format="svg", cleanup=True
        )
        saved(path)
    with ag.no_grad():
        acc = accuracy(model(x).data, y)
    report(loss=losses[-1], first_loss=losses[0], accuracy=acc, same_as_eager=int(same),
           traces=info.misses, replays=info.hits)  # fmt: skip
