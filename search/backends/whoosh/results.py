"""Results: the hits of a search, their count and facet counts, read from the live index.

Ranked text searches and sorts on numeric columns are answered by :mod:`bulk` (the same
hits, totals and facet counts, read a posting list at a time); anything else by Whoosh's
own collector."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Sequence
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

from search.backends.whoosh import bulk
from search.backends.whoosh.compiler import _Ranked, is_nothing
from search.backends.whoosh.schema import PK, FilterColumn, decode_filter_value
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
            raise self._unavailable(error) from error

    def _unavailable(self, error: BaseException) -> IndexUnavailable:
        self._index.store.forget_searcher()
        return IndexUnavailable(f"Search index {self._index.name} cannot be read: {error}")

    def _allowed(self, searcher: Searcher) -> bytes | None:
        """A flag per document: 1 where the filter allows it and it is not deleted; None
        when the filter allows nothing."""
        try:
            data = bulk.searcher_data(searcher)
            if self._filter is None:
                return data.live()
            docs = self._index.store.filter_docs(searcher, self._filter)
            if not docs:
                return None
            return data.allowed(self._filter, docs)
        except CORRUPT_INDEX_ERRORS as error:
            raise self._unavailable(error) from error

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
        top_scores: list[float] = []
        found = self._bulk_hits(searcher, self.stop, top_scores)
        if found is not None:
            try:
                top = found[0][self.start : self.stop]
                pks = [searcher.stored_fields(docnum)[PK] for docnum in top]
            except CORRUPT_INDEX_ERRORS as error:
                raise self._unavailable(error) from error
            kept = top_scores[self.start : self.stop] if top_scores else [None] * len(pks)
            scores = dict(zip(pks, kept, strict=True))
        else:
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
        allowed = self._allowed(searcher)
        if allowed is None:
            return 0
        try:
            total = len(bulk.matching_docs(searcher, self.query_compiler.get_query(), allowed))
        except CORRUPT_INDEX_ERRORS as error:
            raise self._unavailable(error) from error
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
        columns: dict[str, FilterColumn] = {}
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
            columns[field_name] = column
            by_month = field_name in month_facets and column.kind == "datetime"
            kinds[field_name] = "month" if by_month and not column.multi else column.kind
        page = self._bulk_page(searcher, start, stop, columns, kinds)
        if page is not None:
            return page
        groupedby: dict[str, wsorting.FacetType] = {}
        for field_name, column in columns.items():
            if kinds[field_name] == "month":
                groupedby[field_name] = _MonthFacet(column.name)
            else:
                groupedby[field_name] = wsorting.FieldFacet(column.name, allow_overlap=column.multi)
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

    def _bulk_page(
        self,
        searcher: Searcher,
        start: int,
        stop: int,
        columns: dict[str, FilterColumn],
        kinds: dict[str, str],
    ) -> HitsPage | None:
        """The page, total and facets from :mod:`bulk` (single-valued facet columns only);
        None where that cannot answer (Whoosh's own path)."""
        reader = searcher.reader()
        if any(c.multi or not reader.has_column(c.name) for c in columns.values()):
            return None
        found = self._bulk_hits(searcher, stop)
        if found is None:
            return None
        top, docs = found
        facets = [
            bulk.FacetColumn(
                name,
                column.name,
                _months_of(searcher.schema[column.name]) if kinds[name] == "month" else None,
            )
            for name, column in columns.items()
        ]
        try:
            zone = timezone.get_current_timezone_name()
            raw = bulk.count_facets(bulk.searcher_data(searcher), docs, facets, zone)
            pks = [searcher.stored_fields(docnum)[PK] for docnum in top[start:stop]]
        except CORRUPT_INDEX_ERRORS as error:
            raise self._unavailable(error) from error
        counted: dict[str, OrderedDict[Any, int]] = {}
        for name, counts in raw.items():
            kind = kinds[name]
            decoded: dict[Any, int] = defaultdict(int)
            if kind == "month":
                for month, count in counts.items():
                    decoded[month or None] += count
            else:
                field_type = searcher.schema[columns[name].name]
                for value, count in counts.items():
                    key = decode_filter_value(kind, field_type.from_column_value(value))
                    decoded[key] += count
            counted[name] = OrderedDict(sorted(decoded.items(), key=lambda item: -item[1]))
        return HitsPage(pks, len(docs), counted)

    def _bulk_hits(
        self, searcher: Searcher, stop: int | None, scores: list[float] | None = None
    ) -> tuple[list[int], list[int]] | None:
        """The first ``stop`` hits (global document numbers, all when None) in the
        search's order and every hit, from :mod:`bulk`: ranked text queries and sorts on
        numeric columns. With ``scores``, the top hits' scores are added to it. None for
        other queries."""
        query = self.query_compiler.get_query()
        sortedby = self.query_compiler.get_sortedby(searcher.schema)
        ranked = isinstance(query, _Ranked) and sortedby is None
        key = None
        if not ranked:
            key = bulk.sort_keys(searcher, sortedby) if sortedby is not None else None
            if key is None:
                return None
        allowed = self._allowed(searcher)
        if allowed is None:
            return [], []
        try:
            if ranked:
                ranking = bulk.rank(searcher, query, allowed, stop)
                if scores is not None:
                    scores += ranking.scores
                return ranking.top, ranking.docs
            docs = bulk.matching_docs(searcher, query, allowed)
            limit = stop if stop is not None else len(docs)
            return bulk.sorted_top(docs, key, limit), docs
        except CORRUPT_INDEX_ERRORS as error:
            raise self._unavailable(error) from error


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


def _months_of(field_type: wfields.FieldType) -> Callable[[int], str]:
    """raw value of a datetime column -> its "YYYY-MM" in the current time zone ("" for a
    document without a value)."""
    zone = timezone.get_current_timezone_name()

    def month_of(raw: int) -> str:
        month = _months.get((zone, raw))
        return month if month is not None else _month_of(field_type, zone, raw)

    return month_of


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
