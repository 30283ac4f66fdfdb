"""Names and URLs of feeds, shared by the subscriptions page, OPML, autodiscovery and the
feed buttons."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from feeds.scopes import (
    EverythingScope,
    PersonScope,
    SearchScope,
    SpaceBlogScope,
    SpaceScope,
    SpaceWikiScope,
    TagScope,
)
from intranet.access import visible_spaces
from intranet.cache import cached_for_view
from intranet.models import Membership


@dataclass(frozen=True)
class FeedLink:
    title: str
    rss_url: str
    atom_url: str
    # The feed's subscribe dialog (an HTML page): its reader-ready addresses.
    subscribe_url: str = ""

    @property
    def formats(self) -> list[tuple[str, str, str]]:
        """(label, address, media type) of each format, for pages that list them."""
        return [
            ("RSS", self.rss_url, "application/rss+xml"),
            ("Atom", self.atom_url, "application/atom+xml"),
        ]

    def with_token(self, token: str | None, request=None) -> FeedLink:
        """Absolute URLs carrying `token` (for readers, which cannot log in)."""

        def tokenised(url: str) -> str:
            if token:
                url += ("&" if "?" in url else "?") + urlencode({"token": token})
            return request.build_absolute_uri(url) if request is not None else url

        return FeedLink(
            self.title, tokenised(self.rss_url), tokenised(self.atom_url), self.subscribe_url
        )


def feed_link(url_name: str, title: str, *, query: str = "", **kwargs) -> FeedLink:
    """The addresses of a scope's feeds (`FeedScope.url_name`), with `kwargs` for its URL
    and a saved search's words as `query`."""
    name = f"feeds:{url_name}"
    suffix = "?" + urlencode({"q": query}) if query else ""
    return FeedLink(
        title,
        _feed_url(name, kwargs) + suffix,
        _feed_url(f"{name}_atom", kwargs) + suffix,
        _feed_url(f"{name}_subscribe", kwargs) + suffix,
    )


def reader_token(request) -> str | None:
    """The logged-in person's feed token, or None (no token, or it can no longer be
    derived); read once per request, however many feed links the page shows."""
    from feeds.models import FeedToken

    if not hasattr(request, "_feed_reader_token"):
        user = getattr(request, "user", None)
        found = None
        if user is not None and user.is_authenticated:
            found = FeedToken.objects.filter(user=user).only("nonce", "token_hash").first()
        request._feed_reader_token = found.token if found else None
    return request._feed_reader_token


_SLUG = "feed-slug-placeholder"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # what the URLs' <slug:> converter matches


def _feed_url(name: str, kwargs: dict) -> str:
    """reverse(), but a space's URLs (three feeds each, on every page that lists them) are
    filled into a template reversed once: a slug needs no quoting."""
    if set(kwargs) == {"slug"} and _PLAIN_SLUG.fullmatch(kwargs["slug"]):
        return _slug_url_template(name, get_script_prefix()).replace(_SLUG, kwargs["slug"])
    return reverse(name, kwargs=kwargs)


@functools.lru_cache(maxsize=32)
def _slug_url_template(name: str, script_prefix: str) -> str:
    return reverse(name, kwargs={"slug": _SLUG})


def everything_link() -> FeedLink:
    return feed_link(EverythingScope.url_name, EverythingScope.title_for())


def space_links(space) -> list[FeedLink]:
    """The space's feeds: everything in it, its blog, its wiki."""
    return [
        feed_link(scope.url_name, scope.title_for(space), slug=space.slug)
        for scope in (SpaceScope, SpaceBlogScope, SpaceWikiScope)
    ]


def person_link(person) -> FeedLink:
    return feed_link(
        PersonScope.url_name, PersonScope.title_for(person), username=person.get_username()
    )


def tag_link(tag: str) -> FeedLink:
    return feed_link(TagScope.url_name, TagScope.title_for(tag), tag=tag)


def search_link(query: str) -> FeedLink:
    return feed_link(SearchScope.url_name, SearchScope.title_for(query), query=query)


# The popular tags read every post the user may see; they are remembered for everyone who
# sees the same pages until content changes (and at most this long).
TAGS_CACHE_SECONDS = 300


@dataclass
class FeedGroup:
    heading: str
    links: list[FeedLink]


def available_feeds(user, *, tag_limit: int = 30) -> list[FeedGroup]:
    """Every feed `user` can subscribe to: everything, their own posts, their spaces, the
    other spaces they can see, and the tags of posts they can see."""
    from blogs.models import BlogPostPage

    spaces = list(visible_spaces(user).order_by("title").only("pk", "title", "slug"))
    member_of = set(Membership.objects.filter(user=user).values_list("space_id", flat=True))
    mine = [link for space in spaces if space.pk in member_of for link in space_links(space)]
    others = [link for space in spaces if space.pk not in member_of for link in space_links(space)]

    def popular_tags() -> list[str]:
        return [row["name"] for row in BlogPostPage.top_tags_for(user, limit=tag_limit)]

    tags = cached_for_view(
        user, ("feeds", "tags", tag_limit), popular_tags, timeout=TAGS_CACHE_SECONDS
    )
    groups = [
        FeedGroup(_("Everything"), [everything_link(), person_link(user)]),
        FeedGroup(_("My spaces"), mine),
        FeedGroup(_("Other spaces"), others),
        FeedGroup(_("Tags"), [tag_link(name) for name in sorted(tags, key=str.lower)]),
    ]
    return [group for group in groups if group.links]
