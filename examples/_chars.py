"""What the character-level examples share: the text as integer ids, random training windows,
the training loop, the validation loss in bits per character, sampling and the loss plot.

Both models read a window of ``block`` characters and predict, at every position, the next
character. Training draws ``batch`` windows at random places of the first 90 % of the text;
the validation loss is the mean cross-entropy over every position of the non-overlapping
windows that tile the last 10 %, each window read from a fresh start (no state carried
over), the same for both models. For scale: a uniform guess over the 65 characters costs
ln 65 = 4.17 nats (6.02 bits) per character, the training text's character frequencies 3.23
nats (4.66 bits).
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _common import parser, plot_dir, report, saved

import autograd_lite as ag
from autograd_lite import data, nn, optim
from autograd_lite.demo import ProgressBar
from autograd_lite.nn import functional as F

BLOCK, BATCH = 64, 32  # characters per window, windows per step


@dataclass
class Corpus:
    """The text, its alphabet, and the training and validation parts as int64 ids."""

    text: str
    chars: str
    train: np.ndarray
    val: np.ndarray

    @property
    def vocab_size(self) -> int:
        return len(self.chars)

    def encode(self, s: str) -> np.ndarray:
        lookup = {c: i for i, c in enumerate(self.chars)}
        return np.array([lookup[c] for c in s], dtype=np.int64)

    def decode(self, ids: np.ndarray) -> str:
        return "".join(self.chars[i] for i in ids)


def hamlet_corpus(val_fraction: float = 0.1) -> Corpus:
    """``data.hamlet()`` split by position: the first 90 % to train on, the rest to validate."""
    text = data.hamlet()
    chars = "".join(sorted(set(text)))
    ids = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    ids = np.searchsorted(np.frombuffer(chars.encode("ascii"), dtype=np.uint8), ids)
    cut = int(len(ids) * (1 - val_fraction))
    return Corpus(text, chars, ids[:cut].astype(np.int64), ids[cut:].astype(np.int64))


def windows(ids: np.ndarray, starts: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``ids[s : s + block]`` and targets one character later, one row per start."""
    rows = starts[:, None] + np.arange(block)
    return ids[rows], ids[rows + 1]


def validation_loss(
    model: nn.Module, ids: np.ndarray, block: int, batch: int = 64, limit: int | None = None
) -> float:
    """Mean cross-entropy (nats per character) over the windows tiling ``ids``.

    ``limit`` keeps only the first ``limit`` windows (for quick runs).
    """
    starts = np.arange(0, len(ids) - block - 1, block)[:limit]
    model.eval()
    total = 0.0
    with ag.no_grad():
        for i in range(0, len(starts), batch):
            x, y = windows(ids, starts[i : i + batch], block)
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            total += loss.item() * y.size
    model.train()
    return total / (len(starts) * block)


@dataclass
class History:
    """Training loss at every step, validation loss at every evaluation, and the time taken."""

    train_losses: list[float]
    val_steps: list[int]
    val_losses: list[float]
    seconds: float


