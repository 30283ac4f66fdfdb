"""The feeds app's receivers, connected in `FeedsConfig.ready()`.

When someone leaves the company (`intranet.signals.person_left`), their feed token is
revoked through the one action that revokes tokens, so the audit log says so. Feed URLs
with it then answer 404 like any wrong token. Enclosure grants (`intranet.files`) need no
receiver: each fetch checks the grant's person again, and a deactivated person may read
nothing."""

from __future__ import annotations

from feeds.actions import revoke_feed_token
from intranet.signals import person_left


def revoke_token_of_leaver(sender, user, actor=None, **kwargs) -> None:
    revoke_feed_token(user, actor=actor)


def connect_receivers() -> None:
    person_left.connect(revoke_token_of_leaver, dispatch_uid="feeds.revoke_token_of_leaver")
