"""The search service: one place that turns a user's query into what that user may see.

The search page, the JSON suggestions, the saved-search feed and the expert finder all call
`search_content` (or `suggest`), so every search surface filters through the one visibility
rule, `intranet.access.searchable_pages`, which the backend compiles into an index filter:
counts, facets and pagination are computed on what the user may open, and no private title
ever leaves the index.

It knows content only through Wagtail's index declarations: pages are `IntranetPage`
subclasses (their type facet comes from the content types found), people are the indexed
`Profile` model when it is indexed. Works on every modelsearch backend (Whoosh, database,
Elasticsearch/OpenSearch); facets are read only where the backend offers them.
"""

from __future__ import annotations

import calendar
import datetime
import html
import logging
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from modelsearch.backends.base import FilterFieldError
from modelsearch.index import SearchField, class_is_indexed
from wagtail.search.backends import get_search_backend

from intranet.access import is_employee, searchable_pages
from intranet.models import IntranetPage, SpacePage

if TYPE_CHECKING:
    from intranet.access import AnyUser

logger = logging.getLogger(__name__)

#: Longer queries are cut: nobody types more, and every word costs index lookups.
MAX_QUERY_LENGTH = 200
#: At most this many words of a query are searched for, for the same reason.
MAX_QUERY_WORDS = 16
#: The `types` value that selects people (profiles) rather than a page type.
PERSON_TYPE = "person"
#: How many people the first page of mixed results shows next to the pages.
PEOPLE_ON_FIRST_PAGE = 5
SNIPPET_LENGTH = 240
#: The FilterFields counted for the page facets, and the one counted per month.
PAGE_FACET_FIELDS = ("content_type_id", "space_id", "owner_id")
PAGE_MONTH_FACET_FIELDS = ("first_published_at",)

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:[.'’]\w+)*")
# Characters that are query syntax on some backends; PlainText queries treat them as text,
# but we drop them from what we pass on so no backend ever parses them.
_SYNTAX = re.compile(r"[\"*()\[\]{}:^~!?\\/+<>=|&]")


def normalize_query(raw: str | None) -> str:
    """The query as searched: syntax characters dropped, whitespace collapsed, cut short."""
    text = _SYNTAX.sub(" ", (raw or "")[: MAX_QUERY_LENGTH * 4])
    words = text.split()[:MAX_QUERY_WORDS]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


# --- results -------------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchHit:
    """One result as every search surface shows it (title, type, space, author, date, snippet)."""

    kind: str  # the `types` value: "wiki.wikipage", ..., or "person"
    type_label: str
    title: str
    url: str
    snippet: SafeString
    space_title: str = ""
    space_url: str = ""
    author_name: str = ""
    author_url: str = ""
    date: datetime.datetime | datetime.date | None = None
    obj: Any = None


@dataclass
class SearchResults:
    query: str
    page: PaginatorPage | None = None  # a page of SearchHit
    total: int = 0
    people: list[SearchHit] = field(default_factory=list)  # shown beside page 1 of pages
    people_total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str = ""
    filters: dict[str, str] = field(default_factory=dict)  # the valid filters applied

    @property
    def hits(self) -> list[SearchHit]:
        return list(self.page.object_list) if self.page is not None else []

    @property
    def found_anything(self) -> bool:
        return bool(self.total or self.people_total)


# --- the service ---------------------------------------------------------------------------


def search_content(
    user: AnyUser,
    q: str,
    *,
    types: Sequence[str] | None = None,
    space: int | str | None = None,
    author: str | None = None,
    department: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int | str | None = 1,
    per_page: int = 20,
    facets: bool = True,
    people: bool = True,
) -> SearchResults:
    """Search everything `user` may open for `q`.

    Filters: `types` ("wiki.wikipage", "blogs.blogpostpage", "intranet.spacepage", ...
    or "person"), `space` (space page id), `author` (username), `department` (slug),
    `date_from`/`date_to` (first publication, inclusive). Unknown filter values are ignored,
    out-of-range pages are clamped. Raises the backend's own "index unavailable" error
    (e.g. `search.backends.whoosh.IndexUnavailable`) when the index cannot be read; callers
    show that as "search is being rebuilt".

    The cost does not grow with the index beyond the backend's own: the backend is asked
    once for the hits of the page shown, the total and the facet counts (Whoosh does that
    in one pass), and only the shown hits are loaded from the database, in a fixed number
    of queries.
    """
    query = normalize_query(q)
    results = SearchResults(query=query)
    if not query or not is_employee(user):
        return results
    per_page = max(1, int(per_page))

    page_types = _page_types()
    wanted = [t for t in (types or []) if t in page_types or t == PERSON_TYPE]
    author_user = _find_author(author)
    department_obj = _find_department(department)
    space_id = _find_space_id(user, space)
    filters: dict[str, str] = {}
    if wanted:
        filters["type"] = wanted[0]
    if space_id is not None:
        filters["space"] = str(space_id)
    if author_user is not None:
        filters["author"] = author_user.get_username()
    if department_obj is not None:
        filters["department"] = department_obj.slug
    if date_from is not None:
        filters["date_from"] = date_from.isoformat()
    if date_to is not None:
        filters["date_to"] = date_to.isoformat()
    results.filters = filters

    only_people = wanted[:1] == [PERSON_TYPE]
    # People have no space, author or date: filtering on those means "pages only".
    page_only_filter = space_id is not None or author_user is not None or date_from or date_to
    want_people = people and not page_only_filter and (not wanted or only_people)

    profiles: QuerySet | None = None
    if want_people and (profile_model := _profile_model()) is not None:
        profiles = profile_model.objects.filter(user__is_active=True)
        if department_obj is not None:
            profiles = profiles.filter(department_id=department_obj.pk)

    if only_people:
        if profiles is None:
            return results
        found_people = get_search_backend().search(query, profiles)
        convert = partial(_person_hits, query=query)
        results.page, results.total, _counts = _paginate(found_people, page, per_page, convert)
        results.facets = _people_facets(results, facets)
        _maybe_correct_spelling(results, [profiles])
        return results

    model = page_types[wanted[0]] if wanted else IntranetPage
    pages = searchable_pages(user, model=model)
    if space_id is not None:
        pages = pages.filter(space_id=space_id)
    if author_user is not None:
        pages = pages.filter(owner=author_user.pk)
    if department_obj is not None:
        pages = pages.filter(owner__in=_department_member_ids(department_obj))
    if date_from is not None:
        pages = pages.filter(first_published_at__gte=_day_start(date_from))
    if date_to is not None:
        pages = pages.filter(first_published_at__lt=_day_start(date_to + datetime.timedelta(1)))
    found = pages.search(query)

    convert = partial(_page_hits, pages=pages, query=query)
    facet_fields = PAGE_FACET_FIELDS if facets else ()
    month_fields = PAGE_MONTH_FACET_FIELDS if facets else ()
    results.page, results.total, counts = _paginate(
        found, page, per_page, convert, facet_fields, month_fields
    )
    if profiles is not None:
        # The total always (it is the people facet's count); the first few only on page 1.
        first_page = results.page.number == 1
        window = _window(
            get_search_backend().search(query, profiles),
            0,
            PEOPLE_ON_FIRST_PAGE if first_page else 1,
        )
        results.people_total = window.total
        if first_page:
            results.people = _person_hits(window.pks, query=query)
    if facets and results.total:
        results.facets = _page_facets(counts, results, page_types)
    elif facets and results.people_total:
        results.facets = _people_facets(results, True)
    _maybe_correct_spelling(results, [pages] + ([profiles] if profiles is not None else []))
    return results


def suggest(user: AnyUser, q: str, *, limit: int = 8) -> list[dict[str, str]]:
    """Titles (pages, then people) starting with what `user` has typed, for the search box."""
    query = normalize_query(q)
    if len(query) < 2 or not is_employee(user):
        return []
    suggestions: list[dict[str, str]] = []
    searchable = searchable_pages(user)
    pages = searchable.autocomplete(query)[:limit]
    for page in _load_pages(searchable, [p.pk for p in pages]):
        suggestions.append(
            {"title": page.title, "url": page.url or "", "type": _type_label(page.specific_class)}
        )
    profile_model = _profile_model()
    room = limit - len(suggestions)
    if profile_model is not None and room > 0:
        active = profile_model.objects.filter(user__is_active=True)
        profiles = get_search_backend().autocomplete(query, active)[:room]
        for hit in _person_hits(profiles):
            suggestions.append({"title": hit.title, "url": hit.url, "type": hit.type_label})
    return suggestions


# --- helpers: filters ----------------------------------------------------------------------


def _page_types() -> dict[str, type[IntranetPage]]:
    """Every concrete, indexed IntranetPage type, keyed "app_label.modelname"."""
    found: dict[str, type[IntranetPage]] = {}
    for model in apps.get_models():
        if issubclass(model, IntranetPage) and class_is_indexed(model):
            found[model._meta.label_lower] = model
    return found


def _type_label(model: type[Model] | None) -> str:
    if model is None:
        return ""
    return str(capfirst(model._meta.verbose_name))


def _profile_model() -> type[Model] | None:
    try:
        model = apps.get_model("profiles", "Profile")
    except LookupError:
        return None
    return model if class_is_indexed(model) else None


def _find_author(username: str | None) -> Any:
    if not username:
        return None
    return get_user_model().objects.filter(username=username[:150], is_active=True).first()


def _find_department(slug: str | None) -> Any:
    if not slug:
        return None
    try:
        department_model = apps.get_model("profiles", "Department")
    except LookupError:
        return None
    return department_model.objects.filter(slug=slug[:100]).first()


def _department_member_ids(department: Any) -> list[int]:
    profile_model = apps.get_model("profiles", "Profile")
    return list(
        profile_model.objects.filter(department=department).values_list("user_id", flat=True)
    )


def _find_space_id(user: AnyUser, space: int | str | None) -> int | None:
    """The space's id if it exists and `user` may see it; unknown or hidden spaces are
    ignored exactly alike, so the filter never confirms that a hidden space exists."""
    try:
        space_id = int(space) if space not in (None, "") else None
    except (TypeError, ValueError):
        return None
    # Ids beyond the database's integer range cannot exist (and would overflow the query).
    if space_id is not None and not 0 < space_id < 2**31:
        return None
    if space_id is None or not searchable_pages(user, SpacePage).filter(pk=space_id).exists():
        return None
    return space_id


def _day_start(day: datetime.date) -> datetime.datetime:
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- helpers: turning index hits into SearchHits --------------------------------------------


@dataclass
class _Window:
    """A slice of a search's hits (primary keys), the total, and facet counts by field."""

    pks: list[Any]
    total: int
    facets: dict[str, OrderedDict] = field(default_factory=dict)


def _window(
    found: Any,
    start: int,
    stop: int,
    facet_fields: Sequence[str] = (),
    month_fields: Sequence[str] = (),
) -> _Window:
    """One backend call where the backend can (Whoosh: hits, total and facets in one pass);
    elsewhere a count, a slice and one facet call per field."""
    one_pass = getattr(found, "page_with_facets", None)
    if callable(one_pass):
        hits = one_pass(start, stop, facets=facet_fields, month_facets=month_fields)
        return _Window(hits.pks, hits.total, hits.facets)
    total = found.count()
    pks = [obj.pk for obj in found[start:stop]] if total and stop > start else []
    counts = {name: _facet(found, name) for name in (*facet_fields, *month_fields)}
    return _Window(pks, total, counts if total else {})


def matching_keys(found: Any, limit: int) -> list[Any]:
    """Primary keys of the first `limit` hits of a search (`queryset.search(...)`), without
    loading their objects from the database where the backend can avoid it (Whoosh)."""
    return _window(found, 0, limit).pks if limit > 0 else []


def counts_by(found: Any, field_name: str) -> OrderedDict:
    """How many hits of a search there are per value of a FilterField, most first; one pass
    over the index with Whoosh, nothing loaded from the database."""
    return _window(found, 0, 1, (field_name,)).facets.get(field_name, OrderedDict())


class _FetchedHits:
    """A sequence for Paginator over a window already fetched: its count is the window's
    total and the slice Paginator asks for is converted from the window's keys (another
    window is fetched only if Paginator moved to another page, e.g. past the end)."""

    def __init__(self, found: Any, window: _Window, start: int, convert: Any) -> None:
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
        return self.convert(_window(self.found, start, stop).pks)


def _first_guess(number: int | str | None) -> int:
    """The page number Paginator will most likely settle on (checked after the search)."""
    try:
        value = int(number) if number not in (None, "") else 1
    except (TypeError, ValueError):
        return 1
    return value if 1 <= value < 10**6 else 1


def _paginate(
    found: Any,
    number: int | str | None,
    per_page: int,
    convert: Any,
    facet_fields: Sequence[str] = (),
    month_fields: Sequence[str] = (),
) -> tuple[PaginatorPage, int, dict[str, OrderedDict]]:
    start = (_first_guess(number) - 1) * per_page
    window = _window(found, start, start + per_page, facet_fields, month_fields)
    paginator = Paginator(_FetchedHits(found, window, start, convert), per_page)
    return paginator.get_page(number), window.total, window.facets


def _load_pages(queryset: QuerySet, pks: Sequence[Any]) -> list[IntranetPage]:
    """The specific pages for `pks` that `queryset` (the user's searchable pages) still
    holds, in that order: one query, plus one per page type."""
    if not pks:
        return []
    pages = queryset.filter(pk__in=list(pks)).specific()
    by_pk = {str(page.pk): page for page in pages}
    return [by_pk[str(pk)] for pk in pks if str(pk) in by_pk]


def _page_hits(pks: Sequence[Any], pages: QuerySet, query: str = "") -> list[SearchHit]:
    loaded = _load_pages(pages, pks)
    space_ids = {page.space_id for page in loaded if page.space_id}
    spaces = {space.pk: space for space in SpacePage.objects.filter(pk__in=space_ids)}
    authors = _authors({page.owner_id for page in loaded if page.owner_id})
    hits = []
    for page in loaded:
        space = spaces.get(page.space_id) if page.space_id else None
        author = authors.get(page.owner_id) if page.owner_id else None
        hits.append(
            SearchHit(
                kind=page._meta.label_lower,
                type_label=_type_label(type(page)),
                title=page.title,
                url=page.url or "",
                snippet=highlight(_page_text(page), query),
                space_title=space.title if space and space.pk != page.pk else "",
                space_url=(space.url or "") if space and space.pk != page.pk else "",
                author_name=author[1] if author else "",
                author_url=f"/people/{author[0]}/" if author else "",
                date=getattr(page, "date", None) or page.first_published_at,
                obj=page,
            )
        )
    return hits


def _authors(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(username, display name) per user id, in one query."""
    if not user_ids:
        return {}
    users = get_user_model().objects.filter(pk__in=user_ids)
    return {
        user.pk: (user.get_username(), user.get_full_name() or user.get_username())
        for user in users
    }


def _page_text(page: IntranetPage) -> str:
    """The page's searchable text besides the title, as plain text (never its HTML)."""
    parts = []
    for search_field in page.search_fields:
        if isinstance(search_field, SearchField) and search_field.field_name != "title":
            value = getattr(page, search_field.field_name, None)
            if isinstance(value, str) and value:
                # Block ends become spaces so paragraphs do not run together; entities are
                # decoded here because the snippet escapes the text again.
                spaced = _BLOCK_END.sub(" ", value)
                parts.append(html.unescape(strip_tags(spaced)))
    return " ".join(" ".join(parts).split())


def _person_hits(found: Iterable[Any], query: str = "") -> list[SearchHit]:
    """Hits for profiles (objects or primary keys), in that order, in one query."""
    pks = [str(getattr(obj, "pk", obj)) for obj in found]
    if not pks:
        return []
    profile_model = apps.get_model("profiles", "Profile")
    # Checked in the database too: the index may not know yet that someone left.
    profiles = profile_model.objects.filter(pk__in=pks, user__is_active=True)
    profiles = profiles.select_related("user", "department")
    by_pk = {str(profile.pk): profile for profile in profiles}
    hits = []
    for pk in pks:
        profile = by_pk.get(pk)
        if profile is None:
            continue
        details = [getattr(profile, "job_title", ""), getattr(profile, "ask_me_about", "")]
        hits.append(
            SearchHit(
                kind=PERSON_TYPE,
                type_label=str(capfirst(profile_model._meta.verbose_name)),
                title=getattr(profile, "display_name", "") or profile.user.get_username(),
                url=profile.get_absolute_url(),
                snippet=highlight(" · ".join(d for d in details if d), query),
                space_title=profile.department.name if profile.department_id else "",
                obj=profile,
            )
        )
    return hits


# --- helpers: facets -------------------------------------------------------------------------


def _facet(found: Any, field_name: str) -> OrderedDict:
    """Counts per value, or nothing on a backend (or field) without facets."""
    if not getattr(found, "supports_facet", False):
        return OrderedDict()
    try:
        return found.facet(field_name)
    except (FilterFieldError, NotImplementedError):
        return OrderedDict()


def _page_facets(
    counts: dict[str, OrderedDict],
    results: SearchResults,
    page_types: dict[str, type[IntranetPage]],
) -> dict[str, list[FacetValue]]:
    selected = results.filters
    facets: dict[str, list[FacetValue]] = {}

    def counted(name: str) -> OrderedDict:
        return counts.get(name) or OrderedDict()

    by_type = counted("content_type_id")
    type_values = []
    for content_type_id, count in by_type.items():
        if content_type_id is None:
            continue
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        if model is None or model._meta.label_lower not in page_types:
            continue
        label = model._meta.label_lower
        type_values.append(
            FacetValue(label, _type_label(model), count, selected.get("type") == label)
        )
    if results.people_total and not selected.get("type"):
        type_values.append(FacetValue(PERSON_TYPE, _people_label(), results.people_total))
    facets["type"] = type_values

    by_space = {k: v for k, v in counted("space_id").items() if k is not None}
    titles = dict(SpacePage.objects.filter(pk__in=list(by_space)).values_list("pk", "title"))
    facets["space"] = [
        FacetValue(str(pk), titles[int(pk)], count, selected.get("space") == str(pk))
        for pk, count in by_space.items()
        if int(pk) in titles
    ]

    by_owner = {int(k): v for k, v in counted("owner_id").items() if k is not None}
    users = get_user_model().objects.filter(pk__in=list(by_owner))
    usernames = {user.pk: user for user in users}
    facets["author"] = [
        FacetValue(
            usernames[pk].get_username(),
            usernames[pk].get_full_name() or usernames[pk].get_username(),
            count,
            selected.get("author") == usernames[pk].get_username(),
        )
        for pk, count in by_owner.items()
        if pk in usernames
    ][:15]
    facets["department"] = _department_facet(by_owner, selected.get("department"))
    facets["date"] = _date_facet(counted("first_published_at"), selected)
    return {name: values for name, values in facets.items() if values}


def _people_label() -> str:
    profile_model = _profile_model()
    if profile_model is None:
        return ""
    return str(capfirst(profile_model._meta.verbose_name_plural))


def _people_facets(results: SearchResults, wanted: bool) -> dict[str, list[FacetValue]]:
    if not wanted or not results.people_total and not results.total:
        return {}
    count = results.total if results.filters.get("type") == PERSON_TYPE else results.people_total
    return {
        "type": [
            FacetValue(
                PERSON_TYPE,
                _people_label(),
                count,
                results.filters.get("type") == PERSON_TYPE,
            )
        ]
    }


def _department_facet(by_owner: dict[int, int], selected: str | None) -> list[FacetValue]:
    """Pages per author's department: each page has one owner, so summing is exact."""
    try:
        profile_model = apps.get_model("profiles", "Profile")
    except LookupError:
        return []
    rows = profile_model.objects.filter(user_id__in=list(by_owner), department__isnull=False)
    counts: Counter[tuple[str, str]] = Counter()
    for user_id, slug, name in rows.values_list("user_id", "department__slug", "department__name"):
        counts[(slug, name)] += by_owner[user_id]
    return [
        FacetValue(slug, name, count, selected == slug)
        for (slug, name), count in counts.most_common(15)
    ]


def _date_facet(by_moment: OrderedDict, selected: dict[str, str]) -> list[FacetValue]:
    """Counts per month of first publication, newest first; the value is "YYYY-MM"."""
    months: Counter[str] = Counter()
    for moment, count in by_moment.items():
        if moment is None:
            continue
        if isinstance(moment, str) and re.fullmatch(r"\d{4}-\d{2}", moment):
            months[moment] += count  # already a month (the Whoosh backend counts by month)
            continue
        if isinstance(moment, str):
            moment = datetime.datetime.fromisoformat(moment)
        if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        months[f"{moment.year:04d}-{moment.month:02d}"] += count
    chosen = ""
    if selected.get("date_from") and selected.get("date_to"):
        chosen = selected["date_from"][:7]
    values = []
    for month in sorted(months, reverse=True)[:24]:
        year, number = (int(part) for part in month.split("-"))
        label = f"{calendar.month_abbr[number]} {year}"
        values.append(FacetValue(month, label, months[month], chosen == month))
    return values


def month_range(value: str | None) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day of a "YYYY-MM" or "YYYY" value, or None if it is not one."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", (value or "").strip())
    if not match:
        return None
    year = int(match.group(1))
    if not 1900 <= year <= 2999:
        return None
    if match.group(2) is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    month = int(match.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


# --- helpers: snippets and spelling -----------------------------------------------------------


def query_stems(query: str) -> set[str]:
    """The index terms of the query's words, so "Medien" marks "Medium" in a snippet."""
    from search.analyzers import query_terms, query_words

    stems: set[str] = set()
    for word in query_words(query):
        stems.update(query_terms(word))
    return stems


def highlight(text: str, query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """`text` cut to a window around its first match, escaped, with matched words in <mark>.

    The text is escaped word by word before marking, so stored HTML is never rendered."""
    from search.analyzers import query_terms

    if not text:
        return SafeString("")
    stems = query_stems(query)
    # A text repeats its words: each is looked up once.
    seen: dict[str, bool] = {}

    def matches(word: str) -> bool:
        found = seen.get(word)
        if found is None:
            found = seen[word] = not stems.isdisjoint(query_terms(word))
        return found

    start = 0
    for match in _WORD.finditer(text):
        if matches(match.group(0)):
            start = max(0, match.start() - length // 3)
            break
    if start:
        # Begin the window at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = text[start : start + length]
    cut = Truncator(window).chars(length) if len(text) - start > length else window
    out: list[str] = ["…" if start else ""]
    position = 0
    for match in _WORD.finditer(cut):
        out.append(html.escape(cut[position : match.start()]))
        word = match.group(0)
        out.append(f"<mark>{html.escape(word)}</mark>" if matches(word) else html.escape(word))
        position = match.end()
    out.append(html.escape(cut[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped


def _maybe_correct_spelling(results: SearchResults, querysets: list[QuerySet]) -> None:
    """Offer "did you mean" when nothing was found, from the backend's spelling corrector
    (`suggest_spelling`, Whoosh's corrector over the index's own words). The corrector only
    offers words that occur in what `querysets` (the reader's searchable pages and people,
    filters included) hold, so a word from a page the reader cannot open is never
    suggested. Backends without a corrector (database, Elasticsearch) suggest nothing."""
    if results.found_anything or not results.query:
        return
    corrector = getattr(get_search_backend(), "suggest_spelling", None)
    if not callable(corrector):
        return
    try:
        candidate = normalize_query(str(corrector(results.query, querysets) or ""))
    except Exception:  # noqa: BLE001 - a broken corrector must not break search
        logger.warning("Spelling suggestion failed for a query", exc_info=True)
        return
    if candidate and candidate.lower() != results.query.lower():
        results.did_you_mean = candidate
