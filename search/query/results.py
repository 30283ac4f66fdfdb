"""What a search returns: the same shape for every search surface."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.utils.safestring import SafeString

#: The `types` value that selects people (profiles) rather than a page type.
PERSON_TYPE = "person"


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchHit:
    """One result as every search surface shows it (title, type, space, author, date, snippet)."""

    kind: str  # the `types` value: "wiki.wikipage", ..., or "person"
    type_label: str
    title: str
    url: str
    snippet: SafeString
    space_title: str = ""
    space_url: str = ""
    author_name: str = ""
    author_url: str = ""
    date: datetime.datetime | datetime.date | None = None
    obj: Any = None


@dataclass
class SearchResults:
    query: str  # as searched: the correction of what was typed, if it was corrected
    page: PaginatorPage | None = None  # a page of SearchHit
    total: int = 0
    people: list[SearchHit] = field(default_factory=list)  # shown beside page 1 of pages
    people_total: int = 0
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str = ""  # a correction offered, not searched
    corrected_from: str = ""  # what was typed, when these are the results of its correction
    filters: dict[str, str] = field(default_factory=dict)  # the valid filters applied

    @property
    def hits(self) -> list[SearchHit]:
        return list(self.page.object_list) if self.page is not None else []

    @property
    def found_anything(self) -> bool:
        return bool(self.total or self.people_total)
