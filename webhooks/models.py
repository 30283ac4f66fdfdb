"""Webhooks: a URL a site admin registers to hear of events, and the log of what was sent.

A webhook acts as an account (`acts_as`): it hears only of what that account may see, at
the moment of the event and again at the moment of sending. The account may not be a site
admin's, who sees everything (the rule of the API's service tokens).

The secret signs every delivery (HMAC-SHA256). Unlike an API token it must be kept as it
is, since the signature is computed from it; it is shown to site admins only.

Deliveries are kept for `KEEP_DAYS` days and at most `KEEP_PER_WEBHOOK` per webhook: older
ones are deleted whenever new ones are queued (`webhooks.actions.queue_event`)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intranet.models import SpacePage

KEEP_DAYS: Final = 30
KEEP_PER_WEBHOOK: Final = 500
#: How much of a response's body a delivery keeps.
RESPONSE_EXCERPT_CHARS: Final = 2000
#: The waits before the second, third, ... attempt; after the last one the delivery is given up.
BACKOFF: Final = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS: Final = len(BACKOFF) + 1


class Event(models.TextChoices):
    POST_PUBLISHED = "post.published", _("A post is published")
    PAGE_CHANGED = "page.changed", _("A wiki page is published or changed")
    MEMBER_JOINED = "member.joined", _("Someone joins a space or is added to one")
    COMMENT_POSTED = "comment.posted", _("A comment is posted")


#: Sent by the "Send a test ping" button; nobody subscribes to it.
PING: Final = "ping"

#: Only the web's own schemes: the server calls these addresses, and `file:` or `ftp:`
#: would make it read or fetch things no webhook should.
ALLOWED_SCHEMES: Final = ("http", "https")
validate_webhook_url = URLValidator(
    schemes=list(ALLOWED_SCHEMES),
    message=_("Enter a web address that starts with http:// or https://."),
)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Webhook(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_(
            "The address the intranet's server sends events to (http:// or https://). It is "
            "called from the server, so it can reach addresses in the company network: only "
            "enter one you trust."
        ),
    )
    events = models.JSONField(_("events"), default=list)
    space = models.ForeignKey(
        SpacePage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only in space"),
        help_text=_("Leave empty to hear of events in every space and in personal blogs."),
    )
    acts_as = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("acts as"),
    )
    secret = models.CharField(_("secret"), max_length=64, default=new_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = set(self.events) - set(Event.values)
        if unknown:
            raise ValidationError({"events": _("Unknown events: %s") % ", ".join(sorted(unknown))})

    def hears(self, event: str, space_id: int | None) -> bool:
        """Whether this webhook wants `event` about something in the space `space_id`
        (None: a personal blog). Whether its account may see it is asked separately."""
        return (
            self.active
            and event in self.events
            and (self.space_id is None or self.space_id == space_id)
        )


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed, will retry")
    GIVEN_UP = "given_up", _("Given up")
    SKIPPED = "skipped", _("Skipped")


#: Deliveries that still have an attempt to make.
OPEN_STATUSES: Final = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Delivery(models.Model):
    """One event sent (or to be sent) to one webhook, with the outcome of its last attempt.
    "Send again" makes a new delivery of the same event (same `event_id`)."""

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.CharField(_("event"), max_length=32)
    event_id = models.UUIDField(_("event id"))
    # The post, wiki page, membership or comment the event is about (None for a ping): its
    # visibility is checked again just before each attempt.
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_body = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook_id} ({self.status})"

    @property
    def may_be_sent_again(self) -> bool:
        return self.status not in OPEN_STATUSES
