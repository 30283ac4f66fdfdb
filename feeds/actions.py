"""Writes of the feeds app: issuing and revoking feed tokens, each written down in the audit
log in the same transaction (a feed token reads everything its owner may read)."""

from __future__ import annotations

from typing import Final

from django.db import IntegrityError, transaction

from audit.actions import record
from audit.models import AuditAction
from feeds.models import FeedToken

#: The default `actor`: people make and revoke their own tokens. Others (a site admin, the
#: system when someone leaves: None) say so.
OWNER: Final = object()


def _actor(user, actor):
    return user if actor is OWNER else actor


def _record(action: AuditAction, token_owner, actor, token: FeedToken | None) -> None:
    record(
        action,
        actor=_actor(token_owner, actor),
        target=token_owner,
        # The first characters only, as /feeds/ shows them: enough to tell tokens apart.
        details={"token_starts_with": token.prefix} if token is not None else {},
    )


@transaction.atomic
def regenerate_feed_token(user, *, actor=OWNER) -> FeedToken:
    """A new token for `user`; URLs with the old one stop working at once."""
    old = FeedToken.objects.filter(user=user).first()
    token = FeedToken.new_for(user)
    action = AuditAction.FEED_TOKEN_ROTATED if old is not None else AuditAction.FEED_TOKEN_CREATED
    _record(action, user, actor, token)
    return token


@transaction.atomic
def revoke_feed_token(user, *, actor=OWNER) -> None:
    old = FeedToken.objects.filter(user=user).first()
    if old is None:
        return
    deleted, _details = FeedToken.objects.filter(pk=old.pk).delete()
    if deleted:  # not revoked a moment ago by a second click
        _record(AuditAction.FEED_TOKEN_REVOKED, user, actor, old)


def ensure_feed_token(user, *, actor=OWNER) -> FeedToken:
    """`user`'s token, made on first use; an old one whose URLs can no longer be shown
    (the site's key changed) is replaced, so the caller always gets usable URLs."""
    existing = FeedToken.objects.filter(user=user).first()
    if existing is not None and existing.token is not None:
        return existing
    try:
        with transaction.atomic():
            token = FeedToken.new_for(user)
            action = (
                AuditAction.FEED_TOKEN_ROTATED
                if existing is not None
                else AuditAction.FEED_TOKEN_CREATED
            )
            _record(action, user, actor, token)
            return token
    except IntegrityError:
        # Made at the same moment by a second click: that one is as good.
        return FeedToken.objects.get(user=user)
