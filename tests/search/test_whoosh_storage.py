"""The Whoosh index on disk: atomic rebuilds, broken indexes, writes from many processes."""

from __future__ import annotations

import multiprocessing
import os
import uuid

import pytest
from modelsearch.query import MATCH_ALL
from modelsearch.test.testapp import models

from search.backends.whoosh import IndexUnavailable, writes
from tests.search.conftest import make_book, rebuild, titles

pytestmark = pytest.mark.django_db


def generations(backend) -> set[str]:
    root = backend.get_index_for_model(models.Book).store.root
    return {path.name for path in root.iterdir() if path.name.startswith("gen-")}


def test_a_missing_index_is_created_empty_instead_of_failing(backend, index_dir):
    assert not index_dir.exists()
    assert list(backend.search("anything", models.Book)) == []
    assert backend.get_index_for_model(models.Book).store.pointer.is_symlink()


def test_a_rebuild_swaps_in_a_new_generation_and_keeps_only_the_previous_one(backend):
    make_book("Reisekosten")
    rebuild(backend)
    first = backend.get_index_for_model(models.Book).store.current_generation()
    rebuild(backend)
    rebuild(backend)
    current = backend.get_index_for_model(models.Book).store.current_generation()

    assert current != first
    assert first not in generations(backend)
    assert len(generations(backend)) == 2
    assert titles(backend.search("Reisekosten", models.Book)) == ["Reisekosten"]


def test_searches_during_a_rebuild_still_see_the_old_index(backend):
    backend.add(make_book("Reisekosten"))
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(models.Book))
    new_index = rebuilder.start()
    new_index.add_items(models.Book, list(models.Book.objects.all()))

    assert titles(backend.search("Reisekosten", models.Book)) == ["Reisekosten"]
    rebuilder.finish()
    assert titles(backend.search("Reisekosten", models.Book)) == ["Reisekosten"]


def test_writes_made_while_a_rebuild_runs_reach_the_new_index(backend):
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(models.Book))
    new_index = rebuilder.start()
    new_index.add_items(models.Book, list(models.Book.objects.all()))
    # Saved after the rebuild read the database: only the live index hears of it.
    late = make_book("Nachzügler")
    backend.add(late)
    rebuilder.finish()

    assert titles(backend.search("Nachzügler", models.Book)) == ["Nachzügler"]


def corrupt(backend) -> None:
    store = backend.get_index_for_model(models.Book).store
    generation = store.generation_path(store.ensure_live())
    for path in generation.iterdir():
        path.write_bytes(b"not an index")
    store.forget_searcher()


def test_searching_a_corrupt_index_raises_index_unavailable(backend):
    backend.add(make_book("Reisekosten"))
    corrupt(backend)

    with pytest.raises(IndexUnavailable):
        list(backend.search("Reisekosten", models.Book))
    with pytest.raises(IndexUnavailable):
        backend.search("Reisekosten", models.Book).count()


def test_writes_to_a_corrupt_index_do_not_fail_and_a_rebuild_recovers(backend):
    backend.add(make_book("Reisekosten"))
    corrupt(backend)
    backend.add(make_book("Urlaubsantrag"))  # must not raise: a save never fails for search
    rebuild(backend)

    assert titles(backend.search("Reisekosten", models.Book)) == ["Reisekosten"]
    assert titles(backend.search("Urlaubsantrag", models.Book)) == ["Urlaubsantrag"]


def test_a_write_that_finds_the_index_locked_is_queued_and_applied_by_the_next_writer(
    backend, monkeypatch
):
    monkeypatch.setattr(writes, "WRITE_LOCK_TIMEOUT", 0.0)
    index = backend.get_index_for_model(models.Book)
    other_process_writer = index.store.open_generation(index.store.ensure_live()).writer()
    backend.add(make_book("Reisekosten"))
    assert index.store.queue.has_pending()
    other_process_writer.cancel()

    backend.add(make_book("Urlaubsantrag"))

    assert not index.store.queue.has_pending()
    assert sorted(titles(backend.search("Reisekosten Urlaubsantrag", models.Book))) == [
        "Reisekosten",
        "Urlaubsantrag",
    ]


def test_a_broken_current_pointer_is_reported_and_repaired_by_a_rebuild(backend):
    store = backend.get_index_for_model(models.Book).store
    store.root.mkdir(parents=True)
    store.pointer.mkdir()  # a folder where the symlink should be

    with pytest.raises(IndexUnavailable):
        list(backend.search("x", models.Book))
    backend.add(make_book("Reisekosten"))
    rebuild(backend)
    assert titles(backend.search("Reisekosten", models.Book)) == ["Reisekosten"]


WRITERS = 4
ADVERTS_PER_WRITER = 15


def _write_adverts(index_dir: str, writer: int, force_queue: bool) -> None:
    # Runs in a forked child: no database, only the index.
    from modelsearch.backends import get_search_backend

    if force_queue:
        # Give up on the lock at once, so most writes go through the queue.
        writes.WRITE_LOCK_TIMEOUT = 0.0
    backend = get_search_backend("default")
    for n in range(ADVERTS_PER_WRITER):
        advert = models.AdvertWithCustomUUIDPrimaryKey(
            advert_id=uuid.UUID(int=writer * 1000 + n), text=f"advert w{writer}n{n}"
        )
        backend.add(advert)
    os._exit(0)


@pytest.mark.parametrize("force_queue", [False, True], ids=["waiting", "queueing"])
def test_concurrent_writers_in_several_processes_lose_no_document(backend, index_dir, force_queue):
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_write_adverts, args=(str(index_dir), writer, force_queue))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0

    models.AdvertWithCustomUUIDPrimaryKey.objects.bulk_create(
        models.AdvertWithCustomUUIDPrimaryKey(
            advert_id=uuid.UUID(int=writer * 1000 + n), text=f"advert w{writer}n{n}"
        )
        for writer in range(WRITERS)
        for n in range(ADVERTS_PER_WRITER)
    )
    found = backend.search(MATCH_ALL, models.AdvertWithCustomUUIDPrimaryKey)
    assert found.count() == WRITERS * ADVERTS_PER_WRITER
    for writer in range(WRITERS):
        for n in range(ADVERTS_PER_WRITER):
            results = backend.search(f"w{writer}n{n}", models.AdvertWithCustomUUIDPrimaryKey)
            assert [r.text for r in results] == [f"advert w{writer}n{n}"]
