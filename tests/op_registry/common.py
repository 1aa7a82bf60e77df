"""What every family of the registry shares: :class:`OpCase`, input domains, kwargs strategies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

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
    ``differentiable=False``: a comparison or test of values, whose result never requires grad
    (only the forward is compared with numpy).
    """

    name: str
    fn: Callable[..., Any] = field(repr=False)
    reference: Callable[..., Any] = field(repr=False)
    examples: st.SearchStrategy[Example] = field(repr=False)
    linear: bool = False
    order: int = 2
    differentiable: bool = True

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
# Odd sixteenths over a few divisors: a / b is never an integer (no jump of floor_divide,
# remainder, fmod), and ODD is never an integer nor half of one (floor, round, ...).
DIVISORS = ags.Domain(((-2.0, -2.0), (-0.75, -0.75), (0.75, 0.75), (2.0, 2.0)))
UNIT = ags.interval(-1.0, 1.0, margin=0.1)  # inside arcsin's, arccos's and arctanh's domain


def booleans(count: int) -> st.SearchStrategy[Inputs]:
    """``count`` boolean arrays of mutually broadcastable shapes."""
    shapes = hnp.mutually_broadcastable_shapes(num_shapes=count, max_dims=3, max_side=3)
    return shapes.flatmap(
        lambda s: st.tuples(*(hnp.arrays(np.bool_, shape) for shape in s.input_shapes))
    )


SPECIAL_VALUES = hnp.arrays(
    np.float64, ags.shapes(), elements=st.sampled_from([0.0, -1.5, 2.0, np.inf, -np.inf, np.nan])
).map(lambda x: (x,))


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


def reduce_ddof_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """axis and keepdims, and ddof 0 or 1 (1 only when more than one element is reduced)."""
    shape = shapes[0]

    def with_ddof(axis: Any) -> st.SearchStrategy[dict[str, Any]]:
        axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
        n = int(np.prod([shape[a] for a in axes]))
        return st.fixed_dictionaries(
            {
                "axis": st.just(axis),
                "keepdims": st.booleans(),
                "ddof": st.sampled_from([0, 1] if n > 1 else [0]),
            }
        )

    return ags.axes(_ndim(shapes)).flatmap(with_ddof)


def scan_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    n = _ndim(shapes)
    return st.fixed_dictionaries({"axis": st.none() | st.integers(-n, n - 1)} if n else {})


def quantile_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    q = st.floats(0, 1) | hnp.arrays(np.float64, st.integers(1, 3), elements=st.floats(0, 1))
    return st.fixed_dictionaries(
        {
            "q": q,
            "axis": ags.axes(_ndim(shapes)),
            "keepdims": st.booleans(),
            "method": st.sampled_from(["linear", "lower", "higher", "midpoint", "nearest"]),
        }
    )


def topk_kwargs(shapes: tuple[Shape, ...]) -> st.SearchStrategy[dict[str, Any]]:
    shape = shapes[0]
    return st.integers(-len(shape), len(shape) - 1).flatmap(
        lambda d: st.fixed_dictionaries(
            {"dim": st.just(d), "k": st.integers(0, shape[d]), "largest": st.booleans()}
        )
    )
