"""The "pages that link here" list: the wiki pages one reader may see that link to a page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q
from django.db.models.functions import Cast
from django.utils.html import escape
from wagtail.models import Page, ReferenceIndex

from intranet.access import visible_pages
from intranet.richtext import PageUrls
from wiki.tree import PageLink

if TYPE_CHECKING:
    from wiki.models import WikiPage

BACKLINK_LIMIT = 100


def backlinks(page: WikiPage, user, *, urls: PageUrls | None = None) -> tuple[list[PageLink], bool]:
    """Visible pages linking here with the page chooser (Wagtail's reference index) or with
    `[[Title]]` in the same space, in one query: at most BACKLINK_LIMIT of them, and whether
    there are more."""
    from wiki.models import WikiPage

    urls = urls or PageUrls(None)
    chooser_ids = (
        ReferenceIndex.get_references_to(page)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .annotate(source_id=Cast("object_id", IntegerField()))
        .values("source_id")
    )
    # A subquery of its own, so the text scan stays inside the space's pages (an OR of plain
    # conditions made SQLite scan every wiki page's body).
    by_title = WikiPage.objects.filter(
        space_id=page.space_id, body__contains=f"[[{escape(page.title)}"
    ).values("pk")
    rows = (
        visible_pages(user, WikiPage.objects.all())
        .filter(Q(pk__in=chooser_ids) | Q(pk__in=by_title))
        .exclude(pk=page.pk)
        .order_by("title", "pk")
        .values_list("pk", "title", "url_path")[: BACKLINK_LIMIT + 1]
    )
    links = [PageLink(pk, title, urls.url(url_path)) for pk, title, url_path in rows]
    return links[:BACKLINK_LIMIT], len(links) > BACKLINK_LIMIT
