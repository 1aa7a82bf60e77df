"""The transformer's layers and stacks, with PyTorch's signatures, submodule names and layouts.

``TransformerEncoderLayer`` (self-attention, feed-forward), ``TransformerDecoderLayer``
(self-attention, cross-attention over the encoder's output ``memory``, feed-forward), the
stacks ``TransformerEncoder``/``TransformerDecoder`` of deep copies of one layer, and
``Transformer``. A PyTorch ``state_dict`` converted to numpy loads by name.

PyTorch's inference fast paths (eval mode without grad: nested tensors, fused kernels) are
optimisations with the same results but in two corners, where this follows PyTorch's ordinary
path: positions padded by ``src_key_padding_mask`` come out as computed (the fast path writes
zeros there), and a query masked from every key gives zeros (the fast path gives NaN).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from autograd_lite import dtypes
from autograd_lite.creation import as_rng
from autograd_lite.nn import functional as F
from autograd_lite.nn import init
from autograd_lite.nn.attention import MultiheadAttention, _check_dropout
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.layers import Dropout, Linear, _positive_int
from autograd_lite.nn.module import Module, ModuleList
from autograd_lite.nn.normalization import LayerNorm

__all__ = [
    "Transformer",
    "TransformerDecoder",
    "TransformerDecoderLayer",
    "TransformerEncoder",
    "TransformerEncoderLayer",
]

Activation = str | Callable[[Any], Any]


class _Layer(Module):
    """The parts the encoder and decoder layers share, registered in PyTorch's order: the
    attention blocks, linear1, dropout, linear2, one norm and one dropout per block."""

    _attentions: tuple[str, ...] = ()

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        owner = type(self).__name__
        _positive_int(owner, d_model=d_model, nhead=nhead, dim_feedforward=dim_feedforward)
        _check_dropout(owner, dropout)
        act: Callable[[Any], Any]
        if activation == "relu":
            act = F.relu
        elif activation == "gelu":
            act = F.gelu
        elif isinstance(activation, str) or not callable(activation):
            raise ValueError(
                f"{owner}: activation must be 'relu', 'gelu' or a callable, got {activation!r}"
            )
        else:
            act = activation
        gen = as_rng(rng)  # one stream: the initialisation, then every dropout mask
        for name in self._attentions:
            attn = MultiheadAttention(
                d_model, nhead, dropout, bias, batch_first=batch_first, dtype=dtype, rng=gen
            )
            setattr(self, name, attn)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype, rng=gen)
        self.dropout = Dropout(dropout, rng=gen)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype, rng=gen)
        self.norm_first = norm_first
        blocks = range(1, len(self._attentions) + 2)
        for i in blocks:
            setattr(self, f"norm{i}", LayerNorm(d_model, layer_norm_eps, bias=bias, dtype=dtype))
        for i in blocks:
            setattr(self, f"dropout{i}", Dropout(dropout, rng=gen))
        self.activation = act

    def _block(self, i: int, x: Any, fn: Callable[[Any], Any]) -> Any:
        """Block i with its residual: ``x + fn(norm_i(x))`` (norm_first) or ``norm_i(x + fn(x))``;
        fn's output goes through dropout_i."""
        norm, drop = self._modules[f"norm{i}"], self._modules[f"dropout{i}"]
        if self.norm_first:
            return x + drop(fn(norm(x)))
        return norm(x + drop(fn(x)))

    def _ff(self, x: Any) -> Any:
        return self.linear2(self.dropout(self.activation(self.linear1(x))))


def _attend(attn: MultiheadAttention, mask: Any, padding: Any, causal: Any) -> Any:
    """x, memory -> attention output, in the form ``_Layer._block`` calls."""

    def block(x: Any, memory: Any = None) -> Any:
        kv = x if memory is None else memory
        return attn(
            x, kv, kv, key_padding_mask=padding, need_weights=False, attn_mask=mask,
            is_causal=bool(causal),
        )[0]  # fmt: skip

    return block


class TransformerEncoderLayer(_Layer):
    """Self-attention and a feed-forward network, each with a residual and layer norm.

    ``src`` is (S, N, E), (N, S, E) with ``batch_first=True``, or unbatched (S, E).
    ``norm_first=True`` normalises before each block (pre-norm) instead of after.
    ``activation``: "relu", "gelu" or a callable. ``dropout`` applies to the attention
    weights, the hidden layer and both residual branches in training mode, drawn from
    ``rng`` (which also initialises the parameters). Keyword-only ``dtype`` and ``rng`` as
    every layer here; otherwise PyTorch's signature and submodule names.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> layer = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, batch_first=True, rng=0)
    >>> src = np.zeros((2, 5, 16), dtype=np.float32)
    >>> layer.eval()(src, src_key_padding_mask=np.zeros((2, 5), dtype=bool)).shape
    (2, 5, 16)
    """

    _attentions = ("self_attn",)

    def forward(
        self,
        src: Any,
        src_mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool = False,
    ) -> Any:
        x = self._block(1, src, _attend(self.self_attn, src_mask, src_key_padding_mask, is_causal))
        return self._block(2, x, self._ff)


