"""Where a departure starts: the profile page's button (site admins), the Wagtail admin's
user editor and its bulk action, and the HR import's `active` column. Each goes through
`deactivate_person`, so pages, sessions, tokens and the audit log follow alike."""

from __future__ import annotations

import pytest
from django.core.management import CommandError
from django.test import Client
from wagtail.models import Page

from audit.models import AuditAction
from feeds.actions import regenerate_feed_token
from feeds.models import FeedToken
from profiles.actions import deactivate_person
from tests.factories import wagtail_user_form
from tests.leavers.conftest import IP, entries
from tests.profiles.test_import import run

pytestmark = pytest.mark.django_db


def deactivate_url(person) -> str:
    return f"/people/{person.username}/deactivate/"


def owner_of(page):
    return Page.objects.get(pk=page.pk).owner


# --- the profile page's button ---------------------------------------------------------------


def test_site_admins_see_the_button_on_a_profile_and_colleagues_do_not(
    client_for, site_admin, employee, leaver
):
    profile = f"/people/{leaver.username}/"
    assert deactivate_url(leaver).encode() in client_for(site_admin).get(profile).content
    assert deactivate_url(leaver).encode() not in client_for(employee).get(profile).content
    own = client_for(site_admin).get(f"/people/{site_admin.username}/")
    assert deactivate_url(site_admin).encode() not in own.content


def test_the_confirm_page_offers_the_manager_as_successor(
    client_for, site_admin, leaver, wiki_page
):
    response = client_for(site_admin).get(deactivate_url(leaver))

    assert response.status_code == 200
    assert b'value="manny"' in response.content
    assert b"csrfmiddlewaretoken" in response.content


def test_someone_who_owns_no_page_is_asked_for_no_successor(client_for, site_admin, leaver):
    response = client_for(site_admin).get(deactivate_url(leaver))

    assert response.status_code == 200
    assert b'name="successor"' not in response.content
    assert b"nobody needs to take anything over" in response.content


def test_a_colleague_may_not_open_or_post_the_confirm_page(client_for, employee, leaver):
    client = client_for(employee)
    assert client.get(deactivate_url(leaver)).status_code == 403
    assert client.post(deactivate_url(leaver), {"successor": ""}).status_code == 403
    leaver.refresh_from_db()
    assert leaver.is_active


def test_anonymous_visitors_are_sent_to_log_in(leaver):
    response = Client().post(deactivate_url(leaver), {"successor": ""})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_confirm_page_refuses_other_methods(client_for, site_admin, leaver):
    assert client_for(site_admin).put(deactivate_url(leaver)).status_code == 405
    leaver.refresh_from_db()
    assert leaver.is_active


def test_nobody_and_nobody_twice_cannot_be_deactivated(client_for, site_admin, leaver):
    client = client_for(site_admin)
    assert client.get("/people/nobody-here/deactivate/").status_code == 404
    deactivate_person(leaver, actor=site_admin)
    assert client.post(deactivate_url(leaver), {"successor": ""}).status_code == 404


def test_a_site_admin_cannot_deactivate_themselves_here(client_for, site_admin):
    response = client_for(site_admin).post(deactivate_url(site_admin), {"successor": ""})
    assert response.status_code == 403


def test_a_site_admin_deactivates_with_a_chosen_successor_from_their_browser(
    browser_for, site_admin, leaver, employee, wiki_page, django_capture_on_commit_callbacks
):
    regenerate_feed_token(leaver)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser_for(site_admin).post(
            deactivate_url(leaver), {"successor": employee.username}, follow=True
        )

    assert response.redirect_chain == [(f"/people/{leaver.username}/", 302)]
    assert "1 page now belongs to Emil Ployee." in response.content.decode()
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert owner_of(wiki_page) == employee
    assert not FeedToken.objects.filter(user=leaver).exists()
    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert (entry.actor, entry.target, entry.ip_address) == (site_admin, leaver, IP)
    assert entry.user_agent == "LeaverTest/1.0"
    assert entry.details["pages_handed_to"] == "employee"


def test_an_empty_successor_means_the_manager(client_for, site_admin, leaver, manager, wiki_page):
    client_for(site_admin).post(deactivate_url(leaver), {"successor": ""})

    assert owner_of(wiki_page) == manager


def test_an_unknown_successor_is_a_form_error_and_changes_nothing(client_for, site_admin, leaver):
    response = client_for(site_admin).post(deactivate_url(leaver), {"successor": "nobody-x"})

    assert response.status_code == 400
    leaver.refresh_from_db()
    assert leaver.is_active


def test_the_leaver_cannot_be_their_own_successor(client_for, site_admin, leaver):
    response = client_for(site_admin).post(deactivate_url(leaver), {"successor": "lea"})

    assert response.status_code == 400
    leaver.refresh_from_db()
    assert leaver.is_active


def test_a_site_admin_reactivates_from_the_former_employees_page(client_for, site_admin, leaver):
    deactivate_person(leaver, actor=site_admin)
    client = client_for(site_admin)
    page = client.get(f"/people/{leaver.username}/")
    assert f"/people/{leaver.username}/reactivate/".encode() in page.content

    response = client.post(f"/people/{leaver.username}/reactivate/")

    assert response.status_code == 302
    leaver.refresh_from_db()
    assert leaver.is_active
    assert len(entries(AuditAction.PERSON_REACTIVATED)) == 1


