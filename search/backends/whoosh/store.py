"""The index on disk: generations, the live pointer, the rebuild lock and cached searchers.

Each root model's index is a folder holding complete Whoosh indexes side by side
(``gen-<id>/``), a ``current`` symlink to the live one, the write queue and the rebuild
lock. Switching the symlink with ``os.replace`` makes a rebuilt generation live at once,
so a search never sees a half-built index.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import os
import pickle
import secrets
import shutil
import struct
import threading
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wquery
from whoosh.idsets import BitSet
from whoosh.searching import Searcher

from search.index_queue import IndexQueue, apply_deferred, flush_batched_writes

logger = logging.getLogger(__name__)


class IndexUnavailable(Exception):  # noqa: N818 - the name says what the view tells the reader
    """The search index cannot be read right now (missing, corrupt or being repaired).

    Raised when search results are evaluated (iterating, ``count()``,
    ``facet()``), never when they are built, so a view wraps the code that
    reads the results. Running ``manage.py update_index`` rebuilds the index
    and ends the condition.
    """


# Errors that mean the files on disk are missing, truncated or not an index.
CORRUPT_INDEX_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    windex.IndexError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
)


# Storage: generations, the live pointer, locks


@dataclass
class _CachedSearcher:
    generation: str
    searcher: Searcher
    # Filter query -> matching document numbers, for this searcher only.
    filters: OrderedDict[wquery.Query, BitSet] = dataclasses.field(default_factory=OrderedDict)


# Turning a filter into document numbers walks every matching document in
# Python (about 1 ms per 1,000 documents); the same filters come back again
# and again (visibility rules, live pages), so the sets are kept per searcher.
FILTER_CACHE_SIZE = 64


# Searchers are reused across queries (opening one reads every segment's
# metadata) but not across threads: a Whoosh searcher is not thread-safe.
_local = threading.local()


class IndexStore:
    """The folder of one index: its generations, live pointer, queue and locks."""

    def __init__(self, root: Path, schema_factory: Any) -> None:
        self.root = root
        self._schema_factory = schema_factory
        self.queue = IndexQueue(root / "queue.sqlite3")

    @property
    def pointer(self) -> Path:
        return self.root / "current"

    def generation_path(self, generation: str) -> Path:
        return self.root / generation

    def current_generation(self) -> str | None:
        """The live generation's folder name, or None if there is no live index yet."""
        try:
            return os.readlink(self.pointer)
        except FileNotFoundError:
            return None
        except OSError as error:
            # "current" exists but is not a symlink: left by hand or by a broken copy.
            raise IndexUnavailable(f"Search index pointer {self.pointer} is broken") from error

    def open_generation(self, generation: str) -> windex.FileIndex:
        path = self.generation_path(generation)
        try:
            return windex.open_dir(str(path))
        except CORRUPT_INDEX_ERRORS as error:
            raise IndexUnavailable(f"Search index {path} cannot be opened: {error}") from error

    def create_generation(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        path = self.generation_path(generation)
        path.mkdir()
        windex.create_in(str(path), self._schema_factory())
        return generation

    def swap(self, generation: str) -> str | None:
        """Make ``generation`` live atomically; return the one it replaced."""
        previous = None
        try:
            previous = self.current_generation()
        except IndexUnavailable:
            # A real folder called "current": move it aside so the symlink can replace it.
            os.replace(self.pointer, self.root / f"broken-{secrets.token_hex(4)}")
        temporary = self.root / f"current-{secrets.token_hex(4)}"
        os.symlink(generation, temporary)
        os.replace(temporary, self.pointer)
        return previous

    def remove_old_generations(self, keep: set[str | None]) -> None:
        # Keep the generation just replaced: other processes may be finishing a
        # search on it; they reopen on the new one at their next search.
        for path in self.root.iterdir():
            is_old = path.name.startswith(("gen-", "broken-")) and path.name not in keep
            if is_old and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)

    def ensure_live(self) -> str:
        """The live generation, made empty on first use so a fresh install can search and index."""
        generation = self.current_generation()
        if generation is not None:
            return generation
        lock = self.rebuild_lock(blocking=False)
        if not lock.acquire():
            # The first rebuild is running; it makes the index live when done.
            raise IndexUnavailable(f"Search index {self.root} is being built")
        try:
            generation = self.current_generation()
            if generation is None:
                generation = self.create_generation()
                self.swap(generation)
                logger.info("Created an empty search index in %s", self.root)
        finally:
            lock.release()
        return generation

    # Locks

    def rebuild_lock(self, blocking: bool = True) -> _FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return _FileLock(self.root / "rebuild.lock", blocking=blocking)

    def rebuild_running(self) -> bool:
        lock = self.rebuild_lock(blocking=False)
        if lock.acquire():
            lock.release()
            return False
        return True

    # Searching

    def searcher(self) -> Searcher:
        """A searcher on the live generation, reused while that generation is unchanged."""
        apply_deferred()
        flush_batched_writes()
        try:
            generation = self.ensure_live()
        except OSError as error:
            raise IndexUnavailable(
                f"Search index {self.root} cannot be created: {error}"
            ) from error
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.get(self.root)
        try:
            if cached is not None and cached.generation == generation:
                if not cached.searcher.up_to_date():
                    # Whoosh's refresh() fails on a searcher over an empty index (its
                    # EmptyReader has no segments): reopen instead.
                    old = cached.searcher
                    cached.searcher = self.open_generation(generation).searcher()
                    old.close()
                    cached.filters.clear()
                return cached.searcher
            if cached is not None:
                cached.searcher.close()
                del cache[self.root]
            searcher = self.open_generation(generation).searcher()
        except IndexUnavailable:
            cache.pop(self.root, None)
            raise
        except CORRUPT_INDEX_ERRORS as error:
            cache.pop(self.root, None)
            raise IndexUnavailable(f"Search index {self.root} cannot be read: {error}") from error
        cache[self.root] = _CachedSearcher(generation, searcher)
        return searcher

    def filter_docs(self, searcher: Searcher, query: wquery.Query) -> BitSet:
        """The documents a filter matches, remembered while the searcher is current."""
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.get(self.root)
        filters = cached.filters if cached is not None and cached.searcher is searcher else None
        if filters is not None and query in filters:
            filters.move_to_end(query)
            return filters[query]
        docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
        if filters is not None:
            filters[query] = docs
            if len(filters) > FILTER_CACHE_SIZE:
                filters.popitem(last=False)
        return docs

    def forget_searcher(self) -> None:
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.pop(self.root, None)
        if cached is not None:
            with contextlib.suppress(*CORRUPT_INDEX_ERRORS):
                cached.searcher.close()


class _FileLock:
    """An exclusive flock on a file, held by this open file (so also between threads)."""

    def __init__(self, path: Path, blocking: bool = True) -> None:
        self.path = path
        self.blocking = blocking
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if self.blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> _FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