class TransformerDecoderLayer(_Layer):
    """Self-attention over ``tgt``, attention over the encoder output ``memory``, and a
    feed-forward network, each with a residual and layer norm (PyTorch's signature and names).

    Masks as in :class:`MultiheadAttention`: ``tgt_mask`` (T, T) and ``memory_mask`` (T, S),
    ``tgt_key_padding_mask`` (N, T) and ``memory_key_padding_mask`` (N, S); the
    ``*_is_causal`` flags are hints that the matching mask is causal.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, rng=0)
    >>> tgt, memory = np.zeros((4, 3, 8), np.float32), np.ones((6, 3, 8), np.float32)
    >>> mask = nn.Transformer.generate_square_subsequent_mask(4)
    >>> layer(tgt, memory, tgt_mask=mask, tgt_is_causal=True).shape
    (4, 3, 8)
    """

    _attentions = ("self_attn", "multihead_attn")

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool = False,
        memory_is_causal: bool = False,
    ) -> Any:
        self_attn = _attend(self.self_attn, tgt_mask, tgt_key_padding_mask, tgt_is_causal)
        x = self._block(1, tgt, self_attn)
        cross = _attend(self.multihead_attn, memory_mask, memory_key_padding_mask, memory_is_causal)
        x = self._block(2, x, lambda y: cross(y, memory))
        return self._block(3, x, self._ff)


def _clones(module: Module, n: int) -> ModuleList:
    """n deep copies of module, as PyTorch (same parameters), each with its own random streams:
    a copied Generator would repeat the dropout masks of the others."""
    rngs = (getattr(m, "rng", None) for m in module.modules())
    generators = {id(g): g for g in rngs if isinstance(g, np.random.Generator)}
    return ModuleList(
        copy.deepcopy(
            module,
            {
                key: np.random.Generator(g.bit_generator.spawn(1)[0])
                for key, g in generators.items()
            },
        )
        for _ in range(n)
    )


