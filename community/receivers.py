"""The community app's receivers, connected in `CommunityConfig.ready()`: activity and
notifications from what happens in the other apps (Wagtail publishing and workflows,
accounts, spaces, blog comments), without those apps knowing about the stream; the
stream's cache generation and the moderation menu's; and the space of activity rows about
pages that moved."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop
from wagtail.models import GroupApprovalTask, Page, PageLogEntry, TaskState, WorkflowState
from wagtail.rich_text import get_text_for_indexing
from wagtail.signals import (
    page_published,
    task_submitted,
    workflow_approved,
    workflow_rejected,
    workflow_submitted,
)

from community import actions, reviews
from community.models import MODERATING_ROLES, Activity, Follow, Notification, Report
from intranet.cache import bump_generation
from intranet.models import IntranetPage, Membership, Role
from intranet.people import display_name
from intranet.signals import member_role_changed, page_space_changed, write_access_requested

# What people hear, in English; each reader reads it in their language.
POST_PUBLISHED = gettext_noop("%(name)s published “%(title)s”")
WIKI_PAGE_EDITED = gettext_noop("%(name)s edited “%(title)s”")
MENTIONED = gettext_noop("%(name)s mentioned you on “%(title)s”")
REPLIED = gettext_noop("%(name)s replied to your comment on “%(title)s”")
COMMENTED = gettext_noop("%(name)s commented on “%(title)s”")
JOIN_REQUESTED = gettext_noop("%(name)s asks to join %(space)s")
MEMBER_ADDED = gettext_noop("%(name)s added you to %(space)s as %(role)s")
MEMBER_ROLE_CHANGED = gettext_noop("%(name)s made you %(role)s in %(space)s")
WRITE_ACCESS_REQUESTED = gettext_noop("%(name)s asks to write in %(space)s")
CHANGE_SUBMITTED = gettext_noop("%(name)s asks you to approve a change to “%(title)s”")
CHANGE_APPROVED = gettext_noop("%(name)s approved your change to “%(title)s”")
CHANGE_SENT_BACK = gettext_noop("%(name)s sent your change to “%(title)s” back: %(comment)s")


def on_page_published(sender, instance, revision=None, **kwargs) -> None:
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    page = instance.specific
    actor = getattr(revision, "user", None) or page.owner
    name = _display(actor)
    # A page scheduled to go live later is announced again when it does: mentions wait.
    if isinstance(page, BlogPostPage | WikiPage) and page.live:
        notify_body_mentions(page, actor, once_per_page=isinstance(page, BlogPostPage))
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
            .filter(Q(space_id=page.space_id) | Q(person=page.owner) | Q(tag__in=tags))
            .select_related("user")
        )
        actions.notify(
            [f.user for f in followers],
            Notification.Kind.FOLLOWED_CONTENT,
            actor=actor,
            page=page,
            text=POST_PUBLISHED,
            params={"name": name, "title": page.title},
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
                text=WIKI_PAGE_EDITED,
                params={"name": name, "title": page.title},
            )


def notify_body_mentions(page, actor, *, once_per_page: bool) -> None:
    """Tell the colleagues @mentioned in the body `page` has just published, when their
    mention is new. A post tells each person once: new means in no body it published
    before. A wiki page is a living document whose edits are each announced: new means not
    in the body it published last. `notify` leaves out the author and anyone who may not
    see the page."""
    from blogs.models import MENTION, users_mentioned_in

    mentioned = users_mentioned_in(get_text_for_indexing(page.body or ""))
    if not mentioned:
        return
    before = set()
    for body in _published_bodies(page, latest_only=not once_per_page):
        before.update(MENTION.findall(get_text_for_indexing(body or "")))
    actions.notify(
        [user for user in mentioned if user.username not in before],
        Notification.Kind.MENTION,
        actor=actor,
        page=page,
        text=MENTIONED,
        params={"name": _display(actor), "title": page.title},
    )


def _published_bodies(page, *, latest_only: bool) -> list[str]:
    """The bodies `page` published before, newest first, read from the publish log (as
    wiki history is). Wagtail writes a publish's log entry after sending `page_published`,
    so the publish being announced is not among them."""
    bodies = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish", revision__isnull=False)
        .order_by("-timestamp", "-pk")
        .annotate(body=KeyTextTransform("body", "revision__content"))
        .values_list("body", flat=True)
    )
    return list(bodies[:1] if latest_only else bodies)


def _display(user) -> str:
    """The person's name in a notification; "Someone" (in each reader's language) when
    there is no person to name."""
    return display_name(user) or gettext_lazy("Someone")


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


def space_moderators(space) -> list:
    """The people who answer a space's requests: its moderators and space admins."""
    memberships = Membership.objects.filter(space=space, role__in=MODERATING_ROLES)
    return [m.user for m in memberships.select_related("user")]


