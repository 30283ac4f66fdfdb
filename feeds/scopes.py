"""What each feed contains: the scopes (everything, a space, its blog or wiki, a person,
a tag, a saved search) and their entries, built only from the content apps' public
queries, which all filter through `intranet.access`.

A scope answers two questions: `version()`, cheap (one query) and used for ETag and
Last-Modified so that a conditional request gets its 304 without loading entries; and
`entries()`, the newest visible items as plain `Entry` values the feed classes render.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from urllib.parse import urljoin

import nh3
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.models import Site
from wagtail.rich_text import expand_db_html

from blogs.models import BlogIndexPage, BlogPostPage
from intranet.access import get_page_for_user, searchable_pages, visible_pages
from intranet.models import IntranetPage, SpacePage
from wiki.models import WikiPage, recent_changes

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
ENCLOSURE_RENDITION = "fill-800x450"  # one of the card renditions listings prefetch
SUMMARY_WORDS = 60


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


@dataclass
class FeedScope:
    """One feed's selection for one user. `kind` is "all", "space", "blog", "wiki",
    "person", "tag" or "search"."""

    request: HttpRequest
    user: object
    kind: str
    limit: int
    title: str
    link: str
    description: str
    space: SpacePage | None = None
    person: object = None
    tag: str = ""
    query: str = ""

    # --- cheap version for conditional requests ------------------------------------------

    def version(self) -> tuple[datetime | None, str]:
        """(Last-Modified, ETag) from the newest visible item and the visible count, in one
        query; user, scope and limit are in the ETag so that no two users or feeds share
        one."""
        pages = self._version_pages()
        stats = pages.order_by().aggregate(
            newest=Max("last_published_at"), count=Count("pk", distinct=True)
        )
        newest = stats["newest"]
        raw = "|".join(
            str(part)
            for part in (
                self.user.pk,
                self.request.path,
                self.limit,
                self.query,
                newest.isoformat() if newest else "",
                stats["count"],
            )
        )
        return newest, hashlib.sha256(raw.encode()).hexdigest()[:32]

    def _version_pages(self):
        if self.kind == "search":
            return IntranetPage.objects.filter(pk__in=self.search_ids)
        if self.kind in ("all", "space"):
            pages = visible_pages(self.user, IntranetPage.objects.type(BlogPostPage, WikiPage))
        elif self.kind == "wiki":
            pages = visible_pages(self.user, WikiPage.objects.all())
        else:
            pages = visible_pages(self.user, BlogPostPage.objects.all())
            if self.person is not None:
                pages = pages.filter(owner=self.person)
            if self.tag:
                pages = pages.filter(tags__name__iexact=self.tag)
        if self.space is not None:
            pages = pages.filter(space=self.space)
        return pages

    # --- entries ---------------------------------------------------------------------------

    def entries(self) -> list[Entry]:
        if self.kind == "search":
            return self._search_entries()
        entries: list[Entry] = []
        if self.kind in ("all", "space", "blog", "person", "tag"):
            posts = BlogPostPage.feed_items_for(
                self.user,
                space=self.space,
                author=self.person,
                tag=self.tag or None,
                limit=self.limit,
            )
            entries += [self._post_entry(post) for post in posts]
        if self.kind in ("all", "space", "wiki"):
            changes = recent_changes(self.user, space=self.space, limit=self.limit)
            entries += [self._change_entry(change) for change in changes]
        entries.sort(key=lambda entry: entry.pubdate, reverse=True)
        return entries[: self.limit]

    @cached_property
    def search_ids(self) -> list[int]:
        # The search filter is compiled from `searchable_pages` (the same rule as
        # visible_pages); entries are then loaded through visible_pages again.
        try:
            found = searchable_pages(self.user).search(self.query)[: self.limit]
            return [page.pk for page in found]
        except Exception:
            # A query the backend cannot parse is "no results", never a 500.
            logger.warning("feed search failed for %r", self.query, exc_info=True)
            return []

    def _search_entries(self) -> list[Entry]:
        ids = self.search_ids
        posts = BlogPostPage.listing_for(self.user).filter(pk__in=ids)
        wiki_pages = visible_pages(self.user, WikiPage.objects.filter(pk__in=ids)).select_related(
            "owner", "space", "latest_revision__user"
        )
        entries = [self._post_entry(post) for post in posts]
        entries += [self._wiki_page_entry(page) for page in wiki_pages]
        entries.sort(key=lambda entry: entry.pubdate, reverse=True)
        return entries

    # --- one entry -------------------------------------------------------------------------

    def _post_entry(self, post: BlogPostPage) -> Entry:
        body = self.sanitize(expand_db_html(post.body))
        teaser = post.teaser or Truncator(strip_tags(body)).words(SUMMARY_WORDS)
        return Entry(
            guid=self.tag_uri(post.first_published_at or post.date, f"post/{post.pk}"),
            title=post.title,
            link=self.absolute(post.get_url(self.request) or "/"),
            author_name=display_name(post.owner),
            author_link=self.person_link(post.owner),
            pubdate=post.date,
            updateddate=max(post.last_published_at or post.date, post.date),
            description=teaser,
            content=body,
            categories=[tag.name for tag in post.tags.all()],
            enclosure=self.enclosure(post),
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

    def _wiki_page_entry(self, page: WikiPage) -> Entry:
        body = self.sanitize(expand_db_html(page.body))
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
            description=Truncator(strip_tags(body)).words(SUMMARY_WORDS),
            content=body,
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

    def tag_uri(self, when: datetime, specific: str) -> str:
        """A GUID that survives renames and moves (RFC 4151 tag URI)."""
        site = Site.find_for_request(self.request)
        authority = site.hostname if site else self.request.get_host().split(":")[0]
        return f"tag:{authority},{when:%Y-%m-%d}:{specific}"

    def person_link(self, person) -> str:
        if person is None:
            return ""
        return self.absolute(reverse("profiles:detail", args=[person.get_username()]))

    def enclosure(self, post: BlogPostPage) -> Enclosure | None:
        if not post.header_image_id or post.header_image is None:
            return None
        rendition = post.header_image.get_rendition(ENCLOSURE_RENDITION)
        mime_type = mimetypes.guess_type(rendition.file.name)[0] or "image/jpeg"
        try:
            length = rendition.file.size
        except OSError:
            length = 0
        return Enclosure(self.absolute(rendition.url), str(length), mime_type)


def display_name(person) -> str:
    if person is None:
        return ""
    return person.get_full_name() or person.get_username()


# --- finding a scope ---------------------------------------------------------------------


def scope_for(request: HttpRequest, user, kind: str, limit: int, **kwargs) -> FeedScope:
    """The scope named by the URL, or 404 when its space or person is hidden or missing
    (the same answer, so a feed never confirms that something hidden exists)."""
    common = {"request": request, "user": user, "kind": kind, "limit": limit}
    if kind == "all":
        return FeedScope(
            **common,
            title=_("Everything new"),
            link="/",
            description=_("New posts and wiki changes you can see"),
        )
    if kind in ("space", "blog", "wiki"):
        space = get_page_for_user(user, SpacePage.objects.all(), slug=kwargs["slug"])
        titles = {
            "space": _("%(space)s: posts and wiki changes"),
            "blog": _("%(space)s: blog"),
            "wiki": _("%(space)s: wiki changes"),
        }
        link = space.get_url(request) or "/"
        if kind == "blog":
            blog = BlogIndexPage.objects.child_of(space).live().first()
            link = (blog.get_url(request) if blog else None) or link
        title = titles[kind] % {"space": space.title}
        return FeedScope(**common, title=title, link=link, description=title, space=space)
    if kind == "person":
        person = (
            get_user_model().objects.filter(username=kwargs["username"], is_active=True).first()
        )
        if person is None:
            raise Http404
        title = _("Posts by %(name)s") % {"name": display_name(person)}
        return FeedScope(
            **common,
            title=title,
            link=reverse("profiles:detail", args=[person.get_username()]),
            description=title,
            person=person,
        )
    if kind == "tag":
        tag = kwargs["tag"].strip()[:100]
        title = _("Posts tagged “%(tag)s”") % {"tag": tag}
        return FeedScope(
            **common,
            title=title,
            link="/blogs/?" + _urlencode({"tag": tag}),
            description=title,
            tag=tag,
        )
    if kind == "search":
        query = kwargs["query"]
        title = _("Search: %(query)s") % {"query": query}
        return FeedScope(
            **common,
            title=title,
            link=reverse("search:search") + "?" + _urlencode({"q": query}),
            description=title,
            query=query,
        )
    raise Http404


def _urlencode(params: dict[str, str]) -> str:
    from django.utils.http import urlencode

    return urlencode(params)
