"""Pictures of the computation graph, drawn with Graphviz.

``draw_graph`` walks the bipartite graph (Tensor nodes and Op nodes) back from
one or more root tensors and returns a :class:`graphviz.Digraph`.  Building the
graph and styling it are separate steps (as in chainer's
``computational_graph.py``): :func:`build_graph` produces plain nodes and edges,
:func:`to_dot` turns them into DOT.  Node ids come from the traversal order
(``t0``, ``op0``, ``c0``), so the same graph gives byte-identical DOT text in any
process and DOT files can be kept as golden files.

The DOT source (``graph.source``) needs no system program.  Rendering
(``to_svg()``, ``to_png()``, ``render()``, Jupyter display) runs Graphviz's
``dot``; if it is missing, :class:`GraphvizNotFoundError` says how to install it.

Examples
--------
>>> import autograd_lite as ag
>>> from autograd_lite.viz import draw_graph
>>> x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
>>> y = (x * x).sum()
>>> g = draw_graph(y)
>>> print(g.source.splitlines()[0])
digraph computation_graph {
"""

from __future__ import annotations

import functools
import shutil
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, cast

import graphviz
import numpy as np
from graphviz.quoting import quote

from autograd_lite._args import check_count
from autograd_lite.core import Tensor, nonfinite
from autograd_lite.jit import Jit, Program
from autograd_lite.nn.parameter import Parameter

__all__ = [
    "GraphDrawing",
    "GraphvizNotFoundError",
    "VizGraph",
    "VizNode",
    "build_graph",
    "build_program_graph",
    "draw_graph",
    "to_dot",
]

_RANKDIRS = ("TB", "LR", "BT", "RL")


class _HasNamedParameters(Protocol):
    def named_parameters(self) -> Iterable[tuple[str, Tensor]]: ...


#: What ``params=`` accepts: a mapping name -> Tensor, or a Module (anything with
#: ``named_parameters()``).
Params: TypeAlias = "Mapping[str, Tensor] | _HasNamedParameters | None"
_SMALL_ARRAY = 10  # arrays up to this size are printed in full by show_values


# --------------------------------------------------------------------------- rendering


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Raised when rendering is asked for but Graphviz's layout program is not on PATH.

    A subclass of ``graphviz.ExecutableNotFound`` (and so of ``RuntimeError``),
    so code written against the graphviz package still catches it.
    """

    def __init__(self, program: str) -> None:
        RuntimeError.__init__(
            self,
            f"Rendering the graph needs Graphviz's {program!r} program, which is not on PATH. "
            "Install Graphviz: 'apt-get install graphviz' (Debian/Ubuntu), "
            "'brew install graphviz' (macOS), 'conda install -c conda-forge graphviz', "
            "or an installer from https://graphviz.org/download/ (Windows). "
            "The DOT text is available without it: graph.source.",
        )


def _require_program(program: str) -> None:
    # Checked up front so the user gets advice instead of an error from deep in a subprocess.
    if shutil.which(program) is None:
        raise GraphvizNotFoundError(program)


class GraphDrawing(graphviz.Digraph):
    """A :class:`graphviz.Digraph` whose rendering checks for Graphviz first.

    ``pipe``, ``render``, ``view`` and Jupyter display raise
    :class:`GraphvizNotFoundError` when the layout program is missing.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        _require_program(kwargs.get("engine") or self.engine)
        return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        _require_program(kwargs.get("engine") or self.engine)
        return super().render(*args, **kwargs)

    def to_svg(self) -> str:
        """Return the picture as SVG text (runs Graphviz's ``dot``)."""
        return str(self.pipe(format="svg", encoding="utf-8"))

    def to_png(self) -> bytes:
        """Return the picture as PNG bytes (runs Graphviz's ``dot``)."""
        return bytes(self.pipe(format="png"))


# --------------------------------------------------------------------------- building


@dataclass(frozen=True)
class VizNode:
    """One node of the picture, before styling.

    ``kind`` is "tensor", "op", "const", "module" or "more"; ``role`` refines a
    tensor ("output", "param", "leaf", "input", "intermediate") and equals
    ``kind`` otherwise.  ``lines`` is the label, title first.  ``scope`` is the
    module path whose cluster the node belongs to.
    """

    id: str
    kind: str
    role: str
    lines: tuple[str, ...]
    scope: str | None = None
    nonfinite: bool = False


