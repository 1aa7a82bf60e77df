"""Worker process: ``python -m benchmarks.worker TASK CONFIG_JSON OUT_PATH``.

Started by ``run.py`` with the BLAS thread and allocator variables already in its environment
(they must be set before numpy is imported). Runs one task and writes ``{"result": ...}`` as JSON
to OUT_PATH: a list of result rows, or the machine description for the "machine" task.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
from datetime import datetime, timezone
from typing import Any


def machine(lib: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    """CPU, versions and BLAS of numpy (and torch), as seen from a worker."""
    import numpy as np

    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu
            )
    except OSError:
        cpu = platform.processor() or cpu
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": numpy_blas(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "loadavg": list(os.getloadavg()),
    }
    if lib.ag is not None:
        info["autograd_lite"] = getattr(lib.ag, "__version__", "unknown")
    if lib.torch is not None:
        found = re.search(r"BLAS_INFO=(\w+)", lib.torch.__config__.show())
        info["torch"] = lib.torch.__version__
        info["torch_blas"] = found.group(1) if found else "unknown"
    return info


def numpy_blas() -> str:
    """Name and version of the BLAS numpy was built with, from ``np.show_config``."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas['name']} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no dicts mode; the config is not worth failing over
        return "unknown"


def main(argv: list[str]) -> int:
    task, cfg_json, out_path = argv
    cfg = json.loads(cfg_json)
    from benchmarks import harness
    from benchmarks.workloads import chains, hvp, lenet, memory, mlp, spiral

    tasks = {
        "machine": machine,
        "spiral": spiral.run,
        "mlp": mlp.run,
        "op_overhead": chains.run_overhead,
        "deep_chain": chains.run_deep,
        "deep_chain_memory": chains.run_deep_memory,
        "lenet": lenet.run,
        "hvp": hvp.run,
        "mlp_memory": memory.run,
    }
    lib = harness.load_libraries(cfg["torch"], cfg["threads"], only=cfg.get("side"))
    result = tasks[task](lib, cfg)
    with open(out_path, "w") as f:
        json.dump({"result": result}, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
