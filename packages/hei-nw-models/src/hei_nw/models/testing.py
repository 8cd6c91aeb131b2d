"""Seeded tiny random-weight models for fast tests and benchmarks (no download).

All share the real SmolLM2 tokenizer, so prompts, chat templates and memory
tokens behave as with the default model while a forward pass costs microseconds.
Random weights produce arbitrary but deterministic text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import torch

from hei_nw.models import smollm2
from hei_nw.models.seed import set_seed

TINY_ARCHITECTURES = ("gpt2", "llama", "qwen2", "mistral", "gpt_neox", "opt", "phi")
"""Architectures :func:`tiny_model` can build; each stores its blocks differently."""


@cache
def shared_tokenizer() -> Any:
    """The SmolLM2 tokenizer (from the converted default model), loaded once."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(smollm2.ensure_converted())


def tiny_config(arch: str, vocab_size: int, **overrides: Any) -> Any:
    """A small config of ``arch``: 4 layers, hidden 64, 4 heads (2 KV heads where supported)."""
    from transformers import (
        GPT2Config,
        GPTNeoXConfig,
        LlamaConfig,
        MistralConfig,
        OPTConfig,
        PhiConfig,
        Qwen2Config,
    )

    common: dict[str, Any] = {"vocab_size": vocab_size, "bos_token_id": 1, "eos_token_id": 2}
    gqa = {
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 1024,
    }
    configs: dict[str, Any] = {
        # The shape of sshleifer/tiny-gpt2, with a few more layers for placement tests.
        "gpt2": lambda: GPT2Config(n_embd=64, n_layer=4, n_head=4, n_positions=1024, **common),
        "llama": lambda: LlamaConfig(**gqa, **common),
        "qwen2": lambda: Qwen2Config(**gqa, **common),
        "mistral": lambda: MistralConfig(**gqa, **common),
        "gpt_neox": lambda: GPTNeoXConfig(
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=4,
            num_attention_heads=4,
            max_position_embeddings=1024,
            **common,
        ),
        "opt": lambda: OPTConfig(
            hidden_size=64,
            ffn_dim=128,
            num_hidden_layers=4,
            num_attention_heads=4,
            word_embed_proj_dim=64,
            max_position_embeddings=1024,
            **common,
        ),
        "phi": lambda: PhiConfig(
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=4,
            num_attention_heads=4,
            max_position_embeddings=1024,
            **common,
        ),
    }
    if arch not in configs:
        raise ValueError(f"unknown tiny architecture {arch!r}; choose from {TINY_ARCHITECTURES}")
    config = configs[arch]()
    for key, value in overrides.items():
        setattr(config, key, value)
    return config


def tiny_model(arch: str = "llama", seed: int = 0, **overrides: Any) -> Any:
    """A seeded random-weight causal LM of ``arch`` in eval mode on CPU (fp32)."""
    from transformers import AutoModelForCausalLM

    config = tiny_config(arch, vocab_size=len(shared_tokenizer()), **overrides)
    set_seed(seed)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    return model.eval()


def qwen25_05b_shaped_model(seed: int = 0) -> Any:
    """A random-weight model with Qwen2.5-0.5B's geometry (24 layers, hidden 896,
    14 heads, 2 KV heads, vocab 151936) for benchmarks; about 0.5 B parameters."""
    from transformers import AutoModelForCausalLM, Qwen2Config

    config = Qwen2Config(
        vocab_size=151936,
        hidden_size=896,
        intermediate_size=4864,
        num_hidden_layers=24,
        num_attention_heads=14,
        num_key_value_heads=2,
        max_position_embeddings=32768,
        tie_word_embeddings=True,
        rms_norm_eps=1e-6,
    )
    set_seed(seed)
    return AutoModelForCausalLM.from_config(config, dtype=torch.float32).eval()


def save_tiny_model_and_reader(folder: Path) -> tuple[Path, Path]:
    """A tiny random llama (with the shared tokenizer) and a fresh copy-head reader for it,
    saved as ``folder/model`` and ``folder/reader``: folders anything that loads real
    models and readers by path (the API, the server) can load."""
    from hei_nw.models.reader import build_memory_reader

    model = tiny_model("llama")
    model.save_pretrained(folder / "model")
    tokenizer = shared_tokenizer()
    tokenizer.save_pretrained(folder / "model")
    opener = tuple(tokenizer("<episodic>", add_special_tokens=False)["input_ids"])
    build_memory_reader(model, copy=True, trace_opener_ids=opener).save_pretrained(
        folder / "reader"
    )
    return folder / "model", folder / "reader"


def overfit_span_reader(
    reader: Any, items: Sequence[Any], spans: Sequence[tuple[int, int] | None], steps: int = 150
) -> None:
    """Train a span reader on a few (question, episode) reads until it answers them: a real
    training signal, small enough for a test (``None``: the answer is not in that episode)."""
    from hei_nw.models.span_reading import collate

    batch = collate(items)
    null = batch["memory"].shape[1]
    target_start = torch.tensor([null if s is None else s[0] for s in spans])
    target_end = torch.tensor([null if s is None else s[1] for s in spans])
    optimizer = torch.optim.Adam(reader.parameters(), lr=3e-3)
    reader.train()
    for _ in range(steps):
        start, end = reader(**batch)
        loss = torch.nn.functional.cross_entropy(start, target_start)
        loss = loss + torch.nn.functional.cross_entropy(end, target_end)
        optimizer.zero_grad()
        loss.backward()  # type: ignore[no-untyped-call]
        optimizer.step()
    reader.eval()
