"""The search service: `search_content` for the result pages, `suggest` for the search box."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

from search import registry
from search.query.facets import (
    PAGE_FACET_FIELDS,
    PAGE_MONTH_FACET_FIELDS,
    page_facets,
    people_facets,
)
from search.query.filters import (
    day_start,
    department_member_ids,
    find_author,
    find_department,
    find_space_id,
    indexed_page_types,
    people_model,
)
from search.query.hits import load_pages, page_hits, person_hits, type_label
from search.query.results import PERSON_TYPE, SearchResults
from search.query.spelling import Spelling, forgive
from search.query.text import normalize_query
from search.query.windows import fetch_window, paginate

if TYPE_CHECKING:
    from wagtail.models import Page

    from search.registry import AnyUser

#: How many people the first page of mixed results shows next to the pages.
PEOPLE_ON_FIRST_PAGE = 5


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
    spelling: Spelling = "correct",
) -> SearchResults:
    """Search everything `user` may open for `q`.

    Filters: `types` ("wiki.wikipage", "blogs.blogpostpage", "intranet.spacepage", ...
    or "person"), `space` (space page id), `author` (username), `department` (slug),
    `date_from`/`date_to` (first publication, inclusive). Unknown filter values are ignored,
    out-of-range pages are clamped. Raises the backend's own "index unavailable" error
    (e.g. `search.backends.whoosh.IndexUnavailable`) when the index cannot be read; callers
    show that as "search is being rebuilt".

    Misspelled words are forgiven (see `search.query.spelling.forgive`): with `spelling=
    "correct"` the results are those of the corrected query (`results.corrected_from` holds
    what was typed), with "suggest" only `results.did_you_mean` is set, with "off" neither.

    The cost does not grow with the index beyond the backend's own: the backend is asked
    once for the hits of the page shown, the total and the facet counts (Whoosh does that
    in one pass), and only the shown hits are loaded from the database, in a fixed number
    of queries.
    """
    query = normalize_query(q)
    if not query or not registry.pages().may_search(user):
        return SearchResults(query=query)
    scope = _scope(user, types, space, author, department, date_from, date_to, people)
    run = partial(_run, scope, page=page, per_page=max(1, int(per_page)), facets=facets)
    return forgive(run(query), scope.querysets, run, spelling)


@dataclass(frozen=True)
class _Scope:
    """What a search of `user` looks in, filters applied: the same for a query and for its
    correction. `pages` is None when only people are searched, `profiles` when people are
    not."""

    pages: QuerySet | None
    profiles: QuerySet | None
    filters: dict[str, str]
    page_types: dict[str, type[Page]]

    @property
    def querysets(self) -> list[QuerySet]:
        return [qs for qs in (self.pages, self.profiles) if qs is not None]


def _scope(
    user: AnyUser,
    types: Sequence[str] | None,
    space: int | str | None,
    author: str | None,
    department: str | None,
    date_from: datetime.date | None,
    date_to: datetime.date | None,
    people: bool,
) -> _Scope:
    """The reader's searchable pages and people with the valid filters applied."""
    page_types = indexed_page_types()
    wanted = [t for t in (types or []) if t in page_types or t == PERSON_TYPE]
    author_user = find_author(author)
    department_obj = find_department(department)
    space_id = find_space_id(user, space)
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

    only_people = wanted[:1] == [PERSON_TYPE]
    # People have no space, author or date: filtering on those means "pages only".
    page_only_filter = space_id is not None or author_user is not None or date_from or date_to
    want_people = people and not page_only_filter and (not wanted or only_people)

    profiles: QuerySet | None = None
    if want_people and (profile_model := people_model()) is not None:
        profiles = profile_model._default_manager.filter(user__is_active=True)
        if department_obj is not None:
            profiles = profiles.filter(department_id=department_obj.pk)
    if only_people:
        return _Scope(None, profiles, filters, page_types)

    source = registry.pages()
    model = page_types[wanted[0]] if wanted else source.base_model
    pages = source.searchable(user, model)
    if space_id is not None:
        pages = pages.filter(space_id=space_id)
    if author_user is not None:
        pages = pages.filter(owner=author_user.pk)
    if department_obj is not None:
        pages = pages.filter(owner__in=department_member_ids(department_obj))
    if date_from is not None:
        pages = pages.filter(first_published_at__gte=day_start(date_from))
    if date_to is not None:
        pages = pages.filter(first_published_at__lt=day_start(date_to + datetime.timedelta(1)))
    return _Scope(pages, profiles, filters, page_types)


def _run(
    scope: _Scope, query: str, *, page: int | str | None, per_page: int, facets: bool
) -> SearchResults:
    """One page of hits for `query` in `scope`, with the totals and facet counts."""
    results = SearchResults(query=query, filters=scope.filters)
    pages, profiles = scope.pages, scope.profiles
    if pages is None:
        if profiles is None:
            return results
        found_people = get_search_backend().search(query, profiles)
        convert = partial(person_hits, query=query)
        results.page, results.total, _counts = paginate(found_people, page, per_page, convert)
        results.facets = people_facets(results, facets)
        return results

    found = pages.search(query)
    convert = partial(page_hits, pages=pages, query=query)
    facet_fields = PAGE_FACET_FIELDS if facets else ()
    month_fields = PAGE_MONTH_FACET_FIELDS if facets else ()
    results.page, results.total, counts = paginate(
        found, page, per_page, convert, facet_fields, month_fields
    )
    if profiles is not None:
        # The total always (it is the people facet's count); the first few only on page 1.
        first_page = results.page.number == 1
        window = fetch_window(
            get_search_backend().search(query, profiles),
            0,
            PEOPLE_ON_FIRST_PAGE if first_page else 1,
        )
        results.people_total = window.total
        if first_page:
            results.people = person_hits(window.pks, query=query)
    if facets and results.total:
        results.facets = page_facets(counts, results, scope.page_types)
    elif facets and results.people_total:
        results.facets = people_facets(results, True)
    return results


def pages_matching(user: AnyUser, model: type[Page], q: str) -> Any:
    """The pages of `model` that `user` may open and that match any word of `q`, as an
    unranked search (scoring is most of a search's cost): for counting hits with
    `counts_by` and `matching_keys`, never for showing them in an order."""
    searchable = registry.pages().searchable(user, model)
    return searchable.search(q, operator="or", order_by_relevance=False)


def suggest(user: AnyUser, q: str, *, limit: int = 8) -> list[dict[str, str]]:
    """Titles (pages, then people) starting with what `user` has typed, for the search box."""
    query = normalize_query(q)
    if len(query) < 2:
        return []
    source = registry.pages()
    if not source.may_search(user):
        return []
    suggestions: list[dict[str, str]] = []
    searchable = source.searchable(user, source.base_model)
    pages = searchable.autocomplete(query)[:limit]
    for page in load_pages(searchable, [p.pk for p in pages]):
        suggestions.append(
            {"title": page.title, "url": page.url or "", "type": type_label(page.specific_class)}
        )
    profile_model = people_model()
    room = limit - len(suggestions)
    if profile_model is not None and room > 0:
        active = profile_model._default_manager.filter(user__is_active=True)
        profiles = get_search_backend().autocomplete(query, active)[:room]
        for hit in person_hits(profiles):
            suggestions.append({"title": hit.title, "url": hit.url, "type": hit.type_label})
    return suggestions
