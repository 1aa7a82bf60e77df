"""L-BFGS, with an optional strong-Wolfe line search, for small full-batch problems."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite._args import check_count
from autograd_lite.core import Tensor, enable_grad, replayable
from autograd_lite.nn.parameter import _mark_modified
from autograd_lite.optim.optimizer import Optimizer, ParamsLike, _plain

__all__ = ["LBFGS"]

# A line-search trial: the loss and the flat gradient at x + t * d.
_Objective = Callable[[float], tuple[float, np.ndarray]]


class LBFGS(Optimizer):
    r"""L-BFGS (Nocedal, 1980; after minFunc), with PyTorch's algorithm and defaults.

    ``step(closure)`` runs up to ``max_iter`` iterations on the parameters (all of them
    flattened into one vector ``x``); ``closure()`` must zero the gradients, compute the
    loss, call ``backward()`` and return the loss. Each iteration::

        d = -H g          (H: the inverse-Hessian estimate from the last history_size
                           pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k with y.s > 1e-10,
                           by the two-loop recursion, scaled by y.s / y.y; d = -g at first)
        t = lr            (the very first iteration: min(1, 1 / sum|g|) * lr)
        x = x + t d       (line_search_fn=None: the step as it is)
        x = x + t* d      ("strong_wolfe": t* satisfying f(x + t* d) <= f + 1e-4 t* g.d
                           and |g(x + t* d).d| <= 0.9 |g.d|, by bracketing and cubic
                           interpolation from t, within max_eval evaluations)

    and stops early when ``max|g| <= tolerance_grad``, when ``g.d > -tolerance_change``,
    when the step or the change of the loss falls below ``tolerance_change``, or after
    ``max_eval`` evaluations of the closure (default ``max_iter * 5 // 4``). The history
    carries over from one ``step`` to the next. There is one parameter group only, and
    ``step`` returns the loss at the starting point.

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> x = ag.tensor(np.array([-1.5, 2.0]), requires_grad=True)
    >>> opt = LBFGS([x], line_search_fn="strong_wolfe")
    >>> def closure():                   # Rosenbrock's function, minimum at (1, 1)
    ...     opt.zero_grad()
    ...     loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
    ...     loss.backward()
    ...     return loss
    >>> for _ in range(3):
    ...     _ = opt.step(closure)
    >>> np.round(x.data, 4).tolist()
    [1.0, 1.0]
    """

    _nonnegative = ("tolerance_grad", "tolerance_change")

    def __init__(
        self,
        params: ParamsLike,
        lr: float = 1.0,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_count("LBFGS", "max_iter", max_iter, 1)  # before max_eval is derived from it
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr,
            max_iter=max_iter,
            max_eval=max_eval,
            tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change,
            history_size=history_size,
            line_search_fn=line_search_fn,
        )
        super().__init__(params, defaults)
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS: supports one parameter group only (no per-group options)")
        super().add_param_group(param_group)

    def _validate_group(self, group: dict[str, Any]) -> None:
        super()._validate_group(group)
        check_count("LBFGS", "max_iter", group["max_iter"], 1)
        check_count("LBFGS", "max_eval", group["max_eval"], 1)
        check_count("LBFGS", "history_size", group["history_size"], 1)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(
                f"LBFGS: line_search_fn must be None or 'strong_wolfe', "
                f"got {group['line_search_fn']!r}"
            )

    # -- the parameters as one flat vector ----------------------------------------------------

    def _flat_grad(self) -> np.ndarray:
        grads = [np.zeros(p.size, p.dtype) if p.grad is None else p.grad.data for p in self._params]
        return np.concatenate([g.ravel() for g in grads])

    def _add(self, t: float, d: np.ndarray) -> None:
        """``x += t * d``, in place in the parameters' arrays."""
        offset = 0
        for p in self._params:
            p.data += t * d[offset : offset + p.size].reshape(p.shape)
            offset += p.size

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float, np.ndarray]:
        with enable_grad():
            loss = closure()
        return loss, float(loss), self._flat_grad()

    def _evaluate_along(
        self, closure: Callable[[], Any], x0: list[np.ndarray], d: np.ndarray, t: float
    ) -> tuple[float, np.ndarray]:
        """The loss and flat gradient at ``x0 + t * d``; the parameters stay at ``x0``."""
        self._add(t, d)
        try:
            return self._evaluate(closure)[1:]
        finally:  # back to the start of the line, even if the closure raised
            for p, x in zip(self._params, x0):
                p.data[...] = x

    @replayable
    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; return the loss at the start."""
        if not callable(closure):
            raise TypeError(
                "LBFGS.step: needs a closure that zeroes the gradients, computes the loss, "
                f"calls backward() and returns the loss; got {type(closure).__name__}"
            )
        try:
            return self._run(closure)
        finally:
            _mark_modified(self._params)

    def _run(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr = float(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad = float(group["tolerance_grad"])
        tolerance_change = float(group["tolerance_change"])
        history_size = group["history_size"]
        # LBFGS's state is global; it is kept as the first parameter's, as PyTorch does.
        state = self.state.setdefault(id(self._params[0]), {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss, loss, g = self._evaluate(closure)
        evals = 1
        state["func_evals"] += 1
        if np.abs(g).max() <= tolerance_grad:
            return orig_loss
        # The previous step's direction, step length and history (None before the first).
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        H_diag: Any = state.get("H_diag")
        prev_g: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")

        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_stps, ro, H_diag = -g, [], [], [], 1.0
            else:
                y, s = g - prev_g, d * t
                ys = float(y @ s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        del old_dirs[0], old_stps[0], ro[0]
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / float(y @ y)
                d = _two_loop(-g, old_dirs, old_stps, ro, H_diag)
            prev_g, prev_loss = g, loss
            t = min(1.0, 1.0 / float(np.abs(g).sum())) * lr if state["n_iter"] == 1 else lr
            gtd = float(g @ d)
            if gtd > -tolerance_change:  # not a descent direction (any more)
                break

            if group["line_search_fn"] is None:
                self._add(t, d)
                trials = 0
                if n_iter != max_iter:  # the last iteration's new point is not evaluated
                    _, loss, g = self._evaluate(closure)
                    trials = 1
            else:
                x0 = [p.data.copy() for p in self._params]
                objective = functools.partial(self._evaluate_along, closure, x0, d)
                loss, g, t, trials = _strong_wolfe(
                    objective, t, d, loss, g, gtd, max_ls=max_eval - evals
                )
                self._add(t, d)
            evals += trials
            state["func_evals"] += trials

            if (
                n_iter == max_iter
                or evals >= max_eval
                or np.abs(g).max() <= tolerance_grad
                or np.abs(d * t).max() <= tolerance_change
                or abs(loss - prev_loss) < tolerance_change
            ):
                break

        state.update(
            d=d,
            t=t,
            old_dirs=old_dirs,
            old_stps=old_stps,
            ro=ro,
            H_diag=H_diag,
            prev_flat_grad=prev_g,
            prev_loss=prev_loss,
        )
        return orig_loss

    def _load_state_entry(self, where: str, p: Tensor, value: Any) -> Any:
        # The state holds flat vectors over all parameters, alone or in lists (the history).
        n = sum(q.size for q in self._params)
        dtype = np.result_type(*(q.dtype for q in self._params))

        def vector(v: np.ndarray) -> np.ndarray:
            if v.shape != (n,):
                raise ValueError(f"{where} has shape {v.shape}, expected ({n},)")
            return np.array(v, dtype=dtype)

        if isinstance(value, np.ndarray) and value.ndim:
            return vector(value)
        if isinstance(value, (list, tuple)) and any(isinstance(v, np.ndarray) for v in value):
            return [vector(v) for v in value]
        return _plain(value)


def _two_loop(
    q: np.ndarray,
    old_dirs: list[np.ndarray],
    old_stps: list[np.ndarray],
    ro: list[float],
    H_diag: float,
) -> np.ndarray:
    """The L-BFGS direction ``H q`` by the two-loop recursion (Nocedal & Wright, alg. 7.4)."""
    al = [0.0] * len(old_dirs)
    for i in range(len(old_dirs) - 1, -1, -1):
        al[i] = float(old_stps[i] @ q) * ro[i]
        q = q - al[i] * old_dirs[i]
    r = q * H_diag
    for i in range(len(old_dirs)):
        be_i = float(old_dirs[i] @ r) * ro[i]
        r += (al[i] - be_i) * old_stps[i]
    return r


def _cubic_minimum(
    x1: float,
    f1: float,
    g1: float,
    x2: float,
    f2: float,
    g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:
    """The minimiser of the cubic through two points' values and slopes, clipped to
    ``bounds`` (default: between the points); their midpoint if the cubic has none."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1 * d1 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = math.sqrt(d2_square)
    if x1 <= x2:
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        x = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(x, lo), hi)


