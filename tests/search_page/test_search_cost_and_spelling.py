"""The search page's cost does not grow with the hits, and "did you mean" comes from the
index's own words through the backend's corrector, never from what the reader cannot open."""

from __future__ import annotations

import pytest

from search.query import search_content
from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def _pages(space, author, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        make_wiki_page(
            space,
            f"Espresso guide {n}",
            f"<p>How the espresso machine number {n} is cleaned.</p>",
            author=author,
        )


def _page_queries(client, django_assert_max_num_queries, limit: int) -> int:
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(SEARCH, {"q": "espresso"})
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_search_page_costs_the_same_queries_for_3_and_25_hits(
    client_for, reader, editor, open_space, private_space, django_assert_max_num_queries
):
    client = client_for(reader)
    _pages(open_space, editor, 2)
    _pages(private_space, editor, 1, start=2)
    small = _page_queries(client, django_assert_max_num_queries, 30)
    assert search_content(reader, "espresso").total == 3

    _pages(open_space, editor, 12, start=3)
    _pages(private_space, editor, 10, start=15)
    large = _page_queries(client, django_assert_max_num_queries, 30)
    assert search_content(reader, "espresso").total == 25
    # Twenty hits shown on the page, yet not one query more than for three.
    assert large <= small


def test_facets_on_and_off_cost_a_fixed_number_of_queries(
    reader, editor, open_space, django_assert_max_num_queries
):
    _pages(open_space, editor, 6)
    with django_assert_max_num_queries(14):
        results = search_content(reader, "espresso", facets=True)
    assert results.total == 6
    assert sum(value.count for value in results.facets["date"]) == 6
    with django_assert_max_num_queries(9):
        assert search_content(reader, "espresso", facets=False).facets == {}


def test_a_later_page_of_hits_shows_the_rest(reader, editor, open_space):
    _pages(open_space, editor, 7)
    first = search_content(reader, "espresso", per_page=5)
    second = search_content(reader, "espresso", per_page=5, page=2)
    assert (first.total, second.total) == (7, 7)
    assert len(first.hits) == 5 and len(second.hits) == 2
    assert {hit.title for hit in first.hits}.isdisjoint({hit.title for hit in second.hits})
    # Past the end: the last page, as Django's paginator does.
    assert [h.title for h in search_content(reader, "espresso", per_page=5, page=9).hits] == [
        h.title for h in second.hits
    ]


def test_did_you_mean_corrects_a_word_found_only_in_page_bodies(reader, editor, open_space):
    # The word is in no title: the corrector reads the index's words, not the titles.
    make_wiki_page(open_space, "Kitchen rules", "<p>Descale the percolator weekly.</p>")
    results = search_content(reader, "percolatr", spelling="suggest")
    assert results.total == 0
    assert results.did_you_mean == "percolator"


def test_did_you_mean_corrects_each_misspelled_word_and_keeps_the_rest(reader, open_space):
    make_wiki_page(open_space, "Kitchen rules", "<p>Descale the percolator weekly.</p>")
    # "weekly" finds the page, "percolatr" nothing: correcting it can only find more.
    assert search_content(reader, "percolatr weekly", spelling="suggest").did_you_mean == (
        "percolator weekly"
    )
    assert search_content(reader, "percolatr kitchn", spelling="suggest").did_you_mean == (
        "percolator kitchen"
    )


def test_did_you_mean_skips_a_closer_private_word_for_a_visible_one(
    outsider, reader, editor, open_space, private_space
):
    # "quoka" is one edit from the private "quokka" and one from the open "quota".
    for n in range(3):
        make_wiki_page(private_space, f"Merger {n}", "<p>The quokka merger.</p>", author=editor)
    make_wiki_page(open_space, "Budget", "<p>The travel quota.</p>", author=editor)
    assert search_content(outsider, "quoka", spelling="suggest").did_you_mean == "quota"
    assert search_content(reader, "quoka", spelling="suggest").did_you_mean in {"quokka", "quota"}


def test_did_you_mean_never_offers_a_word_from_a_hidden_page_even_through_filters(
    outsider, editor, open_space, private_space
):
    make_wiki_page(private_space, "Merger", "<p>The quokka merger.</p>", author=editor)
    make_wiki_page(open_space, "Zoo", "<p>A quokka visit.</p>", author=editor)
    # The open page is by the editor; filtered to another author, no page holds "quokka".
    results = search_content(outsider, "quoka", author=outsider.username)
    assert (results.query, results.did_you_mean) == ("quoka", "")
    assert search_content(outsider, "quoka", spelling="suggest").did_you_mean == "quokka"


def test_did_you_mean_is_empty_on_a_backend_without_a_corrector(reader, open_space, settings):
    make_wiki_page(open_space, "Kitchen rules", "<p>Descale the percolator weekly.</p>")
    database = {"default": {"BACKEND": "wagtail.search.backends.database"}}
    settings.WAGTAILSEARCH_BACKENDS = database
    settings.MODELSEARCH_BACKENDS = database
    results = search_content(reader, "percolatr")
    assert (results.query, results.total) == ("percolatr", 0)
    assert (results.did_you_mean, results.corrected_from) == ("", "")
