"""One rate limit for the writes people make many of (comments, reactions, reports), for
every app: at most `limit` of one kind per person and minute.

The count lives in the shared cache, so every worker process sees the same count (with the
local-memory cache each process counts alone, which is still a limit per process). Logins
and sign-ups are limited by allauth, not here."""

from __future__ import annotations

from django.core.cache import cache

WINDOW_SECONDS = 60


class RateLimited(Exception):
    """Too many writes of one kind in a short time; the caller asks the person to wait."""


def check_rate(user, action: str, limit: int) -> None:
    """Count one `action` by `user`; raise RateLimited when it is more than `limit` in the
    current window."""
    key = f"ratelimit:{action}:{user.pk}"
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count > limit:
        raise RateLimited
