"""Autosave: while someone writes, the editor keeps a private draft (wiki.EditDraft), never a
Wagtail revision, so it blocks nothing: no slug, no validation banner, no stale draft in
the way of publishing. Opening the editor again offers the draft; publishing deletes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.wiki_editor.conftest import edit_form
from wiki.models import EditDraft, WikiPage

pytestmark = pytest.mark.django_db


def autosave(client, page, body: str, **fields):
    return client.post(reverse("wiki:autosave", args=[page.pk]), edit_form(page, body, **fields))


def test_autosave_keeps_a_private_draft_and_makes_no_revision(client_for, open_page, editor):
    revisions = open_page.revisions.count()

    response = autosave(client_for(editor), open_page, "<p>Half written</p>", summary="wip")

    draft = EditDraft.objects.get(user=editor, page=open_page, new_page=False)
    assert response.status_code == 200
    assert response.json()["message"].startswith("Draft saved at")
    assert draft.body == "<p>Half written</p>" and draft.edit_summary == "wip"
    assert draft.base_revision_id == open_page.latest_revision_id
    open_page.refresh_from_db()
    assert open_page.revisions.count() == revisions
    assert not open_page.has_unpublished_changes


def test_autosave_takes_a_page_without_title_and_overwrites_the_same_draft(
    client_for, open_page, editor
):
    client = client_for(editor)
    autosave(client, open_page, "<p>One</p>", title="")

    response = autosave(client, open_page, "<p>Two</p>", title="")

    assert response.status_code == 200
    assert list(EditDraft.objects.values_list("title", "body")) == [("", "<p>Two</p>")]


def test_an_autosave_never_blocks_publishing_of_another_person(
    client_for, open_page, editor, moderator
):
    autosave(client_for(editor), open_page, "<p>Editor drafting</p>", title="")

    response = client_for(moderator).post(
        reverse("wiki:edit", args=[open_page.pk]), edit_form(open_page, "<p>Published</p>")
    )

    open_page.refresh_from_db()
    assert response.status_code == 302
    assert open_page.body == "<p>Published</p>"


def test_an_autosaved_new_page_takes_no_slug_and_leaves_no_page(client_for, open_space, editor):
    response = client_for(editor).post(
        reverse("wiki:autosave_new", args=[open_space.pk]),
        {"title": "Kitchen rules", "body": "<p>Draft</p>", "edit_summary": ""},
    )

    assert response.status_code == 200
    assert not WikiPage.objects.exists()
    assert EditDraft.objects.get(new_page=True, page=open_space).title == "Kitchen rules"
    client_for(editor).post(
        reverse("wiki:new", args=[open_space.pk]),
        {"title": "Kitchen rules", "body": "<p>Real</p>", "edit_summary": ""},
    )
    assert WikiPage.objects.get().slug == "kitchen-rules"


def test_opening_the_editor_again_offers_the_draft_and_restores_it(client_for, open_page, editor):
    client = client_for(editor)
    autosave(client, open_page, "<p>Unsaved thoughts</p>", summary="thoughts")
    url = reverse("wiki:edit", args=[open_page.pk])

    offered = client.get(url)
    restored = client.get(url + "?draft=restore")

    assert "Restore your unsaved draft" in offered.content.decode()
    assert "Clean the fridge" in offered.context["form"]["body"].value()
    form = restored.context["form"]
    assert "Unsaved thoughts" in form["body"].value()
    assert form["edit_summary"].value() == "thoughts"
    assert "Restore your unsaved draft" not in restored.content.decode()


def test_a_draft_equal_to_the_page_is_not_offered(client_for, open_page, editor):
    client = client_for(editor)
    autosave(client, open_page, open_page.body)

    response = client.get(reverse("wiki:edit", args=[open_page.pk]))

    assert "Restore your unsaved draft" not in response.content.decode()


def test_drafts_are_private(client_for, open_page, editor, moderator):
    autosave(client_for(editor), open_page, "<p>Editor's secret draft</p>")

    response = client_for(moderator).get(reverse("wiki:edit", args=[open_page.pk]))

    assert "Restore your unsaved draft" not in response.content.decode()
    assert "secret draft" not in response.content.decode()


def test_publishing_deletes_the_draft(client_for, open_page, editor):
    client = client_for(editor)
    autosave(client, open_page, "<p>Draft</p>")

    client.post(reverse("wiki:edit", args=[open_page.pk]), edit_form(open_page, "<p>Done</p>"))

    assert not EditDraft.objects.exists()


def test_discarding_and_cancelling_delete_the_draft(client_for, open_page, editor):
    client = client_for(editor)
    autosave(client, open_page, "<p>Draft</p>")
    url = reverse("wiki:discard_draft", args=[open_page.pk])

    back = client.post(url, {"next": "editor"})
    autosave(client, open_page, "<p>Draft</p>")
    cancelled = client.post(url, {"next": "page"})

    assert back.url == reverse("wiki:edit", args=[open_page.pk])
    assert cancelled.url == open_page.url
    assert not EditDraft.objects.exists()


def test_an_oversized_autosave_is_refused_with_json(client_for, open_page, editor):
    huge = "<p>" + "quokka " * (3 * 1024 * 1024 // 7) + "</p>"

    response = autosave(client_for(editor), open_page, huge)

    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert not EditDraft.objects.exists()


def test_a_base_revision_of_another_page_is_not_kept(client_for, open_page, open_space, editor):
    from tests.factories import make_wiki_page

    other = make_wiki_page(open_space, "Other", author=editor)

    autosave(client_for(editor), open_page, "<p>Draft</p>", base=other.latest_revision)

    assert EditDraft.objects.get().base_revision_id is None
