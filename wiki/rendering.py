"""How a wiki page is shown to one reader: its body with resolved links, the space's page
tree, breadcrumbs and "pages that link here". Every lookup goes through `intranet.access`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page, ReferenceIndex, Site
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


def replace_page_links(body: str, user, render) -> str:
    """Each page-chooser link in `body` replaced by `render(link, url_path)`: `url_path` is
    the target's when the reader may see it, else None. One query for all of them."""
    ids = {
        int(m.group(1)) for link in PAGE_LINK.finditer(body) if (m := LINK_ID.search(link.group(0)))
    }
    if not ids:
        return body
    paths = dict(visible_pages(user, Page.objects.filter(pk__in=ids)).values_list("pk", "url_path"))

    def replace(link: re.Match) -> str:
        found = LINK_ID.search(link.group(0))
        return render(link, paths.get(int(found.group(1))) if found else None)

    return PAGE_LINK.sub(replace, body)


def hidden_link(link: re.Match) -> str:
    """A link the reader may not follow: the author's words stay, the target's URL and title
    are never sent."""
    return f'<span class="wiki-link-hidden">{link.group(1)}</span>'


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


class PageUrls:
    """Relative URLs of pages computed from their `url_path`, for one request.

    Wagtail's `page.url` looks up the site root paths again on every call, which made a
    250-page sidebar cost more than the rest of the page. A page's URL is its site root's URL
    plus the rest of its `url_path` (that is how `Page.get_url_parts` builds it): one Wagtail
    lookup per site root, string slicing for each page."""

    def __init__(self, request: HttpRequest | None) -> None:
        self.request = request
        self._root_paths: list[str] | None = None
        self._bases: dict[str, str | None] = {}

    def url(self, url_path: str) -> str | None:
        if self._root_paths is None:
            self._root_paths = [root.root_path for root in Site.get_site_root_paths()]
        root_path = next((p for p in self._root_paths if url_path.startswith(p)), None)
        if root_path is None:
            return None
        if root_path not in self._bases:
            self._bases[root_path] = Page(url_path=root_path).get_url(self.request)
        base = self._bases[root_path]
        if base is None:
            return None
        # Quoted the way `reverse("wagtail_serve", ...)` quotes it (Unicode slugs).
        return base + quote(url_path[len(root_path) :], safe=RFC3986_SUBDELIMS + "/~:@")


@dataclass(frozen=True)
class PageLink:
    """What a list or tree needs of a page: without loading the page model."""

    pk: int
    title: str
    url: str | None
    path: str = ""


@dataclass
class TreeNode:
    page: PageLink
    children: list[TreeNode] = field(default_factory=list)
    is_current: bool = False
    is_open: bool = False
    has_hidden_children: bool = False


def page_tree(
    space: Page | None, user, current: WikiPage | None = None, *, urls: PageUrls | None = None
) -> list[TreeNode]:
    """The space's wiki pages the reader may see, as the sidebar shows them: the top level,
    plus the children of each page on the way to `current` and of `current` itself. One
    query, and its size follows the tree's fan-out, not the number of pages in the space."""
    from wiki.models import WikiPage

    if space is None:
        return []
    urls = urls or PageUrls(None)
    steplen = Page.steplen
    wanted = Q(depth=space.depth + 1)
    if current is not None and current.path.startswith(space.path):
        for depth in range(space.depth + 1, current.depth + 1):
            wanted |= Q(path__startswith=current.path[: depth * steplen], depth=depth + 1)
    rows = (
        visible_pages(user, WikiPage.objects.filter(space_id=space.pk))
        .filter(wanted)
        .order_by("path")
        .values_list("pk", "title", "path", "depth", "numchild", "url_path")
    )
    roots: list[TreeNode] = []
    by_path: dict[str, TreeNode] = {}
    for pk, title, path, depth, numchild, url_path in rows:
        node = TreeNode(PageLink(pk, title, urls.url(url_path), path))
        if current is not None:
            node.is_current = pk == current.pk
            node.is_open = current.path.startswith(path)
        node.has_hidden_children = bool(numchild) and not node.is_open
        parent = by_path.get(path[:-steplen])
        if parent is not None:
            parent.children.append(node)
        elif depth == space.depth + 1:
            roots.append(node)
        by_path[path] = node
    return roots


def open_path(tree: list[TreeNode]) -> list[PageLink]:
    """The pages from the top of the tree down to the current page (excluded): the wiki part
    of the breadcrumbs, read from the tree instead of another query."""
    trail: list[PageLink] = []
    nodes = tree
    while True:
        node = next((n for n in nodes if n.is_open and not n.is_current), None)
        if node is None:
            return trail
        trail.append(node.page)
        nodes = node.children


BACKLINK_LIMIT = 100


def backlinks(page: WikiPage, user, *, urls: PageUrls | None = None) -> list[PageLink]:
    """Visible pages linking here with the page chooser (Wagtail's reference index) or with
    `[[Title]]` in the same space, in one query; at most BACKLINK_LIMIT (+1 tells the
    template there are more)."""
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
    links = []
    for pk, title, url_path in rows:
        links.append(PageLink(pk, title, urls.url(url_path)))
    return links


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
    links = backlinks(page, user, urls=urls)
    return {
        "space": space,
        "body_html": render_body(page, user, can_create=can_add, urls=urls),
        "tree": tree,
        "ancestors": open_path(tree),
        "backlinks": links[:BACKLINK_LIMIT],
        "more_backlinks": len(links) > BACKLINK_LIMIT,
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
