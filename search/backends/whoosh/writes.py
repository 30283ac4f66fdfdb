"""Writes and rebuilds: :class:`WhooshIndex` (modelsearch's index of one root model) and
:class:`WhooshRebuilder`.

A write goes to the live generation when its write lock comes free within
``WRITE_LOCK_TIMEOUT``; otherwise, or when the index is broken, it waits in the queue
(``search.index_queue``) for the next writer. A rebuild fills a new generation beside the
live one, replays the writes made meanwhile, and then makes it live.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models
from modelsearch.backends.base import BaseIndex
from modelsearch.index import class_is_indexed
from whoosh import fields as wfields
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from search.backends.whoosh.schema import (
    PK,
    STORED_PREFIX,
    VALUE_SEPARATOR,
    WhooshMapping,
    schema_for,
)
from search.backends.whoosh.store import CORRUPT_INDEX_ERRORS, IndexStore, IndexUnavailable
from search.index_queue import Operation, apply_deferred, batch_write

if TYPE_CHECKING:
    from search.backends.whoosh.backend import WhooshSearchBackend

logger = logging.getLogger(__name__)

# How long a web process waits for another process's write lock before it
# queues its write instead. Long enough to ride out a typical commit, short
# enough not to stall a request.
WRITE_LOCK_TIMEOUT = 0.5
WRITE_LOCK_DELAY = 0.02

# From this many documents a rebuild indexes in several processes.
PARALLEL_REBUILD_THRESHOLD = 2000


def _coalesce(ops: Iterable[Operation]) -> list[Operation]:
    # Each operation sets a document's whole state, so only the last per pk
    # counts; applying two adds of one pk in one writer would leave both.
    latest: dict[str, Operation] = {}
    for op in ops:
        latest.pop(op["pk"], None)
        latest[op["pk"]] = op
    return list(latest.values())


def _apply_ops(writer: IndexWriter, ops: Iterable[Operation], schema: wfields.Schema) -> None:
    for name in schema.names():
        if name not in writer.schema:
            # A search field added since the index was built: start filling it now.
            writer.add_field(name, schema[name])
    names = set(writer.schema.names())
    for op in _coalesce(ops):
        if op["op"] == "delete":
            writer.delete_by_term(PK, op["pk"])
        else:
            doc = {
                key: value
                for key, value in op["doc"].items()
                if key in names
                or (key.startswith(STORED_PREFIX) and key[len(STORED_PREFIX) :] in names)
            }
            writer.update_document(**_whoosh_values(doc, writer.schema))


def _whoosh_values(doc: dict[str, Any], schema: wfields.Schema) -> dict[str, Any]:
    # Multi-valued keyword columns take one string with separators; JSON has
    # no sets, and documents travel through the queue as JSON.
    for name, value in doc.items():
        if isinstance(value, list) and isinstance(schema[name], wfields.ID):
            doc[name] = VALUE_SEPARATOR.join(str(item) for item in value)
    return doc


# Indexes


class WhooshIndex(BaseIndex):
    """One root model's index. Writes go to the live generation unless ``generation`` is given."""

    def __init__(
        self,
        backend: WhooshSearchBackend,
        root_model: type[models.Model],
        generation: str | None = None,
    ) -> None:
        super().__init__(backend)
        self.root_model = root_model
        self.name = f"{root_model._meta.app_label}_{root_model.__name__}".lower()
        self.store = IndexStore(backend.path / self.name, self.schema)
        self.generation = generation
        self._bulk_writer: IndexWriter | None = None
        self._bulk_parallel = False
        self._bulk_pks: set[str] = set()

    def get_key(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    def schema(self) -> wfields.Schema:
        return schema_for(self.root_model)

    def documents(
        self, model: type[models.Model], items: Iterable[models.Model]
    ) -> list[Operation]:
        mapping = WhooshMapping(model)
        return [{"op": "add", "pk": str(item.pk), "doc": mapping.document(item)} for item in items]

    # BaseIndex API

    def add_model(self, model: type[models.Model]) -> None:
        # The schema covers every indexed subclass from the start.
        pass

    def add_item(self, obj: models.Model) -> None:
        self.add_items(type(obj), [obj])

    def add_items(self, model: type[models.Model], items: Iterable[models.Model]) -> None:
        if not class_is_indexed(model):
            return
        ops = self.documents(model, items)
        if not ops:
            return
        if self.generation is not None:
            self._bulk_add(ops)
        else:
            self.write(ops)

    def delete_item(self, item: models.Model) -> None:
        if not class_is_indexed(type(item)):
            return
        self.write([{"op": "delete", "pk": str(item.pk)}])

    def refresh(self) -> None:
        # Commits are visible at once; what may still wait is the queue.
        self.drain(wait=True)

    def reset(self) -> None:
        with self.store.rebuild_lock():
            generation = self.store.create_generation()
            self.store.queue.clear()
            previous = self.store.swap(generation)
            self.store.remove_old_generations({generation, previous})
        self.store.forget_searcher()

    # Writing the live index

    def write(self, ops: list[Operation]) -> None:
        """Apply ops to the live index, or queue them if it is locked or broken.

        Never raises because the index is locked or broken: a save must not fail for search.
        Inside `one_write_per_index` (a transaction's batch of index updates), the ops wait
        for the batch's end, so the batch costs one commit per index.
        """
        if batch_write(self.store.root, ops, self._write_now):
            return
        self._write_now(ops)

    def _write_now(self, ops: list[Operation]) -> None:
        # Updates held back for a commit that never comes go first, as they would have.
        apply_deferred()
        store = self.store
        row_id = store.queue.record_write(ops, store.rebuild_running)
        try:
            generation = store.ensure_live()
            writer = store.open_generation(generation).writer(
                timeout=WRITE_LOCK_TIMEOUT, delay=WRITE_LOCK_DELAY
            )
        except LockError:
            store.queue.push_pending(ops, row_id)
            self.drain(wait=False)
            return
        except (IndexUnavailable, *CORRUPT_INDEX_ERRORS):
            logger.warning(
                "Search index %s is unavailable; queued %d writes",
                self.name,
                len(ops),
                exc_info=True,
            )
            store.queue.push_pending(ops, row_id)
            return
        if not self._commit(writer, ops):
            store.queue.push_pending(ops, row_id)
            return
        self.drain(wait=False)

    def _commit(self, writer: IndexWriter, ops: list[Operation]) -> bool:
        # Whoever holds the lock applies the queue first, so the order of
        # writes to one document is kept.
        pending = self.store.queue.pending()
        try:
            _apply_ops(writer, [op for _, batch in pending for op in batch] + ops, self.schema())
            writer.commit()
        except Exception:
            logger.exception("Writing to search index %s failed", self.name)
            writer.cancel()
            return False
        self.store.queue.ack_pending([row_id for row_id, _ in pending])
        return True

    def drain(self, wait: bool) -> None:
        """Apply queued writes if the write lock is free (or, with ``wait``, once it is)."""
        # Checking after our own lock is released closes the gap where another
        # process queued while we held the lock and saw us holding it.
        for _attempt in range(20):
            if not self.store.queue.has_pending():
                return
            try:
                generation = self.store.ensure_live()
                writer = self.store.open_generation(generation).writer(
                    timeout=WRITE_LOCK_TIMEOUT * 10 if wait else 0.0, delay=WRITE_LOCK_DELAY
                )
            except LockError:
                if not wait:
                    return
                continue
            except (IndexUnavailable, *CORRUPT_INDEX_ERRORS):
                return
            if not self._commit(writer, []):
                return

    # Writing a new generation (rebuild)

    def _bulk_add(self, ops: list[Operation]) -> None:
        writer = self._bulk_writer_for(len(ops))
        schema = writer.schema
        for op in ops:
            if op["pk"] in self._bulk_pks:
                # The same object twice (say, as its own class and its parent):
                # commit so update_document can see the first copy, last wins.
                writer.commit()
                writer = self._bulk_writer = self._open_bulk_writer(parallel=False)
                writer.update_document(**_whoosh_values(op["doc"], schema))
            else:
                writer.add_document(**_whoosh_values(op["doc"], schema))
            self._bulk_pks.add(op["pk"])

    def _bulk_writer_for(self, incoming: int) -> IndexWriter:
        # Analysis and posting lists are pure Python, so a big rebuild runs
        # faster on all cores. Worker processes cost a second to start, so
        # small rebuilds (and tests) stay in one process.
        parallel = len(self._bulk_pks) + incoming >= PARALLEL_REBUILD_THRESHOLD
        if self._bulk_writer is not None and parallel and not self._bulk_parallel:
            self._bulk_writer.commit()
            self._bulk_writer = None
        if self._bulk_writer is None:
            self._bulk_writer = self._open_bulk_writer(parallel)
        return self._bulk_writer

    def _open_bulk_writer(self, parallel: bool) -> IndexWriter:
        assert self.generation is not None
        index = self.store.open_generation(self.generation)
        procs = min(os.cpu_count() or 1, 4) if parallel else 1
        self._bulk_parallel = parallel and procs > 1
        if self._bulk_parallel:
            return index.writer(procs=procs, limitmb=128, multisegment=True)
        return index.writer(limitmb=128)

    def commit_bulk(self) -> None:
        if self._bulk_writer is not None:
            self._bulk_writer.commit()
            self._bulk_writer = None

    def cancel_bulk(self) -> None:
        if self._bulk_writer is not None:
            self._bulk_writer.cancel()
            self._bulk_writer = None


class WhooshRebuilder:
    """Builds a new generation beside the live one and switches to it when complete."""

    def __init__(self, index: WhooshIndex) -> None:
        self.live = index
        self.store = index.store
        self.lock = index.store.rebuild_lock()
        self.new: WhooshIndex | None = None

    def start(self) -> WhooshIndex:
        self.lock.acquire()
        try:
            generation = self.store.create_generation()
            self.store.queue.begin_rebuild(generation)
        except BaseException:
            self.lock.release()
            raise
        self.new = WhooshIndex(self.live.backend, self.live.root_model, generation=generation)
        return self.new

    def finish(self) -> None:
        assert self.new is not None and self.new.generation is not None
        try:
            self.new.commit_bulk()
            self._replay_into_new()
            previous = self.store.swap(self.new.generation)
            late = self.store.queue.end_rebuild()
            if late:
                self.live.write(late)
            self.store.remove_old_generations({self.new.generation, previous})
        finally:
            self.lock.release()

    def _replay_into_new(self) -> None:
        # Writes made while the rows were read; the new generation is not live
        # yet, so nobody else holds its lock.
        assert self.new is not None and self.new.generation is not None
        index = self.store.open_generation(self.new.generation)
        for _round in range(100):
            batches = self.store.queue.rebuild_ops()
            if not batches:
                return
            writer = index.writer(timeout=WRITE_LOCK_TIMEOUT * 10)
            _apply_ops(writer, [op for _, batch in batches for op in batch], self.live.schema())
            writer.commit()
            self.store.queue.ack_rebuild([row_id for row_id, _ in batches])
