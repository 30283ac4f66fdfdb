"""Writes of the community app: follow, record activity, notify, acknowledge, report."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from wagtail.log_actions import log
from wagtail.models import Page

from blogs.actions import hide_comment
from blogs.models import Comment
from community.models import (
    Acknowledgement,
    ActiveReader,
    Activity,
    Delivery,
    Follow,
    GuidelinesPage,
    MutedSpace,
    Notification,
    NotificationSetting,
    ReadCount,
    Report,
    week_start,
)
from intranet.access import can_moderate_space, can_view, is_employee
from intranet.gates import Gate
from intranet.ratelimit import check_rate
from intranet.tasks import enqueue_after_commit


def space_id_of(page: Page | None) -> int | None:
    if page is None:
        return None
    return getattr(page.specific_deferred, "space_id", None)


# --- following -------------------------------------------------------------------------


def follow(user, kind: str, target) -> Follow:
    """Follow a space, person, tag or page the user may see (else 404: it does not exist
    for them)."""
    if kind in (Follow.Kind.SPACE, Follow.Kind.PAGE) and not can_view(user, target):
        raise Http404
    if kind == Follow.Kind.PERSON and (target == user or not target.is_active):
        raise Http404
    if kind == Follow.Kind.TAG:
        target = Follow.tag_key(target)
    lookup = {"user": user, "kind": kind, Follow.target_field(kind): target}
    try:
        with transaction.atomic():
            follow, _ = Follow.objects.get_or_create(**lookup)
    except IntegrityError:
        follow = Follow.objects.get(**lookup)
    return follow


def unfollow(user, kind: str, target) -> None:
    if kind == Follow.Kind.TAG:
        target = Follow.tag_key(target)
    Follow.objects.filter(user=user, kind=kind, **{Follow.target_field(kind): target}).delete()


# --- activity and notifications --------------------------------------------------------


def record_activity(
    kind: str, *, actor, page: Page | None = None, space=None, summary: str = ""
) -> Activity:
    space_id = space.pk if space is not None else space_id_of(page)
    return Activity.objects.create(
        kind=kind, actor=actor, page=page, space_id=space_id, summary=summary[:300]
    )


def notify(
    recipients: Iterable,
    kind: str,
    *,
    text: str | Promise,
    params: dict | None = None,
    actor=None,
    page: Page | None = None,
    space=None,
    url: str = "",
) -> list[Notification]:
    """Notify each recipient who may see the page or space, has not muted its space and has
    not turned this kind off. Never notifies the actor. Immediate e-mails go through the
    task worker once the caller's transaction commits (a rolled-back write sends none).

    `text` is the message in English, untranslated (a `gettext_noop` constant or a
    `gettext_lazy` string), with `%(placeholders)s` for `params`; each recipient reads it
    in their own language (`Notification.display_text`), whoever caused it. Values that
    are themselves words to translate (a role, an outcome) are passed lazily."""
    from community.tasks import send_notification_email

    if page is None and space is None:
        # The reader's current visibility of the page or space is what filters a
        # notification wherever it is shown or sent; one about nothing cannot be filtered.
        raise ValueError("A notification needs the page or the space it is about.")
    space_id = space.pk if space is not None else space_id_of(page)
    target = page if page is not None else space
    words = Notification.message_fields(text, params)
    made = []
    for recipient in {r.pk: r for r in recipients if r is not None}.values():
        if actor is not None and recipient.pk == actor.pk:
            continue
        if not is_employee(recipient) or (target is not None and not can_view(recipient, target)):
            continue
        if space_id and MutedSpace.objects.filter(user=recipient, space_id=space_id).exists():
            continue
        delivery = NotificationSetting.deliveries_for(recipient)[kind]
        if delivery == Delivery.OFF:
            continue
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            actor=actor,
            page=page,
            space_id=space_id,
            **words,
            url=url or (page.url if page is not None else ""),
        )
        made.append(notification)
        if delivery == Delivery.IMMEDIATE:
            enqueue_after_commit(send_notification_email, notification.pk)
    return made


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


# --- guidelines ------------------------------------------------------------------------


def current_guidelines() -> GuidelinesPage | None:
    return GuidelinesPage.objects.live().first()


def needs_acknowledgement(user) -> GuidelinesPage | None:
    """The guidelines page if `user` has not acknowledged its current version yet."""
    page = current_guidelines()
    if page is None or not is_employee(user) or page.acknowledged_by(user):
        return None
    return page


def guidelines_gate(user, next_url: str) -> Gate | None:
    """The write gate (`intranet.gates`) the guidelines keep closed until `user` has
    acknowledged their current version; acknowledging leads back to `next_url`."""
    page = needs_acknowledgement(user)
    if page is None:
        return None
    return Gate(
        message=gettext("Please read and accept the community guidelines before you write."),
        url=f"{page.url}?{urlencode({'next': next_url})}",
        link_text=gettext("Read the guidelines"),
    )


def acknowledge_guidelines(user, page: GuidelinesPage) -> None:
    Acknowledgement.objects.get_or_create(user=user, page=page, version=page.version)
    log(instance=page, action="community.guidelines_acknowledged", user=user)


# --- reports ---------------------------------------------------------------------------

# What a reporter is told, in their language when they read it.
REPORT_ABOUT_PAGE = gettext_noop("Your report about “%(title)s”: %(outcome)s")
REPORT_OUTCOME = gettext_noop("Your report: %(outcome)s")


def report_content(reporter, page: Page, reason: str, *, comment_id: int | None = None) -> Report:
    """Send a page, or one comment on it, to the moderators of the page's space. 404 unless
    the reporter may see the page and the comment is on that very page and visible to them:
    a report is how its content reaches the moderation queue. A report without a reason is
    a ValueError (the forms ask for one)."""
    if not can_view(reporter, page):
        raise Http404
    reason = reason.strip()
    if not reason:
        raise ValueError("A report needs a reason.")
    if comment_id is not None:
        _reported_comment(reporter, page, comment_id)
    report = Report.objects.create(
        reporter=reporter,
        page=page,
        space_id=space_id_of(page),
        reason=reason[:2000],
        comment_id=comment_id,
    )
    log(instance=page, action="community.reported", user=reporter, data={"report": report.pk})
    return report


def report_comment(comment: Comment, reporter, reason: str) -> Report:
    """Send one comment on a post to the moderators, with the reporter's reason; at most
    BLOG_REPORTS_PER_MINUTE comment reports per person (`intranet.ratelimit.RateLimited`)."""
    check_rate(
        reporter, "community.comment_reports", getattr(settings, "BLOG_REPORTS_PER_MINUTE", 10)
    )
    return report_content(reporter, comment.post, reason, comment_id=comment.pk)


def _reported_comment(reporter, page: Page, comment_id: int) -> Comment:
    """The comment `comment_id` on `page` as `reporter` may see it, or 404. A hidden comment
    shows its text only to those who may moderate the post's comments."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id, post_id=page.pk).first()
    if comment is None or (comment.is_hidden and not comment.post.can_moderate_comments(reporter)):
        raise Http404
    return comment


