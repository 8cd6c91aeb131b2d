"""The reader shipped in the package loads onto SmolLM2 and reads names it never saw."""

from __future__ import annotations

from hei_nw.models import LoadedModel, generate_batch, load_memory_reader, shipped_reader_path
from hei_nw.pack import pack_trace

# Invented names, in neither vocabulary split's form: the reader must copy them.
TRACE = {
    "who": "Quorvan Brelik",
    "what": "amber lantern",
    "where": "Harbour Zentil",
    "when": "2025-03-14",
}
# The harness's no-notes template: the episode is only in memory.
QUESTIONS = {
    "Who left the amber lantern at Harbour Zentil on 2025-03-14?": "Quorvan Brelik",
    "Where did Quorvan Brelik leave the amber lantern on 2025-03-14?": "Harbour Zentil",
}


def prompt(question: str) -> str:
    return f"Answer the question with a short phrase.\n\nQuestion: {question}"


def test_shipped_reader_matches_the_default_model(smollm2: LoadedModel) -> None:
    reader = load_memory_reader(smollm2.model)
    assert reader.config.copy
    assert reader.config.base_revision == smollm2.revision
    # Answers must end on the token generation stops at: <|im_end|>, as the GGUF states
    # (a conversion that read <|im_start|> as EOS once produced a reader that never stopped).
    assert reader.config.stop_token_id == smollm2.tokenizer.eos_token_id
    assert smollm2.tokenizer.eos_token == "<|im_end|>"
    assert (shipped_reader_path() / "adapter_config.json").is_file()


def test_shipped_reader_answers_from_memory_alone(smollm2: LoadedModel) -> None:
    model, tokenizer = smollm2.model, smollm2.tokenizer
    reader = load_memory_reader(model)
    memory = pack_trace(TRACE, tokenizer, 96)
    prompts = [prompt(q) for q in QUESTIONS]
    floor = generate_batch(prompts, 12, stop=["\n\n"], model=model, tokenizer=tokenizer)
    read = generate_batch(
        prompts,
        12,
        stop=["\n\n"],
        mem_tokens=[memory] * 2,
        adapter=reader,
        model=model,
        tokenizer=tokenizer,
    )
    assert [g["text"].strip() for g in read] == list(QUESTIONS.values())
    assert [g["finish_reason"] for g in read] == ["eos", "eos"]
    assert not any(answer in g["text"] for g, answer in zip(floor, QUESTIONS.values(), strict=True))
