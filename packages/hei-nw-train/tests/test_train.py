"""Training data that cannot leak, answer-only targets, a loop that learns and resumes exactly."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import torch

from hei_nw.datasets import HELD_OUT, HELD_OUT_FORMATS, generate
from hei_nw.datasets.inventory import vocabulary
from hei_nw.models import MemoryReader
from hei_nw.models.testing import shared_tokenizer
from hei_nw.train import copy_examples, preset, scenario_examples, train
from hei_nw.train.batching import answer_loss, collate
from hei_nw.train.examples import copy_token_halves
from hei_nw.train.sources import SOURCES


def test_no_held_out_entity_appears_in_a_training_episode() -> None:
    tokenizer = shared_tokenizer()
    test_strings = vocabulary("test").strings()
    assert not test_strings & vocabulary("train").strings()
    texts = []
    for example in scenario_examples(tokenizer, "train", seed=0, start=0, count=300):
        texts.append(tokenizer.decode(example.memory_ids))
        texts.append(example.prompt + " " + example.answer)
    words = re.findall(r"\w+", "\n".join(texts))
    phrases = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    entities = {" ".join(re.findall(r"\w+", s)) for s in test_strings}
    assert len(entities) > 20_000
    assert not entities & phrases  # as whole words: "blue bo" is not in "blue bovar"


def _literal_parts(form: str) -> list[str]:
    """The fixed wording of a question form: the text between its {placeholders}."""
    return [part.strip(" .?,:-").lower() for part in re.split(r"\{[a-z_]+\}", form)]


def test_no_held_out_question_form_or_value_format_occurs_in_training() -> None:
    """Held-out wordings, value strings and value shapes never appear in a training row."""
    tokenizer = shared_tokenizer()
    prompts, memories = [], []
    for example in scenario_examples(tokenizer, "train", seed=0, start=0, count=400):
        prompts.append(example.query.lower())
        memories.append(tokenizer.decode(example.memory_ids) + "\n" + example.answer)
    prompt_text, memory_text = "\n".join(prompts), "\n".join(memories)
    fragments = {
        part for forms in HELD_OUT.values() for form in forms for part in _literal_parts(form)
    }
    fragments = {part for part in fragments if len(part) >= 12}
    assert len(fragments) > 20
    assert not {part for part in fragments if part in prompt_text}
    for fmt in HELD_OUT_FORMATS:
        for record in generate("A", 16, 7, split="test", values=fmt):
            assert record["expected"] not in memory_text
    # The shapes themselves: no digits in a name, no e-mail, URL, code or accent in training.
    for marker in ("@", "https://", "'s (", "Room ", " v", "McK", "ø", "ë"):
        if marker == " v":
            assert not re.search(r" v\d\.\d\.\d", memory_text)
        else:
            assert marker not in memory_text, marker


def test_training_evaluates_on_dev_never_on_test(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every split a training run asks for examples of: train to learn, dev to evaluate."""
    asked: list[str] = []
    real = SOURCES["copy"]

    def recording(tokenizer: Any, split: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(split)
        return real(tokenizer, split, *args, **kwargs)

    monkeypatch.setitem(SOURCES, "copy", recording)  # the dict the trainer reads
    config = replace(preset("smoke", str(tmp_path)), steps=2, eval_every=1, eval_n=2)
    train(config, quiet=True)
    assert set(asked) == {"train", "dev"}
    record = json.loads((tmp_path / "training_record.json").read_text())
    assert record["data"]["held_out_split"] == "dev"


def test_scenario_examples_cover_every_family_with_0_to_3_negatives() -> None:
    tokenizer = shared_tokenizer()
    examples = scenario_examples(tokenizer, "train", seed=1, start=0, count=120)
    families = {e.kind[0] for e in examples}
    assert families == set("ABCDE")
    opener = tokenizer("<episodic>", add_special_tokens=False)["input_ids"]
    counts = set()
    for e in examples:
        ids = e.memory_ids
        counts.add(sum(ids[i : i + len(opener)] == opener for i in range(len(ids))))
        assert e.answer in tokenizer.decode(ids)  # the answer is in memory to copy
    assert counts == {1, 2, 3, 4}
    again = scenario_examples(tokenizer, "train", seed=1, start=5, count=3)
    assert again == examples[5:8]  # a pure function of (seed, index)


def test_copy_task_values_come_from_disjoint_token_halves() -> None:
    tokenizer = shared_tokenizer()
    train_half, test_half = copy_token_halves(tokenizer)
    assert not set(train_half) & set(test_half) and len(train_half) > 1000
    for split, half in (("train", set(train_half)), ("test", set(test_half))):
        for example in copy_examples(tokenizer, split, seed=0, start=0, count=20):
            assert set(example.answer_ids) <= half


def test_targets_are_the_answer_and_the_stop_token_only() -> None:
    tokenizer = shared_tokenizer()
    examples = copy_examples(tokenizer, "train", seed=0, start=0, count=4)
    batch = collate(examples, stop_id=2, pad_id=0)
    for row, example in enumerate(examples):
        wanted = [*example.answer_ids, 2]
        assert batch.targets[row][batch.target_mask[row]].tolist() == wanted
        assert batch.input_ids[row, -len(wanted) :].tolist() == wanted
    vocab = len(tokenizer)
    perfect = torch.full((len(examples), batch.answer_window, vocab), -10.0)
    for row in range(len(examples)):
        for j, token in enumerate(batch.targets[row].tolist()):
            perfect[row, j, token] = 10.0
    loss, accuracy = answer_loss(perfect, batch)
    assert float(accuracy) == 1.0 and float(loss) < 1e-3


def test_smoke_training_learns_and_resumes_bit_for_bit(tmp_path: Path) -> None:
    config = replace(
        preset("smoke", str(tmp_path / "full")),
        steps=30,
        eval_every=30,
        eval_n=8,
        checkpoint_every=10,
    )
    full = train(config, quiet=True)
    assert full is not None
    log = [
        json.loads(line)
        for line in (tmp_path / "full" / "train_log.jsonl").read_text().splitlines()
    ]
    assert log[-1]["loss"] < log[0]["loss"] - 1.0
    assert full.held_out["n"] == 8

    # A run interrupted after step 20 (checkpoint written), then resumed to the end.
    resumed = replace(config, out=str(tmp_path / "resumed"))
    train(resumed, quiet=True, stop_after=20)
    state = torch.load(tmp_path / "resumed" / "checkpoint.pt", weights_only=False)
    assert state["step"] == 20
    train(resumed, resume=True, quiet=True)
    model_a = MemoryReader.from_pretrained(tmp_path / "full", _tiny())
    model_b = MemoryReader.from_pretrained(tmp_path / "resumed", _tiny())
    for (name, a), (_, b) in zip(
        model_a.state_dict().items(), model_b.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name


def _tiny() -> torch.nn.Module:
    from hei_nw.models.testing import tiny_model

    model: torch.nn.Module = tiny_model("llama")
    return model


def test_unknown_preset_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope", str(tmp_path))


def test_teacher_kl_is_zero_for_equal_logits_and_ignores_padding() -> None:
    from hei_nw.train.batching import Batch
    from hei_nw.train.teacher import teacher_kl

    logits = torch.randn(2, 4, 11)
    mask = torch.tensor([[False, True, True], [True, True, True]])
    batch = Batch(torch.zeros(2, 5), torch.ones(2, 5), torch.zeros(2, 3), mask, [[], []])
    assert teacher_kl(logits, logits, batch).item() == pytest.approx(0.0, abs=1e-6)
    assert teacher_kl(logits, torch.randn(2, 4, 11), batch).item() > 0.01
    changed = logits.clone()
    changed[0, 0] += 5.0  # a padding position of row 0: not an answer token
    assert teacher_kl(changed, logits, batch).item() == pytest.approx(0.0, abs=1e-6)


def test_teacher_sees_the_memory_as_notes_and_training_logs_the_kl(tmp_path: Path) -> None:
    from hei_nw.models.testing import shared_tokenizer
    from hei_nw.train.examples import copy_examples
    from hei_nw.train.teacher import teacher_view

    tokenizer = shared_tokenizer()
    example = copy_examples(tokenizer, "train", 0, 0, 1)[0]
    teacher = teacher_view(tokenizer, [example])[0]
    assert teacher.memory_ids == [] and teacher.answer_ids == example.answer_ids
    assert tokenizer.decode(example.memory_ids) in tokenizer.decode(teacher.prompt_ids)

    config = replace(preset("smoke", str(tmp_path)), steps=3, eval_every=3, eval_n=4, kl_weight=2.0)
    train(config, quiet=True)
    log = [json.loads(line) for line in (tmp_path / "train_log.jsonl").read_text().splitlines()]
    assert all(entry["kl_to_teacher"] > 0 for entry in log)


def test_training_curves_have_a_legend_for_both_lines() -> None:
    from hei_nw.train.curves import curves_figure

    log = [{"step": 1, "loss": 2.0}, {"step": 2, "loss": 1.0, "held_out_em": 0.5}]
    fig = curves_figure(log, "test")
    legend = fig.axes[0].get_legend()
    assert legend is not None
    assert [text.get_text() for text in legend.get_texts()] == ["train loss", "held-out EM"]


def _squad_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQuAD-shaped files for every source, found through ``HEI_NW_DATA``."""
    from hei_nw.datasets import squad

    folder = tmp_path / "squad"
    folder.mkdir()
    for source, name in squad.SOURCES.items():
        paragraphs = [
            {
                "context": f"In {1800 + i} the {source} mill at Vell-{i} made {i * 7} copper kettles.",
                "qas": [
                    {"id": f"{source}-{i}", "question": f"How many kettles did mill {i} make?",
                     "answers": [{"text": f"{i * 7} copper kettles", "answer_start": 0}]}
                ],
            }
            for i in range(1, 9)
        ]  # fmt: skip
        articles = [{"title": f"T{i}", "paragraphs": [p]} for i, p in enumerate(paragraphs)]
        (folder / name).write_text(json.dumps({"data": articles}))
    monkeypatch.setenv("HEI_NW_DATA", str(tmp_path))


def test_squad_examples_answer_with_the_passages_own_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQuAD-shaped files the test writes: the answer ids are a span of the memory."""
    from hei_nw.train.squad_examples import squad_examples

    _squad_files(tmp_path, monkeypatch)
    tokenizer = shared_tokenizer()
    for split in ("train", "dev"):
        examples = squad_examples(tokenizer, split, seed=0, start=0, count=6)
        assert examples == squad_examples(tokenizer, split, seed=0, start=0, count=6)
        for example in examples:
            answer, memory = example.answer_ids, example.memory_ids
            assert any(memory[i : i + len(answer)] == answer for i in range(len(memory)))
            assert tokenizer.decode(answer).strip() == example.answer
            assert tokenizer.decode(memory).startswith("<episodic>\nIn ")


def test_mixed_examples_draw_both_sources_reproducibly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default reader's diet: each index is the scenario or the SQuAD example that
    source makes at that index, about half of each, the same on every call."""
    from hei_nw.train.sources import SQUAD_SHARE, mixed_examples
    from hei_nw.train.squad_examples import squad_examples

    _squad_files(tmp_path, monkeypatch)
    tokenizer = shared_tokenizer()
    examples = mixed_examples(tokenizer, "train", seed=3, start=10, count=40)
    assert examples == mixed_examples(tokenizer, "train", seed=3, start=10, count=40)
    real = [e for e in examples if e.kind.startswith("squad:")]
    assert abs(len(real) / len(examples) - SQUAD_SHARE) < 0.2
    for index, example in enumerate(examples, start=10):
        source = squad_examples if example.kind.startswith("squad:") else scenario_examples
        assert source(tokenizer, "train", 3, index, 1) == [example]
    assert preset("smollm2", str(tmp_path)).task == "mixed"
