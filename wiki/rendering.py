"""How a wiki page is shown to one reader: its body with resolved links, beside the space's
page tree (`wiki.tree`) and "pages that link here" (`wiki.backlinks`). Every lookup goes
through `intranet.access`."""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

from intranet.access import visible_pages
from intranet.richtext import PAGE_LINK, PageUrls, hidden_link, replace_page_links
from wiki.backlinks import backlinks
from wiki.tree import open_path, page_tree

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wiki.models import WikiPage

# `[[Title]]` or `[[Title|label]]`, inside the text of stored rich text.
WIKI_LINK = re.compile(r"\[\[([^\[\]|<>]{1,255})(?:\|([^\[\]<>]{1,255}))?\]\]")


def wiki_link_titles(body: str) -> set[str]:
    return {unescape(match.group(1)).strip() for match in WIKI_LINK.finditer(body or "")}


def depends_on_reader(body: str) -> bool:
    """Whether `render_body` may show this stored body differently to different readers
    (a page-chooser or a `[[...]]` link): callers that cache the rendered body share it
    between all readers only when this is False."""
    return bool(PAGE_LINK.search(body) or WIKI_LINK.search(body))


def _expand_page_links(body: str, user, urls: PageUrls) -> str:
    """Page-chooser links become links to their page's URL; links to pages the reader may
    not see become their plain link text. (Wagtail's own expansion loads every linked page
    as its specific model, body included, and looks up its URL one by one.)"""

    def render(link: re.Match, url_path: str | None) -> str:
        url = urls.url(url_path) if url_path is not None else None
        return hidden_link(link) if url is None else f'<a href="{escape(url)}">{link.group(1)}</a>'

    return replace_page_links(body, user, render)


def render_body(
    page: WikiPage, user, *, can_create: bool, urls: PageUrls | None = None
) -> SafeString:
    """The page body as HTML for this reader, with `[[...]]` links resolved in the space."""
    from wiki.models import WikiPage

    urls = urls or PageUrls(None)
    html = expand_db_html(_expand_page_links(page.body or "", user, urls))
    titles = wiki_link_titles(html)
    targets: dict[str, str | None] = {}
    if titles:
        rows = visible_pages(
            user, WikiPage.objects.filter(space_id=page.space_id, title__in=titles)
        ).values_list("title", "url_path")
        for title, url_path in rows.order_by("path"):
            targets.setdefault(title, urls.url(url_path))

    def replace(match: re.Match) -> str:
        title = unescape(match.group(1)).strip()
        label = match.group(2) or match.group(1)
        if title in targets:
            return f'<a class="wiki-link" href="{escape(targets[title] or "")}">{label}</a>'
        if can_create:
            url = reverse("wiki:new", args=[page.pk]) + "?" + urlencode({"title": title})
            return f'<a class="wiki-link missing" href="{escape(url)}" rel="nofollow">{label}</a>'
        return f'<span class="wiki-link missing">{label}</span>'

    return mark_safe(WIKI_LINK.sub(replace, html))  # noqa: S308 - stored rich text, links escaped


def wiki_page_context(page: WikiPage, request: HttpRequest) -> dict:
    from wagtail.models import Revision

    user = request.user
    # Wagtail asks for the page's workflow state in every permission check (the edit button
    # here, then twice more in the userbar); Wagtail's own `prefetch_workflow_states` trick:
    # read it once and leave it on the page.
    page._current_workflow_states = list(
        page.workflow_states.active().select_related("current_task_state__task")[:1]
    )
    permissions = page.permissions_for_user(user)
    can_add = permissions.can_add_subpage()
    # `page.space` is cached on the page, so the feed buttons reuse it without a query.
    space = page.space if page.space_id else None
    urls = PageUrls(request)
    tree = page_tree(space, user, page, urls=urls)
    links, more_links = backlinks(page, user, urls=urls)
    return {
        "space": space,
        "body_html": render_body(page, user, can_create=can_add, urls=urls),
        "tree": tree,
        "ancestors": open_path(tree),
        "backlinks": links,
        "more_backlinks": more_links,
        "can_edit": permissions.can_edit(),
        "can_add": can_add,
        # Only the author and time are shown: never load the revision's (large) content.
        "last_revision": Revision.objects.filter(pk=page.live_revision_id)
        .defer("content")
        .select_related("user")
        .first()
        if page.live_revision_id
        else None,
    }