def _strong_wolfe(
    objective: _Objective,
    t: float,
    d: np.ndarray,
    f: float,
    g: np.ndarray,
    gtd: float,
    c1: float = 1e-4,
    c2: float = 0.9,
    tolerance_change: float = 1e-9,
    max_ls: int = 25,
) -> tuple[float, np.ndarray, float, int]:
    """A step ``t`` along ``d`` meeting the strong Wolfe conditions (Nocedal & Wright,
    algorithms 3.5 and 3.6, as minFunc and PyTorch write them).

    ``f``, ``g``, ``gtd`` are the loss, gradient and slope ``g.d`` at ``t = 0``. Returns
    ``(loss, gradient, t, evaluations)`` at the best step found within ``max_ls``
    evaluations. Bracketing: grow ``t`` by cubic extrapolation until an interval holds a
    point that meets the conditions; zoom: shrink that interval by cubic interpolation,
    kept 10% away from its ends when progress stalls.
    """
    d_norm = float(np.abs(d).max())
    f_new, g_new = objective(t)
    evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        bounds = (t + 0.01 * (t - t_prev), t * 10)
        t_prev, t = t, _cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds)
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = objective(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0.0, t], [f, f_new], [g, g_new]
        bracket_gtd = [gtd, gtd_new]

    # Zoom. With a one-point bracket (done), low = high = 0 and the loop does not run.
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    insufficient_progress = False
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_minimum(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:  # t is close to an end of the interval
            if insufficient_progress or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = objective(t)
        evals += 1
        gtd_new = float(g_new @ d)
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals
