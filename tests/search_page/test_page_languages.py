"""Each page's language decides how its words are stemmed; readers search in either."""

from __future__ import annotations

import pytest

from search.query import search_content
from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db


def test_german_and_english_pages_match_their_own_word_forms(reader, editor, open_space):
    make_wiki_page(open_space, "Anträge auf Urlaub", "<p>Neue Medien.</p>", language="de")
    make_wiki_page(open_space, "Guidelines", "<p>On publishing here.</p>", language="en")
    assert [h.title for h in search_content(reader, "Antrag").hits] == ["Anträge auf Urlaub"]
    assert [h.title for h in search_content(reader, "Medium").hits] == ["Anträge auf Urlaub"]
    assert [h.title for h in search_content(reader, "published").hits] == ["Guidelines"]


def test_a_pages_language_decides_its_stems(reader, editor, open_space):
    # "Medien" on an English page is an English word: only the German form-matching of a
    # German page finds it from "Medium".
    make_wiki_page(open_space, "English note", "<p>Medien</p>", language="en")
    make_wiki_page(open_space, "Deutsche Notiz", "<p>Medien</p>", language="de")
    assert [h.title for h in search_content(reader, "Medium").hits] == ["Deutsche Notiz"]
    assert {h.title for h in search_content(reader, "Medien").hits} == {
        "English note",
        "Deutsche Notiz",
    }


def test_a_marked_title_is_shown_as_written(reader, open_space):
    make_wiki_page(open_space, "Anträge auf Urlaub", "<p>Text</p>", language="de")
    hit = search_content(reader, "Anträge").hits[0]
    assert hit.title == "Anträge auf Urlaub"
    assert "\x1e" not in str(hit.snippet)
