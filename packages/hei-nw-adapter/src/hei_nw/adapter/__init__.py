"""Episodic Adapter and copy head: the trainable blocks that read packed memory tokens.

Depends on torch alone, so other projects can use them without the rest of HEI-NW.
"""

from hei_nw.adapter.copy import CopyHead, CopyMemory
from hei_nw.adapter.episodic import EpisodicAdapter, MemoryKV

__all__ = ["CopyHead", "CopyMemory", "EpisodicAdapter", "MemoryKV"]
