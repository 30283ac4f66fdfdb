"""Writes of the feeds app: issuing and revoking feed tokens."""

from __future__ import annotations

from feeds.models import FeedToken


def regenerate_feed_token(user) -> FeedToken:
    """A new token for `user`; URLs with the old one stop working at once."""
    return FeedToken.new_for(user)


def revoke_feed_token(user) -> None:
    FeedToken.objects.filter(user=user).delete()
