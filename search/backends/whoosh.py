"""A modelsearch (Wagtail search) backend that keeps its index in Whoosh.

Configure it as::

    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": "/var/lib/intranet/search"},
    }
    MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS

(Wagtail's ``wagtail.search`` app reads ``WAGTAILSEARCH_BACKENDS``; a project
that installs plain ``modelsearch`` instead reads ``MODELSEARCH_BACKENDS``.)

Layout on disk, one folder per root model (``wagtailcore_page``, ...)::

    PATH/<index>/current        symlink to the live generation
    PATH/<index>/gen-<id>/      a complete Whoosh index
    PATH/<index>/queue.sqlite3  writes waiting for the write lock (see search.index_queue)
    PATH/<index>/rebuild.lock   held by the one rebuild that may run at a time

``update_index`` builds a new generation next to the live one and switches the
symlink with ``os.replace``, so searches never see a half-built index.

Searches raise :class:`IndexUnavailable` when the live index cannot be read
(deleted, corrupt, unreadable); views catch it and tell the reader that search
is being rebuilt. Writes never raise for that reason: they are queued and the
next writer, or ``update_index``, applies them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import fcntl
import logging
import os
import pickle
import secrets
import shutil
import struct
import threading
import time
import zlib
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, OrderBy, Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from modelsearch.backends.base import (
    BaseIndex,
    BaseSearchBackend,
    BaseSearchQueryCompiler,
    BaseSearchResults,
    FilterError,
    FilterFieldError,
    OrderByFieldError,
    get_model_root,
)
from modelsearch.index import (
    AutocompleteField,
    FilterField,
    RelatedFields,
    SearchField,
    class_is_indexed,
    get_indexed_models,
)
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import fields as wfields
from whoosh import index as windex
from whoosh import query as wquery
from whoosh import sorting as wsorting
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.idsets import BitSet
from whoosh.index import LockError
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher
from whoosh.writing import IndexWriter

from search.analyzers import (
    LANGUAGES,
    autocomplete_terms,
    bilingual_analyzer,
    edge_ngram_analyzer,
    mark_language,
    phrase_terms,
    query_terms,
    query_words,
    spelling_analyzer,
    spelling_words,
)
from search.index_queue import IndexQueue, Operation

logger = logging.getLogger(__name__)


def _cached_reader(self, fieldname, column):
    """Whoosh's own version caches the column readers it finds but not the columns a segment
    lacks, so every posting of a field without a length column (each filter field) asks the
    file system again: a third of a rebuild's time went to stat() calls. A segment's files
    never change once written, so a missing column stays missing for this reader."""
    try:
        return self._readers[fieldname]
    except KeyError:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
        return reader


W3PerDocReader._cached_reader = _cached_reader


class IndexUnavailable(Exception):  # noqa: N818 - the name says what the view tells the reader
    """The search index cannot be read right now (missing, corrupt or being repaired).

    Raised when search results are evaluated (iterating, ``count()``,
    ``facet()``), never when they are built, so a view wraps the code that
    reads the results. Running ``manage.py update_index`` rebuilds the index
    and ends the condition.
    """


# How long a web process waits for another process's write lock before it
# queues its write instead. Long enough to ride out a typical commit, short
# enough not to stall a request.
WRITE_LOCK_TIMEOUT = 0.5
WRITE_LOCK_DELAY = 0.02

# From this many documents a rebuild indexes in several processes.
PARALLEL_REBUILD_THRESHOLD = 2000

# Errors that mean the files on disk are missing, truncated or not an index.
_CORRUPT_INDEX_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    windex.IndexError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
)

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
_VALUE_SEPARATOR = "\x1f"
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
        return self._collect_text_columns(self.model.get_search_fields(), "")

    def _collect_text_columns(
        self, search_fields: Iterable[Any], prefix: str
    ) -> list[tuple[str, float]]:
        columns = []
        for field in search_fields:
            name = prefix + self.column(field)
            if isinstance(field, RelatedFields):
                try:
                    related_model = field.get_field(self.model).related_model
                except FieldDoesNotExist:
                    continue
                columns += WhooshMapping(related_model)._collect_text_columns(
                    field.fields, name + "__"
                )
            elif isinstance(field, SearchField):
                columns.append((name, float(field.boost or 1.0)))
        return columns

    def edge_columns(self) -> list[str]:
        """Every AutocompleteField column, related ones included."""
        return self._collect_edge_columns(self.model.get_search_fields(), "")

    def _collect_edge_columns(self, search_fields: Iterable[Any], prefix: str) -> list[str]:
        columns = []
        for field in search_fields:
            name = prefix + self.column(field)
            if isinstance(field, RelatedFields):
                try:
                    related_model = field.get_field(self.model).related_model
                except FieldDoesNotExist:
                    continue
                columns += WhooshMapping(related_model)._collect_edge_columns(
                    field.fields, name + "__"
                )
            elif isinstance(field, AutocompleteField):
                columns.append(name)
        return columns

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
_STORED = "_stored_"


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
                doc[_STORED + name] = doc[name]
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


# Storage: generations, the live pointer, locks


@dataclass
class _CachedSearcher:
    generation: str
    searcher: Searcher
    # Filter query -> matching document numbers, for this searcher only.
    filters: OrderedDict[wquery.Query, BitSet] = dataclasses.field(default_factory=OrderedDict)


# Turning a filter into document numbers walks every matching document in
# Python (about 1 ms per 1,000 documents); the same filters come back again
# and again (visibility rules, live pages), so the sets are kept per searcher.
FILTER_CACHE_SIZE = 64


# Searchers are reused across queries (opening one reads every segment's
# metadata) but not across threads: a Whoosh searcher is not thread-safe.
_local = threading.local()


class IndexStore:
    """The folder of one index: its generations, live pointer, queue and locks."""

    def __init__(self, root: Path, schema_factory: Any) -> None:
        self.root = root
        self._schema_factory = schema_factory
        self.queue = IndexQueue(root / "queue.sqlite3")

    @property
    def pointer(self) -> Path:
        return self.root / "current"

    def generation_path(self, generation: str) -> Path:
        return self.root / generation

    def current_generation(self) -> str | None:
        """The live generation's folder name, or None if there is no live index yet."""
        try:
            return os.readlink(self.pointer)
        except FileNotFoundError:
            return None
        except OSError as error:
            # "current" exists but is not a symlink: left by hand or by a broken copy.
            raise IndexUnavailable(f"Search index pointer {self.pointer} is broken") from error

    def open_generation(self, generation: str) -> windex.FileIndex:
        path = self.generation_path(generation)
        try:
            return windex.open_dir(str(path))
        except _CORRUPT_INDEX_ERRORS as error:
            raise IndexUnavailable(f"Search index {path} cannot be opened: {error}") from error

    def create_generation(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        generation = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        path = self.generation_path(generation)
        path.mkdir()
        windex.create_in(str(path), self._schema_factory())
        return generation

    def swap(self, generation: str) -> str | None:
        """Make ``generation`` live atomically; return the one it replaced."""
        previous = None
        try:
            previous = self.current_generation()
        except IndexUnavailable:
            # A real folder called "current": move it aside so the symlink can replace it.
            os.replace(self.pointer, self.root / f"broken-{secrets.token_hex(4)}")
        temporary = self.root / f"current-{secrets.token_hex(4)}"
        os.symlink(generation, temporary)
        os.replace(temporary, self.pointer)
        return previous

    def remove_old_generations(self, keep: set[str | None]) -> None:
        # Keep the generation just replaced: other processes may be finishing a
        # search on it; they reopen on the new one at their next search.
        for path in self.root.iterdir():
            is_old = path.name.startswith(("gen-", "broken-")) and path.name not in keep
            if is_old and path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)

    def ensure_live(self) -> str:
        """The live generation, made empty on first use so a fresh install can search and index."""
        generation = self.current_generation()
        if generation is not None:
            return generation
        lock = self.rebuild_lock(blocking=False)
        if not lock.acquire():
            # The first rebuild is running; it makes the index live when done.
            raise IndexUnavailable(f"Search index {self.root} is being built")
        try:
            generation = self.current_generation()
            if generation is None:
                generation = self.create_generation()
                self.swap(generation)
                logger.info("Created an empty search index in %s", self.root)
        finally:
            lock.release()
        return generation

    # Locks

    def rebuild_lock(self, blocking: bool = True) -> _FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return _FileLock(self.root / "rebuild.lock", blocking=blocking)

    def rebuild_running(self) -> bool:
        lock = self.rebuild_lock(blocking=False)
        if lock.acquire():
            lock.release()
            return False
        return True

    # Searching

    def searcher(self) -> Searcher:
        """A searcher on the live generation, reused while that generation is unchanged."""
        try:
            generation = self.ensure_live()
        except OSError as error:
            raise IndexUnavailable(
                f"Search index {self.root} cannot be created: {error}"
            ) from error
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.get(self.root)
        try:
            if cached is not None and cached.generation == generation:
                if not cached.searcher.up_to_date():
                    # Whoosh's refresh() fails on a searcher over an empty index (its
                    # EmptyReader has no segments): reopen instead.
                    old = cached.searcher
                    cached.searcher = self.open_generation(generation).searcher()
                    old.close()
                    cached.filters.clear()
                return cached.searcher
            if cached is not None:
                cached.searcher.close()
                del cache[self.root]
            searcher = self.open_generation(generation).searcher()
        except IndexUnavailable:
            cache.pop(self.root, None)
            raise
        except _CORRUPT_INDEX_ERRORS as error:
            cache.pop(self.root, None)
            raise IndexUnavailable(f"Search index {self.root} cannot be read: {error}") from error
        cache[self.root] = _CachedSearcher(generation, searcher)
        return searcher

    def filter_docs(self, searcher: Searcher, query: wquery.Query) -> BitSet:
        """The documents a filter matches, remembered while the searcher is current."""
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.get(self.root)
        filters = cached.filters if cached is not None and cached.searcher is searcher else None
        if filters is not None and query in filters:
            filters.move_to_end(query)
            return filters[query]
        docs = BitSet(searcher.docs_for_query(query), size=searcher.doc_count_all())
        if filters is not None:
            filters[query] = docs
            if len(filters) > FILTER_CACHE_SIZE:
                filters.popitem(last=False)
        return docs

    def forget_searcher(self) -> None:
        cache: dict[Path, _CachedSearcher] = _local.__dict__.setdefault("searchers", {})
        cached = cache.pop(self.root, None)
        if cached is not None:
            with contextlib.suppress(*_CORRUPT_INDEX_ERRORS):
                cached.searcher.close()


