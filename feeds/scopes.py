"""What each feed contains: one class per scope of the URL conf (everything, a space, its
blog or wiki, a person, a tag, a saved search) on a base class with the shared machinery,
and their entries, built only from the content apps' public queries, which all filter
through `intranet.access`; the saved search goes through the search page's own service,
`search.query.search_content`.

A scope answers two questions: `version()`, cheap (one query) and used for ETag and
Last-Modified so that a conditional request gets its 304 without loading entries; and
`entries()`, the newest visible items as plain `Entry` values the feed classes render.

What is cached, and why it is safe to share: a scope's precise version, per user, until
the change stamp moves; a post's entry and a page's sanitized body, keyed on everything
they are made of (published revision, place, author's name, site address). A body is shown
exactly as the page's own renderer shows it to this reader (`blogs.rendering`,
`wiki.rendering`: links to pages the reader may not see become plain text); a body with
links to other pages is therefore cached per view of the intranet (`visibility_key`) and
content stamp, and only a body without them is shared by every reader. Which entries a
reader gets is always decided by a fresh query through `intranet.access`, never by the
cache.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mimetypes
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from typing import ClassVar, Self
from urllib.parse import urljoin

import nh3
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
)
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape, strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, Revision, Site
from wagtail.rich_text import expand_db_html

from blogs.models import BlogIndexPage, BlogPostPage
from blogs.rendering import depends_on_reader, render_post_body
from intranet.access import get_page_for_user, visibility_key, visible_pages
from intranet.files import shareable_file_url
from intranet.models import IntranetPage, Membership, SpacePage
from intranet.people import display_name
from intranet.richtext import PageUrls
from search.query import normalize_query, search_content
from wiki.models import WikiPage, recent_changes
from wiki.rendering import depends_on_reader as wiki_depends_on_reader
from wiki.rendering import render_body

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ENCLOSURE_RENDITION = "fill-800x450"  # one of the card renditions listings prefetch
SUMMARY_WORDS = 60
# The precise version of a scope is remembered while nothing changes anywhere (see
# `change_stamp`); the time limit bounds what a change made behind Wagtail's back could cost.
VERSION_CACHE_SECONDS = 300
# Search results of a feed, for readers with the same view, while content is unchanged.
SEARCH_CACHE_SECONDS = 60
# How far back the "everything" feed looks for posts before it asks for all of them.
RECENT_POSTS_WINDOW = timedelta(days=60)
# A post's entry is keyed on everything it shows; the time limit bounds what a change made
# behind Wagtail's back (a site's address, a renamed tag) could cost.
ENTRY_CACHE_SECONDS = 24 * 3600
# What an entry is made of, read for the newest posts without loading them as pages.
ENTRY_ROW = (
    "pk",
    "live_revision_id",
    "last_published_at",
    "date",
    "title",
    "url_path",
    "header_image_id",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "owner__is_active",
)
# Sanitized bodies are keyed on the page's published revision, so they never go stale.
BODY_CACHE_SECONDS = 7 * 24 * 3600
# When a scope's version was first served (its Last-Modified), for as long as it holds;
# a lost record only costs If-Modified-Since readers one full answer.
MODIFIED_CACHE_SECONDS = 30 * 24 * 3600


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    author_name: str
    author_link: str
    pubdate: datetime
    updateddate: datetime
    description: str
    content: str = ""
    categories: list[str] = field(default_factory=list)
    enclosure: Enclosure | None = None
    # The body differs between readers: such an entry is never cached for everyone.
    per_reader: bool = False


@dataclass(frozen=True)
class Body:
    """A page's body as one reader's feed shows it: sanitized HTML and a plain-text summary
    (HTML-escaped text, as feed descriptions are HTML)."""

    content: str
    summary: str
    per_reader: bool = False


@dataclass(frozen=True)
class StoredBody:
    """What is cached per published revision for every reader: the finished `body` when it
    is the same for everyone, else the stored rich text to render for each view."""

    body: Body | None = None
    source: str = ""
    space_id: int | None = None


class FeedError(Exception):
    """A feed address that cannot be answered as asked: a plain 4xx saying why."""

    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message


@dataclass(kw_only=True)
class FeedScope(ABC):
    """One feed's selection for one user, with the machinery every scope shares: the cheap
    version (ETag, Last-Modified), entries in bulk, cached bodies and enclosures. Each
    subclass is one scope of the URL conf: it finds its object (`for_request`), names
    itself (`title`, `link`), and says what it selects (`version_pages`,
    `collect_entries`)."""

    #: The scope's URL name in the "feeds" namespace (with `_atom` and `_subscribe`).
    url_name: ClassVar[str]
    #: `version_pages` joins rows that can repeat a page (so the count is distinct).
    rows_repeat_pages: ClassVar[bool] = False

    request: HttpRequest
    user: object
    limit: int
    _person_links: dict = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def for_request(cls, request: HttpRequest, user, limit: int, **url_kwargs: str) -> Self:
        """The scope the URL names, or 404 when its space or person is hidden or missing
        (the same answer, so a feed never confirms that something hidden exists), or
        FeedError when the query string selects nothing."""
        return cls(request=request, user=user, limit=limit)

    # --- what the scope is called ----------------------------------------------------------

    @property
    @abstractmethod
    def title(self) -> str: ...

    @property
    @abstractmethod
    def link(self) -> str:
        """The web page the feed follows (relative: syndication makes it absolute)."""

    @property
    def description(self) -> str:
        return self.title

    @property
    def variant(self) -> str:
        """What the query string selects beyond the path (a search's words): part of every
        cache key and of the ETag."""
        return ""

    def link_arguments(self, url_kwargs: dict[str, str]) -> dict[str, str]:
        """The arguments of `feeds.links.feed_link` for this scope's own addresses."""
        return url_kwargs

    # --- what the scope selects ------------------------------------------------------------

    @abstractmethod
    def version_pages(self) -> QuerySet:
        """Every page whose publication the feed shows, visible to the user (the version
        counts them and reads the newest publication time)."""

    @abstractmethod
    def collect_entries(self) -> list[Entry]:
        """Up to `limit` entries of each kind the scope shows, in any order."""

    # --- cheap version for conditional requests ------------------------------------------

    def version(self) -> tuple[datetime | None, str]:
        """(Last-Modified, ETag) without loading entries: one cheap query (`change_stamp`)
        and, while nothing has changed since this scope's version was last worked out, the
        version from the cache. User, scope and limit are in the ETag so that no two users
        or feeds share one. Last-Modified is when this version was first served
        (`_last_modified`), so that it moves whenever the ETag does, removals included."""
        key_source = repr(
            (
                self.user.pk,
                self.user.is_superuser,
                type(self).__name__,
                self.request.path,
                self.limit,
                self.variant,
                self.stamp,
            )
        )
        key = "feeds:version:" + hashlib.sha256(key_source.encode()).hexdigest()
        cached = cache.get(key)
        if cached is None:
            newest, etag = self.precise_version()
            cached = (self._last_modified(newest, etag), etag)
            cache.set(key, cached, VERSION_CACHE_SECONDS)
        return cached

    def _last_modified(self, newest: datetime | None, etag: str) -> datetime:
        """When the version `etag` was first served, and never before its newest item.

        The newest item's time alone stays put when an item is removed, unpublished or
        hidden, so a reader sending only If-Modified-Since got 304 for a feed that had
        lost entries. A new version is therefore dated when it is first seen, at least a
        second after the one before (HTTP dates have whole seconds). Without a record
        (first fetch, or the cache lost it) nothing proves that no removal happened, so the
        version is dated now: at worst a reader gets one full answer too many."""
        source = repr((self.user.pk, self.request.path, self.limit, self.variant))
        key = "feeds:modified:" + hashlib.sha256(source.encode()).hexdigest()
        seen = cache.get(key)
        if seen is not None and seen[0] == etag:
            return seen[1]
        modified = timezone.now().replace(microsecond=0)
        if seen is not None:
            modified = max(modified, seen[1] + timedelta(seconds=1))
        if newest is not None:
            modified = max(modified, newest)
        cache.set(key, (etag, modified), MODIFIED_CACHE_SECONDS)
        return modified

    def precise_version(self) -> tuple[datetime | None, str]:
        """The version from the newest visible item and the visible count, in one query
        (which reads every visible item of the scope: `version` caches it)."""
        pages = self.version_pages()
        stats = pages.order_by().aggregate(
            newest=Max("last_published_at"),
            count=Count("pk", distinct=self.rows_repeat_pages),
        )
        newest = stats["newest"]
        raw = "|".join(
            str(part)
            for part in (
                self.user.pk,
                self.request.path,
                self.limit,
                self.variant,
                newest.isoformat() if newest else "",
                stats["count"],
            )
        )
        return newest, hashlib.sha256(raw.encode()).hexdigest()[:32]

    # --- entries ---------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        """The newest `limit` entries, newest first."""
        entries = self.collect_entries()
        entries.sort(key=lambda entry: entry.pubdate, reverse=True)
        return entries[: self.limit]

    def change_entries(self, space: SpacePage | None = None) -> list[Entry]:
        """The newest `limit` wiki changes the user can see (in `space`) as entries."""
        changes = recent_changes(self.user, space=space, limit=self.limit)
        return [self._change_entry(change) for change in changes]

    @cached_property
    def stamp(self) -> tuple:
        return change_stamp(self.user)

    @cached_property
    def view_key(self) -> str:
        return visibility_key(self.user)

    @cached_property
    def page_urls(self) -> PageUrls:
        return PageUrls(self.request)

    # --- entries in bulk: a fixed number of queries for any number of them ----------------

    def newest_post_entries(self, listing: QuerySet) -> list[Entry]:
        """The newest `limit` posts of `listing` (the blogs app's public query,
        `BlogPostPage.listing_for`) as entries, read as plain rows (no page objects); each
        entry is cached under everything it is made of (revision, date, title, place,
        author's name, site address), so only new or changed posts are loaded and
        rendered."""
        rows = self.newest_post_rows(listing.prefetch_related(None).values_list(*ENTRY_ROW))
        if not rows:
            return []
        keys = {row[0]: self._entry_cache_key(row) for row in rows}
        found = cache.get_many(list(keys.values()))
        missing = [pk for pk, key in keys.items() if key not in found]
        fresh: dict[int, Entry] = {}
        if missing:
            posts = self._load_posts(
                visible_pages(self.user, BlogPostPage.objects.filter(pk__in=missing))
            )
            entries = self._post_entries(posts)
            fresh = {post.pk: entry for post, entry in zip(posts, entries, strict=True)}
            # Without the enclosure: a rendition's URL may be signed and expire (S3). An
            # entry whose body differs by reader is rebuilt each time (its body is cached
            # per view in `_bodies`).
            cache.set_many(
                {
                    keys[pk]: replace(entry, enclosure=None)
                    for pk, entry in fresh.items()
                    if not entry.per_reader
                },
                ENTRY_CACHE_SECONDS,
            )
        images = {
            row[0]: row[ENTRY_ROW.index("header_image_id")]
            for row in rows
            if row[0] not in fresh and row[ENTRY_ROW.index("header_image_id")]
        }
        enclosures = self._image_enclosures(images) if images else {}
        entries = []
        for pk, key in keys.items():
            entry = fresh.get(pk) or found.get(key)
            if entry is None:  # unpublished between the two queries
                continue
            if pk in enclosures:
                entry.enclosure = enclosures[pk]
            entries.append(entry)
        return entries

    def newest_post_rows(self, rows: QuerySet) -> list[tuple]:
        """The first `limit` of the post rows `rows` (ENTRY_ROW values, newest first)."""
        return list(rows[: self.limit])

    def _entry_cache_key(self, row: tuple) -> str:
        source = repr((row, self.absolute("/"), self.authority))
        return f"feeds:entry:{row[0]}:" + hashlib.sha256(source.encode()).hexdigest()[:32]

    def _load_posts(self, posts) -> list[BlogPostPage]:
        """Bodies come from the per-revision cache (so the query leaves them out), tags
        from one query; spaces and comment counts, which feeds do not show, are not
        loaded; header images come with the enclosure's rendition."""
        images = get_image_model().objects.prefetch_renditions(ENCLOSURE_RENDITION)
        return list(
            posts.defer("body")
            .select_related(None)
            .select_related("owner")
            .prefetch_related(None)
            .prefetch_related(Prefetch("header_image", queryset=images))
        )

    def _post_entries(self, posts: list[BlogPostPage]) -> list[Entry]:
        """Entries of posts from `_load_posts`, with a fixed number of queries."""
        if not posts:
            return []
        bodies = self._bodies(BlogPostPage, posts)
        tags = self._tag_names(posts)
        enclosures = self._enclosures(posts)
        return [
            self._post_entry(post, bodies.get(post.pk), tags.get(post.pk, []), enclosures)
            for post in posts
        ]

    def _bodies(self, model, pages) -> dict[int, Body]:
        """Each page's body as its web page shows it to this reader, sanitized, with links
        made absolute. Cached per published revision and site address; a body that links
        to other pages is rendered by the page's own renderer for each view of the intranet
        (`_reader_bodies`). Visibility decides which pages are asked for, never this cache.
        On a miss the stored bodies are read in one query."""
        base = self.absolute("/")
        keys = {page.pk: body_cache_key(page, base) for page in pages}
        found = cache.get_many(list(keys.values()))
        stored = {pk: found[key] for pk, key in keys.items() if key in found}
        missing = [pk for pk in keys if pk not in stored]
        if missing:
            fresh = {}
            rows = model.objects.filter(pk__in=missing).values_list("pk", "body", "space_id")
            for pk, html, space_id in rows:
                if self._depends_on_reader(model, html or ""):
                    value = StoredBody(source=html, space_id=space_id)
                else:
                    value = StoredBody(body=self._finish(expand_db_html(html or "")))
                stored[pk] = fresh[keys[pk]] = value
            cache.set_many(fresh, BODY_CACHE_SECONDS)
        bodies = {pk: value.body for pk, value in stored.items() if value.body is not None}
        per_reader = {pk: value for pk, value in stored.items() if value.body is None}
        if per_reader:
            bodies.update(self._reader_bodies(model, keys, per_reader))
        return bodies

    def _reader_bodies(
        self, model, keys: dict[int, str], stored: dict[int, StoredBody]
    ) -> dict[int, Body]:
        """Bodies with links to other pages, as this reader's page shows them. Shared by
        readers who see the same pages (`visibility_key`) until content changes anywhere
        (the content stamp): a publish, move, unpublish or delete may change whether and
        where a linked page can be seen, and what its preview card says."""
        view = repr((self.view_key, self.stamp[1:7]))
        digest = hashlib.sha256(view.encode()).hexdigest()[:24]
        view_keys = {pk: f"{keys[pk]}:{digest}" for pk in stored}
        found = cache.get_many(list(view_keys.values()))
        bodies: dict[int, Body] = {}
        fresh: dict[str, Body] = {}
        for pk, key in view_keys.items():
            body = found.get(key)
            if body is None:
                html = self._render_for_reader(model, pk, stored[pk])
                body = fresh[key] = self._finish(html, per_reader=True)
            bodies[pk] = body
        if fresh:
            cache.set_many(fresh, BODY_CACHE_SECONDS)
        return bodies

    @staticmethod
    def _depends_on_reader(model, html: str) -> bool:
        if model is BlogPostPage:
            return depends_on_reader(html)
        return wiki_depends_on_reader(html)

    def _render_for_reader(self, model, pk: int, stored: StoredBody) -> str:
        """The body through the same step its web page uses for this reader."""
        if model is BlogPostPage:
            return render_post_body(BlogPostPage(pk=pk, body=stored.source), self.user)
        page = WikiPage(pk=pk, body=stored.source, space_id=stored.space_id)
        return render_body(page, self.user, can_create=False, urls=self.page_urls)

    def _finish(self, html: str, *, per_reader: bool = False) -> Body:
        content = self.sanitize(html)
        summary = Truncator(strip_tags(content)).words(SUMMARY_WORDS)
        return Body(content, summary, per_reader)

    def _tag_names(self, posts) -> dict[int, list[str]]:
        through = BlogPostPage.tags.through
        rows = (
            through.objects.filter(content_object_id__in=[post.pk for post in posts])
            .order_by("tag__name")
            .values_list("content_object_id", "tag__name")
        )
        names: dict[int, list[str]] = {}
        for post_id, name in rows:
            names.setdefault(post_id, []).append(name)
        return names

    def _enclosures(self, posts) -> dict[int, Enclosure]:
        """The header image of each post as an enclosure (renditions come prefetched)."""
        return self._rendition_enclosures(
            {
                post.pk: post.header_image.get_rendition(ENCLOSURE_RENDITION)
                for post in posts
                if post.header_image_id and post.header_image is not None
            }
        )

    def _image_enclosures(self, image_ids: dict[int, int]) -> dict[int, Enclosure]:
        """Enclosures for posts given as {post id: image id}, in two queries."""
        images = (
            get_image_model()
            .objects.prefetch_renditions(ENCLOSURE_RENDITION)
            .in_bulk(set(image_ids.values()))
        )
        return self._rendition_enclosures(
            {
                pk: images[image_id].get_rendition(ENCLOSURE_RENDITION)
                for pk, image_id in image_ids.items()
                if image_id in images
            }
        )

    def _rendition_enclosures(self, renditions: dict) -> dict[int, Enclosure]:
        """File sizes come from the cache: asking the storage is a request per file on S3."""
        if not renditions:
            return {}
        size_keys = {pk: f"feeds:rendition-size:{r.pk}" for pk, r in renditions.items()}
        sizes = cache.get_many(list(size_keys.values()))
        fresh = {}
        enclosures = {}
        for pk, rendition in renditions.items():
            length = sizes.get(size_keys[pk])
            if length is None:
                try:
                    length = rendition.file.size
                except OSError:
                    length = 0
                fresh[size_keys[pk]] = length
            mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
            # Readers fetch enclosures without a session: a grant for this reader and file,
            # checked against what they may see when it is fetched.
            url = self.absolute(shareable_file_url(self.user, rendition.url))
            enclosures[pk] = Enclosure(url, str(length), mime_type)
        if fresh:
            cache.set_many(fresh, BODY_CACHE_SECONDS)
        return enclosures

    # --- one entry -------------------------------------------------------------------------

    def _post_entry(
        self, post: BlogPostPage, body: Body | None, tags: list[str], enclosures
    ) -> Entry:
        body = body or Body("", "")
        return Entry(
            guid=self.tag_uri(post.first_published_at or post.date, f"post/{post.pk}"),
            title=post.title,
            link=self.absolute(post.get_url(self.request) or "/"),
            author_name=display_name(post.owner),
            author_link=self.person_link(post.owner),
            pubdate=post.date,
            updateddate=max(post.last_published_at or post.date, post.date),
            # The teaser is plain text (the page escapes it); feed descriptions are HTML.
            description=escape(post.teaser) if post.teaser else body.summary,
            content=body.content,
            categories=tags,
            enclosure=enclosures.get(post.pk),
            per_reader=body.per_reader,
        )

    def _change_entry(self, change) -> Entry:
        page = change.page
        if change.is_new_page:
            title = _("New page: %(title)s") % {"title": page.title}
        else:
            title = _("Changed: %(title)s") % {"title": page.title}
        summary = change.summary or (_("New page") if change.is_new_page else _("No summary given"))
        return Entry(
            guid=self.tag_uri(change.created_at, f"wiki-revision/{change.revision.pk}"),
            title=title,
            link=self.absolute(change.diff_url),
            author_name=display_name(change.author),
            author_link=self.person_link(change.author),
            pubdate=change.created_at,
            updateddate=change.created_at,
            # The summary is plain text typed by an editor; feed descriptions are HTML.
            description=escape(summary),
            categories=[page.space.title] if page.space_id and page.space else [],
        )

    def _wiki_page_entry(self, page: WikiPage, body: Body | None) -> Entry:
        body = body or Body("", "")
        author = page.latest_revision.user if page.latest_revision_id else page.owner
        published = page.first_published_at or page.last_published_at
        return Entry(
            guid=self.tag_uri(published, f"wiki-page/{page.pk}"),
            title=page.title,
            link=self.absolute(page.get_url(self.request) or "/"),
            author_name=display_name(author),
            author_link=self.person_link(author),
            pubdate=published,
            updateddate=page.last_published_at or published,
            description=body.summary,
            content=body.content,
            categories=[page.space.title] if page.space else [],
        )

    # --- helpers ---------------------------------------------------------------------------

    def absolute(self, url: str) -> str:
        return self.request.build_absolute_uri(url)

    def sanitize(self, html: str) -> str:
        """nh3-cleaned HTML with every link and image made absolute (readers have no base)."""

        def absolutize(tag: str, attribute: str, value: str) -> str | None:
            if attribute in ("href", "src"):
                return urljoin(self.absolute("/"), value)
            return value

        return nh3.clean(html, attribute_filter=absolutize)

    @cached_property
    def authority(self) -> str:
        site = Site.find_for_request(self.request)
        return site.hostname if site else self.request.get_host().split(":")[0]

    def tag_uri(self, when: datetime, specific: str) -> str:
        """A GUID that survives renames and moves (RFC 4151 tag URI)."""
        return f"tag:{self.authority},{when:%Y-%m-%d}:{specific}"

    def person_link(self, person) -> str:
        if person is None:
            return ""
        # One reverse() per person, not per entry: a feed often has one author 50 times.
        link = self._person_links.get(person.pk)
        if link is None:
            link = self.absolute(reverse("profiles:detail", args=[person.get_username()]))
            self._person_links[person.pk] = link
        return link


# --- the scopes ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class EverythingScope(FeedScope):
    """New posts and wiki changes of the whole intranet that the user can see."""

    url_name = "all"

    @staticmethod
    def title_for() -> str:
        return _("Everything new")

    @property
    def title(self) -> str:
        return self.title_for()

    @property
    def link(self) -> str:
        return "/"

    @property
    def description(self) -> str:
        return _("New posts and wiki changes you can see")

    def version_pages(self) -> QuerySet:
        return visible_pages(self.user, IntranetPage.objects.type(BlogPostPage, WikiPage))

    def collect_entries(self) -> list[Entry]:
        posts = self.newest_post_entries(BlogPostPage.listing_for(self.user))
        return posts + self.change_entries()

    def newest_post_rows(self, rows: QuerySet) -> list[tuple]:
        # The newest posts of the whole intranet are nearly always recent ones. Asking for a
        # recent window first lets the database walk its date index newest first and stop
        # after `limit` posts, instead of sorting every visible post; when the window holds
        # fewer, the older posts are needed and the full query runs.
        since = timezone.now() - RECENT_POSTS_WINDOW
        recent = list(rows.filter(date__gte=since)[: self.limit])
        if len(recent) == self.limit:
            return recent
        return super().newest_post_rows(rows)


@dataclass(kw_only=True)
class SpaceScope(FeedScope):
    """A space's posts and wiki changes."""

    url_name = "space"

    space: SpacePage

    @classmethod
    def for_request(cls, request: HttpRequest, user, limit: int, **url_kwargs: str) -> Self:
        space = get_page_for_user(user, SpacePage.objects.all(), slug=url_kwargs["slug"])
        return cls(request=request, user=user, limit=limit, space=space)

    @staticmethod
    def title_for(space: SpacePage) -> str:
        return _("%(space)s: posts and wiki changes") % {"space": space.title}

    @property
    def title(self) -> str:
        return self.title_for(self.space)

    @property
    def link(self) -> str:
        return self.space.get_url(self.request) or "/"

    def version_pages(self) -> QuerySet:
        pages = visible_pages(self.user, IntranetPage.objects.type(BlogPostPage, WikiPage))
        return pages.filter(space=self.space)

    def collect_entries(self) -> list[Entry]:
        posts = self.newest_post_entries(BlogPostPage.listing_for(self.user, space=self.space))
        return posts + self.change_entries(self.space)


@dataclass(kw_only=True)
class SpaceBlogScope(SpaceScope):
    """A space's blog posts."""

    url_name = "blog"

    @staticmethod
    def title_for(space: SpacePage) -> str:
        return _("%(space)s: blog") % {"space": space.title}

    @cached_property
    def link(self) -> str:
        # The space's blog is its child; `space` (indexed) finds it without the tree query
        # child_of() makes, which scans every page on SQLite.
        blog = (
            BlogIndexPage.objects.live()
            .filter(space=self.space, depth=self.space.depth + 1)
            .order_by("path")
            .first()
        )
        return (blog.get_url(self.request) if blog else None) or super().link

    def version_pages(self) -> QuerySet:
        return visible_pages(self.user, BlogPostPage.objects.all()).filter(space=self.space)

    def collect_entries(self) -> list[Entry]:
        return self.newest_post_entries(BlogPostPage.listing_for(self.user, space=self.space))


@dataclass(kw_only=True)
class SpaceWikiScope(SpaceScope):
    """A space's wiki changes."""

    url_name = "wiki"

    @staticmethod
    def title_for(space: SpacePage) -> str:
        return _("%(space)s: wiki changes") % {"space": space.title}

    def version_pages(self) -> QuerySet:
        return visible_pages(self.user, WikiPage.objects.all()).filter(space=self.space)

    def collect_entries(self) -> list[Entry]:
        return self.change_entries(self.space)


@dataclass(kw_only=True)
class PersonScope(FeedScope):
    """A person's posts that the user can see."""

    url_name = "person"

    person: object

    @classmethod
    def for_request(cls, request: HttpRequest, user, limit: int, **url_kwargs: str) -> Self:
        username = url_kwargs["username"]
        person = get_user_model().objects.filter(username=username, is_active=True).first()
        if person is None:
            raise Http404
        return cls(request=request, user=user, limit=limit, person=person)

    @staticmethod
    def title_for(person) -> str:
        return _("Posts by %(name)s") % {"name": display_name(person)}

    @property
    def title(self) -> str:
        return self.title_for(self.person)

    @property
    def link(self) -> str:
        return reverse("profiles:detail", args=[self.person.get_username()])

    def version_pages(self) -> QuerySet:
        return visible_pages(self.user, BlogPostPage.objects.all()).filter(owner=self.person)

    def collect_entries(self) -> list[Entry]:
        return self.newest_post_entries(BlogPostPage.listing_for(self.user, author=self.person))


@dataclass(kw_only=True)
class TagScope(FeedScope):
    """Posts the user can see with one tag (any case)."""

    url_name = "tag"
    # The tag filter joins one row per tag of a post.
    rows_repeat_pages = True

    tag: str

    @classmethod
    def for_request(cls, request: HttpRequest, user, limit: int, **url_kwargs: str) -> Self:
        return cls(request=request, user=user, limit=limit, tag=url_kwargs["tag"].strip()[:100])

    @staticmethod
    def title_for(tag: str) -> str:
        return _("Posts tagged “%(tag)s”") % {"tag": tag}

    @property
    def title(self) -> str:
        return self.title_for(self.tag)

    @property
    def link(self) -> str:
        return "/blogs/?" + urlencode({"tag": self.tag})

    def version_pages(self) -> QuerySet:
        pages = visible_pages(self.user, BlogPostPage.objects.all())
        return pages.filter(tags__name__iexact=self.tag) if self.tag else pages

    def collect_entries(self) -> list[Entry]:
        posts = BlogPostPage.listing_for(self.user, tag=self.tag or None)
        return self.newest_post_entries(posts)


@dataclass(kw_only=True)
class SearchScope(FeedScope):
    """A saved search: the best `limit` posts and wiki pages for the words of ?q=, found by
    the search page's own service (`search_content`: its query cleaning and visibility
    filter), newest first."""

    url_name = "search"

    query: str

    @classmethod
    def for_request(cls, request: HttpRequest, user, limit: int, **url_kwargs: str) -> Self:
        query = normalize_query(request.GET.get("q", ""))
        if not query:
            raise FeedError(400, _("Add ?q= with the words to search for."))
        return cls(request=request, user=user, limit=limit, query=query)

    @staticmethod
    def title_for(query: str) -> str:
        return _("Search: %(query)s") % {"query": query}

    @property
    def title(self) -> str:
        return self.title_for(self.query)

    @property
    def link(self) -> str:
        return reverse("search:search") + "?" + urlencode({"q": self.query})

    @property
    def variant(self) -> str:
        return self.query

    def link_arguments(self, url_kwargs: dict[str, str]) -> dict[str, str]:
        return {"query": self.query}

    @cached_property
    def search_ids(self) -> list[int]:
        """The ids of the best `limit` pages for the query that the user may open. Shared
        by readers who see the same pages, until content changes (index updates queued
        behind a publish show within SEARCH_CACHE_SECONDS); entries are then loaded through
        `visible_pages` again."""
        source = repr((self.view_key, self.stamp[1:7], self.query, self.limit))
        key = "feeds:search:" + hashlib.sha256(source.encode()).hexdigest()
        ids = cache.get(key)
        if ids is not None:
            return ids
        try:
            results = search_content(
                self.user, self.query, per_page=self.limit, facets=False, people=False
            )
        except Exception:
            # An index that cannot be read is "no results" for now, never a 500; it is not
            # cached, so the next fetch asks again.
            logger.warning("feed search failed for %r", self.query, exc_info=True)
            return []
        ids = [hit.obj.pk for hit in results.hits]
        cache.set(key, ids, SEARCH_CACHE_SECONDS)
        return ids

    def version_pages(self) -> QuerySet:
        return IntranetPage.objects.filter(pk__in=self.search_ids)

    def collect_entries(self) -> list[Entry]:
        ids = self.search_ids
        if not ids:
            return []
        posts = self._load_posts(BlogPostPage.listing_for(self.user).filter(pk__in=ids))
        entries = self._post_entries(posts)
        wiki_pages = list(
            visible_pages(self.user, WikiPage.objects.filter(pk__in=ids))
            .select_related("owner", "space", "latest_revision__user")
            .defer("body")
        )
        bodies = self._bodies(WikiPage, wiki_pages)
        entries += [self._wiki_page_entry(page, bodies.get(page.pk)) for page in wiki_pages]
        return entries


def body_cache_key(page, base_url: str) -> str:
    """Changes with every publish (new live revision and publication time)."""
    published = page.last_published_at.isoformat() if page.last_published_at else ""
    digest = hashlib.sha256(f"{base_url}|{published}".encode()).hexdigest()[:24]
    return f"feeds:body:{page.pk}:{page.live_revision_id}:{digest}"


def change_stamp(user) -> tuple:
    """One cheap query whose answer changes whenever what any feed shows `user` may have
    changed: every publish, unpublish, move and delete, and every membership or space
    visibility change, writes a page log entry or a revision (Wagtail and
    `intranet.actions` log them all); new pages raise the newest page id, deleted ones
    lower the page count; the user's own memberships are counted. Each part is a
    primary-key or index lookup, so it costs about the same at any size."""
    sql, params = _change_stamp_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if param == _ANY_USER else param for param in params])
        return tuple(str(value) for value in cursor.fetchone() or ())


