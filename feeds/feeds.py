"""The RSS 2.0 and Atom 1.0 feeds, built with django.contrib.syndication.

The feed classes are stateless: each instance serves one scope class (`feeds.scopes`), set
when the URL conf is built, and the request's `FeedScope` carries everything per request.
`__call__` adds what syndication lacks: token or session authentication, conditional
requests answered from the scope's cheap version before any entry is loaded, and private
cache headers.
"""

from __future__ import annotations

import io

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.http import http_date
from django.utils.translation import gettext as _

from feeds.models import FeedToken
from feeds.scopes import DEFAULT_LIMIT, MAX_LIMIT, Entry, FeedError, FeedScope
from intranet.access import is_employee

# Readers may keep a copy, shared caches never; "no-cache" makes them revalidate each time,
# which is a cheap 304, so membership changes apply at the next fetch.
CACHE_CONTROL = "private, no-cache"


class RssWithContent(Rss201rev2Feed):
    """RSS 2.0 with the full post as content:encoded."""

    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class AtomWithContent(Atom1Feed):
    """Atom 1.0 with the full post as <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


def feed_user(request: HttpRequest):
    """The session's user or the token's; None when neither is an active employee."""
    if is_employee(request.user):
        return request.user
    return FeedToken.user_for(request.GET.get("token"))


def parse_limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise FeedError(400, _("limit must be a whole number from 1 to %d.") % MAX_LIMIT) from None
    if limit < 1:
        raise FeedError(400, _("limit must be a whole number from 1 to %d.") % MAX_LIMIT)
    return min(limit, MAX_LIMIT)


def plain_response(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="feeds"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


class ScopeFeed(Feed):
    """The RSS feed of one scope class; the instance holds only that class."""

    feed_type = RssWithContent

    def __init__(self, scope_class: type[FeedScope]) -> None:
        self.scope_class = scope_class

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = feed_user(request)
        if user is None:
            # The same answer for a missing, wrong, revoked or deactivated user's token.
            return plain_response(401, _("This feed needs a valid feed token (see /feeds/)."))
        try:
            limit = parse_limit(request)
            scope = self.scope_class.for_request(request, user, limit, **kwargs)
        except FeedError as error:
            return plain_response(error.status, error.message)
        last_modified, etag = scope.version()
        etag = f'"{etag}-{self.feed_type.__name__}"'
        # Whole seconds: HTTP dates have no fractions, so If-Modified-Since must match.
        timestamp = int(last_modified.timestamp()) if last_modified else None
        response = get_conditional_response(request, etag=etag, last_modified=timestamp)
        if response is None:
            feedgen = self.get_feed(scope, request)
            # Written into a buffer, then handed over once: the XML writer makes thousands
            # of small writes, each one costly on a response.
            buffer = io.StringIO()
            feedgen.write(buffer, "utf-8")
            response = HttpResponse(buffer.getvalue(), content_type=feedgen.content_type)
        response.headers["ETag"] = etag
        if timestamp is not None:
            response.headers["Last-Modified"] = http_date(timestamp)
        response.headers["Cache-Control"] = CACHE_CONTROL
        patch_vary_headers(response, ["Cookie"])
        return response

    def get_object(self, request, *args, **kwargs) -> FeedScope:  # pragma: no cover
        raise NotImplementedError("ScopeFeed builds its scope in __call__")

    # --- channel ---------------------------------------------------------------------------

    def title(self, scope: FeedScope) -> str:
        return scope.title

    def link(self, scope: FeedScope) -> str:
        return scope.link

    def description(self, scope: FeedScope) -> str:
        return scope.description

    def subtitle(self, scope: FeedScope) -> str:
        return scope.description

    def feed_url(self, scope: FeedScope) -> str:
        return scope.request.build_absolute_uri()

    def feed_guid(self, scope: FeedScope) -> str:
        return scope.request.build_absolute_uri(scope.request.path)

    # --- items -----------------------------------------------------------------------------

    def items(self, scope: FeedScope) -> list[Entry]:
        return scope.entries()

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.guid

    item_guid_is_permalink = False

    def item_description(self, entry: Entry) -> str:
        return entry.description

    def item_author_name(self, entry: Entry) -> str:
        return entry.author_name

    def item_author_link(self, entry: Entry) -> str:
        return entry.author_link

    def item_pubdate(self, entry: Entry):
        return entry.pubdate

    def item_updateddate(self, entry: Entry):
        return entry.updateddate

    def item_categories(self, entry: Entry) -> list[str]:
        return entry.categories

    def item_enclosures(self, entry: Entry):
        return [entry.enclosure] if entry.enclosure else []

    def item_extra_kwargs(self, entry: Entry) -> dict:
        return {"content": entry.content}


class AtomScopeFeed(ScopeFeed):
    feed_type = AtomWithContent
