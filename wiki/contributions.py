"""A person's wiki edits, as profiles and the expert finder see them
(`intranet.contributions`): the pages they edited last on a profile, and how many edits of
pages about a topic the viewer may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Revision

from intranet.access import visible_pages
from intranet.contributions import Contribution, ContributionKind, register_contribution
from search.query import matching_keys, pages_matching
from wiki.models import WikiPage

# Edits are counted on the first this many pages the search finds; later ones add no
# evidence.
MAX_PAGES = 4000


def edits_by(viewer, person, limit: int) -> list[Contribution]:
    """The wiki pages the viewer may see that the person edited last, newest first, with how
    many of the person's latest `limit * 5` visible edits each got.

    Walks the person's own revisions newest first (the index on the revision's user) and asks
    the visibility rule only about the pages those revisions touch, in growing batches; it
    never lists every wiki page the viewer may see (tens of thousands)."""
    wanted = limit * 5
    wiki_type = ContentType.objects.get_for_model(WikiPage).pk
    # Only the user filter in SQL: with more equality filters SQLite picks a content-type
    # index and reads every wiki revision. Other objects' revisions are skipped below.
    revisions = (
        Revision.objects.filter(user=person)
        .order_by("-created_at", "-pk")
        .values_list("object_id", "created_at", "content_type_id")
    )
    pages: dict[str, WikiPage | None] = {}
    latest: dict[str, dict] = {}
    counted = offset = 0
    batch = wanted
    while counted < wanted:
        fetched = list(revisions[offset : offset + batch])
        rows = [(object_id, at) for object_id, at, kind in fetched if kind == wiki_type]
        unknown = {int(object_id) for object_id, _at in rows if object_id not in pages}
        if unknown:
            visible = visible_pages(viewer, WikiPage.objects.select_related("space"))
            found = visible.in_bulk(unknown)
            pages.update({str(pk): found.get(pk) for pk in unknown})
        for object_id, created_at in rows:
            if pages[object_id] is None or counted >= wanted:
                continue
            counted += 1
            entry = latest.setdefault(object_id, {"at": created_at, "edits": 0})
            entry["edits"] += 1
        if len(fetched) < batch:
            break
        offset += batch
        batch *= 2
    return [Contribution(pages[object_id], **entry) for object_id, entry in latest.items()][:limit]


def edits_about(viewer, query: str, words: Sequence[str], people: QuerySet) -> Mapping[int, int]:
    """Edits per person of the wiki pages the viewer's search finds for `query`: the pages'
    keys come from the index, their revisions' authors are counted in one query."""
    keys = [str(pk) for pk in matching_keys(pages_matching(viewer, WikiPage, query), MAX_PAGES)]
    if not keys:
        return {}
    rows = (
        Revision.page_revisions.filter(object_id__in=keys, user__in=people.values("pk"))
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    return {row["user_id"]: row["n"] for row in rows}


WIKI_EDITS = ContributionKind(
    name="wiki_edits",
    order=20,
    weight=1,
    count_about=edits_about,
    describe=lambda n, query: (
        ngettext("%(n)s wiki edit about %(q)s", "%(n)s wiki edits about %(q)s", n)
        % {"n": n, "q": query}
    ),
    recent=edits_by,
    title=_("Wiki edits"),
    empty=_("No wiki edits you can see."),
)


def register() -> None:
    """Tell profiles and the expert finder about wiki edits (from `ready()`)."""
    register_contribution(WIKI_EDITS)
