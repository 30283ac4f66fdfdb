"""Turning index hits (primary keys) into SearchHits, loading only what is shown.

A page's snippet is from its own text; when the query's words are not there but in a file
the page holds (`search.files`), the hit names that file and its snippet is from the file."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from modelsearch.index import SearchField
from wagtail.models import Site

from search import registry
from search.analyzers import fold, query_terms, query_words
from search.files import FileText, files_of_pages
from search.query.results import PERSON_TYPE, SearchHit
from search.query.text import highlight

if TYPE_CHECKING:
    from wagtail.models import Page

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|blockquote)>|<br\s*/?>", re.IGNORECASE)
# `highlight` marks exactly the words the search matched; a snippet with a mark has them.
_MARK = "<mark>"


@dataclass
class PageHit(SearchHit):
    """A page's hit. `file` is the file the page holds that the query's words were found
    in, when they are not on the page itself; the snippet is then from that file."""

    file: FileText | None = None


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
    snippets = {page.pk: highlight(_page_text(page), query) for page in loaded}
    unmatched = [page.pk for page in loaded if query and _MARK not in snippets[page.pk]]
    in_files = _matches_in_files(unmatched, query)
    space_ids = {page.space_id for page in loaded if page.space_id}
    space_model = registry.pages().space_model
    spaces = {space.pk: space for space in space_model.objects.filter(pk__in=space_ids)}
    authors = _authors({page.owner_id for page in loaded if page.owner_id})
    # Every page's URL needs the sites' root paths: read them once, not once per hit.
    root_paths = Site.get_site_root_paths()
    for obj in (*loaded, *spaces.values()):
        obj._wagtail_cached_site_root_paths = root_paths
    people = registry.people()
    hits = []
    for page in loaded:
        space = spaces.get(page.space_id) if page.space_id else None
        author = authors.get(page.owner_id) if page.owner_id else None
        file, file_snippet = in_files.get(page.pk, (None, None))
        hits.append(
            PageHit(
                kind=page._meta.label_lower,
                type_label=type_label(type(page)),
                title=page.title,
                url=page.url or "",
                snippet=file_snippet if file is not None else snippets[page.pk],
                space_title=space.title if space and space.pk != page.pk else "",
                space_url=(space.url or "") if space and space.pk != page.pk else "",
                author_name=author[1] if author else "",
                author_url=people.url_for(author[0]) if author and people else "",
                date=getattr(page, "date", None) or page.first_published_at,
                obj=page,
                file=file,
            )
        )
    return hits


def _matches_in_files(page_ids: list[Any], query: str) -> dict[Any, tuple[FileText, SafeString]]:
    """For pages whose own text lacks the query's words: the first file each holds that has
    them, with its snippet (the files of all those pages are loaded together)."""
    found: dict[Any, tuple[FileText, SafeString]] = {}
    clues = _clues(query)
    for page_id, files in files_of_pages(page_ids).items():
        for file in files:
            snippet = _file_snippet(file.text, query, clues)
            if snippet is not None:
                found[page_id] = (file, snippet)
                break
    return found


def _clues(query: str) -> tuple[str, ...]:
    """Letters that a text must contain to hold one of the query's words: the first few of
    each index term and of each word as typed (a stem keeps the start of its word)."""
    clues: set[str] = set()
    for word in query_words(query):
        for term in (*query_terms(word), fold(word)):
            clues.add(term[:4] if len(term) > 4 else term[:-1] or term)
    return tuple(clues)


def _file_snippet(text: str, query: str, clues: tuple[str, ...]) -> SafeString | None:
    """A snippet around the first word of a file's `text` that the query matched, or None.

    A file's text is long, and analysing each of its words (what `highlight` does) could
    cost more than the search: only a line that contains a clue is highlighted, and a file
    with none is passed over at once."""
    folded_text = fold(text)
    if not any(clue in folded_text for clue in clues):
        return None
    for line in text.split("\n"):
        folded = fold(line)
        if any(clue in folded for clue in clues):
            snippet = highlight(line, query)
            if _MARK in snippet:
                return snippet
    return None


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
