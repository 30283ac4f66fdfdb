"""Field mapping and schema: how a model's ``search_fields`` become Whoosh columns.

A model's FilterFields become typed columns (numbers for ids, dates and flags), its
SearchFields bilingual text columns, its AutocompleteFields edge n-gram columns; related
fields are flattened into ``<relation>__<column>``. :class:`WhooshMapping` names the columns
and builds each object's document; :func:`build_schema` is the schema of one root model's
index (the model and every indexed subclass).
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from modelsearch.backends.base import FilterError, get_model_root
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    get_indexed_models,
)
from whoosh import fields as wfields
from whoosh.analysis import RegexTokenizer

from search.analyzers import (
    LANGUAGES,
    bilingual_analyzer,
    edge_ngram_analyzer,
    mark_language,
    spelling_analyzer,
)

logger = logging.getLogger(__name__)

# Reserved columns: Django forbids "__" in field names, so these cannot clash
# with a model's own columns.
PK = "pk"
PK_ORDER = "pk__order"
CONTENT_TYPES = "content__types"
NULL_COLUMNS = "null__columns"
# The unstemmed words of every SearchField, for the spelling corrector ("did you mean").
SPELLING = "spelling__words"

# Separates the values of a multi-valued keyword column, so values may contain
# spaces and commas ("Frodo Baggins").
VALUE_SEPARATOR = "\x1f"
_MULTI_VALUE_ANALYZER = RegexTokenizer(r"[^\x1f]+")

_EPOCH = datetime.datetime(1970, 1, 1)
_MICROSECOND = datetime.timedelta(microseconds=1)

_INT_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}
_FLOAT_TYPES = {"FloatField", "DecimalField"}
_BOOL_TYPES = {"BooleanField", "NullBooleanField"}
_DATETIME_TYPES = {"DateTimeField", "DateField"}
_TIME_TYPES = {"TimeField"}


def _kind_for_django_type(internal_type: str) -> str:
    if internal_type in _INT_TYPES:
        return "int"
    if internal_type in _FLOAT_TYPES:
        return "float"
    if internal_type in _BOOL_TYPES:
        return "bool"
    if internal_type in _DATETIME_TYPES:
        return "datetime"
    if internal_type in _TIME_TYPES:
        return "time"
    return "str"


# Values


def _to_naive_utc(value: datetime.datetime) -> datetime.datetime:
    if timezone.is_aware(value):
        return timezone.make_naive(value, datetime.UTC)
    return value


def encode_filter_value(kind: str, value: Any) -> Any:
    """Turn a Python value into what a filter column of this kind stores."""
    if isinstance(value, models.Model):
        value = value.pk
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "bool":
        if isinstance(value, str):
            return int(value.lower() in ("1", "true", "t", "yes"))
        return int(bool(value))
    if kind == "datetime":
        if isinstance(value, str):
            value = parse_datetime(value) or parse_date(value)
            if value is None:
                raise FilterError(f"Not a date: {value!r}")
        if not isinstance(value, datetime.datetime):
            value = datetime.datetime.combine(value, datetime.time.min)
        return (_to_naive_utc(value) - _EPOCH) // _MICROSECOND
    if kind == "time":
        if isinstance(value, str):
            value = parse_time(value)
        if isinstance(value, datetime.datetime):
            value = value.time()
        return (
            value.hour * 3600 + value.minute * 60 + value.second
        ) * 1_000_000 + value.microsecond
    return str(value)


def decode_filter_value(kind: str, value: Any) -> Any:
    """The inverse of :func:`encode_filter_value`, for facet keys."""
    if value is None or value == "":
        return None
    if kind == "bool":
        return bool(value)
    if kind == "datetime":
        moment = _EPOCH + value * _MICROSECOND
        return moment.replace(tzinfo=datetime.UTC) if settings.USE_TZ else moment
    if kind == "time":
        seconds, micro = divmod(value, 1_000_000)
        return datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)
    return value


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set)):
        return "\n".join(_text_of(item) for item in value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def _to_many(django_field: Any) -> bool:
    return bool(
        getattr(django_field, "many_to_many", False) or getattr(django_field, "one_to_many", False)
    )


# Mapping: model search_fields <-> Whoosh columns


@dataclass(frozen=True)
class FilterColumn:
    """A filterable column: its Whoosh name, value kind and whether it holds several values."""

    name: str
    kind: str
    multi: bool


class WhooshMapping:
    """Names the Whoosh columns of one model's search_fields and builds its documents."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model

    def _prefix(self, field: Any) -> str:
        # Fields that a subclass defines get the subclass's name in front, so
        # two subclasses may use one field name with different types.
        root = get_model_root(self.model)
        definition = field.get_definition_model(self.model)
        if definition is None or definition is root:
            return ""
        return f"{definition._meta.app_label.lower()}_{definition.__name__.lower()}__"

    def column(self, field: Any) -> str:
        if isinstance(field, RelatedFields):
            return self._prefix(field) + field.field_name
        name = self._prefix(field) + field.get_attname(self.model)
        if isinstance(field, FilterField):
            return name + "_filter"
        if isinstance(field, AutocompleteField):
            return name + "_edgengrams"
        return name

    def content_type(self) -> str:
        return f"{self.model._meta.app_label}.{self.model.__name__}"

    def all_content_types(self) -> list[str]:
        content_types = [self.content_type()]
        parent = self.model.indexed_get_parent()
        while parent is not None:
            content_types.append(f"{parent._meta.app_label}.{parent.__name__}")
            parent = parent.indexed_get_parent()
        return content_types

    def _filter_kind(self, field: FilterField) -> tuple[str, bool]:
        kind = _kind_for_django_type(field.get_type(self.model))
        try:
            multi = _to_many(field.get_field(self.model))
        except FieldDoesNotExist:
            multi = False
        return kind, multi

    def filter_column(self, field_path: Sequence[Any]) -> FilterColumn:
        """The column for a path of RelatedFields ending in a FilterField."""
        mapping: WhooshMapping = self
        name = ""
        multi = False
        for related in field_path[:-1]:
            django_field = related.get_field(mapping.model)
            multi = multi or _to_many(django_field)
            name += mapping.column(related) + "__"
            mapping = WhooshMapping(django_field.related_model)
        kind, field_multi = mapping._filter_kind(field_path[-1])
        return FilterColumn(name + mapping.column(field_path[-1]), kind, multi or field_multi)

    # Schema

    def schema_fields(self) -> dict[str, wfields.FieldType]:
        """The Whoosh field types this model's documents use, by column name."""
        columns: dict[str, wfields.FieldType] = {}
        self._collect_schema(self.model.get_search_fields(), "", False, columns, top_level=True)
        return columns

    def _collect_schema(
        self,
        search_fields: Iterable[Any],
        prefix: str,
        multi: bool,
        columns: dict[str, wfields.FieldType],
        top_level: bool,
    ) -> None:
        for field in search_fields:
            name = prefix + self.column(field)
            if isinstance(field, RelatedFields):
                try:
                    django_field = field.get_field(self.model)
                except FieldDoesNotExist:
                    continue
                WhooshMapping(django_field.related_model)._collect_schema(
                    field.fields, name + "__", multi or _to_many(django_field), columns, False
                )
            elif isinstance(field, FilterField):
                kind, field_multi = self._filter_kind(field)
                columns[name] = _filter_field_type(kind, multi or field_multi)
            elif isinstance(field, AutocompleteField):
                columns[name] = _edge_field_type()
            elif isinstance(field, SearchField):
                # The English copy of short top-level fields (titles, names) is
                # stored, so a results page can highlight it without the database.
                stored = top_level and self._is_short_text(field)
                columns[name] = _text_field_type(stored=stored)

    def _is_short_text(self, field: SearchField) -> bool:
        try:
            return self.model._meta.get_field(field.field_name).get_internal_type() == "CharField"
        except FieldDoesNotExist:
            return False

    def text_columns(self) -> list[tuple[str, float]]:
        """(column, boost) of every SearchField, related ones included."""
        return [
            (name, float(field.boost or 1.0))
            for name, field in self._leaf_fields(self.model.get_search_fields(), "")
            if isinstance(field, SearchField)
        ]

    def edge_columns(self) -> list[str]:
        """Every AutocompleteField column, related ones included."""
        return [
            name
            for name, field in self._leaf_fields(self.model.get_search_fields(), "")
            if isinstance(field, AutocompleteField)
        ]

    def _leaf_fields(self, search_fields: Iterable[Any], prefix: str) -> Iterator[tuple[str, Any]]:
        """(column, field) of every field that is not a RelatedFields, walking into those."""
        for field in search_fields:
            name = prefix + self.column(field)
            if not isinstance(field, RelatedFields):
                yield name, field
                continue
            try:
                related_model = field.get_field(self.model).related_model
            except FieldDoesNotExist:
                continue
            yield from WhooshMapping(related_model)._leaf_fields(field.fields, name + "__")

    # Documents

    def document(self, obj: models.Model) -> dict[str, Any]:
        """The Whoosh document for one object, JSON-serialisable."""
        builder = _DocumentBuilder(_document_language(obj))
        self._add_fields(builder, obj, self.model.get_search_fields(), "")
        doc = builder.finish()
        doc[PK] = str(obj.pk)
        doc[PK_ORDER] = obj.pk if isinstance(obj.pk, int) else str(obj.pk)
        doc[CONTENT_TYPES] = " ".join(self.all_content_types())
        return doc

    def _add_fields(
        self,
        builder: _DocumentBuilder,
        obj: models.Model,
        search_fields: Iterable[Any],
        prefix: str,
    ) -> None:
        for field in search_fields:
            name = prefix + self.column(field)
            if isinstance(field, RelatedFields):
                self._add_related(builder, obj, field, name)
                continue
            value = field.get_value(obj)
            if isinstance(field, FilterField):
                kind, _multi = self._filter_kind(field)
                builder.add_filter(name, kind, value)
            elif isinstance(field, AutocompleteField):
                builder.add_text(name, _text_of(value))
            elif isinstance(field, SearchField):
                text = _text_of(value)
                # The object's own text is in its language; related objects' (an
                # author's name, a tag) is not marked.
                top_level = not prefix
                stored = top_level and self._is_short_text(field)
                builder.add_text(name, text, in_language=top_level, stored=stored)
                builder.add_spelling(text)

    def _add_related(
        self, builder: _DocumentBuilder, obj: models.Model, field: RelatedFields, name: str
    ) -> None:
        try:
            value = field.get_value(obj)
        except FieldDoesNotExist:
            return
        if isinstance(value, (models.Manager, models.QuerySet)):
            related_objects: list[Any] = list(value.all())
        elif isinstance(value, models.Model):
            related_objects = [value]
        else:
            related_objects = []
        if not related_objects:
            # No related row: its filter columns count as null (for __isnull).
            related_model = field.get_field(self.model).related_model
            WhooshMapping(related_model)._mark_null(builder, field.fields, name + "__")
        for related in related_objects:
            WhooshMapping(type(related))._add_fields(builder, related, field.fields, name + "__")

    def _mark_null(
        self, builder: _DocumentBuilder, search_fields: Iterable[Any], prefix: str
    ) -> None:
        for field in search_fields:
            name = prefix + self.column(field)
            if isinstance(field, FilterField):
                builder.seen_filters.add(name)
            elif isinstance(field, RelatedFields):
                try:
                    related_model = field.get_field(self.model).related_model
                except FieldDoesNotExist:
                    continue
                WhooshMapping(related_model)._mark_null(builder, field.fields, name + "__")


