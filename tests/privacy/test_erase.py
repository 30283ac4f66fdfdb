"""/privacy/erase/<username>/: a site admin erases a former employee's personal data; their
content stays, by "former employee", and their old name is nowhere a page shows."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.test import Client
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Revision

from api.models import ApiToken
from audit.models import AuditAction, AuditEntry
from blogs.models import BlogIndexPage, Comment, Reaction
from community.models import Follow, NotificationSetting
from feeds.models import FeedToken
from intranet import people
from privacy.actions import erase_personal_data
from privacy.models import Erasure
from profiles.actions import deactivate_person
from profiles.models import ProfileSkill, SpokenLanguage
from search.query import search_content
from tests.privacy.conftest import LEA_MARKERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def former(full_lea, site_admin):
    """Lea, deactivated: she has left the company."""
    deactivate_person(full_lea, actor=site_admin)
    full_lea.refresh_from_db()
    return full_lea


@pytest.fixture
def erased(former, client_for, site_admin, django_capture_on_commit_callbacks):
    """Lea, erased through the page (with the work that waits for the commit done)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(site_admin).post("/privacy/erase/lea/", {"confirm": "on"})
    assert response.status_code == 302, response.status_code
    former.refresh_from_db()
    assert response["Location"] == f"/people/{former.username}/"
    return former


def page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_unchanged(person) -> None:
    person.refresh_from_db()
    assert (person.username, person.first_name, person.last_name) == ("lea", "Lea", "Ving")
    assert person.profile.phone == "+49 30 1234"
    assert not Erasure.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED).exists()


