"""Generation settings record what every generate call received."""

from __future__ import annotations

import pytest

from hei_nw.eval.runner import GenerationSettings, run_generation


def test_settings_record_sampling_truthfully() -> None:
    assert GenerationSettings().as_dict()["do_sample"] is False
    assert "temperature" not in GenerationSettings().as_dict()
    sampled = GenerationSettings(do_sample=True, temperature=0.7).as_dict()
    assert (sampled["do_sample"], sampled["temperature"], sampled["top_p"]) == (True, 0.7, 0.9)


def test_reader_and_memories_come_together() -> None:
    with pytest.raises(ValueError, match="reader and memories together"):
        run_generation(None, None, [], [], GenerationSettings(), None, memories=[])  # type: ignore[arg-type]
