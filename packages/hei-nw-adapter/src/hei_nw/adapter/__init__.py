"""Episodic Adapter: a gated, read-only cross-attention block over memory tokens.

Depends on torch alone, so other projects can use the adapter without the rest
of HEI-NW.
"""

from hei_nw.adapter.episodic import EpisodicAdapter, MemoryKV

__all__ = ["EpisodicAdapter", "MemoryKV"]
