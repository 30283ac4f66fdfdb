"""A number that changes whenever something the org chart shows changes (people, profiles,
departments); part of the cache key of the org chart, so a cached chart is never stale.

The chart shows the same to every employee (people are visible to all), so one cached copy
per language serves everyone. Bulk writes that skip signals (the demo seeder) are covered by
the cache's timeout."""

from __future__ import annotations

from django.core.cache import cache

PEOPLE_GENERATION_KEY = "profiles:people-generation"


def people_generation() -> int:
    return cache.get_or_set(PEOPLE_GENERATION_KEY, 1, timeout=None) or 1


def bump_people_generation(sender=None, update_fields=None, raw=False, **kwargs) -> None:
    # A login only stamps `last_login`, which no page of people shows.
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    try:
        cache.incr(PEOPLE_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates old keys
        cache.set(PEOPLE_GENERATION_KEY, 2, timeout=None)


def register() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    from profiles.models import Department, Profile

    for model in (get_user_model(), Profile, Department):
        for signal in (post_save, post_delete):
            signal.connect(
                bump_people_generation,
                sender=model,
                dispatch_uid=f"profiles.people_generation.{model.__name__}.{id(signal)}",
            )
