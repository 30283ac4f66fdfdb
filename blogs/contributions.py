"""A person's posts and comments, as profiles and the expert finder see them
(`intranet.contributions`): the newest posts on a profile, and how many posts and comments
about a topic the viewer may see."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from blogs.models import BlogPostPage, Comment
from intranet.access import visible_pages
from intranet.contributions import Contribution, ContributionKind, register_contribution
from search.query import counts_by, pages_matching


def posts_by(viewer, person, limit: int) -> list[Contribution]:
    """The person's newest posts the viewer may read."""
    posts = (
        visible_pages(viewer, BlogPostPage.objects.filter(owner=person))
        .select_related("space")
        .order_by("-date")[:limit]
    )
    return [Contribution(post, post.date) for post in posts]


def posts_about(viewer, query: str, words: Sequence[str], people: QuerySet) -> Mapping[int, int]:
    """Posts per author that the viewer's search finds for `query`: one pass over the index
    (a facet on the owner), nothing loaded from the database."""
    person_ids = set(people.values_list("pk", flat=True))
    found = counts_by(pages_matching(viewer, BlogPostPage, query), "owner_id")
    return {owner_id: n for owner_id, n in found.items() if owner_id in person_ids}


def comments_about(viewer, query: str, words: Sequence[str], people: QuerySet) -> Mapping[int, int]:
    """Shown comments per author on posts the viewer may read that hold any of the words.
    Comments are not in the search index: a plain text match."""
    match = Q()
    for word in words:
        match |= Q(body__icontains=word)
    rows = (
        Comment.visible_to(viewer)
        .filter(match, is_hidden=False, author__in=people.values("pk"))
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    return {row["author_id"]: row["n"] for row in rows}


POSTS = ContributionKind(
    name="posts",
    order=10,
    weight=3,
    count_about=posts_about,
    describe=lambda n, query: ngettext("%(n)s post", "%(n)s posts", n) % {"n": n},
    recent=posts_by,
    title=_("Posts"),
    empty=_("No posts you can see."),
)

COMMENTS = ContributionKind(
    name="comments",
    order=30,
    weight=1,
    count_about=comments_about,
    describe=lambda n, query: ngettext("%(n)s comment", "%(n)s comments", n) % {"n": n},
)


def register() -> None:
    """Tell profiles and the expert finder about posts and comments (from `ready()`)."""
    register_contribution(POSTS)
    register_contribution(COMMENTS)
