"""What people contribute (posts, wiki edits, comments), told by the apps that hold it.

A profile lists a person's recent contributions and the expert finder counts those about a
topic. Both ask the kinds registered here, so neither imports a content app, and both see
the same things for the same viewer: each kind's functions filter through the one
visibility rule (`intranet.access`). Content apps register their kinds from their
`AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

if TYPE_CHECKING:
    from wagtail.models import Page


@dataclass(frozen=True)
class Contribution:
    """One entry of a person's recent contributions: the page, when, and how many times the
    person edited it (None where a kind does not count edits)."""

    page: Page
    at: date | datetime
    edits: int | None = None


@dataclass(frozen=True)
class ContributionKind:
    """One kind of contribution.

    `name`: its key. `order`: where it stands among the kinds, on a profile and in an
    expert's explanation. `weight`: what one contribution about a topic adds to a person's
    expert score.
    `count_about(viewer, query, words, people)`: how many contributions about the query
    (its text, and its words) the viewer may see, per user id of the people in the `people`
    queryset.
    `describe(count, query)`: the count in words ("3 posts").
    `recent(viewer, person, limit)`: the person's newest contributions the viewer may see,
    newest first; None for a kind that a profile does not list. `title` and `empty` head
    its list on a profile and stand in for an empty one.
    """

    name: str
    order: int
    weight: int
    count_about: Callable[[Any, str, Sequence[str], QuerySet], Mapping[int, int]]
    describe: Callable[[int, str], str]
    recent: Callable[[Any, Any, int], list[Contribution]] | None = None
    title: str = ""
    empty: str = ""


_kinds: dict[str, ContributionKind] = {}


def register_contribution(kind: ContributionKind) -> None:
    """Called from an app's `ready()`; a kind registered again under its name replaces it."""
    _kinds[kind.name] = kind


def contribution_kinds() -> list[ContributionKind]:
    """Every registered kind, in their order."""
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name))
