"""gradcheck, gradgradcheck, check_vjp and numerical_jacobian.

Analytical vector-Jacobian products (``ag.grad`` with an upstream gradient) are compared
with float64 central differences. Every evaluation rebuilds fresh leaf tensors from float64
copies of the inputs, so checks never touch the caller's arrays and never share a graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd_lite as ag
from autograd_lite.testing._report import (
    GradcheckError,
    Mismatch,
    compare,
    explain,
    index_str,
    worst_entry,
)

Fn = Callable[..., Any]

_PROBES = 3  # random projections per (output, input) pair in fast mode
# Slack when two analytical results must agree exactly in theory: relative to their scale,
# with an absolute floor for results that are zero up to roundoff (softmax over one class).
# Outputs in a lower precision (float32, float16) widen it to a few of their own epsilons.
_ROUNDOFF = 1e-9
_ROUNDOFF_EPS = 16
_ROUNDOFF_FLOOR = 1e-12


def _is_checked(x: Any) -> bool:
    """Inputs whose gradient is checked: Tensors that require grad and floating ndarrays."""
    if isinstance(x, ag.Tensor):
        return x.requires_grad
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


def _float64_copy(x: Any) -> Any:
    """Floating data becomes a float64 copy (Tensors stay Tensors); other values pass as-is."""
    data = ag.value(x)
    if isinstance(data, np.ndarray):
        data = data.astype(np.float64) if data.dtype.kind == "f" else data.copy()
        return ag.tensor(data) if isinstance(x, ag.Tensor) else data
    return x


class _Call:
    """``fn`` with its inputs frozen as float64 copies; evaluates it at chosen input values.

    ``x0[j]`` is the value of the j-th checked input (at position ``checked[j]`` of the
    arguments); ``out0`` are the float64 outputs there, ``floating`` says which outputs
    take part (integer and boolean outputs have no gradient); ``roundoff`` is the relative
    slack for results that agree in theory, from the floating outputs' precision.
    """

    def __init__(self, fn: Fn, inputs: Sequence[Any], who: str) -> None:
        if not callable(fn):
            raise TypeError(f"{who}: fn must be callable, got {type(fn).__name__}")
        self.fn = fn
        self.who = who
        self.checked = [i for i, x in enumerate(inputs) if _is_checked(x)]
        if not self.checked:
            raise ValueError(
                f"{who}: no input to check; pass Tensors with requires_grad=True or "
                f"floating numpy arrays (got {[type(x).__name__ for x in inputs]})"
            )
        self.dtypes = [np.asarray(inputs[i]).dtype for i in self.checked]
        self.args = [_float64_copy(x) for x in inputs]
        self.x0 = [np.asarray(self.args[i], dtype=np.float64) for i in self.checked]
        for i in self.checked:
            self.args[i] = None  # replaced by fresh leaves at every call
        outs = self._run(self.x0)
        self.floating = [o.dtype.kind == "f" for o in outs]
        self.out0 = [o.data.astype(np.float64) for o in outs]
        if not any(self.floating):
            raise TypeError(f"{who}: fn returned no floating-point output to differentiate")
        epsilons = [float(np.finfo(o.dtype).eps) for o, f in zip(outs, self.floating) if f]
        self.roundoff = max(_ROUNDOFF, _ROUNDOFF_EPS * max(epsilons))

    def leaves(self, values: Sequence[np.ndarray], dtypes: Sequence[Any] | None = None) -> list:
        dts = dtypes or [np.float64] * len(values)
        return [ag.tensor(v, requires_grad=True, dtype=d) for v, d in zip(values, dts)]

    def outputs(self, leaves: Sequence[ag.Tensor]) -> tuple[ag.Tensor, ...]:
        args = list(self.args)
        for pos, leaf in zip(self.checked, leaves):
            args[pos] = leaf
        return _as_outputs(self.fn(*args), self.who)

    def _run(self, values: Sequence[np.ndarray]) -> tuple[ag.Tensor, ...]:
        with ag.no_grad():
            return self.outputs(self.leaves(values))

    def evaluate(self, values: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The outputs at ``values`` as float64 arrays; no graph kept."""
        return [o.data.astype(np.float64) for o in self._run(values)]

    def moved(self, j: int, x: np.ndarray) -> list[np.ndarray]:
        """Outputs with checked input ``j`` set to ``x``."""
        values = list(self.x0)
        values[j] = x
        return self.evaluate(values)


