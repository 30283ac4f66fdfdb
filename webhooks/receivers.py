"""The webhooks app's receivers, connected in `WebhooksConfig.ready()`: the four events a
webhook can hear of become deliveries (`webhooks.actions.queue_event`), in the transaction
of the change, so a change that rolls back sends nothing."""

from __future__ import annotations

import logging

from django.db.models.signals import post_save
from wagtail.signals import page_published

from blogs.models import BlogPostPage, Comment
from intranet.models import Membership
from intranet.signals import personal_data_erased
from webhooks.models import Delivery, Event
from wiki.models import WikiPage

logger = logging.getLogger(__name__)


def _queue(event: str, obj, **details) -> None:
    """Queue the event's deliveries; a failure is logged, never raised: a post must not fail
    to publish because a webhook could not be told (its savepoint is rolled back)."""
    from webhooks.actions import queue_event

    try:
        queue_event(event, obj, **details)
    except Exception:
        logger.exception("Could not queue webhook event %s for %r", event, obj)


def on_post_published(sender, instance, **kwargs) -> None:
    _queue(Event.POST_PUBLISHED, instance)


def on_wiki_page_published(sender, instance, revision=None, **kwargs) -> None:
    _queue(Event.PAGE_CHANGED, instance, revision_id=getattr(revision, "pk", None))


def on_membership_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _queue(Event.MEMBER_JOINED, instance)


def on_comment_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _queue(Event.COMMENT_POSTED, instance)


def names(payload, username: str) -> bool:
    """Whether a delivery's payload names the person `username` (the API's person reference,
    `{"username": ..., "name": ...}`, anywhere in it)."""
    if isinstance(payload, dict):
        if payload.get("username") == username:
            return True
        return any(names(value, username) for value in payload.values())
    if isinstance(payload, list):
        return any(names(value, username) for value in payload)
    return False


def forget_erased_person(sender, user, **kwargs) -> dict[str, int]:
    """The delivery log keeps what was sent: the deliveries that name a person whose personal
    data is erased go (the log is bounded by `KEEP_PER_WEBHOOK` a webhook, so reading it is)."""
    username = user.get_username()
    doomed = [
        pk
        for pk, payload in Delivery.objects.values_list("pk", "payload").iterator()
        if names(payload, username)
    ]
    Delivery.objects.filter(pk__in=doomed).delete()
    return {"webhooks.Delivery": len(doomed)} if doomed else {}


def connect_receivers() -> None:
    page_published.connect(
        on_post_published, sender=BlogPostPage, dispatch_uid="webhooks.post_published"
    )
    page_published.connect(
        on_wiki_page_published, sender=WikiPage, dispatch_uid="webhooks.page_changed"
    )
    post_save.connect(on_membership_saved, sender=Membership, dispatch_uid="webhooks.member_joined")
    post_save.connect(on_comment_saved, sender=Comment, dispatch_uid="webhooks.comment_posted")
    personal_data_erased.connect(forget_erased_person, dispatch_uid="webhooks.forget_erased")
