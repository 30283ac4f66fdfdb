"""Sending a delivery: one attempt per task run, retried with backoff, every attempt logged.

Each attempt is a POST of the stored payload as JSON (UTF-8) with these headers:

- `X-Intranet-Event`: the event, e.g. `post.published`
- `X-Intranet-Delivery`: this delivery's id (a UUID; "send again" makes a new one)
- `X-Intranet-Timestamp`: the time of this attempt, in seconds since 1970
- `X-Intranet-Signature`: `sha256=` and the hex HMAC-SHA256, keyed with the webhook's
  secret, of the timestamp header's value, a full stop and the raw body
  (`webhooks.signing`)

Redirects are not followed (a 3xx is a failure), and an attempt waits at most `TIMEOUT`
seconds. A 2xx answer succeeds; anything else fails and is tried again after the waits in
`webhooks.models.BACKOFF`, then given up. Just before each attempt the webhook's account
must still see what the event is about, or the delivery is skipped and nothing is sent.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from intranet.tasks import enqueue_after_commit
from webhooks import signing
from webhooks.events import EVENTS
from webhooks.models import (
    ALLOWED_SCHEMES,
    BACKOFF,
    MAX_ATTEMPTS,
    OPEN_STATUSES,
    PING,
    RESPONSE_EXCERPT_CHARS,
    Delivery,
    DeliveryStatus,
)

logger = logging.getLogger(__name__)

TIMEOUT: Final = 10
USER_AGENT: Final = "Intranet-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What one attempt got back: a status code (None: no answer at all), the start of
    the body, and what went wrong, if anything."""

    status: int | None
    body: str = ""
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead the server to an address nobody registered: answer it as it
    is (a failure), never follow it."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _excerpt(response) -> str:
    # Characters of UTF-8 take up to four bytes; read enough for the excerpt and no more.
    raw = response.read(RESPONSE_EXCERPT_CHARS * 4)
    return raw.decode("utf-8", errors="replace")[:RESPONSE_EXCERPT_CHARS]


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST `body` to `url`: the one place that talks to the outside. The scheme was checked
    when the URL was saved; checked again here, since urllib would also open `file:` URLs."""
    if urlsplit(url).scheme not in ALLOWED_SCHEMES:
        return Outcome(None, "", gettext_noop("Only http:// and https:// addresses are called."))
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return Outcome(response.status, _excerpt(response))
    except urllib.error.HTTPError as error:
        with error:
            return Outcome(error.code, _excerpt(error), f"HTTP {error.code} {error.reason}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, "", str(reason)[:500] or type(error).__name__)


def _headers(delivery: Delivery, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.EVENT_HEADER: delivery.event,
        signing.DELIVERY_HEADER: str(delivery.uuid),
        signing.TIMESTAMP_HEADER: timestamp,
        signing.SIGNATURE_HEADER: signing.signature(delivery.webhook.secret, timestamp, body),
    }


def _why_not_send(delivery: Delivery) -> str | None:
    """Why this delivery must not be sent any more, or None. Asked before every attempt:
    since the event, the webhook may have been switched off, or its account may have lost
    sight of the object (left the space, the post moved, the comment was hidden). The
    reason is kept in English and translated where the log shows it."""
    if delivery.event == PING:
        return None
    if not delivery.webhook.active:
        return gettext_noop("The webhook is switched off.")
    kind = EVENTS.get(delivery.event)
    obj = kind.load(delivery.object_id) if kind and delivery.object_id else None
    if obj is None:
        return gettext_noop("What the event is about no longer exists.")
    if not kind.may_see(delivery.webhook.acts_as, obj):
        return gettext_noop("The webhook's account may no longer see what the event is about.")
    return None


def _claim(delivery: Delivery) -> bool:
    """Count this attempt, unless another run took it (a retry queued twice, by the
    worker's schedule and by `send_webhook_retries`) or it is not due yet."""
    now = timezone.now()
    claimed = Delivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=delivery.pk,
        attempts=delivery.attempts,
        status__in=OPEN_STATUSES,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=None)
    if claimed:
        delivery.refresh_from_db(fields=["attempts", "last_attempt_at", "next_attempt_at"])
    return bool(claimed)


def _record(delivery: Delivery, outcome: Outcome, duration_ms: int) -> None:
    delivery.response_status = outcome.status
    delivery.response_body = outcome.body
    delivery.error = outcome.error
    delivery.duration_ms = duration_ms
    if outcome.succeeded:
        delivery.status = DeliveryStatus.SUCCEEDED
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.GIVEN_UP
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = timezone.now() + BACKOFF[delivery.attempts - 1]
    delivery.save(
        update_fields=[
            "response_status",
            "response_body",
            "error",
            "duration_ms",
            "status",
            "next_attempt_at",
        ]
    )


def _schedule_retry(delivery: Delivery) -> None:
    """Queue the next attempt for its time where the task backend can wait (the database
    worker); elsewhere (the immediate backend) `manage.py send_webhook_retries` queues it
    when it is due."""
    if deliver_webhook.get_backend().supports_defer:
        enqueue_after_commit(deliver_webhook.using(run_after=delivery.next_attempt_at), delivery.pk)


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Make the next attempt of one delivery; returns its status."""
    delivery = (
        Delivery.objects.select_related("webhook", "webhook__acts_as")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status not in OPEN_STATUSES:
        return delivery.status if delivery else "deleted"
    reason = _why_not_send(delivery)
    if reason is not None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.SKIPPED, error=reason, next_attempt_at=None
        )
        logger.info("Webhook delivery %s skipped: %s", delivery.uuid, reason)
        return DeliveryStatus.SKIPPED
    if not _claim(delivery):
        return delivery.status
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    started = time.monotonic()
    outcome = post(delivery.webhook.url, body, _headers(delivery, body))
    _record(delivery, outcome, round((time.monotonic() - started) * 1000))
    if delivery.status == DeliveryStatus.FAILED:
        _schedule_retry(delivery)
    elif delivery.status == DeliveryStatus.GIVEN_UP:
        logger.warning("Webhook delivery %s given up: %s", delivery.uuid, outcome.error)
    return delivery.status
