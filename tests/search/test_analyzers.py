"""The bilingual analysis: stems in both languages, folded accents, stop words."""

from __future__ import annotations

import pickle

import pytest

from search.analyzers import (
    BilingualAnalyzer,
    EdgeNgramAnalyzer,
    autocomplete_terms,
    phrase_terms,
    query_terms,
)


def index_terms(text: str) -> set[str]:
    return {token.text for token in BilingualAnalyzer()(text)}


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("Medien", "Medium"),
        ("Medium", "Medien"),
        ("Anträge", "Antrag"),
        ("Antrag", "Anträge"),
        ("published", "publishing"),
        ("publishing", "published"),
        ("Themen", "Thema"),
        ("Abteilungen", "Abteilung"),
    ],
)
def test_a_query_word_shares_a_term_with_other_forms_of_the_word(query, document):
    assert set(query_terms(query)) & index_terms(document)


def test_unrelated_words_share_no_term():
    assert not set(query_terms("Medien")) & index_terms("Mediator")
    assert not set(query_terms("publish")) & index_terms("public")


def test_accents_are_folded_so_words_typed_without_them_match():
    assert set(query_terms("Antrage")) & index_terms("Anträge")
    assert set(query_terms("Strasse")) & index_terms("Straße")
    assert set(query_terms("cafe")) & index_terms("Café")
    assert set(query_terms("hello")) & index_terms("Ĥéllø")


def test_stop_words_of_either_language_are_dropped():
    assert query_terms("the") == ()
    assert query_terms("und") == ()
    assert index_terms("the and of der das und für") == set()


def test_a_german_stop_word_that_is_an_english_noun_is_kept_as_english():
    # "war" is a German stop word (it "was") but an English noun.
    assert query_terms("war") == ("war",)


def test_both_stems_of_a_word_share_its_position():
    tokens = [(t.text, t.pos) for t in BilingualAnalyzer()("Bericht der Medien", positions=True)]
    assert ("medien", 1) in tokens
    assert ("medi", 1) in tokens
    assert {pos for _, pos in tokens} == {0, 1}


def test_a_phrase_has_the_alternatives_of_each_position_in_order():
    assert phrase_terms("the published reports") == [("publish", "published"), ("report",)]


def test_autocomplete_indexes_every_prefix_of_folded_words_and_queries_the_typed_prefix():
    prefixes = {token.text for token in EdgeNgramAnalyzer()("Büro")}
    assert prefixes == {"b", "bu", "bur", "buro"}
    assert autocomplete_terms("Bü") == ["bu"]
    assert autocomplete_terms("abcdefghijklmnopqrstuvwxyz") == ["abcdefghijklmno"]


def test_analyzers_survive_pickling_because_whoosh_stores_them_in_the_index():
    analyzer = pickle.loads(pickle.dumps(BilingualAnalyzer()))  # noqa: S301 - our own object
    assert {t.text for t in analyzer("Medien")} == {"medien", "medi"}


def test_the_compound_model_answers_from_its_compact_table():
    from search.analyzers import _ngrams

    ngrams = _ngrams()
    assert ngrams.get("prefix", "kommunikation", -1.0) > 0
    assert ngrams.get("prefix", "qxzqxzqxz", -1.0) == -1.0
    assert len(ngrams.sections["infix"]) > 1_000_000