class _FileLock:
    """An exclusive flock on a file, held by this open file (so also between threads)."""

    def __init__(self, path: Path, blocking: bool = True) -> None:
        self.path = path
        self.blocking = blocking
        self._fd: int | None = None

    def acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if self.blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> _FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


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
                if key in names or (key.startswith(_STORED) and key[len(_STORED) :] in names)
            }
            writer.update_document(**_whoosh_values(doc, writer.schema))


def _whoosh_values(doc: dict[str, Any], schema: wfields.Schema) -> dict[str, Any]:
    # Multi-valued keyword columns take one string with separators; JSON has
    # no sets, and documents travel through the queue as JSON.
    for name, value in doc.items():
        if isinstance(value, list) and isinstance(schema[name], wfields.ID):
            doc[name] = _VALUE_SEPARATOR.join(str(item) for item in value)
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
        return _schema_for(self.root_model)

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
        """
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
        except (IndexUnavailable, *_CORRUPT_INDEX_ERRORS):
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
            except (IndexUnavailable, *_CORRUPT_INDEX_ERRORS):
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


_schemas: dict[type[models.Model], wfields.Schema] = {}


def _schema_for(root_model: type[models.Model]) -> wfields.Schema:
    # Building a schema walks every indexed model; the models do not change
    # while a process runs.
    schema = _schemas.get(root_model)
    if schema is None:
        schema = _schemas[root_model] = build_schema(root_model)
    return schema


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


# Queries


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


def _is_nothing(query: wquery.Query) -> bool:
    return query is wquery.NullQuery


def _negate(query: wquery.Query) -> wquery.Query:
    # Whoosh normalises Not(NullQuery) to NullQuery; "not nothing" is everything.
    if _is_nothing(query):
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
            if any(_is_nothing(part) for part in parts):
                return wquery.NullQuery
            return wquery.And(parts)
        if isinstance(query, Or):
            parts = [self.compile(sub, boost) for sub in query.subqueries]
            parts = [part for part in parts if not _is_nothing(part)]
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
                wquery.NullQuery if any(_is_nothing(q) for q in queries) else wquery.And(queries)
            )
        else:
            kept = [q for q in queries if not _is_nothing(q)]
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
        if any(_is_nothing(part) for part in parts):
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


# Results


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
        except _CORRUPT_INDEX_ERRORS as error:
            self._index.store.forget_searcher()
            raise IndexUnavailable(
                f"Search index {self._index.name} cannot be read: {error}"
            ) from error

    @cached_property
    def _filter(self) -> wquery.Query | None:
        return self.query_compiler.get_filter()

    def _nothing_to_find(self) -> bool:
        return _is_nothing(self.query_compiler.get_query()) or (
            self._filter is not None and _is_nothing(self._filter)
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


# Backend


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # A broken index must not fail the save that triggered the write; writes
    # are queued instead, and anything unforeseen is logged by modelsearch.
    catch_indexing_errors = True

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        path = params.get("PATH") or getattr(settings, "SEARCH_INDEX_DIR", None)
        if not path:
            raise ImproperlyConfigured(
                'The Whoosh search backend needs "PATH" (the folder for its index) '
                "in its settings entry."
            )
        self.path = Path(path).resolve()

    def get_index_for_model(self, model: type[models.Model]) -> WhooshIndex:
        return WhooshIndex(self, get_model_root(model))

    def suggest_spelling(
        self, text: str, querysets: Sequence[models.QuerySet], *, candidates: int = 8
    ) -> str:
        """``text`` with its unknown words corrected by Whoosh's spelling corrector, or "".

        The corrector reads the index's own words (the unstemmed words of every
        SearchField). A word counts as known, and a correction is only offered, if it
        occurs in an object of one of ``querysets`` (filters included): so a word that
        only a private page contains is never suggested to someone who cannot open it.
        """
        words = query_words(text)
        if not words or not querysets:
            return ""
        scopes = [scope for qs in querysets if (scope := self._spelling_scope(qs)) is not None]
        if not scopes:
            return ""

        def visible(word: str) -> bool:
            return any(_has_visible_doc(searcher, allowed, word) for searcher, allowed in scopes)

        corrected = []
        changed = False
        for word in words:
            lowered = word.lower()
            if len(lowered) < 3 or not spelling_words(lowered) or visible(lowered):
                corrected.append(word)
                continue
            found = ""
            maxdist = 1 if len(lowered) <= 4 else 2
            options: dict[str, int] = {}
            for searcher, _allowed in scopes:
                corrector = searcher.reader().corrector(SPELLING)
                for option in corrector.suggest(
                    lowered, limit=candidates, maxdist=maxdist, prefix=1
                ):
                    options[option] = min(
                        options.get(option, maxdist + 1), _edit_distance(lowered, option)
                    )
            for option in sorted(options, key=lambda option: options[option]):
                if visible(option):
                    found = option
                    break
            if found:
                corrected.append(found)
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else ""

    def _spelling_scope(self, queryset: models.QuerySet) -> tuple[Searcher, BitSet | None] | None:
        """The searcher of the queryset's index and the documents the queryset allows."""
        index = self.get_index_for_model(queryset.model)
        compiler = self.query_compiler_class(queryset, MatchAll())
        searcher = index.store.searcher()
        if SPELLING not in searcher.schema:
            return None
        try:
            query_filter = compiler.get_filter()
        except _CORRUPT_INDEX_ERRORS as error:
            raise IndexUnavailable(f"Search index {index.name} cannot be read") from error
        if query_filter is None:
            return searcher, None
        if _is_nothing(query_filter):
            return None
        return searcher, index.store.filter_docs(searcher, query_filter)


def _has_visible_doc(searcher: Searcher, allowed: BitSet | None, word: str) -> bool:
    """Whether an allowed (and undeleted) document contains ``word`` in its spelling words."""
    reader = searcher.reader()
    try:
        postings = searcher.postings(SPELLING, word)
    except (KeyError, TermNotFound):
        return False
    for docnum in postings.all_ids():
        if (allowed is None or docnum in allowed) and not reader.is_deleted(docnum):
            return True
    return False


def _edit_distance(first: str, second: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), for ranking corrections."""
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


SearchBackend = WhooshSearchBackend