# --- who may ---------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(former):
    response = Client().post("/privacy/erase/lea/", {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert former.first_name == "Lea"


@pytest.mark.parametrize("persona", ["space_admin", "employee"])
def test_only_site_admins_may_erase(request, client_for, former, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/privacy/erase/lea/").status_code == 403
    assert client.post("/privacy/erase/lea/", {"confirm": "on"}).status_code == 403
    former.refresh_from_db()
    assert former.first_name == "Lea" and not Erasure.objects.exists()


def test_the_action_refuses_anyone_but_a_site_admin(former, space_admin):
    with pytest.raises(PermissionDenied):
        erase_personal_data(former, actor=space_admin)
    assert not Erasure.objects.exists()


def test_other_methods_are_refused(client_for, site_admin, former):
    assert client_for(site_admin).put("/privacy/erase/lea/").status_code == 405


def test_an_unknown_person_is_not_found(client_for, site_admin):
    assert client_for(site_admin).get("/privacy/erase/nobody/").status_code == 404


def test_someone_who_still_works_here_is_refused_with_a_clear_message(
    client_for, site_admin, full_lea
):
    client = client_for(site_admin)
    text = page_text(client, "/privacy/erase/lea/")
    assert "still works here" in text and 'name="confirm"' not in text
    response = client.post("/privacy/erase/lea/", {"confirm": "on"})
    assert response.status_code == 409
    assert "Deactivate them first" in response.content.decode()
    assert_unchanged(full_lea)


# --- the confirmation ------------------------------------------------------------------------


def test_the_confirmation_says_what_goes_and_what_stays(client_for, site_admin, former):
    text = page_text(client_for(site_admin), "/privacy/erase/lea/")
    assert "What will be erased" in text and "What stays" in text
    # A site admin counts everything, the post in the private space too.
    assert "3 posts" in text and "1 wiki page" in text and "2 comments" in text
    assert "earlier entries keep the name" in text
    assert 'name="confirm"' in text


def test_nothing_happens_without_the_confirmation(client_for, site_admin, former):
    response = client_for(site_admin).post("/privacy/erase/lea/", {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    former.refresh_from_db()
    assert former.first_name == "Lea" and not Erasure.objects.exists()


# --- what erasure does -----------------------------------------------------------------------


def test_the_account_and_profile_no_longer_say_who_it_was(erased):
    assert erased.username == f"former-{erased.pk}"
    assert (erased.first_name, erased.last_name, erased.email) == ("", "", "")
    assert not erased.has_usable_password() and not erased.is_active
    profile = erased.profile
    assert (profile.phone, profile.job_title, profile.ask_me_about, profile.bio) == ("", "", "", "")
    assert not profile.photo


def test_the_photo_file_is_deleted(
    former, client_for, site_admin, django_capture_on_commit_callbacks
):
    photo = former.profile.photo.name
    assert default_storage.exists(photo)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(site_admin).post("/privacy/erase/lea/", {"confirm": "on"})
    assert not default_storage.exists(photo)


def test_personal_rows_go_and_content_stays(erased, lea_post):
    assert not ProfileSkill.objects.filter(profile__user=erased).exists()
    assert not SpokenLanguage.objects.filter(profile__user=erased).exists()
    assert not Follow.objects.filter(user=erased).exists()
    assert not NotificationSetting.objects.filter(user=erased).exists()
    assert not FeedToken.objects.filter(user=erased).exists()
    assert not ApiToken.objects.filter(user=erased).exists()
    assert not Reaction.objects.filter(user=erased).exists()
    lea_post.refresh_from_db()
    assert lea_post.live and lea_post.owner_id == erased.pk
    assert Comment.objects.filter(author=erased, body="See you around").exists()


def test_the_erasure_is_recorded_without_the_old_name(erased, site_admin):
    [entry] = AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASED)
    assert entry.actor_id == site_admin.pk and entry.target_id == erased.pk
    assert entry.target_name == erased.username
    assert "lea" not in str(entry.details).lower() and "Ving" not in str(entry.details)
    assert entry.details["deleted"]["profiles.ProfileSkill"] == 1
    erasure = Erasure.objects.get(user=erased)
    assert erasure.erased_by_id == site_admin.pk
    # Earlier entries are never rewritten.
    assert AuditEntry.objects.filter(target_name="Lea Ving (lea)").exists()


def test_her_personal_blog_moves_to_the_new_username(erased, client_for, reader):
    blog = BlogIndexPage.objects.get(author=erased)
    assert blog.slug == erased.username
    assert "Lea" not in blog.title and "Ving" not in blog.title
    client = client_for(reader)
    assert client.get("/blogs/lea/").status_code == 404
    assert "My diary" in page_text(client, f"/blogs/{erased.username}/")


def test_no_stored_address_or_redirect_keeps_her_old_username(erased, lea_blog_post):
    revisions = Revision.page_revisions.filter(object_id=str(lea_blog_post.pk))
    assert revisions.exists()
    assert all("/lea/" not in r.content["url_path"] for r in revisions)
    assert not Redirect.objects.filter(old_path__contains="lea").exists()


def test_a_second_erasure_is_refused(erased, client_for, site_admin):
    url = f"/privacy/erase/{erased.username}/"
    assert "Erased on" in page_text(client_for(site_admin), url)
    response = client_for(site_admin).post(url, {"confirm": "on"})
    assert response.status_code == 409
    assert Erasure.objects.count() == 1


def test_the_admins_user_list_offers_erasure_for_people_who_left(client_for, site_admin, former):
    text = page_text(client_for(site_admin), "/admin/users/")
    assert "/privacy/erase/lea/" in text
    assert "/privacy/erase/siteadmin/" not in text  # still works here


def test_her_profile_page_offers_erasure_to_site_admins_only(
    client_for, site_admin, space_admin, former
):
    assert "/privacy/erase/lea/" in page_text(client_for(site_admin), "/people/lea/")
    assert "/privacy/erase/lea/" not in page_text(client_for(space_admin), "/people/lea/")


def test_after_erasure_her_page_offers_neither_erasure_nor_reactivation(
    erased, client_for, site_admin
):
    text = page_text(client_for(site_admin), f"/people/{erased.username}/")
    assert "/privacy/erase/" not in text
    assert "/reactivate/" not in text


def test_the_directorys_id_and_sent_webhook_payloads_naming_her_are_deleted(
    former, site_admin, employee
):
    from scim.models import DirectoryPerson
    from webhooks.models import Delivery, Webhook

    DirectoryPerson.objects.create(user=former, external_id="HR-4711")
    hook = Webhook.objects.create(
        name="Chat",
        url="https://chat.example.com/hook",
        events=["post.published"],
        acts_as=employee,
        secret="s" * 32,
    )
    about_her = {"data": {"author": {"username": "lea", "name": "Lea Ving"}}}
    about_someone_else = {"data": {"author": {"username": "employee", "name": "E"}}}
    for payload in (about_her, about_someone_else):
        Delivery.objects.create(
            webhook=hook, event="post.published", event_id=uuid.uuid4(), payload=payload
        )

    erase_personal_data(former, actor=site_admin)

    assert not DirectoryPerson.objects.filter(external_id="HR-4711").exists()
    assert [d.payload for d in Delivery.objects.all()] == [about_someone_else]
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASED)
    deleted = entry.details["deleted"]
    assert deleted["scim.DirectoryPerson"] == 1 and deleted["webhooks.Delivery"] == 1


# --- her old name is nowhere a page shows ------------------------------------------------------


def test_her_name_is_gone_from_her_post_her_comment_and_her_profile(
    erased, client_for, reader, lea_post
):
    client = client_for(reader)
    post = page_text(client, lea_post.url)
    assert "Thanks, all." in post and "See you around" in post
    profile = page_text(client, f"/people/{erased.username}/")
    for text in (post, profile):
        for marker in LEA_MARKERS:
            assert marker not in text, marker
    assert client.get("/people/lea/").status_code == 404


def test_the_directory_and_the_blogs_list_do_not_show_her(erased, client_for, reader):
    client = client_for(reader)
    for url in ("/people/", "/blogs/", "/"):
        text = page_text(client, url)
        assert "Lea Ving" not in text and "Quokka keeper" not in text, url


def test_search_for_her_old_name_finds_nothing(former, client_for, site_admin, reader):
    # Her personal blog was titled with her name: found before, not after.
    assert search_content(reader, "Ving").total == 1
    client_for(site_admin).post("/privacy/erase/lea/", {"confirm": "on"})
    assert search_content(reader, "Ving").total == 0
    assert search_content(reader, "Ving").people_total == 0
    assert search_content(reader, "Farewell lunch").total == 1  # her content is still found


def test_she_is_shown_as_just_former_employee(erased, client_for, reader, lea_post):
    assert people.display_name(erased) == "Former employee"
    assert "Former employee" in page_text(client_for(reader), lea_post.url)
