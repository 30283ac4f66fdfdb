"""A new page below a space or a page: title and template first (the templates in the
reader's language), then the editor; the page is made on the first save, with a slug made
on the server, free among its siblings. Cancelling leaves nothing behind."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from profiles.models import Profile
from wiki.models import WikiPage

pytestmark = pytest.mark.django_db


def create(client, parent, title: str, body: str = "<p>Text</p>", summary: str = ""):
    return client.post(
        reverse("wiki:new", args=[parent.pk]),
        {"title": title, "body": body, "edit_summary": summary},
    )


def test_the_first_step_offers_the_templates_and_prefills_a_missing_pages_title(
    client_for, open_space, editor
):
    response = client_for(editor).get(reverse("wiki:new", args=[open_space.pk]) + "?title=Tea+room")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Tea room"' in html
    assert "Meeting notes" in html and "How-to" in html and "Decision record" in html
    assert not WikiPage.objects.exists()


def test_choosing_a_template_opens_the_editor_with_it_and_makes_no_page(
    client_for, open_space, editor
):
    response = client_for(editor).get(
        reverse("wiki:new", args=[open_space.pk]),
        {"title": "Team meeting 3 May", "template": "meeting-notes"},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form["title"].value() == "Team meeting 3 May"
    assert "Agenda" in form["body"].value()
    assert ">Publish</button>" in response.content.decode()
    assert not WikiPage.objects.exists()


def test_a_template_without_title_asks_for_one(client_for, open_space, editor):
    response = client_for(editor).get(
        reverse("wiki:new", args=[open_space.pk]), {"title": " ", "template": "how-to"}
    )

    assert "Give the page a title." in response.content.decode()
    assert "template" in response.context["form"].fields


def test_the_page_is_made_on_the_first_save_and_published(
    client_for, open_space, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = create(
            client_for(editor), open_space, "Fridge rules", "<p>Label food.</p>", "first"
        )

    page = WikiPage.objects.get()
    assert response.status_code == 302
    assert response.url == page.url
    assert page.live and page.get_parent().pk == open_space.pk and page.space_id == open_space.pk
    assert page.slug == "fridge-rules"
    assert page.owner == editor
    assert page.live_revision.content["edit_summary"] == "first"
    assert [p.pk for p in WikiPage.objects.live().search("Label")] == [page.pk]


def test_a_page_below_a_page(client_for, open_space, editor):
    parent = WikiPage.objects.get(pk=_make(client_for(editor), open_space, "Handbook").pk)

    create(client_for(editor), parent, "Chapter one")

    assert WikiPage.objects.get(title="Chapter one").get_parent().pk == parent.pk


def _make(client, parent, title):
    create(client, parent, title)
    return WikiPage.objects.filter(title=title).latest("pk")


def test_a_title_used_twice_gets_distinct_slugs(client_for, open_space, editor):
    client = client_for(editor)

    first, second = (
        _make(client, open_space, "Kitchen rules"),
        _make(client, open_space, "Kitchen rules"),
    )

    assert (first.slug, second.slug) == ("kitchen-rules", "kitchen-rules-2")
    assert first.url != second.url


def test_a_missing_title_keeps_the_text_and_makes_nothing(client_for, open_space, editor):
    response = create(client_for(editor), open_space, "", "<p>Precious words</p>")

    assert response.status_code == 200
    assert "Precious words" in response.context["form"]["body"].value()
    assert not WikiPage.objects.exists()


def test_cancel_leaves_no_page_behind(client_for, open_space, editor):
    client = client_for(editor)
    client.get(
        reverse("wiki:new", args=[open_space.pk]), {"title": "Abandoned", "template": "blank"}
    )

    response = client.post(
        reverse("wiki:discard_new_draft", args=[open_space.pk]), {"next": "page"}
    )

    assert response.url == open_space.url
    assert not WikiPage.objects.exists()


def test_in_a_moderated_space_a_new_page_is_submitted_and_waits(
    client_for, moderated_space, editor
):
    response = create(client_for(editor), moderated_space, "Spill kit")

    page = WikiPage.objects.get()
    assert response.url == moderated_space.url
    assert not page.live
    assert page.workflow_in_progress


def test_a_german_reader_is_offered_german_templates(client_for, open_space, editor):
    profile = Profile.for_user(editor)
    profile.preferred_language = "de"
    profile.save()
    client = client_for(editor)

    chooser = client.get(reverse("wiki:new", args=[open_space.pk])).content.decode()
    editor_page = client.get(
        reverse("wiki:new", args=[open_space.pk]), {"title": "Runde", "template": "meeting-notes"}
    )

    assert "Besprechungsnotizen" in chooser and "Entscheidungsprotokoll" in chooser
    assert "Tagesordnung" in editor_page.context["form"]["body"].value()
    create(client, open_space, "Runde", editor_page.context["form"]["body"].value())
    assert WikiPage.objects.get().language == "de"


def test_the_templates_follow_the_language_they_are_asked_in():
    from wiki.models import page_templates

    with translation.override("en"):
        english = page_templates()["meeting-notes"]
        assert (str(english.label), "Agenda" in english.body) == ("Meeting notes", True)
    with translation.override("de"):
        german = page_templates()["meeting-notes"]
        assert str(german.label) == "Besprechungsnotizen"
    assert german.body != english.body


def test_an_empty_space_offers_to_write_its_first_wiki_page(client_for, open_space, editor, reader):
    first = reverse("wiki:new", args=[open_space.pk])

    for_editor = client_for(editor).get(open_space.url).content.decode()
    for_reader = client_for(reader).get(open_space.url).content.decode()

    assert "Write the first wiki page" in for_editor and f'href="{first}"' in for_editor
    assert "Write the first wiki page" not in for_reader
