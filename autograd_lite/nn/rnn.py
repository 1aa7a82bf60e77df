"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their cells, as PyTorch's.

Built from ops (``F.linear``, ``ag.tanh``, ``ag.sigmoid``, slicing, ``ag.stack``,
``ag.concatenate``), one time step after the other: backpropagation through time is the
engine's ordinary backward over the unrolled graph (it has no depth limit), gradients of
gradients work, and ``ag.draw_graph`` shows every step: each step's ops are made in name
scope ``t<step>`` (inside ``l<layer>`` or ``l<layer>_reverse`` when there are several layers
or directions), so the drawing has a box per step.

Constructor arguments, parameter names and shapes, gate order and initialisation are
PyTorch's, so a PyTorch ``state_dict`` converted to numpy arrays loads into the layer of
the same configuration and gives PyTorch's outputs. For layer ``k`` (suffix ``_reverse``
for the backward direction of a bidirectional layer), with G gates (RNN 1, GRU 3, LSTM 4):

* ``weight_ih_l{k}`` (G * hidden_size, input features of layer k),
  ``weight_hh_l{k}`` (G * hidden_size, hidden_size or proj_size),
* ``bias_ih_l{k}``, ``bias_hh_l{k}`` (G * hidden_size,), when ``bias``,
* ``weight_hr_l{k}`` (proj_size, hidden_size), for an LSTM with ``proj_size > 0``;

the cells have ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``. LSTM gates are
stacked in the order i, f, g, o; GRU gates r, z, n, with ``n = tanh(W_in x + b_in + r *
(W_hn h + b_hn))``. Every parameter starts as U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

Each step projects its own input (``F.linear`` of that step's slice). The inputs of the
layers above the first are per-step results anyway; one product for the whole sequence
would have to be cut back into steps, and the backward of each cut is a gradient the size
of the whole, which the engine adds up. Measured on ``LSTM(64, 128)``, 50 steps, batch 32:
cutting step by step makes forward + backward 2.7x slower, cutting by halving 1.2x
slower than projecting per step. The first layer's input is cut into steps once, by
halving when it requires grad (8% faster than step by step there).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite._args import check_count
from autograd_lite.core import Tensor, name_scope, value
from autograd_lite.creation import as_rng
from autograd_lite.nn import functional as F
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter
from autograd_lite.ops import concatenate, expand_dims, relu, reshape, sigmoid, stack, tanh

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]

State = tuple[Any, ...]  # (h,) or, for an LSTM, (h, c)


# ----------------------------------------------------------------------------- one time step


def _rnn_cell(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, *, use_relu: bool) -> Any:
    """``h' = act(W_ih x + b_ih + W_hh h + b_hh)``, act tanh or relu."""
    pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return relu(pre) if use_relu else tanh(pre)


def _lstm_cell(
    x: Any, h: Any, c: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any, w_hr: Any = None
) -> tuple[Any, Any]:
    """One LSTM step: gates i, f, g, o stacked in that order, as PyTorch's."""
    n = w_hh.shape[0] // 4
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = (gates[:, k * n : (k + 1) * n] for k in range(4))
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    h = sigmoid(o) * tanh(c)
    if w_hr is not None:  # LSTM with projections: the hidden state is projected down
        h = F.linear(h, w_hr)
    return h, c


def _gru_cell(x: Any, h: Any, w_ih: Any, w_hh: Any, b_ih: Any, b_hh: Any) -> Any:
    """One GRU step: gates r, z, n, with the reset gate applied to ``W_hn h + b_hn``."""
    n = w_hh.shape[1]
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    rz = sigmoid(gi[:, : 2 * n] + gh[:, : 2 * n])  # r and z in one op
    r, z = rz[:, :n], rz[:, n:]
    new = tanh(gi[:, 2 * n :] + r * gh[:, 2 * n :])
    return new + z * (h - new)  # (1 - z) * new + z * h


# ----------------------------------------------------------------------------- shared helpers


def _unbind(x: Any, axis: int) -> list[Any]:
    """The slices of ``x`` along ``axis``, in order.

    Each cut's backward writes its gradient into zeros the size of what it cut, and the
    engine adds those up; so a tensor that requires grad is cut by halving (n log n work
    in backward) rather than slice by slice out of the whole (n**2).
    """
    n = _shape(x)[axis]
    lead = (slice(None),) * axis
    if n <= 2 or not (isinstance(x, Tensor) and x.requires_grad):
        return [x[lead + (t,)] for t in range(n)]
    half = n // 2
    first, second = x[lead + (slice(None, half),)], x[lead + (slice(half, None),)]
    return _unbind(first, axis) + _unbind(second, axis)


