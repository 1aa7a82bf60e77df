"""One module per workload; each has ``run(lib, cfg) -> list of result rows`` (see worker.py)."""
