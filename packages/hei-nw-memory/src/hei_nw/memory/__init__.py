"""The HEI-NW episodic store: keys, index, Hopfield completion, a durable episode log,
and the write gate that decides what goes in.

Depends on numpy and faiss-cpu (and the packer's slot names); embedders are
passed in. ``hei_nw.memory.minilm`` (extra ``[minilm]``) holds the dense embedder.
"""

from hei_nw.memory.embedders import (
    EMBEDDERS,
    Embedder,
    HashingEmbedder,
    make_embedder,
    normalize_rows,
)
from hei_nw.memory.gate import (
    Decision,
    GateWeights,
    Signals,
    SurpriseWindow,
    WriteGate,
    decayed_salience,
)
from hei_nw.memory.hopfield import complete, rerank
from hei_nw.memory.index import DEFAULT_HNSW_THRESHOLD, INDEXES, HNSWSettings, VectorIndex
from hei_nw.memory.keys import DenseKeyer, DGKeyer, Keyer, make_keyer
from hei_nw.memory.protocol import BACKENDS, Store, is_database_url
from hei_nw.memory.recency import prefer_recent
from hei_nw.memory.store import Episode, EpisodeStore, Hit, StoreError, episode_id
from hei_nw.memory.store_files import Cipher, StoreUnavailableError
from hei_nw.memory.trace import render_text, validate_trace

__all__ = [
    "BACKENDS",
    "DEFAULT_HNSW_THRESHOLD",
    "EMBEDDERS",
    "INDEXES",
    "Cipher",
    "DGKeyer",
    "Decision",
    "DenseKeyer",
    "Embedder",
    "Episode",
    "EpisodeStore",
    "GateWeights",
    "HNSWSettings",
    "HashingEmbedder",
    "Hit",
    "Keyer",
    "Signals",
    "Store",
    "StoreError",
    "StoreUnavailableError",
    "SurpriseWindow",
    "VectorIndex",
    "WriteGate",
    "complete",
    "decayed_salience",
    "episode_id",
    "is_database_url",
    "make_embedder",
    "make_keyer",
    "normalize_rows",
    "prefer_recent",
    "render_text",
    "rerank",
    "validate_trace",
]
