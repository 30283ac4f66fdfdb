"""The `recent_changes` contract that the home dashboard and the feeds build on."""

from __future__ import annotations

import pytest

from tests.factories import make_wiki_page
from wiki.models import WikiChange, recent_changes


def edit(page, author, body: str, summary: str):
    page.body = body
    page.edit_summary = summary
    page.save_revision(user=author, log_action=True).publish(
        user=author, skip_permission_checks=True
    )


@pytest.mark.django_db
def test_it_lists_edits_and_new_pages_newest_first_with_summary_and_author(
    open_space, editor, reader
):
    page = make_wiki_page(open_space, "Coffee machine", author=editor)
    edit(page, reader, "<p>Descale monthly</p>", "Added descaling")

    changes = recent_changes(reader, space=open_space)

    assert [type(change) for change in changes] == [WikiChange, WikiChange]
    newest, first = changes
    assert newest.summary == "Added descaling"
    assert newest.author == reader
    assert newest.is_new_page is False
    assert newest.page.title == "Coffee machine"
    assert f"b={newest.revision.pk}" in newest.diff_url and "a=" in newest.diff_url
    assert first.is_new_page is True
    assert first.author == editor
    assert newest.created_at >= first.created_at


@pytest.mark.django_db
def test_outsiders_get_no_changes_of_members_only_spaces(
    private_space, open_space, editor, outsider
):
    make_wiki_page(private_space, "Quokka roadmap", author=editor)
    make_wiki_page(open_space, "Lunch menu", author=editor)

    titles = [change.page.title for change in recent_changes(outsider)]

    assert titles == ["Lunch menu"]


@pytest.mark.django_db
def test_members_get_changes_of_their_members_only_space(private_space, editor, reader):
    make_wiki_page(private_space, "Quokka roadmap", author=editor)

    assert [c.page.title for c in recent_changes(reader, space=private_space)] == ["Quokka roadmap"]


@pytest.mark.django_db
def test_it_can_narrow_to_one_page(open_space, editor):
    page = make_wiki_page(open_space, "One", author=editor)
    make_wiki_page(open_space, "Two", author=editor)

    assert {c.page.pk for c in recent_changes(editor, page=page)} == {page.pk}


@pytest.mark.django_db
def test_it_costs_the_same_queries_for_many_changes(
    open_space, editor, reader, django_assert_max_num_queries
):
    page = make_wiki_page(open_space, "Busy page", author=editor)
    for i in range(3):
        edit(page, reader, f"<p>v{i}</p>", f"edit {i}")
    recent_changes(reader)  # warm caches (content types, sites)
    with django_assert_max_num_queries(3) as few:
        recent_changes(reader)
    for i in range(30):
        edit(page, editor, f"<p>w{i}</p>", f"more {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(recent_changes(reader, limit=20)) == 20
