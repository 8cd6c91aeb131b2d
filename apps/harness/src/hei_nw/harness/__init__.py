"""The HEI-NW evaluation harness: a thin CLI over the HEI-NW packages."""

from hei_nw.harness.cli import build_parser, main

__all__ = ["build_parser", "main"]