def members_url(space) -> str:
    return f"{space.url}members/" if space.url else ""


def on_join_request_saved(sender, instance, created, raw=False, **kwargs) -> None:
    # A request for a role (a reader asking to write) is told by `on_write_access_requested`.
    if not created or raw or instance.role:
        return
    actions.notify(
        space_moderators(instance.space),
        Notification.Kind.JOIN_REQUEST,
        actor=instance.user,
        space=instance.space,
        url=members_url(instance.space),
        text=JOIN_REQUESTED,
        params={"name": _display(instance.user), "space": instance.space.title},
    )


def on_write_access_requested(sender, join_request, space, **kwargs) -> None:
    actions.notify(
        space_moderators(space),
        Notification.Kind.JOIN_REQUEST,
        text=WRITE_ACCESS_REQUESTED,
        params={"name": _display(join_request.user), "space": space.title},
        actor=join_request.user,
        space=space,
        url=members_url(space),
    )


def on_member_role_changed(sender, space, member, role, previous, actor, **kwargs) -> None:
    """Someone added `member` to `space` (an invitation, an approved request) or gave them
    a new role there: they hear it, with the way to the space."""
    actions.notify(
        [member],
        Notification.Kind.MEMBERSHIP,
        text=MEMBER_ADDED if previous is None else MEMBER_ROLE_CHANGED,
        # The role's label is lazy: each reader reads it in their language.
        params={"name": _display(actor), "space": space.title, "role": Role(role).label},
        actor=actor,
        space=space,
        url=space.url or "",
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
        text=MENTIONED,
        params={"name": name, "title": post.title},
    )
    already = {u.pk for u in mentioned}
    parent = instance.parent
    if parent is not None and parent.author_id not in already:
        actions.notify(
            [parent.author],
            Notification.Kind.REPLY,
            actor=author,
            page=post,
            text=REPLIED,
            params={"name": name, "title": post.title},
        )
        already.add(parent.author_id)
    if post.owner_id and post.owner_id not in already:
        actions.notify(
            [post.owner],
            Notification.Kind.COMMENT,
            actor=author,
            page=post,
            text=COMMENTED,
            params={"name": name, "title": post.title},
        )


