"""Micro-batching: asks that arrive together are answered by one generate call.

Each ask is queued with a future; one worker thread takes the first waiting
ask, gathers whatever else arrives within ``window_s`` (up to ``max_batch``),
and answers them all through :func:`hei_nw.api.answer_together` - one batched
generate call, across tenants, since they share the engine.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from hei_nw.api import Answer, Engine, Memory, answer_together
from hei_nw.api.checks import check_question

_Ask = tuple[Memory, str, "int | None", "Future[Answer]"]


class AskBatcher:
    """A worker thread answering queued asks in batches."""

    def __init__(
        self,
        engine: Engine,
        max_batch: int = 16,
        window_s: float = 0.01,
        on_batch: Callable[[int], None] | None = None,
        on_answered: Callable[[float], None] | None = None,
    ) -> None:
        self.engine, self.max_batch, self.window_s = engine, max_batch, window_s
        self.on_batch, self.on_answered = on_batch, on_answered
        self._busy_since: float | None = None
        self._queue: queue.Queue[_Ask | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="ask-batcher", daemon=True)
        self._worker.start()

    def submit(self, memory: Memory, question: str, k: int | None) -> Future[Answer]:
        """Queue an ask. A bad one (blank, too long) is refused here, before it joins a
        batch: its error is its own request's, never the other tenants' in the batch."""
        check_question(question, memory.settings.max_question_chars)
        self.engine.check_question(question.strip(), memory.settings.max_question_tokens)
        future: Future[Answer] = Future()
        self._queue.put((memory, question, k, future))
        return future

    def waiting(self) -> int:
        """Asks queued and not yet taken into a batch (``/metrics``' queue depth)."""
        return self._queue.qsize()

    def busy_for(self) -> float:
        """Seconds the batch being answered has taken so far (0 when idle): a generate call
        that does not end holds every tenant's asks, which ``/healthz`` reports."""
        since = self._busy_since
        return 0.0 if since is None else time.monotonic() - since

    def close(self) -> None:
        self._queue.put(None)
        self._worker.join(timeout=30)

    def _run(self) -> None:
        while (first := self._queue.get()) is not None:
            batch = [first]
            deadline = time.monotonic() + self.window_s
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)  # finish this batch, then stop
                    break
                batch.append(more)
            self._answer(batch)

    def _answer(self, batch: list[_Ask]) -> None:
        batch = [ask for ask in batch if ask[3].set_running_or_notify_cancel()]  # not given up
        if not batch:
            return
        if self.on_batch is not None:
            self.on_batch(len(batch))
        self._busy_since = time.monotonic()
        try:
            answers = answer_together(self.engine, [(m, q, k) for m, q, k, _ in batch])
        except Exception as exc:  # every waiting request hears of it, none hangs
            for *_, future in batch:
                future.set_exception(exc)
            return
        finally:
            began, self._busy_since = self._busy_since, None
            if self.on_answered is not None and began is not None:
                self.on_answered(time.monotonic() - began)
        for (*_, future), answer in zip(batch, answers, strict=True):
            future.set_result(answer)