def train(
    model: nn.Module,
    opt: optim.Optimizer,
    scheduler: optim.lr_scheduler.LRScheduler,
    corpus: Corpus,
    *,
    steps: int,
    batch: int,
    block: int,
    seed: int,
    clip: float,
    eval_every: int,
    eval_limit: int | None = None,
) -> History:
    """Adam-style training on random windows; the scheduler steps once per step.

    The windows come from ``numpy.random.default_rng(seed)``: the same batches for any
    framework that draws them this way. Validation runs every ``eval_every`` steps and after
    the last; its time is not counted in ``seconds``.
    """
    rng = np.random.default_rng(seed)
    history = History([], [], [], 0.0)
    with ProgressBar(steps, desc="training") as bar:
        for step in range(1, steps + 1):
            start = time.perf_counter()
            starts = rng.integers(0, len(corpus.train) - block - 1, size=batch)
            x, y = windows(corpus.train, starts, block)
            logits = model(x)
            loss = F.cross_entropy(logits.reshape(-1, corpus.vocab_size), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            scheduler.step()
            history.seconds += time.perf_counter() - start
            history.train_losses.append(loss.item())
            if step % eval_every == 0 or step == steps:
                history.val_steps.append(step)
                history.val_losses.append(
                    validation_loss(model, corpus.val, block, limit=eval_limit)
                )
            shown = {"loss": loss.item()}
            if history.val_losses:
                shown["val"] = history.val_losses[-1]
            bar.update(**shown)
    for step, val in zip(history.val_steps, history.val_losses):
        print(f"step {step:5d}: validation loss {val:.4f} nats/char ({bits(val):.3f} bits)")
    return history


def sample(
    next_logits: Callable[[np.ndarray], np.ndarray],
    corpus: Corpus,
    prompt: str,
    length: int,
    *,
    temperature: float,
    seed: int,
) -> str:
    """``prompt`` continued by ``length`` characters drawn one by one.

    ``next_logits(ids)`` returns the logits of the character after ``ids`` (all of the
    text so far); the draw is from ``softmax(logits / temperature)``.
    """
    rng = np.random.default_rng(seed)
    ids = list(corpus.encode(prompt))
    with ag.no_grad():
        for _ in range(length):
            z = np.asarray(next_logits(np.array(ids)), dtype=np.float64) / temperature
            p = np.exp(z - z.max())
            ids.append(int(rng.choice(len(p), p=p / p.sum())))
    return corpus.decode(np.array(ids))


def bits(nats: float) -> float:
    """Nats per character as bits per character."""
    return nats / math.log(2)


def plot_losses(path: Path, history: History, title: str) -> Path:
    """The training loss at every step (and its running mean) and the validation loss."""
    from matplotlib.figure import Figure  # only when plotting: matplotlib is optional

    fig = Figure(figsize=(6.0, 3.6), dpi=110, layout="constrained")
    ax = fig.subplots()
    steps = np.arange(1, len(history.train_losses) + 1)
    ax.plot(steps, history.train_losses, lw=0.6, alpha=0.35, color="C0")
    window = max(1, len(steps) // 50)
    smooth = np.convolve(history.train_losses, np.ones(window) / window, mode="valid")
    ax.plot(steps[window - 1 :], smooth, lw=1.4, color="C0", label="training (running mean)")
    ax.plot(history.val_steps, history.val_losses, "o-", ms=3, color="C3", label="validation")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats / char)")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title(title, fontsize=10)
    fig.savefig(path)
    return path


# --------------------------------------------------------------------------- the examples' main


def command_line(description: str) -> tuple[argparse.Namespace, int, Corpus]:
    """The options (``--steps`` besides the usual ones), the number of steps, and the corpus;
    seeds ``ag.manual_seed``."""
    p = parser(description)
    p.add_argument("--steps", type=int, default=None, help="training steps (default 2000)")
    args = p.parse_args()
    ag.manual_seed(args.seed)
    corpus = hamlet_corpus()
    print(
        f"Hamlet: {len(corpus.train):,} characters to train on, {len(corpus.val):,} to "
        f"validate on, {corpus.vocab_size} distinct"
    )
    return args, args.steps or (100 if args.quick else 2000), corpus


def run(
    args: argparse.Namespace,
    steps: int,
    corpus: Corpus,
    model: nn.Module,
    opt: optim.Optimizer,
    scheduler: optim.lr_scheduler.LRScheduler,
    next_logits: Callable[[np.ndarray], np.ndarray],
    *,
    name: str,
    title: str,
) -> None:
    """Train (gradients clipped to norm 1), write a sample after "Ham.\\n", plot the losses
    to ``<name>_loss.png`` and print the result line."""
    print(f"{sum(p.size for p in model.parameters()):,} parameters")
    history = train(
        model, opt, scheduler, corpus, steps=steps, batch=BATCH, block=BLOCK, seed=args.seed,
        clip=1.0, eval_every=max(1, steps // 10), eval_limit=20 if args.quick else None,
    )  # fmt: skip
    val = history.val_losses[-1]
    print(f"{steps} steps in {history.seconds:.1f} s ({history.seconds / steps * 1e3:.0f} ms/step)")
    model.eval()
    length = 60 if args.quick else 400
    text = sample(next_logits, corpus, "Ham.\n", length, temperature=0.8, seed=args.seed)
    print("sample (temperature 0.8):\n" + text)
    out = plot_dir(args.out)
    if out is not None:
        caption = f"{title} on Hamlet: {bits(val):.3f} bits/char after {steps} steps"
        saved(plot_losses(out / f"{name}_loss.png", history, caption))
    report(
        val_loss=val, val_bpc=bits(val), train_loss=float(np.mean(history.train_losses[-20:])),
        steps=steps, seconds=round(history.seconds, 1),
    )  # fmt: skip
