"""Turn activity rows into the home stream's entries, grouping runs of wiki edits."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from community.models import Activity

ACTIVITY_GENERATION_KEY = "community:activity-generation"
# The stream says "5 minutes ago": a cached copy is kept only briefly, so those stay right
# to the minute, while every employee with the same view shares it in between.
STREAM_CACHE_SECONDS = 60


def activity_generation() -> int:
    """A number that changes whenever an activity row is added or removed; part of the
    stream's cache key."""
    return cache.get_or_set(ACTIVITY_GENERATION_KEY, 1, timeout=None) or 1


def bump_activity_generation(**kwargs) -> None:
    try:
        cache.incr(ACTIVITY_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates old keys
        cache.set(ACTIVITY_GENERATION_KEY, 2, timeout=None)


def register() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(bump_activity_generation, sender=Activity, dispatch_uid="stream_saved")
    post_delete.connect(bump_activity_generation, sender=Activity, dispatch_uid="stream_deleted")


@dataclass
class StreamEntry:
    kind: str
    actor: object
    created_at: object
    space: object = None
    pages: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pages)


def group_activity(rows) -> list[StreamEntry]:
    """Consecutive edits by one person in one space on one day become one entry
    ("Anna edited 3 pages in IT"); everything else stays one entry per row."""
    entries: list[StreamEntry] = []
    for row in rows:
        last = entries[-1] if entries else None
        if (
            last is not None
            and row.kind == Activity.Kind.WIKI_EDITED == last.kind
            and row.actor_id == getattr(last.actor, "pk", None)
            and row.space_id == getattr(last.space, "pk", None)
            and row.created_at.date() == last.created_at.date()
        ):
            if row.page not in last.pages:
                last.pages.append(row.page)
            continue
        entries.append(
            StreamEntry(
                kind=row.kind,
                actor=row.actor,
                created_at=row.created_at,
                space=row.space,
                pages=[row.page] if row.page_id else [],
            )
        )
    return entries
