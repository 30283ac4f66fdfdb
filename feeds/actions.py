"""Writes of the feeds app: issuing and revoking feed tokens."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from feeds.models import FeedToken


def regenerate_feed_token(user) -> FeedToken:
    """A new token for `user`; URLs with the old one stop working at once."""
    return FeedToken.new_for(user)


def revoke_feed_token(user) -> None:
    FeedToken.objects.filter(user=user).delete()


def ensure_feed_token(user) -> FeedToken:
    """`user`'s token, made on first use; an old one whose URLs can no longer be shown
    (the site's key changed) is replaced, so the caller always gets usable URLs."""
    existing = FeedToken.objects.filter(user=user).first()
    if existing is not None and existing.token is not None:
        return existing
    try:
        with transaction.atomic():
            return FeedToken.new_for(user)
    except IntegrityError:
        # Made at the same moment by a second click: that one is as good.
        return FeedToken.objects.get(user=user)
