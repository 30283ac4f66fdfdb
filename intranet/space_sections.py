"""What the content apps show on a space page, without the ground floor importing them.

A content app contributes a section (its newest posts, its wiki changes) from a
`space_sections` module of its own, which calls `register_space_section` when imported.
`SpacePage.get_context` asks `space_sections()`, which imports those modules the first
time it is asked (as Wagtail finds `wagtail_hooks`), puts each section's items into the
template context under the section's name and lists the sections for the template, which
includes each one's template in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from intranet.models import SpacePage

MODULE_NAME = "space_sections"


@dataclass(frozen=True)
class SpaceSection:
    """One part of a space page: `items(user, space)` goes into the template context as
    `name` (only what `user` may see), and `template` shows it."""

    name: str
    template: str
    items: Callable[[Any, SpacePage], Any]
    order: int


_sections: dict[str, SpaceSection] = {}
_discovered = False


def register_space_section(
    name: str, *, template: str, items: Callable[[Any, SpacePage], Any], order: int
) -> None:
    """Show `items` on every space page, above the sections with a higher `order`."""
    _sections[name] = SpaceSection(name=name, template=template, items=items, order=order)


def space_sections() -> list[SpaceSection]:
    """Every registered section, in order."""
    global _discovered
    if not _discovered:
        autodiscover_modules(MODULE_NAME)
        _discovered = True
    return sorted(_sections.values(), key=lambda section: section.order)
