"""Forgiving queries: a misspelled word is searched corrected, word by word, and the page says
so with a link to the words as typed; corrections come only from words the reader may see."""

from __future__ import annotations

import feedparser
import pytest
from django.core.cache import cache

from search.models import ZeroResultQuery
from search.query import search_content
from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


@pytest.fixture
def german_pages(open_space, editor):
    pages = {
        "soziale": ("Soziale Medien im Unternehmen", "Wie soziale Netzwerke intern wirken."),
        "archiv": ("Medienarchiv", "Alte Medien und Bänder im Archiv."),
        "presse": ("Pressespiegel", "Was die Medien über uns schreiben."),
        "verzeichnis": ("Mitarbeiterverzeichnis", "Das Mitarbeiterverzeichnis nennt alle."),
        "kunden": ("Leitfaden", "Gute Kundenkommunikation beginnt am Telefon."),
        "forster": ("Team Nord", "Anna Forster leitet das Team Nord."),
    }
    return {
        key: make_wiki_page(open_space, title, f"<p>{body}</p>", author=editor)
        for key, (title, body) in pages.items()
    }


@pytest.fixture
def quota_page(open_space, editor):
    return make_wiki_page(open_space, "Budget", "<p>The travel quota.</p>", author=editor)


# --- nothing found: the corrected words are searched ------------------------------------------


def test_a_misspelled_word_that_finds_nothing_shows_the_corrected_results_and_says_so(
    client_for, reader, open_wiki
):
    response = client_for(reader).get(SEARCH, {"q": "quartely"})
    results = response.context["results"]
    assert (results.query, results.corrected_from) == ("quarterly", "quartely")
    assert [hit.title for hit in results.hits] == ["Kitchen quarterly report"]
    assert results.did_you_mean == ""
    html = response.content.decode()
    assert "Showing results for <strong>quarterly</strong>" in html
    assert 'search instead for <a href="?q=quartely&amp;exact=1">quartely</a>' in html


def test_search_instead_shows_the_results_of_the_words_as_typed(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH, {"q": "quartely", "exact": "1"})
    results = response.context["results"]
    assert (results.query, results.corrected_from, results.total) == ("quartely", "", 0)
    # The correction is still offered, as a link that searches it without `exact`.
    assert results.did_you_mean == "quarterly"
    assert 'href="?q=quarterly"' in response.content.decode()
    assert "Showing results for" not in response.content.decode()


def test_search_instead_keeps_the_filters_and_the_links_keep_it_exact(
    client_for, reader, open_wiki, open_space
):
    client = client_for(reader)
    response = client.get(SEARCH, {"q": "quartely", "space": open_space.pk})
    assert response.context["search_instead_url"] == (f"?q=quartely&space={open_space.pk}&exact=1")
    exact = client.get(SEARCH, {"q": "quartely", "space": open_space.pk, "exact": "1"})
    assert exact.context["query_string"] == f"q=quartely&space={open_space.pk}&exact=1"


def test_a_corrected_search_is_not_counted_as_a_search_without_results(
    client_for, reader, open_wiki
):
    client_for(reader).get(SEARCH, {"q": "quartely"})
    assert not ZeroResultQuery.objects.exists()
    client_for(reader).get(SEARCH, {"q": "quartely", "exact": "1"})
    assert ZeroResultQuery.objects.get().query == "quartely"


def test_each_misspelled_word_is_corrected_on_its_own(reader, german_pages):
    expected = {
        "Mitarbieterverzeichnis": "Mitarbeiterverzeichnis",
        "Kundenkomunikation": "Kundenkommunikation",
        "Forester": "Forster",
        "Sozialle Medien": "Soziale Medien",
        "SOZIALLE Medien": "SOZIALE Medien",
    }
    for typed, corrected in expected.items():
        results = search_content(reader, typed)
        assert (results.query, results.corrected_from) == (corrected, typed)
    assert search_content(reader, "Forester").hits[0].obj.pk == german_pages["forster"].pk


def test_a_typo_beside_a_word_that_finds_something_is_corrected_too(reader, german_pages):
    # "Medien" alone finds three pages, the one about social media among them but not first.
    as_typed = search_content(reader, "Sozialle Medien", spelling="suggest")
    assert as_typed.total == 3
    assert as_typed.did_you_mean == "Soziale Medien"

    results = search_content(reader, "Sozialle Medien")
    assert results.corrected_from == "Sozialle Medien"
    assert results.hits[0].obj.pk == german_pages["soziale"].pk


