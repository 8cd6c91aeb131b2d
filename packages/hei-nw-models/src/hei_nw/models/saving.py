"""Saving a reader's two files (weights and config) so a killed writer tears neither."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from torch import Tensor


def save_weights_and_config(
    folder: Path, weights: dict[str, Tensor], weights_name: str, config: Any, config_name: str
) -> None:
    """Each file is written to a temporary name, synced, then renamed over the old one,
    so a killed writer leaves the previous reader (or none), never half a file."""
    from safetensors.torch import save_file

    weights_tmp, config_tmp = folder / f".{weights_name}.tmp", folder / f".{config_name}.tmp"
    try:
        save_file({k: v.detach().contiguous().cpu() for k, v in weights.items()}, str(weights_tmp))
        config_tmp.write_text(json.dumps(config, indent=2) + "\n")
        for tmp, name in ((weights_tmp, weights_name), (config_tmp, config_name)):
            with tmp.open("rb") as handle:
                os.fsync(handle.fileno())
            tmp.chmod(0o644)  # an ordinary file others may read, whatever wrote it
            tmp.replace(folder / name)
    finally:
        weights_tmp.unlink(missing_ok=True)
        config_tmp.unlink(missing_ok=True)
