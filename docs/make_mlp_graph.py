"""Draw the computation graph of a small MLP's loss: the picture shown in the README.

Run from the repository root (needs Graphviz's ``dot``)::

    python docs/make_mlp_graph.py            # writes docs/mlp_graph.svg
    python docs/make_mlp_graph.py out.svg    # or another path
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.viz import draw_graph


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.hidden = nn.Linear(2, 8, rng=0)
        self.out = nn.Linear(8, 3, rng=1)

    def forward(self, x: ag.Tensor) -> ag.Tensor:
        return self.out(ag.tanh(self.hidden(x)))


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).with_name("mlp_graph.svg")
    model = MLP()
    x = ag.tensor(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32), name="x")
    loss = ag.softmax_cross_entropy(model(x), np.array([0, 1, 2, 0]))
    loss.backward(retain_graph=True)  # keep the graph so it can be drawn with gradients
    graph = draw_graph(loss, params=model, show_grads=True)
    path.write_text(graph.to_svg(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
