"""Cached fragments of what readers see, and the counters that expire them.

A cached list of pages may only be handed to people who see the same pages, and must not
outlive a change it shows. So every key holds the reader's `visibility_key` (equal exactly
for readers who see the same pages) and the current value of each *generation* the fragment
depends on: a counter in the shared cache that receivers bump when that kind of thing
changes (see each app's `receivers.py`):

- "content": a page is published, unpublished, moved or deleted;
- "people": a user, profile or department is saved or deleted;
- "activity": an activity row is added, removed or moved to another space.

A bump never deletes anything: old keys are simply never asked for again and expire.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache

from intranet.access import visibility_key

T = TypeVar("T")

GENERATIONS = ("content", "people", "activity")

# How long a fragment is kept when nothing it depends on changes; it also bounds what a
# change that bumps no generation (bulk writes that skip signals) can leave stale.
VIEW_CACHE_SECONDS = 600


def _generation_key(name: str) -> str:
    if name not in GENERATIONS:
        raise ValueError(f"Unknown cache generation {name!r}; known: {', '.join(GENERATIONS)}")
    return f"intranet:generation:{name}"


def _fresh_value() -> int:
    # A counter that was evicted (a local-memory cache culls even keys without timeout)
    # starts again from a number never used before, so no fragment cached under an old
    # value can be found again. Microseconds fit Redis' 64-bit INCR for ages.
    return time.time_ns() // 1000


def generation_values(names: Iterable[str]) -> tuple[int, ...]:
    """The current value of each named generation, read in one round trip."""
    keys = [_generation_key(name) for name in names]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            found[key] = cache.get_or_set(key, _fresh_value(), timeout=None)
    return tuple(found[key] for key in keys)


def bump_generation(name: str) -> None:
    """Expire every fragment that depends on the generation `name`."""
    key = _generation_key(name)
    try:
        cache.incr(key)
    except ValueError:  # not set (never read, or evicted): any new value will do
        cache.set(key, _fresh_value(), timeout=None)


def view_key(user) -> str:
    """`visibility_key(user)`, worked out once per request (it costs a query) and kept on
    the user object, which lives as long as the request."""
    key = getattr(user, "_intranet_view_key", None)
    if key is None:
        key = visibility_key(user)
        user._intranet_view_key = key
    return key


def view_cache_key(user, generations: Iterable[str] = ("content",)) -> str:
    """A key part for fragments shared by everyone who sees what `user` sees, until one of
    `generations` changes (for `{% cache %}` in templates)."""
    values = generation_values(generations)
    return ":".join([view_key(user), *(str(value) for value in values)])


def cached(
    parts: tuple,
    compute: Callable[[], T],
    *,
    generations: Iterable[str],
    timeout: int = VIEW_CACHE_SECONDS,
) -> T:
    """`compute()`, cached until one of `generations` changes. For what every reader may
    be shown alike (the caller has checked who may see it); `parts` name what is cached
    and start with the caller's app, e.g. `("profiles", "org-chart", language)`."""
    source = repr((parts, generation_values(generations)))
    key = "intranet:view:" + hashlib.sha256(source.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


def cached_for_view(
    user,
    parts: tuple,
    compute: Callable[[], T],
    *,
    generations: Iterable[str] = ("content",),
    timeout: int = VIEW_CACHE_SECONDS,
) -> T:
    """`compute()`, shared by everyone who sees exactly what `user` sees, until one of
    `generations` changes. `parts` name what is cached and start with the caller's app,
    e.g. `("blogs", "top_tags", blog_id)`."""
    return cached((view_key(user), *parts), compute, generations=generations, timeout=timeout)