@dataclass(frozen=True)
class VizGraph:
    """Plain nodes and edges ``(tail id, head id, label)`` in traversal order, the class
    name of the module at each module path (``{"encoder.0": "Linear"}``) when known, and
    ``order``: edges ``(tail id, head id)`` that say only "runs after" (drawn dashed)."""

    nodes: list[VizNode]
    edges: list[tuple[str, str, str]]
    modules: dict[str, str] = field(default_factory=dict)
    order: list[tuple[str, str]] = field(default_factory=list)


class _Const:
    """A non-tensor op input (scalar or array), wrapped so each use is its own node."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _walk(roots: Iterable[Tensor]) -> tuple[list[Any], list[tuple[int, int, int]]]:
    """Breadth-first walk from the roots, without recursion.

    Returns the objects (Tensor, Op, _Const) in visit order and the edges as
    ``(tail position, head position, argument index or -1)`` in data-flow direction.
    """
    order: list[Any] = []
    position: dict[int, int] = {}  # id() is only a lookup key here, never an output
    edges: list[tuple[int, int, int]] = []
    queue: deque[int] = deque()

    def visit(obj: Any) -> int:
        pos = position.get(id(obj))
        if pos is None:
            pos = position[id(obj)] = len(order)
            order.append(obj)
            queue.append(pos)
        return pos

    for root in roots:
        visit(root)
    while queue:
        pos = queue.popleft()
        obj = order[pos]
        if isinstance(obj, Tensor):
            if obj.op is not None:
                edges.append((visit(obj.op), pos, -1))
        elif not isinstance(obj, _Const) and obj.inputs is not None:
            many = len(obj.inputs) > 1
            for i, x in enumerate(obj.inputs):
                src = visit(x if isinstance(x, Tensor) else _Const(x))
                edges.append((src, pos, i if many else -1))
    return order, edges


def _num(x: float) -> str:
    return f"{x:.4g}"


@functools.cache
def _dtype_name(dtype: np.dtype) -> str:
    return str(dtype)  # str() of a dtype is slow enough to matter on 10^5 nodes


def _shape_dtype(
    shape: tuple[int, ...], dtype: np.dtype, show_shapes: bool, show_dtypes: bool
) -> list[str]:
    parts = [str(shape)] if show_shapes else []
    parts += [_dtype_name(dtype)] if show_dtypes else []
    return [" ".join(parts)] if parts else []


def _values(a: np.ndarray) -> list[str]:
    if a.size <= _SMALL_ARRAY:
        text = np.array2string(a, precision=4, separator=", ", max_line_width=60)
        return text.splitlines()
    if a.dtype.kind not in "biuf":  # complex, strings, objects: no single min/max
        return [f"{a.size} values"]
    f = a.astype(np.float64, copy=False)
    with np.errstate(all="ignore"):
        mean = np.sum(f / f.size)  # not f.mean(): its sum overflows for values near 1.8e308
        return [f"min={_num(f.min())} max={_num(f.max())} mean={_num(mean)}"]


def _grad_summary(g: np.ndarray, shape: tuple[int, ...]) -> str:
    with np.errstate(all="ignore"):  # a NaN/Inf gradient is reported, not warned about
        norm = float(np.linalg.norm(g.ravel().astype(np.float64)))
        lo, hi = (float(g.min()), float(g.max())) if g.size else (0.0, 0.0)
    where = "" if g.shape == shape else f" {tuple(g.shape)}"
    return f"grad{where} norm={_num(norm)} min={_num(lo)} max={_num(hi)}"


def _index_part(k: object) -> str:
    if isinstance(k, slice):
        parts = ["" if b is None else _describe_value(b) for b in (k.start, k.stop, k.step)]
        return ":".join(parts[:2] if k.step is None else parts)
    return "..." if k is Ellipsis else _describe_value(k)


def _describe_value(v: object) -> str:
    # An index with slices reads as written: [:, 4:8], not (slice(None, None, None), ...).
    if isinstance(v, slice) or (
        isinstance(v, tuple) and any(isinstance(k, slice) or k is Ellipsis for k in v)
    ):
        return "[" + ", ".join(map(_index_part, v if isinstance(v, tuple) else (v,))) + "]"
    if isinstance(v, np.ndarray):
        if v.size <= 4 and v.ndim <= 1:
            return np.array2string(v, precision=4, separator=", ")
        kind = "zeros" if v.dtype.kind in "biuf" and v.size and not v.any() else "array"
        return f"{kind}{tuple(v.shape)} {v.dtype}"  # zeros: an initial state, say
    if isinstance(v, float | np.floating):
        return _num(float(v))
    if isinstance(v, np.generic):
        v = v.item()  # 0, not np.int64(0)
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _common_scope(scopes: list[str | None]) -> str | None:
    """Deepest module path shared by all scopes (None if any is None or none shared)."""
    if not scopes or any(s is None for s in scopes):
        return None
    parts = [s.split(".") for s in scopes if s is not None]
    common: list[str] = []
    for level in zip(*parts):
        if any(p != level[0] for p in level):
            break
        common.append(level[0])
    return ".".join(common) or None


def _param_names(params: Params) -> tuple[dict[int, str], dict[str, str]]:
    """Parameter names by tensor id, and the class names of a Module's submodules by path."""
    if params is None:
        return {}, {}
    modules: dict[str, str] = {}
    if not isinstance(params, Mapping) and hasattr(params, "named_parameters"):
        if hasattr(params, "named_modules"):
            modules = {path: type(m).__name__ for path, m in params.named_modules() if path}
        params = dict(params.named_parameters())
    if not isinstance(params, Mapping):
        raise TypeError(
            "draw_graph: params must be a mapping name -> Tensor or a Module with "
            f"named_parameters(), got {type(params).__name__}"
        )
    names: dict[int, str] = {}
    for name, t in params.items():
        if not isinstance(t, Tensor):
            raise TypeError(
                f"draw_graph: params[{name!r}] must be a Tensor, got {type(t).__name__}"
            )
        names.setdefault(id(t), str(name))
    return names, modules


