"""Generation settings record what every generate call received."""

from __future__ import annotations

import pytest

from hei_nw.eval.runner import GenerationSettings, run_generation


def test_settings_record_sampling_truthfully() -> None:
    assert GenerationSettings().as_dict()["do_sample"] is False
    assert "temperature" not in GenerationSettings().as_dict()
    sampled = GenerationSettings(do_sample=True, temperature=0.7).as_dict()
    assert (sampled["do_sample"], sampled["temperature"], sampled["top_p"]) == (True, 0.7, 0.9)


def test_sampling_cannot_bypass_the_settings() -> None:
    with pytest.raises(ValueError, match="set do_sample in GenerationSettings"):
        run_generation(None, None, [], [], GenerationSettings(), None, do_sample=True)  # type: ignore[arg-type]