def test_a_word_the_index_matches_through_its_stem_is_never_corrected(reader, open_space, editor):
    # "Anträgen" is in no page, "Anträge" is: both find the same page, so nothing is gained.
    make_wiki_page(open_space, "Urlaub", "<p>Alle Anträge bis Freitag.</p>", author=editor)
    for spelling in ("correct", "suggest"):
        results = search_content(reader, "Anträgen", spelling=spelling)
        assert (results.query, results.total) == ("Anträgen", 1)
        assert (results.corrected_from, results.did_you_mean) == ("", "")


def test_a_word_is_never_corrected_to_another_form_of_itself(reader, open_space, editor):
    # "Medium" finds the German page through its stem; "Medien" finds the English one too.
    make_wiki_page(open_space, "English note", "<p>Medien</p>", language="en")
    make_wiki_page(open_space, "Deutsche Notiz", "<p>Medien</p>", language="de")
    results = search_content(reader, "Medium")
    assert (results.query, results.corrected_from) == ("Medium", "")
    assert [hit.title for hit in results.hits] == ["Deutsche Notiz"]


def test_a_correction_is_off_when_asked(reader, open_wiki):
    results = search_content(reader, "quartely", spelling="off")
    assert (results.query, results.total, results.did_you_mean) == ("quartely", 0, "")


# --- visibility ---------------------------------------------------------------------------------


def test_an_outsider_is_never_corrected_to_a_word_of_a_members_only_space(
    client_for, outsider, reader, private_wiki, quota_page
):
    # "quokkka" is one edit from the members-only "quokka", three from the open "quota".
    results = search_content(outsider, "quokkka")
    assert (results.query, results.corrected_from, results.did_you_mean) == ("quokkka", "", "")
    assert search_content(outsider, "quokkka", spelling="suggest").did_you_mean == ""
    response = client_for(outsider).get(SEARCH, {"q": "quokkka"})
    assert b"quokka" not in response.content.lower()

    member = search_content(reader, "quokkka")
    assert (member.query, member.corrected_from) == ("quokka", "quokkka")


def test_a_former_member_is_never_corrected_to_a_word_of_a_members_only_space(
    reader, private_space, private_wiki, quota_page
):
    from intranet.actions import remove_member

    remove_member(private_space, reader)
    results = search_content(reader, "quokkka")
    assert (results.query, results.corrected_from, results.did_you_mean) == ("quokkka", "", "")


def test_an_anonymous_visitor_is_sent_to_log_in_not_corrected(client, private_wiki):
    response = client.get(SEARCH, {"q": "quokkka"})
    assert response.status_code == 302
    assert b"quokka" not in response.content.lower()


@pytest.mark.parametrize("exact", ["yes", "2", "", "\u00e9", "1" * 500])
def test_any_value_of_exact_answers_without_a_server_error(client_for, reader, open_wiki, exact):
    response = client_for(reader).get(SEARCH, {"q": "quokkka", "exact": exact})
    assert response.status_code in (200, 400)


def test_an_outsider_is_corrected_to_an_open_word_never_the_closer_private_one(
    outsider, reader, editor, private_space, quota_page
):
    # "quoka" is one edit from both; the outsider may only be corrected to "quota".
    make_wiki_page(private_space, "Merger", "<p>The quokka merger.</p>", author=editor)
    results = search_content(outsider, "quoka")
    assert (results.query, results.corrected_from) == ("quota", "quoka")
    assert [hit.title for hit in results.hits] == ["Budget"]


def test_an_outsider_finding_something_gets_no_correction_from_a_private_word(
    outsider, reader, open_wiki, private_wiki
):
    results = search_content(outsider, "quokkka quarterly")
    assert (results.query, results.corrected_from, results.did_you_mean) == (
        "quokkka quarterly",
        "",
        "",
    )
    assert [hit.title for hit in results.hits] == ["Kitchen quarterly report"]
    member = search_content(reader, "quokkka quarterly")
    assert member.query == "quokka quarterly"


# --- other outputs --------------------------------------------------------------------------------


def test_the_search_feed_lists_what_the_corrected_search_page_shows(client_for, reader, open_wiki):
    cache.clear()
    response = client_for(reader).get("/feeds/search.rss", {"q": "quartely"})
    assert response.status_code == 200
    links = {entry.link for entry in feedparser.parse(response.content).entries}
    assert links == {"http://testserver" + open_wiki.url}


def test_the_page_picker_never_corrects_a_word_still_being_typed(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH + "-/pages.json", {"q": "quartely"})
    assert response.json() == {"results": []}
    found = client_for(reader).get(SEARCH + "-/pages.json", {"q": "quarterly"}).json()
    assert [page["title"] for page in found["results"]] == ["Kitchen quarterly report"]


def test_suggestions_do_not_change_with_corrections(client_for, reader, open_wiki):
    response = client_for(reader).get(SEARCH + "suggest/", {"q": "quartely"})
    assert response.json() == {"suggestions": []}