# The user id the stamp query is compiled with, swapped for the real one on each call.
_ANY_USER = -7_310_031


@functools.cache
def _change_stamp_sql() -> tuple[str, tuple]:
    """Compiled once per process: the query runs on every feed request, and building it
    with the ORM each time cost more than running it."""
    mine = Membership.objects.filter(user=OuterRef("pk"))
    queryset = (
        get_user_model()
        .objects.filter(pk=_ANY_USER)
        .annotate(
            log_id=_newest(PageLogEntry.objects.all()),
            log_at=_newest(PageLogEntry.objects.all(), "timestamp"),
            revision_id=_newest(Revision.objects.all()),
            revision_at=_newest(Revision.objects.all(), "created_at"),
            page_id=_newest(Page.objects.all()),
            page_count=_count(Page.objects.all()),
            membership_id=_newest(mine),
            membership_count=_count(mine),
        )
        .values_list(
            "is_superuser",
            "log_id",
            "log_at",
            "revision_id",
            "revision_at",
            "page_id",
            "page_count",
            "membership_id",
            "membership_count",
        )
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    assert params.count(_ANY_USER) == 1, params
    return sql, params


def _newest(queryset, field: str = "pk") -> Subquery:
    return Subquery(queryset.order_by("-pk").values(field)[:1])


def _count(queryset) -> Subquery:
    # COUNT(*), which databases answer from their smallest index.
    count = Func(template="COUNT(*)", output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(n=count).values("n")[:1])
