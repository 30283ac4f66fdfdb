"""The Whoosh backend beyond modelsearch's suite: languages, queries, filters, facets, paging."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.paginator import Paginator
from django.db.models import Q
from modelsearch.query import MATCH_ALL, Fuzzy, Phrase, PlainText
from modelsearch.test.testapp import models

from tests.search.conftest import make_book, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual_books(backend):
    books = [
        make_book("Neue Medien in der Abteilung", pages=10),
        make_book("Anträge auf Urlaub", pages=20),
        make_book("Guidelines for publishing on the intranet", pages=30),
        make_book("Ein Medium für alle", pages=40),
    ]
    backend.add_bulk(models.Book, books)
    return books


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Medium", {"Neue Medien in der Abteilung", "Ein Medium für alle"}),
        ("Medien", {"Neue Medien in der Abteilung", "Ein Medium für alle"}),
        ("Antrag", {"Anträge auf Urlaub"}),
        ("Antrage", {"Anträge auf Urlaub"}),
        ("published", {"Guidelines for publishing on the intranet"}),
    ],
)
def test_a_search_finds_other_forms_of_the_word_in_either_language(
    backend, bilingual_books, query, expected
):
    assert set(titles(backend.search(query, models.Book))) == expected


def test_a_search_made_only_of_stop_words_finds_nothing(backend, bilingual_books):
    assert list(backend.search("the der und", models.Book)) == []


def test_a_phrase_matches_words_in_order_across_a_stop_word(backend, bilingual_books):
    results = backend.search(Phrase("Medien Abteilung"), models.Book)
    assert titles(results) == ["Neue Medien in der Abteilung"]
    assert list(backend.search(Phrase("Abteilung Medien"), models.Book)) == []


def test_a_fuzzy_search_forgives_a_typo(backend, bilingual_books):
    assert titles(backend.search(Fuzzy("Urlaup"), models.Book)) == ["Anträge auf Urlaub"]


def test_autocomplete_matches_a_prefix_typed_without_accents(backend, bilingual_books):
    assert titles(backend.autocomplete("antra", models.Book)) == ["Anträge auf Urlaub"]


def test_the_and_operator_needs_every_word_and_or_needs_one(backend, bilingual_books):
    assert titles(backend.search("Medien Urlaub", models.Book, operator="and")) == []
    assert len(backend.search("Medien Urlaub", models.Book, operator="or")) == 3


def test_a_title_match_outranks_a_summary_match_because_of_its_boost(backend):
    in_summary = make_book("Kantine", summary="Der neue Speiseplan steht")
    in_title = make_book("Speiseplan", summary="Kantine")
    backend.add_bulk(models.Book, [in_summary, in_title])
    assert titles(backend.search(PlainText("Speiseplan"), models.Book)) == [
        "Speiseplan",
        "Kantine",
    ]


def test_filters_combine_negation_or_ranges_and_prefixes(backend):
    books = [make_book(f"Handbuch {n}", pages=n * 100) for n in range(1, 7)]
    backend.add_bulk(models.Book, books)

    def found(queryset):
        return sorted(titles(backend.search("Handbuch", queryset)))

    assert found(models.Book.objects.filter(number_of_pages__range=(200, 400))) == [
        "Handbuch 2",
        "Handbuch 3",
        "Handbuch 4",
    ]
    assert found(
        models.Book.objects.filter(~Q(number_of_pages__gte=300) | Q(number_of_pages=600))
    ) == ["Handbuch 1", "Handbuch 2", "Handbuch 6"]
    assert found(
        models.Book.objects.exclude(number_of_pages__in=[100, 200, 300]).filter(
            title__startswith="Handbuch 5"
        )
    ) == ["Handbuch 5"]


def test_results_order_by_several_filter_fields_in_either_direction(backend):
    books = [
        make_book("Plan A", pages=300, publication_date=date(2020, 1, 1)),
        make_book("Plan B", pages=100, publication_date=date(2021, 1, 1)),
        make_book("Plan C", pages=300, publication_date=date(2022, 1, 1)),
    ]
    backend.add_bulk(models.Book, books)
    queryset = models.Book.objects.order_by("-number_of_pages", "publication_date")
    results = backend.search("plan", queryset, order_by_relevance=False)
    assert titles(results) == ["Plan A", "Plan C", "Plan B"]


def test_pages_of_results_do_not_overlap_and_count_all_matches(backend):
    books = [make_book(f"Protokoll {n:02d}", pages=n) for n in range(25)]
    backend.add_bulk(models.Book, books)
    queryset = models.Book.objects.order_by("number_of_pages")
    paginator = Paginator(backend.search("Protokoll", queryset, order_by_relevance=False), 10)

    assert paginator.count == 25
    assert titles(paginator.page(2)) == [f"Protokoll {n:02d}" for n in range(10, 20)]
    assert len(paginator.page(3)) == 5


def test_a_facet_counts_matches_per_value_most_frequent_first(backend):
    guides = [
        models.ProgrammingGuide.objects.create(
            title=f"Guide {language} {n}",
            programming_language=language,
            number_of_pages=10,
            publication_date=date(2020, 1, 1),
        )
        for language, count in (("py", 3), ("js", 1), ("rs", 2))
        for n in range(count)
    ]
    backend.add_bulk(models.ProgrammingGuide, guides)
    facet = backend.search(MATCH_ALL, models.ProgrammingGuide).facet("programming_language")
    assert list(facet.items()) == [("py", 3), ("rs", 2), ("js", 1)]


def test_subclass_searches_see_only_their_own_documents_in_the_shared_index(backend):
    novel = models.Novel.objects.create(
        title="Urlaub in Westeros",
        setting="Westeros",
        number_of_pages=1,
        publication_date=date(2020, 1, 1),
    )
    book = make_book("Urlaub planen")
    backend.add(novel)
    backend.add(book)

    assert set(titles(backend.search("Urlaub", models.Book))) == {
        "Urlaub in Westeros",
        "Urlaub planen",
    }
    assert titles(backend.search("Urlaub", models.Novel)) == ["Urlaub in Westeros"]


def test_a_deleted_object_is_no_longer_found(backend, bilingual_books):
    backend.delete(bilingual_books[1])
    assert list(backend.search("Antrag", models.Book)) == []


def test_a_filter_that_matches_no_document_finds_nothing(backend):
    backend.add(make_book("Quartalsbericht", pages=10))
    no_match = models.Book.objects.filter(number_of_pages=999)

    results = backend.search("Quartalsbericht", no_match)
    assert results.count() == 0
    assert list(results) == []
    assert backend.search(MATCH_ALL, no_match).facet("number_of_pages") == {}