# Whoosh stores a "_stored_<column>" value instead of the indexed one when given.
STORED_PREFIX = "_stored_"


def _document_language(obj: models.Model) -> str | None:
    """The language an object's text is written in (its `language` field), if the index
    knows it: its text is then analysed in that language only."""
    value = getattr(obj, "language", None)
    if not isinstance(value, str):
        return None
    code = value.split("-")[0].lower()
    return code if code in LANGUAGES else None


class _DocumentBuilder:
    """Collects the values of one document; related objects add to the same columns."""

    def __init__(self, language: str | None = None) -> None:
        self.language = language
        self.in_language: set[str] = set()
        self.stored: set[str] = set()
        self.texts: dict[str, list[str]] = defaultdict(list)
        self.filters: dict[str, list[Any]] = defaultdict(list)
        self.seen_filters: set[str] = set()
        self.spelling: list[str] = []

    def add_spelling(self, text: str) -> None:
        if text:
            self.spelling.append(text)

    def add_text(
        self, name: str, text: str, in_language: bool = False, stored: bool = False
    ) -> None:
        if text:
            self.texts[name].append(text)
            if in_language and self.language:
                self.in_language.add(name)
                if stored:
                    self.stored.add(name)

    def add_filter(self, name: str, kind: str, value: Any) -> None:
        self.seen_filters.add(name)
        if isinstance(value, (models.Manager, models.QuerySet)):
            value = list(value.values_list("pk", flat=True))
        values = value if isinstance(value, (list, tuple, set)) else [value]
        for item in values:
            if item is None:
                continue
            try:
                self.filters[name].append(encode_filter_value(kind, item))
            except (TypeError, ValueError, FilterError):
                logger.warning("Cannot index %r in search column %s", item, name)

    def finish(self) -> dict[str, Any]:
        doc: dict[str, Any] = {name: "\n".join(parts) for name, parts in self.texts.items()}
        for name in self.in_language:
            # Stored columns keep the text as written; the indexed copy carries the marker.
            if name in self.stored:
                doc[STORED_PREFIX + name] = doc[name]
            doc[name] = mark_language(doc[name], self.language)
        nulls = []
        for name in sorted(self.seen_filters):
            values = self.filters.get(name)
            if not values:
                nulls.append(name)
            elif len(values) == 1:
                doc[name] = values[0]
            else:
                doc[name] = values
        doc[NULL_COLUMNS] = " ".join(nulls)
        if self.spelling:
            doc[SPELLING] = "\n".join(self.spelling)
        return doc


