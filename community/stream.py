"""Turn activity rows into the home stream's entries, grouping runs of wiki edits."""

from __future__ import annotations

from dataclasses import dataclass, field

from community.models import Activity

# The stream says "5 minutes ago": a cached copy is kept only briefly, so those stay right
# to the minute, while every employee with the same view shares it in between.
STREAM_CACHE_SECONDS = 60


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
