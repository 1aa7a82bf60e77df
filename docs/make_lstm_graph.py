"""Draw the computation graph of a tiny character LSTM's loss, unrolled over 3 time steps.

The model is ``examples/char_lstm.py`` in miniature: a 4-character alphabet embedded in 2
features, an LSTM with 3 hidden units, a linear layer to the 4 logits, and the cross-entropy
of predicting "bca" from "abc". The picture has a box per module and, inside the LSTM's, one
box per time step (``t0``, ``t1``, ``t2``), where the cell's gates are computed: two
products (input and hidden state), the four gate slices, their sigmoids and tanh, and the new
cell and hidden states. The weights sit in the LSTM's box, outside the steps, since every
step uses them.

Run from the repository root (needs Graphviz's ``dot``)::

    python docs/make_lstm_graph.py            # writes docs/lstm_graph.svg
    python docs/make_lstm_graph.py out.svg    # or another path
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.viz import draw_graph


class TinyCharLSTM(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(4, 2, rng=0)
        self.lstm = nn.LSTM(2, 3, batch_first=True, rng=1)
        self.head = nn.Linear(3, 4, rng=2)

    def forward(self, ids: np.ndarray) -> ag.Tensor:
        out, _ = self.lstm(self.embed(ids))
        return self.head(out)


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).with_name("lstm_graph.svg")
    model = TinyCharLSTM()
    text, target = np.array([[0, 1, 2]]), np.array([1, 2, 0])  # "abc" -> "bca"
    loss = ag.softmax_cross_entropy(model(text).reshape(3, 4), target)
    loss.name = "loss"
    graph = draw_graph(loss, params=model, show_dtypes=False)  # float32 everywhere
    path.write_text(graph.to_svg(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
