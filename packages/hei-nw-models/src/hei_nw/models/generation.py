"""Generate from a loaded model, in batches, optionally reading memory tokens.

Generation is greedy unless ``do_sample`` is set. With ``mem_tokens`` None or
empty the call is exactly the base model's (B0) call, adapter or not; with
memory tokens and an adapter or reader, the reader reads them inside the model
(:mod:`hei_nw.models.reading`). Stop strings are checked on the new text only:
transformers' own ``stop_strings`` also match a string that spans the prompt's
end (a prompt ending in a newline, then a first new newline), which ends rows
this module's finish parser would not call stopped, so it does not give the
same results.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, Literal, TypedDict

import torch

from hei_nw.adapter import EpisodicAdapter
from hei_nw.models.loading import resolve_model
from hei_nw.models.read_path import warn_if_gates_closed
from hei_nw.models.reader import MemoryReader
from hei_nw.models.reading import drop_empty_rows, prepare_reader_memory, reader_attached

FinishReason = Literal["eos", "stop", "length"]


class Generation(TypedDict):
    """One generation: the text, token counts and why it ended."""

    text: str
    prompt_tokens: int
    generated_tokens: int
    finish_reason: FinishReason


def encode_prompt(tokenizer: Any, prompt: str, chat: bool | None = None) -> list[int]:
    """Token ids for ``prompt``; wrapped in the chat template when ``chat`` is True,
    or when it is None and the tokenizer has a template."""
    use_chat = bool(getattr(tokenizer, "chat_template", None)) if chat is None else chat
    if use_chat:
        messages = [{"role": "user", "content": prompt}]
        text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])
    return list(tokenizer(prompt)["input_ids"])


def generate_batch(
    prompts: Sequence[str],
    max_new_tokens: int = 128,
    temperature: float = 0.2,
    top_p: float = 0.9,
    do_sample: bool = False,
    stop: Sequence[str] | None = None,
    *,
    mem_tokens: Sequence[Sequence[int] | None] | None = None,
    adapter: EpisodicAdapter | MemoryReader | None = None,
    model: Any = None,
    tokenizer: Any = None,
    chat: bool | None = None,
    **kwargs: Any,
) -> list[Generation]:
    """Generate completions for several prompts at once (left padding + attention mask).

    Gives the same texts as one call per prompt. ``stop`` strings end a row's
    generation and are cut from its text; EOS always ends it. ``temperature``
    and ``top_p`` apply only when ``do_sample`` is True. ``mem_tokens`` holds one
    memory token list (or None) per prompt; rows with memory are read through
    ``adapter``. Extra ``kwargs`` go to ``model.generate`` (e.g. ``num_beams``).
    """
    model, tokenizer = resolve_model(model, tokenizer)
    if not prompts:
        return []
    memory_rows = _check_memory(mem_tokens, len(prompts), adapter, model)
    encoded = [encode_prompt(tokenizer, p, chat) for p in prompts]
    pad_id = _pad_id(tokenizer, model)
    input_ids, attention_mask = _left_pad(encoded, pad_id, next(model.parameters()).device)
    eos_ids = _eos_ids(tokenizer, model)

    settings = _generate_settings(max_new_tokens, do_sample, temperature, top_p, pad_id, eos_ids)
    if stop:
        settings["stopping_criteria"] = _stopping(tokenizer, stop, input_ids.shape[1])
    settings.update(kwargs)
    reading = _reading(model, adapter, memory_rows, pad_id, encoded)
    with torch.no_grad(), reading:
        output = model.generate(input_ids=input_ids, attention_mask=attention_mask, **settings)
    new_tokens = output[:, input_ids.shape[1] :].tolist()
    per_prompt = len(new_tokens) // len(prompts)
    return [
        _finish(tokenizer, row, len(encoded[i // per_prompt]), eos_ids, stop, max_new_tokens)
        for i, row in enumerate(new_tokens)
    ]


def _generate_settings(
    max_new_tokens: int,
    do_sample: bool,
    temperature: float,
    top_p: float,
    pad_id: int,
    eos_ids: Any,
) -> dict[str, Any]:
    """``model.generate``'s keyword arguments (sampling settings only when sampling)."""
    settings: dict[str, Any] = {
        "max_new_tokens": max_new_tokens,
        "do_sample": do_sample,
        "pad_token_id": pad_id,
        "eos_token_id": eos_ids,
    }
    if do_sample:
        settings.update(temperature=temperature, top_p=top_p)
    return settings


