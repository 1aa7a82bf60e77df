"""The op registry: every public op, how to draw valid inputs for it, and a numpy reference.

``tests/test_ops_properties.py`` runs the same property tests over every entry. To cover a
new op, add an :class:`OpCase` here; ``test_every_public_op_is_in_the_registry`` fails
until you do.

Inputs are drawn where central differences are trustworthy, by construction: positive
values for log/sqrt/power bases, values away from kinks for abs/relu/clip, lattices that
never tie for maximum/minimum and distinct values for max/min/max_pool2d.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag
from autograd_lite.nn import functional as F
from autograd_lite.ops import activations, losses
from autograd_lite.testing import strategies as ags

Shape = tuple[int, ...]
Inputs = tuple[np.ndarray, ...]
Example = tuple[Inputs, dict[str, Any]]
KwargsFor = Callable[[tuple[Shape, ...]], st.SearchStrategy[dict[str, Any]]]


@dataclass(frozen=True)
class OpCase:
    """One way of calling a public op.

    ``fn(*inputs, **kwargs)`` calls the op on Tensors; ``reference(*inputs, **kwargs)`` computes
    the same with numpy alone; ``name`` is the op's, or the op's plus ``-variant`` when one op has
    several entries. ``examples`` draws (float64 inputs, kwargs); every input is
    differentiable, constants (labels, conditions, indices) travel in kwargs. ``linear``: the
    op is linear in all inputs jointly. ``order``: the highest derivative order to check.
    """

    name: str
    fn: Callable[..., Any] = field(repr=False)
    reference: Callable[..., Any] = field(repr=False)
    examples: st.SearchStrategy[Example] = field(repr=False)
    linear: bool = False
    order: int = 2

    @property
    def op(self) -> str:
        """The public op this entry calls."""
        return self.name.partition("-")[0]


def _ndim(shapes: tuple[Shape, ...]) -> int:
    return len(shapes[0])


def with_kwargs(inputs: st.SearchStrategy[Inputs], kwargs: KwargsFor | None = None) -> Any:
    """(inputs, kwargs) examples, the kwargs drawn for the inputs' shapes."""
    if kwargs is None:
        return inputs.map(lambda xs: (xs, {}))
    return inputs.flatmap(lambda xs: kwargs(tuple(x.shape for x in xs)).map(lambda kw: (xs, kw)))


def one(domain: ags.Domain, min_dims: int = 0) -> st.SearchStrategy[Inputs]:
    return ags.arrays(domain=domain, min_dims=min_dims).map(lambda x: (x,))


def pair(a: ags.Domain, b: ags.Domain, signature: str | None = None) -> Any:
    return ags.broadcastable_arrays(a, b, signature=signature)


R = ags.reals()
POS = ags.positive()
NONZERO = ags.away_from([0.0], margin=0.5)
KINK0 = ags.away_from([0.0])
DISTINCT = ags.distinct()
# Two lattices half a step apart: maximum/minimum never see a tie.
EVEN, ODD = ags.lattice(1 / 8), ags.lattice(1 / 8, 1 / 16)


# --------------------------------------------------------------------------- kwargs


def reduce_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"axis": ags.axes(_ndim(shapes)), "keepdims": st.booleans()})


