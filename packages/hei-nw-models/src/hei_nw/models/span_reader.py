"""The span reader: answers with an exact span of a recalled episode, or "not in memory".

The copy head emits an answer token by token and has no notion of where a value
ends. This reader chooses a start and an end inside one episode in a single pass and
hands back those tokens verbatim; or it chooses the null answer, "not in memory".

What it reads: the frozen base's hidden states of the episode's tokens, computed with
the question placed before the episode (``Question: ...`` then the episode), so each
memory token has seen the question (:mod:`hei_nw.models.span_reading` builds them).
On top, small trainable layers in build-up order:

1. a learned mix of the states of a few blocks (softmax weights, one per block);
2. a projection to ``width`` plus two lexical-match features (does this token occur in
   the question, exactly / lower-cased);
3. ``layers`` transformer layers in which memory tokens attend to each other in both
   directions and to the question's tokens (``nn.TransformerDecoderLayer`` with no
   causal mask: self-attention over memory, cross-attention to the question);
4. start and end logits per token, and a null logit each for "not in memory".

The base is never edited: the reader only reads states it is given.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import Tensor, nn

from hei_nw.models.reader_config import ReaderError
from hei_nw.models.saving import save_weights_and_config

SPAN_CONFIG_NAME = "span_reader.json"
SPAN_WEIGHTS_NAME = "span_reader.safetensors"
SPAN_FORMAT = "hei-nw-span-reader/1"
MATCH_FEATURES = 2
"""Per memory token: occurs in the question exactly (same id), lower-cased (same text)."""


@dataclass(frozen=True)
class SpanReaderConfig:
    """A span reader's shape and what it was built for.

    ``blocks`` are the base's block indices whose outputs are read (0 = the first block).
    Defaults, with reasons: blocks 10/16/22 of SmolLM2's 30 (a mid-stack mix; a CPU
    trial read blocks 16 and 30 and found the answer's region but not its edges, and
    stopping the base at block 22 saves a quarter of each read); width 256 and two
    layers (the trial's size: 2.8M weights, an epoch of 6,000 questions in minutes on
    2 cores); spans of at most 30 tokens (SQuAD answers are a few words; notes' codes
    and addresses reach about 20 tokens).
    """

    host_width: int
    blocks: tuple[int, ...] = (10, 16, 22)
    width: int = 256
    layers: int = 2
    heads: int = 4
    max_span: int = 30
    dropout: float = 0.1
    format: str = SPAN_FORMAT

    def __post_init__(self) -> None:
        if not self.blocks or any(b < 0 for b in self.blocks):
            raise ReaderError(f"span reader blocks must be block indices >= 0, got {self.blocks}")
        if self.width % self.heads:
            raise ReaderError(f"width {self.width} is not a multiple of heads {self.heads}")


class BlockMix(nn.Module):
    """States of K blocks -> one width-``width`` state per token (learned block weights)."""

    def __init__(self, config: SpanReaderConfig) -> None:
        super().__init__()
        self.weights = nn.Parameter(torch.zeros(len(config.blocks)))
        self.norm = nn.LayerNorm(config.host_width)
        self.project = nn.Linear(config.host_width, config.width)

    def forward(self, states: Tensor) -> Tensor:  # (B, T, K, H) -> (B, T, W)
        mix = torch.softmax(self.weights, dim=0)  # (K,)
        mixed = (self.norm(states.float()) * mix[:, None]).sum(dim=2)  # (B, T, H)
        projected: Tensor = self.project(mixed)  # (B, T, W)
        return projected


class SpanReader(nn.Module):
    """Start, end and null logits for a question over one episode's memory states."""

    def __init__(self, config: SpanReaderConfig) -> None:
        super().__init__()
        self.config = config
        self.mix = BlockMix(config)
        self.match = nn.Linear(MATCH_FEATURES, config.width)
        self.layers = nn.ModuleList(
            nn.TransformerDecoderLayer(
                config.width,
                config.heads,
                dim_feedforward=4 * config.width,
                dropout=config.dropout,
                batch_first=True,
                norm_first=True,
            )
            for _ in range(config.layers)
        )
        self.norm = nn.LayerNorm(config.width)
        self.start_end = nn.Linear(config.width, 2)
        self.null = nn.Linear(2 * config.width, 2)

    def forward(
        self,
        memory: Tensor,  # (B, T, K, H) the episode's states
        memory_mask: Tensor,  # (B, T) True where a real token
        match: Tensor,  # (B, T, 2) lexical match features
        question: Tensor,  # (B, Q, K, H) the question's states
        question_mask: Tensor,  # (B, Q)
    ) -> tuple[Tensor, Tensor]:
        """(start, end) logits, each (B, T + 1): the last column is "not in memory"."""
        h = self.mix(memory) + self.match(match.float())  # (B, T, W)
        q = self.mix(question)  # (B, Q, W)
        for layer in self.layers:
            h = layer(
                h, q, tgt_key_padding_mask=~memory_mask, memory_key_padding_mask=~question_mask
            )
        h = self.norm(h)
        logits = self.start_end(h).masked_fill(~memory_mask[..., None], -1e4)  # (B, T, 2)
        keep = memory_mask[..., None].float()
        mean = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)  # (B, W)
        peak = h.masked_fill(~memory_mask[..., None], -1e4).amax(1)  # (B, W)
        null = self.null(torch.cat([mean, peak], dim=-1))  # (B, 2)
        start = torch.cat([logits[..., 0], null[:, :1]], dim=1)  # (B, T + 1)
        end = torch.cat([logits[..., 1], null[:, 1:]], dim=1)  # (B, T + 1)
        return start, end

    def save_pretrained(
        self, folder: str | Path, record: dict[str, object] | None = None, half: bool = False
    ) -> None:
        """``span_reader.json`` (config and training record) and the safetensors weights
        (``half``: stored in float16, half the size; loading computes in float32 again)."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        dtype = torch.float16 if half else torch.float32
        weights = {k: v.to(dtype) for k, v in self.state_dict().items()}
        config = {**asdict(self.config), "record": record or {}}
        save_weights_and_config(out, weights, SPAN_WEIGHTS_NAME, config, SPAN_CONFIG_NAME)

    @classmethod
    def from_pretrained(cls, folder: str | Path, host_width: int | None = None) -> SpanReader:
        """A saved span reader; one line if it is missing or was built for another width."""
        path = Path(folder)
        if not (path / SPAN_CONFIG_NAME).is_file() or not (path / SPAN_WEIGHTS_NAME).is_file():
            raise ReaderError(
                f"{path} is not a saved span reader (needs {SPAN_CONFIG_NAME} and "
                f"{SPAN_WEIGHTS_NAME})"
            )
        saved = json.loads((path / SPAN_CONFIG_NAME).read_text())
        saved.pop("record", None)
        if saved.get("format") != SPAN_FORMAT:
            raise ReaderError(f"{path} holds format {saved.get('format')!r}, not {SPAN_FORMAT}")
        config = SpanReaderConfig(**{**saved, "blocks": tuple(saved["blocks"])})
        if host_width is not None and config.host_width != host_width:
            raise ReaderError(
                f"{path} was built for a base of width {config.host_width}, not {host_width}"
            )
        reader = cls(config)
        reader.load_state_dict(load_file(path / SPAN_WEIGHTS_NAME))
        return reader.eval()


@dataclass(frozen=True)
class SpanChoice:
    """The best span of one episode: token positions [start, end] and its margin over
    "not in memory" (positive: the span wins)."""

    start: int
    end: int
    margin: float


def best_span(start: Tensor, end: Tensor, length: int, max_span: int) -> SpanChoice:
    """The highest start+end score over spans of at most ``max_span`` tokens in the first
    ``length`` positions, against the null score (start and end are (T + 1,) logits)."""
    s = torch.log_softmax(start.float(), dim=0)
    e = torch.log_softmax(end.float(), dim=0)
    pair = s[:length, None] + e[None, :length]  # (T, T)
    allowed = torch.triu(torch.ones(length, length, dtype=torch.bool))
    allowed &= ~torch.triu(allowed, diagonal=max_span)
    pair = pair.masked_fill(~allowed, float("-inf"))
    flat = int(torch.argmax(pair))
    i, j = divmod(flat, length)
    null = float(s[-1] + e[-1])
    return SpanChoice(start=i, end=j, margin=float(pair[i, j]) - null)


__all__ = [
    "MATCH_FEATURES",
    "BlockMix",
    "SpanChoice",
    "SpanReader",
    "SpanReaderConfig",
    "best_span",
]
