"""A space's wiki pages as the sidebar shows them to one reader, and the breadcrumbs read
from that tree. Every lookup goes through `intranet.access`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from wagtail.models import Page

from intranet.access import visible_pages
from intranet.richtext import PageUrls

if TYPE_CHECKING:
    from wiki.models import WikiPage


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