def one_axis(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    n = _ndim(shapes)
    return st.fixed_dictionaries({"axis": st.integers(-n, n - 1)})


def reshape_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    shape = shapes[0]
    size = int(np.prod(shape))
    flipped = shape[::-1]
    targets = [(size,), (-1,), flipped, (1, *shape), (*shape, 1)]
    if flipped:
        targets.append((-1, *flipped[1:]))
    return st.fixed_dictionaries({"shape": st.sampled_from(targets)})


def transpose_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    perms = st.permutations(range(_ndim(shapes))).map(tuple)
    return st.fixed_dictionaries({"axes": st.none() | perms})


def expand_dims_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    n = _ndim(shapes)
    return st.fixed_dictionaries({"axis": st.integers(-n - 1, n)})


def squeeze_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    shape = shapes[0]
    ones = [i for i, n in enumerate(shape) if n == 1]
    options = [None, *ones, *(i - len(shape) for i in ones), tuple(ones)]
    return st.fixed_dictionaries({"axis": st.sampled_from(options)})


def broadcast_to_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    lead = st.lists(st.integers(1, 3), max_size=2).map(tuple)
    dims = st.tuples(*(st.integers(1, 3) if n == 1 else st.just(n) for n in shapes[0]))
    target = st.tuples(lead, dims).map(lambda ld: ld[0] + ld[1])
    return st.fixed_dictionaries({"shape": target})


def where_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    result = np.broadcast_shapes(*shapes)
    cond_shape = hnp.broadcastable_shapes(result, max_dims=ags.MAX_DIMS, max_side=ags.MAX_SIDE)
    return st.fixed_dictionaries({"condition": hnp.arrays(np.bool_, cond_shape)})


def clip_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    bounds = st.sampled_from([(-1.0, 1.0), (None, 1.0), (-1.0, None)])
    return bounds.map(lambda b: {"min": b[0], "max": b[1]})


# --------------------------------------------------------------------------- joins and indexing


@st.composite
def joined(draw: Any, new_axis: bool) -> Example:
    """1 to 3 arrays for concatenate (sizes differ along ``axis``) or stack (same shapes)."""
    k = draw(st.integers(1, 3))
    shape = draw(ags.shapes(min_dims=0 if new_axis else 1))
    n = len(shape)
    if new_axis:
        axis = draw(st.integers(-n - 1, n))
        shapes = [shape] * k
    else:
        axis = draw(st.integers(-n, n - 1))
        sizes = draw(st.lists(st.integers(1, 3), min_size=k, max_size=k))
        shapes = [shape[: axis % n] + (s,) + shape[axis % n + 1 :] for s in sizes]
    xs = tuple(draw(ags.arrays(s)) for s in shapes)
    return xs, {"axis": axis}


@st.composite
def index_add_example(draw: Any) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    index = draw(ags.basic_indices(shape) | ags.advanced_indices(shape))
    g = draw(ags.arrays(np.zeros(shape)[index].shape))
    return (g,), {"index": index, "shape": shape}


def index_add_reference(g: np.ndarray, index: Any, shape: Shape) -> np.ndarray:
    out = np.zeros(shape)
    np.add.at(out, index, g)
    return out


# --------------------------------------------------------------------------- fused losses


def _log_softmax_rows(x: np.ndarray, axis: int) -> np.ndarray:
    """Log-softmax with the class axis moved last and the rest flattened into rows (naive)."""
    rows = np.moveaxis(x, axis, -1).reshape(-1, x.shape[axis])
    return rows - np.log(np.sum(np.exp(rows), axis=1, keepdims=True))


def cross_entropy_reference(
    x: np.ndarray,
    target: np.ndarray,
    axis: int = -1,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    weight: np.ndarray | None = None,
    ignore_index: int | None = None,
) -> np.ndarray:
    """PyTorch's cross_entropy semantics, written out directly."""
    logp = _log_softmax_rows(x, axis)
    rows, classes = logp.shape
    w = np.ones(classes) if weight is None else weight
    if target.dtype.kind == "f":
        t = np.moveaxis(target, axis, -1).reshape(rows, classes)
        q = ((1 - label_smoothing) * t + label_smoothing / classes) * w
        count = float(rows)
    else:
        labels = target.reshape(-1)
        keep = np.ones(rows, bool) if ignore_index is None else labels != ignore_index
        safe = np.where(keep, labels, 0)
        q = np.zeros((rows, classes))
        q[np.arange(rows), safe] = (1 - label_smoothing) * w[safe]
        q += label_smoothing / classes * w
        q[~keep] = 0.0
        count = float(np.sum(w[safe][keep]))
    per_row = -np.sum(q * logp, axis=1)
    if reduction == "none":
        return per_row.reshape(np.delete(x.shape, axis % x.ndim))
    return per_row.sum() / count if reduction == "mean" else per_row.sum()


@st.composite
def cross_entropy_example(draw: Any, probabilities: bool) -> Example:
    shape = draw(ags.shapes(min_dims=1))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    classes = shape[axis]
    batch = tuple(n for i, n in enumerate(shape) if i != axis % len(shape))
    x = draw(ags.arrays(shape))
    kw: dict[str, Any] = {
        "axis": axis,
        "reduction": draw(st.sampled_from(["mean", "sum", "none"])),
        "label_smoothing": draw(st.sampled_from([0.0, 0.1])),
        "weight": draw(st.none() | ags.arrays((classes,), domain=ags.interval(0.5, 2.0))),
    }
    if probabilities:
        p = draw(ags.arrays(shape, domain=ags.interval(0.1, 1.0)))
        kw["target"] = p / p.sum(axis=axis, keepdims=True)
    else:
        labels = draw(hnp.arrays(np.int64, batch, elements=st.integers(0, classes - 1)))
        if draw(st.booleans()):  # some samples ignored, but never all of them
            ignored = draw(hnp.arrays(np.bool_, batch))
            ignored.flat[0] = False
            labels[ignored] = -100
            kw["ignore_index"] = -100
        kw["target"] = labels
    return (x,), kw


def bce_reference(
    x: np.ndarray,
    target: np.ndarray,
    reduction: str = "mean",
    pos_weight: Any = None,
    weight: Any = None,
) -> np.ndarray:
    """PyTorch's binary_cross_entropy_with_logits, naively through log(sigmoid)."""
    s = 1 / (1 + np.exp(-x))
    pw = 1.0 if pos_weight is None else pos_weight
    per = -(pw * target * np.log(s) + (1 - target) * np.log(1 - s))
    per = per if weight is None else weight * per
    if reduction == "none":
        return per
    return per.mean() if reduction == "mean" else per.sum()


@st.composite
def bce_example(draw: Any) -> Example:
    shape = draw(ags.shapes())
    x = draw(ags.arrays(shape))
    target = draw(
        ags.arrays(shape, domain=ags.interval(0.0, 1.0))
        | hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0]))
    )
    kw = {"target": target, "reduction": draw(st.sampled_from(["mean", "sum", "none"]))}
    for name in ("pos_weight", "weight"):
        # a weight broadcasts to the logits: a trailing part of their shape, some sides 1
        start = draw(st.integers(0, len(shape)))
        w_shape = draw(st.tuples(*(st.sampled_from([1, n]) for n in shape[start:])))
        w = draw(st.none() | ags.arrays(w_shape, domain=ags.interval(0.5, 3.0)))
        if w is not None:
            kw[name] = w
    return (x,), kw


