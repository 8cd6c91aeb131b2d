"""The engine: the frozen model, its tokenizer and the memory reader, turning questions and
packed memories into answers.

One engine serves many memories (a server's tenants share it). A reader
attaches to the model for the length of one generate call, so generations run
one at a time; several questions asked together go through one batched call
(:meth:`Engine.answer` takes lists), which is how a server serves concurrent asks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hei_nw.api.checks import check_question_tokens
from hei_nw.api.defaults import DEFAULTS, MemorySettings
from hei_nw.models import (
    DEFAULT_MODEL,
    Generation,
    LoadedModel,
    MemoryReader,
    ReaderError,
    build_prompt,
    generate_batch,
    load_memory_reader,
    load_model,
    reader_folder,
    shipped_reader_path,
    silence_progress_bars,
)
from hei_nw.models.shipped import DEFAULT_SPAN_READER
from hei_nw.models.span_reader import SPAN_WEIGHTS_NAME, SpanReader
from hei_nw.models.span_reading import SpanAnswer, answer_from_episodes
from hei_nw.pack import Episode, pack_episodes


class Engine:
    """A loaded model and reader; :meth:`answer` is the whole read path."""

    def __init__(
        self,
        loaded: LoadedModel,
        reader: MemoryReader | None,
        settings: MemorySettings,
        span_reader: SpanReader | None = None,
    ) -> None:
        self.loaded = loaded
        self.reader = reader
        self.span_reader = span_reader
        self.settings = settings
        self._generating = threading.RLock()  # re-entered under consolidated()

    @classmethod
    def load(cls, settings: MemorySettings = DEFAULTS, device: str | None = None) -> Engine:
        """The model and reader ``settings`` name (the reader path is checked first: a wrong
        path costs a second, not the model's load)."""
        if settings.answers == "span":
            return cls._load_span(settings, device)
        path = reader_folder(settings.read.reader, settings.model)
        if path is None:
            raise ValueError(
                f"no shipped reader for {settings.model!r}; pass a saved reader's folder"
            )
        silence_progress_bars()  # a user asking a question wants the answer, not load bars
        loaded = load_model(settings.model, device=device)
        reader = load_memory_reader(loaded.model, path, revision=loaded.revision)
        return cls(loaded, reader, settings)

    @classmethod
    def _load_span(cls, settings: MemorySettings, device: str | None) -> Engine:
        folder = (
            Path(settings.span_reader)
            if settings.span_reader != "default"
            else shipped_reader_path(DEFAULT_SPAN_READER)
        )
        if settings.span_reader == "default" and settings.model != DEFAULT_MODEL:
            raise ValueError(f"no shipped span reader for {settings.model!r}; pass a saved one")
        if not (folder / SPAN_WEIGHTS_NAME).is_file():
            raise ReaderError(f"{folder} is not a saved span reader (no {SPAN_WEIGHTS_NAME})")
        silence_progress_bars()
        loaded = load_model(settings.model, device=device)
        span = SpanReader.from_pretrained(folder, int(loaded.model.config.hidden_size))
        return cls(loaded, None, settings, span_reader=span)

    def read_spans(
        self, questions: Sequence[str], episodes: Sequence[Sequence[Episode]]
    ) -> list[SpanAnswer]:
        """For each question, the best exact span of its recalled episodes (each packed
        alone, as the span reader was trained), or ``text=None``: not in memory."""
        assert self.span_reader is not None, "this engine reads with the copy-head reader"
        cap = self.settings.read.memory_cap
        with self._generating:
            return [
                answer_from_episodes(
                    self.span_reader,
                    self.loaded.model,
                    self.tokenizer,
                    question,
                    [pack_episodes([e], self.tokenizer, cap) for e in found],
                    self.settings.span_threshold,
                )
                for question, found in zip(questions, episodes, strict=True)
            ]

    @property
    def tokenizer(self) -> Any:
        return self.loaded.tokenizer

    @contextmanager
    def consolidated(self, lora: Path | None) -> Iterator[None]:
        """A memory's consolidated LoRA on the model for the length of the block (``None``:
        the bare base). PEFT wraps the base's layers in place and ``unload`` puts them back,
        so every other read - another tenant's, the next ask - sees the base exactly
        (tested with ``torch.equal``). Reads wait while a LoRA is on."""
        if lora is None:
            yield
            return
        from hei_nw.consolidate import load_lora  # PEFT: only for a consolidated memory

        with self._generating:
            peft = load_lora(self.loaded.model, lora)
            try:
                yield
            finally:
                peft.unload()

    @contextmanager
    def consolidating(self) -> Iterator[None]:
        """Hold the model while consolidation trains a LoRA on it in place (no read runs
        until the LoRA is unloaded)."""
        with self._generating:
            yield

    def answer_closed_book(self, questions: Sequence[str], lora: Path) -> list[Generation]:
        """Answers from the consolidated weights alone: the no-notes prompt, no memory (B3)."""
        with self.consolidated(lora):
            return generate_batch(
                [build_prompt(question) for question in questions],
                max_new_tokens=self.settings.read.max_new_tokens,
                stop=list(self.settings.read.stop),
                model=self.loaded.model,
                tokenizer=self.tokenizer,
                chat=self.settings.read.chat,
            )

    def check_question(self, question: str, max_tokens: int) -> None:
        """Refuse (one line) a question longer than ``max_tokens`` of this model's tokens."""
        tokens = len(self.tokenizer(question, add_special_tokens=False)["input_ids"])
        check_question_tokens(tokens, max_tokens)

    def pack(self, episodes: Sequence[Episode]) -> list[int]:
        """Recalled episodes (traces or texts), best first, as one memory within the budget."""
        assert self.reader is not None, "this engine reads with the span reader"
        cap = self.reader.config.max_mem_tokens or self.settings.read.memory_cap
        return pack_episodes(episodes, self.tokenizer, cap)

    def answer(
        self,
        questions: Sequence[str],
        memories: Sequence[Sequence[int]],
        stream: Callable[[str], None] | None = None,
    ) -> list[Generation]:
        """Answers to ``questions``, each reading its memory, in one batched generate call
        (the harness's B1 call: the no-notes prompt, chat template, greedy). ``stream``
        (one question only) receives the answer's text as it is generated."""
        assert self.reader is not None, "this engine reads with the span reader"
        if stream is not None and len(questions) != 1:
            raise ValueError("streaming answers one question at a time")
        extra: dict[str, Any] = {}
        if stream is not None:
            extra["streamer"] = TextSink(self.tokenizer, stream, self.settings.read.stop)
        with self._generating:
            return generate_batch(
                [build_prompt(question) for question in questions],
                max_new_tokens=self.settings.read.max_new_tokens,
                stop=list(self.settings.read.stop),
                model=self.loaded.model,
                tokenizer=self.tokenizer,
                chat=self.settings.read.chat,
                adapter=self.reader,
                mem_tokens=[list(m) for m in memories],
                **extra,
            )


class TextSink:
    """A transformers streamer: passes each new piece of answer text to ``write``, up to
    the first stop string (what the final answer keeps)."""

    def __init__(self, tokenizer: Any, write: Callable[[str], None], stop: Sequence[str]) -> None:
        self.tokenizer, self.write, self.stop = tokenizer, write, tuple(stop)
        self._ids: list[int] = []
        self._shown = 0
        self._prompt_seen = False
        self._done = False

    def put(self, value: Any) -> None:
        if not self._prompt_seen:  # generate passes the prompt first
            self._prompt_seen = True
            return
        if self._done:
            return
        self._ids += [int(i) for i in value.reshape(-1).tolist()]
        text = self.tokenizer.decode(self._ids, skip_special_tokens=True).lstrip()
        cuts = [text.index(s) for s in self.stop if s in text]
        if cuts:
            text, self._done = text[: min(cuts)], True
        if len(text) > self._shown:
            self.write(text[self._shown :])
            self._shown = len(text)

    def end(self) -> None:
        self._done = True
