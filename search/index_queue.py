"""When search-index writes happen: once per changed object, after its transaction commits.

Two parts:

- ``index_after_commit`` / ``remove_after_commit`` (called by the post_save/post_delete
  receivers that replace modelsearch's own, in ``search/receivers.py``): a write never touches
  the index from inside its database transaction. However often one transaction saves an
  object (a publish saves the page two or three times, and receivers add more), its
  document is updated once, after the commit, from what the database then holds. A rolled
  back write changes nothing in the index, and a failing index write after the commit can
  no longer make a committed write look failed.
- ``IndexQueue``, below: a durable queue of search-index writes that could not be applied
  at once.

Whoosh lets one process write an index at a time (a file lock), while every web
process indexes the page it just saved. A process that cannot get the lock in
time must neither block the request nor lose the write, so it records the
operation here and the next process that holds the lock applies it first.

The same table carries writes made while ``update_index`` builds a new index
generation from the database: the rebuild read its rows before those writes, so
it replays them into the new generation before and after switching to it.

One SQLite file per index, next to the index generations. Each row is one batch
of operations (``{"op": "add", "pk": ..., "doc": {...}}`` or
``{"op": "delete", "pk": ...}``), stored as JSON, applied in id order:

- ``pending`` = 1: not yet in the live index;
- ``for_rebuild`` = 1: not yet in the generation a running rebuild is building.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Operation = dict[str, Any]

logger = logging.getLogger(__name__)

# How long a process waits for another one's SQLite transaction. Transactions
# here last microseconds, so reaching this means something is badly wrong.
_SQLITE_TIMEOUT = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ops (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pending INTEGER NOT NULL,
    for_rebuild INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class _OpenQueue:
    connection: sqlite3.Connection
    lock: threading.Lock


# One connection per queue file and process: opening and closing one per call
# costs milliseconds (closing the last connection checkpoints the WAL file),
# which adds up over the dozen indexes a rebuild touches. A forked child must
# not use its parent's connection, hence the pid in the key.
_connections: OrderedDict[tuple[Path, int], _OpenQueue] = OrderedDict()
_connections_lock = threading.Lock()
_MAX_CONNECTIONS = 32


def _open(path: Path) -> _OpenQueue:
    key = (path, os.getpid())
    with _connections_lock:
        opened = _connections.get(key)
        if opened is not None and path.exists():
            _connections.move_to_end(key)
            return opened
        if opened is not None:
            # The file was removed under us: start again on a new one.
            opened.connection.close()
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            path, timeout=_SQLITE_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        connection.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL survives a crashed process; a lost power cut may drop
        # the last queued writes, which the next rebuild restores anyway.
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.executescript(_SCHEMA)
        opened = _connections[key] = _OpenQueue(connection, threading.Lock())
        while len(_connections) > _MAX_CONNECTIONS:
            _, evicted = _connections.popitem(last=False)
            evicted.connection.close()
        return opened


class IndexQueue:
    """The write queue of one index, stored in the SQLite file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        opened = _open(self.path)
        with opened.lock:
            connection = opened.connection
            # IMMEDIATE takes the write lock up front, so "read the rebuild flag,
            # then insert" cannot interleave with a rebuild clearing the flag.
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    @staticmethod
    def _rebuilding(connection: sqlite3.Connection) -> bool:
        row = connection.execute("SELECT value FROM state WHERE key = 'rebuilding'").fetchone()
        return row is not None

    def record_write(self, ops: list[Operation], rebuild_alive: Callable[[], bool]) -> int | None:
        """Note a write about to go to the live index.

        While a rebuild runs, keep a copy for it and return the row id (pass it to
        ``push_pending`` if the live write then fails); otherwise return None.
        ``rebuild_alive`` is asked only when the flag is set, so that the flag of
        a rebuild that crashed stops costing a copy of every write.
        """
        with self._transaction() as connection:
            if not self._rebuilding(connection):
                return None
            if not rebuild_alive():
                self._abandon_rebuild(connection)
                return None
            cursor = connection.execute(
                "INSERT INTO ops (pending, for_rebuild, body) VALUES (0, 1, ?)",
                (json.dumps(ops),),
            )
            return cursor.lastrowid

    def push_pending(self, ops: list[Operation], row_id: int | None = None) -> None:
        """Keep ops that could not be written now, for the next writer."""
        with self._transaction() as connection:
            if row_id is not None:
                updated = connection.execute(
                    "UPDATE ops SET pending = 1 WHERE id = ?", (row_id,)
                ).rowcount
                if updated:
                    return
            connection.execute(
                "INSERT INTO ops (pending, for_rebuild, body) VALUES (1, ?, ?)",
                (int(self._rebuilding(connection)), json.dumps(ops)),
            )

    def has_pending(self) -> bool:
        if not self.path.exists():
            return False
        with self._transaction() as connection:
            row = connection.execute("SELECT 1 FROM ops WHERE pending = 1 LIMIT 1").fetchone()
        return row is not None

    def pending(self, limit: int = 1000) -> list[tuple[int, list[Operation]]]:
        """The oldest batches still waiting for the live index, oldest first."""
        if not self.path.exists():
            return []
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT id, body FROM ops WHERE pending = 1 ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [(row_id, json.loads(body)) for row_id, body in rows]

    def ack_pending(self, ids: list[int]) -> None:
        """Mark batches as written to the live index (call after the commit)."""
        if not ids:
            return
        with self._transaction() as connection:
            for row_id in ids:
                connection.execute("UPDATE ops SET pending = 0 WHERE id = ?", (row_id,))
            connection.execute("DELETE FROM ops WHERE pending = 0 AND for_rebuild = 0")

    # Rebuilds

    def begin_rebuild(self, generation: str) -> None:
        with self._transaction() as connection:
            # Copies left by a rebuild that died are of no use to this one.
            self._abandon_rebuild(connection)
            connection.execute(
                "INSERT OR REPLACE INTO state (key, value) VALUES ('rebuilding', ?)",
                (json.dumps({"generation": generation, "started": time.time()}),),
            )

    def rebuild_ops(self, limit: int = 1000) -> list[tuple[int, list[Operation]]]:
        """Batches written since the rebuild started, oldest first."""
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT id, body FROM ops WHERE for_rebuild = 1 ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [(row_id, json.loads(body)) for row_id, body in rows]

    def ack_rebuild(self, ids: list[int]) -> None:
        if not ids:
            return
        with self._transaction() as connection:
            for row_id in ids:
                connection.execute("UPDATE ops SET for_rebuild = 0 WHERE id = ?", (row_id,))
            connection.execute("DELETE FROM ops WHERE pending = 0 AND for_rebuild = 0")

    def end_rebuild(self) -> list[Operation]:
        """Stop copying writes for the rebuild; return the copies not yet replayed.

        Call after the new generation is live. Everything else in the queue is
        then obsolete: pending batches from before the rebuild are older than the
        rows it read, and those from during it were replayed or are returned here.
        """
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT body FROM ops WHERE for_rebuild = 1 ORDER BY id"
            ).fetchall()
            connection.execute("DELETE FROM ops")
            connection.execute("DELETE FROM state WHERE key = 'rebuilding'")
        return [op for (body,) in rows for op in json.loads(body)]

    @staticmethod
    def _abandon_rebuild(connection: sqlite3.Connection) -> None:
        # Forget the flag of a rebuild that is no longer running.
        connection.execute("DELETE FROM state WHERE key = 'rebuilding'")
        connection.execute("DELETE FROM ops WHERE pending = 0")
        connection.execute("UPDATE ops SET for_rebuild = 0")

    def clear(self) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM ops")


