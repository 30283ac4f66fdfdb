"""Turning index hits (primary keys) into SearchHits, loading only what is shown."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.utils.html import strip_tags
from django.utils.text import capfirst
from modelsearch.index import SearchField

from search import registry
from search.query.results import PERSON_TYPE, SearchHit
from search.query.text import highlight

if TYPE_CHECKING:
    from wagtail.models import Page

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)


def type_label(model: type[Model] | None) -> str:
    if model is None:
        return ""
    return str(capfirst(model._meta.verbose_name))


def load_pages(queryset: QuerySet, pks: Sequence[Any]) -> list[Page]:
    """The specific pages for `pks` that `queryset` (the user's searchable pages) still
    holds, in that order: one query, plus one per page type."""
    if not pks:
        return []
    pages = queryset.filter(pk__in=list(pks)).specific()
    by_pk = {str(page.pk): page for page in pages}
    return [by_pk[str(pk)] for pk in pks if str(pk) in by_pk]


def page_hits(pks: Sequence[Any], pages: QuerySet, query: str = "") -> list[SearchHit]:
    loaded = load_pages(pages, pks)
    space_ids = {page.space_id for page in loaded if page.space_id}
    space_model = registry.pages().space_model
    spaces = {space.pk: space for space in space_model.objects.filter(pk__in=space_ids)}
    authors = _authors({page.owner_id for page in loaded if page.owner_id})
    people = registry.people()
    hits = []
    for page in loaded:
        space = spaces.get(page.space_id) if page.space_id else None
        author = authors.get(page.owner_id) if page.owner_id else None
        hits.append(
            SearchHit(
                kind=page._meta.label_lower,
                type_label=type_label(type(page)),
                title=page.title,
                url=page.url or "",
                snippet=highlight(_page_text(page), query),
                space_title=space.title if space and space.pk != page.pk else "",
                space_url=(space.url or "") if space and space.pk != page.pk else "",
                author_name=author[1] if author else "",
                author_url=people.url_for(author[0]) if author and people else "",
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
    return {user.pk: (user.get_username(), registry.name_of(user)) for user in users}


def _page_text(page: Page) -> str:
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


def person_hits(found: Iterable[Any], query: str = "") -> list[SearchHit]:
    """Hits for profiles (objects or primary keys), in that order, in one query."""
    pks = [str(getattr(obj, "pk", obj)) for obj in found]
    people = registry.people()
    if not pks or people is None:
        return []
    profile_model = people.model
    # Checked in the database too: the index may not know yet that someone left.
    profiles = profile_model._default_manager.filter(pk__in=pks, user__is_active=True)
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
                title=registry.name_of(profile.user),
                url=profile.get_absolute_url(),
                snippet=highlight(" · ".join(d for d in details if d), query),
                space_title=profile.department.name if profile.department_id else "",
                obj=profile,
            )
        )
    return hits
