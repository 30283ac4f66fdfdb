"""Results: the hits of a search, their count and facet counts, read from the live index."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from modelsearch.backends.base import BaseSearchResults, FilterFieldError
from whoosh import fields as wfields
from whoosh import query as wquery
from whoosh import sorting as wsorting
from whoosh.searching import Searcher

from search.backends.whoosh.compiler import is_nothing
from search.backends.whoosh.schema import PK, decode_filter_value
from search.backends.whoosh.store import CORRUPT_INDEX_ERRORS, IndexUnavailable

if TYPE_CHECKING:
    from search.backends.whoosh.writes import WhooshIndex


class WhooshSearchResults(BaseSearchResults):
    supports_facet = True

    @cached_property
    def _index(self) -> WhooshIndex:
        return self.backend.get_index_for_model(self.query_compiler.queryset.model)

    def _search(self, searcher: Searcher, **kwargs: Any) -> Any:
        """Whoosh's results, or None when the filter leaves no document."""
        try:
            docs = None
            if self._filter is not None:
                docs = self._index.store.filter_docs(searcher, self._filter)
                # Whoosh reads an empty filter set as "no filter" (it is falsy).
                if not docs:
                    return None
            return searcher.search(self.query_compiler.get_query(), filter=docs, **kwargs)
        except CORRUPT_INDEX_ERRORS as error:
            self._index.store.forget_searcher()
            raise IndexUnavailable(
                f"Search index {self._index.name} cannot be read: {error}"
            ) from error

    @cached_property
    def _filter(self) -> wquery.Query | None:
        return self.query_compiler.get_filter()

    def _nothing_to_find(self) -> bool:
        return is_nothing(self.query_compiler.get_query()) or (
            self._filter is not None and is_nothing(self._filter)
        )

    def _do_search(self) -> list[models.Model]:
        if self.stop is not None and self.stop <= self.start:
            return []
        if self._nothing_to_find():
            return []
        searcher = self._index.store.searcher()
        sortedby = self.query_compiler.get_sortedby(searcher.schema)
        hits = self._search(searcher, limit=self.stop, sortedby=sortedby)
        if hits is None:
            return []
        page = hits[self.start : self.stop]
        pks = [hit[PK] for hit in page]
        scores = {hit[PK]: hit.score for hit in page}
        objects = {str(obj.pk): obj for obj in self.query_compiler.queryset.filter(pk__in=pks)}
        results = []
        for pk in pks:
            obj = objects.get(pk)
            # An object deleted from the database but not yet from the index is skipped.
            if obj is None:
                continue
            if self._score_field:
                score = scores.get(pk)
                setattr(obj, self._score_field, float(score) if score is not None else None)
            results.append(obj)
        return results

    def _do_count(self) -> int:
        if self._nothing_to_find():
            return 0
        searcher = self._index.store.searcher()
        hits = self._search(searcher, limit=None, scored=False)
        if hits is None:
            return 0
        total = len(hits)
        total -= self.start
        if self.stop is not None:
            total = min(total, self.stop - self.start)
        return max(total, 0)

    def facet(self, field_name: str) -> OrderedDict[Any, int]:
        """Counts of the matching objects per value of a FilterField, most frequent first.

        Objects without a value are counted under ``None``.
        """
        field = self.query_compiler._get_filterable_field(field_name)
        if field is None:
            raise FilterFieldError(
                f'Cannot facet search results with field "{field_name}". Please add '
                f"index.FilterField('{field_name}') to "
                f"{self.query_compiler.queryset.model.__name__}.search_fields.",
                field_name=field_name,
            )
        if self._nothing_to_find():
            return OrderedDict()
        column = self.query_compiler.mapping.filter_column([field])
        searcher = self._index.store.searcher()
        if column.name not in searcher.schema:
            return OrderedDict()
        facet = wsorting.FieldFacet(column.name, allow_overlap=column.multi)
        hits = self._search(
            searcher, limit=None, scored=False, groupedby={"facet": facet}, maptype=wsorting.Count
        )
        if hits is None:
            return OrderedDict()
        counts: dict[Any, int] = defaultdict(int)
        for key, count in hits.groups("facet").items():
            counts[decode_filter_value(column.kind, key)] += count
        return OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))

    def page_with_facets(
        self,
        start: int,
        stop: int,
        facets: Sequence[str] = (),
        month_facets: Sequence[str] = (),
    ) -> HitsPage:
        """One slice of the hits, the total and facet counts, from one pass over the index.

        Returns the primary keys of the hits from ``start`` to ``stop`` (their objects are
        not loaded: the caller loads only what it shows), how many objects match in all, and
        for each FilterField in ``facets`` the counts per value like :meth:`facet`, and for
        each date FilterField in ``month_facets`` counts per "YYYY-MM" in the current time
        zone. Fields without a column are left out of ``facets``.
        """
        if self._nothing_to_find() or stop <= start:
            return HitsPage([], 0, {})
        searcher = self._index.store.searcher()
        groupedby: dict[str, wsorting.FacetType] = {}
        kinds: dict[str, str] = {}
        for field_name in (*facets, *month_facets):
            field = self.query_compiler._get_filterable_field(field_name)
            if field is None:
                raise FilterFieldError(
                    f'Cannot facet search results with field "{field_name}".',
                    field_name=field_name,
                )
            column = self.query_compiler.mapping.filter_column([field])
            if column.name not in searcher.schema:
                continue
            if field_name in month_facets and column.kind == "datetime" and not column.multi:
                groupedby[field_name] = _MonthFacet(column.name)
                kinds[field_name] = "month"
            else:
                groupedby[field_name] = wsorting.FieldFacet(column.name, allow_overlap=column.multi)
                kinds[field_name] = column.kind
        hits = self._search(
            searcher,
            limit=stop,
            sortedby=self.query_compiler.get_sortedby(searcher.schema),
            groupedby=groupedby or None,
            maptype=wsorting.Count,
            # Without block skipping, the one pass also counts every match.
            optimize=False,
        )
        if hits is None:
            return HitsPage([], 0, {})
        counted: dict[str, OrderedDict[Any, int]] = {}
        for name, kind in kinds.items():
            counts: dict[Any, int] = defaultdict(int)
            for key, count in hits.groups(name).items():
                counts[key if kind == "month" else decode_filter_value(kind, key)] += count
            counted[name] = OrderedDict(sorted(counts.items(), key=lambda item: -item[1]))
        pks = [hit[PK] for hit in hits[start:stop]]
        return HitsPage(pks, len(hits), counted)