# --- Index updates after the commit -------------------------------------------------------

IndexKey = tuple[str, str, str]


class _IndexBatch:
    """The indexed objects one transaction changed: its one on_commit callback.

    Found again in the connection's list of on_commit callbacks, so each transaction has one
    batch and each object is indexed once however often it was saved. When the savepoint
    that registered the batch is rolled back, Django drops the batch with it (and all it
    holds was written inside that savepoint); the next change starts a new batch.
    """

    def __init__(self, using: str) -> None:
        self.using = using
        self.instances: dict[IndexKey, Any] = {}

    def __call__(self) -> None:
        with one_write_per_index():
            for key, instance in self.instances.items():
                try:
                    _apply(self.using, key, instance)
                except Exception:
                    # The write is committed whatever happens to its document; log, go on
                    # with the others, and let `update_index` repair this one.
                    logger.exception("Updating the search document of %s failed", key)


# --- One index commit per batch -----------------------------------------------------------

# A Whoosh commit writes and merges a segment: about as costly for one document as for
# fifty. While a batch's objects are indexed in this thread, an index backend hands its
# writes to `batch_write` and they reach each index in one commit when the batch ends.
_write_batch = threading.local()

WriteFlush = Callable[[list[Operation]], None]


@contextmanager
def one_write_per_index() -> Iterator[None]:
    """Collect the index writes made inside the block (in this thread) and write each
    index's operations in one go, in their order, when the block ends or before the next
    read of an index (`flush_batched_writes`). Nested blocks join the outermost one."""
    if getattr(_write_batch, "pending", None) is not None:
        yield
        return
    _write_batch.pending = {}
    try:
        yield
    finally:
        flush_batched_writes(close=True)