def _text_field_type(stored: bool = False) -> wfields.FieldType:
    return wfields.TEXT(analyzer=bilingual_analyzer(), phrase=True, stored=stored)


def short_text_columns(schema: wfields.Schema) -> list[str]:
    """The text columns of short top-level fields (titles, names): the stored ones, as only
    those are stored (see ``WhooshMapping._collect_schema``)."""
    return [
        name
        for name, field_type in schema.items()
        if isinstance(field_type, wfields.TEXT) and field_type.stored
    ]


def _edge_field_type() -> wfields.FieldType:
    return wfields.TEXT(analyzer=edge_ngram_analyzer(), phrase=False)


# Whoosh indexes a number once per "tier" for fast ranges: 64 bits at its default step of 4
# bits makes 16 terms per value, and the many id and date columns of a page then made three
# quarters of all postings in a rebuild. Steps of 16 bits make 4 terms per value; a range
# query walks at most the values that exist within one tier, which the index's sizes keep
# small.
NUMERIC_SHIFT_STEP = 16


def _numeric_field_type(numtype: type, sortable: bool) -> wfields.FieldType:
    return wfields.NUMERIC(
        numtype=numtype, bits=64, signed=True, sortable=sortable, shift_step=NUMERIC_SHIFT_STEP
    )


