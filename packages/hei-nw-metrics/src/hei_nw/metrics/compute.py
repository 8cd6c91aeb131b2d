"""Compute and memory footprint estimates for a generation.

Attention FLOPs count only the two attention matmuls (scores ``QK^T`` and the
weighted sum ``AV``), each ``2 * d_model`` FLOPs per (query, key) pair per
layer, because that is the part that grows with context length and what
separates long-context prompting from memory reads:

    prefill  = sum over prompt positions i of 4 * d_model * i * n_layers
             = 2 * d_model * n_layers * P * (P + 1)
    decode   = sum over generated tokens j of 4 * d_model * (P + j) * n_layers

KV-cache bytes are ``2 (K and V) * tokens * n_layers * n_kv_heads * head_dim *
bytes_per_element``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ATTENTION_FLOPS_FORMULA = (
    "attention_flops = 4*d_model*n_layers*(sum_{i=1..P} i + sum_{j=1..G} (P+j)) "
    "(QK^T and AV matmuls only; P prompt tokens, G generated tokens)"
)
KV_BYTES_FORMULA = "kv_bytes = 2*tokens*n_layers*n_kv_heads*head_dim*bytes_per_element"

_DTYPE_BYTES = {"float32": 4, "bfloat16": 2, "float16": 2, "int8": 1}


def estimate_attention_flops(
    prompt_toks: int, gen_toks: int, n_layers: int, d_model: int, heads: int
) -> int:
    """Attention-matmul FLOPs for a prompt of ``prompt_toks`` and ``gen_toks`` new tokens.

    ``heads`` does not change the count (heads split ``d_model``) but is taken so
    callers pass the full geometry and a wrong split is caught.
    """
    if min(prompt_toks, gen_toks, n_layers, d_model) < 0 or heads <= 0:
        raise ValueError("token counts and geometry must be non-negative, heads positive")
    if d_model % heads:
        raise ValueError(f"d_model ({d_model}) must be divisible by heads ({heads})")
    prefill_pairs = prompt_toks * (prompt_toks + 1) // 2
    decode_pairs = gen_toks * prompt_toks + gen_toks * (gen_toks + 1) // 2
    return 4 * d_model * n_layers * (prefill_pairs + decode_pairs)


def dtype_bytes(dtype: object) -> int:
    name = str(dtype).removeprefix("torch.")
    if name not in _DTYPE_BYTES:
        raise ValueError(f"unknown dtype {dtype!r}; known: {', '.join(_DTYPE_BYTES)}")
    return _DTYPE_BYTES[name]


def estimate_kv_bytes(
    tokens: int, n_layers: int, n_kv_heads: int, head_dim: int, dtype: object
) -> int:
    """Bytes of KV cache holding ``tokens`` positions."""
    if min(tokens, n_layers, n_kv_heads, head_dim) < 0:
        raise ValueError("tokens and geometry must be non-negative")
    return 2 * tokens * n_layers * n_kv_heads * head_dim * dtype_bytes(dtype)


@dataclass(frozen=True)
class ComputeRecord:
    """Footprint of one generation; every key is always present in ``as_dict``."""

    prompt_tokens: int
    generated_tokens: int
    attention_flops: int
    kv_cache_bytes: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ModelGeometry:
    """What the estimates need to know about a model."""

    n_layers: int
    d_model: int
    heads: int
    n_kv_heads: int
    dtype: str

    @classmethod
    def from_config(cls, config: Any, dtype: object) -> ModelGeometry:
        """Read the geometry from a HuggingFace config (GPT-2 style names map too)."""
        heads = int(config.num_attention_heads)
        return cls(
            n_layers=int(config.num_hidden_layers),
            d_model=int(config.hidden_size),
            heads=heads,
            n_kv_heads=int(getattr(config, "num_key_value_heads", None) or heads),
            dtype=str(dtype).removeprefix("torch."),
        )

    @property
    def head_dim(self) -> int:
        return self.d_model // self.heads

    def footprint(self, prompt_tokens: int, generated_tokens: int) -> ComputeRecord:
        return ComputeRecord(
            prompt_tokens=prompt_tokens,
            generated_tokens=generated_tokens,
            attention_flops=estimate_attention_flops(
                prompt_tokens, generated_tokens, self.n_layers, self.d_model, self.heads
            ),
            kv_cache_bytes=estimate_kv_bytes(
                prompt_tokens + generated_tokens,
                self.n_layers,
                self.n_kv_heads,
                self.head_dim,
                self.dtype,
            ),
        )