def bce_probabilities_reference(
    x: np.ndarray, target: np.ndarray, reduction: str = "mean", weight: Any = None
) -> np.ndarray:
    """PyTorch's binary_cross_entropy: each log clamped at -100 (not reached by the examples)."""
    per = -(target * np.maximum(np.log(x), -100) + (1 - target) * np.maximum(np.log(1 - x), -100))
    per = per if weight is None else weight * per
    if reduction == "none":
        return per
    return per.mean() if reduction == "mean" else per.sum()


@st.composite
def bce_probabilities_example(draw: Any) -> Example:
    (x,), kw = draw(bce_example())
    kw.pop("pos_weight", None)
    return (np.asarray(1 / (1 + np.exp(-x))),), kw  # probabilities in [0.047, 0.953]


def target_as_input(examples: st.SearchStrategy[Example], domain: ags.Domain | None = None) -> Any:
    """The examples with their target moved from the kwargs to a second (differentiable) input,
    redrawn from ``domain`` if given (targets that finite differences may step across)."""

    @st.composite
    def moved(draw: Any) -> Example:
        (x,), kw = draw(examples)
        kw = dict(kw)
        target = kw.pop("target")
        if domain is not None:
            target = draw(ags.arrays(target.shape, domain=domain))
        return (x, target), kw

    return moved()


# --------------------------------------------------------------------------- activations