def test_a_colleague_may_not_reactivate_and_reactivating_is_post_only(
    client_for, site_admin, employee, leaver
):
    deactivate_person(leaver, actor=site_admin)
    url = f"/people/{leaver.username}/reactivate/"
    assert client_for(employee).post(url).status_code == 403
    assert url.encode() not in client_for(employee).get(f"/people/{leaver.username}/").content
    assert client_for(site_admin).get(url).status_code == 405
    leaver.refresh_from_db()
    assert not leaver.is_active


# --- the Wagtail admin ------------------------------------------------------------------------


def test_unticking_active_in_the_wagtail_admin_is_a_departure(
    browser_for, site_admin, leaver, manager, wiki_page, django_capture_on_commit_callbacks
):
    regenerate_feed_token(leaver)
    signed_in = Client()
    signed_in.force_login(leaver)

    with django_capture_on_commit_callbacks(execute=True):
        response = browser_for(site_admin).post(
            f"/admin/users/edit/{leaver.pk}/", wagtail_user_form(leaver, is_active=None)
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert owner_of(wiki_page) == manager
    assert not FeedToken.objects.filter(user=leaver).exists()
    assert signed_in.get("/people/").status_code == 302
    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert (entry.actor, entry.ip_address) == (site_admin, IP)


def test_saving_a_user_in_the_wagtail_admin_without_touching_active_is_no_departure(
    browser_for, site_admin, leaver, wiki_page
):
    browser_for(site_admin).post(
        f"/admin/users/edit/{leaver.pk}/", wagtail_user_form(leaver, first_name="Leah")
    )

    assert entries(AuditAction.PERSON_DEACTIVATED) == []
    assert owner_of(wiki_page) == leaver


def test_ticking_active_again_in_the_wagtail_admin_is_a_recorded_reactivation(
    browser_for, site_admin, leaver
):
    deactivate_person(leaver, actor=site_admin)

    browser_for(site_admin).post(f"/admin/users/edit/{leaver.pk}/", wagtail_user_form(leaver))

    leaver.refresh_from_db()
    assert leaver.is_active
    assert len(entries(AuditAction.PERSON_REACTIVATED)) == 1


def test_the_wagtail_admins_bulk_action_deactivates_through_the_same_action(
    browser_for, site_admin, leaver, manager, employee, wiki_page
):
    signed_in = Client()
    signed_in.force_login(leaver)
    url = (
        "/admin/bulk/auth/user/set_active_state/"
        f"?next=/admin/users/&id={leaver.pk}&id={employee.pk}"
    )

    response = browser_for(site_admin).post(url, {"mark_as_active": "False"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert owner_of(wiki_page) == manager
    assert signed_in.get("/people/").status_code == 302
    assert {entry.target for entry in entries(AuditAction.PERSON_DEACTIVATED)} == {
        leaver,
        employee,
    }


# --- the HR import ----------------------------------------------------------------------------

HEADER = "username,email,first_name,last_name,job_title,department,manager,location,phone,active\n"


def row(username: str, active: str, manager: str = "") -> str:
    return f"{username},{username}@example.com,,,,,{manager},,,{active}\n"


def test_active_no_in_the_import_deactivates_and_hands_pages_to_the_files_manager(
    tmp_path, leaver, manager, employee, wiki_page
):
    signed_in = Client()
    signed_in.force_login(leaver)

    output = run(tmp_path, HEADER + row("lea", "no", manager="employee"))

    assert "0 created, 1 updated, 0 skipped, 1 deactivated" in output
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert owner_of(wiki_page) == employee
    assert signed_in.get("/people/").status_code == 302
    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert entry.actor is None


@pytest.mark.parametrize("word", ["yes", "TRUE", "1", ""])
def test_active_yes_or_empty_in_the_import_keeps_them(tmp_path, leaver, word):
    run(tmp_path, HEADER + row("lea", word))

    leaver.refresh_from_db()
    assert leaver.is_active
    assert entries(AuditAction.PERSON_DEACTIVATED) == []


def test_active_yes_in_the_import_brings_a_leaver_back(tmp_path, site_admin, leaver):
    deactivate_person(leaver, actor=site_admin)

    output = run(tmp_path, HEADER + row("lea", "yes"))

    assert "1 reactivated" in output
    leaver.refresh_from_db()
    assert leaver.is_active


def test_a_file_without_the_active_column_changes_nobodys_state(tmp_path, site_admin, leaver):
    deactivate_person(leaver, actor=site_admin)
    header = HEADER.replace(",active", "")

    run(tmp_path, header + "lea,lea@example.com,,,,,,,\n")

    leaver.refresh_from_db()
    assert not leaver.is_active


def test_someone_new_who_already_left_is_created_inactive(tmp_path):
    from django.contrib.auth import get_user_model

    run(tmp_path, HEADER + row("gone", "false"))

    assert not get_user_model().objects.get(username="gone").is_active


def test_an_unreadable_active_value_is_a_row_error_and_nothing_changes(tmp_path, leaver):
    with pytest.raises(CommandError) as error:
        run(tmp_path, HEADER + row("lea", "maybe"))

    assert "line 2" in str(error.value)
    assert "maybe" in str(error.value)
    leaver.refresh_from_db()
    assert leaver.is_active


def test_a_dry_run_deactivates_nobody(tmp_path, leaver, wiki_page):
    output = run(tmp_path, HEADER + row("lea", "no"), "--dry-run")

    assert "1 deactivated" in output
    leaver.refresh_from_db()
    assert leaver.is_active
    assert owner_of(wiki_page) == leaver
    assert entries(AuditAction.PERSON_DEACTIVATED) == []
