"""E-mails of the community app, run by the task worker (immediately in development)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from community.models import Delivery, Notification, NotificationSetting
from profiles.timezone import time_zone_of


def language_of(user) -> str:
    """The language a user reads notifications and e-mails in."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "preferred_language", "") or settings.LANGUAGE_CODE


@contextmanager
def read_by(user) -> Iterator[None]:
    """Write what is made inside for `user` to read, outside their requests: in their
    language and with every time in their time zone."""
    with translation.override(language_of(user)), timezone.override(time_zone_of(user)):
        yield


def subject_line(text: str) -> str:
    """`text` on one line: a notification's values (a reviewer's comment) may break lines,
    which a subject may not."""
    return " ".join(text.split())


@task()
def send_notification_email(notification_id: int) -> bool:
    """Send one notification at once (mentions by default). Skips what the recipient may no
    longer see, and anything already e-mailed."""
    notification = (
        Notification.objects.select_related("recipient", "recipient__profile")
        .filter(pk=notification_id, emailed_at=None)
        .first()
    )
    if notification is None:
        return False
    recipient = notification.recipient
    if (
        not Notification.for_user(recipient).filter(pk=notification.pk).exists()
        or not recipient.email
    ):
        return False
    with read_by(recipient):
        body = render_to_string(
            "community/email/notification.txt",
            {"notification": notification, "base_url": settings.WAGTAILADMIN_BASE_URL},
        )
        send_mail(subject_line(notification.display_text), body, None, [recipient.email])
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@task()
def send_digest(user_id: int) -> int:
    """One user's daily digest: unread, un-e-mailed notifications of kinds they get daily,
    grouped by thread (page). Never sends an empty digest. Returns how many it covered."""
    user = (
        get_user_model()
        .objects.select_related("profile")
        .filter(pk=user_id, is_active=True)
        .first()
    )
    if user is None or not user.email:
        return 0
    daily = [k for k, d in NotificationSetting.deliveries_for(user).items() if d == Delivery.DAILY]
    pending = list(
        Notification.for_user(user).filter(kind__in=daily, read_at=None, emailed_at=None)[:200]
    )
    if not pending:
        return 0
    threads: dict[str, list[Notification]] = defaultdict(list)
    for notification in pending:
        threads[notification.page.title if notification.page_id else ""].append(notification)
    with read_by(user):
        body = render_to_string(
            "community/email/digest.txt",
            {"user": user, "threads": dict(threads), "base_url": settings.WAGTAILADMIN_BASE_URL},
        )
        subject = translation.gettext("Your daily intranet digest (%(count)s)") % {
            "count": len(pending)
        }
        send_mail(subject, body, None, [user.email])
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return len(pending)
