"""The memory reader: adapters at several blocks + copy head, gradients, save/load, errors."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch

from hei_nw.models import (
    MemoryReader,
    ReaderError,
    build_memory_reader,
    default_read_layers,
    find_decoder_blocks,
    forward_with_memory,
    generate_batch,
)
from hei_nw.models.reading import memory_states_at, pad_memory, segment_ends
from hei_nw.models.testing import TINY_ARCHITECTURES, shared_tokenizer, tiny_model
from hei_nw.pack import pack_trace

TRACE = {"who": "Dana Varn", "what": "red backpack", "where": "Café Lumen", "when": "2025-09-10"}
OTHER = {"who": "Olo Brask", "what": "blue scarf", "where": "Dock Orchid", "when": "2024-01-02"}


def opener() -> tuple[int, ...]:
    return tuple(shared_tokenizer()("<episodic>", add_special_tokens=False)["input_ids"])


def memory(*traces: dict[str, str]) -> list[int]:
    return [t for trace in traces for t in pack_trace(trace, shared_tokenizer(), 64)]


def batch() -> tuple[torch.Tensor, torch.Tensor]:
    ids = torch.tensor([shared_tokenizer()("Who left the red backpack?")["input_ids"]] * 2)
    return ids, torch.ones_like(ids)


def full_reader(model: Any, gate: float = 0.0) -> MemoryReader:
    reader = build_memory_reader(
        model, (1, 3), memory_layer=1, copy=True, trace_opener_ids=opener()
    )
    with torch.no_grad():
        for name, parameter in reader.named_parameters():
            if name.endswith("gate"):
                parameter.fill_(gate)
    return reader


def hook_count(model: Any) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


@pytest.mark.parametrize("arch", TINY_ARCHITECTURES)
def test_fresh_reader_with_real_memory_equals_the_base(arch: str) -> None:
    model = tiny_model(arch)
    ids, mask = batch()
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits
        out = forward_with_memory(
            model, full_reader(model), ids, mask, [memory(TRACE), memory(TRACE, OTHER)]
        )
    assert torch.equal(out.logits, base)
    assert hook_count(model) == 0


def test_empty_memory_is_the_base_forward_even_with_open_gates() -> None:
    model = tiny_model("llama")
    ids, mask = batch()
    reader = full_reader(model, gate=1.0)
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits
        empties: tuple[list[list[int]] | None, ...] = (None, [[], []])
        for empty in empties:
            assert torch.equal(forward_with_memory(model, reader, ids, mask, empty).logits, base)
        mixed = forward_with_memory(model, reader, ids, mask, [memory(TRACE), []]).logits
    assert torch.equal(mixed[1], base[1])
    assert not torch.equal(mixed[0], base[0])


def test_every_reader_parameter_gets_a_gradient_and_the_base_never_changes() -> None:
    model = tiny_model("llama").requires_grad_(False)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    reader = full_reader(model, gate=0.3).train()
    optimizer = torch.optim.AdamW(reader.parameters(), lr=1e-2)
    ids, mask = batch()
    for _ in range(3):
        out = forward_with_memory(model, reader, ids, mask, [memory(TRACE), memory(OTHER, TRACE)])
        out.logits[:, -1].logsumexp(-1).sum().backward()
        for name, parameter in reader.named_parameters():
            assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name
        optimizer.step()
        optimizer.zero_grad()
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key


def test_one_memory_forward_serves_every_block_and_stops_after_the_highest() -> None:
    model = tiny_model("llama")
    blocks = find_decoder_blocks(model)
    calls: list[int] = []
    handles = [
        b.register_forward_hook(lambda *_a, i=i: calls.append(i)) for i, b in enumerate(blocks)
    ]
    try:
        ids, mask = pad_memory([memory(TRACE)], 2, torch.device("cpu"))
        states = memory_states_at(model, ids, mask, [2, 0])
    finally:
        for handle in handles:
            handle.remove()
    assert calls == [0, 1, 2]
    assert set(states) == {0, 2}


def test_segment_ends_mark_the_last_token_of_each_episode() -> None:
    first, second = memory(TRACE), memory(OTHER)
    ids, mask = pad_memory([first + second, first], 2, torch.device("cpu"))
    ends = segment_ends(ids, mask, opener())
    assert ends[0, 0] == len(first) - 1 and ends[0, len(first)] == len(first) + len(second) - 1
    assert ends[1, 0] == len(first) - 1
    assert segment_ends(ids, mask, ())[0, 0] == len(first) + len(second) - 1


def test_generate_reads_through_a_reader_for_batches_and_beams() -> None:
    model, tokenizer = tiny_model("qwen2"), shared_tokenizer()
    reader = full_reader(model, gate=1.0)
    prompts = ["Where is it?", "Who was there?"]
    mem = [memory(TRACE), memory(OTHER)]
    together = generate_batch(
        prompts, max_new_tokens=4, mem_tokens=mem, adapter=reader, model=model, tokenizer=tokenizer
    )
    alone = [
        generate_batch(
            [p], max_new_tokens=4, mem_tokens=[m], adapter=reader, model=model, tokenizer=tokenizer
        )[0]
        for p, m in zip(prompts, mem, strict=True)
    ]
    assert [g["text"] for g in together] == [g["text"] for g in alone]
    beams = generate_batch(
        prompts,
        max_new_tokens=3,
        mem_tokens=mem,
        adapter=reader,
        model=model,
        tokenizer=tokenizer,
        num_beams=2,
        num_return_sequences=2,
    )
    assert len(beams) == 4
    assert hook_count(model) == 0


def test_cue_match_reads_the_question_in_training_and_generation(tmp_path: Path) -> None:
    model, tokenizer = tiny_model("llama"), shared_tokenizer()
    reader = build_memory_reader(
        model, (), copy=True, copy_cue_match=True, trace_opener_ids=opener()
    )
    with torch.no_grad():
        reader.copy_head.gate.fill_(1.0)  # type: ignore[union-attr]
    ids, mask = batch()
    mem = [memory(OTHER, TRACE)] * 2
    cue = ids.tolist()
    with pytest.raises(ValueError, match="cue_ids"):
        forward_with_memory(model, reader, ids, mask, mem)
    with torch.no_grad():
        before = forward_with_memory(model, reader, ids, mask, mem, cue_ids=cue).logits
        reader.copy_head.cue_episode_weight.fill_(4.0)  # type: ignore[union-attr]
        after = forward_with_memory(model, reader, ids, mask, mem, cue_ids=cue).logits
    assert not torch.equal(before, after)  # the question names TRACE's "red backpack"
    reader.save_pretrained(tmp_path / "r")
    loaded = MemoryReader.from_pretrained(tmp_path / "r", model)
    assert loaded.config.copy_cue_match
    with torch.no_grad():
        again = forward_with_memory(model, loaded, ids, mask, mem, cue_ids=cue).logits
    assert torch.equal(after, again)
    beams = generate_batch(
        ["Who left the red backpack?"],
        max_new_tokens=3,
        mem_tokens=mem[:1],
        adapter=reader,
        model=model,
        tokenizer=tokenizer,
        num_beams=2,
        num_return_sequences=2,
    )
    assert len(beams) == 2 and hook_count(model) == 0


def test_hooks_are_removed_after_an_exception() -> None:
    model = tiny_model("llama")
    ids, mask = batch()
    with pytest.raises(ValueError, match="rows for a batch"):
        forward_with_memory(model, full_reader(model, 1.0), ids, mask, [memory(TRACE)] * 3)
    with pytest.raises(RuntimeError):
        forward_with_memory(
            model, full_reader(model, 1.0), ids[:, :0], mask[:, :0], [memory(TRACE)] * 2
        )
    assert hook_count(model) == 0


def test_save_and_load_round_trip_gives_identical_logits(tmp_path: Path) -> None:
    model = tiny_model("llama")
    reader = full_reader(model, gate=0.7)
    with torch.no_grad():
        for parameter in reader.parameters():
            parameter.add_(torch.randn_like(parameter) * 0.01)
    reader.save_pretrained(tmp_path / "r", training={"steps": 3})
    (tmp_path / "r" / "notes.txt").write_text("kept")
    reader.save_pretrained(tmp_path / "r")
    loaded = MemoryReader.from_pretrained(tmp_path / "r", model)
    assert (tmp_path / "r" / "notes.txt").exists()
    assert loaded.config.training == {"steps": 3}
    ids, mask = batch()
    mem = [memory(TRACE), memory(OTHER, TRACE)]
    with torch.no_grad():
        a = forward_with_memory(model, reader, ids, mask, mem).logits
        b = forward_with_memory(model, loaded, ids, mask, mem).logits
    assert torch.equal(a, b)
    assert all(
        p.name.startswith("adapter_") for p in (tmp_path / "r").iterdir() if p.suffix != ".txt"
    )


def test_bf16_reader_keeps_fp32_gates(tmp_path: Path) -> None:
    model = tiny_model("llama").to(torch.bfloat16)
    reader = full_reader(model, gate=0.5)
    reader.save_pretrained(tmp_path)
    loaded = MemoryReader.from_pretrained(tmp_path, model)
    assert loaded.copy_head is not None and loaded.copy_head.gate.dtype == torch.float32
    assert loaded.adapter_at(1).q_proj.weight.dtype == torch.bfloat16


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"read_layers": (1, 9)}, "must lie in 0..3"),
        ({"read_layers": (2, 1)}, "sorted and without repeats"),
        ({"read_layers": (1, 1)}, "sorted and without repeats"),
        ({"read_layers": (1, 2), "memory_layer": 2}, "above read layer 1"),
        ({"read_layers": (1,), "memory_layer": 7}, "outside 0..3"),
        ({"read_layers": ()}, "at least one read layer"),
        ({"read_layers": (), "copy": True, "copy_key_layer": 5}, "copy key layer 5"),
    ],
)
def test_bad_layers_give_one_line_errors(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ReaderError, match=message) as info:
        build_memory_reader(tiny_model("llama"), **kwargs)
    assert "\n" not in str(info.value)


def test_loading_refuses_missing_corrupt_and_foreign_readers(tmp_path: Path) -> None:
    model = tiny_model("llama")
    with pytest.raises(ReaderError, match="not a saved memory reader"):
        MemoryReader.from_pretrained(tmp_path / "nothing", model)
    full_reader(model).save_pretrained(tmp_path / "r")
    config = tmp_path / "r" / "adapter_config.json"
    data = json.loads(config.read_text())
    config.write_text(json.dumps(data | {"base_revision": "abc"}))
    with pytest.raises(ReaderError, match="base revision abc"):
        MemoryReader.from_pretrained(tmp_path / "r", model, revision="xyz")
    with pytest.raises(ReaderError, match=r"\(saved\) vs"):
        MemoryReader.from_pretrained(
            tmp_path / "r", tiny_model("llama", hidden_size=32, intermediate_size=64)
        )
    config.write_text("{not json")
    with pytest.raises(ReaderError, match="not valid JSON"):
        MemoryReader.from_pretrained(tmp_path / "r", model)
    config.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ReaderError, match="not a HEI-NW memory reader"):
        MemoryReader.from_pretrained(tmp_path / "r", model)
    full_reader(model).save_pretrained(tmp_path / "r")
    (tmp_path / "r" / "adapter_model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ReaderError, match="cannot read"):
        MemoryReader.from_pretrained(tmp_path / "r", model)


def test_default_read_layers_spread_over_the_stack() -> None:
    assert default_read_layers(30) == (6, 12, 18, 24)
    assert default_read_layers(4) == (0, 1, 2, 3)


def test_smollm2_fresh_reader_equals_the_base(smollm2: Any) -> None:
    model, tokenizer = smollm2.model, smollm2.tokenizer
    reader = build_memory_reader(model, copy=True, trace_opener_ids=opener())
    prompt = ["Where did Dana Varn leave the red backpack?"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with_memory = generate_batch(
            prompt,
            max_new_tokens=8,
            mem_tokens=[memory(TRACE)],
            adapter=reader,
            model=model,
            tokenizer=tokenizer,
        )
    bare = generate_batch(prompt, max_new_tokens=8, model=model, tokenizer=tokenizer)
    assert with_memory == bare
    assert reader.config.read_layers == (6, 12, 18, 24)


def test_smollm2_gradients_reach_every_reader_weight_and_spare_the_base(smollm2: Any) -> None:
    model, tokenizer = smollm2.model, smollm2.tokenizer
    flags = {name: p.requires_grad for name, p in model.named_parameters()}
    model.requires_grad_(False)
    try:
        reader = build_memory_reader(
            model, (6, 24), copy=True, copy_context_layer=24, trace_opener_ids=opener()
        )
        with torch.no_grad():
            for name, parameter in reader.named_parameters():
                if name.endswith("gate"):
                    parameter.fill_(0.3)
        ids = torch.tensor([tokenizer("Who left the red backpack?")["input_ids"]])
        out = forward_with_memory(
            model, reader, ids, torch.ones_like(ids), [memory(TRACE, OTHER)], logits_to_keep=2
        )
        out.logits[:, -1].logsumexp(-1).sum().backward()
        for name, parameter in reader.named_parameters():
            assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name
        # Building and attaching the reader left the frozen base frozen (bit-identity
        # of the base after optimiser steps is proven on the tiny model above).
        assert not any(p.requires_grad for p in model.parameters())
    finally:
        for name, parameter in model.named_parameters():
            parameter.requires_grad_(flags[name])
