"""The API app's receivers, connected in `ApiConfig.ready()`: a person who leaves loses
every API token acting as them, at once (`intranet.signals.person_left`)."""

from __future__ import annotations

from intranet.signals import person_left


def revoke_tokens_of_leaver(sender, user, actor=None, **kwargs) -> None:
    from api.actions import revoke_all_api_tokens

    revoke_all_api_tokens(user, actor=actor)


def connect_receivers() -> None:
    person_left.connect(revoke_tokens_of_leaver, dispatch_uid="api.revoke_tokens_of_leaver")
