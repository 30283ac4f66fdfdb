"""The home stream: constant queries at any number of activity rows, one rendering shared by
everyone with the same view (for a minute), and never stale about what may be seen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import Activity
from tests.factories import UserFactory, make_wiki_page

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def add_activity(count: int, space, page, actor) -> None:
    """`count` activity rows in bulk (no signals: the test bumps nothing by itself)."""
    now = timezone.now()
    kinds = [Activity.Kind.WIKI_EDITED, Activity.Kind.COMMENT, Activity.Kind.POST]
    Activity.objects.bulk_create(
        Activity(
            kind=kinds[i % 3],
            actor=actor,
            page=page,
            space=space,
            created_at=now - timedelta(minutes=i + 5),
        )
        for i in range(count)
    )


def stream_of(client, path: str) -> str:
    """The stream's part of the home page."""
    page = client.get(path).content.decode()
    return page.split('class="card activity-stream"', 1)[1].split("</section>", 1)[0]


def home_queries(client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured.captured_queries]


def test_home_costs_the_same_queries_at_20_and_2000_activity_rows(
    client_for, reader, open_space, editor
):
    page = make_wiki_page(open_space, "Sourdough", author=editor)
    client = client_for(reader)
    add_activity(20, open_space, page, editor)
    client.get("/")
    cache.clear()
    small, _ = home_queries(client)
    add_activity(1980, open_space, page, editor)
    cache.clear()
    large, _ = home_queries(client)
    assert small == large <= MAX_QUERIES


def test_a_second_visit_with_the_same_view_takes_the_stream_from_the_cache(
    client_for, employee, outsider, open_space, editor
):
    make_wiki_page(open_space, "Sourdough", author=editor)
    _, first = home_queries(client_for(employee))
    assert any("community_activity" in sql for sql in first)
    # Another person with the same view of the intranet: the shared rendering.
    _, second = home_queries(client_for(outsider))
    assert not any("community_activity" in sql for sql in second)
    assert "Sourdough" in client_for(outsider).get("/").content.decode()


def test_new_activity_shows_at_once(client_for, employee, open_space, editor):
    client = client_for(employee)
    make_wiki_page(open_space, "Sourdough", author=editor)
    assert "Sourdough" in client.get("/").content.decode()
    make_wiki_page(open_space, "Focaccia", author=editor)
    assert "Focaccia" in client.get("/").content.decode()


def test_a_space_made_members_only_leaves_an_outsiders_cached_stream_at_once(
    client_for, outsider, reader, open_space, editor, space_admin
):
    from intranet.actions import update_space_settings

    make_wiki_page(open_space, "Sourdough", author=editor)
    client = client_for(outsider)
    assert "Sourdough" in client.get("/").content.decode()
    assert "Sourdough" in client_for(reader).get("/").content.decode()
    update_space_settings(open_space, actor=space_admin, visibility="members")
    assert "Sourdough" not in client.get("/").content.decode()
    assert "Sourdough" in client_for(reader).get("/").content.decode()


def test_an_unpublished_page_leaves_the_cached_stream_at_once(
    client_for, employee, open_space, editor
):
    page = make_wiki_page(open_space, "Sourdough", author=editor)
    client = client_for(employee)
    assert "Sourdough" in client.get("/").content.decode()
    page.unpublish()
    assert "Sourdough" not in client.get("/").content.decode()


def test_a_members_only_stream_is_never_shared_with_an_outsider(
    client_for, reader, outsider, private_space, editor
):
    make_wiki_page(private_space, "Quokka treaty", author=editor)
    assert "Quokka treaty" in client_for(reader).get("/").content.decode()
    assert "Quokka treaty" not in client_for(outsider).get("/").content.decode()


def test_a_renamed_person_shows_in_the_cached_stream_at_once(
    client_for, employee, open_space, editor
):
    make_wiki_page(open_space, "Sourdough", author=editor)
    client = client_for(employee)
    assert "Eddie" in client.get("/").content.decode()
    editor.first_name = "Edwina"
    editor.save()
    assert "Edwina" in client.get("/").content.decode()


def test_the_following_filters_stay_personal(client_for, employee, open_space, editor):
    from community.actions import follow

    make_wiki_page(open_space, "Sourdough", author=editor)
    other = UserFactory(username="other")
    follow(employee, "space", open_space)
    assert "Sourdough" in stream_of(client_for(employee), "/?stream=spaces")
    assert "Sourdough" not in stream_of(client_for(other), "/?stream=spaces")
    assert "Sourdough" in stream_of(client_for(other), "/")


def test_the_stream_is_an_index_walk_not_a_scan(reader, open_space):
    """The newest rows come from the (created_at, id) index with a LIMIT."""
    sql, _ = Activity.stream_for(reader).query.sql_with_params()
    assert 'ORDER BY "community_activity"."created_at" DESC, "community_activity"."id" DESC' in sql
    index_fields = [tuple(index.fields) for index in Activity._meta.indexes if index.name]
    assert ("-created_at", "-id") in index_fields