@transaction.atomic
def resolve_report(report: Report, status: str, *, moderator) -> Report:
    """Hide, restore or dismiss: hiding unpublishes the page (or hides the comment),
    restoring brings it back, dismissing changes nothing; the reporter is told the outcome.

    Callers pass reports from `Report.moderated_by(moderator)`; the space is checked here
    again from where the page is now, so no path acts on content outside it."""
    space = report.current_space
    if not moderator.is_superuser and (space is None or not can_moderate_space(moderator, space)):
        raise Http404
    report.status = Report.Status(status)
    report.handled_by = moderator
    report.handled_at = timezone.now()
    report.space = space
    report.save()
    page = report.page.specific
    if report.comment_id:
        if status in (Report.Status.HIDDEN, Report.Status.RESTORED):
            _set_comment_hidden(report, status == Report.Status.HIDDEN, moderator)
    elif status == Report.Status.HIDDEN and page.live:
        page.unpublish(user=moderator, log_action=True)
    elif status == Report.Status.RESTORED and not page.live and page.get_latest_revision():
        page.get_latest_revision().publish(user=moderator, skip_permission_checks=True)
    log(
        instance=report.page,
        action="community.report_resolved",
        user=moderator,
        data={"report": report.pk, "status": status},
    )
    if report.reporter_id:
        _notify_report_outcome(report)
    return report


def _notify_report_outcome(report: Report) -> None:
    """Tell the reporter the outcome, as a notification about the reported page while it is
    live, else about its nearest live ancestor (the blog or space it was in): so it is
    shown, counted and e-mailed only while the reporter may still see that, and it names
    the page only when it is about the page itself."""
    page = Page.objects.get(pk=report.page_id)
    target = page if page.live else page.get_ancestors().live().filter(depth__gt=1).last()
    if target is None:
        return
    # The outcome's label, lazily: the reporter reads it in their language.
    outcome = Report.Status(report.status).label
    if target.pk == page.pk:
        text, params = REPORT_ABOUT_PAGE, {"title": page.title, "outcome": outcome}
    else:
        text, params = REPORT_OUTCOME, {"outcome": outcome}
    notify(
        [report.reporter], Notification.Kind.REPORT_OUTCOME, text=text, params=params, page=target
    )


def _set_comment_hidden(report: Report, hidden: bool, moderator) -> None:
    """Hide or show the reported comment (only ever one on the reported page) through the
    blogs' one hide action, so it records who hid it and is logged as on the post."""
    comment = Comment.objects.filter(pk=report.comment_id, post_id=report.page_id).first()
    if comment is None:
        return
    hide_comment(comment, moderator, hidden=hidden)


# --- reading counts for the dashboard ----------------------------------------------------


def record_read(user, page: Page) -> None:
    """Count a read of `page` this week, and that `user` was an active reader this week
    (as a keyed hash, never linked to the page)."""
    week = week_start(timezone.localdate())
    updated = ReadCount.objects.filter(page=page, week=week).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                ReadCount.objects.create(page=page, week=week, count=1)
        except IntegrityError:
            ReadCount.objects.filter(page=page, week=week).update(count=F("count") + 1)
    ActiveReader.objects.get_or_create(week=week, reader_hash=ActiveReader.hash_for(user.pk, week))
