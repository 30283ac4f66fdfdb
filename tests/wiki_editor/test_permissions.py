"""Who may open the wiki editor, start a page, and keep drafts: anonymous people go to the
login, outsiders get 404 for what they may not see, readers a clear 403, editors the form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from wiki.models import EditDraft, WikiPage

pytestmark = pytest.mark.django_db


def urls_of(page, space) -> dict[str, str]:
    return {
        "edit": reverse("wiki:edit", args=[page.pk]),
        "new": reverse("wiki:new", args=[space.pk]),
        "new_below": reverse("wiki:new", args=[page.pk]),
        "autosave": reverse("wiki:autosave", args=[page.pk]),
        "autosave_new": reverse("wiki:autosave_new", args=[space.pk]),
        "discard": reverse("wiki:discard_draft", args=[page.pk]),
        "discard_new": reverse("wiki:discard_new_draft", args=[space.pk]),
    }


@pytest.mark.parametrize("name", ["edit", "new", "new_below"])
def test_anonymous_people_are_sent_to_the_login_from_the_editor(open_page, open_space, name):
    response = Client().get(urls_of(open_page, open_space)[name])

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("name", ["autosave", "autosave_new", "discard", "discard_new"])
def test_anonymous_people_cannot_keep_or_discard_drafts(open_page, open_space, name):
    response = Client().post(urls_of(open_page, open_space)[name], {"title": "x", "body": "y"})

    assert response.status_code == 302
    assert not EditDraft.objects.exists()


@pytest.mark.parametrize("name", ["edit", "new", "new_below"])
def test_outsiders_get_404_from_the_editor_of_members_only_spaces(
    client_for, private_page, private_space, outsider, name
):
    response = client_for(outsider).get(urls_of(private_page, private_space)[name])

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["edit", "new_below"])
def test_outsiders_posting_to_members_only_pages_get_404_and_change_nothing(
    client_for, private_page, private_space, outsider, name
):
    before = private_page.revisions.count()

    response = client_for(outsider).post(
        urls_of(private_page, private_space)[name],
        {"title": "Hacked", "body": "<p>Hacked</p>", "base_revision": ""},
    )

    assert response.status_code == 404
    assert private_page.revisions.count() == before
    assert not WikiPage.objects.filter(title="Hacked").exists()


@pytest.mark.parametrize("name", ["autosave", "autosave_new", "discard", "discard_new"])
def test_outsiders_get_404_for_drafts_in_members_only_spaces(
    client_for, private_page, private_space, outsider, name
):
    response = client_for(outsider).post(
        urls_of(private_page, private_space)[name], {"title": "x", "body": "y"}
    )

    assert response.status_code == 404
    assert not EditDraft.objects.exists()


def test_readers_get_a_clear_403_without_a_form_from_the_editor(client_for, open_page, reader):
    response = client_for(reader).get(reverse("wiki:edit", args=[open_page.pk]))

    html = response.content.decode()
    assert response.status_code == 403
    assert "Only editors of this space can edit its wiki pages." in html
    assert 'name="body"' not in html


def test_readers_cannot_publish_by_posting_to_the_editor(client_for, open_page, reader):
    before = open_page.revisions.count()

    response = client_for(reader).post(
        reverse("wiki:edit", args=[open_page.pk]),
        {"title": "Mine", "body": "<p>Mine</p>", "base_revision": open_page.latest_revision_id},
    )

    assert response.status_code == 403
    assert open_page.revisions.count() == before


def test_readers_cannot_start_pages(client_for, open_space, reader):
    response = client_for(reader).post(
        reverse("wiki:new", args=[open_space.pk]), {"title": "Mine", "body": "<p>Mine</p>"}
    )

    assert response.status_code == 403
    assert b"Only editors of this space can add wiki pages." in response.content
    assert not WikiPage.objects.exists()


@pytest.mark.parametrize("name", ["autosave", "autosave_new"])
def test_readers_cannot_keep_drafts(client_for, open_page, open_space, reader, name):
    response = client_for(reader).post(
        urls_of(open_page, open_space)[name], {"title": "x", "body": "y"}
    )

    assert response.status_code == 403
    assert response.json()["error"]
    assert not EditDraft.objects.exists()


@pytest.mark.parametrize("name", ["discard", "discard_new"])
def test_readers_get_403_from_discarding_drafts(client_for, open_page, open_space, reader, name):
    assert client_for(reader).post(urls_of(open_page, open_space)[name]).status_code == 403


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("edit", "put"),
        ("new", "delete"),
        ("autosave", "get"),
        ("autosave_new", "get"),
        ("discard", "get"),
        ("discard_new", "get"),
    ],
)
def test_wrong_methods_get_405(client_for, open_page, open_space, editor, name, method):
    response = getattr(client_for(editor), method)(urls_of(open_page, open_space)[name])

    assert response.status_code == 405


@pytest.mark.parametrize("name", ["edit", "new", "new_below"])
def test_editors_get_the_editor(client_for, open_page, open_space, editor, name):
    response = client_for(editor).get(urls_of(open_page, open_space)[name])

    assert response.status_code == 200
    assert "/admin/" not in response.content.decode()


def test_the_editor_of_a_page_that_is_not_a_wiki_page_is_404(client_for, open_space, editor):
    assert client_for(editor).get(reverse("wiki:edit", args=[open_space.pk])).status_code == 404
