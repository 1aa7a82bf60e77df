"""Layers: Linear, Embedding, activations, Identity, Flatten, Dropout, Dropout2d.

Every layer with parameters takes keyword-only ``dtype`` (default
``ag.get_default_dtype()``, float32 as in PyTorch) and ``rng`` (a numpy
``Generator`` or an int seed; ``None`` draws from the global generator that
``ag.manual_seed`` seeds) and initialises as
PyTorch does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.creation import as_rng
from autograd_lite.nn import functional as F
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter, _mark_modified
from autograd_lite.ops import activations, reshape

__all__ = [
    "Dropout",
    "Dropout2d",
    "ELU",
    "Embedding",
    "Flatten",
    "Hardtanh",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "Mish",
    "PReLU",
    "ReLU",
    "ReLU6",
    "SELU",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softmax2d",
    "Softplus",
    "Tanh",
]


def _positive_int(cls: str, **values: Any) -> None:
    for key, v in values.items():
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 1:
            raise ValueError(f"{cls}: {key} must be a positive int, got {v!r}")


def _default_init_(weight: Parameter, bias: Parameter | None, rng: init.RNGLike) -> None:
    """PyTorch's default for Linear and Conv2d: weight and bias U(-1/sqrt(fan_in), ...)."""
    gen = as_rng(rng)
    # With a=sqrt(5) the Kaiming bound gain * sqrt(3 / fan_in) is exactly 1 / sqrt(fan_in).
    init.kaiming_uniform_(weight, a=math.sqrt(5), rng=gen)
    if bias is not None:
        bound = 1.0 / math.sqrt(math.prod(weight.shape[1:]))  # fan_in
        init.uniform_(bias, -bound, bound, rng=gen)


