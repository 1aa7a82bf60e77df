"""Hypothesis strategies for property-testing gradients.

Values are kept where finite differences are trustworthy *by construction* rather than by
filtering: a :class:`Domain` is a union of closed intervals, optionally restricted to a
lattice so that any two values differ by at least its step (no ties for ``max``, no
``x == y`` for ``maximum``). Shapes stay small because a full gradient check costs one
backward pass per output element and two forward passes per input element.

Examples
--------
>>> import numpy as np
>>> from hypothesis import given
>>> from autograd_lite.testing import gradcheck
>>> from autograd_lite.testing import strategies as ags
>>> import autograd_lite as ag
>>> @given(ags.arrays(domain=ags.away_from([0.0])))
... def test_abs(x):
...     assert gradcheck(ag.abs, x)
>>> test_abs()
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_lite as ag

__all__ = [
    "Domain",
    "reals",
    "positive",
    "interval",
    "away_from",
    "lattice",
    "distinct",
    "shapes",
    "arrays",
    "tensors",
    "mutually_broadcastable_shapes",
    "broadcastable_arrays",
    "axes",
    "basic_indices",
    "advanced_indices",
    "upstream_gradients",
]

Shape = tuple[int, ...]
ShapeArg = Shape | st.SearchStrategy[Shape] | None

# Small by default: sizes stay <= 27, so a full Jacobian is a few hundred numbers at most.
MAX_DIMS = 3
MAX_SIDE = 3


@dataclass(frozen=True)
class Domain:
    """The set that a tensor's values are drawn from.

    Parameters
    ----------
    segments : tuple of (lo, hi)
        Closed intervals; values come from their union.
    step, offset : float, optional
        With ``step``, values lie on the lattice ``offset + k * step`` (so two values are
        equal or at least ``step`` apart).
    unique : bool
        All values of one array differ (needs ``step`` to also keep them apart).
    """

    segments: tuple[tuple[float, float], ...]
    step: float | None = None
    offset: float = 0.0
    unique: bool = False

    def __post_init__(self) -> None:
        if not self.segments or any(lo > hi for lo, hi in self.segments):
            raise ValueError(f"Domain: need non-empty intervals lo <= hi, got {self.segments}")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"Domain: step must be positive, got {self.step}")

    def _segment_values(self, lo: float, hi: float) -> st.SearchStrategy[float] | None:
        step, offset = self.step, self.offset
        if step is None:
            return st.floats(lo, hi, allow_nan=False, allow_subnormal=False)
        k_lo = math.ceil((lo - offset) / step)
        k_hi = math.floor((hi - offset) / step)
        if k_lo > k_hi:
            return None  # no lattice point in this segment
        # Clipped: offset + k * step may round just past an end (-34 * 0.05 < -1.7).
        return st.integers(k_lo, k_hi).map(lambda k: min(max(offset + k * step, lo), hi))

    def elements(self) -> st.SearchStrategy[float]:
        """A strategy for single (Python float) values of the domain."""
        parts = [s for lo, hi in self.segments if (s := self._segment_values(lo, hi)) is not None]
        if not parts:
            raise ValueError(f"Domain: no lattice point of step {self.step} in {self.segments}")
        return st.one_of(parts)


def interval(lo: float, hi: float, margin: float = 0.0) -> Domain:
    """Values in ``[lo + margin, hi - margin]``.

    >>> interval(-1.0, 1.0, margin=0.1).segments
    ((-0.9, 0.9),)
    """
    return Domain(((lo + margin, hi - margin),))


def reals(bound: float = 3.0) -> Domain:
    """Values in ``[-bound, bound]``: wide enough to exercise an op, small enough for ``exp``."""
    return interval(-bound, bound)


def positive(margin: float = 0.1, high: float = 3.0) -> Domain:
    """Values in ``[margin, high]``: for ``log``, ``sqrt`` and bases of ``power``."""
    return interval(0.0, high, margin)


def away_from(kinks: Sequence[float], margin: float = 0.05, within: Domain | None = None) -> Domain:
    """``within`` (default :func:`reals`) minus an open ``margin`` around each kink.

    >>> away_from([0.0], margin=0.5, within=reals(1.0)).segments
    ((-1.0, -0.5), (0.5, 1.0))
    """
    base = reals() if within is None else within
    segments = list(base.segments)
    for kink in sorted(kinks):
        split = []
        for lo, hi in segments:
            if lo < kink - margin:
                split.append((lo, min(hi, kink - margin)))
            if hi > kink + margin:
                split.append((max(lo, kink + margin), hi))
        segments = split
    return replace(base, segments=tuple(segments))


def lattice(step: float, offset: float = 0.0, within: Domain | None = None) -> Domain:
    """``within`` restricted to ``offset + k * step``.

    Two tensors on lattices with offsets half a step apart never hold equal values, which
    keeps ``maximum``/``minimum``/``where``-style ops away from their ties.
    """
    base = reals() if within is None else within
    return replace(base, step=step, offset=offset)


def distinct(gap: float = 1 / 16, within: Domain | None = None) -> Domain:
    """Values that differ pairwise by at least ``gap`` within one array (no ties for max/min)."""
    return replace(lattice(gap, 0.0, within), unique=True)


def shapes(
    min_dims: int = 0, max_dims: int = MAX_DIMS, min_side: int = 1, max_side: int = MAX_SIDE
) -> st.SearchStrategy[Shape]:
    """Small array shapes, 0-d included by default."""
    return hnp.array_shapes(
        min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
    )


def arrays(
    shape: ShapeArg = None,
    dtype: Any = np.float64,
    domain: Domain | None = None,
    **shape_kwargs: int,
) -> st.SearchStrategy[np.ndarray]:
    """Floating numpy arrays with values in ``domain`` (default :func:`reals`).

    ``shape`` is a tuple, a strategy for shapes, or None for :func:`shapes` (``shape_kwargs``
    go there). Values are drawn in float64 and cast, so lattice values stay exact in float32.
    A lattice step too fine for ``dtype`` (ties after the cast) is a ValueError.

    >>> arrays((2, 3), domain=positive()).example().shape
    (2, 3)
    """
    dom = reals() if domain is None else domain
    if shape is None:
        shape = shapes(**shape_kwargs)
    out_dtype = np.dtype(dtype)
    if out_dtype.kind != "f":
        raise TypeError(f"arrays: dtype must be floating, got {out_dtype}")
    if dom.step is not None:
        # Lattice values a step apart must stay apart after the cast (no ties in float16).
        largest = max(abs(v) for segment in dom.segments for v in segment)
        resolution = 2 * float(np.spacing(out_dtype.type(largest)))
        if not dom.step > resolution:
            raise ValueError(
                f"arrays: step {dom.step:g} of the domain is too fine for {out_dtype}: its "
                f"values up to {largest:g} in magnitude need a step above {resolution:g}, or "
                "neighbouring values could round to the same number"
            )
    return hnp.arrays(np.float64, shape, elements=dom.elements(), unique=dom.unique).map(
        lambda a: a.astype(out_dtype)
    )


def tensors(
    shape: ShapeArg = None,
    dtype: Any = np.float64,
    domain: Domain | None = None,
    requires_grad: bool = True,
    **shape_kwargs: int,
) -> st.SearchStrategy[ag.Tensor]:
    """Leaf Tensors (requiring grad by default) with values from :func:`arrays`.

    >>> t = tensors((3,), dtype=np.float32).example()
    >>> t.dtype, t.requires_grad
    (dtype('float32'), True)
    """
    return arrays(shape, dtype, domain, **shape_kwargs).map(
        lambda a: ag.tensor(a, requires_grad=requires_grad)
    )


def mutually_broadcastable_shapes(
    num_shapes: int = 2,
    signature: str | None = None,
    min_dims: int = 0,
    max_dims: int = MAX_DIMS,
    max_side: int = MAX_SIDE,
) -> st.SearchStrategy[Any]:
    """Groups of shapes that broadcast together: ``.input_shapes`` and ``.result_shape``.

    With a gufunc ``signature`` such as ``"(m,n),(n,p)->(m,p)"`` (or ``np.matmul.signature``,
    whose ``?`` dimensions give the 1-D cases) the core dimensions follow it and the loop
    dimensions broadcast.
    """
    if signature is None:
        return hnp.mutually_broadcastable_shapes(
            num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, max_side=max_side
        )
    return hnp.mutually_broadcastable_shapes(
        signature=signature, min_dims=min_dims, max_dims=max_dims, max_side=max_side
    )


def broadcastable_arrays(
    *domains: Domain,
    signature: str | None = None,
    dtype: Any = np.float64,
    max_dims: int = MAX_DIMS,
    max_side: int = MAX_SIDE,
) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """One array per domain, with mutually broadcastable shapes (or following ``signature``).

    >>> x, y = broadcastable_arrays(reals(), positive()).example()
    >>> np.broadcast_shapes(x.shape, y.shape) is not None
    True
    """
    if not domains:
        raise ValueError("broadcastable_arrays: give at least one domain")
    groups = mutually_broadcastable_shapes(
        len(domains), signature, max_dims=max_dims, max_side=max_side
    )
    return groups.flatmap(
        lambda g: st.tuples(
            *(arrays(s, dtype, d) for s, d in zip(g.input_shapes, domains, strict=True))
        )
    )


def axes(
    ndim: int, allow_none: bool = True, allow_int: bool = True, allow_tuple: bool = True
) -> st.SearchStrategy[int | tuple[int, ...] | None]:
    """Valid ``axis=`` values for an ``ndim``-array: None, an int, or a tuple of distinct axes.

    Negative axes appear too; a tuple never names one axis twice (``(0, -ndim)``).

    >>> axes(2, allow_none=False, allow_tuple=False).example() in (-2, -1, 0, 1)
    True
    """
    options: list[st.SearchStrategy[Any]] = []
    if allow_none:
        options.append(st.none())
    if allow_int and ndim > 0:
        options.append(st.integers(-ndim, ndim - 1))
    if allow_tuple:
        options.append(
            st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim).flatmap(
                lambda ax: st.tuples(*(st.sampled_from([a, a - ndim]) for a in ax))
            )
        )
    if not options:
        raise ValueError(f"axes: nothing allowed for ndim={ndim}")
    return st.one_of(options)


def basic_indices(shape: Shape) -> st.SearchStrategy[Any]:
    """Basic indices (ints, slices, ``...``, ``None``) valid for ``shape``."""
    return hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True)


def advanced_indices(shape: Shape) -> st.SearchStrategy[Any]:
    """Advanced indices valid for ``shape`` (ndim >= 1): integer arrays with repeats and
    negative entries, one per leading dimension, or a boolean mask.

    Repeated indices matter: their gradients must accumulate, not overwrite.
    """
    if len(shape) == 0:
        raise ValueError("advanced_indices: a 0-d shape has no advanced indices")
    result_shapes = hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)
    integer = hnp.integer_array_indices(shape, result_shape=result_shapes)
    first_axis = hnp.arrays(
        np.intp, st.integers(1, 5), elements=st.integers(-shape[0], shape[0] - 1)
    )
    mask = hnp.arrays(np.bool_, shape)
    return st.one_of(integer, first_axis, mask)


def upstream_gradients(shape: Shape, dtype: Any = np.float64) -> st.SearchStrategy[np.ndarray]:
    """Upstream gradients: signed, magnitudes in [0.25, 2], and not all equal.

    An all-ones upstream gradient hides a backward that ignores it; these do not.
    """
    magnitudes = hnp.arrays(np.float64, shape, elements=st.floats(0.25, 2.0))
    signs = hnp.arrays(np.bool_, shape)

    def combine(mag_sign: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mag, neg = mag_sign
        g = np.where(neg, -mag, mag)
        if g.size > 1 and np.all(g == g.flat[0]):
            g.flat[-1] = -g.flat[-1]  # by construction: two entries now differ
        return g.astype(dtype)

    return st.tuples(magnitudes, signs).map(combine)
