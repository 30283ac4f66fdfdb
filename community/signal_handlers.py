"""Activity and notifications from what happens in the other apps.

These are the only receivers of the community app, connected in `CommunityConfig.ready()`:
they cross app borders (Wagtail publishing, accounts, spaces, blog comments) without those
apps knowing about the stream."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.signals import page_published

from community import actions
from community.models import MODERATING_ROLES, Activity, Follow, Notification, Report
from community.stream import bump_activity_generation
from intranet.models import IntranetPage
from intranet.people import display_name
from intranet.signal_handlers import page_space_changed


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    page = instance.specific
    actor = getattr(revision, "user", None) or page.owner
    name = _display(actor)
    if isinstance(page, BlogPostPage):
        if Activity.objects.filter(kind=Activity.Kind.POST, page=page).exists():
            return
        actions.record_activity(Activity.Kind.POST, actor=actor, page=page, summary=page.title)
        # Followed tags are stored by `Follow.tag_key`; the post's tags keep their case.
        tags = [Follow.tag_key(name) for name in page.tags.names()]
        followers = (
            Follow.objects.filter(
                kind__in=["space", "person", "tag"],
            )
            .filter(_q(space_id=page.space_id) | _q(person=page.owner) | _q(tag__in=tags))
            .select_related("user")
        )
        actions.notify(
            [f.user for f in followers],
            Notification.Kind.FOLLOWED_CONTENT,
            actor=actor,
            page=page,
            text=_("%(name)s published “%(title)s”") % {"name": name, "title": page.title},
        )
    elif isinstance(page, WikiPage):
        created = not Activity.objects.filter(kind=Activity.Kind.WIKI_CREATED, page=page).exists()
        kind = Activity.Kind.WIKI_CREATED if created else Activity.Kind.WIKI_EDITED
        actions.record_activity(kind, actor=actor, page=page, summary=page.title)
        if not created:
            followers = Follow.objects.filter(kind="page", page=page).select_related("user")
            actions.notify(
                [f.user for f in followers],
                Notification.Kind.WIKI_EDIT,
                actor=actor,
                page=page,
                text=_("%(name)s edited “%(title)s”") % {"name": name, "title": page.title},
            )


def _q(**kwargs):
    from django.db.models import Q

    return Q(**kwargs)


def _display(user) -> str:
    """The person's name in a notification; "Someone" when there is no person to name."""
    return display_name(user) or _("Someone")


def on_user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw and instance.is_active:
        actions.record_activity(Activity.Kind.NEW_COLLEAGUE, actor=instance)


def on_membership_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        actions.record_activity(
            Activity.Kind.JOINED_SPACE,
            actor=instance.user,
            space=instance.space,
            summary=instance.space.title,
        )


def on_join_request_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    from intranet.models import Membership

    moderators = [
        m.user
        for m in Membership.objects.filter(
            space=instance.space, role__in=MODERATING_ROLES
        ).select_related("user")
    ]
    actions.notify(
        moderators,
        Notification.Kind.JOIN_REQUEST,
        actor=instance.user,
        space=instance.space,
        url=f"{instance.space.url}members/" if instance.space.url else "",
        text=_("%(name)s asks to join %(space)s")
        % {"name": _display(instance.user), "space": instance.space.title},
    )


def on_comment_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if not created or raw:
        return
    post = instance.post.specific
    author = instance.author
    name = _display(author)
    actions.record_activity(Activity.Kind.COMMENT, actor=author, page=post, summary=post.title)
    mentioned = instance.mentioned_users()
    actions.notify(
        mentioned,
        Notification.Kind.MENTION,
        actor=author,
        page=post,
        text=_("%(name)s mentioned you on “%(title)s”") % {"name": name, "title": post.title},
    )
    already = {u.pk for u in mentioned}
    parent = getattr(instance, "parent", None)
    if parent is not None and parent.author_id not in already:
        actions.notify(
            [parent.author],
            Notification.Kind.REPLY,
            actor=author,
            page=post,
            text=_("%(name)s replied to your comment on “%(title)s”")
            % {"name": name, "title": post.title},
        )
        already.add(parent.author_id)
    if post.owner_id and post.owner_id not in already:
        actions.notify(
            [post.owner],
            Notification.Kind.COMMENT,
            actor=author,
            page=post,
            text=_("%(name)s commented on “%(title)s”") % {"name": name, "title": post.title},
        )


def rewrite_space_of_rows(root: Page) -> None:
    """Give every activity, notification and report about a page in `root`'s subtree the
    space that page is in now (its `IntranetPage.space`, already rewritten by the move).

    These rows keep a copy of the space so that streams and lists filter and group by it
    in one indexed query; the copy must therefore follow the page. Follows keep none:
    a followed page's space is read from the page. Rows about a space itself (joins,
    join requests) are not about a page and keep theirs."""
    space_now = Subquery(IntranetPage.objects.filter(pk=OuterRef("page_id")).values("space_id")[:1])
    for model in (Activity, Notification, Report):
        model.objects.filter(page__path__startswith=root.path).update(space_id=space_now)
    # The home stream's cached copies are keyed on rows added or removed, which an UPDATE
    # is not; a new generation drops them once the move is committed.
    transaction.on_commit(bump_activity_generation)


def on_page_space_changed(sender, root: Page, **kwargs) -> None:
    rewrite_space_of_rows(root=root)


def register_space_rewrites() -> None:
    """Keeps existing rows right after a move, so it is wired even with the switch off."""
    page_space_changed.connect(on_page_space_changed, dispatch_uid="community_space_changed")


def register() -> None:
    page_published.connect(on_page_published, dispatch_uid="community_page_published")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="community_user_saved")
    post_save.connect(
        on_membership_saved, sender="intranet.Membership", dispatch_uid="community_membership"
    )
    post_save.connect(
        on_join_request_saved, sender="intranet.JoinRequest", dispatch_uid="community_join_request"
    )
    try:
        comment_model = apps.get_model("blogs", "Comment")
    except LookupError:  # blogs without comments: nothing to listen to
        return
    post_save.connect(on_comment_saved, sender=comment_model, dispatch_uid="community_comment")
