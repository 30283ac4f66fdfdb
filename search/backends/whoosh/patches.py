"""Two fixes to Whoosh itself, applied when the backend is made (not on import).

Why they exist:

1. Whoosh's per-document reader caches the column readers it finds but not the columns a
   segment lacks, so every posting of a field without a length column (each filter field)
   asks the file system again: a third of a rebuild's time went to ``stat()`` calls. A
   segment's files never change once written, so a missing column stays missing for that
   reader, and remembering it changes no result.
2. A segment is one compound file, mapped into memory; Whoosh opens each file inside it
   (terms, postings) as a ``BufferFile``, which wraps the mapped bytes in a ``BytesIO``,
   and a ``BytesIO`` copies them. So every searcher held a private copy of the whole index
   (60 MB at 20,000 documents), one more per thread and per reopen after a write, and a
   web worker grew by hundreds of megabytes. Here the file reads the mapped bytes in place.

They are applied from :class:`~search.backends.whoosh.backend.WhooshSearchBackend`'s
constructor, so they are active exactly where this backend runs (every index read and write
goes through a backend instance), and importing the package changes nothing. Applying them
twice is harmless.
"""

from __future__ import annotations

import io
from typing import Any

from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.structfile import BufferFile


def _cached_reader(self: W3PerDocReader, fieldname: str, column: Any) -> Any:
    """Whoosh's ``_cached_reader``, remembering missing columns too (as ``None``)."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


class MappedReader(io.RawIOBase):
    """A read-only, seekable file over a buffer (a slice of a mapped file), without copying
    it: what ``BytesIO`` does for reading, minus the copy."""

    def __init__(self, buffer: Any) -> None:
        super().__init__()
        self._view = memoryview(buffer).cast("B")
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._position
        elif whence == io.SEEK_END:
            offset += len(self._view)
        if offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._position = offset
        return offset

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, target: Any) -> int:
        data = self.read(len(memoryview(target).cast("B")))
        memoryview(target).cast("B")[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view)
        if size is not None and size >= 0:
            end = min(end, start + size)
        # Looked for a chunk at a time: a line is short, the rest of the file is not.
        stop = end
        for chunk_start in range(start, end, 4096):
            chunk = bytes(self._view[chunk_start : min(chunk_start + 4096, end)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                stop = chunk_start + newline + 1
                break
        return self.read(stop - start)

    def write(self, data: Any) -> int:
        raise io.UnsupportedOperation("a mapped index file is read-only")

    def close(self) -> None:
        self._view.release()
        super().close()


def _buffer_file_init(
    self: BufferFile, buf: Any, name: str | None = None, onclose: Any = None
) -> None:
    """``BufferFile.__init__`` reading ``buf`` in place instead of copying it."""
    self._buf = buf
    self._name = name
    self.file = MappedReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def patch_whoosh() -> None:
    """Apply both fixes; idempotent."""
    if W3PerDocReader._cached_reader is not _cached_reader:
        W3PerDocReader._cached_reader = _cached_reader
    if BufferFile.__init__ is not _buffer_file_init:
        BufferFile.__init__ = _buffer_file_init