def _check_state(owner: str, name: str, state: Any, expected: tuple[int, ...], what: str) -> None:
    shape = _shape(state)
    if shape != expected:
        raise ValueError(f"{owner}: {name} has shape {shape}, expected {expected} ({what})")


def _zeros(shape: tuple[int, ...], x: Any, weight: Parameter) -> np.ndarray:
    """A zero initial state, in the dtype that the first step's result will have."""
    dtype = np.result_type(np.asarray(value(x)).dtype, weight.dtype)
    return np.zeros(shape, dtype=dtype)


def _uniform_init_(module: Module, hidden_size: int, rng: init.RNGLike) -> None:
    """PyTorch's init of recurrent layers and cells: every parameter U(-1/sqrt(H), 1/sqrt(H))."""
    gen = as_rng(rng)
    bound = 1.0 / math.sqrt(hidden_size)
    for p in module.parameters():
        init.uniform_(p, -bound, bound, rng=gen)


def _check_flag(owner: str, **flags: Any) -> None:
    for key, flag in flags.items():
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{owner}: {key} must be a bool, got {type(flag).__name__} {flag!r}")


# ----------------------------------------------------------------------------- layers


class RNNBase(Module):
    """What RNN, LSTM and GRU share: parameters, checks, and the loop over layers,
    directions and time. ``mode`` is ``"RNN_TANH"``, ``"RNN_RELU"``, ``"LSTM"`` or ``"GRU"``."""

    _GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}

    def __init__(
        self,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if mode not in self._GATES:
            raise ValueError(f"{name}: unknown mode {mode!r}; expected one of {list(self._GATES)}")
        check_count(name, "input_size", input_size, 1)
        check_count(name, "hidden_size", hidden_size, 1)
        check_count(name, "num_layers", num_layers, 1)
        check_count(name, "proj_size", proj_size, 0)
        _check_flag(name, bias=bias, batch_first=batch_first, bidirectional=bidirectional)
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float, np.number)):
            raise TypeError(f"{name}: dropout must be a number in [0, 1], got {dropout!r}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"{name}: dropout must be in [0, 1], got {dropout!r}")
        if proj_size and mode != "LSTM":
            raise ValueError(f"{name}: proj_size is only supported for LSTM, got {proj_size}")
        if proj_size >= hidden_size:
            raise ValueError(
                f"{name}: proj_size ({proj_size}) must be smaller than hidden_size ({hidden_size})"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"{name}: dropout acts between recurrent layers, so dropout={dropout} with "
                "num_layers=1 does nothing",
                stacklevel=3,
            )
        self.mode = mode
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.proj_size = int(num_layers), int(proj_size)
        self.bias, self.batch_first = bool(bias), bool(batch_first)
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        self.rng = as_rng(rng)  # draws the initial values, then the dropout masks

        dt = dtypes.resolve(dtype)
        gates = self._GATES[mode] * hidden_size
        out = proj_size or hidden_size  # the size of h
        self._all_weights: list[list[str]] = []
        for layer in range(num_layers):
            for direction in range(self._directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                shapes: dict[str, tuple[int, ...]] = {
                    "weight_ih": (gates, input_size if layer == 0 else out * self._directions),
                    "weight_hh": (gates, out),
                }
                if bias:
                    shapes.update(bias_ih=(gates,), bias_hh=(gates,))
                if proj_size:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                for key, shape in shapes.items():
                    setattr(self, key + suffix, Parameter(np.empty(shape, dtype=dt)))
                self._all_weights.append([key + suffix for key in shapes])
        self.reset_parameters(self.rng)

    @property
    def _directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def _flat_weights_names(self) -> list[str]:
        return [name for names in self._all_weights for name in names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters of each layer and direction, in PyTorch's order."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values: U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), PyTorch's."""
        _uniform_init_(self, self.hidden_size, rng)

    def flatten_parameters(self) -> None:
        """Does nothing (PyTorch's packs weights for cuDNN); here for code written for PyTorch."""

    def _weights(self, k: int) -> tuple[Any, ...]:
        """(w_ih, w_hh, b_ih, b_hh[, w_hr]) of layer-direction ``k``, None for absent biases."""
        names = self._all_weights[k]
        w = [getattr(self, name) for name in names]
        if not self.bias:
            w[2:2] = [None, None]
        return tuple(w)

    def _step(self, x: Any, state: State, weights: tuple[Any, ...]) -> State:
        raise NotImplementedError

    def _state_sizes(self) -> tuple[int, ...]:
        """The feature size of each state: (h,) or, for an LSTM, (h, c)."""
        return (self.proj_size or self.hidden_size,)

    def _run(self, input: Any, hx: tuple[Any, ...] | None) -> tuple[Any, tuple[Any, ...]]:  # noqa: A002
        """Check the input and initial states, run all layers; the output and final states."""
        name = type(self).__name__
        if not isinstance(input, Tensor):
            input = np.asarray(input)  # noqa: A001 - nested lists cannot be cut into steps
        shape = input.shape
        if len(shape) not in (2, 3):
            raise ValueError(
                f"{name}: expected an input of 3 dimensions ({self._layout()}) or 2 "
                f"(unbatched: sequence, features), got shape {shape}"
            )
        if shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: input of shape {shape} has {shape[-1]} features, expected "
                f"input_size={self.input_size}"
            )
        batched = len(shape) == 3
        time_axis = 1 if self.batch_first and batched else 0
        steps = shape[time_axis]
        if steps == 0:
            raise ValueError(f"{name}: the input of shape {shape} has no time steps")
        batch = shape[1 - time_axis] if batched else 1
        layers = self.num_layers * self._directions
        sizes = self._state_sizes()
        state_names = ("h0", "c0") if len(sizes) == 2 else ("h0",)
        if hx is not None:
            for which, state, size in zip(state_names, hx, sizes):
                expected = (layers, batch, size) if batched else (layers, size)
                what = "num_layers * num_directions, " + ("batch, " if batched else "") + "size"
                _check_state(name, which, state, expected, what)
        if not batched:  # a batch of one, removed again at the end
            input = expand_dims(input, 1)  # noqa: A001
            hx = None if hx is None else tuple(expand_dims(s, 1) for s in hx)
            time_axis = 0

        xs = _unbind(input, time_axis)
        if hx is None:
            w0 = self._weights(0)[0]
            initial = [tuple(_zeros((batch, n), input, w0) for n in sizes)] * layers
        else:
            initial = list(zip(*(_unbind(s, 0) for s in hx)))
        finals: list[State] = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self._directions):
                k = layer * self._directions + direction
                weights, state = self._weights(k), initial[k]
                hs: list[Any] = [None] * steps
                # Each step's ops in scope "t<step>" (under "l<layer>[_reverse]" when there are
                # several layers or directions), so a drawing of the graph shows the steps.
                suffix = self._all_weights[k][0].removeprefix("weight_ih_")
                with name_scope(suffix) if layers > 1 else nullcontext():
                    for t in reversed(range(steps)) if direction else range(steps):
                        with name_scope(f"t{t}"):
                            state = self._step(xs[t], state, weights)
                        hs[t] = state[0]
                outputs.append(hs)
                finals.append(state)
            xs = outputs[0] if len(outputs) == 1 else list(map(_join, *outputs))
            if self.dropout and self.training and layer < self.num_layers - 1:
                xs = [F.dropout(x, self.dropout, True, self.rng) for x in xs]
        output = stack(xs, axis=time_axis)
        final = tuple(stack([s[i] for s in finals]) for i in range(len(sizes)))
        if not batched:
            output = reshape(output, (steps, -1))
            final = tuple(reshape(s, (layers, -1)) for s in final)
        return output, final

    def _layout(self) -> str:
        return "batch, sequence, features" if self.batch_first else "sequence, batch, features"

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s


def _join(forward: Any, backward: Any) -> Any:
    """A bidirectional layer's output at one step: both directions' features side by side."""
    return concatenate([forward, backward], axis=-1)


class RNN(RNNBase):
    """Elman RNN: ``h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)``, as ``torch.nn.RNN``.

    ``nonlinearity`` is ``"tanh"`` or ``"relu"``. Input (sequence, batch, input_size), or
    (batch, sequence, input_size) with ``batch_first``, or unbatched (sequence,
    input_size); ``hx`` (num_layers * num_directions, batch, hidden_size) or zeros.
    Returns ``(output, h_n)``: output (sequence, batch, num_directions * hidden_size)
    holds the last layer's ``h_t`` (both directions concatenated), ``h_n`` every layer's
    and direction's final state. ``dropout`` acts on the outputs of all layers but the
    last, in training mode; ``rng`` (Generator or seed) draws initial values and masks.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> rnn = nn.RNN(3, 5, num_layers=2, bidirectional=True, rng=0)
    >>> output, h_n = rnn(np.ones((7, 4, 3), dtype=np.float32))
    >>> output.shape, h_n.shape
    ((7, 4, 10), (4, 4, 5))
    >>> [name for name, _ in rnn.named_parameters()][:5]
    ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse']
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: str = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNN: unknown nonlinearity {nonlinearity!r}; expected 'tanh' or 'relu'"
            )
        mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"
        super().__init__(
            mode, input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, dtype=dtype, rng=rng,
        )  # fmt: skip
        self.nonlinearity = nonlinearity

    def _step(self, x: Any, state: State, weights: tuple[Any, ...]) -> State:
        return (_rnn_cell(x, state[0], *weights, use_relu=self.mode == "RNN_RELU"),)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n

    def extra_repr(self) -> str:
        s = super().extra_repr()
        return s if self.nonlinearity == "tanh" else s + f", nonlinearity={self.nonlinearity!r}"


class LSTM(RNNBase):
    """Long short-term memory, as ``torch.nn.LSTM``.

    Per step, with gates stacked i, f, g, o in the weights::

        i, f, o = sigmoid(...), g = tanh(W_ig x + b_ig + W_hg h + b_hg)
        c' = f * c + i * g
        h' = o * tanh(c')              (then h' = W_hr h' with proj_size > 0)

    Arguments, shapes and ``dropout`` as :class:`RNN`, and ``hx`` is a pair ``(h_0,
    c_0)``; ``h`` has ``proj_size`` features when that is positive, ``c`` always
    ``hidden_size``. Returns ``(output, (h_n, c_n))``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> lstm = nn.LSTM(3, 5, batch_first=True, rng=0)
    >>> x = np.ones((4, 7, 3), dtype=np.float32)   # batch 4, 7 steps
    >>> output, (h_n, c_n) = lstm(x)
    >>> output.shape, h_n.shape, c_n.shape
    ((4, 7, 5), (1, 4, 5), (1, 4, 5))
    >>> output.sum().backward()
    >>> lstm.weight_hh_l0.grad.shape                  # 4 gates of 5
    (20, 5)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        proj_size: int = 0,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__(
            "LSTM", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, proj_size, dtype=dtype, rng=rng,
        )  # fmt: skip

    def _state_sizes(self) -> tuple[int, ...]:
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def _step(self, x: Any, state: State, weights: tuple[Any, ...]) -> State:
        return _lstm_cell(x, *state, *weights)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, tuple[Any, Any]]:  # noqa: A002
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(
                f"LSTM: hx must be a pair (h_0, c_0), got {type(hx).__name__}"
                + (f" of length {len(hx)}" if isinstance(hx, (tuple, list)) else "")
            )
        output, (h_n, c_n) = self._run(input, None if hx is None else tuple(hx))
        return output, (h_n, c_n)


