"""Train the HEI-NW memory reader: data it cannot memorise, a resumable loop, curves."""

from hei_nw.train.config import PRESETS, TrainConfig, preset
from hei_nw.train.evaluate import exact_match_rate
from hei_nw.train.examples import Example, copy_examples, scenario_examples
from hei_nw.train.trainer import CHECKPOINT, TrainResult, train

__all__ = [
    "CHECKPOINT",
    "PRESETS",
    "Example",
    "TrainConfig",
    "TrainResult",
    "copy_examples",
    "exact_match_rate",
    "preset",
    "scenario_examples",
    "train",
]