def _as_outputs(out: Any, who: str) -> tuple[ag.Tensor, ...]:
    outs = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    for k, o in enumerate(outs):
        if not isinstance(o, ag.Tensor):
            raise TypeError(
                f"{who}: fn must return a Tensor or a tuple of Tensors; output {k} is "
                f"a {type(o).__name__}"
            )
    return outs


def _vjp(
    leaves: Sequence[ag.Tensor],
    outs: Sequence[ag.Tensor],
    vs: Sequence[Any],
    create_graph: bool = False,
) -> list[ag.Tensor | None]:
    """Gradients w.r.t. ``leaves`` of sum_k <vs[k], outs[k]>; None where not connected.

    ``vs[k]`` None skips output k.
    """
    pairs = [(o, v) for o, v in zip(outs, vs) if v is not None and o.requires_grad]
    if not pairs:
        return [None] * len(leaves)
    return list(
        ag.grad(
            [o for o, _ in pairs],
            list(leaves),
            [v for _, v in pairs],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
    )


def _grad_data(g: ag.Tensor | None, x: np.ndarray) -> np.ndarray:
    return np.zeros_like(x) if g is None else np.asarray(g.data, dtype=np.float64)


def _steps(x: np.ndarray, eps: float) -> np.ndarray:
    return eps * np.maximum(1.0, np.abs(x))  # relative to |x|, so large inputs still move


def _numerical_block(call: _Call, j: int, eps: float) -> list[np.ndarray]:
    """Central-difference Jacobians d out_k / d (checked input j): shape (out size, in size)."""
    x = call.x0[j]
    h = _steps(x, eps)
    cols = [np.empty((o.size, x.size)) for o in call.out0]
    for e in range(x.size):
        xp, xm = x.copy(), x.copy()
        xp.flat[e] += h.flat[e]
        xm.flat[e] -= h.flat[e]
        step = xp.flat[e] - xm.flat[e]  # the step actually taken after rounding
        for col, fp, fm in zip(cols, call.moved(j, xp), call.moved(j, xm)):
            col[:, e] = (fp - fm).ravel() / step
    return cols


def _analytical_block(call: _Call, k: int) -> list[np.ndarray]:
    """Jacobians d out_k / d (each checked input) from one VJP per element of output k."""
    size = call.out0[k].size
    rows = [np.empty((size, x.size)) for x in call.x0]
    leaves = call.leaves(call.x0)
    outs = call.outputs(leaves)
    vs: list[Any] = [None] * len(outs)
    for r in range(size):
        basis = np.zeros(outs[k].shape)
        basis.flat[r] = 1.0
        vs[k] = basis
        for row, g, x in zip(rows, _vjp(leaves, outs, vs), call.x0):
            row[r] = _grad_data(g, x).ravel()
    return rows


def _one_sided(call: _Call, m: Mismatch, eps: float) -> tuple[float, float]:
    """Left and right one-sided differences at the worst entry of ``m`` (kinks show here)."""
    j = call.checked.index(m.input)
    x = call.x0[j]
    e = m.worst_input
    h = float(_steps(x, eps).flat[e])
    xp, xm = x.copy(), x.copy()
    xp.flat[e] += h
    xm.flat[e] -= h
    f0 = call.out0[m.output].flat[m.worst_output]
    fp = call.moved(j, xp)[m.output].flat[m.worst_output]
    fm = call.moved(j, xm)[m.output].flat[m.worst_output]
    return float((f0 - fm) / (x.flat[e] - xm.flat[e])), float((fp - f0) / (xp.flat[e] - x.flat[e]))


def _fail(message: str, raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(message)
    return False


def _unit(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    u = rng.standard_normal(shape)
    norm = np.sqrt(np.sum(u * u))
    return u / norm if norm > 0 else u


def _differ(a: np.ndarray, b: np.ndarray, roundoff: float) -> int | None:
    """Flat index where a and b differ beyond ``roundoff`` (relative to their scale), or None."""
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    found = worst_entry(np.abs(a - b), roundoff * (scale + np.abs(b)) + _ROUNDOFF_FLOOR)
    return None if found is None else found[1]


def _changed(now: np.ndarray, before: np.ndarray) -> int | None:
    """Flat index of the first element that was modified in place, or None."""
    same = (now == before) | (np.isnan(now) & np.isnan(before))
    return None if same.all() else int(np.argmin(same))


def _layout_problem(call: _Call, grads: list, vs: list) -> str | None:
    """Each gradient has its input's shape and dtype and owns its memory."""
    seen = [(f"the upstream gradient of output {k}", v) for k, v in enumerate(vs) if v is not None]
    for j, (g, x) in enumerate(zip(grads, call.x0)):
        if g is None:
            continue
        name = f"the gradient of input {call.checked[j]}"
        if g.shape != x.shape or g.dtype != x.dtype:
            return (
                f"{call.who}: {name} has shape {g.shape} and dtype {g.dtype}; expected the "
                f"input's shape {x.shape} and dtype {x.dtype}"
            )
        for other_name, other in seen:
            if np.shares_memory(g.data, other):
                return (
                    f"{call.who}: {name} shares memory with {other_name}: an in-place update "
                    "of one would change the other; return a copy"
                )
        seen.append((name, g.data))
    return None


def _response_problem(call: _Call, leaves: list, outs: tuple, g1: list, vs: tuple) -> str | None:
    """Zero upstream gives zero; a repeated pass agrees; the VJP is linear in the upstream."""
    v1, v2 = vs
    zero = _vjp(leaves, outs, [None if v is None else np.zeros_like(v) for v in v1])
    again = _vjp(leaves, outs, v1)
    combo = _vjp(leaves, outs, [None if a is None else 2 * a - b for a, b in zip(v1, v2)])
    g2 = _vjp(leaves, outs, v2)
    for j, x in enumerate(call.x0):
        where = f"{call.who}: input {call.checked[j]}"
        gz = _grad_data(zero[j], x)
        if np.any(gz != 0):
            w = int(np.argmax(np.where(np.isnan(gz), np.inf, np.abs(gz))))
            return (
                f"{where}: a zero upstream gradient gave the nonzero gradient {gz.flat[w]:.6g} "
                f"at {index_str(w, x.shape)} (does backward ignore its g?)"
            )
        first, second = _grad_data(g1[j], x), _grad_data(again[j], x)
        if (i := _differ(second, first, call.roundoff)) is not None:
            return (
                f"{where}: two backward passes disagree at {index_str(i, x.shape)}: "
                f"{first.flat[i]:.9g} then {second.flat[i]:.9g} (does backward change state?)"
            )
        lhs = _grad_data(combo[j], x)
        rhs = 2 * first - _grad_data(g2[j], x)
        if (i := _differ(lhs, rhs, call.roundoff)) is not None:
            return (
                f"{where}: the VJP is not linear in the upstream gradient: at "
                f"{index_str(i, x.shape)}, VJP(2 v1 - v2) = {lhs.flat[i]:.9g} but "
                f"2 VJP(v1) - VJP(v2) = {rhs.flat[i]:.9g} (does backward ignore or transform g?)"
            )
    return None


def _mutation_problem(call: _Call, leaves: list, before: dict, vs: list, saved: list) -> str | None:
    """Neither fn nor backward modified an input or an upstream gradient in place."""
    for j, (leaf, x) in enumerate(zip(leaves, call.x0)):
        if (i := _changed(leaf.data, x)) is not None:
            return (
                f"{call.who}: fn or its backward modified input {call.checked[j]} in place at "
                f"{index_str(i, x.shape)}"
            )
    for p, old in before.items():
        if _changed(np.asarray(call.args[p]), old) is not None:
            return f"{call.who}: fn or its backward modified constant input {p} in place"
    for k, (v, old) in enumerate(zip(vs, saved)):
        if v is not None and (i := _changed(v, old)) is not None:
            return (
                f"{call.who}: backward modified the upstream gradient of output {k} in place at "
                f"{index_str(i, v.shape)}"
            )
    return None


def _dtype_problem(call: _Call, rng: np.random.Generator) -> str | None:
    """At the caller's own dtypes (float32 ...), gradients keep each input's dtype."""
    if all(d == np.float64 for d in call.dtypes):
        return None
    leaves = call.leaves(call.x0, call.dtypes)
    outs = call.outputs(leaves)
    vs = [
        rng.standard_normal(o.shape).astype(o.dtype) if f else None
        for o, f in zip(outs, call.floating)
    ]
    for j, g in enumerate(_vjp(leaves, outs, vs)):
        if g is not None and g.dtype != call.dtypes[j]:
            return (
                f"{call.who}: the gradient of input {call.checked[j]} has dtype {g.dtype} for an "
                f"input of dtype {call.dtypes[j]}; expected the input's dtype"
            )
    return None


def _cheap_checks(call: _Call, rng: np.random.Generator) -> str | None:
    """Properties every VJP must have, with random signed upstream gradients.

    Returns the first violation as a message, or None.
    """
    leaves = call.leaves(call.x0)
    outs = call.outputs(leaves)
    before = {
        p: np.array(np.asarray(a), copy=True)
        for p, a in enumerate(call.args)
        if isinstance(a, (np.ndarray, ag.Tensor))
    }
    v1, v2 = (
        [rng.standard_normal(o.shape) if f else None for o, f in zip(outs, call.floating)]
        for _ in "12"
    )
    saved = [None if v is None else v.copy() for v in v1]
    g1 = _vjp(leaves, outs, v1)
    return (
        _mutation_problem(call, leaves, before, v1, saved)  # first: later passes reuse v1
        or _layout_problem(call, g1, v1)
        or _response_problem(call, leaves, outs, g1, (v1, v2))
        or _dtype_problem(call, rng)
    )


def _directional(call: _Call, us: dict[int, np.ndarray], eps: float) -> list[np.ndarray]:
    """Central differences of the outputs along ``us`` (checked input index -> direction)."""
    scale = max(float(np.max(np.abs(call.x0[j]), initial=0.0)) for j in us)
    h = eps * max(1.0, scale)
    plus, minus = list(call.x0), list(call.x0)
    for j, u in us.items():
        plus[j] = call.x0[j] + h * u
        minus[j] = call.x0[j] - h * u
    fp, fm = call.evaluate(plus), call.evaluate(minus)
    return [(a - b) / (2 * h) for a, b in zip(fp, fm)]


def _close(a: float, n: float, atol: float, rtol: float) -> bool:
    return abs(a - n) <= atol + rtol * abs(n)


def _fast_suspects(
    call: _Call, rng: np.random.Generator, eps: float, atol: float, rtol: float
) -> set[tuple[int, int]]:
    """(output, checked input) pairs whose random projections <v, J u> disagree."""
    suspects: set[tuple[int, int]] = set()
    leaves = call.leaves(call.x0)
    outs = call.outputs(leaves)
    for _ in range(_PROBES):
        us = [_unit(rng, x.shape) for x in call.x0]
        dirs = [_directional(call, {j: u}, eps) for j, u in enumerate(us)]
        for k, floating in enumerate(call.floating):
            if not floating:
                continue
            v = _unit(rng, outs[k].shape)
            vs: list[Any] = [None] * len(outs)
            vs[k] = v
            for j, g in enumerate(_vjp(leaves, outs, vs)):
                analytical = float(np.sum(_grad_data(g, call.x0[j]) * us[j]))
                numerical = float(np.sum(v * dirs[j][k]))
                if not _close(analytical, numerical, atol, rtol):
                    suspects.add((k, j))
    return suspects


def gradcheck(
    fn: Fn,
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    mode: str = "full",
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Check ``fn``'s gradients against float64 central differences.

    Parameters
    ----------
    fn : callable
        Takes the inputs (checked ones as Tensors) and returns a Tensor or a tuple of Tensors.
    *inputs
        Checked: Tensors with ``requires_grad=True`` and floating numpy arrays (of any float
        dtype; both are checked in float64 copies, the caller's data is never touched). Passed
        through unchecked: Tensors without ``requires_grad`` (floating ones as float64
        copies), integer/boolean arrays, scalars and anything else. Wrap a floating array in
        ``ag.tensor(a)`` to pass it as a constant.
    eps : float
        Central-difference step relative to the value: ``eps * max(1, |x|)``.
    atol, rtol : float
        An entry passes when ``|analytical - numerical| <= atol + rtol * |numerical|``. The
        defaults are tight enough to catch a gradient that is off by a factor 1.001;
        float64 central differences are accurate to about 1e-9 relative for smooth ops.
    mode : {"full", "fast"}
        "full" builds both Jacobians (one backward per output element, two forwards per
        input element). "fast" compares random signed projections ``<v, J u>`` per (output,
        input) pair and builds the Jacobians only for a pair whose projections disagree, to
        report its elements.
    seed : int
        Seeds the random upstream gradients and projections.
    raise_exception : bool
        Raise :class:`GradcheckError` on failure (default), or return False.

    Before the Jacobians, cheap checks run with random signed upstream gradients: each
    gradient has its input's shape and dtype (also for float32 inputs), a zero upstream
    gradient gives zero gradients, the VJP is linear in the upstream gradient, two backward
    passes agree, inputs and upstream gradients are not modified, and no gradient shares
    memory with another gradient or with the upstream gradient.

    Returns
    -------
    bool
        True when every check passes.

    Examples
    --------
    >>> import numpy as np, autograd_lite as ag
    >>> from autograd_lite.testing import gradcheck
    >>> gradcheck(lambda x, y: ag.tanh(x) * y, np.array([0.5, -1.0]), np.array([[2.0], [3.0]]))
    True
    """
    if mode not in ("full", "fast"):
        raise ValueError(f"gradcheck: mode must be 'full' or 'fast', got {mode!r}")
    call = _Call(fn, inputs, "gradcheck")
    rng = np.random.default_rng(seed)
    problem = _cheap_checks(call, rng)
    if problem is not None:
        return _fail(problem, raise_exception)

    outputs = [k for k, f in enumerate(call.floating) if f]
    if mode == "fast":
        pairs = sorted(_fast_suspects(call, rng, eps, atol, rtol))
    else:
        pairs = [(k, j) for k in outputs for j in range(len(call.x0))]
    rows: dict[int, list[np.ndarray]] = {}
    cols: dict[int, list[np.ndarray]] = {}
    mismatches = []
    for k, j in pairs:
        if k not in rows:
            rows[k] = _analytical_block(call, k)
        if j not in cols:
            cols[j] = _numerical_block(call, j, eps)
        out_shape = call.out0[k].shape
        m = compare(
            k,
            call.checked[j],
            out_shape,
            call.x0[j].shape,
            rows[k][j],
            cols[j][k],
            atol,
            rtol,
        )
        if m is not None:
            mismatches.append(m)
    if not mismatches:
        return True
    worst = max(mismatches, key=lambda x: x.ratio)
    return _fail(explain(mismatches, atol, rtol, _one_sided(call, worst, eps)), raise_exception)


def numerical_jacobian(fn: Fn, *inputs: Any, eps: float = 1e-6) -> tuple[tuple[Any, ...], ...]:
    """Central-difference Jacobians of every output with respect to every checked input.

    ``result[k][i]`` has shape ``outputs[k].shape + inputs[i].shape``; it is None for
    inputs that are not checked (see :func:`gradcheck`) and for non-floating outputs.

    >>> import numpy as np, autograd_lite as ag
    >>> from autograd_lite.testing import numerical_jacobian
    >>> jac = numerical_jacobian(lambda x: x * x, np.array([1.0, 3.0]))
    >>> np.round(jac[0][0], 6)
    array([[2., 0.],
           [0., 6.]])
    """
    call = _Call(fn, inputs, "numerical_jacobian")
    blocks = [_numerical_block(call, j, eps) for j in range(len(call.x0))]
    result = []
    for k, out in enumerate(call.out0):
        per_input: list[Any] = [None] * len(inputs)
        if call.floating[k]:
            for j, pos in enumerate(call.checked):
                per_input[pos] = blocks[j][k].reshape(out.shape + call.x0[j].shape)
        result.append(tuple(per_input))
    return tuple(result)


def check_vjp(
    fn: Fn,
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    probes: int = _PROBES,
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """The inner-product test alone: ``<v, J u>`` from a VJP against a directional difference.

    Costs ``probes`` backward passes and ``2 * probes`` forward passes whatever the sizes,
    so it suits large arrays. Inputs and tolerances are as in :func:`gradcheck`; a failure
    says which probe failed, not which element (use ``gradcheck`` to locate it).

    >>> import numpy as np, autograd_lite as ag
    >>> from autograd_lite.testing import check_vjp
    >>> check_vjp(lambda a, b: a @ b, np.ones((20, 30)), np.ones((30, 10)))
    True
    """
    call = _Call(fn, inputs, "check_vjp")
    rng = np.random.default_rng(seed)
    leaves = call.leaves(call.x0)
    outs = call.outputs(leaves)
    for p in range(probes):
        us = {j: _unit(rng, x.shape) for j, x in enumerate(call.x0)}
        vs = [_unit(rng, o.shape) if f else None for o, f in zip(outs, call.floating)]
        grads = _vjp(leaves, outs, vs)
        analytical = sum(
            float(np.sum(_grad_data(g, x) * us[j])) for j, (g, x) in enumerate(zip(grads, call.x0))
        )
        dirs = _directional(call, us, eps)
        numerical = sum(float(np.sum(v * d)) for v, d in zip(vs, dirs) if v is not None)
        if not _close(analytical, numerical, atol, rtol):
            return _fail(
                f"check_vjp: probe {p} (seed {seed}): <v, J u> from backward = {analytical:.9g}, "
                f"from central differences = {numerical:.9g}; |difference| "
                f"{abs(analytical - numerical):.3g} > tolerance {atol + rtol * abs(numerical):.3g}."
                " Run gradcheck to locate the wrong element.",
                raise_exception,
            )
    return True


def gradgradcheck(
    fn: Fn,
    *inputs: Any,
    grad_outputs: Sequence[np.ndarray] | None = None,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    mode: str = "full",
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Check second derivatives: gradcheck of ``(inputs, v) -> VJP of fn at inputs along v``.

    The VJP is computed with ``ag.grad(..., create_graph=True)``, so this checks that each
    backward is itself differentiable, with respect to the inputs and to the upstream
    gradient ``v`` (random signed, from ``seed``, unless ``grad_outputs`` is given: one
    array per output). Other parameters are as in :func:`gradcheck`.

    >>> import numpy as np, autograd_lite as ag
    >>> from autograd_lite.testing import gradgradcheck
    >>> gradgradcheck(ag.tanh, np.array([0.3, -0.7]))
    True
    """
    call = _Call(fn, inputs, "gradgradcheck")
    if grad_outputs is None:
        # A stream of its own: gradcheck below draws its upstream gradients from ``seed``,
        # and the same numbers for v would let a backward that swaps v and them pass.
        rng = np.random.default_rng([seed, 1])
        vs = [rng.standard_normal(o.shape) for o, f in zip(call.out0, call.floating) if f]
    else:
        vs = [np.asarray(v, dtype=np.float64) for v in grad_outputs]
    floating = [k for k, f in enumerate(call.floating) if f]
    if [v.shape for v in vs] != [call.out0[k].shape for k in floating]:
        raise ValueError(
            f"gradgradcheck: grad_outputs have shapes {[v.shape for v in vs]}; expected the "
            f"floating outputs' shapes {[call.out0[k].shape for k in floating]}"
        )
    n = len(inputs)

    def vjp(*args: Any) -> tuple[ag.Tensor, ...]:
        xs, v = args[:n], args[n:]
        wrt = [xs[i] for i in call.checked]
        with ag.enable_grad():  # gradcheck evaluates under no_grad; the VJP needs a graph
            outs = _as_outputs(fn(*xs), "gradgradcheck")
            upstream: list[Any] = [None] * len(outs)
            for k, vk in zip(floating, v):
                upstream[k] = vk
            grads = _vjp(wrt, outs, upstream, create_graph=True)
        return tuple(ag.tensor(np.zeros(x.shape)) if g is None else g for g, x in zip(grads, wrt))

    return gradcheck(
        vjp,
        *inputs,
        *vs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        mode=mode,
        seed=seed,
        raise_exception=raise_exception,
    )