def softplus_reference(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    return np.where(beta * x > threshold, x, np.log1p(np.exp(beta * x)) / beta)


def elu_reference(x: np.ndarray, alpha: float = 1.0, scale: float = 1.0) -> np.ndarray:
    return scale * np.where(x > 0, x, alpha * (np.exp(x) - 1))


def softplus_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    # the kinks beta x = threshold sit at 0.5 and -2, which SOFTPLUS keeps away from
    options = [(1.0, 20.0), (2.0, 1.0), (-1.0, 2.0)]
    return st.sampled_from(options).map(lambda o: {"beta": o[0], "threshold": o[1]})


def hardtanh_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    bounds = st.sampled_from([(-1.0, 1.0), (0.0, 2.0), (-2.5, 0.5)])
    return bounds.map(lambda b: {"min_val": b[0], "max_val": b[1]})


SOFTPLUS = ags.away_from([-2.0, 0.5])
HARDTANH = ags.away_from([-2.5, -1.0, 0.0, 0.5, 1.0, 2.0])
BCE_TARGET = ags.interval(0.0, 1.0, margin=0.01)


# --------------------------------------------------------------------------- nn.functional


def _windows_reference(x: np.ndarray, k: tuple[int, int], s: tuple[int, int], p: int, fill: float):
    """(N, C, Ho, Wo, kh, kw) windows of the padded input, by explicit loops."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    ho = (xp.shape[2] - k[0]) // s[0] + 1
    wo = (xp.shape[3] - k[1]) // s[1] + 1
    out = np.empty(x.shape[:2] + (ho, wo) + k)
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = xp[:, :, i * s[0] : i * s[0] + k[0], j * s[1] : j * s[1] + k[1]]
    return out


def conv2d_reference(x, w, *bias, stride=1, padding=0):
    win = _windows_reference(x, w.shape[2:], (stride, stride), padding, 0.0)
    y = np.einsum("nchwij,ocij->nohw", win, w)
    return y + bias[0][None, :, None, None] if bias else y


def pool_reference(reduce: Callable[..., np.ndarray], fill: float) -> Callable[..., np.ndarray]:
    def reference(x, kernel_size, stride=None, padding=0):
        k = (kernel_size, kernel_size)
        s = k if stride is None else (stride, stride)
        return reduce(_windows_reference(x, k, s, padding, fill), axis=(-2, -1))

    return reference


@st.composite
def conv2d_example(draw: Any) -> Example:
    n, c, o = (draw(st.integers(1, 2)) for _ in range(3))
    h, w = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    padding = draw(st.integers(0, 1))
    kh = draw(st.integers(1, min(3, h + 2 * padding)))
    kw = draw(st.integers(1, min(3, w + 2 * padding)))
    xs = [draw(ags.arrays((n, c, h, w))), draw(ags.arrays((o, c, kh, kw)))]
    if draw(st.booleans()):
        xs.append(draw(ags.arrays((o,))))
    return tuple(xs), {"stride": draw(st.integers(1, 2)), "padding": padding}


@st.composite
def pool_example(draw: Any, domain: ags.Domain) -> Example:
    k = draw(st.integers(1, 3))
    padding = draw(st.integers(0, k // 2))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    h, w = (draw(st.integers(max(1, k - 2 * padding), 4)) for _ in range(2))
    x = draw(ags.arrays((n, c, h, w), domain=domain))
    return (x,), {
        "kernel_size": k,
        "stride": draw(st.none() | st.integers(1, 2)),
        "padding": padding,
    }


# --------------------------------------------------------------------------- the registry


def _softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _reduced(np_fn: Callable[..., Any]) -> Callable[..., Any]:
    return lambda x, axis=None, keepdims=False: np_fn(x, axis=axis, keepdims=keepdims)


REGISTRY: list[OpCase] = [
    OpCase("add", ag.add, np.add, with_kwargs(pair(R, R)), linear=True),
    OpCase("subtract", ag.subtract, np.subtract, with_kwargs(pair(R, R)), linear=True),
    OpCase("multiply", ag.multiply, np.multiply, with_kwargs(pair(R, R))),
    OpCase("divide", ag.divide, np.divide, with_kwargs(pair(R, NONZERO))),
    OpCase("negative", ag.negative, np.negative, with_kwargs(one(R)), linear=True),
    OpCase("power", ag.power, np.power, with_kwargs(pair(POS, ags.reals(2.0)))),
    OpCase(
        "power-scalar-exponent",
        lambda x, exponent: ag.power(x, exponent),
        lambda x, exponent: np.power(x, exponent),
        with_kwargs(one(R), lambda _: st.fixed_dictionaries({"exponent": st.sampled_from([2, 3])})),
    ),
    OpCase("matmul", ag.matmul, np.matmul, with_kwargs(pair(R, R, signature=np.matmul.signature))),
    OpCase("exp", ag.exp, np.exp, with_kwargs(one(R))),
    OpCase("log", ag.log, np.log, with_kwargs(one(POS))),
    OpCase("sqrt", ag.sqrt, np.sqrt, with_kwargs(one(POS))),
    OpCase("abs", ag.abs, np.abs, with_kwargs(one(KINK0))),
    OpCase("sin", ag.sin, np.sin, with_kwargs(one(R))),
    OpCase("cos", ag.cos, np.cos, with_kwargs(one(R))),
    OpCase("tanh", ag.tanh, np.tanh, with_kwargs(one(R))),
    OpCase("sigmoid", ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), with_kwargs(one(ags.reals(6.0)))),
    OpCase("relu", ag.relu, lambda x: np.maximum(x, 0.0), with_kwargs(one(KINK0))),
    OpCase(
        "leaky_relu",
        ag.leaky_relu,
        lambda x, negative_slope: np.where(x > 0, x, negative_slope * x),
        with_kwargs(
            one(KINK0),
            lambda _: st.fixed_dictionaries({"negative_slope": st.sampled_from([0.01, 0.2])}),
        ),
    ),
    OpCase("maximum", ag.maximum, np.maximum, with_kwargs(pair(EVEN, ODD))),
    OpCase("minimum", ag.minimum, np.minimum, with_kwargs(pair(EVEN, ODD))),
    OpCase(
        "clip",
        ag.clip,
        lambda x, min, max: np.clip(x, min, max),  # noqa: A006
        with_kwargs(one(ags.away_from([-1.0, 1.0])), clip_kwargs),
    ),
    OpCase(
        "where",
        lambda a, b, condition: ag.where(condition, a, b),
        lambda a, b, condition: np.where(condition, a, b),
        with_kwargs(pair(R, R), where_kwargs),
        linear=True,
    ),
    OpCase("sum", ag.sum, _reduced(np.sum), with_kwargs(one(R), reduce_kwargs), linear=True),
    OpCase("mean", ag.mean, _reduced(np.mean), with_kwargs(one(R), reduce_kwargs), linear=True),
    OpCase("max", ag.max, _reduced(np.max), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase("min", ag.min, _reduced(np.min), with_kwargs(one(DISTINCT), reduce_kwargs)),
    OpCase(
        "logsumexp",
        ag.logsumexp,
        _reduced(lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))),
        with_kwargs(one(R), reduce_kwargs),
    ),
    OpCase("softmax", ag.softmax, _softmax, with_kwargs(one(R, 1), one_axis)),
    OpCase(
        "log_softmax",
        ag.log_softmax,
        lambda x, axis=-1: np.log(_softmax(x, axis)),
        with_kwargs(one(R, 1), one_axis),
    ),
    OpCase("reshape", ag.reshape, np.reshape, with_kwargs(one(R), reshape_kwargs), linear=True),
    OpCase(
        "transpose",
        ag.transpose,
        np.transpose,
        with_kwargs(one(R), transpose_kwargs),
        linear=True,
    ),
    OpCase(
        "expand_dims",
        ag.expand_dims,
        np.expand_dims,
        with_kwargs(one(R), expand_dims_kwargs),
        linear=True,
    ),
    OpCase("squeeze", ag.squeeze, np.squeeze, with_kwargs(one(R), squeeze_kwargs), linear=True),
    OpCase(
        "broadcast_to",
        ag.broadcast_to,
        np.broadcast_to,
        with_kwargs(one(R), broadcast_to_kwargs),
        linear=True,
    ),
    OpCase(
        "concatenate",
        lambda *xs, axis: ag.concatenate(xs, axis=axis),
        lambda *xs, axis: np.concatenate(xs, axis=axis),
        joined(new_axis=False),
        linear=True,
    ),
    OpCase(
        "stack",
        lambda *xs, axis: ag.stack(xs, axis=axis),
        lambda *xs, axis: np.stack(xs, axis=axis),
        joined(new_axis=True),
        linear=True,
    ),
    OpCase(
        "getitem-basic",
        ag.getitem,
        lambda x, index: x[index],
        with_kwargs(one(R), lambda s: st.fixed_dictionaries({"index": ags.basic_indices(s[0])})),
        linear=True,
    ),
    OpCase(
        "getitem-advanced",
        ag.getitem,
        lambda x, index: x[index],
        with_kwargs(
            one(R, 1), lambda s: st.fixed_dictionaries({"index": ags.advanced_indices(s[0])})
        ),
        linear=True,
    ),
    OpCase("index_add", ag.index_add, index_add_reference, index_add_example(), linear=True),
    OpCase(
        "astype",
        ag.astype,
        lambda x, dtype: x.astype(dtype),
        with_kwargs(one(R), lambda _: st.just({"dtype": np.float64})),
        linear=True,
    ),
    OpCase(
        "softmax_cross_entropy-labels",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        cross_entropy_example(probabilities=False),
    ),
    OpCase(
        "softmax_cross_entropy-probabilities",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        cross_entropy_example(probabilities=True),
    ),
    OpCase(
        "sigmoid_binary_cross_entropy",
        ag.sigmoid_binary_cross_entropy,
        bce_reference,
        bce_example(),
    ),
    OpCase(
        "softmax_cross_entropy-target",
        ag.softmax_cross_entropy,
        cross_entropy_reference,
        target_as_input(cross_entropy_example(probabilities=True)),
    ),
    OpCase(
        "sigmoid_binary_cross_entropy-target",
        ag.sigmoid_binary_cross_entropy,
        bce_reference,
        target_as_input(bce_example(), BCE_TARGET),
    ),
    OpCase(
        "binary_cross_entropy",
        losses.binary_cross_entropy,
        bce_probabilities_reference,
        bce_probabilities_example(),
    ),
    OpCase(
        "binary_cross_entropy-target",
        losses.binary_cross_entropy,
        bce_probabilities_reference,
        target_as_input(bce_probabilities_example(), BCE_TARGET),
    ),
    # activations with an op of their own (autograd_lite/ops/activations.py)
    OpCase(
        "softplus",
        activations.softplus,
        softplus_reference,
        with_kwargs(one(SOFTPLUS), softplus_kwargs),
    ),
    OpCase(
        "elu",
        activations.elu,
        elu_reference,
        with_kwargs(
            one(KINK0), lambda _: st.fixed_dictionaries({"alpha": st.sampled_from([1.0, 0.5, 2.0])})
        ),
    ),
    OpCase(
        "selu",
        activations.selu,
        lambda x: elu_reference(x, activations.SELU_ALPHA, activations.SELU_SCALE),
        with_kwargs(one(KINK0)),
    ),
    OpCase("silu", activations.silu, lambda x: x / (1 + np.exp(-x)), with_kwargs(one(R))),
    OpCase(
        "hardtanh",
        activations.hardtanh,
        lambda x, min_val, max_val: np.clip(x, min_val, max_val),
        with_kwargs(one(HARDTANH), hardtanh_kwargs),
    ),
    # nn.functional's convolution and pooling ops
    OpCase("conv2d", F.conv2d, conv2d_reference, conv2d_example()),
    OpCase("max_pool2d", F.max_pool2d, pool_reference(np.max, -np.inf), pool_example(DISTINCT)),
    OpCase("avg_pool2d", F.avg_pool2d, pool_reference(np.mean, 0.0), pool_example(R), linear=True),
]