def build_graph(
    *roots: Tensor,
    params: Params = None,
    show_shapes: bool = True,
    show_dtypes: bool = True,
    show_grads: bool = False,
    show_values: bool = False,
    max_nodes: int | None = None,
) -> VizGraph:
    """Walk the graph from ``roots`` and return plain nodes and edges (no styling).

    Parameters are as in :func:`draw_graph`.  Nodes come in breadth-first order
    from the roots; with ``max_nodes`` the first ``max_nodes`` are kept and one
    node ``more`` ("… N more nodes") stands for the rest.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> x = ag.tensor(2.0, requires_grad=True, name="x")
    >>> vg = build_graph(x * 3.0)
    >>> [n.id for n in vg.nodes], vg.edges
    (['t0', 'op0', 't1', 'c0'], [('op0', 't0', ''), ('t1', 'op0', '0'), ('c0', 'op0', '1')])
    """
    if not roots:
        raise ValueError("draw_graph: expected at least one root Tensor, got none")
    for r in roots:
        if not isinstance(r, Tensor):
            raise TypeError(f"draw_graph: roots must be Tensors, got {type(r).__name__}")
    if max_nodes is not None:
        check_count("draw_graph", "max_nodes", max_nodes, 1)
    names, modules = _param_names(params)

    order, raw_edges = _walk(roots)
    kept = len(order) if max_nodes is None else min(max_nodes, len(order))

    ids: list[str] = []
    counters = {"t": 0, "op": 0, "c": 0}
    for obj in order[:kept]:
        prefix = "t" if isinstance(obj, Tensor) else "c" if isinstance(obj, _Const) else "op"
        ids.append(f"{prefix}{counters[prefix]}")
        counters[prefix] += 1

    def is_param(obj: Any) -> bool:
        return isinstance(obj, Tensor) and (id(obj) in names or isinstance(obj, Parameter))

    consumers: dict[int, list[str | None]] = {}  # scopes of the ops reading each parameter
    for tail, head, _ in raw_edges:
        if head < kept and (is_param(order[tail]) or isinstance(order[tail], _Const)):
            consumers.setdefault(tail, []).append(order[head].scope)
    paths = {  # every module path that ops were made in, and the paths above them
        ".".join(parts[:i])
        for obj in order[:kept]
        if not isinstance(obj, Tensor | _Const) and obj.scope
        for parts in [obj.scope.split(".")]
        for i in range(1, len(parts) + 1)
    }

    show = _Show(show_shapes, show_dtypes, show_grads, show_values)
    root_ids = {id(r) for r in roots}
    nodes: list[VizNode] = []
    for pos, obj in enumerate(order[:kept]):
        if isinstance(obj, Tensor):
            name = names.get(id(obj))
            role = _tensor_role(obj, is_param(obj), id(obj) in root_ids)
            # A tensor sits in the module that made it; a parameter in the module that owns it
            # (its name says which), else in the innermost module around all its uses.
            scope = obj.op.scope if obj.op is not None else None
            if obj.op is None and is_param(obj):
                owner = name.rpartition(".")[0] if name else ""
                scope = owner if owner in paths else _common_scope(consumers.get(pos, []))
            lines, bad = _tensor_lines(obj, name, show)
            nodes.append(VizNode(ids[pos], "tensor", role, lines, scope, bad))
        elif isinstance(obj, _Const):
            bad = nonfinite(np.asarray(obj.value)) is not None
            lines = (_describe_value(obj.value),)
            # An argument (a number, zeros) is drawn beside its op; data, like an input
            # tensor, outside the modules.
            data = lines[0].startswith("array(")
            scope = consumers[pos][0] if pos in consumers and not data else None
            nodes.append(VizNode(ids[pos], "const", "const", lines, scope, bad))
        else:
            args = tuple(f"{k}={_describe_value(v)}" for k, v in obj.describe().items())
            freed = ("(graph freed)",) if obj.inputs is None else ()
            nodes.append(VizNode(ids[pos], "op", "op", (obj.name, *args, *freed), obj.scope))

    edges: list[tuple[str, str, str]] = []
    cut_heads: dict[str, None] = {}  # an ordered set: one "more" edge per head, in edge order
    for tail, head, arg in raw_edges:
        if head >= kept:
            continue
        if tail >= kept:
            cut_heads[ids[head]] = None
            continue
        edges.append((ids[tail], ids[head], "" if arg < 0 else str(arg)))
    if kept < len(order):
        nodes.append(VizNode("more", "more", "more", (f"… {len(order) - kept} more nodes",)))
        edges.extend(("more", head, "") for head in cut_heads)
    return VizGraph(nodes, edges, modules)