class GRU(RNNBase):
    """Gated recurrent unit, as ``torch.nn.GRU``.

    Per step, with gates stacked r, z, n in the weights::

        r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
        n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
        h' = (1 - z) * n + z * h

    Arguments, shapes, ``hx`` and ``dropout`` as :class:`RNN`; returns ``(output, h_n)``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> gru = nn.GRU(3, 5, rng=0)
    >>> output, h_n = gru(np.ones((7, 3), dtype=np.float32))   # unbatched: 7 steps
    >>> output.shape, h_n.shape, gru.weight_ih_l0.shape
    ((7, 5), (1, 5), (15, 3))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__(
            "GRU", input_size, hidden_size, num_layers, bias, batch_first, dropout,
            bidirectional, dtype=dtype, rng=rng,
        )  # fmt: skip

    def _step(self, x: Any, state: State, weights: tuple[Any, ...]) -> State:
        return (_gru_cell(x, state[0], *weights),)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        output, (h_n,) = self._run(input, None if hx is None else (hx,))
        return output, h_n


# ----------------------------------------------------------------------------- cells


class RNNCellBase(Module):
    """What RNNCell, LSTMCell and GRUCell share: parameters ``weight_ih`` (gates *
    hidden_size, input_size), ``weight_hh`` (gates * hidden_size, hidden_size),
    ``bias_ih``, ``bias_hh`` (gates * hidden_size,), and the checks of one step's input."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool,
        num_chunks: int,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        check_count(name, "input_size", input_size, 1)
        check_count(name, "hidden_size", hidden_size, 1)
        _check_flag(name, bias=bias)
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bias
        dt = dtypes.resolve(dtype)
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(np.empty((gates, input_size), dtype=dt))
        self.weight_hh = Parameter(np.empty((gates, hidden_size), dtype=dt))
        if bias:
            self.bias_ih = Parameter(np.empty(gates, dtype=dt))
            self.bias_hh = Parameter(np.empty(gates, dtype=dt))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters(rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values: U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), PyTorch's."""
        _uniform_init_(self, self.hidden_size, rng)

    def _prepare(
        self,
        input: Any,  # noqa: A002
        hx: Sequence[Any] | None,
        names: tuple[str, ...],
    ) -> tuple[Any, tuple[Any, ...], bool]:
        """``input`` and the states as batches (N, features): checked, zeros for missing states;
        and whether the input was batched."""
        owner = type(self).__name__
        shape = _shape(input)
        if len(shape) not in (1, 2) or shape[-1] != self.input_size:
            raise ValueError(
                f"{owner}: expected an input of shape (batch, {self.input_size}) or "
                f"({self.input_size},), got shape {shape}"
            )
        batched = len(shape) == 2
        expected = (shape[0], self.hidden_size) if batched else (self.hidden_size,)
        what = "batch, hidden_size" if batched else "hidden_size: unbatched input"
        if hx is not None:
            for name, state in zip(names, hx):
                _check_state(owner, name, state, expected, what)
        if hx is None:
            zeros = _zeros((shape[0] if batched else 1, self.hidden_size), input, self.weight_ih)
            states = (zeros,) * len(names)
        else:
            states = tuple(hx) if batched else tuple(expand_dims(s, 0) for s in hx)
        return (input if batched else expand_dims(input, 0)), states, batched

    def _weights(self) -> tuple[Any, ...]:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if not self.bias:
            s += ", bias=False"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity!r}"
        return s


