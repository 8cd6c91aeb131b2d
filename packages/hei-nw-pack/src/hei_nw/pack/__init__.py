"""Memory Token Packer: episode traces -> capped, deterministic memory token ids.

Imports no ML library: the tokenizer is passed in and duck-typed.
"""

from hei_nw.pack.trace import SLOTS, TEMPLATE, SlotValue, Tokenizer, pack_trace, render_trace

__all__ = ["SLOTS", "TEMPLATE", "SlotValue", "Tokenizer", "pack_trace", "render_trace"]