@dataclass(frozen=True)
class _Show:
    shapes: bool
    dtypes: bool
    grads: bool
    values: bool


def _tensor_role(t: Tensor, is_param: bool, is_root: bool) -> str:
    if is_root:
        return "output"
    if is_param:
        return "param"
    if t.op is None:
        return "leaf" if t.requires_grad else "input"
    return "intermediate"


def _tensor_lines(t: Tensor, param_name: str | None, show: _Show) -> tuple[tuple[str, ...], bool]:
    """Label lines of a tensor node and whether its data or gradient holds NaN/Inf."""
    name = param_name if param_name is not None else t.name
    lines = [name] if name else []
    lines += _shape_dtype(t.data.shape, t.data.dtype, show.shapes, show.dtypes)
    if show.values:
        lines += _values(t.data)
    grad = t.grad.data if t.grad is not None else None
    if show.grads and grad is not None:
        lines.append(_grad_summary(grad, t.data.shape))
    # Always shown, whatever the show_* flags: this is where a training run broke.
    bad = False
    for what, a in (("data", t.data), ("grad", grad)):
        kind = nonfinite(a) if a is not None else None
        if kind is not None:
            lines.append(f"{kind} in {what}")
            bad = True
    return tuple(lines), bad


def build_program_graph(
    program: Program, *, params: Params = None, show_shapes: bool = True, show_dtypes: bool = True
) -> VizGraph:
    """Plain nodes and edges of a program that ``ag.jit`` recorded (no styling).

    One node per numbered call of the listing (``str(program)``), labelled with its number, the
    call and the shape and dtype it made; a backward's gradient sums join its node. The
    arguments (``a0``) and captured tensors (``p0``) are the inputs. An edge carries a value from
    the call that made it last to a call that reads it; forward calls sit in the scope
    "forward", each backward pass in "backward" ("backward 2", ...); the calls with side effects
    (optimiser steps, ``zero_grad``, deliveries into ``.grad``, random draws, ``.grad`` reads and
    writes) sit outside and are chained in the order they run (``VizGraph.order``).

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> w = ag.tensor(np.ones(2), requires_grad=True)
    >>> step = ag.jit(lambda x: ag.grad(ag.sum(w * x), [w])[0])
    >>> _ = step(np.ones(2))
    >>> vg = build_program_graph(step.programs()[-1])
    >>> for n in vg.nodes[2:5]:
    ...     print(n.id, n.scope, n.lines)
    n1 forward ('1  v0 = multiply(p0, a0)', '(2,) float64')
    n2 forward ('2  v1 = sum(v0, axis=None, keepdims=False)', '() float64')
    n4 backward ('4  g_v1 = ones',)
    >>> vg.edges[:3]
    [('p0', 'n1', ''), ('a0', 'n1', ''), ('n1', 'n2', 'v0')]
    """
    names, _ = _param_names(params)
    nodes: list[VizNode] = []
    for name, x in program.inputs():
        role, title, a = "input", name, x
        if isinstance(x, Tensor):
            given = names.get(id(x)) or x.name
            title = f"{name}: {given}" if given else name
            role = _tensor_role(x, id(x) in names or isinstance(x, Parameter), False)
            a = x.data
        shown = _shape_dtype(a.shape, a.dtype, show_shapes, show_dtypes)
        nodes.append(VizNode(name, "tensor", role, (title, *shown)))
    made_by = {n.id: n.id for n in nodes}  # value name -> the node that made it last
    labels: dict[tuple[str, str], list[str]] = {}  # (tail, head) -> the values it carries
    order: list[tuple[str, str]] = []
    effect: str | None = None  # the last call with side effects
    scope, passes = "forward", 0
    for number, line in enumerate(program.lines, 1):
        if line.kind == "pass":
            passes += 1
            scope = "backward" if passes == 1 else f"backward {passes}"
            continue
        text = f"{number}  {line.text.strip()}"
        if line.kind == "sum":  # joins the backward call above it
            node = nodes[-1]
            nodes[-1] = VizNode(node.id, node.kind, node.role, (*node.lines, text), node.scope)
        else:
            role = {"op": "op", "backward": "backward", "return": "output"}.get(line.kind, "unit")
            lines = [text]
            if line.made is not None:
                lines += _shape_dtype(*line.made, show_shapes, show_dtypes)
            lines += [f"{k}: {type(program.objects[k]).__name__}"
                      for k in dict.fromkeys(line.reads) if k in program.objects]  # fmt: skip
            home = scope if role == "backward" else "forward" if role == "op" else None
            nodes.append(VizNode(f"n{number}", "op", role, tuple(lines), home))
            if role == "unit":
                if effect is not None:
                    order.append((effect, nodes[-1].id))
                effect = nodes[-1].id
        head = nodes[-1].id
        for value in line.reads:
            tail = made_by.get(value)
            if tail is not None and tail != head:
                carried = labels.setdefault((tail, head), [])
                if value != tail and value not in carried:
                    carried.append(value)
        made_by.update(dict.fromkeys(line.writes, head))
    edges = [(tail, head, ", ".join(values)) for (tail, head), values in labels.items()]
    return VizGraph(nodes, edges, order=order)