class Linear(Module):
    """``y = x @ weight.T + bias``, weight of shape (out_features, in_features).

    Both weight and bias start as U(-1/sqrt(in_features), 1/sqrt(in_features)),
    PyTorch's default (``kaiming_uniform_`` with ``a=sqrt(5)``).

    Example
    -------
    >>> import numpy as np
    >>> import autograd_lite as ag
    >>> from autograd_lite import nn
    >>> layer = nn.Linear(3, 2, rng=0)
    >>> layer.weight.shape, layer.weight.dtype
    ((2, 3), dtype('float32'))
    >>> layer(ag.ones((5, 3), dtype=np.float32)).shape
    (5, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        _positive_int("Linear", in_features=in_features, out_features=out_features)
        self.in_features, self.out_features = in_features, out_features
        dtype = dtypes.resolve(dtype)
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        self.bias = Parameter(np.empty(out_features, dtype=dtype)) if bias else None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values (PyTorch's default scheme)."""
        _default_init_(self.weight, self.bias, rng)

    def forward(self, x: Any) -> Any:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of ``weight`` (num, dim).

    ``weight`` starts as N(0, 1), as PyTorch. Gradients flow into the rows used
    (repeated indices add up). With ``padding_idx`` (negative counts from the end, as
    PyTorch; stored as the non-negative row), that row starts as zeros and never receives
    a gradient: the padding rows of the output are constants.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> emb = nn.Embedding(10, 3, padding_idx=0, rng=0)
    >>> out = emb(np.array([[1, 2], [0, 9]]))
    >>> out.shape, out.data[1, 0].tolist()
    ((2, 2, 3), [0.0, 0.0, 0.0])
    >>> out.sum().backward()
    >>> emb.weight.grad.data[[0, 1]].tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        _positive_int("Embedding", num_embeddings=num_embeddings, embedding_dim=embedding_dim)
        padding_idx = F._padding_index("Embedding", padding_idx, num_embeddings)
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        self.weight = Parameter(
            np.empty((num_embeddings, embedding_dim), dtype=dtypes.resolve(dtype))
        )
        self.reset_parameters(rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """Draw fresh initial values, N(0, 1), with the ``padding_idx`` row zero."""
        init.normal_(self.weight, rng=rng)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0
            _mark_modified((self.weight,))

    def forward(self, indices: Any) -> Any:
        return F._embedding("Embedding", indices, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"


class Identity(Module):
    """Returns its input unchanged (a placeholder layer)."""

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Flatten dimensions ``start_dim`` .. ``end_dim`` into one (default: all but the batch).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Flatten()(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Any) -> Any:
        shape = _shape(x)
        nd = len(shape)
        if not (-nd <= self.start_dim < nd and -nd <= self.end_dim < nd):
            raise ValueError(
                f"Flatten: dims {self.start_dim}..{self.end_dim} are out of range for an input "
                f"of shape {shape}"
            )
        start, end = self.start_dim % nd, self.end_dim % nd
        if start > end:
            raise ValueError(
                f"Flatten: cannot flatten dims {self.start_dim}..{self.end_dim} of an input of "
                f"shape {shape}"
            )
        return reshape(x, (*shape[:start], -1, *shape[end + 1 :]))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class ReLU(Module):
    """``max(x, 0)``."""

    def forward(self, x: Any) -> Any:
        return F.relu(x)


class LeakyReLU(Module):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Any) -> Any:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Tanh(Module):
    """Hyperbolic tangent."""

    def forward(self, x: Any) -> Any:
        return F.tanh(x)


class Sigmoid(Module):
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""

    def forward(self, x: Any) -> Any:
        return F.sigmoid(x)


class Softmax(Module):
    """Softmax along ``dim`` (default the last axis)."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Any) -> Any:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along ``dim`` (default the last axis)."""

    def forward(self, x: Any) -> Any:
        return F.log_softmax(x, self.dim)


class Dropout(Module):
    """Inverted dropout with probability ``p`` in training mode; the identity in eval mode.

    The masks come from the global generator (``ag.manual_seed``), or from ``rng``
    (Generator or seed).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> drop = nn.Dropout(0.5, rng=0)
    >>> bool((drop(np.ones(8)) == 0).any()), drop.eval()(np.ones(8)).tolist() == [1.0] * 8
    (True, True)
    """

    def __init__(self, p: float = 0.5, *, rng: init.RNGLike = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"{type(self).__name__}: p must be in [0, 1], got {p!r}")
        self.p = p
        self.rng = as_rng(rng)

    def forward(self, x: Any) -> Any:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout2d(Dropout):
    """Channel dropout: whole channels of (N, C, H, W) inputs zeroed with probability ``p``
    (and the rest scaled by 1/(1-p)) in training mode; see ``F.dropout2d``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> y = nn.Dropout2d(0.5, rng=0)(np.ones((2, 8, 3, 3)))
    >>> bool(np.all(y.reshape(16, 9).std(axis=1) == 0))  # each channel kept or dropped whole
    True
    """

    def forward(self, x: Any) -> Any:
        return F.dropout2d(x, self.p, self.training, self.rng)


# ----------------------------------------------------------------------------- activations


class SiLU(Module):
    """``x * sigmoid(x)`` (SiLU, or swish); see ``F.silu``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.SiLU()(np.array([0.0, 1000.0])).tolist()
    [0.0, 1000.0]
    """

    def forward(self, x: Any) -> Any:
        return F.silu(x)


class Mish(Module):
    """``x * tanh(softplus(x))``; see ``F.mish``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Mish()(np.array([-1000.0, 1.0])).round(4).tolist()
    [-0.0, 0.8651]
    """

    def forward(self, x: Any) -> Any:
        return F.mish(x)


class SELU(Module):
    """``scale * elu(x, alpha)`` with the self-normalising constants; see ``F.selu``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.SELU()(np.array([-1000.0, 1.0])).round(4).tolist()
    [-1.7581, 1.0507]
    """

    def forward(self, x: Any) -> Any:
        return F.selu(x)


class ELU(Module):
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``; see ``F.elu``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.ELU(alpha=2.0)(np.array([-1000.0, 3.0])).tolist()
    [-2.0, 3.0]
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        activations.Elu(alpha)  # the op checks its arguments: now, not at the first call
        self.alpha = alpha

    def forward(self, x: Any) -> Any:
        return F.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softplus(Module):
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``; see ``F.softplus``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Softplus(beta=2.0)(np.array([0.0, 100.0])).round(4).tolist()
    [0.3466, 100.0]
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        activations.Softplus(beta, threshold)  # the op checks its arguments
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Any) -> Any:
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Hardtanh(Module):
    """``x`` clipped to ``[min_val, max_val]``, no gradient at the bounds; see ``F.hardtanh``.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Hardtanh(-2.0, 2.0)(np.array([-3.0, 1.0, 3.0])).tolist()
    [-2.0, 1.0, 2.0]
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        activations.Hardtanh(min_val, max_val)  # the op checks its arguments
        if not max_val > min_val:
            raise ValueError(
                f"{type(self).__name__}: max_val ({max_val}) must be greater than min_val "
                f"({min_val})"
            )
        self.min_val, self.max_val = min_val, max_val

    def forward(self, x: Any) -> Any:
        return F.hardtanh(x, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """``min(max(x, 0), 6)``: ``Hardtanh(0, 6)``, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.ReLU6()(np.array([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """

    def __init__(self) -> None:
        super().__init__(0.0, 6.0)

    def extra_repr(self) -> str:
        return ""


class PReLU(Module):
    """``x`` where ``x > 0``, else ``weight * x``: a learnt slope, shared or one per channel.

    ``weight`` is a parameter of shape (num_parameters,) starting at ``init``; with
    ``num_parameters > 1`` it must equal the input's channels (axis 1), as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> act = nn.PReLU(3)
    >>> act(np.full((1, 3, 2), -4.0, dtype=np.float32)).data[0, :, 0].tolist()
    [-1.0, -1.0, -1.0]
    >>> act.weight.shape
    (3,)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, *, dtype: Any = None) -> None:
        super().__init__()
        _positive_int("PReLU", num_parameters=num_parameters)
        if isinstance(init, bool) or not isinstance(init, (int, float, np.integer, np.floating)):
            raise TypeError(f"PReLU: init must be a real number, got {init!r}")
        self.num_parameters, self.init = int(num_parameters), init
        self.weight = Parameter(np.empty(self.num_parameters, dtype=dtypes.resolve(dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every slope back to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, x: Any) -> Any:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class Softmax2d(Module):
    """Softmax over the channels (axis -3) of (N, C, H, W) or (C, H, W) inputs, as PyTorch.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> nn.Softmax2d()(np.zeros((1, 4, 2, 2)))[0, :, 0, 0].tolist()
    [0.25, 0.25, 0.25, 0.25]
    """

    def forward(self, x: Any) -> Any:
        ndim = len(_shape(x))
        if ndim not in (3, 4):
            raise ValueError(
                f"Softmax2d: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape "
                f"{_shape(x)}"
            )
        return F.softmax(x, -3)
