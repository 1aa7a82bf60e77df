"""Draw the program ``ag.jit`` records for a small training step: the picture in the README.

Run from the repository root (needs Graphviz's ``dot``)::

    python docs/make_jit_graph.py            # writes docs/jit_program.svg
    python docs/make_jit_graph.py out.svg    # or another path
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite import nn, optim
from autograd_lite.nn import functional as F
from autograd_lite.viz import draw_graph


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).with_name("jit_program.svg")
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = optim.SGD(model.parameters(), lr=1.0)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    x, y = ag.data.spiral(10, 3, seed=0)
    step(x.astype(np.float32), y)  # traced (the program is recorded on the first call)
    graph = draw_graph(step, params=model)
    path.write_text(graph.to_svg(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