def _collapse(graph: VizGraph) -> VizGraph:
    """Replace every top-level module's nodes by one ``module`` node.

    Edges are redirected to the module nodes; edges inside a module disappear.
    """
    members: dict[str, list[VizNode]] = {}
    for n in graph.nodes:
        if n.scope is not None:
            members.setdefault(n.scope.split(".")[0], []).append(n)
    new_id: dict[str, str] = {}
    module_nodes: dict[str, VizNode] = {}
    for k, (top, group) in enumerate(members.items()):
        ops = sum(n.kind == "op" for n in group)
        params = sum(n.role == "param" for n in group)
        counts = (f"{ops} ops", *([f"{params} params"] if params else []))
        lines = (_cluster_title(top, graph.modules), *counts)
        module_nodes[top] = VizNode(
            f"m{k}", "module", "module", lines, None, any(n.nonfinite for n in group)
        )
        new_id.update((n.id, f"m{k}") for n in group)

    nodes: list[VizNode] = []
    for n in graph.nodes:
        if n.scope is None:
            nodes.append(n)
        elif (m := module_nodes.pop(n.scope.split(".")[0], None)) is not None:
            nodes.append(m)  # at the position of the module's first node
    edges: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for tail, head, label in graph.edges:
        if tail not in new_id and head not in new_id:
            edges.append((tail, head, label))
            continue
        # One edge per connection to a module box; argument numbers mean nothing there.
        tail, head = new_id.get(tail, tail), new_id.get(head, head)
        if tail != head and (tail, head) not in seen:
            seen.add((tail, head))
            edges.append((tail, head, ""))
    return VizGraph(nodes, edges, graph.modules)


