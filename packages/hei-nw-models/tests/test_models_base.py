"""Loading the offline default model and generating from it."""

from __future__ import annotations

import pytest
import torch

from hei_nw.models import (
    DEFAULT_MODEL,
    LoadedModel,
    ModelLoadError,
    build_default_adapter,
    encode_prompt,
    generate,
    generate_batch,
    load_base,
    load_model,
    set_seed,
)
from hei_nw.models import loading as loading_module
from hei_nw.models.testing import shared_tokenizer, tiny_model


def test_generate_signature_accepts_mem_tokens(smollm2: LoadedModel) -> None:
    tiny = tiny_model("gpt2")
    tok = shared_tokenizer()
    for model, tokenizer in ((tiny, tok), (smollm2.model, smollm2.tokenizer)):
        adapter = build_default_adapter(model)
        plain = generate("Hello", max_new_tokens=6, model=model, tokenizer=tokenizer)
        with_none = generate(
            "Hello", max_new_tokens=6, model=model, tokenizer=tokenizer, mem_tokens=None
        )
        with_empty = generate(
            "Hello", max_new_tokens=6, model=model, tokenizer=tokenizer, mem_tokens=[]
        )
        with_adapter = generate(
            "Hello",
            max_new_tokens=6,
            model=model,
            tokenizer=tokenizer,
            mem_tokens=[],
            adapter=adapter,
        )
        assert plain == with_none == with_empty == with_adapter


def test_load_base_makes_default_and_generates_real_text() -> None:
    tokenizer, model, pipe = load_base()
    assert model.config.num_hidden_layers == 30
    assert pipe.model is model
    result = generate("What is the capital of France?", max_new_tokens=12)
    assert "Paris" in result["text"]
    prompt_ids = encode_prompt(tokenizer, "What is the capital of France?")
    assert result["prompt_tokens"] == len(prompt_ids)
    assert result["finish_reason"] == "eos"
    assert 1 <= result["generated_tokens"] <= 12
    short = generate("Hello", max_new_tokens=4)
    assert short["generated_tokens"] == 4 and short["finish_reason"] == "length"


def test_default_model_loads_offline_from_converted_cache(smollm2: LoadedModel) -> None:
    assert smollm2.model_id == DEFAULT_MODEL
    assert smollm2.revision is not None and smollm2.revision.startswith("gguf-sha256:")
    assert smollm2.dtype == torch.float32
    assert smollm2.tokenizer.chat_template


def test_chat_template_is_default_and_switchable(smollm2: LoadedModel) -> None:
    chat = encode_prompt(smollm2.tokenizer, "Hi")
    plain = encode_prompt(smollm2.tokenizer, "Hi", chat=False)
    assert len(chat) > len(plain)
    assert "<|im_start|>" in smollm2.tokenizer.decode(chat)


def test_greedy_generation_is_deterministic(smollm2: LoadedModel) -> None:
    kwargs = {"max_new_tokens": 10, "model": smollm2.model, "tokenizer": smollm2.tokenizer}
    assert generate("Name a fruit.", **kwargs) == generate("Name a fruit.", **kwargs)


def test_sampling_is_reproducible_with_set_seed(smollm2: LoadedModel) -> None:
    kwargs = {"max_new_tokens": 12, "model": smollm2.model, "tokenizer": smollm2.tokenizer}
    set_seed(3)
    a = generate("Write a word.", do_sample=True, temperature=1.5, top_p=1.0, **kwargs)
    set_seed(3)
    b = generate("Write a word.", do_sample=True, temperature=1.5, top_p=1.0, **kwargs)
    assert a == b


def test_stop_strings_end_generation_and_are_cut(smollm2: LoadedModel) -> None:
    kwargs = {"max_new_tokens": 20, "model": smollm2.model, "tokenizer": smollm2.tokenizer}
    full = generate("What is the capital of France?", **kwargs)
    assert " of " in full["text"]
    stopped = generate("What is the capital of France?", stop=[" of "], **kwargs)
    assert stopped["finish_reason"] == "stop"
    assert stopped["text"] == full["text"].split(" of ")[0]
    assert stopped["generated_tokens"] < full["generated_tokens"]


@pytest.mark.parametrize("arch", ["gpt2", "llama", "qwen2"])
def test_batched_generation_matches_one_by_one(arch: str) -> None:
    model, tok = tiny_model(arch), shared_tokenizer()
    prompts = ["Hello", "A much longer prompt that needs left padding in a batch", "Why?"]
    one_by_one = [generate(p, max_new_tokens=8, model=model, tokenizer=tok) for p in prompts]
    batched = generate_batch(prompts, max_new_tokens=8, model=model, tokenizer=tok)
    assert batched == one_by_one


def test_batched_generation_matches_one_by_one_on_default(smollm2: LoadedModel) -> None:
    prompts = ["Who wrote Hamlet?", "Name a colour.", "What is two plus two? Answer briefly."]
    kwargs = {"max_new_tokens": 12, "model": smollm2.model, "tokenizer": smollm2.tokenizer}
    assert generate_batch(prompts, **kwargs) == [generate(p, **kwargs) for p in prompts]


def test_empty_batch_returns_nothing() -> None:
    assert generate_batch([], model=tiny_model("gpt2"), tokenizer=shared_tokenizer()) == []


def test_bad_model_id_is_one_line_error_naming_the_default() -> None:
    with pytest.raises(ModelLoadError) as info:
        load_model("no-such-org/no-such-model-xyz")
    message = str(info.value)
    assert "\n" not in message
    assert DEFAULT_MODEL in message and "no-such-model-xyz" in message


def test_missing_local_folder_is_one_line_error(tmp_path: object) -> None:
    with pytest.raises(ModelLoadError, match="cannot load model"):
        load_model(str(tmp_path))


def test_four_bit_without_cuda_is_a_clear_error() -> None:
    if torch.cuda.is_available():  # pragma: no cover - CPU machines only
        pytest.skip("a GPU is present")
    with pytest.raises(ModelLoadError, match="4-bit quantisation needs a CUDA GPU"):
        load_model(quant_4bit=True)


def test_unknown_dtype_is_rejected() -> None:
    with pytest.raises(ModelLoadError, match="unknown dtype 'float8'"):
        load_model(dtype="float8")


def test_bfloat16_load(smollm2: LoadedModel) -> None:
    loaded = load_model(dtype="bfloat16")
    assert next(loaded.model.parameters()).dtype == torch.bfloat16
    text = generate("Hello", max_new_tokens=3, model=loaded.model, tokenizer=loaded.tokenizer)
    assert text["generated_tokens"] == 3


def test_generate_without_model_needs_load_base(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading_module, "_default", None)
    with pytest.raises(RuntimeError, match="call load_base"):
        generate("Hello")
    with pytest.raises(ValueError, match="pass both model and tokenizer"):
        generate("Hello", model=tiny_model("gpt2"))
