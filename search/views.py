"""The search page, its JSON suggestions, the editor's page picker and the admin report of
searches without results."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from search import registry
from search.forms import SearchForm
from search.models import ZeroResultQuery, searches_without_results
from search.query import SearchResults, month_range, normalize_query, search_content, suggest
from search.query.hits import page_hits

try:  # The Whoosh backend's "cannot read the index" error; absent on other backends.
    from search.backends.whoosh import IndexUnavailable
except ImportError:  # pragma: no cover - only when the backend module is missing

    class IndexUnavailable(Exception):  # type: ignore[no-redef]  # noqa: N818
        pass


FILTER_NAMES = ("type", "space", "author", "department", "date")


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    arguments = form.search_arguments()
    try:
        results = search_content(request.user, **arguments)
    except IndexUnavailable:
        context = {"query": arguments["q"], "form": form}
        return render(request, "search/unavailable.html", context, status=503)
    if results.query and not results.found_anything and not results.filters:
        ZeroResultQuery.record(results.query)
    params = _active_params(results, form)
    context = {
        "form": form,
        "query": results.query,
        "results": results,
        "page_obj": results.page,
        "query_string": urlencode(params),
        "facet_groups": _facet_groups(results, params),
        "active_filters": _active_filters(results, params),
        "feed_url": _feed_url(results.query),
        "search_instead_url": _search_instead_url(results, params),
    }
    return render(request, "search/search.html", context)


@require_safe
def suggestions(request: HttpRequest) -> JsonResponse:
    """Titles for the header box as one types; the box still submits to the page without JS."""
    query = request.GET.get("q", "")[:2_000]
    try:
        found = suggest(request.user, query)
    except IndexUnavailable:
        found = []
    return JsonResponse({"suggestions": found})


#: How many pages the editor's page picker lists.
PAGE_PICKER_LIMIT = 10


@require_safe
def pages_json(request: HttpRequest) -> JsonResponse:
    """Pages for the editor's "link a page" picker: `{"results": [{"id", "title", "url",
    "context"}]}`, at most ten, only what the reader may open. Titles that start with `q`
    come first (the picker is used while typing, before a word is whole), then the search's
    own best matches; `context` names the page's space (or, outside spaces, its type)."""
    query = normalize_query(request.GET.get("q", ""))
    source = registry.pages()
    if not query or not source.may_search(request.user):
        return JsonResponse({"results": []})
    searchable = source.searchable(request.user, source.base_model)
    pks = list(
        searchable.filter(title__istartswith=query)
        .order_by("title")
        .values_list("pk", flat=True)[:PAGE_PICKER_LIMIT]
    )
    if len(pks) < PAGE_PICKER_LIMIT:
        try:
            # No corrections: the picker searches while a word is still being typed.
            found = search_content(
                request.user,
                query,
                per_page=PAGE_PICKER_LIMIT,
                facets=False,
                people=False,
                spelling="off",
            )
        except IndexUnavailable:
            found = None
        for hit in found.hits if found is not None else []:
            if hit.obj.pk not in pks:
                pks.append(hit.obj.pk)
    hits = page_hits(pks[:PAGE_PICKER_LIMIT], searchable)
    results = [
        {
            "id": hit.obj.pk,
            "title": hit.title,
            "url": hit.url,
            "context": hit.space_title or hit.type_label,
        }
        for hit in hits
    ]
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def zero_results_report(request: HttpRequest) -> HttpResponse:
    """Wagtail admin report for site admins (mounted by search.wagtail_hooks)."""
    if not (request.user.is_active and request.user.is_superuser):
        raise PermissionDenied
    rows = searches_without_results(limit=200)
    return render(request, "search/admin/zero_results.html", {"rows": rows})


# --- links for facets and filters --------------------------------------------------------------


def _active_params(results: SearchResults, form: SearchForm) -> dict[str, str]:
    """The query and the filters that were applied (unknown values dropped), for links."""
    params = {"q": results.query}
    for name in ("type", "space", "author", "department"):
        if name in results.filters:
            params[name] = results.filters[name]
    data = form.cleaned_data if form.is_valid() else {}
    date = data.get("date", "")
    if month_range(date):
        params["date"] = date.strip()
    if data.get("exact"):
        params["exact"] = "1"
    return params


def _search_instead_url(results: SearchResults, params: dict[str, str]) -> str:
    """The link from corrected results to those of the words as typed, never corrected."""
    if not results.corrected_from:
        return ""
    return "?" + urlencode({**params, "q": results.corrected_from, "exact": "1"})


def _facet_groups(results: SearchResults, params: dict[str, str]) -> list[dict]:
    titles = {
        "type": _("Type"),
        "space": _("Space"),
        "author": _("Author"),
        "department": _("Department"),
        "date": _("Published"),
    }
    groups = []
    for name in FILTER_NAMES:
        values = results.facets.get(name)
        if not values:
            continue
        entries = []
        for value in values:
            chosen = value.selected or params.get(name) == value.value
            link = {k: v for k, v in params.items() if k != name}
            if not chosen:
                link[name] = value.value
            entries.append({"facet": value, "selected": chosen, "url": "?" + urlencode(link)})
        groups.append({"name": name, "title": titles[name], "entries": entries})
    return groups


def _active_filters(results: SearchResults, params: dict[str, str]) -> list[dict]:
    labels = {value.value: value.label for values in results.facets.values() for value in values}
    active = []
    for name in FILTER_NAMES:
        if name in params:
            rest = {k: v for k, v in params.items() if k != name}
            active.append(
                {"label": labels.get(params[name], params[name]), "url": "?" + urlencode(rest)}
            )
    return active


def _feed_url(query: str) -> str:
    """The search feed's subscribe page, which gives addresses that work in a reader."""
    if not query:
        return ""
    return reverse("feeds:search_subscribe") + "?" + urlencode({"q": query})