# --------------------------------------------------------------------------- styling

_TENSOR = {"shape": "box"}
_STYLES: dict[str, dict[str, str]] = {
    "output": {**_TENSOR, "style": "filled,bold", "fillcolor": "#ffd8a8"},
    "param": {**_TENSOR, "style": "filled", "fillcolor": "#a5d8ff"},
    "leaf": {**_TENSOR, "style": "filled", "fillcolor": "#b2f2bb"},
    "input": {**_TENSOR, "style": "filled", "fillcolor": "#f1f3f5"},
    "intermediate": {**_TENSOR, "style": "rounded"},
    "op": {"shape": "ellipse", "style": "filled", "fillcolor": "#e5dbff"},
    # a jitted program's backward calls, and its calls with side effects
    "backward": {"shape": "ellipse", "style": "filled", "fillcolor": "#ffc9c9"},
    "unit": {"shape": "box", "style": "filled,rounded", "fillcolor": "#fff3bf"},
    "const": {"shape": "plaintext", "fontsize": "12"},
    "module": {"shape": "box3d", "style": "filled", "fillcolor": "#fff3bf"},
    "more": {"shape": "note", "style": "dashed"},
}
_NONFINITE = {"style": "filled,bold", "fillcolor": "#ff8787", "color": "#c92a2a"}
# Explicit font colour and place, so clusters do not inherit the NaN legend's.
_CLUSTER = {"style": "dashed", "color": "#868e96", "fontcolor": "#495057", "labelloc": "t"}
_LEGEND = "red: a tensor or its gradient holds NaN or Inf"
_ORDER = {"style": "dashed", "color": "#adb5bd", "arrowhead": "empty"}  # "runs after"


def _label(lines: tuple[str, ...]) -> str:
    """A double-quoted DOT label, one line per entry.

    Backslashes are doubled first, so text cannot smuggle in DOT escapes (``\\N``,
    ``\\l``) and every quote it holds gets escaped; a quoted label is never read as HTML.
    """
    text = "\\n".join(line.replace("\\", "\\\\").replace("\n", " ") for line in lines)
    return '"' + text.replace('"', '\\"') + '"'


def _attrs(attrs: Mapping[str, str]) -> str:
    return " ".join(f"{k}={quote(v)}" for k, v in sorted(attrs.items()))


def _cluster_title(path: str, modules: Mapping[str, str]) -> str:
    """The box title: the last name of the path and the module's class, as PyTorch prints a
    model (``0: Linear`` inside ``encoder: Sequential``)."""
    name = path.rpartition(".")[2]
    return f"{name}: {modules[path]}" if path in modules else name


def _boxed(nodes: list[VizNode]) -> list[str]:
    """The module paths drawn as boxes, in order of first appearance.

    Every path and the paths above it gets a box, except one that would frame a single op and
    nothing else (an activation such as ``nn.ReLU``): that op is drawn in the box around it.
    """
    ops: dict[str, int] = {}
    params: set[str] = set()
    parents: set[str] = set()
    for n in nodes:
        if n.scope is None:
            continue
        parts = n.scope.split(".")
        for depth in range(1, len(parts) + 1):
            ops.setdefault(".".join(parts[:depth]), 0)
        parents.update(".".join(parts[:depth]) for depth in range(1, len(parts)))
        ops[n.scope] += n.kind == "op"
        if n.role == "param":
            params.add(n.scope)
    return [p for p, k in ops.items() if k != 1 or p in params or p in parents]


