"""Writes in blogs: start a blog, write and publish posts, comment, reply, hide and react.

Callers (views, seed_demo) look the post up through `intranet.access` first, so a post the
actor cannot read never reaches these functions; the checks here are about roles.
"""

from __future__ import annotations

import re
from enum import StrEnum

import nh3
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Revision,
    WorkflowState,
)

from blogs.models import (
    MENTION,
    BlogIndexPage,
    BlogPostPage,
    BlogsRootPage,
    Comment,
    Reaction,
    comment_max_length,
    users_mentioned_in,
)
from intranet.actions import page_permission
from intranet.models import SpacePage
from intranet.people import display_name
from intranet.ratelimit import check_rate

BLOGGERS_GROUP = "Bloggers"
BLOG_IMAGES_COLLECTION = "Blog images"
# What the owner of a personal blog may do there. "change" covers only their own blog: no
# one else holds a permission on it.
PERSONAL_BLOG_PERMISSIONS = ["add", "change", "publish"]


class CommentError(ValueError):
    """Input a comment cannot be made from; the message is for the person who wrote it."""


# --- personal and space blogs ------------------------------------------------------------


def personal_blog_group_name(user) -> str:
    return f"blog-{user.pk}"


def bloggers_group() -> Group:
    """Everyone who writes a blog: may upload and choose header images in one shared
    collection. No admin access: writing happens in the intranet's own pages."""
    group, created = Group.objects.get_or_create(name=BLOGGERS_GROUP)
    if created:
        root = Collection.get_first_root_node() or Collection.add_root(name="Root")
        collection = root.get_children().filter(name=BLOG_IMAGES_COLLECTION).first()
        if collection is None:
            collection = root.add_child(name=BLOG_IMAGES_COLLECTION)
        for codename in ("add_image", "choose_image"):
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailimages", codename=codename
                ),
            )
    return group


def free_blog_slug(root: BlogsRootPage, user) -> str:
    # "-" is where the blog views live (/blogs/-/...), so no blog may take it.
    slug = slugify(user.get_username())[:60].strip("-") or f"user-{user.pk}"
    if root.get_children().filter(slug=slug).exists():
        slug = f"{slug}-{user.pk}"
    return slug


@transaction.atomic
def start_personal_blog(user) -> BlogIndexPage:
    """The user's personal blog at /blogs/<username>/, made (with its permissions) on first
    use. Only the user and site admins may write in it."""
    blog = BlogIndexPage.objects.filter(author=user).first()
    if blog is None:
        blog = _make_personal_blog(user)
    # Also for blogs made before these permissions existed (or by an admin in Wagtail).
    group, _created = Group.objects.get_or_create(name=personal_blog_group_name(user))
    for codename in PERSONAL_BLOG_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=blog, permission=page_permission(codename)
        )
    user.groups.add(group, bloggers_group())
    return blog


def _make_personal_blog(user) -> BlogIndexPage:
    root = BlogsRootPage.objects.get()
    blog = BlogIndexPage(
        title=display_name(user),
        slug=free_blog_slug(root, user),
        author=user,
        owner=user,
    )
    root.add_child(instance=blog)
    blog.save_revision(user=user, log_action=False).publish(
        user=user, log_action=False, skip_permission_checks=True
    )
    log(instance=blog, action="blogs.blog_started", user=user)
    return blog


@transaction.atomic
def ensure_space_blog(space: SpacePage, *, actor=None) -> BlogIndexPage:
    """The space's blog at /spaces/<space>/blog/, made on first use. Space editors write in
    it through the permissions the space already grants on its subtree."""
    blog = BlogIndexPage.objects.child_of(space).first()
    if blog is None:
        blog = BlogIndexPage(title="Blog", slug="blog", owner=actor)
        # The space as it is now, inside the transaction: a copy read earlier may not know
        # of a child page another process has just added (treebeard reuses its path).
        SpacePage.objects.get(pk=space.pk).add_child(instance=blog)
        blog.save_revision(user=actor, log_action=False).publish(
            user=actor, log_action=False, skip_permission_checks=True
        )
    if actor is not None:
        # Header images need the shared image collection, which space roles do not grant.
        actor.groups.add(bloggers_group())
    return blog


# --- posts -------------------------------------------------------------------------------


