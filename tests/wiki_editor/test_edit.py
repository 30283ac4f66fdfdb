"""Editing a wiki page in place: the form loads the page as the editor shows it, publishing
saves a Wagtail revision with the edit summary, logs, indexes, notifies followers and lands
on the page; a moderated space gets a submission instead; bad input keeps what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from tests.factories import make_wiki_page
from tests.wiki_editor.conftest import edit_form
from wiki.models import WikiPage

pytestmark = pytest.mark.django_db


def test_the_editor_shows_title_body_summary_and_publish_in_the_intranets_look(
    client_for, open_page, editor
):
    response = client_for(editor).get(reverse("wiki:edit", args=[open_page.pk]))

    html = response.content.decode()
    form = response.context["form"]
    assert form["title"].value() == "Kitchen rules"
    assert "Clean the fridge on Fridays." in form["body"].value()
    assert form["edit_summary"].value() in (None, "")
    assert form["base_revision"].value() == open_page.latest_revision_id
    assert "data-richtext" in html and 'data-page-search-url="/search/-/pages.json"' in html
    assert ">Publish</button>" in html
    assert html.count("<h1") == 1


def test_page_links_reach_the_editor_with_their_ids(client_for, open_space, open_page, editor):
    linking = make_wiki_page(
        open_space, "Links", f'<p><a linktype="page" id="{open_page.pk}">rules</a></p>'
    )

    response = client_for(editor).get(reverse("wiki:edit", args=[linking.pk]))

    assert f'data-page-id="{open_page.pk}"' in response.context["form"]["body"].value()


def test_publishing_saves_a_revision_with_the_summary_and_lands_on_the_page(
    client_for, open_page, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            reverse("wiki:edit", args=[open_page.pk]),
            edit_form(open_page, "<p>Clean on Mondays.</p>", summary="Monday now"),
        )

    open_page.refresh_from_db()
    assert response.status_code == 302
    assert response.url == open_page.url
    assert open_page.body == "<p>Clean on Mondays.</p>"
    assert open_page.live_revision == open_page.latest_revision
    assert open_page.live_revision.content["edit_summary"] == "Monday now"
    assert open_page.live_revision.user == editor
    actions = set(PageLogEntry.objects.filter(page=open_page).values_list("action", flat=True))
    assert {"wagtail.edit", "wagtail.publish"} <= actions
    assert [p.pk for p in WikiPage.objects.live().search("Mondays")] == [open_page.pk]


def test_a_title_change_keeps_the_address(client_for, open_page, editor):
    url = open_page.url

    client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]),
        edit_form(open_page, "<p>Same</p>", title="House rules"),
    )

    open_page.refresh_from_db()
    assert open_page.title == "House rules"
    assert open_page.url == url


def test_followers_of_the_page_are_notified_of_the_edit(client_for, open_page, editor, reader):
    from community.actions import follow

    follow(reader, "page", open_page)

    client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]), edit_form(open_page, "<p>News</p>")
    )

    assert reader.notifications.filter(page=open_page).exists()


def test_a_missing_title_is_a_form_error_that_keeps_the_text(client_for, open_page, editor):
    response = client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]),
        edit_form(open_page, "<p>Half a thought about quokkas</p>", title=" ", summary="mine"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the page a title." in html
    assert "Half a thought about quokkas" in html and 'value="mine"' in html
    open_page.refresh_from_db()
    assert "quokkas" not in open_page.body


def test_a_too_long_body_is_a_form_error_not_a_crash(client_for, open_page, editor):
    huge = "<p>" + "quokka " * (3 * 1024 * 1024 // 7) + "</p>"

    response = client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]), edit_form(open_page, huge)
    )

    assert response.status_code == 200
    assert "too long" in response.content.decode()


def test_a_forged_base_revision_never_overwrites_silently(client_for, open_page, editor):
    response = client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]),
        {"title": open_page.title, "body": "<p>Mine</p>", "base_revision": "999999"},
    )

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    open_page.refresh_from_db()
    assert "Clean the fridge" in open_page.body


def test_in_a_moderated_space_editors_submit_for_review_and_the_page_waits(
    client_for, moderated_page, editor
):
    url = reverse("wiki:edit", args=[moderated_page.pk])
    client = client_for(editor)

    assert ">Submit for review</button>" in client.get(url).content.decode()
    response = client.post(url, edit_form(moderated_page, "<p>No goggles needed.</p>"))

    moderated_page.refresh_from_db()
    assert response.status_code == 302
    assert response.url == moderated_page.url
    assert "Wear goggles." in moderated_page.body  # the live page waits for approval
    assert moderated_page.workflow_in_progress
    assert "No goggles" in moderated_page.latest_revision.content["body"]


def test_a_second_submission_joins_the_review_in_progress(client_for, moderated_page, editor):
    url = reverse("wiki:edit", args=[moderated_page.pk])
    client = client_for(editor)
    client.post(url, edit_form(moderated_page, "<p>First</p>"))

    client.post(url, edit_form(moderated_page, "<p>Second</p>"))

    moderated_page.refresh_from_db()
    state = moderated_page.current_workflow_state
    assert state is not None
    assert moderated_page.workflow_states.count() == 1
    assert "Second" in moderated_page.latest_revision.content["body"]


def test_moderators_publish_directly_in_a_moderated_space(client_for, moderated_page, moderator):
    url = reverse("wiki:edit", args=[moderated_page.pk])
    client = client_for(moderator)

    assert ">Publish</button>" in client.get(url).content.decode()
    client.post(url, edit_form(moderated_page, "<p>Goggles and gloves.</p>"))

    moderated_page.refresh_from_db()
    assert moderated_page.body == "<p>Goggles and gloves.</p>"
