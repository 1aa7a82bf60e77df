"""Turn result rows into ratios, a Markdown report and an optional PNG chart (no numpy needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def value_of(row: dict[str, Any]) -> float | None:
    """The headline number of an ok row: the median time, or the memory figure."""
    if row["status"] != "ok":
        return None
    return row["median"] if row["metric"] == "time" else row["value"]


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Give every ok row ``vs_numpy`` and ``vs_torch``: its value over theirs (None if absent)."""
    by_key = {
        (r["workload"], r["case"], r["metric"], r["side"]): value_of(r)
        for r in rows
        if r["status"] == "ok"
    }
    for row in rows:
        mine = value_of(row)
        if mine is None:
            continue
        # A ".nn" side (Module + optimizer), under ag.jit or not, is compared with torch.nn.
        torch_side = "torch.nn" if ".nn" in row["side"] else "torch"
        for column, side in (("vs_numpy", "numpy"), ("vs_torch", torch_side)):
            base = by_key.get((row["workload"], row["case"], row["metric"], side))
            # A memory figure of a few bytes (numpy keeps no graph, what it shows is allocator
            # noise) makes a ratio meaningless.
            meaningful = row["metric"] == "time" or (base or 0.0) >= 0.1 * mine
            row[column] = mine / base if base and meaningful else None


def fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}" if abs(x) >= 0.1 or x == 0 else f"{x:.2g}"


def ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}x"


def machine_line(m: dict[str, Any]) -> str:
    parts = [
        f"{m['cpu']} ({m['cores']} cores), {m['platform']}",
        f"Python {m['python']}",
        f"numpy {m['numpy']} ({m['numpy_blas']})",
        f"torch {m['torch']} ({m['torch_blas']})" if "torch" in m else "torch: not used",
        f"autograd_lite {m.get('autograd_lite', 'not importable')} @ {m['commit']}",
        m["date"],
        f"load average {m['loadavg'][0]:.2f} at start, {m['loadavg_end'][0]:.2f} at end",
    ]
    return "; ".join(parts)


def settings_line(s: dict[str, Any]) -> str:
    def env(d: dict[str, str]) -> str:
        return " ".join(f"{k}={v}" for k, v in d.items())

    threads = "=".join(s["thread_env"]) + f"={s['threads']}"
    return (
        f"mode {s['mode']}; {threads}, torch.set_num_threads({s['threads']}); "
        f"timing workers: {env(s['timing_malloc'])} (heap kept between steps); "
        f"memory workers: {env(s['memory_malloc'])} (RSS follows live memory); "
        f"same for every side; gc {s['gc']}; {s['timing']}"
    )


def label(row: dict[str, Any]) -> str:
    unit = f" [{row['unit']}]" if "unit" in row else ""
    return f"{row['workload']} {row['case']}{unit}"


def markdown(result: dict[str, Any]) -> str:
    """The report: machine and settings lines, a time table, a memory table, then notes."""
    rows = result["rows"]
    lines = [
        "## autograd_lite benchmarks",
        "",
        f"machine: {machine_line(result['machine'])}",
        f"settings: {settings_line(result['settings'])}",
        f"command: `{result['command']}`",
        "",
        "| workload | side | median | p10 | p90 | vs numpy | vs torch |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["status"] == "ok" and r["metric"] == "time":
            lines.append(
                f"| {label(r)} | {r['side']} | {fmt(r['median'])} | {fmt(r['p10'])} "
                f"| {fmt(r['p90'])} | {ratio(r['vs_numpy'])} | {ratio(r['vs_torch'])} |"
            )
    memory = [r for r in rows if r["status"] == "ok" and r["metric"] != "time"]
    if memory:
        lines += [
            "",
            "| workload | side | peak | vs numpy | vs torch | RSS start -> end |",
            "|---|---|---:|---:|---:|---|",
        ]
        for r in memory:
            rss = (
                f"{r['rss_start_mib']:.1f} -> {r['rss_end_mib']:.1f} MiB "
                f"({r['growth_mib']:+.2f}) over {r['steps']} steps"
                if "steps" in r
                else ""
            )
            lines.append(
                f"| {label(r)} | {r['side']} | {fmt(r['value'])} | {ratio(r['vs_numpy'])} "
                f"| {ratio(r['vs_torch'])} | {rss} |"
            )
        lines += [
            "",
            "peak: rise of the peak RSS (VmHWM) over the RSS just before the measured run, in a "
            "fresh worker per case and side (deep_chain: per op; mlp_memory: one step after "
            "warm-up, then the RSS before and after the remaining steps).",
        ]
    notes = [r for r in rows if r["status"] != "ok"]
    if notes:
        lines += ["", "Not measured:"]
        # once each: a side skipped for its timing is skipped for its memory run too
        lines += dict.fromkeys(
            f"- {r['workload']} {r['case']} / {r['side']}: {r['status']}: {r['reason']}"
            for r in notes
        )
    return "\n".join(lines)


def plot(result: dict[str, Any], path: Path) -> str:
    """Draw time ratios to numpy as grouped bars (log scale); returns a message for the user."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return f"no plot written to {path}: matplotlib is not installed"
    rows = [r for r in result["rows"] if r["status"] == "ok" and r["metric"] == "time"]
    groups = list(dict.fromkeys(f"{r['workload']}\n{r['case']}" for r in rows))
    sides = list(dict.fromkeys(r["side"] for r in rows))
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(groups)), 4.5))
    width = 0.8 / max(len(sides), 1)
    for k, side in enumerate(sides):
        xs, ys = [], []
        for r in rows:
            if r["side"] == side and r["vs_numpy"]:
                xs.append(
                    groups.index(f"{r['workload']}\n{r['case']}")
                    + (k - (len(sides) - 1) / 2) * width
                )
                ys.append(r["vs_numpy"])
        ax.bar(xs, ys, width, label=side)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_ylabel("time relative to hand-written numpy (lower is better)")
    ax.set_xticks(range(len(groups)), groups, fontsize=7)
    ax.legend()
    ax.set_title(
        f"{result['machine']['cpu']}, {result['settings']['threads']} thread(s)", fontsize=9
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return f"plot written to {path}"
