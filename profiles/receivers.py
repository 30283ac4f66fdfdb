"""The profiles app's receivers, connected in `ProfilesConfig.ready()`: every account gets
a profile, a profile's search document follows its user, and the "people" cache generation
(`intranet/cache.py`: the org chart, the home stream's names) follows people, profiles and
departments. Bulk writes that skip signals (the demo seeder) are covered by the cache's
timeout."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save

from intranet.cache import bump_generation
from profiles.models import Department, Profile
from search.index_queue import index_after_commit


def make_profile_on_login(sender, user, **kwargs) -> None:
    """Every account gets its profile on first login, however it was created (signup, SSO,
    admin, import), so profile pages and the directory never meet a user without one."""
    Profile.for_user(user)


def reindex_profile_with_user(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A profile's search document holds its user's name and active flag: keep it current
    when the user changes (a deactivated colleague drops out of search with the commit that
    deactivates them; `Profile.get_indexed_objects` leaves them out)."""
    if raw or created:
        return
    profile = Profile.objects.filter(user=instance).first()
    if profile is not None:
        index_after_commit(profile)


def bump_people_generation(sender=None, update_fields=None, raw=False, **kwargs) -> None:
    # A login only stamps `last_login`, which no page of people shows.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    bump_generation("people")


def connect_receivers() -> None:
    user_model = get_user_model()
    user_logged_in.connect(make_profile_on_login, dispatch_uid="profiles.make_profile")
    post_save.connect(reindex_profile_with_user, sender=user_model, dispatch_uid="profiles.reindex")
    for model in (user_model, Profile, Department):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_people_generation,
                sender=model,
                dispatch_uid=f"profiles.people_generation.{model.__name__}.{id(signal)}",
            )
