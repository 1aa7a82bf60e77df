"""MultiheadAttention: PyTorch's layer, parameters and layouts, built on ``F``'s attention.

The parameters carry PyTorch's names and shapes (``in_proj_weight`` (3E, E) packing the query,
key and value projections in that order, or ``q_proj_weight``/``k_proj_weight``/
``v_proj_weight`` when kdim/vdim differ from embed_dim; ``in_proj_bias`` (3E,); ``out_proj``
a Linear; ``bias_k``/``bias_v`` (1, 1, E)), so a PyTorch ``state_dict`` converted to numpy
loads by name and gives PyTorch's outputs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd_lite import dtypes, ops
from autograd_lite.core import value as _array
from autograd_lite.creation import as_rng
from autograd_lite.nn import functional as F
from autograd_lite.nn import init
from autograd_lite.nn.layer_ops import _shape
from autograd_lite.nn.layers import Linear, _positive_int
from autograd_lite.nn.module import Module
from autograd_lite.nn.parameter import Parameter

__all__ = ["MultiheadAttention"]

_NAME = "MultiheadAttention"


def _check_dropout(owner: str, p: Any) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0 <= p <= 1:
        raise ValueError(f"{owner}: dropout must be a number in [0, 1], got {p!r}")


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al. 2017) with PyTorch's signature and semantics.

    ``forward(query, key, value)`` takes (L, N, E) / (S, N, kdim) / (S, N, vdim) tensors,
    (N, L, E) ... with ``batch_first=True``, or unbatched (L, E) ...; it returns the output
    (in query's layout) and the attention weights, averaged over the heads to (N, L, S) or per
    head (N, num_heads, L, S) with ``average_attn_weights=False``; None with
    ``need_weights=False``.

    Masks, boolean (True: masked out, the inverse of ``F.scaled_dot_product_attention``) or
    floating (added to the scores): ``key_padding_mask`` (N, S) or (S,) unbatched, and
    ``attn_mask`` (L, S) or (N * num_heads, L, S). ``is_causal=True`` is a hint that
    ``attn_mask`` is the causal mask; as in PyTorch it needs that mask, and with
    ``need_weights=False`` and no key padding mask the causal mask is used in its place.

    A query that every key is masked from gets NaN output and weights with
    ``need_weights=True`` (PyTorch's explicit softmax) and zeros with ``need_weights=False``
    (PyTorch's scaled_dot_product_attention). PyTorch's inference fast path (eval mode, no
    grad, self-attention, batch_first) gives NaN in both cases; it is not reproduced.

    ``dropout`` drops attention weights in training mode, drawn from ``rng`` (which also
    initialises the parameters, as PyTorch: Xavier-uniform projections, zero biases).

    Example
    -------
    >>> import numpy as np
    >>> from autograd_lite import nn
    >>> attn = nn.MultiheadAttention(8, num_heads=2, batch_first=True, rng=0)
    >>> x = np.ones((3, 5, 8), dtype=np.float32)
    >>> out, weights = attn(x, x, x, key_padding_mask=np.array([[False] * 4 + [True]] * 3))
    >>> out.shape, weights.shape, weights.data[0, 0].round(2).tolist()
    ((3, 5, 8), (3, 5, 5), [0.25, 0.25, 0.25, 0.25, 0.0])
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        add_bias_kv: bool = False,
        add_zero_attn: bool = False,
        kdim: int | None = None,
        vdim: int | None = None,
        batch_first: bool = False,
        *,
        dtype: Any = None,
        rng: init.RNGLike = None,
    ) -> None:
        super().__init__()
        kdim = embed_dim if kdim is None else kdim
        vdim = embed_dim if vdim is None else vdim
        _positive_int(_NAME, embed_dim=embed_dim, num_heads=num_heads, kdim=kdim, vdim=vdim)
        if embed_dim % num_heads:
            raise ValueError(
                f"{_NAME}: embed_dim {embed_dim} is not divisible by num_heads {num_heads}; "
                "each head takes embed_dim // num_heads features"
            )
        _check_dropout(_NAME, dropout)
        self.embed_dim, self.kdim, self.vdim = embed_dim, kdim, vdim
        self.num_heads, self.head_dim = num_heads, embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.add_zero_attn = add_zero_attn
        self._qkv_same_embed_dim = kdim == embed_dim and vdim == embed_dim
        dtype = dtypes.resolve(dtype)
        self.rng = as_rng(rng)  # initialisation, then the dropout masks

        def param(*shape: int) -> Parameter:
            return Parameter(np.empty(shape, dtype=dtype))

        if self._qkv_same_embed_dim:
            self.in_proj_weight = param(3 * embed_dim, embed_dim)
            for name in ("q_proj_weight", "k_proj_weight", "v_proj_weight"):
                self.register_parameter(name, None)
        else:
            self.q_proj_weight = param(embed_dim, embed_dim)
            self.k_proj_weight = param(embed_dim, kdim)
            self.v_proj_weight = param(embed_dim, vdim)
            self.register_parameter("in_proj_weight", None)
        self.register_parameter("in_proj_bias", param(3 * embed_dim) if bias else None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype, rng=self.rng)
        for name in ("bias_k", "bias_v"):
            self.register_parameter(name, param(1, 1, embed_dim) if add_bias_kv else None)
        self.reset_parameters(self.rng)

    def reset_parameters(self, rng: init.RNGLike = None) -> None:
        """PyTorch's initialisation: Xavier-uniform projection weights, zero biases, Xavier-normal
        ``bias_k``/``bias_v`` (``out_proj.weight`` keeps its Linear initialisation)."""
        gen = as_rng(rng)
        for w in (self.in_proj_weight, self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
            if w is not None:
                init.xavier_uniform_(w, rng=gen)
        for b in (self.in_proj_bias, self.out_proj.bias):
            if b is not None:
                init.zeros_(b)
        for b in (self.bias_k, self.bias_v):
            if b is not None:
                init.xavier_normal_(b, rng=gen)

    def forward(
        self,
        query: Any,
        key: Any,
        value: Any,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Any, Any]:
        sq, sk, sv = _shape(query), _shape(key), _shape(value)
        batched = self._check_inputs(sq, sk, sv)
        seq = 1 if batched and self.batch_first else 0
        tgt_len, src_len = sq[seq], sk[seq]
        dtype = np.result_type(_array(query), self.out_proj.weight.data)
        # Masks become one additive float mask broadcasting to the scores (N, H, L, S) or (H, L, S).
        mask = None
        if attn_mask is not None:
            mask = self._attn_mask(attn_mask, sq, tgt_len, src_len, batched, dtype)
        if key_padding_mask is not None:
            kpm = self._padding_mask(key_padding_mask, sq, src_len, batched, dtype)
            mask = kpm if mask is None else mask + kpm
        if is_causal and attn_mask is None:
            raise ValueError(
                f"{_NAME}: is_causal=True is a hint that attn_mask is the causal mask; give "
                "that mask too (nn.Transformer.generate_square_subsequent_mask makes one)"
            )
        use_causal = is_causal and key_padding_mask is None and not need_weights
        if use_causal:  # as PyTorch: the hint replaces the mask
            mask = None

        heads = _head_axes(batched, self.batch_first)
        q, k, v = self._project(query, key, value, heads)
        extra = 0
        if self.bias_k is not None:
            lead = _shape(k)[:-2]
            k = ops.concatenate([k, _as_heads(self.bias_k, lead, self.num_heads)], axis=-2)
            v = ops.concatenate([v, _as_heads(self.bias_v, lead, self.num_heads)], axis=-2)
            extra += 1
        if self.add_zero_attn:
            zeros = np.zeros((*_shape(k)[:-2], 1, self.head_dim), dtype=dtype)
            k = ops.concatenate([k, zeros], axis=-2)
            v = ops.concatenate([v, zeros], axis=-2)
            extra += 1
        if extra and mask is not None:  # the added keys are never masked
            pad = np.zeros((*_shape(mask)[:-1], extra), dtype=np.asarray(_array(mask)).dtype)
            mask = ops.concatenate([mask, pad], axis=-1)

        p = self.dropout if self.training else 0.0
        fully_masked = "nan" if need_weights else "zero"
        out, weights = F._attention(q, k, v, mask, p, use_causal, None, self.rng, fully_masked)
        out = ops.transpose(out, _inverse(heads))  # back to query's layout, heads side by side
        out = self.out_proj(ops.reshape(out, (*sq[:-1], self.embed_dim)))
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=-3)
        return out, weights

    # -- checks and pieces of forward -----------------------------------------------------------

    def _check_inputs(self, sq: tuple[int, ...], sk: tuple[int, ...], sv: tuple[int, ...]) -> bool:
        """Whether the inputs are batched; a clear error for any mismatch."""
        layout = "(N, L, E)" if self.batch_first else "(L, N, E)"
        if len(sq) not in (2, 3) or len(sk) != len(sq) or len(sv) != len(sq):
            raise ValueError(
                f"{_NAME}: query, key and value must all be batched {layout} or all unbatched "
                f"(L, E), got shapes {sq}, {sk} and {sv}"
            )
        dims = (sq[-1], sk[-1], sv[-1])
        if dims != (self.embed_dim, self.kdim, self.vdim):
            raise ValueError(
                f"{_NAME}: query, key and value have {dims[0]}, {dims[1]} and {dims[2]} features, "
                f"expected embed_dim={self.embed_dim}, kdim={self.kdim} and vdim={self.vdim}"
            )
        if sk[:-1] != sv[:-1]:
            raise ValueError(f"{_NAME}: key {sk} and value {sv} differ in length or batch size")
        batched = len(sq) == 3
        batch_axis = 0 if self.batch_first else 1
        if batched and sq[batch_axis] != sk[batch_axis]:
            raise ValueError(f"{_NAME}: query {sq} and key {sk} differ in batch size ({layout})")
        return batched

    def _attn_mask(
        self, mask: Any, sq: tuple[int, ...], L: int, S: int, batched: bool, dtype: Any
    ) -> Any:
        shape = _shape(mask)
        n = sq[0 if self.batch_first else 1] if batched else 1
        heads = n * self.num_heads
        if shape not in ((L, S), (heads, L, S)):
            raise ValueError(
                f"{_NAME}: attn_mask must have shape ({L}, {S}) or ({heads}, {L}, {S}) "
                f"(batch size times num_heads), got {shape}"
            )
        mask = _additive(mask, "attn_mask", dtype)
        if len(shape) == 3 and batched:
            mask = ops.reshape(mask, (n, self.num_heads, L, S))
        return mask

    def _padding_mask(
        self, mask: Any, sq: tuple[int, ...], S: int, batched: bool, dtype: Any
    ) -> Any:
        shape = _shape(mask)
        want = (sq[0 if self.batch_first else 1], S) if batched else (S,)
        if shape != want:
            raise ValueError(
                f"{_NAME}: key_padding_mask must have shape {want} "
                f"({'batch size, ' if batched else ''}key length), got {shape}"
            )
        mask = _additive(mask, "key_padding_mask", dtype)
        return ops.reshape(mask, (shape[0], 1, 1, S)) if batched else mask

    def _project(self, query: Any, key: Any, value: Any, heads: tuple[int, ...]) -> list[Any]:
        """q, k, v projected and split into heads: (N, H, L, D) or (H, L, D) unbatched."""
        E, b = self.embed_dim, self.in_proj_bias
        bias = [None] * 3 if b is None else [b[:E], b[E : 2 * E], b[2 * E :]]
        if not self._qkv_same_embed_dim:
            weights = [self.q_proj_weight, self.k_proj_weight, self.v_proj_weight]
            return [
                self._split(F.linear(x, w, c), 1, heads)[0]
                for x, w, c in zip((query, key, value), weights, bias)
            ]
        w = self.in_proj_weight
        if query is key and key is value:  # self-attention: one product for all three
            return self._split(F.linear(query, w, b), 3, heads)
        q = self._split(F.linear(query, w[:E], bias[0]), 1, heads)
        if key is value:  # encoder-decoder attention: one product for key and value
            kv = None if b is None else b[E:]
            return q + self._split(F.linear(key, w[E:], kv), 2, heads)
        k = self._split(F.linear(key, w[E : 2 * E], bias[1]), 1, heads)
        return q + k + self._split(F.linear(value, w[2 * E :], bias[2]), 1, heads)

    def _split(self, x: Any, parts: int, heads: tuple[int, ...]) -> list[Any]:
        """(*prefix, parts * E) -> ``parts`` tensors laid out by ``heads``: one reshape, one
        transpose and a getitem per part."""
        prefix = _shape(x)[:-1]
        p = len(prefix)
        x = ops.reshape(x, (*prefix, parts, self.num_heads, self.head_dim))
        x = ops.transpose(x, (p, *(a if a < p else a + 1 for a in heads)))
        return [x[i] for i in range(parts)]

    def extra_repr(self) -> str:
        extra = "" if self._qkv_same_embed_dim else f", kdim={self.kdim}, vdim={self.vdim}"
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, dropout={self.dropout}"
            f"{extra}, batch_first={self.batch_first}"
        )


def _head_axes(batched: bool, batch_first: bool) -> tuple[int, ...]:
    """The permutation of (*prefix, H, D) into (N, H, L, D), or (H, L, D) unbatched."""
    if not batched:
        return (1, 0, 2)
    return (0, 2, 1, 3) if batch_first else (1, 2, 0, 3)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(int(a) for a in np.argsort(axes))


def _as_heads(bias: Any, lead: tuple[int, ...], num_heads: int) -> Any:
    """A (1, 1, E) bias as one more key of each head: (*lead, 1, head_dim) with lead[-1] = H."""
    head_dim = _shape(bias)[-1] // num_heads
    per_head = ops.reshape(bias, (num_heads, 1, head_dim))
    return ops.broadcast_to(per_head, (*lead, 1, head_dim))


def _additive(mask: Any, name: str, dtype: Any) -> Any:
    """A boolean mask (True: masked) as 0 / -inf in ``dtype``; a float mask in ``dtype``."""
    kind = F._check_mask(_NAME, name, mask)
    if kind == np.bool_:
        return np.where(np.asarray(_array(mask)), -math.inf, 0.0).astype(dtype)
    return mask if kind == dtype else ops.astype(mask, dtype)
