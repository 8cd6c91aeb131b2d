"""The model and reader a memory answers with, loaded on first use and shared.

A memory that only writes (the hygiene gate) or asks an empty store never imports
torch; the first ask - or the salience gate's first surprise measurement - loads it
once. The memory and its write policy hold the same :class:`LazyEngine`.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from hei_nw.api.defaults import MemorySettings

if TYPE_CHECKING:  # the model stack loads on the first use, not on import
    from hei_nw.api.engine import Engine


class LazyEngine:
    """An :class:`~hei_nw.api.engine.Engine` given now (a server's shared one) or loaded
    from ``settings`` the first time :meth:`get` is called."""

    def __init__(self, settings: MemorySettings, engine: Engine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._loading = threading.Lock()

    def get(self) -> Engine:
        with self._loading:
            if self._engine is None:
                from hei_nw.api.engine import Engine  # torch and transformers, only now

                self._engine = Engine.load(self.settings)
        return self._engine