def to_dot(graph: VizGraph, *, rankdir: str = "TB", cluster_modules: bool = True) -> GraphDrawing:
    """Style a :class:`VizGraph` as a :class:`GraphDrawing` (a ``graphviz.Digraph``).

    With ``cluster_modules`` nodes with a ``scope`` are drawn inside nested,
    labelled cluster subgraphs, one per module path (but see :func:`_boxed`).
    """
    if rankdir not in _RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    dot = GraphDrawing(
        name="computation_graph",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica"},
        node_attr={"fontname": "Helvetica"},
        # Argument numbers on the edges: big enough to read at the size the nodes are read.
        edge_attr={
            "fontname": "Helvetica",
            "fontsize": "12",
            "fontcolor": "#495057",
            "arrowsize": "0.7",
        },
    )
    if any(n.nonfinite for n in graph.nodes):
        dot.graph_attr.update(label=_LEGEND, labelloc="b", fontcolor="#c92a2a")

    # Clusters for every module path and its ancestors ("encoder" holds "encoder.0").
    clusters: dict[str, graphviz.Digraph] = {}
    home: dict[str | None, str | None] = {None: None}  # module path -> the box its nodes go in
    if cluster_modules:
        for path in _boxed(graph.nodes):
            cluster = graphviz.Digraph(name=f"cluster_{len(clusters)}")
            title = _label((_cluster_title(path, graph.modules),))
            cluster.body.append(f"\tgraph [label={title} {_attrs(_CLUSTER)}]\n")
            clusters[path] = cluster

    # Node and edge lines are written straight into the body: the graphviz package's
    # node()/edge() re-quote every attribute, which dominates the time on 10^5 nodes.
    styles = {(role, bad): _attrs(attrs | (_NONFINITE if bad else {}))
              for role, attrs in _STYLES.items() for bad in (False, True)}  # fmt: skip
    for n in graph.nodes:
        if n.scope not in home:  # the innermost boxed path at or above the node's
            inner = n.scope or ""
            while inner and inner not in clusters:
                inner = inner.rpartition(".")[0]
            home[n.scope] = inner or None
        box = home[n.scope]
        target = dot if box is None else clusters[box]
        target.body.append(f"\t{n.id} [label={_label(n.lines)} {styles[n.role, n.nonfinite]}]\n")

    # Attach the deepest clusters first so each is complete when copied into its parent.
    for path in sorted(clusters, key=lambda p: -p.count(".")):
        parent = path.rpartition(".")[0]
        while parent and parent not in clusters:
            parent = parent.rpartition(".")[0]
        (clusters[parent] if parent else dot).subgraph(clusters[path])

    for tail, head, label in graph.edges:
        attrs = " [style=dashed]" if tail == "more" else f" [label={label}]" if label else ""
        dot.body.append(f"\t{tail} -> {head}{attrs}\n")
    for tail, head in graph.order:
        dot.body.append(f"\t{tail} -> {head} [{_attrs(_ORDER)}]\n")
    return dot


