"""What search needs to know about the site's content, told by the apps that own it.

`search` is the lowest floor: it imports no project app, and knows models only through
their index declarations and what is registered here. The owners register from their
`AppConfig.ready()`:

- the app that owns the page tree registers its pages (:func:`register_pages`): the page
  base model every searchable page type extends, the space model the space filter and facet
  name, and the one visibility rule in the form a search backend can compile into an index
  filter;
- the app that owns people registers them (:func:`register_people`): the people model, its
  departments, and where a person's page is.

Without pages the search service cannot run; without people it searches pages only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from wagtail.models import Page

    AnyUser = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class Pages:
    """The searchable pages.

    `base_model`: every searchable page type extends it; its documents carry the FilterFields
    `space_id`, `owner_id`, `content_type_id` and `first_published_at`.
    `space_model`: the pages that the `space` filter and facet name (a space's `space_id`
    is its own pk).
    `searchable(user, model)`: the live pages of `model` that `user` may open, written so a
    backend can compile it into an index filter.
    `may_search(user)`: whether `user` may search at all.
    """

    base_model: type[Page]
    space_model: type[Page]
    searchable: Callable[[AnyUser, type[Page]], QuerySet]
    may_search: Callable[[AnyUser | None], bool]


@dataclass(frozen=True)
class People:
    """The searchable people.

    `model`: one row per person, indexed, with a `user` (the account, whose `is_active`
    decides whether the person is found) and a `department` (with `slug` and `name`); its
    `display_name`, `job_title` and `ask_me_about` make a hit's title and snippet.
    `department_model`: what the `department` filter names by slug.
    `url_for(username)`: the address of a person's page (page hits link their author to it).
    `name_of(user)`: how a person's name is shown (authors of hits, the author facet).
    """

    model: type[Model]
    department_model: type[Model]
    url_for: Callable[[str], str]
    name_of: Callable[[Any], str]


_registered: dict[str, Any] = {}


def register_pages(
    *,
    base_model: type[Page],
    space_model: type[Page],
    searchable: Callable[[AnyUser, type[Page]], QuerySet],
    may_search: Callable[[AnyUser | None], bool],
) -> None:
    """Tell search which pages there are and who may see them; called again, it replaces."""
    _registered["pages"] = Pages(base_model, space_model, searchable, may_search)


def register_people(
    *,
    model: type[Model],
    department_model: type[Model],
    url_for: Callable[[str], str],
    name_of: Callable[[Any], str],
) -> None:
    """Tell search which model holds people, where their pages are and how names read."""
    _registered["people"] = People(model, department_model, url_for, name_of)


def pages() -> Pages:
    """The registered pages; search cannot run without them."""
    try:
        return _registered["pages"]
    except KeyError:
        raise ImproperlyConfigured(
            "No pages are registered for search: the app that owns the page tree calls "
            "search.registry.register_pages() from its AppConfig.ready()."
        ) from None


def people() -> People | None:
    """The registered people, or None when no installed app has registered any."""
    return _registered.get("people")


def name_of(user) -> str:
    """A person's shown name, as the people app spells it; the username without one."""
    registered = people()
    return registered.name_of(user) if registered else user.get_username()
