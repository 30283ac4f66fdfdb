"""The reviewer's side of spaces whose changes need approval: the list of changes waiting,
one change as a diff, approve and send back, and who is told what."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from community.models import Notification
from tests.factories import UserFactory, make_blog_post
from tests.moderation.conftest import submit

pytestmark = pytest.mark.django_db


def review_url(task_state) -> str:
    return reverse("community:review", args=[task_state.pk])


def decide(client, task_state, action: str, comment: str = ""):
    task_state.refresh_from_db()
    revision = task_state.workflow_state.content_object.get_latest_revision()
    return client.post(
        review_url(task_state), {"action": action, "comment": comment, "revision": revision.pk}
    )


# --- who may look ----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, change):
    for url in (reverse("community:reviews"), review_url(change)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_an_outsider_gets_404_for_a_change_in_a_hidden_space(client_for, outsider, private_change):
    assert client_for(outsider).get(review_url(private_change)).status_code == 404
    assert client_for(outsider).post(review_url(private_change)).status_code == 404


def test_a_plain_member_gets_404_for_a_change(client_for, editor, reader, change):
    for member in (editor, reader):
        assert client_for(member).get(review_url(change)).status_code == 404
        assert decide(client_for(member), change, "approve").status_code == 404
    change.refresh_from_db()
    assert change.status == TaskState.STATUS_IN_PROGRESS


def test_a_moderator_of_another_space_gets_404(client_for, change, site_tree):
    from intranet.actions import set_member_role
    from intranet.models import Role
    from tests.factories import make_space

    other = make_space("Garden", slug="garden")
    gardener = UserFactory(username="gardener")
    set_member_role(other, gardener, Role.MODERATOR)
    assert client_for(gardener).get(review_url(change)).status_code == 404
    assert client_for(gardener).get(reverse("community:reviews")).status_code == 200


def test_a_change_that_does_not_exist_is_404(client_for, moderator, change):
    missing = reverse("community:review", args=[change.pk + 1000])
    assert client_for(moderator).get(missing).status_code == 404


def test_only_moderators_see_the_list(client_for, editor, employee, moderated_space):
    assert client_for(editor).get(reverse("community:reviews")).status_code == 403
    assert client_for(employee).get(reverse("community:reviews")).status_code == 403


def test_the_pages_answer_only_their_methods(client_for, moderator, change):
    client = client_for(moderator)
    assert client.post(reverse("community:reviews")).status_code == 405
    assert client.put(review_url(change)).status_code == 405
    assert client.delete(review_url(change)).status_code == 405


# --- what the reviewer sees ------------------------------------------------------------


def test_the_list_shows_each_waiting_change_by_space_with_author_and_link(
    client_for, moderator, change, private_change
):
    html = client_for(moderator).get(reverse("community:reviews")).content.decode()
    assert "Open Kitchen" in html and "Zanzibar Secret" in html
    assert "Kitchen rules" in html and "Quokka plans" in html
    assert "Eddie Tor" in html
    assert review_url(change) in html and review_url(private_change) in html


def test_a_site_admin_sees_every_waiting_change(client_for, site_admin, change, private_change):
    html = client_for(site_admin).get(reverse("community:reviews")).content.decode()
    assert review_url(change) in html and review_url(private_change) in html


def test_the_change_page_shows_the_diff_against_the_live_page_and_the_summary(
    client_for, moderator, change
):
    response = client_for(moderator).get(review_url(change))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Wash up after lunch<ins>, every day</ins>." in html
    assert "Every day, not just Fridays" in html
    assert "Eddie Tor" in html
    assert "/admin/" not in html


def test_a_new_page_is_shown_whole_and_published_on_approval(
    client_for, moderated_space, moderator, editor
):
    from wiki.models import WikiPage

    page = WikiPage(title="Fridge labels", body="<p>Name and date.</p>", owner=editor, live=False)
    moderated_space.add_child(instance=page)
    state = submit(page, editor)
    client = client_for(moderator)
    html = client.get(review_url(state)).content.decode()
    assert "<ins>Name and date.</ins>" in html
    assert "has not been published yet" in html
    assert decide(client, state, "approve").status_code == 302
    page.refresh_from_db()
    assert page.live


def test_a_post_change_shows_title_teaser_and_body(client_for, moderated_space, moderator, editor):
    from blogs.actions import ensure_space_blog

    post = make_blog_post(
        ensure_space_blog(moderated_space), "Soup day", "<p>Lentils.</p>", author=moderator
    )
    state = submit(
        post, editor, title="Soup days", teaser="Every week", body="<p>Lentils and leeks.</p>"
    )
    html = client_for(moderator).get(review_url(state)).content.decode()
    assert "Soup days" in html
    assert "<ins>Every week</ins>" in html
    assert "leeks" in html


# --- approve and send back -------------------------------------------------------------


def test_a_moderator_approves_and_the_change_is_published_and_the_author_told(
    client_for, moderator, editor, change, live_page
):
    response = decide(client_for(moderator), change, "approve")
    assert response.status_code == 302
    assert response["Location"] == reverse("community:reviews")
    live_page.refresh_from_db()
    assert "every day" in live_page.body
    assert live_page.live_revision.user == editor
    change.refresh_from_db()
    assert change.status == TaskState.STATUS_APPROVED
    assert change.workflow_state.status == WorkflowState.STATUS_APPROVED
    actions = set(PageLogEntry.objects.filter(page=live_page).values_list("action", flat=True))
    assert {"wagtail.workflow.approve", "wagtail.publish"} <= actions
    told = Notification.objects.get(recipient=editor, kind=Notification.Kind.REVIEW_OUTCOME)
    assert "Kitchen rules" in told.text and "Mo Derator" in told.text
    assert told.link == live_page.url


def test_sending_back_keeps_the_live_page_and_tells_the_author_the_comment(
    client_for, moderator, editor, change, live_page
):
    response = decide(client_for(moderator), change, "reject", "Say which days, please.")
    assert response.status_code == 302
    live_page.refresh_from_db()
    assert live_page.body == "<p>Wash up after lunch.</p>"
    change.refresh_from_db()
    assert change.status == TaskState.STATUS_REJECTED
    assert change.comment == "Say which days, please."
    assert change.workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    told = Notification.for_user(editor).get(kind=Notification.Kind.REVIEW_OUTCOME)
    assert "Say which days, please." in told.text
    assert told.link == reverse("wiki:edit", args=[live_page.pk])


def test_sending_back_needs_a_comment_and_keeps_nothing_half_done(
    client_for, moderator, change, live_page
):
    response = decide(client_for(moderator), change, "reject", "   ")
    assert response.status_code == 400
    assert "Say what to change" in response.content.decode()
    change.refresh_from_db()
    assert change.status == TaskState.STATUS_IN_PROGRESS


def test_an_approval_of_a_version_the_reviewer_did_not_see_is_refused_with_the_comment_kept(
    client_for, moderator, editor, change, live_page
):
    client = client_for(moderator)
    seen = live_page.get_latest_revision().pk
    page = type(live_page).objects.get(pk=live_page.pk)
    page.body = "<p>Wash up after lunch, every day, twice.</p>"
    page.save_revision(user=editor)
    response = client.post(
        review_url(change), {"action": "approve", "comment": "Looks good", "revision": seen}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "newer version" in html and "Looks good" in html and "twice" in html
    live_page.refresh_from_db()
    assert "every day" not in live_page.body


def test_a_handled_change_leads_its_reviewers_back_to_the_list(
    client_for, moderator, space_admin, change
):
    decide(client_for(space_admin), change, "approve")
    response = client_for(moderator).get(review_url(change))
    assert response.status_code == 302
    assert response["Location"] == reverse("community:reviews")
    late = decide(client_for(moderator), change, "reject", "Too late")
    assert late.status_code == 302


def test_a_resubmitted_change_is_reached_through_the_old_link(
    client_for, moderator, editor, change, live_page
):
    decide(client_for(moderator), change, "reject", "Which days?")
    change.refresh_from_db()
    page = type(live_page).objects.get(pk=live_page.pk)
    page.body = "<p>Wash up after lunch, Monday to Friday.</p>"
    page.save_revision(user=editor)
    change.workflow_state.resume(user=editor)
    newer = TaskState.objects.filter(workflow_state=change.workflow_state).latest("pk")
    assert newer.pk != change.pk
    response = client_for(moderator).get(review_url(change))
    assert response.status_code == 302
    assert response["Location"] == review_url(newer)


# --- notifications ---------------------------------------------------------------------


def test_a_submission_notifies_the_space_moderators_with_a_link_to_the_change(
    moderator, space_admin, editor, reader, change
):
    for person in (moderator, space_admin):
        told = Notification.for_user(person).get(kind=Notification.Kind.REVIEW)
        assert told.link == review_url(change)
        assert "Eddie Tor" in told.text and "Kitchen rules" in told.text
    assert not Notification.objects.filter(recipient__in=[editor, reader], kind="review").exists()


def test_wagtail_sends_no_workflow_e_mail_with_admin_links(
    client_for, moderator, editor, change, live_page
):
    # Wagtail's own notifiers would e-mail the space's moderators on submission and the
    # author on each outcome, every message with a link into the admin.
    decide(client_for(moderator), change, "reject", "Which days?")
    change.refresh_from_db()
    change.workflow_state.resume(user=editor)
    newer = TaskState.objects.filter(workflow_state=change.workflow_state).latest("pk")
    decide(client_for(moderator), newer, "approve")
    live_page.refresh_from_db()
    assert "every day" in live_page.body
    assert not [m for m in mail.outbox if "/admin/" in m.body]


def test_the_outcome_is_kept_as_a_message_each_reader_reads_in_their_language(
    client_for, moderator, editor, change
):
    from django.utils import translation

    from community.receivers import CHANGE_SENT_BACK

    decide(client_for(moderator), change, "reject", "Welche Tage?")
    told = Notification.objects.get(recipient=editor, kind=Notification.Kind.REVIEW_OUTCOME)
    # Stored as what happened, put into words for each reader (community.models).
    assert told.message == CHANGE_SENT_BACK
    assert told.params["comment"] == "Welche Tage?"
    with translation.override("de"):
        assert "Welche Tage?" in told.display_text


# --- the menu --------------------------------------------------------------------------


def test_the_moderation_menu_shows_only_to_people_who_moderate_with_what_waits(
    client_for, moderator, site_admin, editor, reader, employee, change
):
    for person in (moderator, site_admin):
        html = client_for(person).get("/").content.decode()
        assert 'href="/moderation/changes/"' in html
        assert '<span class="notification-count">1' in html
    for person in (editor, reader, employee):
        html = client_for(person).get("/").content.decode()
        assert "/moderation/" not in html


def test_a_moderator_of_a_space_without_approval_gets_the_menu_for_reports(
    client_for, moderator, open_space
):
    html = client_for(moderator).get("/").content.decode()
    assert 'href="/moderation/"' in html
    assert "notification-count" not in html.split("main-nav", 1)[1].split("</nav>", 1)[0]


def test_both_moderation_pages_link_to_each_other_with_counts(client_for, moderator, change):
    client = client_for(moderator)
    reports = client.get("/moderation/").content.decode()
    assert f'href="{reverse("community:reviews")}"' in reports
    changes = client.get(reverse("community:reviews")).content.decode()
    assert 'href="/moderation/"' in changes
