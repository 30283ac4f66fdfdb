"""Facets: the counts per type, space, author, department and month beside the results."""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter, OrderedDict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import capfirst

from search import registry
from search.query.filters import people_model
from search.query.hits import type_label
from search.query.results import PERSON_TYPE, FacetValue, SearchResults

if TYPE_CHECKING:
    from wagtail.models import Page

#: How many authors the author facet lists.
AUTHORS_SHOWN = 15

#: Up to this many authors, their departments are looked up by id; beyond, every person's
#: department is read instead: a list of 2,000 ids cost six times reading 2,000 rows.
DEPARTMENT_LOOKUP_OWNERS = 300

#: The FilterFields counted for the page facets, and the one counted per month.
PAGE_FACET_FIELDS = ("content_type_id", "space_id", "owner_id")
PAGE_MONTH_FACET_FIELDS = ("first_published_at",)


def page_facets(
    counts: dict[str, OrderedDict],
    results: SearchResults,
    page_types: dict[str, type[Page]],
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
            FacetValue(label, type_label(model), count, selected.get("type") == label)
        )
    if results.people_total and not selected.get("type"):
        type_values.append(FacetValue(PERSON_TYPE, _people_label(), results.people_total))
    facets["type"] = type_values

    by_space = {k: v for k, v in counted("space_id").items() if k is not None}
    spaces = registry.pages().space_model.objects.filter(pk__in=list(by_space))
    titles = dict(spaces.values_list("pk", "title"))
    facets["space"] = [
        FacetValue(str(pk), titles[int(pk)], count, selected.get("space") == str(pk))
        for pk, count in by_space.items()
        if int(pk) in titles
    ]

    by_owner = {int(k): v for k, v in counted("owner_id").items() if k is not None}
    facets["author"] = _author_facet(by_owner, selected.get("author"))
    facets["department"] = _department_facet(by_owner, selected.get("department"))
    facets["date"] = _date_facet(counted("first_published_at"), selected)
    return {name: values for name, values in facets.items() if values}


def _author_facet(by_owner: dict[int, int], selected: str | None) -> list[FacetValue]:
    """The AUTHORS_SHOWN authors with the most pages, most first (`by_owner` is in that
    order). Only they are loaded: a common word has thousands of authors, and loading every
    one to name fifteen was a tenth of a search's time."""
    wanted = list(by_owner)
    values: list[FacetValue] = []
    start = 0
    # Accounts deleted since the page was indexed are skipped, so look further if needed.
    while len(values) < AUTHORS_SHOWN and start < len(wanted):
        batch = wanted[start : start + AUTHORS_SHOWN]
        start += len(batch)
        users = {user.pk: user for user in get_user_model().objects.filter(pk__in=batch)}
        for pk in batch:
            user = users.get(pk)
            if user is None or len(values) == AUTHORS_SHOWN:
                continue
            username = user.get_username()
            values.append(
                FacetValue(username, registry.name_of(user), by_owner[pk], selected == username)
            )
    return values


def _people_label() -> str:
    profile_model = people_model()
    if profile_model is None:
        return ""
    return str(capfirst(profile_model._meta.verbose_name_plural))


def people_facets(results: SearchResults, wanted: bool) -> dict[str, list[FacetValue]]:
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
    people = registry.people()
    if people is None:
        return []
    rows = people.model._default_manager.filter(department__isnull=False)
    if len(by_owner) <= DEPARTMENT_LOOKUP_OWNERS:
        rows = rows.filter(user_id__in=list(by_owner))
    counts: Counter[tuple[str, str]] = Counter()
    for user_id, slug, name in rows.values_list("user_id", "department__slug", "department__name"):
        if user_id in by_owner:
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
