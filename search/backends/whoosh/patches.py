"""A fix to Whoosh itself, applied when the backend is made (not on import).

Why it exists: Whoosh's per-document reader caches the column readers it finds but not the
columns a segment lacks, so every posting of a field without a length column (each filter
field) asks the file system again: a third of a rebuild's time went to ``stat()`` calls. A
segment's files never change once written, so a missing column stays missing for that
reader, and remembering it changes no result.

It is applied from :class:`~search.backends.whoosh.backend.WhooshSearchBackend`'s
constructor, so it is active exactly where this backend runs (every index read and write
goes through a backend instance), and importing the package changes nothing. Applying it
twice is harmless.
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import W3PerDocReader


def _cached_reader(self: W3PerDocReader, fieldname: str, column: Any) -> Any:
    """Whoosh's ``_cached_reader``, remembering missing columns too (as ``None``)."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


def patch_whoosh() -> None:
    """Make Whoosh's per-document reader cache missing columns; idempotent."""
    if W3PerDocReader._cached_reader is not _cached_reader:
        W3PerDocReader._cached_reader = _cached_reader
