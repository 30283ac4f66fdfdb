"""Query-count guards at two data sizes for the space pages, and the queries behind them."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.access import visible_spaces
from intranet.actions import set_member_role
from intranet.models import Role, SpacePage
from tests.factories import DepartmentFactory, UserFactory, make_space

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


def queries_for(client, path: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def add_members(space, count: int, start: int) -> None:
    """`count` members, each in a department of their own (the member list shows it)."""
    for n in range(start, start + count):
        person = UserFactory(username=f"member{n}")
        person.profile.department = DepartmentFactory(name=f"Team {n}", slug=f"team-{n}")
        person.profile.job_title = f"Baker {n}"
        person.profile.save()
        set_member_role(space, person, Role.READER)


@pytest.mark.parametrize("viewer", ["reader", "moderator"])
def test_the_member_list_costs_the_same_queries_with_more_members(
    request, client_for, open_space, viewer
):
    client = client_for(request.getfixturevalue(viewer))
    path = f"{open_space.url}members/"
    add_members(open_space, 2, 0)
    client.get(path)
    small = queries_for(client, path)
    add_members(open_space, 12, 2)
    large = queries_for(client, path)
    page = client.get(path).content.decode()
    assert "Team 13" in page and "Baker 13" in page
    assert small == large <= MAX_QUERIES


def test_the_space_page_costs_the_same_queries_with_more_members(client_for, reader, open_space):
    client = client_for(reader)
    add_members(open_space, 2, 0)
    client.get(open_space.url)
    small = queries_for(client, open_space.url)
    add_members(open_space, 12, 2)
    large = queries_for(client, open_space.url)
    assert small == large <= MAX_QUERIES


def test_a_space_admin_still_manages_and_a_reader_does_not(
    client_for, reader, space_admin, site_admin, open_space
):
    settings_url = f"/spaces/{open_space.slug}/settings/"
    assert settings_url not in client_for(reader).get(open_space.url).content.decode()
    assert settings_url in client_for(space_admin).get(open_space.url).content.decode()
    assert settings_url in client_for(site_admin).get(open_space.url).content.decode()
    members = f"{open_space.url}members/"
    assert settings_url not in client_for(reader).get(members).content.decode()
    assert settings_url in client_for(space_admin).get(members).content.decode()


def test_visible_spaces_filter_spaces_on_their_own_key(outsider, private_space, open_space):
    """Filtering on each page's `space_id` makes the database read the space column of every
    page in the intranet; a space's own key is its pk, which keeps the query on spaces."""
    sql = str(visible_spaces(outsider).query)
    assert '"intranet_intranetpage"."space_id" IN' not in sql
    assert set(visible_spaces(outsider)) == {open_space}


def test_the_spaces_list_and_home_count_every_member_of_a_space(
    client_for, reader, open_space, private_space
):
    """Four members each (admin, moderator, editor, reader), also in "my spaces" on home,
    where the list is narrowed to the reader's own memberships."""
    listed = SpacePage.list_for(reader, visible_spaces(reader))
    assert {space.slug: space.member_count for space in listed} == {
        "open-kitchen": 4,
        "zanzibar-secret": 4,
    }
    home = client_for(reader).get("/").content.decode()
    assert home.count("4 members") >= 2


def test_the_spaces_list_costs_the_same_queries_with_more_spaces(client_for, reader, site_tree):
    client = client_for(reader)
    for n in range(2):
        set_member_role(make_space(f"Small {n}", slug=f"small-{n}"), reader, Role.READER)
    client.get("/spaces/")
    small = queries_for(client, "/spaces/")
    for n in range(10):
        set_member_role(make_space(f"Large {n}", slug=f"large-{n}"), reader, Role.READER)
    large = queries_for(client, "/spaces/")
    assert small == large <= MAX_QUERIES
