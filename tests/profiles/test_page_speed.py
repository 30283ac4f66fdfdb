"""The profile page and the org chart: constant queries at two data sizes; the org chart is
rendered once for everyone and never stale."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from profiles.models import Profile
from tests.factories import DepartmentFactory, UserFactory, make_wiki_page
from wiki.contributions import edits_by

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    # A German reader's request leaves German active in this thread: not for later tests.
    translation.deactivate()


def capture(action) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        action()
    return [q["sql"] for q in captured.captured_queries]


def test_a_profile_costs_the_same_queries_with_more_edits(client_for, employee, editor, open_space):
    client = client_for(employee)
    path = f"/people/{editor.username}/"
    for n in range(2):
        make_wiki_page(open_space, f"Recipe {n}", author=editor)
    client.get(path)
    cache.clear()
    small = len(capture(lambda: client.get(path)))
    for n in range(2, 14):
        make_wiki_page(open_space, f"Recipe {n}", author=editor)
    cache.clear()
    large = len(capture(lambda: client.get(path)))
    assert small == large <= MAX_QUERIES
    assert "Recipe 13" in client.get(path).content.decode()


def test_wiki_edits_walk_the_persons_revisions_not_every_visible_page(employee, editor, open_space):
    make_wiki_page(open_space, "Recipe", author=editor)
    queries = capture(lambda: edits_by(employee, editor, 10))
    revision_queries = [sql for sql in queries if "wagtailcore_revision" in sql]
    assert revision_queries
    assert not any("wiki_wikipage" in sql for sql in revision_queries)


def test_wiki_edits_skip_hidden_pages_beyond_the_first_batch(
    editor, outsider, reader, open_space, private_space
):
    """The newest 60 edits are in a space the outsider cannot see; the two open ones are
    older, so they are found only by walking on."""
    visible = [make_wiki_page(open_space, f"Open {n}", author=editor) for n in range(2)]
    hidden = make_wiki_page(private_space, "Quokka treaty", author=editor)
    for _ in range(60):
        hidden.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    queries = capture(lambda: edits_by(outsider, editor, 10))
    edits = edits_by(outsider, editor, 10)
    assert [e.page.pk for e in edits] == [visible[1].pk, visible[0].pk]
    assert all(e.edits == 1 for e in edits)
    assert len(queries) <= 6  # batches of 50, 100, ...: logarithmic, not one per page
    # A member sees the hidden page: its 50 newest edits fill the window.
    assert [(e.page.pk, e.edits) for e in edits_by(reader, editor, 10)] == [(hidden.pk, 50)]


def test_the_org_chart_is_rendered_once_for_everyone(client_for, employee, reader):
    dept = DepartmentFactory(name="Bakery", slug="bakery")
    Profile.objects.filter(user=reader).update(department=dept, job_title="Head baker")
    cache.clear()
    first = capture(lambda: client_for(employee).get("/org/"))
    assert any("profiles_profile" in sql for sql in first)
    second_page = []
    client = client_for(reader)
    client.get("/people/")  # the reader's first request (session, language) is not counted
    second = capture(lambda: second_page.append(client.get("/org/")))
    assert not any("profiles_department" in sql for sql in second)
    assert "Head baker" in second_page[0].content.decode()


def test_the_org_chart_shows_changes_at_once(client_for, employee, reader):
    dept = DepartmentFactory(name="Bakery", slug="bakery")
    profile = reader.profile
    profile.department = dept
    profile.job_title = "Head baker"
    profile.save()
    client = client_for(employee)
    assert "Head baker" in client.get("/org/").content.decode()
    profile.job_title = "Chief baker"
    profile.save()
    assert "Chief baker" in client.get("/org/").content.decode()
    dept.name = "Patisserie"
    dept.save()
    assert "Patisserie" in client.get("/org/").content.decode()
    reader.is_active = False
    reader.save()
    assert "Chief baker" not in client.get("/org/").content.decode()


def test_the_org_chart_costs_the_same_queries_with_more_people(client_for, employee):
    dept = DepartmentFactory(name="Bakery", slug="bakery")

    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            person = UserFactory(username=f"baker{n}")
            Profile.objects.filter(user=person).update(department=dept)

    client = client_for(employee)
    add(0, 2)
    client.get("/org/")  # the first request fills per-session caches (language, etc.)
    cache.clear()
    small = len(capture(lambda: client.get("/org/")))
    add(2, 20)
    cache.clear()
    large = len(capture(lambda: client.get("/org/")))
    assert small == large <= MAX_QUERIES


def test_the_org_chart_speaks_the_readers_language(client_for, employee, reader):
    dept = DepartmentFactory(name="Bakery", slug="bakery")
    Profile.objects.filter(user__in=[employee, reader]).update(department=dept)
    english = client_for(employee).get("/org/").content.decode()
    assert "Members" in english.split("org-tree", 1)[1]
    Profile.objects.filter(user=reader).update(preferred_language="de")
    german = client_for(reader).get("/org/").content.decode()
    assert "Organigramm" in german
    assert "Mitglieder" in german.split("org-tree", 1)[1]
