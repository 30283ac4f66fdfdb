"""Blogs: a personal blog per employee under /blogs/<username>/ and one blog per space.

Posts are Wagtail pages, so drafts, previews, revisions and scheduled publishing come from
Wagtail. Comments and reactions are plain Django models hanging off a post; whoever may read
the post may read them, and nobody else.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from intranet.access import can_moderate_space, is_employee, visible_pages
from intranet.cache import cached_for_view
from intranet.models import IntranetPage, SpacePage

# Rich text a post body may hold: headings, lists, links to intranet pages, links to files
# (pasted or dropped into the composer), images, quotes, inline code and code blocks
# (registered in wagtail_hooks).
BODY_FEATURES = [
    "h2",
    "h3",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    "image",
    "blockquote",
    "code",
    "code-block",
    "hr",
]

# Renditions a header image is cut into; listings prefetch the card ones in one query.
HEADER_RENDITIONS = ["fill-1200x500", "fill-800x333", "fill-400x167"]
CARD_RENDITIONS = ["fill-400x225", "fill-800x450"]
SOCIAL_RENDITION = "fill-1200x630"

POSTS_PER_PAGE = 12


class ReadOnlyServeMixin:
    """Blog pages only answer GET and HEAD: writes go to the POST views in blogs/views.py."""

    def serve(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().serve(request, *args, **kwargs)


def paginate(
    request, queryset, per_page: int = POSTS_PER_PAGE, *, count: int | None = None
) -> PaginatorPage:
    """One page of `queryset`; a missing or nonsense page number gives the first or last.
    `count`, when known (cached), saves the paginator its COUNT(*) over the whole listing."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


def children_of(page: Page) -> Q:
    """The pages right below `page`, as a range on the tree path. Wagtail's `child_of` is a
    `LIKE 'path%'` that SQLite (and PostgreSQL without a pattern index) cannot answer from
    the path index, so a blog's listing scanned every page; a range uses the index."""
    # Paths are base-36 digits (0-9, A-Z): every child's path lies between these two.
    return Q(path__gt=page.path, path__lte=page.path + "Z" * Page.steplen, depth=page.depth + 1)


def parse_month(value: str | None) -> date | None:
    """'2026-11' as the first of that month, or None when empty or malformed."""
    if not value:
        return None
    try:
        year, month = (int(part) for part in value.split("-", 1))
        return date(year, month, 1)
    except ValueError:
        return None


