"""GET /search/-/pages.json?q=: the pages the editor's "link a page" picker offers, only
those the reader may open, titles starting with what was typed first."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.compose.helpers import PAGES
from tests.factories import make_blog_post, make_wiki_page

pytestmark = pytest.mark.django_db


def found(client, q: str) -> list[dict]:
    response = client.get(PAGES, {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_anonymous_people_are_sent_to_log_in(site_tree):
    response = Client().get(PAGES, {"q": "kitchen"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_picker_answers_get_and_head_only(client_for, employee, site_tree):
    client = client_for(employee)
    assert client.post(PAGES, {"q": "x"}).status_code == 405
    assert client.head(PAGES, {"q": "x"}).status_code == 200


def test_a_page_is_found_by_the_start_of_its_title_with_its_space(
    client_for, reader, editor, open_space, open_post
):
    rules = make_wiki_page(open_space, "Kitchen rules", author=editor)
    results = found(client_for(reader), "kitch")
    assert results[0] == {
        "id": rules.pk,
        "title": "Kitchen rules",
        "url": rules.url,
        "context": "Open Kitchen",
    }
    assert found(client_for(reader), "soup")[0]["id"] == open_post.pk


def test_titles_starting_with_the_words_come_before_other_matches(
    client_for, reader, editor, open_space
):
    make_wiki_page(open_space, "Why we love the kitchen", "<p>Food.</p>", author=editor)
    make_wiki_page(open_space, "Kitchen rules", "<p>Clean up.</p>", author=editor)
    titles = [r["title"] for r in found(client_for(reader), "kitchen")]
    assert titles[0] == "Kitchen rules"
    assert "Why we love the kitchen" in titles


def test_members_only_pages_are_offered_to_members_only(
    client_for, reader, outsider, editor, private_space, private_post
):
    make_wiki_page(private_space, "Quokka roadmap", author=editor)
    titles = [r["title"] for r in found(client_for(reader), "quokka")]
    # The titles first, then the space whose description speaks of quokkas.
    assert titles == ["Quokka acquisition", "Quokka roadmap", "Zanzibar Secret"]
    assert found(client_for(outsider), "quokka") == []


def test_drafts_are_never_offered(client_for, editor, open_space):
    from wiki.models import WikiPage

    draft = WikiPage(title="Unfinished plan", body="<p>x</p>", owner=editor, live=False)
    open_space.add_child(instance=draft)
    assert found(client_for(editor), "unfinished") == []


def test_at_most_ten_pages_are_offered(client_for, reader, editor, open_blog):
    for number in range(12):
        make_blog_post(open_blog, f"Menu {number:02d}", author=editor)
    assert len(found(client_for(reader), "menu")) == 10


def test_an_empty_query_finds_nothing(client_for, reader, open_post):
    assert found(client_for(reader), "  ") == []
