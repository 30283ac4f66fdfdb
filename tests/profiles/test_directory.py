"""The directory, its filters, the org chart and the vCard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.actions import set_skill, set_spoken_languages
from profiles.models import Department, Profile

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [person.username for person, _why in response.context["rows"]]


def test_the_directory_lists_active_colleagues(client_for, employee, outsider, reader):
    reader.is_active = False
    reader.save()
    response = client_for(employee).get(reverse("profiles:directory"))
    assert response.status_code == 200
    assert set(names(response)) == {"employee", "outsider"}


def test_the_directory_refuses_post(client_for, employee):
    assert client_for(employee).post(reverse("profiles:directory")).status_code == 405


def test_anonymous_visitors_cannot_browse_the_directory(client, employee):
    assert client.get(reverse("profiles:directory")).status_code == 302


def test_the_directory_filters_by_department_location_skill_and_language(
    client_for, employee, outsider, reader, departments
):
    Profile.objects.filter(user=employee).update(department=departments["it"], location="Berlin")
    Profile.objects.filter(user=outsider).update(department=departments["it"], location="Hamburg")
    set_skill(employee.profile, "Soup", 3, actor=employee)
    set_spoken_languages(outsider.profile, ["fr"])
    client = client_for(reader)
    url = reverse("profiles:directory")
    assert set(names(client.get(url, {"department": "it"}))) == {"employee", "outsider"}
    assert names(client.get(url, {"location": "berl"})) == ["employee"]
    assert names(client.get(url, {"skill": "soup"})) == ["employee"]
    assert names(client.get(url, {"language": "fr"})) == ["outsider"]


def test_a_hidden_location_cannot_be_found_by_filtering(client_for, employee, reader):
    Profile.objects.filter(user=employee).update(location="Secret Bunker", show_location=False)
    response = client_for(reader).get(reverse("profiles:directory"), {"location": "bunker"})
    assert names(response) == []


def test_unknown_filter_values_are_ignored_with_a_message(client_for, employee):
    response = client_for(employee).get(
        reverse("profiles:directory"), {"department": "nope", "language": "xx"}
    )
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


def test_the_text_box_finds_people_by_name(client_for, employee, outsider):
    response = client_for(employee).get(reverse("profiles:directory"), {"q": "otto"})
    assert names(response) == ["outsider"]


def directory_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("profiles:directory"), params).status_code == 200
    return len(queries)


def make_people(count: int, department: Department) -> None:
    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create(
        [
            User(username=f"bulk{start + i}", first_name="Bulk", last_name=f"{i:05d}")
            for i in range(count)
        ]
    )
    Profile.objects.bulk_create(
        [Profile(user=user, department=department, job_title="Clerk") for user in users]
    )


def test_the_directory_costs_the_same_queries_for_ten_and_ten_thousand_people(
    client_for, employee, departments
):
    client = client_for(employee)
    client.get(reverse("profiles:directory"))  # first request of a session costs extra
    make_people(10, departments["it"])
    small = directory_queries(client), directory_queries(client, department="it", page="1")
    make_people(10_000, departments["it"])
    large = directory_queries(client), directory_queries(client, department="it", page="3")
    assert small == large


def test_the_org_chart_shows_the_tree_with_heads_and_members(
    client_for, employee, outsider, departments
):
    Profile.objects.filter(user=employee).update(department=departments["it-ops"])
    Department.objects.filter(pk=departments["it-ops"].pk).update(head=outsider)
    response = client_for(employee).get(reverse("org_chart"))
    assert response.status_code == 200
    rows = [(row["department"].slug, row["depth"]) for row in response.context["rows"]]
    assert rows == [("company", 0), ("it", 1), ("it-ops", 2)]
    ops = response.context["rows"][2]
    assert ops["department"].head == outsider and ops["members"] == [employee]


def test_the_org_chart_refuses_post(client_for, employee):
    assert client_for(employee).post(reverse("org_chart")).status_code == 405


def test_anonymous_visitors_cannot_see_the_org_chart(client, departments):
    assert client.get(reverse("org_chart")).status_code == 302


def test_the_org_chart_costs_the_same_queries_for_few_and_many_people(
    client_for, employee, departments
):
    client = client_for(employee)
    client.get(reverse("org_chart"))  # first request of a session costs extra
    make_people(5, departments["it"])
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("org_chart"))
    make_people(500, departments["it-ops"])
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("org_chart"))
    assert len(small) == len(large)


def test_the_vcard_is_a_text_vcard_with_escaped_values(client_for, employee, outsider):
    outsider.first_name = "Otto; Jr"
    outsider.save()
    Profile.objects.filter(user=outsider).update(job_title="Boss, of\nthings", phone="+49 1")
    response = client_for(employee).get(reverse("profiles:vcard", args=["outsider"]))
    assert response["Content-Type"].startswith("text/vcard")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert "TITLE:Boss\\, of\\nthings\r\n" in text
    assert "N:Outside;Otto\\; Jr;;;" in text
    assert "TEL;TYPE=work,voice;VALUE=text:+49 1" in text


def test_the_vcard_leaves_out_what_the_person_hides(client_for, employee, outsider):
    Profile.objects.filter(user=outsider).update(
        phone="+49 1", show_phone=False, location="Moon", show_location=False
    )
    text = client_for(employee).get(reverse("profiles:vcard", args=["outsider"])).content.decode()
    assert "TEL" not in text and "Moon" not in text


def test_the_vcard_refuses_post(client_for, employee):
    assert (
        client_for(employee).post(reverse("profiles:vcard", args=["employee"])).status_code == 405
    )


def test_a_vcard_of_nobody_is_not_found(client_for, employee):
    assert client_for(employee).get(reverse("profiles:vcard", args=["ghost"])).status_code == 404


def test_long_vcard_lines_are_folded(client_for, employee, outsider):
    Profile.objects.filter(user=outsider).update(job_title="Ä" * 80)
    text = client_for(employee).get(reverse("profiles:vcard", args=["outsider"])).content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
