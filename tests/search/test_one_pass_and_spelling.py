"""The backend's one-pass page of hits with facets, month facets, and its spelling corrector."""

from __future__ import annotations

from datetime import date

import pytest
from modelsearch.query import MATCH_ALL
from modelsearch.test.testapp import models

from search.analyzers import BilingualAnalyzer, mark_language, query_terms, spelling_words
from search.backends.whoosh.backend import _edit_distance
from tests.search.conftest import make_book

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(backend):
    made = [
        models.ProgrammingGuide.objects.create(
            title=f"Guide {language} {n}",
            programming_language=language,
            number_of_pages=10 + n,
            publication_date=date(2020, month, 1),
        )
        for language, count, month in (("py", 3, 1), ("js", 1, 2), ("rs", 2, 2))
        for n in range(count)
    ]
    backend.add_bulk(models.ProgrammingGuide, made)
    return made


def test_one_pass_gives_the_slice_the_total_and_the_facets_of_separate_calls(backend, guides):
    found = backend.search("guide", models.ProgrammingGuide.objects.order_by("number_of_pages"))
    window = found.page_with_facets(1, 4, facets=["programming_language"])
    assert window.total == found.count() == 6
    assert window.pks == [str(obj.pk) for obj in found[1:4]]
    assert window.facets["programming_language"] == found.facet("programming_language")


def test_one_pass_counts_only_what_the_filter_allows(backend, guides):
    queryset = models.ProgrammingGuide.objects.exclude(programming_language="py")
    window = backend.search("guide", queryset).page_with_facets(0, 2, ["programming_language"])
    assert window.total == 3
    assert dict(window.facets["programming_language"]) == {"rs": 2, "js": 1}


def test_a_month_facet_counts_per_month(backend, guides):
    found = backend.search(MATCH_ALL, models.ProgrammingGuide)
    window = found.page_with_facets(0, 1, month_facets=["publication_date"])
    assert dict(window.facets["publication_date"]) == {"2020-01": 3, "2020-02": 3}


def test_an_empty_window_counts_without_hits(backend, guides):
    window = backend.search("guide", models.ProgrammingGuide).page_with_facets(0, 0)
    assert (window.pks, window.total) == ([], 0)
    assert backend.search("nothing", models.ProgrammingGuide).page_with_facets(0, 5).total == 0


def test_the_corrector_suggests_words_of_the_index(backend):
    backend.add_bulk(models.Book, [make_book("Kubernetes operations handbook")])
    assert backend.suggest_spelling("kubernets", [models.Book.objects.all()]) == "kubernetes"
    assert backend.suggest_spelling("handbok operations", [models.Book.objects.all()]) == (
        "handbook operations"
    )
    # Known words, and words with nothing near, are not corrected.
    assert backend.suggest_spelling("kubernetes", [models.Book.objects.all()]) == ""
    assert backend.suggest_spelling("zzzzzzzz", [models.Book.objects.all()]) == ""


def test_the_corrector_only_offers_words_of_objects_the_queryset_allows(backend):
    secret = make_book("Quokka merger", pages=1)
    public = make_book("Travel quota", pages=2)
    backend.add_bulk(models.Book, [secret, public])
    everything = models.Book.objects.all()
    allowed = models.Book.objects.filter(number_of_pages__gt=1)
    assert backend.suggest_spelling("quokkka", [everything]) == "quokka"
    assert backend.suggest_spelling("quokkka", [allowed]) == ""
    assert backend.suggest_spelling("quoka", [allowed]) == "quota"
    assert backend.suggest_spelling("quoka", [models.Book.objects.none()]) == ""


def test_spelling_words_are_lowercased_words_without_stop_words_numbers_or_markup():
    words = spelling_words('<p class="x">Der Anträge für 2024 <b>Kubernetes</b> v2</p>')
    assert words == ["anträge", "kubernetes"]


def test_edit_distance_counts_a_swap_as_one():
    assert _edit_distance("quota", "quoka") == 1
    assert _edit_distance("recieve", "receive") == 1
    assert _edit_distance("abc", "") == 3


def _terms(text: str) -> set[str]:
    return {token.text for token in BilingualAnalyzer()(text)}


def test_a_marked_text_gets_only_its_languages_stems():
    assert _terms(mark_language("Medien", "de")) == {"medi"}
    assert _terms(mark_language("publishing", "en")) == {"publish"}
    assert _terms("Medien") == {"medien", "medi"}  # unmarked: both
    # Queries are looked up under both languages' stems, so either page is found.
    assert set(query_terms("Medium")) & _terms(mark_language("Medien", "de"))
    assert set(query_terms("published")) & _terms(mark_language("publishing", "en"))
    assert set(query_terms("Anträge")) & _terms(mark_language("Antrag", "de"))


def test_a_marked_text_keeps_positions_and_offsets_of_the_text():
    text = mark_language("Bericht der Medien", "de")
    tokens = [
        (t.text, t.pos, t.startchar) for t in BilingualAnalyzer()(text, positions=True, chars=True)
    ]
    marker = len(text) - len("Bericht der Medien")
    assert tokens == [("bericht", 0, marker), ("medi", 1, marker + 12)]


def test_an_unknown_language_is_not_marked():
    assert mark_language("Medien", "fr") == "Medien"
    assert mark_language("Medien", "de-AT") != "Medien"
