"""Fixtures for the Whoosh backend's tests: a backend on a fresh index folder."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from modelsearch.backends import get_search_backend
from modelsearch.test.testapp import models

from search.backends.whoosh import WhooshSearchBackend


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "search-index"


@pytest.fixture
def backend(index_dir: Path, settings) -> WhooshSearchBackend:
    # Both names: Wagtail reads WAGTAILSEARCH_BACKENDS, plain modelsearch (and
    # its test suite) MODELSEARCH_BACKENDS.
    backends = {"default": {"BACKEND": "search.backends.whoosh", "PATH": str(index_dir)}}
    settings.WAGTAILSEARCH_BACKENDS = backends
    settings.MODELSEARCH_BACKENDS = backends
    return get_search_backend("default")


def make_book(title: str, summary: str = "", pages: int = 100, **fields) -> models.Book:
    fields.setdefault("publication_date", date(2020, 1, 1))
    return models.Book.objects.create(title=title, summary=summary, number_of_pages=pages, **fields)


def rebuild(backend: WhooshSearchBackend, root_model: type = models.Book) -> None:
    """What ``update_index`` does, for one index only."""
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(root_model))
    index = rebuilder.start()
    for model in (root_model, *root_model.__subclasses__()):
        index.add_items(model, list(model.get_indexed_objects().order_by("pk")))
    rebuilder.finish()


def titles(results: Iterable[models.Book]) -> list[str]:
    return [result.title for result in results]