def on_task_submitted(sender, instance, user=None, **kwargs) -> None:
    """Tell the people who may approve a change (the task's groups: the space's moderators
    and admins) that it waits for them, linking straight to it. A task restarted because
    the editor saved again while it waited is not announced again: the first link leads on
    to it (`reviews.review`)."""
    task = instance.task.specific
    if not isinstance(task, GroupApprovalTask):
        return
    before = (
        TaskState.objects.filter(workflow_state_id=instance.workflow_state_id, task=task)
        .exclude(pk=instance.pk)
        .order_by("-started_at", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    page = instance.workflow_state.content_object.specific
    space = getattr(page, "space", None)
    if before == TaskState.STATUS_CANCELLED or space is None:
        return
    actions.notify(
        get_user_model().objects.filter(groups__in=task.groups.all()).distinct(),
        Notification.Kind.REVIEW,
        actor=user,
        space=space,
        url=reverse("community:review", args=[instance.pk]),
        text=CHANGE_SUBMITTED,
        params={"name": _display(user), "title": instance.revision.object_str or page.title},
    )


def on_workflow_approved(sender, instance, user=None, **kwargs) -> None:
    """Tell the submitter their change is approved (and so published), linking to the page."""
    page = instance.content_object.specific
    actions.notify(
        [instance.requested_by],
        Notification.Kind.REVIEW_OUTCOME,
        actor=user,
        page=page,
        text=CHANGE_APPROVED,
        params={"name": _display(user), "title": page.title},
    )


def on_workflow_rejected(sender, instance, user=None, **kwargs) -> None:
    """Tell the submitter their change was sent back, with the reviewer's comment, linking
    to where they change it again. The notification is about the page's space (the page
    itself may never have been published), so it shows while they may see that."""
    page = instance.content_object.specific
    space = getattr(page, "space", None)
    task_state = instance.current_task_state
    if space is None or task_state is None:
        return
    actions.notify(
        [instance.requested_by],
        Notification.Kind.REVIEW_OUTCOME,
        actor=user,
        space=space,
        url=_editor_url(page) or space.url or "",
        text=CHANGE_SENT_BACK,
        params={
            "name": _display(user),
            "title": task_state.revision.object_str or page.title,
            "comment": task_state.comment,
        },
    )


def _editor_url(page) -> str:
    """The intranet's editor of a wiki page or a post; the page itself for other pages."""
    from blogs.models import BlogPostPage
    from wiki.models import WikiPage

    if isinstance(page, WikiPage):
        return reverse("wiki:edit", args=[page.pk])
    if isinstance(page, BlogPostPage):
        return reverse("blogs:edit", args=[page.pk])
    return page.url or ""


# Wagtail's admin e-mails reviewers and submitters at each workflow step, with links into
# the admin that employees cannot open; the receivers above tell them in the intranet
# instead. wagtail.admin connects those e-mails in its ready(), which runs after ours
# (community comes first in INSTALLED_APPS), under these dispatch_uids: a receiver already
# connected under the same uid and sender makes Django skip theirs. No Wagtail setting turns
# them off. tests/moderation checks that none is sent.
WAGTAIL_WORKFLOW_EMAILS = (
    (task_submitted, TaskState, "group_approval_task_submitted_email_notification"),
    (workflow_submitted, WorkflowState, "workflow_state_submitted_email_notification"),
    (workflow_approved, WorkflowState, "workflow_state_approved_email_notification"),
    (workflow_rejected, WorkflowState, "workflow_state_rejected_email_notification"),
)


def instead_of_wagtail_email(sender, **kwargs) -> None:
    """Holds the place of one of Wagtail's workflow e-mails (see WAGTAIL_WORKFLOW_EMAILS)."""


def bump_activity_generation(**kwargs) -> None:
    """Expire the home stream's cached copies: an activity row was added or removed."""
    bump_generation("activity")


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


def connect_receivers(*, activity_from_other_apps: bool = True) -> None:
    """Connect the receivers. The stream's generation follows every new or removed activity
    row, whatever wrote it, and moved pages take their rows' space along: both always.
    Activity and notifications from the other apps can be turned off (for bulk imports:
    `COMMUNITY_SIGNALS_ENABLED = False`)."""
    post_save.connect(bump_activity_generation, sender=Activity, dispatch_uid="stream_saved")
    post_delete.connect(bump_activity_generation, sender=Activity, dispatch_uid="stream_deleted")
    page_space_changed.connect(on_page_space_changed, dispatch_uid="community_space_changed")
    for signal, sender, dispatch_uid in WAGTAIL_WORKFLOW_EMAILS:
        signal.connect(instead_of_wagtail_email, sender=sender, dispatch_uid=dispatch_uid)
    # What waits for moderators changes with memberships, reports and changes submitted.
    for model in ("intranet.Membership", "community.Report", "wagtailcore.TaskState"):
        for signal in (post_save, post_delete):
            signal.connect(
                reviews.expire_moderation_summaries,
                sender=model,
                dispatch_uid=f"moderation_summaries_{model}_{signal is post_save}",
            )
    page_space_changed.connect(
        reviews.expire_moderation_summaries, dispatch_uid="moderation_summaries_moved"
    )
    if not activity_from_other_apps:
        return
    page_published.connect(on_page_published, dispatch_uid="community_page_published")
    post_save.connect(on_user_saved, sender=get_user_model(), dispatch_uid="community_user_saved")
    post_save.connect(
        on_membership_saved, sender="intranet.Membership", dispatch_uid="community_membership"
    )
    post_save.connect(
        on_join_request_saved, sender="intranet.JoinRequest", dispatch_uid="community_join_request"
    )
    write_access_requested.connect(
        on_write_access_requested, dispatch_uid="community_write_access_requested"
    )
    member_role_changed.connect(on_member_role_changed, dispatch_uid="community_member_role")
    post_save.connect(on_comment_saved, sender="blogs.Comment", dispatch_uid="community_comment")
    task_submitted.connect(on_task_submitted, dispatch_uid="community_task_submitted")
    workflow_approved.connect(on_workflow_approved, dispatch_uid="community_workflow_approved")
    workflow_rejected.connect(on_workflow_rejected, dispatch_uid="community_workflow_rejected")
