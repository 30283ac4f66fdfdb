"""History, diffs and restore on the site, for readers and editors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_wiki_page
from tests.wiki.conftest import edit


def history_url(page):
    return reverse("wiki:history", args=[page.pk])


def diff_url(page, a, b):
    return reverse("wiki:diff", args=[page.pk]) + f"?a={a.pk}&b={b.pk}"


@pytest.mark.django_db
def test_readers_see_every_revision_with_author_and_summary(
    client_for, open_page, reader, moderator
):
    edit(open_page, moderator, "<p>Clean the fridge on Mondays.</p>", "Moved cleaning day")

    response = client_for(reader).get(history_url(open_page))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Moved cleaning day" in html
    assert "Mo Derator" in html and "Eddie Tor" in html
    assert len(response.context["revisions"]) == 2


@pytest.mark.django_db
def test_colleagues_outside_the_space_can_read_history_of_open_spaces(
    client_for, open_page, employee
):
    assert client_for(employee).get(history_url(open_page)).status_code == 200


@pytest.mark.django_db
def test_outsiders_get_404_for_history_of_members_only_pages(client_for, private_page, outsider):
    assert client_for(outsider).get(history_url(private_page)).status_code == 404


@pytest.mark.django_db
def test_outsiders_get_404_for_diffs_of_members_only_pages(
    client_for, private_page, outsider, editor
):
    first = private_page.latest_revision
    second = edit(private_page, editor, "<p>More plans.</p>")

    response = client_for(outsider).get(diff_url(private_page, first, second))

    assert response.status_code == 404
    assert b"plans" not in response.content


@pytest.mark.django_db
def test_history_and_diff_refuse_post(client_for, open_page, reader):
    client = client_for(reader)
    revision = open_page.latest_revision
    assert client.post(history_url(open_page)).status_code == 405
    assert client.post(diff_url(open_page, revision, revision)).status_code == 405


@pytest.mark.django_db
def test_the_diff_marks_added_and_removed_words_block_by_block(
    client_for, open_page, reader, moderator
):
    first = open_page.latest_revision
    second = edit(
        open_page,
        moderator,
        "<p>Clean the fridge on Mondays.</p><h2>Coffee</h2>",
        "Monday and coffee",
    )

    response = client_for(reader).get(diff_url(open_page, first, second))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>Fridays</del>" in html
    assert "<ins>Mondays</ins>" in html
    assert "<ins>Coffee</ins>" in html
    assert [row.kind for row in response.context["rows"]] == ["changed", "added"]


@pytest.mark.django_db
def test_the_diff_escapes_author_html_instead_of_injecting_it(
    client_for, open_page, reader, editor
):
    first = open_page.latest_revision
    second = edit(open_page, editor, "<p>Use &lt;script&gt;alert(1)&lt;/script&gt; never</p>")

    html = client_for(reader).get(diff_url(open_page, first, second)).content.decode()

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.django_db
def test_a_diff_between_revisions_of_different_pages_is_404(
    client_for, open_space, open_page, editor
):
    other = make_wiki_page(open_space, "Other page", author=editor)

    response = client_for(editor).get(
        diff_url(open_page, open_page.latest_revision, other.latest_revision)
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_diff_with_nonsense_revision_numbers_is_a_400(client_for, open_page, reader):
    url = reverse("wiki:diff", args=[open_page.pk]) + "?a=x&b=y"

    assert client_for(reader).get(url).status_code == 400


@pytest.mark.django_db
def test_editors_restore_an_old_revision_as_a_new_published_revision(client_for, open_page, editor):
    first = open_page.latest_revision
    edit(open_page, editor, "<p>Vandalised</p>", "oops")

    response = client_for(editor).post(reverse("wiki:restore", args=[open_page.pk, first.pk]))

    assert response.status_code == 302
    open_page.refresh_from_db()
    assert open_page.body == "<p>Clean the fridge on Fridays.</p>"
    assert open_page.revisions.count() == 3
    assert open_page.live_revision_id == open_page.latest_revision_id != first.pk
    assert open_page.live_revision.user == editor
    assert "Restored" in open_page.live_revision.content["edit_summary"]


@pytest.mark.django_db
def test_readers_cannot_restore_and_get_a_403_with_a_message(client_for, open_page, reader, editor):
    first = open_page.latest_revision
    edit(open_page, editor, "<p>New</p>")

    response = client_for(reader).post(reverse("wiki:restore", args=[open_page.pk, first.pk]))

    assert response.status_code == 403
    assert b"Only editors" in response.content
    assert b'<form method="post" action="/wiki' not in response.content
    open_page.refresh_from_db()
    assert open_page.body == "<p>New</p>"


@pytest.mark.django_db
def test_restoring_a_revision_of_another_page_is_404(client_for, open_space, open_page, editor):
    other = make_wiki_page(open_space, "Other page", "<p>Other</p>", author=editor)

    response = client_for(editor).post(
        reverse("wiki:restore", args=[open_page.pk, other.latest_revision.pk])
    )

    assert response.status_code == 404
    open_page.refresh_from_db()
    assert open_page.body == "<p>Clean the fridge on Fridays.</p>"


@pytest.mark.django_db
def test_restore_refuses_get(client_for, open_page, editor):
    url = reverse("wiki:restore", args=[open_page.pk, open_page.latest_revision.pk])

    assert client_for(editor).get(url).status_code == 405


@pytest.mark.django_db
def test_outsiders_get_404_when_restoring_in_members_only_spaces(
    client_for, private_page, outsider
):
    url = reverse("wiki:restore", args=[private_page.pk, private_page.latest_revision.pk])

    assert client_for(outsider).post(url).status_code == 404


@pytest.mark.parametrize("name", ["history", "diff"])
@pytest.mark.django_db
def test_history_and_diff_cost_the_same_queries_at_5_and_500_revisions(
    name, client_for, open_page, reader, editor, django_assert_num_queries
):
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Revision

    def add_revisions(n):
        base = open_page.latest_revision
        Revision.objects.bulk_create(
            [
                Revision(
                    content_type_id=base.content_type_id,
                    base_content_type_id=base.base_content_type_id,
                    object_id=base.object_id,
                    user=editor,
                    created_at=timezone.now() + timedelta(seconds=i + 1),
                    object_str=base.object_str,
                    content={
                        **base.content,
                        "body": f"<p>Version {i}</p>",
                        "edit_summary": f"v{i}",
                    },
                )
                for i in range(n)
            ]
        )

    client = client_for(reader)

    def fetch():
        newest, older = open_page.revisions.order_by("-pk")[:2]
        url = history_url(open_page) if name == "history" else diff_url(open_page, older, newest)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add_revisions(4)
    fetch()  # warm per-process caches (content types, site root paths)
    few = fetch()
    add_revisions(495)
    many = fetch()

    assert open_page.revisions.count() == 500
    assert many == few
