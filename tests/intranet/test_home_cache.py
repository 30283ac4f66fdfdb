"""Home's post and wiki sections are cached per view of the intranet, never per person."""

import pytest
from django.core.cache import cache

from intranet.access import visibility_key
from tests.factories import UserFactory, make_wiki_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def test_people_with_the_same_view_share_a_key_and_others_do_not(
    employee, outsider, reader, site_admin, private_space
):
    assert visibility_key(employee) == visibility_key(outsider)
    assert visibility_key(reader) != visibility_key(outsider)
    assert visibility_key(site_admin) == "everything"


def test_a_members_cached_home_never_reaches_an_outsider(
    client_for, reader, outsider, private_space, editor
):
    make_wiki_page(private_space, "Quokka treaty", author=editor)
    assert "Quokka treaty" in client_for(reader).get("/").content.decode()
    assert "Quokka treaty" not in client_for(outsider).get("/").content.decode()


def test_publishing_shows_on_home_at_once(client_for, employee, open_space, editor):
    client = client_for(employee)
    client.get("/")
    make_wiki_page(open_space, "Fresh bread", author=editor)
    assert "Fresh bread" in client.get("/").content.decode()


def test_a_new_membership_changes_what_home_shows_at_once(client_for, private_space, editor):
    from intranet.actions import set_member_role

    newcomer = UserFactory(username="newbie")
    make_wiki_page(private_space, "Quokka treaty", author=editor)
    client = client_for(newcomer)
    assert "Quokka treaty" not in client.get("/").content.decode()
    set_member_role(private_space, newcomer, "reader")
    assert "Quokka treaty" in client.get("/").content.decode()


def test_a_second_visit_with_the_same_view_skips_the_section_queries(
    client_for, employee, outsider, open_space, editor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_wiki_page(open_space, "Fresh bread", author=editor)
    with CaptureQueriesContext(connection) as first:
        client_for(employee).get("/")
    with CaptureQueriesContext(connection) as second:
        client_for(outsider).get("/")
    assert len(second) < len(first)
