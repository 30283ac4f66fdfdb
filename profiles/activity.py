"""What a person contributed, as one viewer may see it: one list per kind of contribution
the content apps register (`intranet.contributions`), each filtered by `intranet.access`."""

from __future__ import annotations

from dataclasses import dataclass

from intranet.contributions import Contribution, ContributionKind, contribution_kinds

LIMIT = 10


@dataclass(frozen=True)
class ActivityList:
    """One kind's newest contributions, for a section of the profile page."""

    kind: ContributionKind
    items: list[Contribution]


def recent_activity(viewer, person, limit: int = LIMIT) -> list[ActivityList]:
    """The person's newest contributions of each kind that profiles list."""
    return [
        ActivityList(kind, kind.recent(viewer, person, limit))
        for kind in contribution_kinds()
        if kind.recent is not None
    ]