def _filter_field_type(kind: str, multi: bool) -> wfields.FieldType:
    # Multi-valued columns cannot be sortable: a sort column holds one value per document.
    sortable = not multi
    if kind in ("int", "bool", "datetime", "time"):
        return _numeric_field_type(int, sortable)
    if kind == "float":
        return _numeric_field_type(float, sortable)
    if multi:
        return wfields.ID(analyzer=_MULTI_VALUE_ANALYZER)
    return wfields.ID(sortable=True)


def build_schema(root_model: type[models.Model]) -> wfields.Schema:
    """The schema of a root model's index: its own columns and those of every indexed subclass."""
    columns: dict[str, wfields.FieldType] = {}
    for model in get_indexed_models():
        if issubclass(model, root_model):
            columns.update(WhooshMapping(model).schema_fields())
    pk_field = root_model._meta.pk
    while pk_field.remote_field is not None:
        pk_field = pk_field.target_field
    pk_is_int = pk_field.get_internal_type() in _INT_TYPES
    schema = wfields.Schema()
    schema.add(PK, wfields.ID(stored=True, unique=True))
    schema.add(
        PK_ORDER,
        _numeric_field_type(int, sortable=True) if pk_is_int else wfields.ID(sortable=True),
    )
    schema.add(CONTENT_TYPES, wfields.KEYWORD(lowercase=False, commas=False, scorable=False))
    schema.add(NULL_COLUMNS, wfields.KEYWORD(lowercase=False, commas=False, scorable=False))
    schema.add(SPELLING, wfields.TEXT(analyzer=spelling_analyzer(), phrase=False))
    for name, field_type in sorted(columns.items()):
        if name not in schema:
            schema.add(name, field_type)
    return schema


_schemas: dict[type[models.Model], wfields.Schema] = {}


def schema_for(root_model: type[models.Model]) -> wfields.Schema:
    # Building a schema walks every indexed model; the models do not change
    # while a process runs.
    schema = _schemas.get(root_model)
    if schema is None:
        schema = _schemas[root_model] = build_schema(root_model)
    return schema
