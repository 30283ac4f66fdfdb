"""How a wiki page is shown to one reader: its body with resolved links, the space's page
tree, breadcrumbs and "pages that link here". Every lookup goes through `intranet.access`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import expand_db_html

from intranet.access import visible_pages

if TYPE_CHECKING:
    from django.http import HttpRequest

    from wiki.models import WikiPage

# `[[Title]]` or `[[Title|label]]`, inside the text of stored rich text.
WIKI_LINK = re.compile(r"\[\[([^\[\]|<>]{1,255})(?:\|([^\[\]<>]{1,255}))?\]\]")
PAGE_LINK = re.compile(r'<a\b[^>]*\blinktype="page"[^>]*>(.*?)</a>', re.DOTALL)
LINK_ID = re.compile(r'\bid="(\d+)"')


def wiki_link_titles(body: str) -> set[str]:
    return {unescape(match.group(1)).strip() for match in WIKI_LINK.finditer(body or "")}


def _hide_invisible_page_links(body: str, user) -> str:
    """Page-chooser links to pages the reader may not see become their plain link text: the
    author's words stay, the target's URL and title are never sent."""
    ids = {
        int(m.group(1)) for link in PAGE_LINK.finditer(body) if (m := LINK_ID.search(link.group(0)))
    }
    if not ids:
        return body
    visible = set(visible_pages(user, Page.objects.filter(pk__in=ids)).values_list("pk", flat=True))

    def replace(link: re.Match) -> str:
        found = LINK_ID.search(link.group(0))
        if found and int(found.group(1)) in visible:
            return link.group(0)
        return f'<span class="wiki-link-hidden">{link.group(1)}</span>'

    return PAGE_LINK.sub(replace, body)


def render_body(page: WikiPage, user, *, can_create: bool) -> SafeString:
    """The page body as HTML for this reader, with `[[...]]` links resolved in the space."""
    from wiki.models import WikiPage

    html = expand_db_html(_hide_invisible_page_links(page.body or "", user))
    titles = wiki_link_titles(html)
    targets: dict[str, WikiPage] = {}
    if titles:
        for target in visible_pages(
            user, WikiPage.objects.filter(space_id=page.space_id, title__in=titles)
        ).defer("body"):
            targets.setdefault(target.title, target)

    def replace(match: re.Match) -> str:
        title = unescape(match.group(1)).strip()
        label = match.group(2) or match.group(1)
        target = targets.get(title)
        if target is not None:
            return f'<a class="wiki-link" href="{escape(target.url or "")}">{label}</a>'
        if can_create:
            url = reverse("wiki:new", args=[page.pk]) + "?" + urlencode({"title": title})
            return f'<a class="wiki-link missing" href="{escape(url)}" rel="nofollow">{label}</a>'
        return f'<span class="wiki-link missing">{label}</span>'

    return mark_safe(WIKI_LINK.sub(replace, html))  # noqa: S308 - stored rich text, links escaped


@dataclass
class TreeNode:
    page: WikiPage
    children: list[TreeNode] = field(default_factory=list)
    is_current: bool = False
    is_open: bool = False


def page_tree(space_id: int | None, user, current: WikiPage | None = None) -> list[TreeNode]:
    """The space's wiki pages the reader may see, nested as in the page tree; one query."""
    from wiki.models import WikiPage

    if space_id is None:
        return []
    pages = visible_pages(user, WikiPage.objects.filter(space_id=space_id)).defer("body")
    roots: list[TreeNode] = []
    by_path: dict[str, TreeNode] = {}
    for wiki_page in pages.order_by("path"):
        node = TreeNode(wiki_page)
        if current is not None:
            node.is_current = wiki_page.pk == current.pk
            node.is_open = current.path.startswith(wiki_page.path)
        parent = by_path.get(wiki_page.path[: -Page.steplen])
        (parent.children if parent else roots).append(node)
        by_path[wiki_page.path] = node
    return roots


def backlinks(page: WikiPage, user) -> list[WikiPage]:
    """Visible pages linking here with the page chooser (Wagtail's reference index) or with
    `[[Title]]` in the same space."""
    from wiki.models import WikiPage

    page_type = ContentType.objects.get_for_model(Page)
    chooser_ids = (
        ReferenceIndex.get_references_to(page)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    by_title = WikiPage.objects.filter(
        space_id=page.space_id, body__contains=f"[[{escape(page.title)}"
    ).values_list("pk", flat=True)
    linking = visible_pages(user, WikiPage.objects.all()).filter(
        pk__in=[int(pk) for pk in chooser_ids] + list(by_title)
    )
    return list(linking.exclude(pk=page.pk).defer("body").order_by("title"))


def wiki_page_context(page: WikiPage, request: HttpRequest) -> dict:
    user = request.user
    permissions = page.permissions_for_user(user)
    can_add = permissions.can_add_subpage()
    space = page.get_space()
    return {
        "space": space,
        "body_html": render_body(page, user, can_create=can_add),
        "tree": page_tree(page.space_id, user, page),
        "ancestors": page.get_ancestors().filter(depth__gt=space.depth if space else 0)
        if space
        else [],
        "backlinks": backlinks(page, user),
        "can_edit": permissions.can_edit(),
        "can_add": can_add,
        "last_revision": page.live_revision,
    }
