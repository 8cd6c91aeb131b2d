"""The memory token packer, checked against the real SmolLM2 tokenizer."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from hei_nw.models.testing import shared_tokenizer
from hei_nw.pack import TEMPLATE, pack_episode, pack_trace, render_episode, render_trace

TRACE = {"who": "Dana", "what": "backpack", "where": "Café Lumen", "when": "2025-09-10"}


def test_pack_is_deterministic_and_capped() -> None:
    tok = shared_tokenizer()
    full = pack_trace(TRACE, tok, 1000)
    assert pack_trace(TRACE, tok, 1000) == full
    assert pack_trace(dict(reversed(TRACE.items())), tok, 1000) == full  # key order is irrelevant
    assert full == tok(render_trace(TRACE), add_special_tokens=False)["input_ids"]
    for cap in (1, 5, 16, len(full) - 1):
        capped = pack_trace(TRACE, tok, cap)
        assert capped == full[:cap]
    assert pack_trace(TRACE, tok, len(full) + 10) == full


def test_pack_handles_missing_fields() -> None:
    tok = shared_tokenizer()
    text = render_trace({"who": "Dana", "when": None})
    assert text == "<episodic>\nwho:Dana\nwhat:\nwhere:\nwhen:\n</episodic>"
    assert tok.decode(pack_trace({"who": "Dana"}, tok, 200)) == text
    assert render_trace({}) == TEMPLATE.format(who="", what="", where="", when="")


def test_values_are_stripped_and_typed_values_rendered() -> None:
    trace = {
        "who": "  Dana \n",
        "what": 3,
        "where": 2.5,
        "when": dt.date(2025, 9, 10),
    }
    assert render_trace(trace) == (
        "<episodic>\nwho:Dana\nwhat:3\nwhere:2.5\nwhen:2025-09-10\n</episodic>"
    )
    stamp = dt.datetime(2025, 9, 10, 14, 30)
    assert "when:2025-09-10T14:30:00\n" in render_trace({"when": stamp})


def test_extra_fields_are_kept_never_dropped() -> None:
    trace = {**TRACE, "with": "Ilo Barsk", "why": "for repair", "note": None}
    assert render_trace(trace) == (
        "<episodic>\nwho:Dana\nwhat:backpack\nwhere:Café Lumen\nwhen:2025-09-10\n"
        "with:Ilo Barsk\nwhy:for repair\n</episodic>"
    )
    # The four slots alone render exactly as before (shipped readers read that template).
    assert render_trace(TRACE) == TEMPLATE.format(**TRACE)
    with pytest.raises(TypeError, match="'other' must be str"):
        render_trace({**TRACE, "other": object()})
    with pytest.raises(ValueError, match="lower-case words"):
        render_trace({**TRACE, "Bad Key": "x"})


def test_text_episodes_are_packed_between_the_same_markers() -> None:
    tok = shared_tokenizer()
    text = "  On 2025-09-10, Dana left a backpack at Café Lumen. "
    rendered = render_episode(text)
    assert rendered == "<episodic>\nOn 2025-09-10, Dana left a backpack at Café Lumen.\n</episodic>"
    assert tok.decode(pack_episode(text, tok, 200)) == rendered
    assert pack_episode(TRACE, tok, 200) == pack_trace(TRACE, tok, 200)
    assert len(pack_episode(text, tok, 4)) == 4
    with pytest.raises(ValueError, match="must not be empty"):
        render_episode("   ")


def test_non_ascii_text_survives_encode_decode() -> None:
    tok = shared_tokenizer()
    ids = pack_trace(TRACE, tok, 200)
    assert "where:Café Lumen" in tok.decode(ids)


def test_memory_tokens_carry_no_special_tokens() -> None:
    tok = shared_tokenizer()
    ids = pack_trace(TRACE, tok, 200)
    assert not set(ids) & set(tok.all_special_ids)


def test_seed_acceptance_check_with_offline_tokenizer() -> None:
    ids = pack_trace(
        {"who": "Dana", "what": "backpack", "where": "Café Lumen", "when": "2025-09-10"},
        shared_tokenizer(),
        16,
    )
    assert 0 < len(ids) <= 16


@pytest.mark.parametrize(
    ("trace", "cap", "error", "message"),
    [
        (["Dana"], 8, TypeError, "trace must be a mapping"),
        ({"who": ["Dana"]}, 8, TypeError, "slot 'who' must be str, int, float or date, got list"),
        ({"when": True}, 8, TypeError, "slot 'when' .* got bool"),
        (TRACE, 0, ValueError, "max_mem_tokens must be positive, got 0"),
        (TRACE, -3, ValueError, "must be positive"),
        (TRACE, 4.0, TypeError, "max_mem_tokens must be an int, got float"),
        (TRACE, True, TypeError, "max_mem_tokens must be an int, got bool"),
    ],
)
def test_bad_input_is_rejected(trace: Any, cap: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        pack_trace(trace, shared_tokenizer(), cap)


def test_packer_imports_no_ml_library() -> None:
    code = (
        "import sys, hei_nw.pack; "
        "print(sorted(m for m in ('torch', 'transformers', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
