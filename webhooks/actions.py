"""Writes of the webhooks app: site admins make, change and delete webhooks (each written
down in the audit log in the same transaction), events become deliveries, and deliveries
are sent again or pinged from the admin.

Every delivery is queued with `enqueue_after_commit`: an event whose transaction rolls
back leaves neither a delivery nor a task."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import change, record
from audit.models import AuditAction
from intranet.access import is_employee
from intranet.tasks import enqueue_after_commit
from webhooks.events import EVENTS
from webhooks.models import (
    KEEP_DAYS,
    KEEP_PER_WEBHOOK,
    PING,
    Delivery,
    DeliveryStatus,
    Webhook,
)

#: The fields an admin changes, as the audit log names them (never the secret).
AUDITED_FIELDS = ("name", "url", "events", "space", "acts_as", "active")


def require_site_admin(actor) -> None:
    if not (is_employee(actor) and actor.is_superuser):
        raise PermissionDenied(_("Only site admins manage webhooks."))


def acts_as_problem(account) -> str | None:
    """What is wrong with `account` as the one a webhook acts as, or None. It must be active
    (an inactive account sees nothing) and not a site admin (who sees everything): the rule
    of the API's service tokens."""
    if account is None or not account.is_active:
        return _("There is no active account with this username.")
    if account.is_superuser:
        return _("A webhook cannot act as a site admin: it would hear of everything.")
    return None


def check_acts_as(account) -> None:
    problem = acts_as_problem(account)
    if problem is not None:
        raise PermissionDenied(problem)


def _audited(webhook: Webhook) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "url": webhook.url,
        "events": list(webhook.events),
        "space": webhook.space.title if webhook.space_id else None,
        "acts_as": webhook.acts_as.get_username(),
        "active": webhook.active,
    }


@transaction.atomic
def create_webhook(
    *,
    name: str,
    url: str,
    events: list[str],
    acts_as,
    actor,
    space=None,
    active: bool = True,
) -> Webhook:
    """A new webhook with a new secret. Refuses (PermissionDenied) anyone but a site admin,
    and an account to act as that `check_acts_as` refuses."""
    require_site_admin(actor)
    check_acts_as(acts_as)
    webhook = Webhook(
        name=name.strip()[:100],
        url=url,
        events=list(events),
        space=space,
        acts_as=acts_as,
        active=active,
        created_by=actor,
    )
    webhook.full_clean()
    webhook.save()
    record(
        AuditAction.WEBHOOK_CREATED,
        actor=actor,
        target=acts_as,
        space=space,
        details=_audited(webhook),
    )
    return webhook


@transaction.atomic
def update_webhook(webhook: Webhook, *, actor, **changes) -> Webhook:
    """Change the `AUDITED_FIELDS` given; the audit entry lists what changed, before and
    after. Deliveries already queued are checked against the new settings when sent."""
    require_site_admin(actor)
    unknown = set(changes) - set(AUDITED_FIELDS)
    if unknown:
        raise TypeError(f"Not a webhook setting: {', '.join(sorted(unknown))}")
    before = _audited(Webhook.objects.select_related("space", "acts_as").get(pk=webhook.pk))
    for field, value in changes.items():
        setattr(webhook, field, value)
    check_acts_as(webhook.acts_as)
    webhook.full_clean()
    webhook.save()
    after = _audited(webhook)
    changed = {key: change(before[key], after[key]) for key in after if before[key] != after[key]}
    if changed:
        record(
            AuditAction.WEBHOOK_CHANGED,
            actor=actor,
            target=webhook.acts_as,
            space=webhook.space,
            details={"webhook": webhook.name, **changed},
        )
    return webhook


@transaction.atomic
def delete_webhook(webhook: Webhook, *, actor) -> None:
    """Delete the webhook and its delivery log; queued deliveries find nothing to send."""
    require_site_admin(actor)
    details = _audited(webhook)
    target, space = webhook.acts_as, webhook.space
    webhook.delete()
    record(AuditAction.WEBHOOK_DELETED, actor=actor, target=target, space=space, details=details)


def _queue(delivery: Delivery) -> None:
    from webhooks.tasks import deliver_webhook

    enqueue_after_commit(deliver_webhook, delivery.pk)


def _prune(webhook: Webhook) -> None:
    """Keep the delivery log bounded: `KEEP_DAYS` days, `KEEP_PER_WEBHOOK` deliveries. A
    queued delivery pruned meanwhile is simply not sent (the task finds nothing)."""
    webhook.deliveries.filter(created_at__lt=timezone.now() - timedelta(days=KEEP_DAYS)).delete()
    newest_first = webhook.deliveries.order_by("-created_at", "-pk")
    oldest_kept = newest_first.values_list("created_at", flat=True)[
        KEEP_PER_WEBHOOK - 1 : KEEP_PER_WEBHOOK
    ]
    if oldest_kept:
        webhook.deliveries.filter(created_at__lt=oldest_kept[0]).delete()


@transaction.atomic
def queue_event(event: str, obj, **details) -> list[Delivery]:
    """A delivery of `event` about `obj` for every active webhook that listens to it and
    whose account may see `obj` now; each is sent after the commit. `details` go to the
    event's description (the revision a wiki page was published with)."""
    active = list(Webhook.objects.filter(active=True).select_related("acts_as"))
    if not active:  # most sites, most of the time: one query and nothing else
        return []
    kind = EVENTS[event]
    space_id = kind.space_id_of(obj)
    listening = [
        webhook
        for webhook in active
        if webhook.hears(event, space_id) and kind.may_see(webhook.acts_as, obj)
    ]
    event_id = str(uuid.uuid4())
    deliveries = []
    for webhook in listening:
        delivery = Delivery.objects.create(
            webhook=webhook,
            event=event,
            event_id=event_id,
            object_id=obj.pk,
            payload=kind.payload(event_id, obj, webhook.acts_as, **details),
        )
        _prune(webhook)
        _queue(delivery)
        deliveries.append(delivery)
    return deliveries


@transaction.atomic
def send_again(delivery: Delivery, *, actor) -> Delivery:
    """A new delivery of the same event (same event id and payload), sent at once; the
    old one stays in the log. Visibility is checked again before sending, as always."""
    require_site_admin(actor)
    if not delivery.may_be_sent_again:
        raise PermissionDenied(_("This delivery is still being sent."))
    again = Delivery.objects.create(
        webhook=delivery.webhook,
        event=delivery.event,
        event_id=delivery.event_id,
        object_id=delivery.object_id,
        payload=delivery.payload,
    )
    _prune(delivery.webhook)
    _queue(again)
    return again


@transaction.atomic
def send_ping(webhook: Webhook, *, actor) -> Delivery:
    """A test delivery (event "ping") that says nothing but the webhook's name, to check
    the address and the signature; sent even if the webhook is switched off."""
    require_site_admin(actor)
    event_id = str(uuid.uuid4())
    delivery = Delivery.objects.create(
        webhook=webhook,
        event=PING,
        event_id=event_id,
        payload={
            "id": event_id,
            "event": PING,
            "created": timezone.now().isoformat(),
            "data": {"webhook": {"id": webhook.pk, "name": webhook.name}},
        },
    )
    _prune(webhook)
    _queue(delivery)
    return delivery


def due_deliveries():
    """Deliveries whose next attempt is due, for `send_webhook_retries`."""
    return Delivery.objects.filter(
        status=DeliveryStatus.FAILED, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at")


def queue_due_retries() -> int:
    """Queue every due retry; the task itself makes sure each attempt is made once."""
    count = 0
    for delivery in due_deliveries().only("pk"):
        _queue(delivery)
        count += 1
    return count
