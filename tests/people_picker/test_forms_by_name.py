"""The forms that name people take names: the profile's manager and stand-in, a space's
"add member"; and "-" (where the suggestions live) can never become a username."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from intranet.models import Role
from profiles.actions import import_people
from profiles.models import Profile
from tests.profiles.test_profiles import edit_data

pytestmark = pytest.mark.django_db


def test_the_profile_form_takes_emma_wagner_as_manager(client_for, employee, directory):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]),
        edit_data(manager="Emma Wagner", cover="Mueller"),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=employee)
    assert (profile.manager, profile.cover) == (directory["emma"], directory["juergen"])


def test_the_profile_form_asks_which_wagner(client_for, employee, directory):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]), edit_data(manager="Wagner")
    )
    assert response.status_code == 400
    assert "Which one: Emma Wagner (Sales, @ewagner), Erik Wagner (IT, @erik)?" in (
        response.content.decode()
    )
    assert Profile.objects.get(user=employee).manager is None


def test_the_edit_page_offers_the_picker_with_the_managers_name(client_for, employee, emma):
    Profile.objects.filter(user=employee).update(manager=emma)
    html = client_for(employee).get(reverse("profiles:edit", args=["employee"])).content.decode()
    assert 'name="manager" value="ewagner"' in html
    assert "Emma Wagner" in html and "data-person-picker" in html
    assert "intranet/js/people-picker.js" in html


def test_a_moderator_adds_a_member_by_name(client_for, moderator, private_space, directory):
    client_for(moderator).post(
        f"/spaces/{private_space.slug}/members/add/",
        {"username": "Emma Wagner", "role": Role.EDITOR},
    )
    assert private_space.role_of(directory["emma"]) == Role.EDITOR


def test_adding_an_ambiguous_name_asks_which_one(client_for, moderator, private_space, directory):
    response = client_for(moderator).post(
        f"/spaces/{private_space.slug}/members/add/",
        {"username": "Wagner", "role": Role.READER},
        follow=True,
    )
    assert "Which one: Emma Wagner (Sales, @ewagner)" in response.content.decode()
    assert private_space.role_of(directory["emma"]) is None


def test_the_members_page_offers_the_picker(client_for, moderator, private_space):
    html = client_for(moderator).get(f"/spaces/{private_space.slug}/members/").content.decode()
    assert "data-person-picker" in html
    assert "intranet/js/people-picker.js" in html  # {{ add_form.media }} in the template


def test_an_hr_import_cannot_make_a_person_called_dash(db):
    header = "username,email,first_name,last_name,job_title,department,manager,location,phone\n"
    report = import_people(header + "-,dash@example.com,Dash,,,,,,\n")
    assert report.errors
    assert not get_user_model().objects.filter(username="-").exists()


@override_settings(SIGNUP_DOMAINS=["example.com"])
def test_nobody_can_sign_up_as_dash(client, site_tree):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "dash@example.com",
            "username": "-",
            "password1": "a-long-passphrase-42",
            "password2": "a-long-passphrase-42",
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="-").exists()
