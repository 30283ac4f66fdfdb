"""Forgiving queries: misspelled words corrected from the index's own words, or offered as
"did you mean".

A typed word is corrected only to a word the backend's corrector (`suggest_spelling`,
Whoosh's corrector over the index's own words) offers, and the corrector only offers words
that occur in what the reader's querysets hold (filters included): a word that only a page
the reader cannot open contains is never suggested, nor searched for in their stead.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Literal

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

from search.analyzers import query_terms, query_words
from search.query.results import SearchResults
from search.query.text import normalize_query

logger = logging.getLogger(__name__)

#: "correct": search the corrected words instead; "suggest": only offer them ("did you
#: mean"); "off": neither (for callers that search while a word is still being typed).
Spelling = Literal["correct", "suggest", "off"]


def forgive(
    results: SearchResults,
    querysets: list[QuerySet],
    search: Callable[[str], SearchResults],
    spelling: Spelling = "correct",
) -> SearchResults:
    """`results` of a query, or those of its correction (`search` runs a query in the same
    scope), with `corrected_from` set to what was typed.

    A typed word is replaced by the index word the corrector offers when that word finds
    everything the typed word finds, and more: always when the typed word finds nothing
    the reader may open ("Sozialle Medien" found pages through "Medien" only, so "Soziale
    Medien" can only add the pages about "soziale"), never when the typed word finds
    pages the offered one misses (a word the analyzer already matches through its stem
    or transliteration, "Maerkte" for "Märkte", is no typo for "Marke"), nor when the
    offered word is another form of the typed one ("Medien" for "Medium"). That rule
    needs no threshold on the number of hits: the correction never loses a hit."""
    if spelling == "off" or not results.query:
        return results
    corrections = _corrections(results, querysets)
    if not corrections:
        return results
    corrected_query = _apply(results.query, corrections)
    if spelling == "suggest":
        results.did_you_mean = corrected_query
        return results
    corrected = search(corrected_query)
    if not corrected.found_anything:
        return results
    corrected.corrected_from = results.query
    return corrected


def _corrections(results: SearchResults, querysets: list[QuerySet]) -> dict[str, str]:
    """Typed word -> index word, for the words worth correcting."""
    offered = _offered(results.query, querysets)
    if not offered or not results.found_anything:
        # Nothing found: no typed word finds anything, every offer can only add hits.
        return offered
    return {
        typed: word
        for typed, word in offered.items()
        if not _same_word(typed, word) and _finds_more(word, typed, querysets)
    }


def _same_word(typed: str, word: str) -> bool:
    """Whether `word` is another form of `typed` ("Medien" of "Medium"), which the analyzer
    already matches: never a spelling mistake, even where that form is found more often."""
    return not set(query_terms(typed)).isdisjoint(query_terms(word))


def _offered(query: str, querysets: list[QuerySet]) -> dict[str, str]:
    """The corrector's offer for each word of `query` it does not know (typed -> index word).

    Backends without a corrector (database, Elasticsearch) offer nothing."""
    corrector = getattr(get_search_backend(), "suggest_spelling", None)
    if not callable(corrector) or not querysets:
        return {}
    try:
        corrected = normalize_query(str(corrector(query, querysets) or ""))
    except Exception:  # noqa: BLE001 - a broken corrector must not break search
        logger.warning("Spelling suggestion failed for a query", exc_info=True)
        return {}
    # The corrector answers word for word, in the order `query_words` splits the query.
    typed_words = query_words(query)
    offered_words = corrected.split()
    if len(offered_words) != len(typed_words):
        return {}
    return {
        typed: word
        for typed, word in zip(typed_words, offered_words, strict=True)
        if word.lower() != typed.lower()
    }


def _finds_more(word: str, typed: str, querysets: list[QuerySet]) -> bool:
    """Whether `word` finds every hit `typed` finds, and more, in the reader's scope."""
    more = False
    for queryset in querysets:
        typed_hits = _count(typed, queryset)
        word_hits = _count(word, queryset)
        if typed_hits and _count(f"{typed} {word}", queryset) > word_hits:
            return False  # `typed` finds something `word` does not
        more = more or word_hits > typed_hits
    return more


def _count(text: str, queryset: QuerySet) -> int:
    """How many objects of `queryset` match any word of `text` (unranked: counting only)."""
    found = get_search_backend().search(text, queryset, operator="or", order_by_relevance=False)
    return found.count()


def _apply(query: str, corrections: dict[str, str]) -> str:
    """`query` with each corrected word replaced, written the way it was typed ("Sozialle"
    becomes "Soziale", "SOZIALLE" "SOZIALE"), everything else kept as typed."""
    for typed, word in corrections.items():
        pattern = re.compile(rf"(?<!\w){re.escape(typed)}(?!\w)")
        written = _written_like(typed, word)
        query = pattern.sub(lambda _match, written=written: written, query)
    return query


def _written_like(typed: str, word: str) -> str:
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
