"""How a post body is shown to one reader.

A link to another intranet page that stands alone in a paragraph (made with the editor's
page chooser, or an intranet address pasted as a link or as text) is shown as a preview
card: title, type, space, teaser and author. Only pages the reader may see become cards;
page-chooser links to pages they may not see become their plain link text, as wherever
rich text is shown (`intranet.richtext`), so neither the target's title nor its address is
sent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from wagtail.models import Page, Site
from wagtail.rich_text import expand_db_html

from intranet.access import visible_pages
from intranet.models import IntranetPage
from intranet.people import display_name
from intranet.richtext import LINK_ID, PAGE_LINK, hidden_link, replace_page_links

# A paragraph holding nothing but one link, or nothing but one address, in stored rich text.
STANDALONE = re.compile(
    r"<p(?:\s[^>]*)?>\s*(?P<inner><a\b[^>]*>(?:(?!</a>).)*</a>|(?:https?://|/)[^<\s]+)\s*</p>",
    re.DOTALL,
)
LINK_TAG = re.compile(r"<a\b([^>]*)>", re.DOTALL)
HREF = re.compile(r'\bhref="([^"]*)"')
TEASER_WORDS = 30
MAX_EMBEDS = 20  # cards per post; further links stay links


@dataclass
class EmbedTarget:
    """Where one standalone paragraph points: a page id (page chooser) or a URL path."""

    page_id: int | None = None
    url_path: str | None = None


def _intranet_hosts(site_roots) -> set[str]:
    """Host names an address must have to count as this intranet's."""
    hosts = {urlsplit(root.root_url).hostname or "" for root in site_roots}
    hosts.add(urlsplit(getattr(settings, "BASE_URL", "") or "").hostname or "")
    hosts.update(h for h in settings.ALLOWED_HOSTS if not h.startswith(".") and h != "*")
    return {h.lower() for h in hosts if h}


def _url_path_for(address: str, hosts: set[str], root_path: str) -> str | None:
    """The Wagtail `url_path` an intranet address points at, or None for other sites."""
    parts = urlsplit(unescape(address).strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and (parts.hostname or "").lower() not in hosts:
        return None
    if not parts.path.startswith("/"):
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return root_path.rstrip("/") + path


def _target_of(inner: str, hosts: set[str], root_path: str) -> EmbedTarget | None:
    tag = LINK_TAG.match(inner)
    if tag is None:  # a bare address
        url_path = _url_path_for(inner, hosts, root_path)
        return EmbedTarget(url_path=url_path) if url_path else None
    attributes = tag.group(1)
    if 'linktype="page"' in attributes:
        found = LINK_ID.search(attributes)
        return EmbedTarget(page_id=int(found.group(1))) if found else None
    href = HREF.search(attributes)
    url_path = _url_path_for(href.group(1), hosts, root_path) if href else None
    return EmbedTarget(url_path=url_path) if url_path else None


def _teaser(page: Page) -> str:
    for name in ("teaser", "description", "search_description"):
        text = getattr(page, name, "") or ""
        if text.strip():
            return Truncator(text).words(TEASER_WORDS)
    body = getattr(page, "body", "") or ""
    return Truncator(unescape(strip_tags(body))).words(TEASER_WORDS)


def _embeddable_pages(user, targets: list[EmbedTarget], exclude_pk: int | None) -> tuple:
    """The pages behind `targets` that `user` may see, by id and by url_path."""
    ids = {t.page_id for t in targets if t.page_id is not None}
    paths = {t.url_path for t in targets if t.url_path is not None}
    if not ids and not paths:
        return {}, {}
    wanted = IntranetPage.objects.filter(Q(pk__in=ids) | Q(url_path__in=paths))
    if exclude_pk is not None:
        wanted = wanted.exclude(pk=exclude_pk)
    visible = visible_pages(user, wanted).select_related("owner", "space")
    joined = {page.pk: page for page in visible}
    if not joined:
        return {}, {}
    # Each type's own fields (teaser, description, body) in one query per type; owner and
    # space come from the join above.
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=joined).specific()}
    for pk, page in by_id.items():
        page.owner = joined[pk].owner
        page.space = joined[pk].space
    return by_id, {page.url_path: page for page in by_id.values()}


def _hide_invisible_page_links(body: str, user) -> str:
    """Page-chooser links to pages the reader may not see become their plain link text."""
    return replace_page_links(
        body, user, lambda link, url_path: link.group(0) if url_path else hidden_link(link)
    )


def _card(page: Page) -> str:
    owner = page.owner
    return render_to_string(
        "blogs/includes/page_embed.html",
        {
            "embedded": page,
            "type_label": page.specific_class._meta.verbose_name if page.specific_class else "",
            "space": page.space if page.space_id and page.space_id != page.pk else None,
            "teaser": _teaser(page),
            "author": display_name(owner),
        },
    )


def depends_on_reader(body: str) -> bool:
    """Whether `render_post_body` may show this stored body differently to different readers
    (a page-chooser link, or a paragraph that may become a card): callers that cache the
    rendered body share it between all readers only when this is False."""
    return bool(PAGE_LINK.search(body) or STANDALONE.search(body))


def render_post_body(post, user) -> SafeString:
    """The post's body as HTML for this reader, with preview cards of intranet pages."""
    body = _hide_invisible_page_links(post.body or "", user)
    matches = list(STANDALONE.finditer(body))[:MAX_EMBEDS]
    if matches:
        site_roots = Site.get_site_root_paths()  # cached by Wagtail
        root_path = site_roots[0].root_path if site_roots else "/"
        hosts = _intranet_hosts(site_roots)
        targets = {m.start(): _target_of(m.group("inner"), hosts, root_path) for m in matches}
        by_id, by_path = _embeddable_pages(user, [t for t in targets.values() if t], post.pk)
        pieces, last = [], 0
        for match in matches:
            target = targets[match.start()]
            page = None
            if target is not None:
                page = by_id.get(target.page_id) or by_path.get(target.url_path)
            if page is not None:
                pieces.append(body[last : match.start()])
                pieces.append(_card(page))
                last = match.end()
        pieces.append(body[last:])
        body = "".join(pieces)
    return mark_safe(expand_db_html(body))  # noqa: S308 - stored rich text; cards escaped
