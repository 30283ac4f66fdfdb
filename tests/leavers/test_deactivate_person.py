"""`profiles.actions.deactivate_person`: the one way someone leaves the company."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from wagtail.models import Page

from audit.models import AuditAction
from blogs.models import BlogIndexPage, BlogPostPage
from feeds.actions import regenerate_feed_token
from feeds.models import FeedToken
from intranet.signals import person_left
from profiles.actions import deactivate_person, end_sessions, reactivate_person
from tests.factories import UserFactory
from tests.leavers.conftest import entries

pytestmark = pytest.mark.django_db


def owner_of(page):
    return Page.objects.get(pk=page.pk).owner


def test_their_wiki_pages_go_to_their_manager(site_admin, leaver, manager, wiki_page):
    departure = deactivate_person(leaver, actor=site_admin)

    leaver.refresh_from_db()
    assert not leaver.is_active
    assert owner_of(wiki_page) == manager
    assert (departure.successor, departure.pages_handed_over) == (manager, 1)


def test_a_chosen_successor_takes_the_pages_instead_of_the_manager(
    site_admin, leaver, manager, employee, wiki_page
):
    departure = deactivate_person(leaver, actor=site_admin, successor=employee)

    assert owner_of(wiki_page) == employee
    assert departure.successor == employee


def test_without_a_manager_the_pages_stay_theirs_and_the_result_says_so(
    site_admin, leaver, wiki_page
):
    leaver.profile.manager = None
    leaver.profile.save()

    departure = deactivate_person(leaver, actor=site_admin)

    assert owner_of(wiki_page) == leaver
    assert (departure.successor, departure.pages_handed_over, departure.pages_unclaimed) == (
        None,
        0,
        1,
    )


def test_a_manager_who_has_left_too_takes_nothing(site_admin, leaver, manager, wiki_page):
    deactivate_person(manager, actor=site_admin)

    departure = deactivate_person(leaver, actor=site_admin)

    assert departure.successor is None
    assert owner_of(wiki_page) == leaver


def test_a_successor_who_has_left_is_refused(site_admin, leaver, employee, wiki_page):
    employee.is_active = False
    employee.save()

    with pytest.raises(ValidationError):
        deactivate_person(leaver, actor=site_admin, successor=employee)
    leaver.refresh_from_db()
    assert leaver.is_active


def test_their_posts_and_personal_blog_stay_theirs(site_admin, leaver, manager, post):
    from blogs.actions import start_personal_blog
    from tests.factories import make_blog_post

    blog = start_personal_blog(leaver)
    personal = make_blog_post(blog, "Diary", author=leaver)

    deactivate_person(leaver, actor=site_admin)

    assert [owner_of(page) for page in (post, blog, personal)] == [leaver] * 3


def test_blog_pages_declare_that_their_owner_is_their_author():
    assert BlogPostPage.owner_is_author and BlogIndexPage.owner_is_author


def test_a_signed_in_leaver_is_signed_out_at_their_next_request(site_admin, leaver, manager):
    client = Client()
    client.force_login(leaver)
    assert client.get("/people/").status_code == 200
    colleague = Client()
    colleague.force_login(manager)

    deactivate_person(leaver, actor=site_admin)

    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert colleague.get("/people/").status_code == 200  # nobody else's session ends


def test_their_stored_sessions_are_deleted_and_only_theirs(site_admin, leaver, manager):
    for person in (leaver, leaver, manager):
        Client().force_login(person)
    assert Session.objects.count() == 3

    departure = deactivate_person(leaver, actor=site_admin)

    assert departure.sessions_ended == 2
    remaining = [session.get_decoded()["_auth_user_id"] for session in Session.objects.all()]
    assert remaining == [str(manager.pk)]


def test_sessions_are_ended_through_the_cache_too(settings, site_admin, leaver):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client = Client()
    client.force_login(leaver)

    assert end_sessions([leaver.pk]) == 1

    from django.contrib.sessions.backends.cached_db import SessionStore

    assert not SessionStore(session_key=client.session.session_key).exists(
        client.session.session_key
    )
    assert client.get("/people/").status_code == 302


def test_their_feed_token_is_revoked_on_commit_and_the_audit_log_says_who(
    site_admin, leaver, django_capture_on_commit_callbacks
):
    token = regenerate_feed_token(leaver).token
    assert Client().get("/feeds/all.rss", {"token": token}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        deactivate_person(leaver, actor=site_admin)

    assert not FeedToken.objects.filter(user=leaver).exists()
    # Answered like any wrong token.
    assert Client().get("/feeds/all.rss", {"token": token}).status_code == 401
    assert Client().get("/feeds/all.rss", {"token": "x" * len(token)}).status_code == 401
    [revoked] = entries(AuditAction.FEED_TOKEN_REVOKED)
    assert (revoked.actor, revoked.target) == (site_admin, leaver)


def test_person_left_is_sent_only_once_the_deactivation_commits(
    site_admin, leaver, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, user, actor, **kwargs):
        heard.append((user, actor, user.is_active))

    person_left.connect(listener, dispatch_uid="tests.leavers.listener")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            deactivate_person(leaver, actor=site_admin)
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        person_left.disconnect(dispatch_uid="tests.leavers.listener")
    assert heard == [(leaver, site_admin, False)]


def test_the_deactivation_is_in_the_audit_log(site_admin, leaver, manager, wiki_page):
    Client().force_login(leaver)

    deactivate_person(leaver, actor=site_admin)

    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert (entry.actor, entry.target) == (site_admin, leaver)
    assert entry.target_name == "Lea Ving (lea)"
    assert entry.details == {
        "pages_handed_to": "manny",
        "pages_handed_over": 1,
        "pages_unclaimed": 0,
        "sessions_ended": 1,
    }


def test_the_system_may_deactivate_and_is_written_down_as_nobody(leaver):
    deactivate_person(leaver, actor=None)

    [entry] = entries(AuditAction.PERSON_DEACTIVATED)
    assert entry.actor is None


def test_a_colleague_may_not_deactivate_anyone(employee, leaver):
    with pytest.raises(PermissionDenied):
        deactivate_person(leaver, actor=employee)
    leaver.refresh_from_db()
    assert leaver.is_active
    assert entries(AuditAction.PERSON_DEACTIVATED) == []


def test_whoever_may_edit_users_in_the_wagtail_admin_may_deactivate(leaver):
    from django.contrib.auth.models import Permission

    helpdesk = UserFactory(username="helpdesk")
    helpdesk.user_permissions.add(Permission.objects.get(codename="change_user"))

    deactivate_person(leaver, actor=helpdesk)

    leaver.refresh_from_db()
    assert not leaver.is_active


def test_nobody_deactivates_their_own_account(site_admin):
    with pytest.raises(ValidationError):
        deactivate_person(site_admin, actor=site_admin)
    site_admin.refresh_from_db()
    assert site_admin.is_active


def test_a_reactivated_person_signs_in_again_and_the_audit_log_says_so(site_admin, leaver):
    deactivate_person(leaver, actor=site_admin)

    reactivate_person(leaver, actor=site_admin)

    leaver.refresh_from_db()
    assert leaver.is_active
    assert Client().login(username="lea", password="correct-horse-battery")
    [entry] = entries(AuditAction.PERSON_REACTIVATED)
    assert (entry.actor, entry.target) == (site_admin, leaver)


def test_a_colleague_may_not_reactivate_anyone(site_admin, employee, leaver):
    deactivate_person(leaver, actor=site_admin)

    with pytest.raises(PermissionDenied):
        reactivate_person(leaver, actor=employee)
