"""German spellings people type: umlauts as ae/oe/ue, and compounds written as one word."""

from __future__ import annotations

import pytest

from search.analyzers import (
    BilingualAnalyzer,
    compound_parts,
    mark_language,
    phrase_terms,
    query_terms,
)


def index_terms(text: str, language: str | None = "de") -> set[str]:
    return {token.text for token in BilingualAnalyzer()(mark_language(text, language))}


def meets(query: str, document: str, language: str | None = "de") -> bool:
    """Whether every word of `query` shares a term with `document`, as an AND search would."""
    terms = index_terms(document, language)
    return all(set(query_terms(word)) & terms for word in query.split())


UMLAUT_PAIRS = [
    ("Maerkte", "Märkte"),
    ("Anstoesse", "Anstöße"),
    ("uebernahme", "Übernahme"),
    ("Gespraechskultur", "Gesprächskultur"),
    ("Strasse", "Straße"),
    ("Aerzte", "Ärzte"),
    ("Groesse", "Größe"),
    ("Muenchen", "München"),
]


@pytest.mark.parametrize(("typed", "written"), UMLAUT_PAIRS)
@pytest.mark.parametrize("language", ["de", None])
def test_an_umlaut_typed_as_ae_oe_ue_finds_the_word_written_with_it(typed, written, language):
    assert meets(typed, written, language)


@pytest.mark.parametrize(("written", "typed"), UMLAUT_PAIRS)
@pytest.mark.parametrize("language", ["de", None])
def test_a_word_typed_with_the_umlaut_finds_text_written_with_ae_oe_ue(written, typed, language):
    assert meets(written, typed, language)


def test_a_word_typed_without_the_umlaut_still_finds_both_spellings():
    assert meets("Markte", "Märkte")
    assert meets("Markte", "Maerkte")


@pytest.mark.parametrize(
    "word", ["Quelle", "neue", "Feuer", "Trauer", "Bauer", "aktuell", "Individuell", "Mauer"]
)
def test_a_word_with_a_genuine_ue_still_finds_itself(word):
    assert meets(word, word)
    assert meets(word.lower(), word.upper())


@pytest.mark.parametrize(
    ("query", "document"),
    [
        # After a vowel or "q" the "e" is its own letter, never an umlaut.
        ("Mauer", "Maurer"),
        ("Quelle", "Qülle"),
        ("Feuer", "Feür"),
        # Unrelated words stay apart.
        ("Maerkte", "Marke"),
        ("uebernahme", "Nahme"),
    ],
)
def test_words_that_only_look_alike_do_not_meet(query, document):
    assert not meets(query, document)


@pytest.mark.parametrize("word", ["blue", "queue", "poetry", "Michael", "aerial", "value"])
def test_english_text_keeps_english_words_as_they_are(word):
    english = index_terms(word, "en")
    assert len(english) == 1
    assert meets(word, word, "en")


COMPOUNDS = [
    ("Krise", "Krisenkommunikation"),
    ("Kommunikation Krise", "Krisenkommunikation"),
    ("Kommunikation", "Krisenkommunikation"),
    ("Call Center", "Callcenter"),
    ("Wissen Management", "Wissensmanagement"),
    ("Kunden", "Kundenkommunikation"),
    ("Kette", "Wertschöpfungskette"),
    ("Wertschöpfung", "Wertschöpfungskette"),
    ("Reisekosten", "Reisekostenabrechnung"),
    ("Kosten", "Reisekostenabrechnung"),
]


@pytest.mark.parametrize(("query", "document"), COMPOUNDS)
@pytest.mark.parametrize("language", ["de", None])
def test_the_parts_of_a_compound_find_it(query, document, language):
    assert meets(query, document, language)


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("Krisenkommunikation", "Kommunikation in der Krise"),
        ("Callcenter", "unser Call Center"),
        ("Wissensmanagement", "Management von Wissen"),
    ],
)
@pytest.mark.parametrize("language", ["de", "en", None])
def test_a_compound_in_the_query_finds_text_with_its_parts(query, document, language):
    assert set(query_terms(query)) & index_terms(document, language)


def test_an_umlaut_typed_as_ae_in_a_compound_still_splits_it():
    assert meets("Gespräch", "Gespraechskultur")
    assert meets("Kultur", "Gespraechskultur")


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("Spiel", "Beispiel"),
        ("nehmen", "Unternehmen"),
        ("Arbeiter", "Mitarbeiter"),
        ("Ortung", "Verantwortung"),
        ("Scheidung", "Entscheidung"),
        ("Kation", "Kommunikation"),
        ("dort", "Standort"),
        ("Ende", "fehlende"),
        ("Lungen", "Abteilungen"),
    ],
)
def test_a_word_that_is_not_a_compound_is_not_split(query, document):
    assert not meets(query, document)


def test_short_words_and_words_with_digits_are_never_split():
    assert compound_parts("callcen") == ()
    assert compound_parts("projekt2024management") == ()


def test_english_text_is_not_split():
    assert index_terms("workshop", "en") == {"workshop"}
    assert not meets("shop", "workshop", "en")


def test_the_parts_stand_at_the_position_of_the_compound_so_phrases_still_match():
    text = mark_language("Gute Krisenkommunikation im Unternehmen", "de")
    tokens = [(t.text, t.pos) for t in BilingualAnalyzer()(text, positions=True)]
    assert ("kris", 1) in tokens
    assert ("kommunikation", 1) in tokens
    assert ("unternehm", 2) in tokens
    positions = phrase_terms("Krisenkommunikation Unternehmen")
    assert "kommunikation" in positions[0]
    assert len(positions) == 2


def test_a_stop_word_gets_no_variants_or_parts():
    assert query_terms("fuer") == query_terms("für") == ()
