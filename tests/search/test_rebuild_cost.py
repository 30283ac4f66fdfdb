"""What a rebuild costs per document, counted (not timed): the figures are in bench/search.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from modelsearch.test.testapp import models
from whoosh.filedb.filestore import FileStorage

from search.backends.whoosh import NUMERIC_SHIFT_STEP
from tests.search.conftest import make_book, rebuild, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    start = date(2020, 1, 1)
    return [
        make_book(f"Guide {n}", "about onboarding", pages=n, publication_date=start + timedelta(n))
        for n in range(1, 41)
    ]


def test_a_rebuild_asks_the_file_system_a_bounded_number_of_times(backend, books, monkeypatch):
    # Whoosh asked for a missing length column once per posting of every filter field, so
    # the calls grew with the text; now once per column per segment.
    calls = []
    original = FileStorage.file_exists

    def counting(self, name):
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(FileStorage, "file_exists", counting)
    rebuild(backend)
    assert len(calls) < 100, len(calls)  # 11 here; 764 before


def test_ranges_on_numbers_and_dates_still_find_exactly_what_they_cover(backend, books):
    assert NUMERIC_SHIFT_STEP == 16
    rebuild(backend)
    thin = backend.search("onboarding", models.Book.objects.filter(number_of_pages__lte=7))
    assert sorted(titles(thin)) == sorted(f"Guide {n}" for n in range(1, 8))
    dated = models.Book.objects.filter(
        publication_date__gt=date(2020, 1, 30), publication_date__lt=date(2020, 2, 3)
    )
    found = sorted(titles(backend.search("onboarding", dated)))
    assert found == ["Guide 30", "Guide 31", "Guide 32"]
