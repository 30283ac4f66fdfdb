"""Editing in the intranet's editor (the Edit button, new pages from templates, oversized
bodies) and in Wagtail's editor, which site admins keep (concurrent publishes)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from tests.factories import UserFactory
from tests.wiki_editor.conftest import edit_form as in_place_form
from wiki.models import WikiPage


def editor_form(page, body: str, summary: str, *, publish: bool = True, **extra) -> dict:
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "body": rich_text(body),
            "tags": "",
            "language": page.language,
            "edit_summary": summary,
            "comments": inline_formset([]),
        }
    )
    if publish:
        data["action-publish"] = "action-publish"
    data.update(extra)
    return data


def loaded_from(page) -> dict:
    """What the editor form carries about the revision it was opened on."""
    revision = page.latest_revision
    return {
        "loaded_revision_id": str(revision.pk),
        "loaded_revision_created_at": revision.created_at.isoformat(),
    }


@pytest.fixture
def second_admin(db):
    return UserFactory(username="secondadmin", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_editors_publish_in_the_intranets_editor_with_an_edit_summary(
    client_for, open_page, editor
):
    response = client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]),
        in_place_form(open_page, "<p>Clean on Mondays.</p>", summary="Monday now"),
    )

    assert response.status_code == 302
    open_page.refresh_from_db()
    assert "Clean on Mondays." in open_page.body
    assert open_page.live_revision.content["edit_summary"] == "Monday now"


@pytest.mark.django_db
def test_the_second_of_two_concurrent_publishes_is_kept_as_a_draft_with_a_message(
    client_for, open_page, site_admin, second_admin
):
    opened = loaded_from(open_page)  # both open the editor on the same revision
    url = reverse("wagtailadmin_pages:edit", args=[open_page.pk])

    first = client_for(site_admin).post(
        url, editor_form(open_page, "<p>Editor text</p>", "first", **opened)
    )
    second_client = client_for(second_admin)
    second = second_client.post(
        url, editor_form(open_page, "<p>Moderator text</p>", "second", **opened)
    )

    assert first.status_code == second.status_code == 302
    open_page.refresh_from_db()
    assert "Editor text" in open_page.body
    draft = open_page.latest_revision
    assert draft.pk != open_page.live_revision_id
    assert draft.user == second_admin
    assert "Moderator text" in draft.content["body"]
    page = second_client.get(url)
    assert "Someone else changed this page" in page.content.decode()


@pytest.mark.django_db
def test_a_publish_from_the_latest_revision_goes_through(
    client_for, open_page, site_admin, second_admin
):
    url = reverse("wagtailadmin_pages:edit", args=[open_page.pk])
    client_for(site_admin).post(
        url, editor_form(open_page, "<p>One</p>", "1", **loaded_from(open_page))
    )
    open_page.refresh_from_db()

    client_for(second_admin).post(
        url, editor_form(open_page, "<p>Two</p>", "2", **loaded_from(open_page))
    )

    open_page.refresh_from_db()
    assert "Two" in open_page.body


@pytest.mark.django_db
def test_a_10_mb_body_is_refused_with_a_form_error(client_for, open_page, editor):
    huge = "<p>" + "quokka " * (10 * 1024 * 1024 // 7) + "</p>"

    response = client_for(editor).post(
        reverse("wiki:edit", args=[open_page.pk]), in_place_form(open_page, huge, summary="huge")
    )

    assert response.status_code in (200, 400)
    open_page.refresh_from_db()
    assert open_page.body == "<p>Clean the fridge on Fridays.</p>"
    if response.status_code == 200:
        assert "too long" in response.content.decode()


@pytest.mark.django_db
def test_the_edit_button_opens_the_intranets_editor(client_for, open_page, editor):
    response = client_for(editor).get(reverse("wiki:edit", args=[open_page.pk]))

    assert response.status_code == 200
    assert 'name="body"' in response.content.decode()
    assert "/admin/" not in response.content.decode()


@pytest.mark.django_db
def test_readers_who_try_to_edit_get_a_403_with_a_message_and_no_form(
    client_for, open_page, reader
):
    response = client_for(reader).get(reverse("wiki:edit", args=[open_page.pk]))

    assert response.status_code == 403
    assert b"Only editors of this space" in response.content
    assert b"<textarea" not in response.content and b'name="body"' not in response.content


@pytest.mark.django_db
def test_outsiders_get_404_from_edit_of_members_only_pages(client_for, private_page, outsider):
    assert client_for(outsider).get(reverse("wiki:edit", args=[private_page.pk])).status_code == 404


@pytest.mark.django_db
def test_edit_refuses_put(client_for, open_page, editor):
    assert client_for(editor).put(reverse("wiki:edit", args=[open_page.pk])).status_code == 405


@pytest.mark.django_db
def test_editors_start_a_page_from_the_meeting_notes_template(client_for, open_space, editor):
    client = client_for(editor)
    url = reverse("wiki:new", args=[open_space.pk])
    title = "Team meeting 3 May"
    opened = client.get(url, {"title": title, "template": "meeting-notes"})
    assert not WikiPage.objects.exists()

    body = opened.context["form"]["body"].value()
    response = client.post(url, {"title": title, "body": body, "edit_summary": ""})

    page = WikiPage.objects.get(title=title)
    assert response.status_code == 302
    assert response.url == page.url
    assert page.live is True
    assert "Agenda" in page.body
    assert page.get_parent().pk == open_space.pk
    assert page.space_id == open_space.pk


@pytest.mark.django_db
def test_the_new_page_form_offers_the_templates_and_prefills_a_missing_title(
    client_for, open_page, editor
):
    response = client_for(editor).get(reverse("wiki:new", args=[open_page.pk]) + "?title=Tea+room")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Tea room"' in html
    assert "Meeting notes" in html and "How-to" in html


@pytest.mark.django_db
def test_a_new_page_without_title_gets_a_form_error(client_for, open_space, editor):
    response = client_for(editor).post(
        reverse("wiki:new", args=[open_space.pk]), {"title": " ", "template": "how-to"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not WikiPage.objects.exists()


@pytest.mark.django_db
def test_readers_cannot_add_pages_and_get_a_403_without_a_form(client_for, open_space, reader):
    response = client_for(reader).post(
        reverse("wiki:new", args=[open_space.pk]), {"title": "Mine", "template": "blank"}
    )

    assert response.status_code == 403
    assert b'name="title"' not in response.content
    assert not WikiPage.objects.exists()


@pytest.mark.django_db
def test_outsiders_get_404_when_adding_pages_to_members_only_spaces(
    client_for, private_space, outsider
):
    assert client_for(outsider).get(reverse("wiki:new", args=[private_space.pk])).status_code == 404


@pytest.mark.django_db
def test_new_page_refuses_put(client_for, open_space, editor):
    assert client_for(editor).put(reverse("wiki:new", args=[open_space.pk])).status_code == 405


@pytest.mark.django_db
def test_space_recent_changes_list_edits_and_new_pages(
    client_for, open_space, open_page, reader, moderator
):
    from tests.wiki.conftest import edit

    edit(open_page, moderator, "<p>Changed</p>", "Tidied up")

    response = client_for(reader).get(reverse("wiki:space_changes", args=[open_space.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tidied up" in html and "new page" in html
    assert [c.is_new_page for c in response.context["changes"]] == [False, True]


@pytest.mark.django_db
def test_outsiders_get_404_for_recent_changes_of_members_only_spaces(
    client_for, private_space, private_page, outsider
):
    assert (
        client_for(outsider)
        .get(reverse("wiki:space_changes", args=[private_space.slug]))
        .status_code
        == 404
    )


@pytest.mark.django_db
def test_recent_changes_refuse_post(client_for, open_space, reader):
    assert (
        client_for(reader).post(reverse("wiki:space_changes", args=[open_space.slug])).status_code
        == 405
    )
