from __future__ import annotations

import pytest

from search.query import search_content, suggest

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def test_a_member_finds_pages_in_their_private_space(client_for, reader, open_wiki, private_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quarterly"})
    assert response.status_code == 200
    assert b"Kitchen quarterly report" in response.content
    assert b"Quokka quarterly report" in response.content


def test_an_outsider_never_sees_private_titles_in_results(
    client_for, outsider, open_wiki, private_wiki
):
    response = client_for(outsider).get(SEARCH, {"q": "quarterly"})
    assert response.status_code == 200
    assert b"Kitchen quarterly report" in response.content
    assert b"Quokka" not in response.content
    assert b"Zanzibar" not in response.content


def test_an_outsider_gets_counts_and_facets_without_private_pages(
    outsider, open_wiki, private_wiki
):
    results = search_content(outsider, "quarterly")
    assert results.total == 1
    spaces = {value.label for value in results.facets.get("space", [])}
    assert "Zanzibar Secret" not in spaces
    assert sum(value.count for value in results.facets.get("type", [])) <= 1 + (
        results.people_total
    )


def test_a_member_gets_counts_that_include_private_pages(reader, open_wiki, private_wiki):
    assert search_content(reader, "quarterly").total == 2


def test_a_site_admin_sees_every_space(site_admin, open_wiki, private_wiki):
    assert search_content(site_admin, "merger").total == 1


def test_an_outsider_cannot_filter_by_a_hidden_space(
    client_for, outsider, open_wiki, private_wiki, private_space
):
    response = client_for(outsider).get(SEARCH, {"q": "quarterly", "space": private_space.pk})
    assert response.status_code == 200
    assert b"Quokka" not in response.content
    assert b"Zanzibar" not in response.content


def test_the_search_page_refuses_post(client_for, reader):
    response = client_for(reader).post(SEARCH, {"q": "quarterly"})
    assert response.status_code == 405


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(SEARCH, {"q": "quarterly"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_snippets_mark_matched_words_and_escape_stored_html(client_for, reader, private_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quokka"})
    content = response.content.decode()
    assert "<mark>quokka</mark>" in content or "<mark>Quokka</mark>" in content
    assert "<b>quokka</b>" not in content


def test_a_filter_by_space_keeps_only_that_space(reader, open_wiki, private_wiki, open_space):
    results = search_content(reader, "quarterly", space=open_space.pk)
    assert [hit.title for hit in results.hits] == ["Kitchen quarterly report"]


def test_a_filter_by_type_keeps_only_that_type(reader, open_wiki, open_space):
    results = search_content(reader, "kitchen", types=["wiki.wikipage"])
    assert {hit.kind for hit in results.hits} == {"wiki.wikipage"}
    assert results.total == 1


def test_a_filter_by_author_keeps_only_their_pages(reader, editor, open_wiki, open_space):
    assert search_content(reader, "quarterly", author=editor.username).total == 1
    assert search_content(reader, "quarterly", author=reader.username).total == 0


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 2000},
        {"q": '"quarterly'},
        {"q": "quarter*"},
        {"q": "quarterly AND (report"},
        {"q": "quarterly", "type": "nonsense.model"},
        {"q": "quarterly", "space": "not-a-number"},
        {"q": "quarterly", "space": "999999"},
        {"q": "quarterly", "author": "nobody-at-all"},
        {"q": "quarterly", "department": "no-such-department"},
        {"q": "quarterly", "date": "2026-13"},
        {"q": "quarterly", "page": "99999"},
        {"q": "quarterly", "page": "-1"},
        {"q": "quarterly", "page": "abc"},
    ],
)
def test_bad_input_never_fails_the_page(client_for, reader, open_wiki, params):
    response = client_for(reader).get(SEARCH, params)
    assert response.status_code == 200


def test_a_nul_character_is_refused_with_a_message(client_for, reader, open_wiki):
    # The site refuses NUL characters in any address (intranet.middleware) with a 400.
    response = client_for(reader).get(SEARCH, {"q": "\x00quarterly"})
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_unknown_filter_values_are_ignored(reader, open_wiki):
    results = search_content(reader, "quarterly", types=["nonsense.model"], space="abc")
    assert results.total == 1
    assert results.filters == {}


def test_a_page_number_past_the_end_shows_the_last_page(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quarterly", "page": "50"})
    assert response.context["page_obj"].number == 1
    assert b"Kitchen quarterly report" in response.content


def test_a_very_long_query_is_cut_short(reader, open_wiki):
    results = search_content(reader, "quarterly " + "y" * 2000)
    assert len(results.query) <= 200


def test_an_empty_query_shows_the_start_state(client_for, reader):
    response = client_for(reader).get(SEARCH)
    assert response.status_code == 200
    assert response.context["results"].total == 0
    assert b"Type a few words" in response.content


def test_the_page_links_the_search_feed(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quarterly"})
    assert b"Subscribe to this search" in response.content
    assert b'rel="alternate" type="application/rss+xml"' in response.content


# --- suggestions ---------------------------------------------------------------------------


def test_suggestions_return_titles_a_member_may_open(client_for, reader, private_wiki):
    response = client_for(reader).get(SEARCH + "suggest/", {"q": "quok"})
    assert response.status_code == 200
    titles = [s["title"] for s in response.json()["suggestions"]]
    assert "Quokka quarterly report" in titles
    assert all({"title", "url", "type"} <= set(s) for s in response.json()["suggestions"])


def test_suggestions_never_show_an_outsider_private_titles(client_for, outsider, private_wiki):
    response = client_for(outsider).get(SEARCH + "suggest/", {"q": "quok"})
    assert response.status_code == 200
    assert b"Quokka" not in response.content


def test_suggestions_refuse_post(client_for, reader):
    assert client_for(reader).post(SEARCH + "suggest/", {"q": "quok"}).status_code == 405


def test_suggestions_for_one_letter_are_empty(reader, private_wiki):
    assert suggest(reader, "q") == []


# --- did you mean --------------------------------------------------------------------------


def test_a_misspelled_word_offers_the_right_one(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quartely", "exact": "1"})
    assert response.context["results"].did_you_mean == "quarterly"


def test_did_you_mean_never_offers_a_word_only_private_pages_contain(outsider, private_wiki):
    results = search_content(outsider, "quoka", spelling="suggest")
    assert (results.query, results.did_you_mean) == ("quoka", "")


def test_did_you_mean_offers_private_words_to_members(reader, private_wiki):
    assert search_content(reader, "quoka", spelling="suggest").did_you_mean == "quokka"


def test_a_filter_that_matches_nothing_reveals_no_private_counts_or_facets(outsider, private_wiki):
    # The outsider wrote nothing, so the author filter matches no document at all: nothing
    # may be counted, least of all the private page (an empty filter is not "no filter").
    results = search_content(outsider, "quokka merger", author=outsider.username)
    assert results.total == 0
    assert "Zanzibar Secret" not in {v.label for v in results.facets.get("space", [])}


def test_facets_count_types_spaces_authors_and_months(reader, editor, open_wiki, private_wiki):
    facets = search_content(reader, "quarterly").facets
    assert [(v.value, v.count) for v in facets["type"]] == [("wiki.wikipage", 2)]
    assert {v.label for v in facets["space"]} == {"Open Kitchen", "Zanzibar Secret"}
    assert [(v.value, v.count) for v in facets["author"]] == [(editor.username, 2)]
    assert sum(v.count for v in facets["date"]) == 2


def test_subscribing_to_a_search_opens_the_page_with_reader_addresses(
    client_for, reader, open_wiki
):
    client = client_for(reader)
    body = client.get("/search/?q=kitchen+rules").content.decode()
    assert 'href="/feeds/search/?q=kitchen+rules"' in body
    assert client.get("/feeds/search/?q=kitchen+rules").status_code == 200