def recent_months(count: int) -> list[date]:
    """The first day of this month and the `count - 1` before it, newest first. Computed,
    not queried: listing the months that have posts costs a scan of every post."""
    today = timezone.localdate()
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class BlogsRootPage(ReadOnlyServeMixin, Page):
    """`/blogs/`: every post the reader may see, and the parent of personal blogs."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["blogs.BlogIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("all blogs")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(BlogPostPage.listing_context(request, request.user))
        context["my_blog"] = BlogIndexPage.objects.filter(author=request.user).first()
        context["spaces"] = cached_for_view(
            request.user,
            ("blogs", "spaces"),
            lambda: list(
                visible_pages(request.user, SpacePage.objects.all())
                .order_by("title")
                .values("slug", "title")
            ),
        )
        context["nav_section"] = "blogs"
        return context


class BlogIndexPage(ReadOnlyServeMixin, IntranetPage):
    """A blog: personal (under /blogs/, `author` set) or a space's (under the space)."""

    # Its owner wrote it: when they leave, it stays theirs (see `profiles.actions`).
    owner_is_author = True

    author = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="personal_blog",
        verbose_name=_("author of this personal blog"),
    )
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = IntranetPage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["blogs.BlogsRootPage", "intranet.SpacePage"]
    subpage_types = ["blogs.BlogPostPage"]

    class Meta:
        verbose_name = _("blog")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(BlogPostPage.listing_context(request, request.user, blog=self))
        context["can_write"] = self.can_write(request.user)
        context["nav_section"] = "blogs"
        return context

    def route(self, request, path_components):
        """A post in one query, already specific and with its space joined (Wagtail's own
        route asks for the child page and then again for its specific type)."""
        if path_components:
            post = (
                BlogPostPage.objects.filter(children_of(self))
                .select_related("space", "owner__profile__department")
                .filter(slug=path_components[0])
                .first()
            )
            if post is not None:
                post._cached_parent_obj = self  # treebeard's get_parent() reads it
                return post.route(request, path_components[1:])
        return super().route(request, path_components)

    def can_write(self, user) -> bool:
        """Whether `user` may add posts here (the owner of a personal blog; space editors)."""
        return is_employee(user) and self.permissions_for_user(user).can_add_subpage()

    @property
    def add_post_url(self) -> str:
        """The composer, with this blog's space chosen (without one: the writer's blog)."""
        url = reverse("blogs:write")
        if self.space_id is None:
            return url
        return f"{url}?{urlencode({'space': self.space.slug})}"


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blogs.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class BlogPostPage(ReadOnlyServeMixin, IntranetPage):
    # Its owner wrote it: when they leave, it stays under their name (see `profiles.actions`).
    owner_is_author = True

    date = models.DateTimeField(
        _("date"),
        default=timezone.now,
        help_text=_("Shown on the post and used for ordering. To publish later, use Schedule."),
    )
    teaser = models.TextField(_("teaser"), blank=True, max_length=500)
    header_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("header image"),
    )
    header_image_alt = models.CharField(
        _("header image description"),
        max_length=250,
        blank=True,
        help_text=_(
            "What the image shows, for people who cannot see it. Needed unless the image "
            "already has a description in the image library."
        ),
    )
    body = RichTextField(
        _("body"),
        blank=True,
        features=BODY_FEATURES,
        help_text=_(
            "To show a preview card of another intranet page, put a link to it (chosen with "
            "the link button, or its address) on a line of its own. Readers who may not see "
            "that page get the link text only."
        ),
    )
    tags = ClusterTaggableManager(through=BlogPostTag, blank=True, verbose_name=_("tags"))

    content_panels = IntranetPage.content_panels + [
        FieldPanel("teaser"),
        MultiFieldPanel(
            [FieldPanel("header_image"), FieldPanel("header_image_alt")],
            heading=_("Header image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("date"),
        FieldPanel("language"),
    ]
    search_fields = IntranetPage.search_fields + [
        index.SearchField("teaser", boost=1.5),
        index.SearchField("body"),
        # A post is found by its tags ("kubernetes" finds posts tagged so); the index
        # filter on space_id still keeps members-only posts from everyone else.
        index.RelatedFields(
            "tags", [index.SearchField("name", boost=2), index.AutocompleteField("name")]
        ),
        index.FilterField("date"),
        index.FilterField("owner_id"),
    ]
    parent_page_types = ["blogs.BlogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("blog post")
        indexes = [models.Index(fields=["-date"], name="blogpost_date_desc")]

    def save(self, *args, **kwargs):
        # A scheduled post goes live at `go_live_at`, maybe days after it was written (when
        # `date` was filled in): once live, that is its date, for readers, lists and feeds.
        # Republishing the same revision later gives the same date again.
        if (
            self.live
            and self.go_live_at is not None
            and self.go_live_at <= timezone.now()
            and (self.date is None or self.date < self.go_live_at)
        ):
            self.date = self.go_live_at
        return super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.header_image_id and not self.image_alt:
            raise ValidationError(
                {"header_image_alt": _("Describe the header image for people who cannot see it.")}
            )

    @property
    def image_alt(self) -> str:
        if self.header_image_alt:
            return self.header_image_alt
        return getattr(self.header_image, "description", "") if self.header_image_id else ""

    # --- queries shared by pages, the home dashboard and feeds ---------------------------

    @classmethod
    def listing_for(
        cls,
        user,
        *,
        space: SpacePage | None = None,
        blog: BlogIndexPage | None = None,
        author=None,
        tag: str | None = None,
        month: date | None = None,
    ) -> models.QuerySet[BlogPostPage]:
        """Posts `user` may read, newest first, with everything a listing shows joined or
        prefetched, so a page of them costs the same queries for ten posts or 10,000."""
        posts = visible_pages(user, cls.objects.all())
        if space is not None:
            posts = posts.filter(space=space)
        if blog is not None:
            posts = posts.filter(children_of(blog))
        if author is not None:
            posts = posts.filter(owner=author)
        if tag:
            posts = posts.filter(tags__name__iexact=tag)
        if month is not None:
            posts = posts.filter(date__year=month.year, date__month=month.month)
        images = get_image_model().objects.prefetch_renditions(*CARD_RENDITIONS)
        comment_counts = (
            Comment.objects.filter(post=OuterRef("pk"), is_hidden=False)
            .order_by()
            .values("post")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            posts.select_related("owner", "space")
            .prefetch_related(
                Prefetch("header_image", queryset=images),
                # A plain list: `post.tags.all` builds a fresh tag queryset per card.
                Prefetch("tags", to_attr="listing_tags"),
            )
            # A correlated subquery, not a JOIN + GROUP BY: the database counts comments only
            # for the posts on the page instead of grouping every visible post first.
            .annotate(comment_count=Coalesce(Subquery(comment_counts), 0))
            .order_by("-date", "-pk")
        )

    @classmethod
    def latest_for(cls, user, limit: int = 10, space=None) -> models.QuerySet[BlogPostPage]:
        """The newest posts the user may see, optionally only those in one space."""
        return cls.listing_for(user, space=space)[:limit]

    @classmethod
    def listing_context(cls, request, user, *, blog: BlogIndexPage | None = None) -> dict:
        """Filters from the query string, one page of posts and the filter choices."""
        from django.contrib.auth import get_user_model

        filters: dict = {}
        tag = request.GET.get("tag", "").strip()[:100]
        month = parse_month(request.GET.get("month"))
        author = space = None
        if blog is None:
            username = request.GET.get("author", "").strip()
            if username:
                author = (
                    get_user_model()
                    .objects.filter(username=username)
                    .select_related("profile", "profile__department")
                    .first()
                )
                filters["author"] = username
            slug = request.GET.get("space", "").strip()
            if slug:
                space = visible_pages(user, SpacePage.objects.all()).filter(slug=slug).first()
                filters["space"] = slug
        posts = cls.listing_for(user, blog=blog, author=author, space=space, tag=tag, month=month)
        if ("author" in filters and author is None) or ("space" in filters and space is None):
            # An unknown person or a space the reader cannot see: nothing, not everything.
            posts = posts.none()
        if tag:
            filters["tag"] = tag
        if month:
            filters["month"] = month.strftime("%Y-%m")
        count_key = (
            "blogs",
            "count",
            blog.pk if blog else None,
            author.pk if author else None,
            space.pk if space else None,
            tag,
            month.isoformat() if month else None,
            posts.query.is_empty(),
        )
        count = cached_for_view(user, count_key, lambda: posts.order_by().count())
        return {
            "posts": paginate(request, posts, count=count),
            "filters": filters,
            "query_string": urlencode(filters),
            "filter_author": author,
            "filter_space": space,
            "filter_month": month,
            "months": [
                {"value": month.strftime("%Y-%m"), "label": date_format(month, "YEAR_MONTH_FORMAT")}
                for month in recent_months(24)
            ],
            "top_tags": cached_for_view(
                user,
                ("blogs", "top_tags", blog.pk if blog else None),
                lambda: cls.top_tags_for(user, blog=blog),
            ),
        }

    @classmethod
    def top_tags_for(cls, user, *, blog: BlogIndexPage | None = None, limit: int = 20) -> list:
        """The most used tags on the posts `user` may read (in one blog), with their counts."""
        scope = visible_pages(user, cls.objects.all())
        if blog is not None:
            scope = scope.filter(children_of(blog))
        return list(
            Tag.objects.filter(blogs_blogposttag_items__content_object__in=scope.values("pk"))
            .annotate(post_count=Count("blogs_blogposttag_items"))
            .order_by("-post_count", "name")
            .values("name", "post_count")[:limit]
        )

    # --- the post page --------------------------------------------------------------------

    def get_context(self, request, *args, **kwargs):
        from blogs.rendering import render_post_body

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        reactions = Reaction.summary_for(self, user)
        # The same people may hide comments and edit the post (see can_be_edited_by).
        can_moderate = self.can_moderate_comments(user)
        context.update(
            {
                "body_html": render_post_body(self, user),
                "comments": Comment.thread_for(self, user),
                "reactions": reactions,
                "reaction_count": sum(r["count"] for r in reactions),
                "can_moderate": can_moderate,
                "can_edit": can_moderate and self.permissions_for_user(user).can_edit(),
                "blog": self.get_parent().specific,
                "author": self.author_with_profile,
                "comment_max_length": comment_max_length(),
                "nav_section": "blogs",
            }
        )
        return context

    @property
    def author_with_profile(self):
        if self.owner_id is None:
            return None
        if BlogPostPage.owner.is_cached(self):  # joined with its profile when routed
            return self.owner
        from django.contrib.auth import get_user_model

        return (
            get_user_model()
            .objects.select_related("profile", "profile__department")
            .filter(pk=self.owner_id)
            .first()
        )

    def can_moderate_comments(self, user) -> bool:
        """The post's author, the space's moderators and site admins may hide comments."""
        if not is_employee(user):
            return False
        if user.is_superuser or self.owner_id == user.pk:
            return True
        if self.space_id is None:
            return False
        # Asked by the page, its template and the userbar hooks in one request: remembered
        # on this instance (per user) so the role is read once.
        known = self.__dict__.setdefault("_can_moderate_comments", {})
        if user.pk not in known:
            known[user.pk] = can_moderate_space(user, self.space)
        return known[user.pk]

    def can_be_edited_by(self, user) -> bool:
        """Authors edit their own posts; in a space, its moderators edit any; site admins all.
        Wagtail's permissions must allow it too (they decide publishing and the editor)."""
        return self.can_moderate_comments(user) and self.permissions_for_user(user).can_edit()


def comment_max_length() -> int:
    return getattr(settings, "BLOG_COMMENT_MAX_LENGTH", 5000)


# An @mention of a colleague: "@" and a username, but not inside a word, an e-mail address
# or a link ("anna@example.com", "https://example.com/@anna"). Usernames may hold dots; a
# dot at the end is the sentence's, not the name's ("Thanks @anna." mentions anna).
MENTION = re.compile(r"(?<![\w@/.:])@([A-Za-z0-9_.+-]{1,149}[A-Za-z0-9_+-])")


def users_mentioned_in(text: str) -> list:
    """The active colleagues @mentioned in `text` (plain or rendered comment text)."""
    names = set(MENTION.findall(text or ""))
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, is_active=True))


class Comment(models.Model):
    """A reader's comment on a post, or a reply to one (one level of threading)."""

    post = models.ForeignKey(
        BlogPostPage, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="blog_comments",
        verbose_name=_("author"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    # What the author typed, kept for mentions and re-rendering; never shown unescaped.
    body = models.TextField(_("comment"))
    # `body` rendered once on write: escaped, links and @mentions made, cleaned by nh3.
    body_html = models.TextField(editable=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return f"{self.author} on {self.post_id}: {self.body[:40]}"

    def mentioned_users(self) -> list:
        """The active colleagues this comment @mentions."""
        return users_mentioned_in(self.body)

    @classmethod
    def visible_to(cls, user) -> models.QuerySet[Comment]:
        """Comments on posts `user` may read (hidden ones included: callers decide)."""
        return cls.objects.filter(post__in=visible_pages(user, BlogPostPage.objects.all()))

    @classmethod
    def thread_for(cls, post: BlogPostPage, user) -> list[Comment]:
        """Top-level comments with their replies, oldest first, in two queries."""
        comments = list(
            cls.objects.filter(post=post).select_related(
                "author", "author__profile", "author__profile__department"
            )
        )
        replies: dict[int, list[Comment]] = {}
        for comment in comments:
            if comment.parent_id:
                replies.setdefault(comment.parent_id, []).append(comment)
        top = [c for c in comments if c.parent_id is None]
        for comment in top:
            comment.thread_replies = replies.get(comment.pk, [])
        return top


class Reaction(models.Model):
    """One person's reaction to a post; reacting the same way again takes it back."""

    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        LOVE = "love", _("Love")
        IDEA = "idea", _("Insightful")
        CELEBRATE = "celebrate", _("Celebrate")

    EMOJI = {"like": "👍", "love": "❤️", "idea": "💡", "celebrate": "🎉"}

    post = models.ForeignKey(BlogPostPage, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_reactions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reaction")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="unique_blog_reaction")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.post_id}"

    @classmethod
    def summary_for(cls, post: BlogPostPage, user) -> list[dict]:
        """Each kind with its count, who reacted, and whether `user` did: one query."""
        people: dict[str, list] = {kind: [] for kind in cls.Kind.values}
        for reaction in cls.objects.filter(post=post).select_related("user").order_by("pk"):
            people[reaction.kind].append(reaction.user)
        return [
            {
                "kind": kind,
                "label": label,
                "emoji": cls.EMOJI[kind],
                "count": len(people[kind]),
                "people": people[kind],
                "mine": any(p.pk == user.pk for p in people[kind]),
            }
            for kind, label in cls.Kind.choices
        ]
