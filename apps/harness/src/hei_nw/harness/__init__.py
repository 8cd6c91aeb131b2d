"""The HEI-NW evaluation harness: a thin CLI over the HEI-NW packages."""

from hei_nw.harness.cli import main
from hei_nw.harness.parser import build_parser

__all__ = ["build_parser", "main"]
