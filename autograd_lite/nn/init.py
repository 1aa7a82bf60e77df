"""Parameter initialisers, PyTorch's ``torch.nn.init`` on numpy arrays.

Every function fills ``tensor.data`` in place (the array object is kept, so an
optimiser holding the parameter sees the new values), builds no graph, keeps the
tensor's dtype and returns the tensor. Random ones draw from the global generator
(``ag.manual_seed``) unless given PyTorch's ``generator=`` or ``rng=`` (a
``numpy.random.Generator`` or an ``int`` seed).

Example
-------
>>> import numpy as np
>>> import autograd_lite as ag
>>> from autograd_lite.nn import init
>>> w = ag.zeros((3, 4), dtype=np.float32)
>>> _ = init.kaiming_uniform_(w, a=5**0.5, rng=0)   # nn.Linear's default
>>> bool(np.all(np.abs(w.data) <= 1 / 4**0.5)), w.dtype
(True, dtype('float32'))
"""

from __future__ import annotations

import math

import numpy as np

from autograd_lite.core import Tensor
from autograd_lite.creation import RNGLike, pick_rng
from autograd_lite.nn.parameter import _mark_modified

__all__ = [
    "calculate_gain",
    "constant_",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]


def _fill(tensor: Tensor, values: np.ndarray | float) -> Tensor:
    # Writing through [...] keeps the array object (and its dtype); no graph is involved.
    tensor.data[...] = values
    _mark_modified((tensor,))
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Recommended gain for a nonlinearity, as ``torch.nn.init.calculate_gain``.

    Example
    -------
    >>> round(calculate_gain("relu"), 4), calculate_gain("tanh")
    (1.4142, 1.6666666666666667)
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "sigmoid", "identity")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; expected one of "
        f"{', '.join(linear)}, tanh, relu, leaky_relu, selu"
    )


def _fans(tensor: Tensor, fn: str) -> tuple[int, int]:
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(
            f"{fn}: fan in and fan out need a tensor with at least 2 dimensions, got shape {shape}"
        )
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor: Tensor, mode: str, fn: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{fn}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor, fn)
    return fan_in if mode == "fan_in" else fan_out


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1.0)


def uniform_(
    tensor: Tensor,
    a: float = 0.0,
    b: float = 1.0,
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> Tensor:
    """Fill with samples of U(a, b)."""
    gen = pick_rng("uniform_", rng, generator)
    return _fill(tensor, gen.uniform(a, b, size=tensor.shape))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> Tensor:
    """Fill with samples of N(mean, std**2)."""
    gen = pick_rng("normal_", rng, generator)
    return _fill(tensor, gen.normal(mean, std, size=tensor.shape))


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, rng: RNGLike = None, *, generator: RNGLike = None
) -> Tensor:
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, pick_rng("xavier_uniform_", rng, generator))


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, rng: RNGLike = None, *, generator: RNGLike = None
) -> Tensor:
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, pick_rng("xavier_normal_", rng, generator))


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> Tensor:
    """He uniform: U(-b, b) with ``b = gain * sqrt(3 / fan)``, gain from ``calculate_gain``.

    ``a`` is the negative slope of the leaky ReLU that follows; ``a=sqrt(5)`` gives
    ``b = 1 / sqrt(fan_in)``, the default of ``nn.Linear`` and ``nn.Conv2d``.
    """
    fan = _fan(tensor, mode, "kaiming_uniform_")
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound, pick_rng("kaiming_uniform_", rng, generator))


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: RNGLike = None,
    *,
    generator: RNGLike = None,
) -> Tensor:
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)``."""
    fan = _fan(tensor, mode, "kaiming_normal_")
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, pick_rng("kaiming_normal_", rng, generator))
