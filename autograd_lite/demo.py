"""The main demo (``python -m autograd_lite``) and the small helpers it is made of.

:func:`run_demo` trains the CS231n spiral classifier (2 -> hidden -> 3, ReLU, softmax
cross-entropy plus L2 on the weights, full-batch SGD) on the built-in data, shows a progress
bar, and writes into an output folder the computation graph of one training step with its
gradients (SVG, or DOT text without Graphviz), the decision boundary and the loss curve (PNG,
with matplotlib).

The helpers are public so that the examples can use them too: :class:`ProgressBar` (a
dependency-free text progress bar), :func:`plot_decision_boundary` and
:func:`plot_training_curves` (matplotlib's Agg canvas, never a window).

This module sits at the top of the stack: it uses ``nn``, ``optim`` and ``viz``; nothing in the
library imports it.

Examples
--------
>>> import io, tempfile
>>> from autograd_lite.demo import run_demo
>>> result = run_demo(steps=5, out=tempfile.mkdtemp(), stream=io.StringIO())
>>> len(result.losses), result.losses[-1] < result.losses[0]
(5, True)
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

import autograd_lite as ag
from autograd_lite import data, nn, optim
from autograd_lite._args import check_count
from autograd_lite.viz import GraphvizNotFoundError, draw_graph

__all__ = [
    "DemoResult",
    "ProgressBar",
    "matplotlib_available",
    "plot_decision_boundary",
    "plot_training_curves",
    "check_options",
    "prepare_output_folder",
    "run_demo",
]

MATPLOTLIB_HINT = "pip install 'autograd_lite[examples]' (or pip install matplotlib)"
# Every file run_demo may write; a run without Graphviz or matplotlib writes only some.
_OUTPUT_FILES = ("graph.svg", "graph.dot", "decision_boundary.png", "loss_curve.png")


# --------------------------------------------------------------------------- progress bar


class ProgressBar:
    """A one-line text progress bar showing the latest metrics; no dependencies.

    On a terminal the line is redrawn in place (at most every ``min_interval`` seconds). On
    any other stream (a file, a pipe, a CI log) it writes a plain line at every tenth of the
    way instead, so logs hold no carriage returns. Disabled, it writes nothing.

    Parameters
    ----------
    total : int
        Number of updates expected (>= 0).
    desc : str
        Label printed first.
    stream : text stream, optional
        Where to write; ``sys.stdout`` by default.
    enabled : bool
        False silences the bar (for ``--quiet``).
    width : int
        Characters of the bar itself.
    min_interval : float
        Seconds between redraws on a terminal.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with ProgressBar(20, desc="train", stream=out) as bar:
    ...     for step in range(20):
    ...         bar.update(loss=1.0 / (step + 1))
    >>> print(out.getvalue().splitlines()[-1])
    train 100% 20/20 loss 0.05 0:00:00
    """

    def __init__(
        self,
        total: int,
        *,
        desc: str = "",
        stream: IO[str] | None = None,
        enabled: bool = True,
        width: int = 24,
        min_interval: float = 0.1,
    ) -> None:
        check_count("ProgressBar", "total", total, 0)
        if stream is None:
            stream = sys.stdout
        self.total, self.desc, self.stream = int(total), desc, stream
        self.enabled, self.width, self.min_interval = enabled, width, min_interval
        self.count = 0
        self.metrics: dict[str, float] = {}
        isatty = getattr(stream, "isatty", None)
        self.interactive = bool(isatty()) if callable(isatty) else False
        self._start = time.monotonic()
        self._last_draw = -math.inf
        self._last_tenth = 0
        self._width_drawn = 0
        self._closed = False

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, n: int = 1, **metrics: float) -> None:
        """Advance by ``n`` and remember the metrics shown after the counter."""
        self.count += n
        self.metrics.update(metrics)
        if not self.enabled or self._closed:
            return
        if self.interactive:
            now = time.monotonic()
            if now - self._last_draw >= self.min_interval or self.count >= self.total:
                self._last_draw = now
                self._redraw()
        elif self.total:
            tenth = min(10, self.count * 10 // self.total)
            if tenth > self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(self.line(bar=False) + "\n")
                self.stream.flush()

    def close(self) -> None:
        """Finish the line (draws the final state on a terminal). Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self.enabled and self.interactive:
            self._redraw()
            self.stream.write("\n")
            self.stream.flush()

    def _redraw(self) -> None:
        text = self.line(bar=True)
        # Spaces wipe what a longer previous line left behind.
        self.stream.write("\r" + text + " " * max(0, self._width_drawn - len(text)))
        self.stream.flush()
        self._width_drawn = len(text)

    def line(self, bar: bool = True) -> str:
        """The text of the current state, e.g. ``train  40% [#####.......] 8/20 loss 0.1``."""
        frac = self.count / self.total if self.total else 1.0
        parts = [self.desc] if self.desc else []
        parts.append(f"{frac:4.0%}")
        if bar:
            filled = int(round(frac * self.width))
            parts.append("[" + "#" * filled + "." * (self.width - filled) + "]")
        parts.append(f"{self.count}/{self.total}")
        parts += [f"{k} {v:.4g}" for k, v in self.metrics.items()]
        elapsed = time.monotonic() - self._start
        timing = _clock(elapsed)
        if 0 < self.count < self.total:
            timing += f"<{_clock(elapsed * (self.total - self.count) / self.count)}"
        parts.append(timing)
        return " ".join(parts)


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


