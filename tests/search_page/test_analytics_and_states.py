from __future__ import annotations

import pytest

from search import views
from search.backends.whoosh import IndexUnavailable
from search.models import ZeroResultQuery, searches_without_results
from search.query import PERSON_TYPE, search_content

pytestmark = pytest.mark.django_db

SEARCH = "/search/"
REPORT = "/admin/reports/searches-without-results/"


def test_a_search_without_results_is_counted_without_who_searched(client_for, reader, site_tree):
    client_for(reader).get(SEARCH, {"q": "Flux  Capacitor"})
    client_for(reader).get(SEARCH, {"q": "flux capacitor"})
    row = ZeroResultQuery.objects.get()
    assert (row.query, row.count) == ("flux capacitor", 2)
    stored = " ".join(str(value) for value in ZeroResultQuery.objects.values().get().values())
    assert reader.username not in stored
    field_names = {f.name for f in ZeroResultQuery._meta.get_fields()}
    assert field_names == {"id", "query", "count", "first_seen", "last_seen"}


def test_a_search_with_results_is_not_counted(client_for, reader, open_wiki):
    client_for(reader).get(SEARCH, {"q": "quarterly"})
    assert not ZeroResultQuery.objects.exists()


def test_a_filtered_search_without_results_is_not_counted(client_for, reader, open_wiki):
    # Nothing found because of a filter says nothing about what the company lacks.
    client_for(reader).get(SEARCH, {"q": "quarterly", "author": reader.username})
    assert not ZeroResultQuery.objects.exists()


def test_searches_without_results_lists_the_most_frequent_first(db):
    for _ in range(3):
        ZeroResultQuery.record("kantine")
    ZeroResultQuery.record("parking")
    assert [row.query for row in searches_without_results()] == ["kantine", "parking"]


def test_site_admins_see_the_report_of_searches_without_results(client_for, site_admin):
    ZeroResultQuery.record("kantine menu")
    response = client_for(site_admin).get(REPORT)
    assert response.status_code == 200
    assert b"kantine menu" in response.content


def test_other_staff_cannot_see_the_report(client_for, reader):
    from django.contrib.auth.models import Permission

    reader.is_staff = True
    reader.save()
    reader.user_permissions.add(Permission.objects.get(codename="access_admin"))
    ZeroResultQuery.record("kantine menu")
    response = client_for(reader).get(REPORT)
    assert response.status_code in (302, 403)
    assert b"kantine menu" not in response.content


def test_the_report_refuses_post(client_for, site_admin):
    assert client_for(site_admin).post(REPORT).status_code == 405


def test_an_unreadable_index_says_search_is_being_rebuilt(client_for, reader, monkeypatch):
    def broken(*args, **kwargs):
        raise IndexUnavailable("gone")

    monkeypatch.setattr(views, "search_content", broken)
    response = client_for(reader).get(SEARCH, {"q": "quarterly"})
    assert response.status_code == 503
    assert b"Search is being rebuilt" in response.content


def test_suggestions_are_empty_when_the_index_is_unreadable(client_for, reader, monkeypatch):
    def broken(*args, **kwargs):
        raise IndexUnavailable("gone")

    monkeypatch.setattr(views, "suggest", broken)
    response = client_for(reader).get(SEARCH + "suggest/", {"q": "quar"})
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


def test_people_are_found_by_what_they_know(client_for, reader, employee, site_tree):
    profile = employee.profile
    profile.ask_me_about = "Zymurgy and fermentation"
    profile.save()
    results = search_content(reader, "zymurgy")
    assert [hit.title for hit in results.people] == [profile.display_name]
    response = client_for(reader).get(SEARCH, {"q": "zymurgy", "type": PERSON_TYPE})
    assert response.status_code == 200
    assert profile.display_name.encode() in response.content


def test_deactivated_people_are_not_found(reader, employee, site_tree):
    profile = employee.profile
    profile.ask_me_about = "Zymurgy"
    profile.save()
    employee.is_active = False
    employee.save()
    assert search_content(reader, "zymurgy").people_total == 0


def test_a_department_filter_keeps_pages_by_its_people(reader, editor, open_wiki):
    from tests.factories import DepartmentFactory

    kitchen = DepartmentFactory(name="Kitchen crew", slug="kitchen-crew")
    profile = editor.profile
    profile.department = kitchen
    profile.save()
    assert search_content(reader, "quarterly", department="kitchen-crew").total == 1
    facets = search_content(reader, "quarterly").facets
    assert [(v.value, v.count) for v in facets["department"]] == [("kitchen-crew", 1)]


def test_a_month_filter_keeps_pages_first_published_that_month(client_for, reader, open_wiki):
    month = open_wiki.first_published_at.strftime("%Y-%m")
    assert (
        client_for(reader).get(SEARCH, {"q": "quarterly", "date": month}).context["results"].total
        == 1
    )
    assert (
        client_for(reader)
        .get(SEARCH, {"q": "quarterly", "date": "1999-01"})
        .context["results"]
        .total
        == 0
    )
