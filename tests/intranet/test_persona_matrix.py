"""The persona matrix: who may read, write and manage what, in an open and a members-only
space, on every surface that exists so far.

`MATRIX` is the table; each row is (surface, space, outsider, reader, editor, moderator,
space admin, site admin). It expands into one test per (persona, space, surface, expected).
To add a surface: write a probe below (it gets a logged-in client and the space and returns
what the persona observes), register it in `SURFACES` and add its two rows to `MATRIX`.

Observations: an HTTP status code, or for lists "shown" / "hidden" (whether the space's
title appears on the page).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from intranet.models import SpacePage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["outsider", "reader", "editor", "moderator", "space_admin", "site_admin"]

# fmt: off
MATRIX: list[tuple] = [
    # surface             space     outsider reader   editor   moderator sp.admin site admin
    ("space page",         "open",   200,     200,     200,     200,     200,     200),
    ("space page",         "private",404,     200,     200,     200,     200,     200),
    ("space index",        "open",   "shown", "shown", "shown", "shown", "shown", "shown"),
    ("space index",        "private","hidden","shown", "shown", "shown", "shown", "shown"),
    # Home: members see their spaces; the activity stream shows everyone what happens in
    # open spaces (and site admins everything), never a members-only space to outsiders.
    ("home dashboard",     "open",   "shown", "shown", "shown", "shown", "shown", "shown"),
    ("home dashboard",     "private","hidden","shown", "shown", "shown", "shown", "shown"),
    ("search",             "open",   "shown", "shown", "shown", "shown", "shown", "shown"),
    ("search",             "private","hidden","shown", "shown", "shown", "shown", "shown"),
    ("members page",       "open",   200,     200,     200,     200,     200,     200),
    ("members page",       "private",404,     200,     200,     200,     200,     200),
    ("join",               "open",   302,     302,     302,     302,     302,     302),
    ("join",               "private",404,     302,     302,     302,     302,     302),
    ("add member",         "open",   403,     403,     403,     302,     302,     302),
    ("add member",         "private",404,     403,     403,     302,     302,     302),
    ("space settings",     "open",   403,     403,     403,     403,     200,     200),
    ("space settings",     "private",404,     403,     403,     403,     200,     200),
    ("space history",      "open",   403,     403,     403,     403,     200,     200),
    ("space history",      "private",404,     403,     403,     403,     200,     200),
    # Wagtail admin: for site admins only; everyone else, whatever their space role, is
    # sent to the login page (they write in the intranet's own pages).
    ("admin explorer",     "open",   302,     302,     302,     302,     302,     "shown"),
    ("admin explorer",     "private",302,     302,     302,     302,     302,     "shown"),
    ("admin edit space",   "open",   302,     302,     302,     302,     302,     200),
    ("admin edit space",   "private",302,     302,     302,     302,     302,     200),
    ("admin add wiki page","open",   302,     302,     302,     302,     302,     200),
    ("admin add wiki page","private",302,     302,     302,     302,     302,     200),
]
# fmt: on


def listed(response, space: SpacePage) -> str:
    assert response.status_code == 200, response.status_code
    return "shown" if space.title in response.content.decode() else "hidden"


def probe_space_page(client: Client, space: SpacePage):
    return client.get(space.url).status_code


def probe_space_index(client: Client, space: SpacePage):
    return listed(client.get("/spaces/"), space)


def probe_home(client: Client, space: SpacePage):
    return listed(client.get("/"), space)


def probe_search(client: Client, space: SpacePage):
    return listed(client.get("/search/", {"q": space.title.split()[0]}), space)


def probe_members_page(client: Client, space: SpacePage):
    return client.get(f"/spaces/{space.slug}/members/").status_code


def probe_join(client: Client, space: SpacePage):
    return client.post(f"/spaces/{space.slug}/join/").status_code


def probe_add_member(client: Client, space: SpacePage):
    newcomer = UserFactory(username="newcomer")
    data = {"username": newcomer.username, "role": "reader"}
    return client.post(f"/spaces/{space.slug}/members/add/", data).status_code


def probe_settings(client: Client, space: SpacePage):
    return client.get(f"/spaces/{space.slug}/settings/").status_code


def probe_history(client: Client, space: SpacePage):
    return client.get(f"/spaces/{space.slug}/history/").status_code


def probe_admin_explorer(client: Client, space: SpacePage):
    response = client.get(f"/admin/pages/{space.get_parent().pk}/")
    return response.status_code if response.status_code != 200 else listed(response, space)


def probe_admin_edit(client: Client, space: SpacePage):
    return client.get(f"/admin/pages/{space.pk}/edit/").status_code


def probe_admin_add_wiki_page(client: Client, space: SpacePage):
    return client.get(f"/admin/pages/add/wiki/wikipage/{space.pk}/").status_code


SURFACES: dict[str, Callable] = {
    "space page": probe_space_page,
    "space index": probe_space_index,
    "home dashboard": probe_home,
    "search": probe_search,
    "members page": probe_members_page,
    "join": probe_join,
    "add member": probe_add_member,
    "space settings": probe_settings,
    "space history": probe_history,
    "admin explorer": probe_admin_explorer,
    "admin edit space": probe_admin_edit,
    "admin add wiki page": probe_admin_add_wiki_page,
}

CASES = [
    pytest.param(persona, space, surface, expected, id=f"{persona}-{space}-{surface}")
    for surface, space, *row in MATRIX
    for persona, expected in zip(PERSONAS, row, strict=True)
]


def test_every_surface_has_rows_for_both_spaces():
    covered = {(surface, space) for surface, space, *_ in MATRIX}
    assert covered == {(s, k) for s in SURFACES for k in ("open", "private")}


@pytest.mark.parametrize(("persona", "space_kind", "surface", "expected"), CASES)
def test_persona_sees_what_the_matrix_says(
    request, client_for, open_space, private_space, persona, space_kind, surface, expected
):
    user = request.getfixturevalue(persona)
    space = open_space if space_kind == "open" else private_space
    assert SURFACES[surface](client_for(user), space) == expected
