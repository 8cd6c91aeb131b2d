"""The floor every member stands on (standard library only): atomic file writes,
provenance (commit, dirty tree, versions) and the one :class:`ReadRecipe`."""

from hei_nw.core.atomic import (
    append_line_synced,
    write_atomic,
    write_bytes_atomic,
    write_json_atomic,
    write_text_atomic,
)
from hei_nw.core.provenance import git_state, versions
from hei_nw.core.recipe import READ_RECIPE, ReadRecipe

__all__ = [
    "READ_RECIPE",
    "ReadRecipe",
    "append_line_synced",
    "git_state",
    "versions",
    "write_atomic",
    "write_bytes_atomic",
    "write_json_atomic",
    "write_text_atomic",
]