def batch_write(key: object, ops: list[Operation], flush: WriteFlush) -> bool:
    """Add `ops` to the open batch of the index `key` (written later by `flush`) and return
    True, or return False when no batch is open and the caller writes at once."""
    pending: dict[object, tuple[WriteFlush, list[Operation]]] | None = getattr(
        _write_batch, "pending", None
    )
    if pending is None:
        return False
    pending.setdefault(key, (flush, []))[1].extend(ops)
    return True


def flush_batched_writes(close: bool = False) -> None:
    """Write what the open batch holds (a read must see it); `close` also ends the batch."""
    pending = getattr(_write_batch, "pending", None)
    if pending is None:
        return
    _write_batch.pending = None if close else {}
    for key, (flush, ops) in pending.items():
        try:
            flush(ops)
        except Exception:
            # As for one object: the database write stands; `update_index` repairs the index.
            logger.exception("Writing the batched search documents of %s failed", key)


def _apply(using: str, key: IndexKey, instance) -> None:
    """Bring the document of `instance` in line with the database: update it if the object
    is among the rows its model indexes, remove it if not (deleted, or no longer indexed:
    a deactivated person's profile). Deciding from the committed rows, not from the last
    signal, keeps the outcome right whatever savepoints were rolled back in between."""
    from modelsearch import index
    from modelsearch.tasks import insert_or_update_object_task

    if index.get_indexed_instance(instance) is not None:
        # A task, so that with TASK_BACKEND=database the worker, the single writer of the
        # Whoosh index, does it; the immediate backend runs it here, after the commit.
        insert_or_update_object_task.enqueue(*key)
    else:
        index.remove_object(instance)


def _commit_never_comes(connection) -> bool:
    """True inside a test that runs in Django's TestCase transaction, which is rolled back
    instead of committed: there on_commit callbacks never run (Django's own durability check
    tells these blocks apart the same way)."""
    blocks = connection.atomic_blocks
    return bool(blocks) and getattr(blocks[0], "_from_testcase", False)


def _reads_apply_deferred() -> bool:
    """True when every search backend reads through the Whoosh index store, which applies
    the deferred batch before it reads (`apply_deferred`)."""
    from django.conf import settings

    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).values()
    return all(str(backend.get("BACKEND", "")).startswith("search.") for backend in backends)


def _deferred_batch(connection) -> _IndexBatch:
    """The batch of a transaction whose commit never comes: it lives on the TestCase's
    outermost atomic block and is dropped with it when the test's transaction rolls back."""
    block = connection.atomic_blocks[0]
    batch = getattr(block, "_index_batch", None)
    if batch is None:
        batch = block._index_batch = _IndexBatch(connection.alias)
    return batch


def apply_deferred() -> None:
    """Apply the index updates a rolled-back-by-design transaction holds back, before the
    index is read: there the first read plays the part of the commit, so each object is
    indexed once, from what the database then holds, as after a real commit."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block and _commit_never_comes(connection):
            block = connection.atomic_blocks[0]
            batch = getattr(block, "_index_batch", None)
            if batch is not None and batch.instances:
                block._index_batch = None
                batch()


def _schedule(instance, using: str | None) -> None:
    from django.db import connections, router

    if instance.pk is None:
        return
    using = using or instance._state.db or router.db_for_write(type(instance))
    key: IndexKey = (instance._meta.app_label, instance._meta.model_name, str(instance.pk))
    connection = connections[using]
    if not connection.in_atomic_block:
        _apply(using, key, instance)
        return
    if _commit_never_comes(connection):
        if _reads_apply_deferred():
            _deferred_batch(connection).instances[key] = instance
        else:
            _apply(using, key, instance)
        return
    batch = next(
        (
            func
            for _sids, func, _robust in connection.run_on_commit
            if isinstance(func, _IndexBatch)
        ),
        None,
    )
    if batch is None:
        batch = _IndexBatch(using)
        connection.on_commit(batch, robust=True)
    batch.instances[key] = instance


def index_after_commit(instance, using: str | None = None) -> None:
    """Update the search document of `instance` once the current transaction commits (at
    once outside a transaction). Calling it several times in one transaction updates the
    document once."""
    _schedule(instance, using)


def remove_after_commit(instance, using: str | None = None) -> None:
    """Remove `instance` from the index once its deletion is committed (the document stays
    if the object still exists then, for instance because the deletion was rolled back)."""
    _schedule(instance, using)