def _stopping(tokenizer: Any, stop: Sequence[str], prompt_width: int) -> Any:
    """Stopping criteria that end a row at any of ``stop``."""
    from transformers import StoppingCriteriaList

    return StoppingCriteriaList([_StopOnStrings(tokenizer, list(stop), prompt_width)])


def _reading(
    model: Any,
    adapter: EpisodicAdapter | MemoryReader | None,
    memory_rows: list[list[int]] | None,
    pad_id: int,
    encoded: list[list[int]],
) -> Any:
    """The context in which generation reads memory: the reader attached over the rows'
    prepared memory (rows without memory left out), or nothing."""
    if memory_rows is None or adapter is None:
        return contextlib.nullcontext()
    reader = (
        adapter if isinstance(adapter, MemoryReader) else MemoryReader.from_adapter(adapter, model)
    )
    warn_if_gates_closed(reader)
    with torch.no_grad():
        memory = prepare_reader_memory(
            model, reader, [r or [pad_id] for r in memory_rows], pad_id, cue_ids=encoded
        )
    memory = drop_empty_rows(memory, [bool(r) for r in memory_rows])
    return reader_attached(model, reader, memory)


def _check_memory(
    mem_tokens: Sequence[Sequence[int] | None] | None,
    n_prompts: int,
    adapter: EpisodicAdapter | MemoryReader | None,
    model: Any,
) -> list[list[int]] | None:
    """Validate memory tokens; None when no prompt has any (the exact B0 path)."""
    if mem_tokens is None:
        return None
    if len(mem_tokens) != n_prompts:
        raise ValueError(f"mem_tokens has {len(mem_tokens)} rows for {n_prompts} prompts")
    vocab = int(model.get_input_embeddings().weight.shape[0])
    rows: list[list[int]] = []
    for row in mem_tokens:
        tokens = list(row or [])
        for token in tokens:
            if isinstance(token, bool) or not isinstance(token, int):
                raise ValueError(f"mem_tokens must be ints, got {token!r} ({type(token).__name__})")
            if not 0 <= token < vocab:
                raise ValueError(f"mem_tokens id {token} is outside the vocabulary [0, {vocab})")
        rows.append(tokens)
    if not any(rows):
        return None
    if adapter is None:
        raise ValueError("mem_tokens were given without an adapter to read them")
    return rows


def _pad_id(tokenizer: Any, model: Any) -> int:
    for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id, model.config.eos_token_id):
        if isinstance(candidate, int):
            return candidate
    return 0


def _eos_ids(tokenizer: Any, model: Any) -> list[int]:
    ids: set[int] = set()
    for source in (tokenizer.eos_token_id, model.generation_config.eos_token_id):
        if isinstance(source, int):
            ids.add(source)
        elif isinstance(source, list):
            ids.update(int(i) for i in source)
    return sorted(ids)


def _left_pad(
    rows: list[list[int]], pad_id: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, width - len(row) :] = torch.tensor(row, dtype=torch.long)
        mask[i, width - len(row) :] = 1
    return ids.to(device), mask.to(device)


class _StopOnStrings:
    """Stopping criterion: a row is done once its new text contains a stop string."""

    def __init__(self, tokenizer: Any, stops: list[str], prompt_len: int) -> None:
        self.tokenizer = tokenizer
        self.stops = stops
        self.prompt_len = prompt_len

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        texts = self.tokenizer.batch_decode(
            input_ids[:, self.prompt_len :], skip_special_tokens=True
        )
        done = [any(s in text for s in self.stops) for text in texts]
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


def _finish(
    tokenizer: Any,
    row: list[int],
    prompt_tokens: int,
    eos_ids: list[int],
    stop: Sequence[str] | None,
    max_new_tokens: int,
) -> Generation:
    """Cut a generated row at EOS or the first stop string and say why it ended."""
    reason: FinishReason = "length"
    for position, token in enumerate(row):
        if token in eos_ids:
            row = row[: position + 1]
            reason = "eos"
            break
    text = tokenizer.decode(row, skip_special_tokens=True)
    cuts = [text.index(s) for s in stop or () if s in text]
    if cuts:
        text = text[: min(cuts)]
        reason = "stop"
    return Generation(
        text=text.strip(),
        prompt_tokens=prompt_tokens,
        generated_tokens=len(row),
        finish_reason=reason,
    )
