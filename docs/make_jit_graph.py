"""Draw the program ``ag.jit`` records for a small training step: the picture in the README.

The step of ``examples/jit_spiral.py`` with 16 hidden units, on 30 points. Run from the
repository root (needs Graphviz's ``dot``)::

    python docs/make_jit_graph.py            # writes docs/jit_program.svg
    python docs/make_jit_graph.py out.svg    # or another path
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import autograd_lite as ag
from autograd_lite.viz import draw_graph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
from jit_spiral import training  # noqa: E402


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else Path(__file__).with_name("jit_program.svg")
    model, step = training(seed=0, hidden=16)
    jitted = ag.jit(step)
    x, y = ag.data.spiral(10, 3, seed=0)
    jitted(x.astype(np.float32), y)  # traced: the program is recorded on the first call
    path.write_text(draw_graph(jitted, params=model).to_svg(), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
