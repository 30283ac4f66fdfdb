"""The query compiler: a modelsearch query, queryset filters and ordering as Whoosh queries.

Text queries search every SearchField column with the query's English and German stems;
queryset filters become terms and ranges on FilterField columns (the backend applies them
as a filter, never as scoring); ordering becomes sort facets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, OrderBy, Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from modelsearch.backends.base import (
    BaseSearchQueryCompiler,
    FilterError,
    OrderByFieldError,
    get_model_root,
)
from modelsearch.index import get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import fields as wfields
from whoosh import query as wquery
from whoosh import sorting as wsorting

from search.analyzers import autocomplete_terms, phrase_terms, query_terms, query_words
from search.backends.whoosh.schema import (
    CONTENT_TYPES,
    NULL_COLUMNS,
    PK,
    PK_ORDER,
    WhooshMapping,
    encode_filter_value,
)


class _Filter:
    """A compiled filter. Always truthy: the base class drops falsy child filters."""

    __slots__ = ("query",)

    def __init__(self, query: wquery.Query) -> None:
        self.query = query


class _Or(wquery.Or):
    """Whoosh's Or, always matched as a tree of unions.

    Left to itself, Whoosh preloads the scores of every Or into a 2,048-slot array per
    index segment under 5,000 documents, and a query of three words over a dozen columns
    and two stems nests dozens of Ors: filling those arrays cost most of a search."""

    matcher_type = wquery.Or.DEFAULT_MATCHER


def _match_everything() -> wquery.Query:
    return wquery.Every()


def is_nothing(query: wquery.Query) -> bool:
    return query is wquery.NullQuery


def _negate(query: wquery.Query) -> wquery.Query:
    # Whoosh normalises Not(NullQuery) to NullQuery; "not nothing" is everything.
    if is_nothing(query):
        return _match_everything()
    if isinstance(query, wquery.Every):
        return wquery.NullQuery
    return wquery.Not(query)


def _fuzzy_distance(term: str) -> int:
    # Elasticsearch's "AUTO" fuzziness.
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    """Translates a modelsearch query, queryset filters and ordering into Whoosh terms."""

    DEFAULT_OPERATOR = "or"
    HANDLES_ORDER_BY_EXPRESSIONS = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = WhooshMapping(self.queryset.model)
        self._to_many_lookups: dict[str, int] = defaultdict(int)

    # Text

    def text_columns(self) -> list[tuple[str, float]]:
        """(column, boost) pairs to search."""
        if self.fields:
            searchable = {
                field.field_name: field
                for field in self.queryset.model.get_searchable_search_fields()
            }
            return [
                (self.mapping.column(searchable[name]), float(searchable[name].boost or 1))
                for name in self.fields
                if name in searchable
            ]
        return _text_columns_for(self.queryset.model)

    def _word_clauses(self, text: str, make_term: Any) -> list[wquery.Query]:
        # One clause per query word: any of its stems in any searched column.
        columns = self.text_columns()
        clauses = []
        for word in query_words(text):
            alternatives = [
                make_term(column, term, column_boost)
                for term in query_terms(word)
                for column, column_boost in columns
            ]
            # A stop word is left out, as Elasticsearch leaves out the words
            # its analyser drops.
            if alternatives:
                clauses.append(_Or(alternatives))
        return clauses

    def compile_plain_text(self, text: str, operator: str, boost: float) -> wquery.Query:
        clauses = self._word_clauses(
            text,
            lambda column, term, column_boost: wquery.Term(
                column, term, boost=boost * column_boost
            ),
        )
        if not clauses:
            return wquery.NullQuery
        return wquery.And(clauses) if operator == "and" else _Or(clauses)

    def compile_fuzzy(self, query: Fuzzy, boost: float) -> wquery.Query:
        def fuzzy_term(column: str, term: str, column_boost: float) -> wquery.Query:
            return wquery.FuzzyTerm(
                column,
                term,
                boost=boost * column_boost,
                maxdist=_fuzzy_distance(term),
                prefixlength=1,
            )

        clauses = self._word_clauses(query.query_string, fuzzy_term)
        if not clauses:
            return wquery.NullQuery
        return wquery.And(clauses) if query.operator == "and" else _Or(clauses)

    def compile_phrase(self, text: str, boost: float) -> wquery.Query:
        positions = phrase_terms(text)
        if not positions:
            return wquery.NullQuery
        alternatives: list[wquery.Query] = []
        for column, column_boost in self.text_columns():
            column_boost *= boost
            if len(positions) == 1:
                alternatives += [wquery.Term(column, t, boost=column_boost) for t in positions[0]]
            elif all(len(terms) == 1 for terms in positions):
                words = [terms[0] for terms in positions]
                alternatives.append(wquery.Phrase(column, words, boost=column_boost))
            else:
                # Words whose English and German stems differ: either stem may
                # stand at that position.
                steps = [_Or([wquery.Term(column, t) for t in terms]) for terms in positions]
                alternatives.append(wquery.Sequence(steps, boost=column_boost))
        return _Or(alternatives)

    def compile(self, query: Any, boost: float = 1.0) -> wquery.Query:
        if isinstance(query, MatchAll):
            return wquery.Every()
        if isinstance(query, PlainText):
            return self.compile_plain_text(query.query_string, query.operator, boost * query.boost)
        if isinstance(query, Phrase):
            return self.compile_phrase(query.query_string, boost)
        if isinstance(query, Fuzzy):
            return self.compile_fuzzy(query, boost)
        if isinstance(query, Boost):
            return self.compile(query.subquery, boost * query.boost)
        if isinstance(query, And):
            parts = [self.compile(sub, boost) for sub in query.subqueries]
            if any(is_nothing(part) for part in parts):
                return wquery.NullQuery
            return wquery.And(parts)
        if isinstance(query, Or):
            parts = [self.compile(sub, boost) for sub in query.subqueries]
            parts = [part for part in parts if not is_nothing(part)]
            return _Or(parts) if parts else wquery.NullQuery
        if isinstance(query, Not):
            return _negate(self.compile(query.subquery, boost))
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the Whoosh search backend."
        )

    def get_query(self) -> wquery.Query:
        return self.compile(self.query)

    # Filters

    def _process_filter(
        self, column: Any, lookup: str, value: Any, check_only: bool = False
    ) -> Any:
        field_path = self._get_filter_field_path_for_column(column)
        if check_only:
            return None
        result = self._process_lookup(field_path, lookup, value)
        if result is None:
            raise FilterError(
                f'Could not apply filter on search results: "{column.target.attname}__{lookup} = '
                f'{value}". Lookup "{lookup}" not recognised.'
            )
        if self.mapping.filter_column(field_path).multi:
            self._to_many_lookups[column.alias] += 1
        return result

    def _process_lookup(self, field_path: Sequence[Any], lookup: str, value: Any) -> _Filter | None:
        column = self.mapping.filter_column(field_path)
        name, kind = column.name, column.kind
        numeric = kind != "str"

        def encode(item: Any) -> Any:
            return encode_filter_value(kind, item)

        if lookup == "exact":
            if isinstance(value, (Query, Subquery)):
                value = self._run_subquery(value, SINGLE)
                if value is None:
                    return _Filter(wquery.NullQuery)
            return _Filter(wquery.Term(name, encode(value)))
        if lookup == "isnull":
            is_null = wquery.Term(NULL_COLUMNS, name)
            return _Filter(is_null if value else wquery.Not(is_null))
        if lookup in ("startswith", "prefix") and not numeric:
            return _Filter(wquery.Prefix(name, str(value)))
        if lookup in ("gt", "gte", "lt", "lte"):
            bound = encode(value)
            lower = bound if lookup in ("gt", "gte") else None
            upper = bound if lookup in ("lt", "lte") else None
            return _Filter(self._range(name, numeric, lower, upper, lookup == "gt", lookup == "lt"))
        if lookup == "range":
            lower, upper = value
            return _Filter(self._range(name, numeric, encode(lower), encode(upper), False, False))
        if lookup == "in":
            if isinstance(value, (Query, Subquery)):
                values = self._run_subquery(value, MULTI)
            else:
                values = list(value)
            terms = [wquery.Term(name, encode(item)) for item in values if item is not None]
            return _Filter(wquery.Or(terms) if terms else wquery.NullQuery)
        return None

    @staticmethod
    def _range(
        name: str, numeric: bool, lower: Any, upper: Any, lower_excl: bool, upper_excl: bool
    ) -> wquery.Query:
        if numeric:
            return wquery.NumericRange(name, lower, upper, startexcl=lower_excl, endexcl=upper_excl)
        return wquery.TermRange(name, lower, upper, startexcl=lower_excl, endexcl=upper_excl)

    def _run_subquery(self, value: Query | Subquery, result_type: str) -> Any:
        db_alias = self.queryset._db or DEFAULT_DB_ALIAS
        query = value.query if isinstance(value, Subquery) else value
        result = query.get_compiler(db_alias).execute_sql(result_type=result_type)
        if result_type == SINGLE:
            return result[0] if result else None
        return [row[0] for chunk in result for row in chunk]

    def _process_match_none(self) -> _Filter:
        return _Filter(wquery.NullQuery)

    def _connect_filters(self, filters: list[_Filter], connector: str, negated: bool) -> _Filter:
        queries = [item.query for item in filters if item is not None]
        if not queries:
            combined: wquery.Query = _match_everything()
        elif len(queries) == 1:
            combined = queries[0]
        elif connector == "AND":
            combined = (
                wquery.NullQuery if any(is_nothing(q) for q in queries) else wquery.And(queries)
            )
        else:
            kept = [q for q in queries if not is_nothing(q)]
            combined = wquery.Or(kept) if kept else wquery.NullQuery
        return _Filter(_negate(combined) if negated else combined)

    def get_filter(self) -> wquery.Query | None:
        """The Whoosh filter for the queryset and model; None when nothing is filtered out."""
        self._to_many_lookups.clear()
        compiled = self._get_filters_from_queryset()
        queryset_filter = compiled.query if compiled is not None else None
        if any(count > 1 for count in self._to_many_lookups.values()):
            # Several conditions on one to-many relation must hold for the same
            # related row ("a book from 1954 with over 400 pages"); flattened
            # columns cannot tell, so let the database pick the objects.
            pks = list(self.queryset.values_list("pk", flat=True))
            queryset_filter = (
                wquery.Or([wquery.Term(PK, str(pk)) for pk in pks]) if pks else wquery.NullQuery
            )
        parts = []
        if get_model_root(self.queryset.model) is not self.queryset.model:
            parts.append(wquery.Term(CONTENT_TYPES, self.mapping.content_type()))
        if queryset_filter is not None and not isinstance(queryset_filter, wquery.Every):
            parts.append(queryset_filter)
        if any(is_nothing(part) for part in parts):
            return wquery.NullQuery
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wquery.And(parts)

    # Ordering

    def _get_order_by(self) -> Iterator[tuple[bool, Any]]:
        if self.order_by_relevance:
            return
        for item in self.queryset.query.order_by:
            reverse = False
            if isinstance(item, OrderBy):
                # F("title").asc(nulls_first=True) and the like: sortable when
                # the expression is a plain field reference.
                if not isinstance(item.expression, F):
                    raise OrderByFieldError(
                        f'Sorting search results with "{item}" is not supported by this '
                        "search backend.",
                        field_name=str(item),
                    )
                reverse = item.descending
                field_name = item.expression.name
            else:
                field_name = item
                if field_name.startswith("-"):
                    reverse = True
                    field_name = field_name[1:]
            field = self._get_filterable_field(field_name)
            if field is None:
                if field_name in ("pk", self.queryset.model._meta.pk.attname):
                    yield reverse, PK_ORDER
                    continue
                raise OrderByFieldError(
                    f'Cannot sort search results with field "{field_name}". Please add '
                    f'index.FilterField("{field_name}") to '
                    f"{self.queryset.model.__name__}.search_fields.",
                    field_name=field_name,
                )
            yield reverse, field

    def get_sortedby(self, schema: wfields.Schema) -> Any:
        """A Whoosh sort facet, or None to order by relevance."""
        if self.order_by_relevance:
            return None
        if not self.queryset.ordered:
            # Like Elasticsearch: newest objects first when nothing else is asked for.
            return wsorting.FieldFacet(PK_ORDER, reverse=True)
        facets = []
        for reverse, field in self._get_order_by():
            name = field if isinstance(field, str) else self.mapping.filter_column([field]).name
            if name in schema:
                facets.append(wsorting.FieldFacet(name, reverse=reverse))
        if not facets:
            return None
        return facets[0] if len(facets) == 1 else wsorting.MultiFacet(facets)


# Searching a model searches the columns of the model and all its indexed
# subclasses. Walking every model's search_fields per query would cost more
# than the query, and models do not change while a process runs.
_text_columns: dict[type[models.Model], list[tuple[str, float]]] = {}
_edge_columns: dict[type[models.Model], list[str]] = {}


def _text_columns_for(model: type[models.Model]) -> list[tuple[str, float]]:
    columns = _text_columns.get(model)
    if columns is None:
        found: dict[str, float] = {}
        for indexed in get_indexed_models():
            if issubclass(indexed, model):
                found.update(WhooshMapping(indexed).text_columns())
        columns = _text_columns[model] = sorted(found.items())
    return columns


def _edge_columns_for(model: type[models.Model]) -> list[str]:
    columns = _edge_columns.get(model)
    if columns is None:
        found: set[str] = set()
        for indexed in get_indexed_models():
            if issubclass(indexed, model):
                found.update(WhooshMapping(indexed).edge_columns())
        columns = _edge_columns[model] = sorted(found)
    return columns


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Matches what a user has typed so far against the edge n-grams of AutocompleteFields."""

    def edge_columns(self) -> list[str]:
        if not self.fields:
            return _edge_columns_for(self.queryset.model)
        autocomplete = {
            field.field_name: field
            for field in self.queryset.model.get_autocomplete_search_fields()
        }
        return [
            self.mapping.column(autocomplete[name]) for name in self.fields if name in autocomplete
        ]

    def compile(self, query: Any, boost: float = 1.0) -> wquery.Query:
        if isinstance(query, MatchAll):
            return wquery.Every()
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{query.__class__.__name__}` is not supported for autocomplete queries."
            )
        columns = self.edge_columns()
        clauses = [
            _Or([wquery.Term(column, term) for column in columns])
            for term in autocomplete_terms(query.query_string)
        ]
        if not clauses or not columns:
            return wquery.NullQuery
        return wquery.And(clauses) if query.operator == "and" else _Or(clauses)
