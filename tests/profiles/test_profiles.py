"""Profiles: made on first login, edited on the site, loops refused, XSS escaped."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from profiles.models import Profile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def edit_data(**overrides) -> dict:
    data = {
        "first_name": "Emil",
        "last_name": "Ployee",
        "pronouns": "he/him",
        "job_title": "Engineer",
        "location": "Berlin",
        "phone": "+49 30 1234",
        "show_phone": "on",
        "show_location": "on",
        "languages": ["de", "en"],
    }
    data.update(overrides)
    return data


def test_a_profile_is_made_on_first_login(django_user_model):
    user = django_user_model.objects.create_user("newbie", password="correct-horse-battery")
    assert not Profile.objects.filter(user=user).exists()
    client = Client()
    assert client.login(username="newbie", password="correct-horse-battery")
    assert Profile.objects.filter(user=user).exists()


def test_a_colleague_sees_a_profile(client_for, employee, outsider):
    employee.profile.job_title = "Soup Taster"
    employee.profile.save()
    response = client_for(outsider).get(reverse("profiles:detail", args=["employee"]))
    assert response.status_code == 200
    assert "Soup Taster" in response.content.decode()


def test_an_unknown_person_is_not_found(client_for, outsider):
    client = client_for(outsider)
    assert client.get(reverse("profiles:detail", args=["nobody"])).status_code == 404


def test_a_person_who_left_keeps_a_page_without_contact_details(client_for, employee, outsider):
    profile = employee.profile
    profile.phone = "+49 30 5550123"
    profile.save()
    employee.is_active = False
    employee.save()
    response = client_for(outsider).get(reverse("profiles:detail", args=["employee"]))
    assert response.status_code == 200
    assert "former employee" in response.content.decode()
    assert "5550123" not in response.content.decode()
    assert employee.email not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, employee):
    response = client.get(reverse("profiles:detail", args=["employee"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_profile_page_refuses_post(client_for, employee):
    response = client_for(employee).post(reverse("profiles:detail", args=["employee"]))
    assert response.status_code == 405


def test_a_person_edits_their_own_profile(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(bio="I like soup.")
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=employee)
    assert profile.bio == "I like soup."
    assert profile.pronouns == "he/him"
    assert sorted(profile.spoken_language_codes) == ["de", "en"]


def test_editing_someone_elses_profile_is_forbidden(client_for, employee, outsider):
    client = client_for(outsider)
    url = reverse("profiles:edit", args=["employee"])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(bio="hacked")).status_code == 403
    assert Profile.objects.get(user=employee).bio == ""


def test_a_site_admin_edits_anyones_profile(client_for, employee, site_admin):
    response = client_for(site_admin).post(
        reverse("profiles:edit", args=["employee"]), edit_data(job_title="Chief Soup Officer")
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=employee).job_title == "Chief Soup Officer"


def test_the_edit_page_refuses_put(client_for, employee):
    assert client_for(employee).put(reverse("profiles:edit", args=["employee"])).status_code == 405


def test_my_edit_link_leads_to_my_own_edit_page(client_for, employee):
    response = client_for(employee).get(reverse("profiles:me"))
    assert response["Location"] == reverse("profiles:edit", args=["employee"])


def test_a_manager_loop_is_refused_with_a_form_error(client_for, employee, outsider):
    # employee manages outsider; outsider may not become employee's manager.
    Profile.objects.filter(user=outsider).update(manager=employee)
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(manager="outsider")
    )
    assert response.status_code == 400
    assert "loop" in response.content.decode()
    assert Profile.objects.get(user=employee).manager is None


def test_a_longer_manager_loop_is_refused(client_for, employee, outsider, reader):
    Profile.objects.filter(user=outsider).update(manager=employee)
    Profile.objects.filter(user=reader).update(manager=outsider)
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(manager="reader")
    )
    assert response.status_code == 400
    assert Profile.objects.get(user=employee).manager is None


def test_nobody_can_be_their_own_manager(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(manager="employee")
    )
    assert response.status_code == 400


def test_an_unknown_manager_gets_a_clear_error(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(manager="ghost")
    )
    assert response.status_code == 400
    assert "Nobody with the username" in response.content.decode()


def test_a_link_that_is_not_a_web_address_is_refused(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(links="javascript:alert(1)")
    )
    assert response.status_code == 400
    assert Profile.objects.get(user=employee).links == ""


XSS = '<script>alert("x")</script>'
TEXT_FIELDS = ["pronouns", "job_title", "location", "phone", "ask_me_about", "bio", "working_hours"]


@pytest.mark.parametrize("field", ["first_name", "last_name", *TEXT_FIELDS])
def test_script_in_any_text_field_is_shown_escaped(client_for, employee, outsider, field):
    value = XSS[:40] if field in {"pronouns", "phone"} else XSS
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(**{field: value})
    )
    assert response.status_code == 302
    html = client_for(outsider).get(reverse("profiles:detail", args=["employee"])).content.decode()
    directory = client_for(outsider).get(reverse("profiles:directory")).content.decode()
    assert "<script>alert" not in html
    assert "<script>alert" not in directory
    assert "&lt;script&gt;alert" in html


def test_hidden_phone_and_location_are_not_shown_to_colleagues(client_for, employee, outsider):
    client_for(employee).post(
        reverse("profiles:edit", args=["employee"]),
        edit_data(phone="+49 555 0101", location="Secret Bunker", show_phone="", show_location=""),
    )
    theirs = (
        client_for(outsider).get(reverse("profiles:detail", args=["employee"])).content.decode()
    )
    mine = client_for(employee).get(reverse("profiles:detail", args=["employee"])).content.decode()
    assert "+49 555 0101" not in theirs and "Secret Bunker" not in theirs
    assert "+49 555 0101" in mine and "Secret Bunker" in mine


def test_the_profile_shows_the_reporting_line_and_direct_reports(
    client_for, employee, outsider, reader
):
    Profile.objects.filter(user=employee).update(manager=outsider)
    Profile.objects.filter(user=outsider).update(manager=reader)
    html = client_for(reader).get(reverse("profiles:detail", args=["outsider"])).content.decode()
    assert "Rita Reader" in html  # manager above
    assert "Emil Ployee" in html  # direct report below
    assert Profile.objects.get(user=employee).reporting_line() == [outsider, reader]


def test_the_reporting_line_stops_at_an_old_loop_in_the_data(employee, outsider):
    Profile.objects.filter(user=employee).update(manager=outsider)
    Profile.objects.filter(user=outsider).update(manager=employee)
    assert Profile.objects.get(user=employee).reporting_line() == [outsider]


def test_a_profile_is_found_by_the_search_index(employee, departments):
    from wagtail.search.backends import get_search_backend

    employee.profile.job_title = "Quokka whisperer"
    employee.profile.save()
    UserFactory(username="other", first_name="Nora", last_name="Other")
    results = get_search_backend().search("quokka", Profile)
    assert [p.user.username for p in results] == ["employee"]


def test_someone_who_never_logged_in_still_has_a_profile_page(
    client_for, employee, django_user_model
):
    django_user_model.objects.create_user("fresh", first_name="Fred", last_name="Resh")
    response = client_for(employee).get(reverse("profiles:detail", args=["fresh"]))
    assert response.status_code == 200
    assert "Fred Resh" in response.content.decode()


def test_an_absence_names_the_cover_contact(client_for, employee, outsider):
    import datetime

    Profile.objects.filter(user=employee).update(
        absent_until=datetime.date.today() + datetime.timedelta(days=3), cover=outsider
    )
    html = client_for(outsider).get(reverse("profiles:detail", args=["employee"])).content.decode()
    assert "Out of office until" in html and "Otto Outside" in html


def test_a_past_absence_is_not_shown(client_for, employee, outsider):
    import datetime

    Profile.objects.filter(user=employee).update(absent_until=datetime.date(2000, 1, 1))
    html = client_for(outsider).get(reverse("profiles:detail", args=["employee"])).content.decode()
    assert "Out of office until" not in html
