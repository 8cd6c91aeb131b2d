"""Argument types and help formatting shared by the harness's subcommands."""

from __future__ import annotations

import argparse
import math
import textwrap
from pathlib import Path


def positive(text: str) -> int:
    value = non_negative(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """A share or weight: a finite number, 0 or more (``0.5`` as well as ``2``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number, 0 or more, got {text!r}")
    return value


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Show defaults, except for flags and options whose default is "decided later";
    keep the line breaks of descriptions and epilogs (exit codes, subcommands), wrapping
    each long line on its own."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(
            textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent + "    ")
            for line in text.splitlines()
        )

    def _get_help_string(self, action: argparse.Action) -> str:
        # ``in (None, False)`` would also hide a default of 0 (0 == False).
        if action.default is None or action.default is False:
            return action.help or ""
        return super()._get_help_string(action) or ""


def layer_list(text: str) -> tuple[int, ...]:
    """``"6,12,18,24"`` -> ``(6, 12, 18, 24)``."""
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be comma-separated block indices, got {text!r}"
        ) from None


def check_output_folder(option: str, folder: str | None) -> None:
    """A folder to write into may exist, but must not be a file: say so before any work."""
    if folder is not None and Path(folder).exists() and not Path(folder).is_dir():
        raise UsageError(f"{option} {folder}: is a file, not a folder")


class UsageError(ValueError):
    """A command-line value that cannot work, found before anything loads; one line."""
