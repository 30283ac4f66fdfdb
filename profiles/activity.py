"""What a person wrote and edited, as one viewer may see it (intranet.access decides)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from wagtail.models import Revision

from intranet.access import visible_pages

LIMIT = 10


def posts_by(viewer, person, limit: int = LIMIT) -> QuerySet:
    from blogs.models import BlogPostPage

    return (
        visible_pages(viewer, BlogPostPage.objects.filter(owner=person))
        .select_related("space")
        .order_by("-date")[:limit]
    )


def wiki_edits_by(viewer, person, limit: int = LIMIT) -> list[dict]:
    """The person's latest edits of wiki pages the viewer may see: page, date, how many
    (counted over the person's latest `limit * 5` visible edits).

    Walks the person's own revisions newest first (the index on the revision's user) and asks
    the visibility rule only about the pages those revisions touch, in growing batches; it
    never lists every wiki page the viewer may see (tens of thousands)."""
    from wiki.models import WikiPage

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
        unknown = {int(object_id) for object_id, _ in rows if object_id not in pages}
        if unknown:
            visible = visible_pages(viewer, WikiPage.objects.select_related("space"))
            found = visible.in_bulk(unknown)
            pages.update({str(pk): found.get(pk) for pk in unknown})
        for object_id, created_at in rows:
            if pages[object_id] is None or counted >= wanted:
                continue
            counted += 1
            entry = latest.setdefault(object_id, {"edited_at": created_at, "count": 0})
            entry["count"] += 1
        if len(fetched) < batch:
            break
        offset += batch
        batch *= 2
    return [{"page": pages[object_id], **entry} for object_id, entry in latest.items()][:limit]