# --------------------------------------------------------------------------- plots


def matplotlib_available() -> bool:
    """Whether matplotlib can be imported (it is optional: the ``examples`` extra)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(figsize: tuple[float, float]) -> Any:
    # A bare Figure draws on the Agg canvas: no pyplot, no global state, never a window.
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, dpi=100, layout="constrained")


def plot_decision_boundary(
    path: str | Path,
    predict: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    *,
    title: str | None = None,
    resolution: int = 300,
) -> Path:
    """Save a PNG of the classes ``predict`` assigns over the plane, with the points on top.

    Parameters
    ----------
    path : str or Path
        The PNG to write (its folder must exist).
    predict : callable
        Maps an (n, 2) float array of points to n integer class labels.
    X : ndarray, shape (m, 2)
        The data points; ``y`` (m,) their integer labels (0 .. k-1).
    title : str, optional
        Title of the plot.
    resolution : int
        Grid points along each axis.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> X = np.array([[-1.0, 0.0], [1.0, 0.0]]); y = np.array([0, 1])
    >>> p = plot_decision_boundary(os.path.join(tempfile.mkdtemp(), "b.png"),
    ...                            lambda P: (P[:, 0] > 0).astype(int), X, y)  # doctest: +SKIP
    """
    from matplotlib.colors import ListedColormap

    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != X.shape[:1]:
        raise ValueError(
            "plot_decision_boundary: expected X of shape (m, 2) and y of shape (m,), "
            f"got {X.shape} and {y.shape}"
        )
    lo, hi = X.min(axis=0), X.max(axis=0)
    margin = 0.1 * (hi - lo) + 1e-9
    xs = np.linspace(lo[0] - margin[0], hi[0] + margin[0], resolution)
    ys = np.linspace(lo[1] - margin[1], hi[1] + margin[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    Z = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()])).reshape(xx.shape)
    k = int(max(y.max(), Z.max())) + 1
    # One colour per class, shared by the regions and the points.
    cmap = ListedColormap([f"C{i % 10}" for i in range(k)])
    fig = _figure((5.0, 5.0))
    ax = fig.add_subplot()
    ax.contourf(xx, yy, Z, levels=np.arange(k + 1) - 0.5, cmap=cmap, alpha=0.3)
    size = float(np.clip(4000 / len(X), 12, 80))  # few points are drawn bigger
    ax.scatter(
        *X.T, c=y, cmap=cmap, vmin=-0.5, vmax=k - 0.5, s=size, edgecolors="k", linewidths=0.3
    )
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(ys[0], ys[-1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)
    fig.savefig(path)
    return Path(path)


def plot_training_curves(
    path: str | Path,
    losses: Sequence[float],
    accuracies: Sequence[float] | None = None,
    *,
    title: str | None = None,
    xlabel: str = "step",
    accuracy_label: str = "training accuracy",
) -> Path:
    """Save a PNG of the loss curve, and of the accuracy beside it when given.

    Examples
    --------
    >>> import os, tempfile
    >>> p = plot_training_curves(os.path.join(tempfile.mkdtemp(), "c.png"),
    ...                          [1.0, 0.5, 0.3], [0.3, 0.6, 0.9])  # doctest: +SKIP
    """
    steps = np.arange(1, len(losses) + 1)
    fig = _figure((9.0, 3.4) if accuracies is not None else (5.0, 3.4))
    axes = fig.subplots(1, 2 if accuracies is not None else 1, squeeze=False)[0]
    axes[0].plot(steps, losses, lw=1.2)
    axes[0].set_ylabel("loss")
    if accuracies is not None:
        axes[1].plot(np.arange(1, len(accuracies) + 1), accuracies, lw=1.2, color="C2")
        axes[1].set_ylabel(accuracy_label)
        axes[1].set_ylim(0.0, 1.02)
    for ax in axes:
        ax.set_xlabel(xlabel)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.savefig(path)
    return Path(path)


# --------------------------------------------------------------------------- the demo


@dataclass
class DemoResult:
    """What :func:`run_demo` measured and wrote."""

    losses: list[float]
    accuracies: list[float]
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def final_loss(self) -> float:
        return self.losses[-1]

    @property
    def final_accuracy(self) -> float:
        return self.accuracies[-1]


def _check_positive(name: str, value: Any, kind: type) -> None:
    ok_type = isinstance(value, int | np.integer) if kind is int else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type:
        raise TypeError(f"run_demo: {name} must be {kind.__name__}, got {value!r}")
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"run_demo: {name} must be a finite number > 0, got {value!r}")


def check_options(
    *, steps: Any, seed: Any, hidden: Any, lr: Any, out: str | Path, reg: Any = 0.0
) -> None:
    """Raise TypeError/ValueError naming the first bad option of :func:`run_demo`."""
    for name, value, kind in (("steps", steps, int), ("hidden", hidden, int), ("lr", lr, float)):
        _check_positive(name, value, kind)
    check_count("run_demo", "seed", seed, 0)
    if not (isinstance(reg, int | float) and reg >= 0):
        raise ValueError(f"run_demo: reg must be a float >= 0, got {reg!r}")
    if Path(out).exists() and not Path(out).is_dir():
        raise ValueError(f"run_demo: out must be a folder, but {str(out)!r} is a file")


def prepare_output_folder(out: str | Path) -> Path:
    """Create the folder ``out`` if needed and check that files can be written in it.

    Raises the ``OSError`` of the failing step (``out`` under a regular file, no write
    permission, ...), so that a bad folder is reported before any training.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tempfile.TemporaryFile(dir=out).close()  # mkdir succeeds on an existing read-only folder
    return out


