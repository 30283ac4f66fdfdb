"""Links to pages inside stored rich text, for every app that shows rich text.

A page-chooser link is stored as `<a linktype="page" id="42">text</a>`. Wiki pages, posts
and feeds resolve these links for one reader the same way: links to pages the reader may
see point at the page's URL, the others become their plain link text (`hidden_link`), so
neither the target's title nor its address is ever sent."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Page, Site

from intranet.access import visible_pages

if TYPE_CHECKING:
    from django.http import HttpRequest

PAGE_LINK = re.compile(r'<a\b[^>]*\blinktype="page"[^>]*>(.*?)</a>', re.DOTALL)
LINK_ID = re.compile(r'\bid="(\d+)"')


def replace_page_links(body: str, user, render: Callable[[re.Match, str | None], str]) -> str:
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