class PostOutcome(StrEnum):
    """What became of a post that was saved or sent to be published."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    SUBMITTED = "submitted"


def posts_per_minute() -> int:
    return getattr(settings, "BLOG_POSTS_PER_MINUTE", 20)


def _post_slug(blog: BlogIndexPage, title: str) -> str:
    """An address for a new post from its title, free among the blog's posts. Made once:
    editing the title later keeps the address, so links to the post keep working."""
    base = slugify(title, allow_unicode=True)[:80].strip("-") or "post"
    return find_available_slug(blog, base)


@transaction.atomic
def save_post(post: BlogPostPage, user, *, blog: BlogIndexPage | None = None) -> Revision:
    """Save `post` as a new revision without publishing it: a new post (`post.pk` is None)
    as a draft in `blog`, an existing one as changes over its live version. Wagtail's page
    permissions decide (adding in the blog; for an existing post `can_be_edited_by`).

    The caller has put the writer's values on `post` (for an existing post, on
    `get_latest_revision_as_object()`, so unpublished changes are built on, not lost)."""
    check_rate(user, "blogs.posts", posts_per_minute())
    if post.pk is None:
        if blog is None or not blog.can_write(user):
            raise PermissionDenied(_("You cannot write in this blog."))
        post.owner = user
        post.live = False
        post.slug = _post_slug(blog, post.title)
        # The blog as it is now, inside the transaction (see ensure_space_blog).
        BlogIndexPage.objects.get(pk=blog.pk).add_child(instance=post)
    else:
        if not post.can_be_edited_by(user):
            raise PermissionDenied(_("Only the author and the space's moderators edit a post."))
        if not post.live:
            # A draft's own row holds its latest text, as in Wagtail's editor; a live
            # post's row stays what readers see until the revision is published.
            post.save()
    return post.save_revision(user=user, log_action=True)


@transaction.atomic
def publish_post(
    post: BlogPostPage, user, *, blog: BlogIndexPage | None = None, go_live_at=None
) -> PostOutcome:
    """Save `post` (see `save_post`) and publish it now, or at `go_live_at`. Where the
    writer may not publish (a space whose changes need approval), it is submitted to the
    space's Wagtail workflow instead, and its moderators publish it.

    Publishing is Wagtail's: the revision is logged, `page_published` tells the community
    app (activity, followers' notifications) and the post is indexed once the transaction
    commits."""
    post.go_live_at = go_live_at
    revision = save_post(post, user, blog=blog)
    if post.permissions_for_user(user).can_publish():
        revision.publish(user=user)
        if go_live_at is not None and go_live_at > timezone.now():
            return PostOutcome.SCHEDULED
        return PostOutcome.PUBLISHED
    workflow = post.get_workflow()
    if workflow is None:
        raise PermissionDenied(_("You cannot publish this post."))
    state = post.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
    else:
        if state is not None:
            # A newer version replaces the one waiting for review.
            state.cancel(user=user)
        workflow.start(post, user)
    return PostOutcome.SUBMITTED


# --- comments ----------------------------------------------------------------------------


def render_comment(text: str) -> str:
    """Plain text to safe HTML: escaped, paragraphs, links made clickable, @mentions of
    colleagues linked to their profiles; then nh3 keeps only a, p and br."""
    html = urlize(text, nofollow=True, autoescape=True)
    people = {user.get_username() for user in users_mentioned_in(html)}

    def mention(match: re.Match) -> str:
        name = match.group(1)
        if name not in people:
            return match.group(0)
        url = reverse("profiles:detail", args=[name])
        return f'<a href="{escape(url)}" class="mention">@{escape(name)}</a>'

    html = MENTION.sub(mention, html)
    return nh3.clean(
        linebreaks(html),
        tags={"a", "p", "br"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )


@transaction.atomic
def add_comment(post: BlogPostPage, author, text: str, *, parent: Comment | None = None) -> Comment:
    """Comment on a live post the author may read (the caller checked), or reply to a
    comment on it; replies to replies join the same thread."""
    text = (text or "").strip()
    if not text:
        raise CommentError(_("Write something first."))
    limit = comment_max_length()
    if len(text) > limit:
        raise CommentError(
            _("A comment can be at most %(limit)s characters long; this one has %(length)s.")
            % {"limit": limit, "length": len(text)}
        )
    if not post.live:
        raise CommentError(_("This post is not published."))
    if parent is not None:
        if parent.post_id != post.pk:
            raise CommentError(_("You can only reply to a comment on the same post."))
        if parent.parent_id:
            parent = parent.parent
    check_rate(author, "blogs.comments", getattr(settings, "BLOG_COMMENTS_PER_MINUTE", 10))
    return Comment.objects.create(
        post=post, author=author, parent=parent, body=text, body_html=render_comment(text)
    )


@transaction.atomic
def hide_comment(comment: Comment, actor, *, hidden: bool = True) -> Comment:
    """Hide (or show again) a comment: the post's author, space moderators, site admins."""
    post = comment.post
    if not post.can_moderate_comments(actor):
        raise PermissionDenied(_("Only the post's author and the moderators can hide comments."))
    comment.is_hidden = hidden
    comment.hidden_by = actor if hidden else None
    comment.save(update_fields=["is_hidden", "hidden_by"])
    log(
        instance=post,
        action="blogs.comment_hidden" if hidden else "blogs.comment_shown",
        user=actor,
        data={"comment": comment.pk},
    )
    return comment


# --- reactions ---------------------------------------------------------------------------


@transaction.atomic
def react(post: BlogPostPage, user, kind: str) -> bool:
    """Add the reaction, or take it back if the user already reacted so. True if it is on."""
    if kind not in Reaction.Kind.values:
        raise ValueError(kind)
    check_rate(user, "blogs.reactions", getattr(settings, "BLOG_REACTIONS_PER_MINUTE", 60))
    deleted, _counts = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.create(post=post, user=user, kind=kind)
    return True
