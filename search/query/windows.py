"""Asking the backend for one page of hits, the total and facet counts, and paginating them."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from modelsearch.backends.base import FilterFieldError

from search.query.results import SearchHit


@dataclass
class Window:
    """A slice of a search's hits (primary keys), the total, and facet counts by field."""

    pks: list[Any]
    total: int
    facets: dict[str, OrderedDict] = field(default_factory=dict)


def fetch_window(
    found: Any,
    start: int,
    stop: int,
    facet_fields: Sequence[str] = (),
    month_fields: Sequence[str] = (),
) -> Window:
    """One backend call where the backend can (Whoosh: hits, total and facets in one pass);
    elsewhere a count, a slice and one facet call per field."""
    one_pass = getattr(found, "page_with_facets", None)
    if callable(one_pass):
        hits = one_pass(start, stop, facets=facet_fields, month_facets=month_fields)
        return Window(hits.pks, hits.total, hits.facets)
    total = found.count()
    pks = [obj.pk for obj in found[start:stop]] if total and stop > start else []
    counts = {name: _facet(found, name) for name in (*facet_fields, *month_fields)}
    return Window(pks, total, counts if total else {})


def matching_keys(found: Any, limit: int) -> list[Any]:
    """Primary keys of the first `limit` hits of a search (`queryset.search(...)`), without
    loading their objects from the database where the backend can avoid it (Whoosh)."""
    return fetch_window(found, 0, limit).pks if limit > 0 else []


def counts_by(found: Any, field_name: str) -> OrderedDict:
    """How many hits of a search there are per value of a FilterField, most first; one pass
    over the index with Whoosh, nothing loaded from the database."""
    return fetch_window(found, 0, 1, (field_name,)).facets.get(field_name, OrderedDict())


class _FetchedHits:
    """A sequence for Paginator over a window already fetched: its count is the window's
    total and the slice Paginator asks for is converted from the window's keys (another
    window is fetched only if Paginator moved to another page, e.g. past the end)."""

    def __init__(self, found: Any, window: Window, start: int, convert: Any) -> None:
        self.found = found
        self.window = window
        self.start = start
        self.convert = convert

    def count(self) -> int:
        return self.window.total

    def __len__(self) -> int:
        return self.window.total

    def __getitem__(self, key: slice) -> list[SearchHit]:
        start, stop = key.start or 0, key.stop if key.stop is not None else self.window.total
        have = len(self.window.pks)
        if start == self.start and stop - start <= have:
            return self.convert(self.window.pks[: stop - start])
        if stop <= start:
            return []
        return self.convert(fetch_window(self.found, start, stop).pks)


def _first_guess(number: int | str | None) -> int:
    """The page number Paginator will most likely settle on (checked after the search)."""
    try:
        value = int(number) if number not in (None, "") else 1
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value < 10**6 else 1


def paginate(
    found: Any,
    number: int | str | None,
    per_page: int,
    convert: Any,
    facet_fields: Sequence[str] = (),
    month_fields: Sequence[str] = (),
) -> tuple[PaginatorPage, int, dict[str, OrderedDict]]:
    start = (_first_guess(number) - 1) * per_page
    window = fetch_window(found, start, start + per_page, facet_fields, month_fields)
    paginator = Paginator(_FetchedHits(found, window, start, convert), per_page)
    return paginator.get_page(number), window.total, window.facets


def _facet(found: Any, field_name: str) -> OrderedDict:
    """Counts per value, or nothing on a backend (or field) without facets."""
    if not getattr(found, "supports_facet", False):
        return OrderedDict()
    try:
        return found.facet(field_name)
    except (FilterFieldError, NotImplementedError):
        return OrderedDict()