def draw_graph(
    *roots: Tensor | Jit | Program,
    params: Params = None,
    show_shapes: bool = True,
    show_dtypes: bool = True,
    show_grads: bool = False,
    show_values: bool = False,
    cluster_modules: bool = True,
    collapse_modules: bool = False,
    rankdir: str = "TB",
    max_nodes: int | None = None,
) -> GraphDrawing:
    """Draw the computation graph that produced ``roots``, or the program ``ag.jit`` recorded.

    Tensor nodes are boxes (outputs orange, parameters blue, leaves that require
    grad green, other leaves grey, intermediates white); op nodes are ellipses
    with the op's name and non-tensor arguments.  Data flows along the edges,
    from inputs to outputs; a number on an edge is the argument position.
    Tensors whose data or gradient holds NaN or Inf are filled red.

    Given a function made by ``ag.jit`` (after its first call), or one of its
    ``programs()``, it draws the recorded program (see :func:`build_program_graph`): one node
    per numbered call of ``step.program``; forward calls in a "forward" box, each backward pass
    in a "backward" box (red), optimiser steps and the other calls with side effects outside
    (yellow), chained by dashed "runs after" edges; edges carry the values named in the listing.
    The function gives the program of the signature it was called with last.

    Parameters
    ----------
    *roots : Tensor, or one jitted function or Program
        Tensors whose history is drawn (e.g. a loss); or a jitted step.
    params : Mapping[str, Tensor] or Module, optional
        Names for parameter tensors (in a program too); anything with ``named_parameters()``
        works, and a Module also gives each module's box its class (``0: Linear``). Tensors not
        named here show their ``.name``; an ``nn.Parameter`` is drawn as a parameter either way.
    show_shapes, show_dtypes : bool
        Print each tensor's shape and dtype.
    show_grads : bool
        Print each tensor's gradient summary (norm, min, max) where ``.grad`` is set.
        Call ``backward(retain_graph=True)`` first, or the graph is freed.
    show_values : bool
        Print small tensors in full and summarise large ones (min, max, mean).
    cluster_modules : bool
        Group ops made inside a name scope (e.g. a Module call, or an LSTM's time step) in
        a labelled box per module path, nested along the dotted path. A parameter sits in
        the box of the module that owns it; a box that would hold a single op and no
        parameter (an activation module) is left out.
    collapse_modules : bool
        Draw each top-level module as a single node (for large models).
    rankdir : {"TB", "LR", "BT", "RL"}
        Graphviz layout direction.
    max_nodes : int, optional
        Keep the first ``max_nodes`` nodes nearest the roots; the rest become one
        "… N more nodes" node.  Counted before collapsing modules.

    Returns
    -------
    GraphDrawing
        A ``graphviz.Digraph``: ``.source`` is the DOT text; ``.to_svg()``,
        ``.to_png()``, ``.render()`` and Jupyter display need Graphviz installed.

    Examples
    --------
    >>> import autograd_lite as ag
    >>> from autograd_lite.viz import draw_graph
    >>> w = ag.tensor([[0.5, -1.0]], requires_grad=True)
    >>> x = ag.tensor([[1.0], [2.0]])
    >>> loss = ag.tanh(w @ x).sum()
    >>> dot = draw_graph(loss, params={"w": w})
    >>> "matmul" in dot.source and 'label="w' in dot.source
    True
    >>> dot.render("loss_graph", format="svg")  # needs Graphviz's dot  # doctest: +SKIP
    'loss_graph.svg'
    >>> step = ag.jit(lambda x: ag.tanh(w @ x).sum())
    >>> _ = step(x)
    >>> "1  v0 = matmul(p0, a0)" in draw_graph(step).source
    True
    """
    program = _program_of(roots)
    if program is not None:
        unused = {
            "show_grads": show_grads,
            "show_values": show_values,
            "collapse_modules": collapse_modules,
            "max_nodes": max_nodes is not None,
        }
        if any(unused.values()):
            raise ValueError(
                f"draw_graph: {', '.join(k for k, v in unused.items() if v)} draw(s) a tensor's "
                f"graph, not a program recorded by ag.jit; leave them out"
            )
        graph = build_program_graph(
            program, params=params, show_shapes=show_shapes, show_dtypes=show_dtypes
        )
        return to_dot(graph, rankdir=rankdir, cluster_modules=cluster_modules)
    graph = build_graph(
        *cast(tuple[Tensor, ...], roots),  # (build_graph refuses what is not a Tensor)
        params=params,
        show_shapes=show_shapes,
        show_dtypes=show_dtypes,
        show_grads=show_grads,
        show_values=show_values,
        max_nodes=max_nodes,
    )
    if collapse_modules:
        graph = _collapse(graph)
    return to_dot(graph, rankdir=rankdir, cluster_modules=cluster_modules)


def _program_of(roots: tuple[Any, ...]) -> Program | None:
    """The program to draw when ``roots`` is a jitted function or a program, else None."""
    if not any(isinstance(r, Jit | Program) for r in roots):
        return None
    if len(roots) != 1:
        kinds = ", ".join(type(r).__name__ for r in roots)
        raise TypeError(f"draw_graph: a jitted function or program is drawn alone, got {kinds}")
    root = roots[0]
    if isinstance(root, Program):
        return root
    programs = root.programs()
    if not programs:
        name = getattr(root, "__qualname__", "the function")
        raise RuntimeError(
            f"draw_graph: {name} has no program yet: ag.jit records it on the first call, "
            f"so call it once (with the arguments you want drawn), then draw it"
        )
    return programs[-1]
