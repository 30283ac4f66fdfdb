"""What a person wrote and edited, as one viewer may see it (intranet.access decides)."""

from __future__ import annotations

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
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
    """The person's latest edits of wiki pages the viewer may see: page, date, how many."""
    from wiki.models import WikiPage

    visible_ids = (
        visible_pages(viewer, WikiPage.objects.all())
        .annotate(pk_text=Cast("pk", CharField()))
        .values("pk_text")
    )
    revisions = list(
        Revision.page_revisions.filter(user=person, object_id__in=visible_ids)
        .order_by("-created_at")
        .values("object_id", "created_at")[: limit * 5]
    )
    latest: dict[str, dict] = {}
    for rev in revisions:
        entry = latest.setdefault(rev["object_id"], {"edited_at": rev["created_at"], "count": 0})
        entry["count"] += 1
    ids = list(latest)[:limit]
    pages = WikiPage.objects.select_related("space").in_bulk([int(pk) for pk in ids])
    return [{"page": pages[int(pk)], **latest[pk]} for pk in ids if int(pk) in pages]
