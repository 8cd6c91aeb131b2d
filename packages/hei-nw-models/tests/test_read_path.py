"""The adapter read path inside the model: equivalence, gating, memory reuse, hygiene."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch

from hei_nw.adapter import EpisodicAdapter, MemoryKV
from hei_nw.models import (
    LoadedModel,
    adapter_attached,
    build_default_adapter,
    default_adapter_layer,
    find_decoder_blocks,
    generate,
    generate_batch,
)
from hei_nw.models.read_path import GATE_ZERO_WARNING, memory_states, prepare_memory
from hei_nw.models.testing import TINY_ARCHITECTURES, shared_tokenizer, tiny_model

MEMORY = "<episodic>\nwho:Dana\nwhat:red backpack\nwhere:Café Lumen\nwhen:2025-09-10\n</episodic>"


def memory_ids() -> list[int]:
    return list(shared_tokenizer()(MEMORY, add_special_tokens=False)["input_ids"])


def prompt_ids(text: str = "Where did Dana leave the backpack?") -> torch.Tensor:
    return torch.tensor([shared_tokenizer()(text)["input_ids"]])


def logits(model: Any, ids: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(input_ids=ids).logits  # type: ignore[no-any-return]


def set_gate(adapter: EpisodicAdapter, value: float) -> EpisodicAdapter:
    with torch.no_grad():
        adapter.gate.fill_(value)
    return adapter


def hook_count(model: Any) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def empty_memory(adapter: EpisodicAdapter) -> MemoryKV:
    return adapter.project_memory(torch.zeros(1, 0, adapter.hidden_size))


@pytest.mark.parametrize("arch", TINY_ARCHITECTURES)
def test_attached_adapter_with_empty_memory_gives_identical_logits(arch: str) -> None:
    model = tiny_model(arch)
    adapter = set_gate(build_default_adapter(model), 1.0)
    ids = prompt_ids()
    bare = logits(model, ids)
    with adapter_attached(model, adapter, empty_memory(adapter)):
        attached = logits(model, ids)
    assert torch.equal(attached, bare)


def test_attached_adapter_with_empty_memory_on_default_model(smollm2: LoadedModel) -> None:
    adapter = set_gate(build_default_adapter(smollm2.model), 1.0)
    ids = torch.tensor([smollm2.tokenizer("Where is Café Lumen?")["input_ids"]])
    bare = logits(smollm2.model, ids)
    with adapter_attached(smollm2.model, adapter, empty_memory(adapter)):
        assert torch.equal(logits(smollm2.model, ids), bare)


@pytest.mark.parametrize("arch", ["gpt2", "llama", "qwen2", "gpt_neox", "opt"])
def test_zero_gate_reads_memory_without_changing_logits(arch: str) -> None:
    model = tiny_model(arch)
    adapter = build_default_adapter(model)
    ids = prompt_ids()
    bare = logits(model, ids)
    with pytest.warns(UserWarning, match="gate is 0"):
        memory = prepare_memory(model, adapter, [memory_ids()], pad_id=2)
    with adapter_attached(model, adapter, memory):
        gated = logits(model, ids)
    torch.testing.assert_close(gated, bare)
    with adapter_attached(model, set_gate(adapter, 0.5), memory):
        opened = logits(model, ids)
    assert not torch.allclose(opened, bare)


@pytest.mark.parametrize("arch", ["gpt2", "llama", "opt"])
def test_memory_states_are_the_blocks_hidden_states(arch: str) -> None:
    """The early-exit memory forward gives the full forward's states at that block."""
    model = tiny_model(arch)
    ids = memory_ids()
    layer = default_adapter_layer(4)
    hooks_before = hook_count(model)
    states, mask = memory_states(model, [ids, ids[:5]], layer, pad_id=2)
    assert hook_count(model) == hooks_before
    with torch.no_grad():
        full = model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states
    torch.testing.assert_close(states[0], full[layer + 1][0])
    torch.testing.assert_close(states[1, :5], full[layer + 1][0, :5])
    assert mask.sum(dim=1).tolist() == [len(ids), 5]


