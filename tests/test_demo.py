"""The main demo (``python -m autograd_lite``): command line, outputs, progress bar, fallbacks."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograd_lite import demo
from autograd_lite.__main__ import main
from autograd_lite.demo import ProgressBar, run_demo

HAVE_MPL = demo.matplotlib_available()
HAVE_DOT = shutil.which("dot") is not None
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("demo") / "out"
    return run_cli("--steps", "40", "--seed", "1", "--hidden", "20", "--out", str(out)), out


def test_cli_trains_and_writes_graph_and_plots(cli_run):
    proc, out = cli_run
    assert proc.returncode == 0, proc.stderr
    if HAVE_DOT:
        svg = (out / "graph.svg").read_text(encoding="utf-8")
        assert "<svg" in svg and "softmax_cross_entropy" in svg and "fc1.weight" in svg
        assert svg.count("grad norm=") == 4  # the four parameters' gradients
    else:
        assert "softmax_cross_entropy" in (out / "graph.dot").read_text(encoding="utf-8")
    pngs = [out / "decision_boundary.png", out / "loss_curve.png"]
    if HAVE_MPL:
        assert all(p.read_bytes().startswith(PNG_MAGIC) for p in pngs)
    else:
        assert not any(p.exists() for p in pngs)
        assert "matplotlib is not installed" in proc.stdout


def test_cli_output_to_a_pipe_has_plain_progress_lines_and_a_summary(cli_run):
    proc, out = cli_run
    assert "\r" not in proc.stdout
    progress = [line for line in proc.stdout.splitlines() if line.startswith("train ")]
    assert len(progress) == 10 and progress[-1].startswith("train 100% 40/40 loss ")
    assert "Done: 40 steps" in proc.stdout
    assert str(out / ("graph.svg" if HAVE_DOT else "graph.dot")) in proc.stdout


def test_quiet_prints_only_the_summary(tmp_path):
    proc = run_cli("--steps", "5", "--quiet", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Done: 5 steps")
    assert not any(line.startswith(("train ", "Training")) for line in proc.stdout.splitlines())


@pytest.mark.parametrize(
    "args, message",
    [
        (["--steps", "0"], "steps must be a finite number > 0, got 0"),
        (["--hidden", "-3"], "hidden must be a finite number > 0, got -3"),
        (["--lr", "nan"], "lr must be a finite number > 0, got nan"),
        (["--seed", "-1"], "seed must be >= 0, got -1"),
        (["--steps", "ten"], "invalid int value: 'ten'"),
    ],
)
def test_bad_arguments_exit_2_naming_the_option_before_any_output(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    with pytest.raises(SystemExit) as exc:
        main([*args, "--out", str(out)])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="out must be a folder"):
        run_demo(steps=1, out=target, stream=io.StringIO())


def test_out_under_a_file_is_refused_before_training(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    bad = tmp_path / "file" / "out"
    stream = io.StringIO()
    with pytest.raises(OSError):
        run_demo(steps=1, out=bad, stream=stream)
    assert stream.getvalue() == ""  # not even the "Training ..." line
    with pytest.raises(SystemExit) as exc:
        main(["--steps", "1", "--out", str(bad)])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert f"cannot use --out {str(bad)!r}: " in captured.err and captured.out == ""


def _existing_unwritable_folder(tmp_path):
    if os.path.isdir("/proc/self"):  # procfs takes no new files, even from root (CI runs as root)
        return "/proc/self"
    if os.geteuid() == 0:
        pytest.skip("no folder here is read-only for root")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    return locked


def test_unwritable_out_is_refused_before_training(tmp_path, capsys):
    locked = _existing_unwritable_folder(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["--steps", "1", "--out", str(locked)])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert "cannot use --out" in captured.err and captured.out == ""


def test_main_returns_0_for_the_console_script(tmp_path, capsys):
    assert main(["--steps", "2", "--quiet", "--out", str(tmp_path)]) == 0
    assert "Done: 2 steps" in capsys.readouterr().out


def test_training_learns_and_is_reproducible(tmp_path):
    a = run_demo(steps=300, seed=3, out=tmp_path / "a", quiet=True, stream=io.StringIO())
    b = run_demo(steps=300, seed=3, out=tmp_path / "b", quiet=True, stream=io.StringIO())
    assert a.losses == b.losses and a.accuracies == b.accuracies
    assert a.final_loss < 0.5 * a.losses[0]
    assert a.final_accuracy > 0.8 > a.accuracies[0]


def test_without_graphviz_the_graph_is_written_as_dot_text(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no 'dot' on PATH
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "graph.svg").write_text("from an earlier run")
    stream = io.StringIO()
    result = run_demo(steps=2, out=tmp_path / "out", stream=stream)
    assert result.files["graph"] == tmp_path / "out" / "graph.dot"
    assert result.files["graph"].read_text().startswith("digraph computation_graph {")
    assert not (tmp_path / "out" / "graph.svg").exists()
    assert "Graphviz's 'dot' program is not installed" in stream.getvalue()


def test_without_matplotlib_the_plots_are_skipped_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
    for stale in ("decision_boundary.png", "loss_curve.png", "graph.dot", "graph.svg"):
        (tmp_path / stale).write_text("from an earlier run")
    stream = io.StringIO()
    result = run_demo(steps=2, out=tmp_path, stream=stream)
    assert set(result.files) == {"graph"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [result.files["graph"].name]
    assert "matplotlib is not installed" in stream.getvalue()
    assert "pip install" in stream.getvalue()


# --------------------------------------------------------------------------- ProgressBar


def test_progress_bar_on_a_terminal_redraws_one_line():
    term = FakeTerminal()
    with ProgressBar(5, desc="fit", stream=term, min_interval=0.0) as bar:
        for _ in range(5):
            bar.update(loss=0.25)
    text = term.getvalue()
    assert text.count("\r") == 6 and text.count("\n") == 1 and text.endswith("\n")
    assert "fit 100% [########################] 5/5 loss 0.25" in text


def test_progress_bar_off_a_terminal_writes_a_line_per_tenth():
    stream = io.StringIO()
    with ProgressBar(1000, stream=stream) as bar:
        for i in range(1000):
            bar.update(acc=i / 1000)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith(" 10% 100/1000 acc 0.099 ")
    assert "\r" not in stream.getvalue()


def test_progress_bar_disabled_writes_nothing_but_counts():
    for stream in (io.StringIO(), FakeTerminal()):
        bar = ProgressBar(3, stream=stream, enabled=False)
        bar.update(2, loss=1.0)
        bar.close()
        assert stream.getvalue() == "" and bar.count == 2 and bar.metrics == {"loss": 1.0}


def test_progress_bar_wipes_the_rest_of_a_longer_previous_line():
    term = FakeTerminal()
    bar = ProgressBar(2, stream=term, min_interval=0.0)
    bar.update(loss=0.123456)
    first = term.getvalue()
    bar.update(loss=1.0)
    second = term.getvalue()[len(first) :]
    assert len(second) == len(first) and second.rstrip(" ").endswith("loss 1 0:00:00")


def test_progress_bar_rejects_bad_totals():
    with pytest.raises(TypeError, match="ProgressBar: total must be an int, got float"):
        ProgressBar(2.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ProgressBar: total must be >= 0, got -1"):
        ProgressBar(-1)


@pytest.mark.skipif(not HAVE_MPL, reason="plots need matplotlib (the 'examples' extra)")
def test_plot_helpers_write_pngs(tmp_path):
    X = np.array([[-1.0, 0.0], [1.0, 0.5], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    seen = []

    def predict(points: np.ndarray) -> np.ndarray:
        seen.append(points.shape)
        return (points[:, 0] > 0).astype(int)

    path = demo.plot_decision_boundary(tmp_path / "b.png", predict, X, y, resolution=20)
    assert path.read_bytes().startswith(PNG_MAGIC) and seen == [(400, 2)]
    curves = demo.plot_training_curves(tmp_path / "c.png", [1.0, 0.5], [0.2, 0.9])
    assert curves.read_bytes().startswith(PNG_MAGIC)
    with pytest.raises(ValueError, match=r"expected X of shape \(m, 2\).*got \(3,\) and \(3,\)"):
        demo.plot_decision_boundary(tmp_path / "x.png", predict, X[:, 0], y)
