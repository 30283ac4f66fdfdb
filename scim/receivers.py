"""The directory sync app's receivers, connected in `ScimConfig.ready()`."""

from __future__ import annotations

from intranet.signals import personal_data_erased
from scim.models import DirectoryPerson


def forget_erased_person(sender, user, **kwargs) -> dict[str, int]:
    """The identity provider's id for a person (often the HR number) identifies them: it goes
    when their personal data is erased. The provider then no longer finds them by it."""
    deleted, _per_model = DirectoryPerson.objects.filter(user=user).delete()
    return {"scim.DirectoryPerson": deleted} if deleted else {}


def connect_receivers() -> None:
    personal_data_erased.connect(forget_erased_person, dispatch_uid="scim.forget_erased")
