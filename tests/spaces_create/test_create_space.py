"""Creating a space from the intranet (`/spaces/new/`): who may (the site setting), what the
form asks, where the creator lands, and names that are taken."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from intranet.actions import create_space
from intranet.models import Membership, Role, SpaceCreationSettings, SpacePage
from tests.factories import UserFactory, make_space

pytestmark = pytest.mark.django_db

NEW = "/spaces/new/"


def form_data(**overrides) -> dict:
    data = {
        "title": "Coffee Club",
        "description": "Beans and brewing",
        "kind": "community",
        "visibility": "members",
        "join_policy": "invite",
    }
    return {**data, **overrides}


# Who may open the form


def test_anonymous_visitors_are_sent_to_log_in(client, site_tree):
    response = client.get(NEW)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(NEW, form_data()).status_code == 302
    assert not SpacePage.objects.filter(title="Coffee Club").exists()


def test_the_form_refuses_put(client_for, employee, site_tree):
    assert client_for(employee).put(NEW).status_code == 405


def test_an_employee_sees_the_form_with_a_label_for_every_field(client_for, employee, site_tree):
    response = client_for(employee).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Create a space" in html
    for field in ("title", "description", "kind"):
        assert f'for="id_{field}"' in html
    assert 'name="visibility"' in html and 'name="join_policy"' in html


# Creating


def test_the_creator_becomes_admin_and_lands_on_the_new_space(client_for, employee, site_tree):
    response = client_for(employee).post(NEW, form_data())
    space = SpacePage.objects.get(title="Coffee Club")
    assert response.status_code == 302
    assert response["Location"] == space.url == "/spaces/coffee-club/"
    assert (space.kind, space.visibility, space.join_policy) == ("community", "members", "invite")
    assert space.description == "Beans and brewing"
    assert space.live
    assert list(Membership.objects.filter(space=space).values_list("user__username", "role")) == [
        ("employee", Role.ADMIN)
    ]
    assert employee.groups.filter(name=f"space-{space.pk}-admin").exists()


def test_the_creator_opens_the_members_only_space_and_an_outsider_gets_404(
    client_for, employee, outsider, site_tree
):
    client_for(employee).post(NEW, form_data())
    space = SpacePage.objects.get(title="Coffee Club")
    page = client_for(employee).get(space.url)
    assert page.status_code == 200
    assert "You are Space admin" in page.content.decode()
    assert client_for(outsider).get(space.url).status_code == 404


def test_a_name_taken_twice_gets_a_second_address(client_for, employee, outsider, site_tree):
    client_for(employee).post(NEW, form_data(visibility="members"))
    response = client_for(outsider).post(NEW, form_data(visibility="open"))
    assert response.status_code == 302
    slugs = sorted(SpacePage.objects.filter(title="Coffee Club").values_list("slug", flat=True))
    assert slugs == ["coffee-club", "coffee-club-1"]
    assert response["Location"] == "/spaces/coffee-club-1/"


def test_a_third_space_of_the_same_name_gets_the_next_free_address(employee, site_tree):
    make_space("Coffee Club", slug="coffee-club")
    make_space("Coffee Club II", slug="coffee-club-1")
    assert create_space(title="Coffee Club", actor=employee).slug == "coffee-club-2"


def test_no_space_takes_the_address_of_the_form(client_for, employee, site_tree):
    client_for(employee).post(NEW, form_data(title="New"))
    space = SpacePage.objects.get(title="New")
    assert space.slug == "new-space"
    assert client_for(employee).get(NEW).status_code == 200


def test_a_name_without_latin_letters_still_gets_an_address(client_for, employee, site_tree):
    response = client_for(employee).post(NEW, form_data(title="研究"))
    assert response.status_code == 302
    assert SpacePage.objects.get(title="研究").slug == "space"


def test_the_address_keeps_the_latin_letters_of_the_name(client_for, employee, site_tree):
    client_for(employee).post(NEW, form_data(title="Küche & Öfen"))
    assert SpacePage.objects.get(title="Küche & Öfen").slug == "kuche-ofen"


def test_a_blank_name_shows_a_form_error_and_keeps_what_was_typed(client_for, employee, site_tree):
    response = client_for(employee).post(
        NEW, form_data(title="   ", description="Kept as typed", visibility="nonsense")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "A space needs a name." in html
    assert "Kept as typed" in html
    assert "Select a valid choice" in html
    assert not SpacePage.objects.filter(description="Kept as typed").exists()


# The site setting


def test_by_default_every_employee_sees_the_button(client_for, employee, site_tree):
    client = client_for(employee)
    assert f'href="{NEW}"' in client.get("/spaces/").content.decode()
    assert f'href="{NEW}"' in client.get("/").content.decode()


def test_only_site_admins_hides_the_button_and_refuses_the_form(
    client_for, employee, site_admin, site_tree, creators
):
    creators("site_admins")
    client = client_for(employee)
    assert f'href="{NEW}"' not in client.get("/spaces/").content.decode()
    assert f'href="{NEW}"' not in client.get("/").content.decode()
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403
    assert not SpacePage.objects.filter(title="Coffee Club").exists()

    admin = client_for(site_admin)
    assert f'href="{NEW}"' in admin.get("/spaces/").content.decode()
    assert admin.post(NEW, form_data()).status_code == 302
    assert SpacePage.objects.get(title="Coffee Club").role_of(site_admin) == Role.ADMIN


def test_members_of_the_chosen_group_may_create_and_nobody_else(
    client_for, employee, outsider, site_tree, creators
):
    founders = Group.objects.create(name="Space founders")
    employee.groups.add(founders)
    creators("group", founders)
    assert client_for(employee).get(NEW).status_code == 200
    assert client_for(outsider).get(NEW).status_code == 403
    assert f'href="{NEW}"' not in client_for(outsider).get("/spaces/").content.decode()


def test_the_action_refuses_whom_the_setting_does_not_allow(employee, site_tree, creators):
    creators("site_admins")
    with pytest.raises(PermissionDenied):
        create_space(title="Sneaky", actor=employee)
    assert not SpacePage.objects.filter(title="Sneaky").exists()


def test_the_system_creates_spaces_whatever_the_setting(site_tree, creators):
    creators("site_admins")
    assert create_space(title="From a command").live


def test_the_group_choice_needs_a_group(db):
    setting = SpaceCreationSettings(who="group")
    with pytest.raises(ValidationError) as error:
        setting.full_clean()
    assert "group" in error.value.message_dict


def test_a_deactivated_person_may_not_create(db):
    gone = UserFactory(username="gone", is_active=False)
    assert not SpaceCreationSettings.load().allows(gone)


def test_site_admins_change_the_setting_in_the_wagtail_settings(client_for, site_admin, site_tree):
    url = f"/admin/settings/intranet/spacecreationsettings/{SpaceCreationSettings.load().pk}/"
    client = client_for(site_admin)
    assert client.get(url).status_code == 200
    client.post(url, {"who": "site_admins", "group": ""})
    assert SpaceCreationSettings.load().who == "site_admins"
