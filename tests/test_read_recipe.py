"""One definition of how memory is read: the API, the harness, the evaluator's generation
settings and training's evaluation all take the same ``ReadRecipe``."""

from __future__ import annotations

import inspect
from dataclasses import replace

from hei_nw.api import DEFAULTS, MemorySettings
from hei_nw.api.defaults import choosing
from hei_nw.core import READ_RECIPE, ReadRecipe
from hei_nw.eval import GenerationSettings
from hei_nw.harness.parser import build_parser, read_recipe
from hei_nw.train.evaluate import exact_match_rate


def test_the_api_and_the_harness_read_the_same_recipe_by_default() -> None:
    harness = read_recipe(build_parser().parse_args(["--mode", "B1"]))
    assert DEFAULTS.read == READ_RECIPE
    assert harness == READ_RECIPE


def test_harness_options_change_the_recipe_they_name() -> None:
    args = build_parser().parse_args(
        ["--mode", "B1", "--recall-k", "4", "--max-new-tokens", "8", "--prompt-style", "plain"]
    )
    assert read_recipe(args) == replace(READ_RECIPE, recall_k=4, max_new_tokens=8, chat=False)


def test_generation_settings_and_training_evaluation_follow_the_recipe() -> None:
    settings = GenerationSettings.from_recipe(READ_RECIPE)
    assert (settings.max_new_tokens, settings.stop, settings.chat) == (
        READ_RECIPE.max_new_tokens,
        READ_RECIPE.stop,
        READ_RECIPE.chat,
    )
    assert GenerationSettings().max_new_tokens == READ_RECIPE.max_new_tokens
    assert GenerationSettings().stop == READ_RECIPE.stop
    default = inspect.signature(exact_match_rate).parameters["recipe"].default
    assert default is READ_RECIPE


def test_naming_a_copy_head_reader_puts_it_in_the_recipe() -> None:
    chosen = choosing(MemorySettings(), reader="/some/reader")
    assert chosen.read == replace(READ_RECIPE, reader="/some/reader")
    assert chosen.answers == "generate"
    assert choosing(MemorySettings()).read is READ_RECIPE
    assert isinstance(READ_RECIPE.as_dict()["stop"], list)
    assert ReadRecipe(recall_k=2).as_dict()["recall_k"] == 2
