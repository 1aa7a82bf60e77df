"""A character-level LSTM language model on Shakespeare's Hamlet (``data.hamlet()``).

Karpathy's char-rnn, small: each character is embedded (65 -> 32), read by one LSTM layer of
128 units, and a linear layer gives the logits of the next character. Training: windows of
64 characters at random places of the first 90 % of the play, batches of 32, AdamW (lr 3e-3,
weight decay 0.01) annealed along a cosine, gradients clipped to norm 1. The validation loss
is measured on the last 10 % (see ``_chars.py``), in nats and in bits per character; a
uniform guess over the 65 characters scores 6.02 bits.

At the end the model writes a few hundred characters after a prompt, carrying its state
(h, c) from one character to the next.

The full run ends at a validation loss of 1.680 nats (2.42 bits) per character in about
1.5 minutes on one core (numpy's BLAS on one thread: faster here, and steady on a
shared machine); the same model in PyTorch, from the same initial weights on the
same batches, reaches the same loss to four decimals and writes the same sample.

    python examples/char_lstm.py            # 2,000 steps, a few minutes
    python examples/char_lstm.py --quick    # 100 steps
    OPENBLAS_NUM_THREADS=1 python examples/char_lstm.py   # one core, as measured
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from _chars import command_line, run

import autograd_lite as ag
from autograd_lite import nn, optim


class CharLSTM(nn.Module):
    """Embedding -> LSTM -> Linear: logits (batch, time, vocab) of the next character."""

    def __init__(self, vocab: int, embed: int, hidden: int, rng: np.random.Generator) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, embed, rng=rng)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, rng=rng)
        self.head = nn.Linear(hidden, vocab, rng=rng)

    def forward(self, ids: np.ndarray, state: tuple | None = None) -> ag.Tensor:
        logits, _ = self.step(ids, state)
        return logits

    def step(self, ids: np.ndarray, state: tuple | None = None) -> tuple[ag.Tensor, tuple]:
        """The logits and the LSTM's final state (h, c), to continue from."""
        out, state = self.lstm(self.embed(ids), state)
        return self.head(out), state


def reading(model: CharLSTM) -> Callable[[np.ndarray], np.ndarray]:
    """``next_logits`` for ``sample``: the LSTM reads only the characters it has not read yet,
    from the state it reached, so each new character costs one step."""
    read, state = 0, None

    def next_logits(ids: np.ndarray) -> np.ndarray:
        nonlocal read, state
        logits, state = model.step(ids[None, read:], state)
        read = len(ids)
        return logits.numpy()[0, -1]

    return next_logits


if __name__ == "__main__":
    args, steps, corpus = command_line(__doc__.splitlines()[0])
    model = CharLSTM(corpus.vocab_size, 32, 128, np.random.default_rng(args.seed))
    print(model)
    opt = optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    run(args, steps, corpus, model, opt, schedule, reading(model), name="char_lstm",
        title="char LSTM")  # fmt: skip
