"""Workload 5a: LeNet-5 training step (placeholder until ``autograd_lite.nn`` has Conv2d)."""

from __future__ import annotations

from typing import Any

from benchmarks import SIDES
from benchmarks.harness import Libraries, record


def run(lib: Libraries, cfg: dict[str, Any]) -> list[dict[str, Any]]:
    reason = "autograd_lite.nn.Conv2d does not exist yet"
    return [record("lenet_step", "batch 64", s, status="skipped", reason=reason) for s in SIDES]
