"""Saving a reader's two files (weights and config) so a killed writer tears neither."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from torch import Tensor

from hei_nw.core import write_atomic, write_json_atomic


def save_weights_and_config(
    folder: Path, weights: dict[str, Tensor], weights_name: str, config: Any, config_name: str
) -> None:
    """Each file is written atomically (:mod:`hei_nw.core.atomic`), so a killed writer
    leaves the previous reader (or none), never half a file."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().contiguous().cpu() for k, v in weights.items()}
    write_atomic(folder / weights_name, lambda tmp: save_file(tensors, str(tmp)))
    write_json_atomic(folder / config_name, config)
