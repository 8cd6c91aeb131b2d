"""Memory Token Packer: episodes (slot traces or text) -> capped, deterministic memory token ids.

Imports no ML library: the tokenizer is passed in and duck-typed.
"""

from hei_nw.pack.trace import (
    SLOTS,
    TEMPLATE,
    TEXT_TEMPLATE,
    Episode,
    SlotValue,
    Tokenizer,
    pack_episode,
    pack_episodes,
    pack_trace,
    render_episode,
    render_text,
    render_trace,
)

__all__ = [
    "SLOTS",
    "TEMPLATE",
    "TEXT_TEMPLATE",
    "Episode",
    "SlotValue",
    "Tokenizer",
    "pack_episode",
    "pack_episodes",
    "pack_trace",
    "render_episode",
    "render_text",
    "render_trace",
]