def _unbatch(x: Any, batched: bool) -> Any:
    return x if batched else reshape(x, (-1,))


class RNNCell(RNNCellBase):
    """One step of an Elman RNN, ``h' = act(W_ih x + b_ih + W_hh h + b_hh)``, as
    ``torch.nn.RNNCell``.

    Input (batch, input_size) or (input_size,); ``hx`` of the matching shape with
    hidden_size features, or zeros. Returns ``h'``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> cell = nn.RNNCell(3, 5, nonlinearity="relu", rng=0)
    >>> h = None
    >>> for x in np.ones((6, 4, 3), dtype=np.float32):   # 6 steps, batch 4
    ...     h = cell(x, h)
    >>> h.shape, bool((h.data >= 0).all())
    ((4, 5), True)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(
                f"RNNCell: unknown nonlinearity {nonlinearity!r}; expected 'tanh' or 'relu'"
            )
        super().__init__(input_size, hidden_size, bias, 1, dtype=dtype, rng=rng)
        self.nonlinearity = nonlinearity

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        x, (h,), batched = self._prepare(input, None if hx is None else (hx,), ("hx",))
        return _unbatch(
            _rnn_cell(x, h, *self._weights(), use_relu=self.nonlinearity == "relu"), batched
        )


class LSTMCell(RNNCellBase):
    """One LSTM step (gates i, f, g, o), as ``torch.nn.LSTMCell``.

    Input (batch, input_size) or (input_size,); ``hx`` a pair ``(h, c)`` of the matching
    shape with hidden_size features, or zeros. Returns ``(h', c')``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> cell = nn.LSTMCell(3, 5, rng=0)
    >>> h, c = cell(np.ones((4, 3), dtype=np.float32))
    >>> h, c = cell(np.ones((4, 3), dtype=np.float32), (h, c))
    >>> h.shape, c.shape, cell.weight_ih.shape
    ((4, 5), (4, 5), (20, 3))
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 4, dtype=dtype, rng=rng)

    def forward(self, input: Any, hx: Any = None) -> tuple[Any, Any]:  # noqa: A002
        if hx is not None and not (isinstance(hx, (tuple, list)) and len(hx) == 2):
            raise TypeError(f"LSTMCell: hx must be a pair (h, c), got {type(hx).__name__}")
        x, (h, c), batched = self._prepare(input, hx, ("hx[0]", "hx[1]"))
        h, c = _lstm_cell(x, h, c, *self._weights())
        return _unbatch(h, batched), _unbatch(c, batched)


class GRUCell(RNNCellBase):
    """One GRU step (gates r, z, n, with ``r * (W_hn h + b_hn)``), as ``torch.nn.GRUCell``.

    Input (batch, input_size) or (input_size,); ``hx`` of the matching shape with
    hidden_size features, or zeros. Returns ``h'``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> cell = nn.GRUCell(3, 5, rng=0)
    >>> cell(np.ones(3, dtype=np.float32)).shape
    (5,)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__(input_size, hidden_size, bias, 3, dtype=dtype, rng=rng)

    def forward(self, input: Any, hx: Any = None) -> Any:  # noqa: A002
        x, (h,), batched = self._prepare(input, None if hx is None else (hx,), ("hx",))
        return _unbatch(_gru_cell(x, h, *self._weights()), batched)
