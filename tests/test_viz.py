"""Graph pictures: DOT structure, golden files, determinism, rendering through Graphviz.

Golden DOT files live in ``tests/golden/``. After an intended change to the drawing
(or to how the core builds a graph), regenerate them and review the diff::

    UPDATE_GOLDEN=1 python -m pytest tests/test_viz.py

Rendering tests need Graphviz's ``dot``. Without it they skip with the reason shown
in pytest's summary; with the environment variable ``CI`` set (``CI=true``) a missing
``dot`` fails them instead, so CI cannot pass without rendering anything.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import graphviz
import numpy as np
import pytest

import autograd_lite as ag
from autograd_lite import nn
from autograd_lite.viz import GraphvizNotFoundError, build_graph, draw_graph

GOLDEN = Path(__file__).parent / "golden"
RED = 'fillcolor="#ff8787"'


# --------------------------------------------------------------------------- graphs under test


def expression() -> ag.Tensor:
    a = ag.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=np.float64, requires_grad=True, name="a")
    b = ag.tensor([0.5, -1.0], dtype=np.float64, requires_grad=True, name="b")
    return ag.sum(ag.exp(-(a @ b)) / 2.0 + ag.mean(a * b, axis=1), axis=0)


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU())
        self.head = nn.Linear(4, 2, rng=1)

    def forward(self, x):
        return self.head(self.encoder(x))


def mlp_loss() -> tuple[MLP, ag.Tensor, ag.Tensor]:
    model = MLP()
    x = ag.tensor(np.linspace(-1.0, 1.0, 15, dtype=np.float32).reshape(5, 3), name="x")
    loss = ag.softmax_cross_entropy(model(x), np.array([0, 1, 0, 1, 1]))
    return model, x, loss


def second_order() -> ag.Tensor:
    x = ag.tensor([1.0, 2.0], dtype=np.float64, requires_grad=True, name="x")
    (dx,) = ag.grad(ag.sum(ag.sin(x) * x), x, create_graph=True)
    return dx


def golden_sources() -> dict[str, str]:
    """The DOT text of every golden graph (also run in a subprocess by a test)."""
    model, _, loss = mlp_loss()
    return {
        "expression": draw_graph(expression()).source,
        "mlp_cross_entropy": draw_graph(loss, params=model).source,
        "second_order": draw_graph(second_order()).source,
    }


# --------------------------------------------------------------------------- helpers


def parse(source: str) -> tuple[dict[str, tuple[tuple[str, ...], str]], list[tuple[str, str, str]]]:
    """Nodes ``id -> (enclosing cluster labels, attribute text)`` and edges of our own DOT."""
    nodes: dict[str, tuple[tuple[str, ...], str]] = {}
    edges: list[tuple[str, str, str]] = []
    stack: list[str] = []
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("subgraph "):
            stack.append("")
        elif line.startswith("graph [") and stack:
            stack[-1] = re.search(r'label="((?:[^"\\]|\\.)*)"', line).group(1)
        elif line == "}" and stack:
            stack.pop()
        elif m := re.fullmatch(r"(\w+) -> (\w+)(?: \[(.*)\])?", line):
            edges.append((m.group(1), m.group(2), m.group(3) or ""))
        elif m := re.fullmatch(r"(\w+) \[(label=.*)\]", line):
            nodes[m.group(1)] = (tuple(stack), m.group(2))
    return nodes, edges


def node_with(nodes: dict[str, tuple[tuple[str, ...], str]], text: str) -> str:
    """The id of the single node whose attributes contain ``text``."""
    found = [k for k, (_, attrs) in nodes.items() if text in attrs]
    assert len(found) == 1, (text, found)
    return found[0]


@pytest.fixture
def dot_program() -> str:
    path = shutil.which("dot")
    if path is None:
        reason = (
            "Graphviz 'dot' is not installed (apt-get install graphviz / brew install graphviz)"
        )
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI is set but {reason}: rendering must be tested in CI")
        pytest.skip(reason)
    return path


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("name", ["expression", "mlp_cross_entropy", "second_order"])
def test_dot_matches_golden_file(name):
    source = golden_sources()[name]
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(source, encoding="utf-8")
    assert path.exists(), f"{path} missing: run UPDATE_GOLDEN=1 python -m pytest tests/test_viz.py"
    assert source == path.read_text(encoding="utf-8")


def test_dot_is_byte_identical_in_another_process():
    script = (
        "import json, runpy, sys; "
        f"ns = runpy.run_path({str(Path(__file__))!r}); "
        "sys.stdout.write(json.dumps(ns['golden_sources']()))"
    )
    # A different hash seed: output must not depend on set/dict order of ids or strings.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    root = Path(__file__).parents[1]  # so the subprocess imports this checkout
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=True,
    )
    assert json.loads(out.stdout) == golden_sources()


def test_node_ids_follow_traversal_order_not_object_identity():
    x = ag.tensor(2.0, dtype=np.float64, requires_grad=True, name="x")
    vg = build_graph(ag.exp(x) * 3.0)
    assert [n.id for n in vg.nodes] == ["t0", "op0", "t1", "c0", "op1", "t2"]
    assert [n.lines[0] for n in vg.nodes] == [
        "() float64",
        "multiply",
        "() float64",
        "3",
        "exp",
        "x",
    ]
    assert vg.edges == [("op0", "t0", ""), ("t1", "op0", "0"), ("c0", "op0", "1"),
                        ("op1", "t1", ""), ("t2", "op1", "")]  # fmt: skip


# --------------------------------------------------------------------------- content


def test_tensor_and_op_nodes_show_names_shapes_dtypes_and_op_arguments():
    model, x, loss = mlp_loss()
    nodes, edges = parse(draw_graph(loss, params=model).source)
    weight = node_with(nodes, "encoder.0.weight\\n(4, 3) float32")
    assert 'fillcolor="#a5d8ff"' in nodes[weight][1]  # parameters styled as parameters
    assert "x\\n(5, 3) float32" in nodes[node_with(nodes, 'label="x\\n')][1]
    # The fused loss is one op node, with its arguments, feeding the output.
    loss_op = node_with(nodes, "softmax_cross_entropy")
    assert "reduction='mean'" in nodes[loss_op][1]
    out = node_with(nodes, 'style="filled,bold"')
    assert (loss_op, out, "") in edges


def test_shapes_and_dtypes_can_be_hidden():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    source = draw_graph(ag.sum(x), show_shapes=False, show_dtypes=False).source
    assert "float64" not in source and "(2,)" not in source
    assert 'label="x" ' in source


def test_edges_number_the_arguments_of_multi_input_ops():
    a = ag.tensor(1.0, requires_grad=True, name="a")
    b = ag.tensor(2.0, requires_grad=True, name="b")
    nodes, edges = parse(draw_graph(ag.subtract(b, a)).source)
    op = node_with(nodes, 'label="subtract"')
    assert (node_with(nodes, 'label="b\\n'), op, "label=0") in edges
    assert (node_with(nodes, 'label="a\\n'), op, "label=1") in edges


def test_a_tensor_used_twice_is_one_node_with_two_edges_and_roots_share_nodes():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y1, y2 = x * x, ag.exp(x)
    nodes, edges = parse(draw_graph(y1, y2).source)
    xid = node_with(nodes, 'label="x\\n')
    mul = node_with(nodes, 'label="multiply"')
    assert [e for e in edges if e[0] == xid and e[1] == mul] == [
        (xid, mul, "label=0"),
        (xid, mul, "label=1"),
    ]
    assert sum('style="filled,bold"' in attrs for _, attrs in nodes.values()) == 2  # two outputs


def test_params_name_tensors_from_a_mapping_or_a_module_over_tensor_names():
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="own_name")
    y = ag.sum(w * 2.0)
    assert "own_name" in draw_graph(y).source
    src = draw_graph(y, params={"layer.w": w}).source
    assert "layer.w" in src and "own_name" not in src
    model, _, loss = mlp_loss()
    src = draw_graph(loss, params=model).source
    for name, _ in model.named_parameters():
        assert f'label="{name}\\n' in src


def test_show_grads_summarises_each_gradient_where_one_exists():
    x = ag.tensor([3.0, 4.0], requires_grad=True, name="x")
    loss = ag.sum(x * x)
    loss.backward(retain_graph=True)  # grad of sum(x^2) is 2x = [6, 8], norm 10
    nodes, _ = parse(draw_graph(loss, show_grads=True).source)
    assert "grad norm=10 min=6 max=8" in nodes[node_with(nodes, 'label="x\\n')][1]
    assert sum("grad norm" in attrs for _, attrs in nodes.values()) == 1
    assert "grad" not in draw_graph(loss).source


def test_show_values_prints_small_arrays_and_summarises_large_ones():
    small = ag.tensor([3.0, 4.5], requires_grad=True, name="small")
    large = ag.tensor(np.arange(100.0), requires_grad=True, name="large")
    src = draw_graph(ag.sum(small) + ag.sum(large), show_values=True).source
    assert "[3. , 4.5]" in src
    assert "min=0 max=99 mean=49.5" in src
    assert "20 values" in draw_graph(ag.tensor(np.ones(20, complex)), show_values=True).source
    assert "[3. , 4.5]" not in draw_graph(ag.sum(small)).source
    huge = draw_graph(ag.tensor(np.full(20, 1.5e308)), show_values=True).source
    assert "min=1.5e+308 max=1.5e+308 mean=1.5e+308" in huge  # no overflow in the mean


def test_numpy_scalar_arguments_print_as_plain_numbers():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True)
    assert "axis=0\\nkeepdims=False" in draw_graph(ag.sum(x, axis=np.int64(0))).source
    assert "index=1" in draw_graph(ag.getitem(x, np.intp(1))).source
    assert "keepdims=True" in draw_graph(ag.sum(x, axis=1, keepdims=np.bool_(True))).source


def test_a_freed_graph_is_drawn_up_to_the_freed_op():
    x = ag.tensor([1.0], requires_grad=True, name="x")
    loss = ag.sum(ag.exp(x))
    loss.backward()  # frees the graph: the sum op no longer holds its inputs
    vg = build_graph(loss)
    assert [n.id for n in vg.nodes] == ["t0", "op0"]
    assert vg.nodes[1].lines[0] == "sum" and vg.nodes[1].lines[-1] == "(graph freed)"


def test_labels_escape_quotes_backslashes_and_html():
    x = ag.tensor(1.0, dtype=np.float64, requires_grad=True, name='a"b\\N<i>')
    src = draw_graph(ag.exp(x)).source
    assert 'label="a\\"b\\\\N<i>\\n() float64"' in src


# --------------------------------------------------------------------------- NaN / Inf


def test_nan_and_inf_in_data_and_grad_are_highlighted_with_a_legend():
    x = ag.tensor([0.0, 1.0], dtype=np.float64, requires_grad=True, name="x")
    with np.errstate(divide="ignore"):
        y = ag.log(x)  # -inf at 0
        loss = ag.sum(y)
        loss.backward(retain_graph=True)  # d log(x)/dx = 1/x: inf at 0
    nodes, _ = parse(draw_graph(loss).source)
    xid = node_with(nodes, 'label="x\\n')
    assert "Inf in grad" in nodes[xid][1] and RED in nodes[xid][1]
    assert "Inf in data" in nodes[node_with(nodes, '"(2,) float64\\nInf in data"')][1]
    assert RED not in nodes[node_with(nodes, 'label="log"')][1]
    assert 'label="red: a tensor or its gradient holds NaN or Inf"' in draw_graph(loss).source


def test_nan_is_reported_as_nan_and_clean_graphs_have_no_red_or_legend():
    w = ag.tensor([np.nan, 1.0], requires_grad=True, name="w")
    src = draw_graph(ag.sum(w * 2.0)).source
    assert "NaN in data" in src and RED in src
    clean = draw_graph(expression()).source
    assert RED not in clean and "NaN" not in clean and "holds NaN" not in clean


def test_nan_constant_is_highlighted():
    x = ag.tensor([1.0], requires_grad=True)
    nodes, _ = parse(draw_graph(x * np.array([np.inf])).source)
    assert RED in nodes["c0"][1]


# --------------------------------------------------------------------------- modules


def test_ops_are_clustered_per_module_path_nested_and_parameters_join_their_module():
    model, _, loss = mlp_loss()
    vg = build_graph(loss, params=model)
    nodes, _ = parse(draw_graph(loss, params=model).source)
    # Boxes nest along the module path, titled as PyTorch prints the model; encoder.1 (a ReLU:
    # one op, no parameters) gets no box of its own and sits in its parent's.
    boxes = {"head": ("head: Linear",), "encoder.0": ("encoder: Sequential", "0: Linear"),
             "encoder.1": ("encoder: Sequential",), None: ()}  # fmt: skip
    for n in vg.nodes:
        assert nodes[n.id][0] == boxes[n.scope], n
    scopes = {n.id: n.scope for n in vg.nodes}
    assert {scopes[n.id] for n in vg.nodes if n.kind == "op"} == {
        None, "encoder.0", "encoder.1", "head"
    }  # fmt: skip
    assert scopes[node_with(nodes, "encoder.0.weight")] == "encoder.0"
    assert scopes[node_with(nodes, "head.bias")] == "head"
    assert scopes[node_with(nodes, "softmax_cross_entropy")] is None
    assert scopes[node_with(nodes, 'label="x\\n')] is None  # data is not part of a module
    assert "subgraph" not in draw_graph(loss, params=model, cluster_modules=False).source


def sequential_loss() -> tuple[nn.Sequential, ag.Tensor]:
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    x = ag.tensor(np.ones((5, 3), dtype=np.float32), name="x")
    return model, ag.softmax_cross_entropy(model(x), np.array([0, 1, 0, 1, 1]))


def test_cluster_titles_are_the_module_names_with_their_classes():
    model, loss = sequential_loss()
    nodes, _ = parse(draw_graph(loss, params=model).source)
    assert nodes[node_with(nodes, 'label="0.weight\\n')][0] == ("0: Linear",)
    assert nodes[node_with(nodes, 'label="2.bias\\n')][0] == ("2: Linear",)
    # Names only when the classes are unknown: params given as a mapping.
    nodes, _ = parse(draw_graph(loss, params=dict(model.named_parameters())).source)
    assert nodes[node_with(nodes, 'label="0.weight\\n')][0] == ("0",)
    collapsed, _ = parse(draw_graph(loss, params=model, collapse_modules=True).source)
    assert 'label="2: Linear\\n1 ops\\n2 params"' in collapsed["m0"][1]


def test_a_single_op_without_parameters_gets_no_box():
    model, loss = sequential_loss()
    nodes, _ = parse(draw_graph(loss, params=model).source)
    assert nodes[node_with(nodes, 'label="relu"')][0] == ()  # nn.ReLU: nothing to frame
    assert not any("1" == label.split(":")[0] for cl, _ in nodes.values() for label in cl)

    class Net(nn.Module):  # a functional relu inside a module sits in that module's box
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(3, 4, rng=0), nn.Linear(4, 2, rng=1)

        def forward(self, x):
            return self.fc2(ag.relu(self.fc1(x)))

    outer = nn.Sequential(Net())
    y = outer(np.ones((2, 3), dtype=np.float32)).sum()
    nodes, _ = parse(draw_graph(y, params=outer).source)
    assert nodes[node_with(nodes, 'label="relu"')][0] == ("0: Net",)
    assert nodes[node_with(nodes, 'label="0.fc1.weight')][0] == ("0: Net", "fc1: Linear")
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="w")
    with ag.name_scope("act"):
        h = ag.tanh(w)
    nodes, _ = parse(draw_graph(ag.sum(h)).source)
    assert "subgraph" not in draw_graph(ag.sum(h)).source


def test_parameters_sit_in_their_modules_box_however_they_are_used():
    model, loss = sequential_loss()
    penalty = loss + 1e-3 * ag.sum(model[0].weight * model[0].weight)  # L2 outside any module
    nodes, _ = parse(draw_graph(penalty, params=model).source)
    assert nodes[node_with(nodes, 'label="0.weight\\n')][0] == ("0: Linear",)
    assert [cl for cl, attrs in nodes.values() if 'label="multiply"' in attrs] == [(), ()]
    # Without names, a Parameter is still a parameter: styled so, in the box of its uses.
    nodes, _ = parse(draw_graph(loss).source)
    params = [v for v in nodes.values() if 'fillcolor="#a5d8ff"' in v[1]]
    assert len(params) == 4
    assert sorted(cl for cl, _ in params) == [("0",), ("0",), ("2",), ("2",)]
    plain = ag.tensor([1.0], requires_grad=True, name="plain")  # a leaf, not a Parameter
    with ag.name_scope("block"):
        y = ag.exp(plain) * 2.0
    nodes, _ = parse(draw_graph(y).source)
    assert nodes[node_with(nodes, 'label="plain')][0] == ()


def test_edge_labels_are_as_readable_as_node_labels():
    source = draw_graph(expression()).source
    edge = re.search(r"^\tedge \[(.*)\]$", source, re.M).group(1)
    node = re.search(r"^\tnode \[(.*)\]$", source, re.M).group(1)
    assert "fontname=Helvetica" in edge and "fontname=Helvetica" in node
    assert int(re.search(r"fontsize=(\d+)", edge).group(1)) >= 11  # Graphviz's nodes: 14


def test_slicing_indices_are_printed_as_written():
    x = ag.tensor(np.ones((4, 6)), requires_grad=True)
    assert "index=[:, 1:3]" in draw_graph(x[:, 1:3]).source
    assert "index=[..., ::2]" in draw_graph(x[..., ::2]).source
    assert "index=[1:]" in draw_graph(x[1:]).source
    assert "index=[None, 2, :-1]" in draw_graph(x[None, 2, :-1]).source
    assert "index=(1, 2)" in draw_graph(x[1, 2]).source


def test_arguments_sit_beside_their_op_and_data_arrays_outside_any_module():
    w = ag.tensor(np.ones((2, 3)), requires_grad=True, name="w")
    with ag.name_scope("block"):
        y = (w * 2.0 + np.zeros((2, 3))) @ np.arange(6.0).reshape(3, 2)
    nodes, _ = parse(draw_graph(y).source)
    assert nodes[node_with(nodes, 'label="2"')][0] == ("block",)
    assert nodes[node_with(nodes, 'label="zeros(2, 3) float64"')][0] == ("block",)
    assert nodes[node_with(nodes, 'label="array(3, 2) float64"')][0] == ()


def test_an_lstm_is_drawn_step_by_step_inside_its_box():
    lstm = nn.LSTM(2, 3, rng=0)
    out, _ = lstm(np.ones((3, 1, 2), dtype=np.float32))  # 3 steps, batch 1
    steps = {"t0", "t1", "t2"}  # a root module opens no scope of its own; its steps do
    assert {n.scope for n in build_graph(out.sum()).nodes if n.kind == "op"} == steps | {None}

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = lstm

        def forward(self, x):
            return self.lstm(x)[0]

    model = Model()
    y = model(np.ones((3, 1, 2), dtype=np.float32)).sum()
    vg = build_graph(y, params=model)
    steps = {"lstm.t0", "lstm.t1", "lstm.t2"}
    assert {n.scope for n in vg.nodes if n.kind == "op"} == steps | {"lstm", None}
    nodes, _ = parse(draw_graph(y, params=model).source)
    for t in range(3):
        ops = [n for n in vg.nodes if n.scope == f"lstm.t{t}" and n.kind == "op"]
        assert len(ops) > 10  # the whole cell: products, gate slices, sigmoids, tanh
        assert {nodes[n.id][0] for n in ops} == {("lstm: LSTM", f"t{t}")}
    # The weights serve every step: they sit in the LSTM's box, outside the steps' boxes.
    assert nodes[node_with(nodes, 'label="lstm.weight_hh_l0')][0] == ("lstm: LSTM",)


def test_name_scopes_without_modules_make_clusters_too():
    w = ag.tensor([1.0, 2.0], requires_grad=True, name="w")
    with ag.name_scope("block"):
        y = ag.tanh(w * 2.0)
    nodes, _ = parse(draw_graph(ag.sum(y)).source)
    assert nodes[node_with(nodes, 'label="tanh"')][0] == ("block",)
    assert nodes[node_with(nodes, 'label="sum\\n')][0] == ()
    assert nodes[node_with(nodes, 'label="w\\n')][0] == ()  # not a named parameter


def test_collapse_modules_draws_each_top_level_module_as_one_node():
    model, _, loss = mlp_loss()
    full = build_graph(loss, params=model)
    nodes, edges = parse(draw_graph(loss, params=model, collapse_modules=True).source)
    ops_in = {top: sum(n.kind == "op" and (n.scope or "").split(".")[0] == top for n in full.nodes)
              for top in ("encoder", "head")}  # fmt: skip
    enc = node_with(nodes, f'label="encoder: Sequential\\n{ops_in["encoder"]} ops\\n2 params"')
    head = node_with(nodes, f'label="head: Linear\\n{ops_in["head"]} ops\\n2 params"')
    x = node_with(nodes, 'label="x\\n')
    loss_op = node_with(nodes, "softmax_cross_entropy")
    assert set(nodes) == {enc, head, x, loss_op, "t0"}
    assert set(edges) == {(x, enc, ""), (enc, head, ""), (head, loss_op, ""), (loss_op, "t0", "")}
    assert "subgraph" not in draw_graph(loss, params=model, collapse_modules=True).source


# --------------------------------------------------------------------------- size


def chain(n: int) -> ag.Tensor:
    y = ag.tensor(1.0, requires_grad=True, name="x")
    for _ in range(n):
        y = y * 2.0
    return y


def test_max_nodes_cuts_with_a_visible_more_node():
    y = chain(20)  # 21 tensors, 20 ops, 20 constants
    nodes, edges = parse(draw_graph(y, max_nodes=10).source)
    assert len(nodes) == 11 and "… 51 more nodes" in nodes["more"][1]
    assert all(t in nodes and h in nodes for t, h, _ in edges)
    cut = [h for t, h, _ in edges if t == "more"]
    assert cut and all(not any(h2 == h and t != "more" for t, h2, _ in edges) for h in cut)
    assert "more" not in parse(draw_graph(y, max_nodes=61).source)[0]


def test_a_hundred_thousand_node_chain_draws_without_recursion():
    n = 50_000  # 50,001 tensors + 50,000 ops
    y = ag.tensor(1.0, requires_grad=True, name="x")
    for _ in range(n):
        y = ag.sin(y)
    source = draw_graph(y).source
    assert source.count(" -> ") == 2 * n
    assert f'\tt{n} [label="x\\n' in source and f'\top{n - 1} [label="sin" ' in source


# --------------------------------------------------------------------------- bad input


def test_bad_arguments_are_rejected_with_clear_errors():
    x = ag.tensor([1.0], requires_grad=True)
    y = ag.exp(x)
    with pytest.raises(ValueError, match="draw_graph: expected at least one root"):
        draw_graph()
    with pytest.raises(TypeError, match="draw_graph: roots must be Tensors, got ndarray"):
        draw_graph(np.ones(2))
    with pytest.raises(ValueError, match="draw_graph: rankdir must be one of .* got 'UP'"):
        draw_graph(y, rankdir="UP")
    with pytest.raises(ValueError, match="draw_graph: max_nodes must be >= 1, got 0"):
        draw_graph(y, max_nodes=0)
    with pytest.raises(TypeError, match="draw_graph: max_nodes must be an int, got str"):
        draw_graph(y, max_nodes="5")
    with pytest.raises(TypeError, match="draw_graph: params must be a mapping .* got list"):
        draw_graph(y, params=[x])
    with pytest.raises(TypeError, match=r"draw_graph: params\['w'\] must be a Tensor, got ndarray"):
        draw_graph(y, params={"w": np.ones(1)})


# --------------------------------------------------------------------------- rendering


def test_renders_svg_and_png_through_dot(dot_program, tmp_path):
    model, _, loss = mlp_loss()
    g = draw_graph(loss, params=model)
    svg = g.to_svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "softmax_cross_entropy" in svg and "encoder.0.weight" in svg
    assert g.to_png().startswith(b"\x89PNG\r\n\x1a\n")
    out = g.render(tmp_path / "mlp", format="svg")
    assert Path(out).read_text(encoding="utf-8").count("<svg") == 1
    assert "image/svg+xml" in g._repr_mimebundle_()  # Jupyter display


def test_escaped_labels_render(dot_program):
    x = ag.tensor(1.0, requires_grad=True, name='a"b\\N<i>')
    assert "a&quot;b\\N&lt;i&gt;" in draw_graph(ag.exp(x)).to_svg()


def test_missing_dot_gives_install_advice_not_a_subprocess_crash(monkeypatch, tmp_path):
    g = draw_graph(expression())
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no Graphviz here
    for render in (g.to_svg, g.to_png, g._repr_mimebundle_, lambda: g.render(tmp_path / "g")):
        with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as err:
            render()
        assert "brew install graphviz" in str(err.value) and "conda" in str(err.value)
        assert isinstance(err.value, graphviz.ExecutableNotFound)  # so a RuntimeError too
    assert list(tmp_path.iterdir()) == []  # nothing written
    assert g.source.startswith("digraph")  # the DOT text needs no Graphviz


# --------------------------------------------------------------------------- jitted programs


def jitted_training_step() -> tuple[nn.Module, object]:
    """A small classifier's training step under ag.jit, traced and replayed once."""
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    opt = ag.optim.SGD(model.parameters(), lr=0.1)

    @ag.jit
    def step(x, y):
        opt.zero_grad()
        loss = ag.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    x, y = np.linspace(-1.0, 1.0, 10, dtype=np.float32).reshape(5, 2), np.array([0, 1, 2, 0, 1])
    step(x, y)
    step(x, y)
    return model, step


def numbered(program: str) -> dict[int, str]:
    """The numbered lines of a listing, without the shape comments (a gradient sum indented)."""
    return {int(line[:4]): line[6:].split("  # ")[0]
            for line in program.splitlines() if line[:4].strip().isdigit()}  # fmt: skip


def label_lines(attrs: str) -> list[str]:
    return re.search(r'label="((?:[^"\\]|\\.)*)"', attrs).group(1).split("\\n")


def test_a_jitted_step_is_drawn_as_its_program_one_node_per_call(dot_program):
    model, step = jitted_training_step()
    graph = draw_graph(step, params=model)
    nodes, edges = parse(graph.source)
    labels = {k: label_lines(attrs) for k, (_, attrs) in nodes.items()}
    lines = numbered(step.program)
    calls = [k for k in nodes if k.startswith("n")]
    node = None
    for number, text in lines.items():
        if text == "# backward":
            assert f"n{number}" not in nodes  # a backward pass is a box, not a node
        elif text.startswith("    "):  # a gradient sum: inside the node of its backward call
            assert f"{number}  {text.strip()}" in labels[node]
        else:
            node = f"n{number}"
            assert labels[node][0] == f"{number}  {text}"
    assert len(calls) == sum(t[0] not in " #" for t in lines.values())
    assert labels["n2"] == ["2  v0 = linear(a0, p0, p1)", "(5, 4) float32"]
    # forward calls and the backward pass in their own boxes; side effects outside
    boxes = {k: nodes[k][0] for k in calls}
    assert {boxes[k] for k in calls if re.match(r"\d+  v\d+ = \w+\(", labels[k][0])} == {
        ("forward",)
    }
    assert {boxes[k] for k in calls if ".backward(" in labels[k][0]} == {("backward",)}
    units = [k for k in calls if re.search("Optimizer|_accumulate_grad", labels[k][0])]
    assert len(units) == 6 and {boxes[k] for k in units} == {()}
    # the inputs: arguments and captured parameters, named by params=
    assert [labels[k][0] for k in ("a0", "a1", "p0", "p3")] == ["a0", "a1", "p0: 0.weight",
                                                                "p3: 2.bias"]  # fmt: skip
    # every value an edge carries is made (or summed) by its tail and read by its head
    for tail, head, attrs in edges:
        if "dashed" in attrs:
            continue
        carried = re.search(r"label=\"?([\w, ]+)", attrs)
        for value in carried.group(1).split(", ") if carried else [tail]:
            if (tail, value) != ("a1", "a1"):  # (the loss is built with its target, unshown)
                assert re.search(rf"\b{value}\b", " ".join(labels[head])), (tail, head)
            if carried:
                assert re.search(rf"\b{value} \+?= ", " ".join(labels[tail])), (tail, head)
    assert ("a1", node_with(nodes, "softmax_cross_entropy("), "") in edges
    # the calls with side effects, chained in the order they run
    units.sort(key=lambda k: int(k[1:]))
    assert [(t, h) for t, h, a in edges if "dashed" in a] == list(zip(units, units[1:]))
    svg = graph.to_svg()
    assert all(f"<title>{k}</title>" in svg for k in nodes)


def test_draw_graph_draws_the_program_of_the_signature_called_last_or_the_one_given():
    @ag.jit
    def double(x):
        return x * 2.0

    never = r"draw_graph: .*double has no program yet: ag\.jit records it on the first call"
    with pytest.raises(RuntimeError, match=never + ", so call it once"):
        draw_graph(double)
    double(np.ones(3))
    double(np.ones((2, 2)))
    assert "(2, 2) float64" in draw_graph(double).source
    first, last = double.programs()
    assert "(3,) float64" in draw_graph(first).source
    assert draw_graph(last).source == draw_graph(double).source
    double(np.ones(3))  # now the first signature is the last one called
    assert "(3,) float64" in draw_graph(double).source


def test_draw_graph_of_a_program_refuses_what_only_a_tensor_graph_has():
    _, step = jitted_training_step()
    with pytest.raises(TypeError, match="a jitted function or program is drawn alone, got Jit"):
        draw_graph(step, ag.tensor(1.0))
    with pytest.raises(ValueError, match="draw_graph: show_grads, max_nodes draw.* not a program"):
        draw_graph(step, show_grads=True, max_nodes=3)
