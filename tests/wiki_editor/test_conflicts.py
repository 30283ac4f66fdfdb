"""Two people edit one page at once: the second save merges changes to different blocks
and keeps both; where both changed the same block nothing is lost: the editor opens again
with both versions marked and the other person's change as a diff, and the next save goes
through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.wiki_editor.conftest import edit_form
from wiki.models import EditDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(open_page):
    """The revision both people opened the editor on."""
    return open_page.latest_revision


def save(client, page, body: str, *, base, title=None, summary=""):
    return client.post(
        reverse("wiki:edit", args=[page.pk]),
        edit_form(page, body, base=base, title=title, summary=summary),
        follow=True,
    )


def test_changes_to_different_blocks_are_merged_and_the_page_keeps_both(
    client_for, open_page, opened, editor, moderator
):
    save(
        client_for(editor),
        open_page,
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=opened,
    )

    response = save(
        client_for(moderator),
        open_page,
        "<p>Clean the fridge on Fridays.</p><p>Label your food.</p><p>Wipe the hob daily.</p>",
        base=opened,
        summary="hob",
    )

    open_page.refresh_from_db()
    assert open_page.body == (
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob daily.</p>"
    )
    assert response.redirect_chain[-1][0] == open_page.url
    assert "merged with Eddie Tor’s change" in response.content.decode()
    assert open_page.live_revision.user == moderator


def test_changes_to_neighbouring_blocks_are_merged_too(
    client_for, open_page, opened, editor, moderator
):
    save(
        client_for(editor),
        open_page,
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=opened,
    )

    save(
        client_for(moderator),
        open_page,
        "<p>Clean the fridge on Fridays.</p><p>Label your food with a date.</p>"
        "<p>Wipe the hob.</p><p>Water the basil.</p>",
        base=opened,
    )

    open_page.refresh_from_db()
    assert open_page.body == (
        "<p>Clean the fridge on Mondays.</p><p>Label your food with a date.</p>"
        "<p>Wipe the hob.</p><p>Water the basil.</p>"
    )


def test_changes_to_the_same_block_lose_nothing_and_the_second_save_succeeds(
    client_for, open_page, opened, editor, moderator
):
    save(
        client_for(editor),
        open_page,
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=opened,
    )
    published = open_page.revisions.count()
    client = client_for(moderator)

    response = save(
        client,
        open_page,
        "<p>Clean the fridge every day.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=opened,
        summary="daily",
    )

    html = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert open_page.revisions.count() == published  # nothing saved
    assert "Eddie Tor changed this page while you were editing" in html
    assert "<del>Fridays</del>" in html and "<ins>Mondays</ins>" in html
    body = form["body"].value()
    assert "Clean the fridge every day." in body and "Clean the fridge on Mondays." in body
    assert body.count("<p><b>⚠") == 3
    assert form["edit_summary"].value() == "daily"
    new_base = open_page.revisions.order_by("-pk").first()
    assert form["base_revision"].value() == new_base.pk
    # Even if the browser closed now, the marked text is kept as the private draft.
    assert "every day" in EditDraft.objects.get(user=moderator, page=open_page).body

    resolved = save(
        client,
        open_page,
        "<p>Clean the fridge every Monday.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=new_base,
        summary="daily",
    )

    open_page.refresh_from_db()
    assert resolved.redirect_chain[-1][0] == open_page.url
    assert open_page.body.startswith("<p>Clean the fridge every Monday.</p>")
    assert not EditDraft.objects.filter(user=moderator).exists()


def test_a_title_both_changed_keeps_mine_and_shows_theirs(
    client_for, open_page, opened, editor, moderator
):
    save(client_for(editor), open_page, open_page.body, base=opened, title="Fridge rules")

    response = save(
        client_for(moderator), open_page, open_page.body, base=opened, title="Kitchen manners"
    )

    html = response.content.decode()
    assert response.context["form"]["title"].value() == "Kitchen manners"
    assert "Theirs is “Fridge rules”" in html
    open_page.refresh_from_db()
    assert open_page.title == "Fridge rules"


def test_a_title_only_they_changed_is_kept_with_my_body(
    client_for, open_page, opened, editor, moderator
):
    save(client_for(editor), open_page, open_page.body, base=opened, title="Fridge rules")

    save(client_for(moderator), open_page, "<p>Only the fridge.</p>", base=opened)

    open_page.refresh_from_db()
    assert open_page.title == "Fridge rules"
    assert "Only the fridge." in open_page.body


def test_an_autosaved_draft_opened_later_merges_with_what_was_published_meanwhile(
    client_for, open_page, opened, editor, moderator
):
    client = client_for(moderator)
    client.post(
        reverse("wiki:autosave", args=[open_page.pk]),
        edit_form(
            open_page,
            "<p>Clean the fridge on Fridays.</p><p>Label your food.</p><p>Wipe the hob well.</p>",
            base=opened,
        ),
    )
    save(
        client_for(editor),
        open_page,
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob.</p>",
        base=opened,
    )

    restored = client.get(reverse("wiki:edit", args=[open_page.pk]) + "?draft=restore")
    form = restored.context["form"]
    save(client, open_page, form["body"].value(), base=opened)

    open_page.refresh_from_db()
    assert open_page.body == (
        "<p>Clean the fridge on Mondays.</p><p>Label your food.</p><p>Wipe the hob well.</p>"
    )