def spiral_classifier(hidden: int = 100, seed: int = 0) -> nn.Sequential:
    """The CS231n spiral network, 2 -> hidden -> 3 with ReLU, in float64."""
    layers = OrderedDict(
        fc1=nn.Linear(2, hidden, dtype=np.float64, rng=seed),
        relu=nn.ReLU(),
        fc2=nn.Linear(hidden, 3, dtype=np.float64, rng=seed + 1),
    )
    return nn.Sequential(layers)


def run_demo(
    *,
    steps: int = 2000,
    seed: int = 0,
    hidden: int = 100,
    lr: float = 1.0,
    reg: float = 1e-3,
    out: str | Path = "autograd_lite_demo",
    quiet: bool = False,
    stream: IO[str] | None = None,
) -> DemoResult:
    """Train the spiral classifier and write its pictures into ``out``.

    Parameters
    ----------
    steps : int
        Full-batch gradient-descent steps.
    seed : int
        Seed of the data and of the initial weights.
    hidden : int
        Width of the hidden layer.
    lr : float
        SGD step size (CS231n's is 1.0).
    reg : float
        L2 strength: ``0.5 * reg * sum(W**2)`` for both weight matrices is added to the loss.
    out : str or Path
        Output folder, created and checked to be writable before training: ``graph.svg``
        (or ``graph.dot`` without Graphviz), the graph of the first training step with the
        parameters' gradient summaries; ``decision_boundary.png`` and ``loss_curve.png``
        (with matplotlib). Those of an earlier run that this one does not write are removed.
    quiet : bool
        No progress bar and no notices; the summary is still printed.
    stream : text stream, optional
        Where to print (``sys.stdout`` by default).

    Returns
    -------
    DemoResult
        Loss and training accuracy of every step, run time, files written, notices.
    """
    check_options(steps=steps, seed=seed, hidden=hidden, lr=lr, reg=reg, out=out)
    out = prepare_output_folder(out)
    if stream is None:
        stream = sys.stdout

    def say(text: str) -> None:
        if not quiet:
            print(text, file=stream)

    X, y = data.spiral(seed=seed)
    inputs = ag.tensor(X, name="X")
    model = spiral_classifier(hidden, seed)
    W1, W2 = model.fc1.weight, model.fc2.weight
    opt = optim.SGD(model.parameters(), lr=lr)
    say(
        f"Training a 2 -> {hidden} -> 3 ReLU network on the spiral data ({len(y)} points, "
        f"3 classes): full-batch SGD, lr {lr:g}, L2 {reg:g}, {steps} steps."
    )

    losses: list[float] = []
    accuracies: list[float] = []
    graph = None
    start = time.perf_counter()
    with ProgressBar(steps, desc="train", stream=stream, enabled=not quiet) as bar:
        for step in range(steps):
            opt.zero_grad()
            scores = model(inputs)
            loss = ag.softmax_cross_entropy(scores, y) + 0.5 * reg * (
                ag.sum(W1 * W1) + ag.sum(W2 * W2)
            )
            loss.name = "loss"
            if step == 0:  # the first step is drawn with its gradients: keep its graph for that
                loss.backward(retain_graph=True)
                graph = draw_graph(loss, params=model, show_grads=True)
            else:
                loss.backward()
            opt.step()
            losses.append(loss.item())
            accuracies.append(float(np.mean(scores.data.argmax(axis=1) == y)))
            bar.update(loss=losses[-1], acc=accuracies[-1])
    seconds = time.perf_counter() - start

    result = DemoResult(losses, accuracies, seconds)
    for name in _OUTPUT_FILES:  # no stale file from an earlier run sits beside the new ones
        (out / name).unlink(missing_ok=True)
    assert graph is not None
    try:
        graph_file, text = out / "graph.svg", graph.to_svg()
    except GraphvizNotFoundError:
        graph_file, text = out / "graph.dot", graph.source
        result.messages.append(
            "Graphviz's 'dot' program is not installed: wrote the graph as DOT text "
            f"({graph_file}); render it with 'dot -Tsvg graph.dot -o graph.svg' after "
            "installing Graphviz (https://graphviz.org/download/)."
        )
    graph_file.write_text(text, encoding="utf-8")
    result.files["graph"] = graph_file

    if matplotlib_available():

        def predict(points: np.ndarray) -> np.ndarray:
            with ag.no_grad():
                return np.asarray(model(points).data.argmax(axis=1))

        result.files["decision_boundary"] = plot_decision_boundary(
            out / "decision_boundary.png",
            predict,
            X,
            y,
            title=f"spiral, 2-{hidden}-3 ReLU net: training accuracy {accuracies[-1]:.3f}",
        )
        result.files["loss_curve"] = plot_training_curves(
            out / "loss_curve.png", losses, accuracies, title="spiral classifier (autograd_lite)"
        )
    else:
        result.messages.append(
            "matplotlib is not installed: skipped decision_boundary.png and loss_curve.png; "
            f"{MATPLOTLIB_HINT}."
        )

    for message in result.messages:
        say(message)
    print(
        f"Done: {steps} steps in {seconds:.1f} s, final loss {losses[-1]:.4f}, "
        f"training accuracy {accuracies[-1]:.3f} (first step: loss {losses[0]:.4f}, "
        f"accuracy {accuracies[0]:.3f}).",
        file=stream,
    )
    for what, path in result.files.items():
        print(f"  {what:<18} {path}", file=stream)
    return result
