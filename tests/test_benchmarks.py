"""Smoke tests of the benchmark suite: it runs, checks its sides, and reports well-formed numbers.

No test here asserts anything about speed: wall-clock figures depend on the machine.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # benchmarks/ is not an installed package; plain `pytest` needs this

from benchmarks import report  # noqa: E402
from benchmarks.harness import check_dtypes, check_same  # noqa: E402

# Without torch: importing it in every worker would triple the run time on a small machine.
SMOKE_WORKLOADS = "spiral,op_overhead,memory"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path_factory.mktemp("bench") / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--no-torch", "--only", SMOKE_WORKLOADS]
        + ["--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc, json.loads(out.read_text())


def test_prints_a_markdown_table_with_machine_and_allocator_lines(smoke):
    stdout = smoke[0].stdout
    assert "| workload | side | median | p10 | p90 | vs numpy | vs torch |" in stdout
    assert "| spiral_step float64 [us] | numpy |" in stdout
    assert "| spiral_step float64 [us] | autograd_lite |" in stdout
    assert "MALLOC_TRIM_THRESHOLD_=" in stdout and "MALLOC_MMAP_THRESHOLD_=" in stdout
    assert "numpy 2" in stdout or f"numpy {np.__version__}" in stdout


def test_json_has_machine_settings_and_command(smoke):
    data = smoke[1]
    assert {"command", "machine", "settings", "rows"} <= data.keys()
    assert data["command"].startswith("python -m benchmarks --smoke --no-torch")
    machine = data["machine"]
    for key in ("cpu", "cores", "python", "numpy", "numpy_blas", "date", "commit"):
        assert machine[key], key
    assert machine["numpy"] == np.__version__
    assert "torch" not in machine
    settings = data["settings"]
    assert settings["threads"] == 1 and settings["mode"] == "smoke"
    for env in (settings["timing_malloc"], settings["memory_malloc"]):
        assert set(env) == {"MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_"}


def test_every_case_measured_for_numpy_and_autograd_lite_with_sane_numbers(smoke):
    rows = smoke[1]["rows"]
    cases = {(r["workload"], r["case"]) for r in rows}
    assert {("spiral_step", "float64"), ("spiral_step", "float64 Adam")} <= cases
    assert len({c for w, c in cases if w == "op_overhead"}) == 4
    assert ("mlp_memory", "float32") in cases
    ours = {"autograd_lite", "autograd_lite.jit", "autograd_lite.nn", "autograd_lite.nn.jit"}
    for workload, case in cases:
        sides = {r["side"]: r for r in rows if (r["workload"], r["case"]) == (workload, case)}
        ok = {s for s, r in sides.items() if r["status"] == "ok"}
        assert "numpy" in ok and ok & ours and ok <= ours | {"numpy"}, (workload, case, ok)
        if workload != "mlp_memory":  # every timed eager side has its ag.jit twin
            assert all(s + ".jit" in ok for s in ok & {"autograd_lite", "autograd_lite.nn"})
    for r in rows:
        if r["status"] != "ok":
            assert r["status"] == "skipped" and r["side"] in ("torch", "torch.nn"), r
            assert r["reason"] == "disabled with --no-torch"
            continue
        if r["metric"] == "time":
            assert all(math.isfinite(r[k]) and r[k] > 0 for k in ("median", "p10", "p90")), r
            assert r["p10"] <= r["median"] <= r["p90"] and r["samples"] >= 1, r
        else:
            assert math.isfinite(r["value"]) and r["value"] >= 0, r
            assert r["rss_start_mib"] > 0 and r["rss_end_mib"] > 0 and r["steps"] == 20, r
        assert math.isfinite(r["vs_numpy"]) and r["vs_numpy"] > 0, r
        if r["side"] == "numpy":
            assert r["vs_numpy"] == 1.0


def test_script_entry_point_and_bad_workload_name():
    script = [sys.executable, "benchmarks/run.py"]
    helped = subprocess.run([*script, "--help"], cwd=ROOT, capture_output=True, text=True)
    assert helped.returncode == 0 and "--quick" in helped.stdout and "--threads" in helped.stdout
    bad = subprocess.run(
        [*script, "--only", "spiral,nope"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "nope" in bad.stderr and "op_overhead" in bad.stderr


def test_check_same_catches_a_side_that_computes_something_else():
    ref = {"loss": np.array(1.0), "grad W": np.array([1.0, 2.0])}
    check_same(ref, {"loss": np.array(1.0 + 1e-12), "grad W": np.array([1.0, 2.0])}, rtol=1e-9)
    with pytest.raises(AssertionError, match="grad W"):
        check_same(ref, {"loss": np.array(1.0), "grad W": np.array([1.0, 2.1])}, rtol=1e-9)
    with pytest.raises(AssertionError, match="shape"):
        check_same(ref, {"grad W": np.array([1.0, 2.0, 3.0])}, rtol=1e-9)


def test_check_dtypes_catches_a_silent_upcast():
    check_dtypes({"W": np.zeros(2, np.float32), "y": np.zeros(2, np.int64)}, "float32")
    with pytest.raises(AssertionError, match="grad W is float64"):
        check_dtypes({"W": np.zeros(2, np.float32), "grad W": np.zeros(2)}, "float32")


def test_ratios_and_notes_in_the_report():
    def row(side: str, median: float | None, status: str = "ok") -> dict:
        base = {"workload": "w", "case": "c", "side": side, "status": status}
        if status != "ok":
            return base | {"reason": "why not"}
        return base | {"metric": "time", "unit": "us", "median": median, "p10": 1.0, "p90": 9.0}

    rows = [row("numpy", 2.0), row("autograd_lite", 3.0), row("torch", None, "skipped")]
    rows += [row("autograd_lite.nn", 4.0), row("torch.nn", 8.0), row("autograd_lite.nn.jit", 2.0)]
    report.add_ratios(rows)
    assert rows[1]["vs_numpy"] == 1.5 and rows[1]["vs_torch"] is None
    assert rows[3]["vs_numpy"] == 2.0 and rows[3]["vs_torch"] == 0.5  # .nn against torch.nn
    assert rows[5]["vs_numpy"] == 1.0 and rows[5]["vs_torch"] == 0.25  # .nn.jit too
    result = {
        "command": "python -m benchmarks",
        "machine": {
            "cpu": "cpu",
            "cores": 1,
            "platform": "p",
            "python": "3",
            "numpy": "2",
            "numpy_blas": "b",
            "commit": "c",
            "date": "d",
            "loadavg": [0.0],
            "loadavg_end": [0.0],
        },
        "settings": {
            "mode": "full",
            "threads": 1,
            "thread_env": ["OMP_NUM_THREADS"],
            "timing_malloc": {},
            "memory_malloc": {},
            "gc": "enabled",
            "timing": "t",
        },
        "rows": rows,
    }
    text = report.markdown(result)
    assert "| w c [us] | autograd_lite | 3.00 | 1.00 | 9.00 | 1.50x | - |" in text
    assert "- w c / torch: skipped: why not" in text