@dataclass
class HitsPage:
    """What :meth:`WhooshSearchResults.page_with_facets` finds."""

    pks: list[str]
    total: int
    facets: dict[str, OrderedDict[Any, int]]


# Month keys of column values; an index holds few distinct publication moments per month,
# and turning one into local time costs more than counting it.
_MONTH_CACHE_SIZE = 200_000
_months: dict[tuple[str, int], str] = {}


def _month_of(field_type: wfields.FieldType, zone: str, raw: int) -> str:
    """ "YYYY-MM" of a datetime column's raw value in the current time zone; "" for the
    column's default (a document without a value)."""
    key = (zone, raw)
    month = _months.get(key)
    if month is None:
        try:
            moment = decode_filter_value("datetime", field_type.from_column_value(raw))
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            month = f"{moment.year:04d}-{moment.month:02d}"
        except (OverflowError, ValueError, TypeError):
            month = ""
        if len(_months) >= _MONTH_CACHE_SIZE:
            _months.clear()
        _months[key] = month
    return month


class _MonthFacet(wsorting.FieldFacet):
    """Groups documents by the local month of a datetime column."""

    def categorizer(self, global_searcher: Searcher) -> wsorting.Categorizer:
        return _MonthCategorizer(global_searcher, self.fieldname)


class _MonthCategorizer(wsorting.ColumnCategorizer):
    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        super().set_searcher(segment_searcher, docoffset)
        self._zone = timezone.get_current_timezone_name()

    def key_for(self, matcher: Any, segment_docnum: int) -> Any:
        raw = self._creader[segment_docnum]
        month = _months.get((self._zone, raw))
        if month is None:
            month = _month_of(self._fieldobj, self._zone, raw)
        return month or None

    def key_to_name(self, key: Any) -> Any:
        return key