def test_hidden_states_output_shows_adapted_states() -> None:
    model = tiny_model("llama")
    adapter = set_gate(build_default_adapter(model), 0.5)
    layer = adapter.layer_index
    assert layer is not None
    ids = prompt_ids()
    with torch.no_grad():
        bare = model(input_ids=ids, output_hidden_states=True).hidden_states
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        memory = prepare_memory(model, adapter, [memory_ids()], pad_id=2)
    with adapter_attached(model, adapter, memory), torch.no_grad():
        read = model(input_ids=ids, output_hidden_states=True).hidden_states
    assert torch.equal(read[layer], bare[layer])  # input of the adapter's block
    assert not torch.allclose(read[layer + 1], bare[layer + 1])  # its output, adapted


def test_generate_with_zero_gate_memory_matches_b0_and_warns_once(smollm2: LoadedModel) -> None:
    kwargs = {"max_new_tokens": 10, "model": smollm2.model, "tokenizer": smollm2.tokenizer}
    adapter = build_default_adapter(smollm2.model)
    tokens = list(smollm2.tokenizer(MEMORY, add_special_tokens=False)["input_ids"])
    b0 = generate("Where did Dana leave the backpack?", **kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        b1 = generate(
            "Where did Dana leave the backpack?", mem_tokens=tokens, adapter=adapter, **kwargs
        )
    assert b1 == b0
    assert [str(w.message) for w in caught] == [GATE_ZERO_WARNING]
    assert all(w.category is UserWarning for w in caught)


def test_generate_with_open_gate_changes_output() -> None:
    model, tok = tiny_model("qwen2"), shared_tokenizer()
    adapter = set_gate(build_default_adapter(model), 2.0)
    with torch.no_grad():  # a strong read so greedy tokens flip on random weights
        adapter.o_proj.weight.mul_(50.0)
    kwargs = {"max_new_tokens": 8, "model": model, "tokenizer": tok}
    b0 = generate("Tell me.", **kwargs)
    b1 = generate("Tell me.", mem_tokens=memory_ids(), adapter=adapter, **kwargs)
    assert b1["text"] != b0["text"]


def count_projections(adapter: EpisodicAdapter) -> list[int]:
    calls: list[int] = []
    adapter.k_proj.register_forward_hook(lambda *_: calls.append(1))
    return calls


def test_memory_is_projected_once_per_generate_call() -> None:
    model, tok = tiny_model("llama"), shared_tokenizer()
    adapter = set_gate(build_default_adapter(model), 0.5)
    calls = count_projections(adapter)
    steps: list[int] = []
    adapter.q_proj.register_forward_hook(lambda *_: steps.append(1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generate(
            "Hi",
            max_new_tokens=6,
            mem_tokens=memory_ids(),
            adapter=adapter,
            model=model,
            tokenizer=tok,
        )
        assert len(calls) == 1
        assert len(steps) == 6  # the adapter read at every decode step
        generate_batch(
            ["Hi", "Hello there", "Yo"],
            max_new_tokens=5,
            mem_tokens=[memory_ids(), None, memory_ids()[:7]],
            adapter=adapter,
            model=model,
            tokenizer=tok,
        )
    assert len(calls) == 2


def test_batched_memory_rows_match_single_calls() -> None:
    model, tok = tiny_model("gpt2"), shared_tokenizer()
    adapter = set_gate(build_default_adapter(model), 1.0)
    with torch.no_grad():
        adapter.o_proj.weight.mul_(20.0)
    prompts = ["Hi", "Hello there friend", "Yo"]
    memories: list[list[int] | None] = [memory_ids(), None, memory_ids()[:9]]
    kwargs = {"max_new_tokens": 6, "adapter": adapter, "model": model, "tokenizer": tok}
    batched = generate_batch(prompts, mem_tokens=memories, **kwargs)
    single = [generate(p, mem_tokens=m, **kwargs) for p, m in zip(prompts, memories, strict=True)]
    assert batched == single
    assert batched[1] == generate(
        "Hello there friend", max_new_tokens=6, model=model, tokenizer=tok
    )


def test_beam_search_expands_memory_to_the_beams() -> None:
    model, tok = tiny_model("llama"), shared_tokenizer()
    adapter = set_gate(build_default_adapter(model), 0.5)
    memories = [memory_ids(), memory_ids()[:5]]
    beams = {"num_beams": 3, "num_return_sequences": 2, "max_new_tokens": 4}
    kwargs = {"adapter": adapter, "model": model, "tokenizer": tok, **beams}
    out = generate_batch(["Hi", "Hello"], mem_tokens=memories, **kwargs)
    assert len(out) == 4
    # Each prompt's beams read that prompt's memory: the batch equals one prompt at a time...
    assert out[:2] == generate_batch(["Hi"], mem_tokens=memories[:1], **kwargs)
    assert out[2:] == generate_batch(["Hello"], mem_tokens=memories[1:], **kwargs)
    # ...and the memory matters, so reading the other prompt's memory would show.
    assert out[:2] != generate_batch(["Hi"], mem_tokens=memories[1:], **kwargs)


def test_no_hook_remains_after_return_or_exception() -> None:
    model, tok = tiny_model("llama"), shared_tokenizer()
    adapter = set_gate(build_default_adapter(model), 0.5)
    before = hook_count(model)
    kwargs = {"mem_tokens": memory_ids(), "adapter": adapter, "model": model, "tokenizer": tok}
    generate("Hi", max_new_tokens=3, **kwargs)
    assert hook_count(model) == before

    def explode(input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        if input_ids.shape[1] > len(tok("Hi")["input_ids"]) + 1:
            raise RuntimeError("boom inside generation")
        return scores

    from transformers import LogitsProcessorList

    with pytest.raises(RuntimeError, match="boom inside generation"):
        generate(
            "Hi",
            max_new_tokens=5,
            chat=False,
            logits_processor=LogitsProcessorList([explode]),
            **kwargs,
        )
    assert hook_count(model) == before


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ([1, "2"], "must be ints"),
        ([1, 2.0], "must be ints"),
        ([True], "must be ints"),
        ([-1], "outside the vocabulary"),
        ([10**9], "outside the vocabulary"),
    ],
)
def test_bad_mem_tokens_are_rejected(tokens: list[Any], message: str) -> None:
    model, tok = tiny_model("gpt2"), shared_tokenizer()
    adapter = build_default_adapter(model)
    with pytest.raises(ValueError, match=message):
        generate("Hi", mem_tokens=tokens, adapter=adapter, model=model, tokenizer=tok)


def test_mem_tokens_without_adapter_are_rejected() -> None:
    with pytest.raises(ValueError, match="without an adapter"):
        generate("Hi", mem_tokens=[1, 2], model=tiny_model("gpt2"), tokenizer=shared_tokenizer())


def test_mem_tokens_rows_must_match_prompts() -> None:
    with pytest.raises(ValueError, match="1 rows for 2 prompts"):
        generate_batch(
            ["a", "b"], mem_tokens=[[1]], model=tiny_model("gpt2"), tokenizer=shared_tokenizer()
        )


def test_default_adapter_geometry_and_placement(smollm2: LoadedModel) -> None:
    adapter = build_default_adapter(smollm2.model)
    assert (adapter.hidden_size, adapter.n_heads, adapter.n_kv_heads) == (576, 9, 3)
    assert adapter.layer_index == 18 == default_adapter_layer(30)
    assert adapter.q_proj.weight.dtype == torch.float32
    assert build_default_adapter(smollm2.model, layer_index=5).layer_index == 5
    with pytest.raises(ValueError, match="outside the model's 30 decoder blocks"):
        build_default_adapter(smollm2.model, layer_index=30)


def test_default_layer_is_sixty_percent_depth() -> None:
    assert [default_adapter_layer(n) for n in (1, 2, 4, 10, 24, 28, 30)] == [0, 1, 2, 6, 14, 16, 18]
    with pytest.raises(ValueError, match="at least one layer"):
        default_adapter_layer(0)


def test_unknown_block_layout_is_a_clear_error() -> None:
    model = tiny_model("llama")
    model.config.num_hidden_layers = 7
    with pytest.raises(ValueError, match="cannot find the decoder blocks of LlamaForCausalLM"):
        find_decoder_blocks(model)