class TransformerEncoder(Module):
    """A stack of ``num_layers`` deep copies of ``encoder_layer``, then ``norm`` if given.

    As in PyTorch, every layer starts with the same parameters (re-initialise them if that is
    not wanted); here each copy also gets its own dropout stream. ``enable_nested_tensor`` and
    ``mask_check`` are accepted for PyTorch's signature and change nothing (no nested tensors).
    ``is_causal``: a hint that ``mask`` is causal, passed to each layer.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, rng=0)
    >>> encoder = nn.TransformerEncoder(layer, num_layers=3, norm=nn.LayerNorm(8))
    >>> encoder(np.ones((5, 2, 8), dtype=np.float32)).shape, len(encoder.layers)
    ((5, 2, 8), 3)
    """

    def __init__(
        self,
        encoder_layer: Module,
        num_layers: int,
        norm: Module | None = None,
        enable_nested_tensor: bool = True,
        mask_check: bool = True,
    ) -> None:
        super().__init__()
        _check_stack("TransformerEncoder", "encoder_layer", encoder_layer, num_layers, norm)
        self.layers = _clones(encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(
        self,
        src: Any,
        mask: Any = None,
        src_key_padding_mask: Any = None,
        is_causal: bool | None = None,
    ) -> Any:
        # PyTorch detects a causal mask when is_causal is None; the hint only picks a kernel,
        # with the same result, so None counts as False.
        x = src
        for layer in self.layers:
            x = layer(
                x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                is_causal=bool(is_causal),
            )  # fmt: skip
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(Module):
    """A stack of ``num_layers`` deep copies of ``decoder_layer``, then ``norm`` if given
    (as :class:`TransformerEncoder`; each layer attends to the same ``memory``).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> decoder = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, rng=0), 2)
    >>> decoder(np.ones((4, 1, 8), np.float32), np.ones((6, 1, 8), np.float32)).shape
    (4, 1, 8)
    """

    def __init__(self, decoder_layer: Module, num_layers: int, norm: Module | None = None) -> None:
        super().__init__()
        _check_stack("TransformerDecoder", "decoder_layer", decoder_layer, num_layers, norm)
        self.layers = _clones(decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def forward(
        self,
        tgt: Any,
        memory: Any,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Any:
        x = tgt
        for layer in self.layers:
            x = layer(
                x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_key_padding_mask,
                memory_key_padding_mask=memory_key_padding_mask,
                tgt_is_causal=bool(tgt_is_causal), memory_is_causal=memory_is_causal,
            )  # fmt: skip
        return x if self.norm is None else self.norm(x)


def _check_stack(owner: str, what: str, layer: Any, num_layers: int, norm: Any) -> None:
    if not isinstance(layer, Module):
        raise TypeError(f"{owner}: {what} must be a Module, got {type(layer).__name__}")
    _positive_int(owner, num_layers=num_layers)
    if norm is not None and not isinstance(norm, Module):
        raise TypeError(f"{owner}: norm must be a Module or None, got {type(norm).__name__}")


class Transformer(Module):
    """The encoder-decoder transformer of "Attention Is All You Need", as PyTorch's.

    An encoder of ``num_encoder_layers`` layers and a decoder of ``num_decoder_layers``, each
    stack ending in a LayerNorm (or ``custom_encoder``/``custom_decoder``); every parameter
    with more than one dimension is then re-drawn Xavier-uniform, as PyTorch.
    ``forward(src, tgt, ...)`` encodes ``src`` and decodes ``tgt`` against it.

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> model = nn.Transformer(8, 2, 1, 1, dim_feedforward=16, batch_first=True, rng=0)
    >>> src, tgt = np.ones((2, 5, 8), np.float32), np.ones((2, 3, 8), np.float32)
    >>> model(src, tgt, tgt_mask=model.generate_square_subsequent_mask(3)).shape
    (2, 3, 8)
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: Activation = F.relu,
        custom_encoder: Module | None = None,
        custom_decoder: Module | None = None,
        layer_norm_eps: float = 1e-5,
        batch_first: bool = False,
        norm_first: bool = False,
        bias: bool = True,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        gen = as_rng(rng)
        args = (d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                batch_first, norm_first, bias)  # fmt: skip

        def norm() -> LayerNorm:
            return LayerNorm(d_model, layer_norm_eps, bias=bias, dtype=dtype)

        if custom_encoder is None:
            encoder_layer = TransformerEncoderLayer(*args, dtype=dtype, rng=gen)
            custom_encoder = TransformerEncoder(encoder_layer, num_encoder_layers, norm())
        if custom_decoder is None:
            decoder_layer = TransformerDecoderLayer(*args, dtype=dtype, rng=gen)
            custom_decoder = TransformerDecoder(decoder_layer, num_decoder_layers, norm())
        self.encoder, self.decoder = custom_encoder, custom_decoder
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p, rng=gen)
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first

    def forward(
        self,
        src: Any,
        tgt: Any,
        src_mask: Any = None,
        tgt_mask: Any = None,
        memory_mask: Any = None,
        src_key_padding_mask: Any = None,
        tgt_key_padding_mask: Any = None,
        memory_key_padding_mask: Any = None,
        src_is_causal: bool | None = None,
        tgt_is_causal: bool | None = None,
        memory_is_causal: bool = False,
    ) -> Any:
        ss, st = _shape(src), _shape(tgt)
        batch = 0 if self.batch_first else 1
        if len(ss) == 3 and len(st) == 3 and ss[batch] != st[batch]:
            raise ValueError(f"Transformer: src {ss} and tgt {st} differ in batch size")
        if ss[-1:] != (self.d_model,) or st[-1:] != (self.d_model,):
            raise ValueError(
                f"Transformer: src {ss} and tgt {st} must have d_model={self.d_model} features"
            )
        memory = self.encoder(
            src, mask=src_mask, src_key_padding_mask=src_key_padding_mask, is_causal=src_is_causal
        )
        return self.decoder(
            tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal,
        )  # fmt: skip

    @staticmethod
    def generate_square_subsequent_mask(sz: int, dtype: Any = None) -> np.ndarray:
        """The causal float mask (sz, sz): 0 on and below the diagonal, -inf above it.

        Example
        -------
        >>> from autograd_lite import nn
        >>> nn.Transformer.generate_square_subsequent_mask(3).tolist()
        [[0.0, -inf, -inf], [0.0, 0.0, -inf], [0.0, 0.0, 0.0]]
        """
        _positive_int("generate_square_subsequent_mask", sz=sz)
        return np.triu(np.full((sz, sz), -math.inf, dtype=dtypes.resolve(dtype)), 1)
