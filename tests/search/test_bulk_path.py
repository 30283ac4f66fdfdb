"""The search page's one pass in bulk (search.backends.whoosh.bulk) answers exactly as
Whoosh's own collector does: the same hits in the same order, the same totals and the same
facet counts, on an index of several segments with a deleted document."""

from __future__ import annotations

from datetime import date

import pytest
from modelsearch.test.testapp import models
from wagtail.search.backends import get_search_backend

from search.backends.whoosh import bulk
from search.backends.whoosh.results import WhooshSearchResults
from search.query import search_content
from tests.factories import make_wiki_page
from tests.search.conftest import make_book

pytestmark = pytest.mark.django_db

TEXTS = [
    ("Security policy", "Passwords, phishing and the security officer. Security first."),
    ("Chief Information Security Officer", "Our chief information security officer answers."),
    ("Travel budget", "The budget for travel this year, and how to file travel expenses."),
    ("Budget", "Budget planning for the next quarter: travel, hiring and the summer party."),
    ("Kollaboration im Vertrieb", "Wie Vertrieb und Marketing zusammen arbeiten."),
    ("Knowledge management", "Knowledge management in practice, with the wiki."),
    ("Apart", "Knowledge is shared in many ways, and good management helps."),
    ("Medien", "Pressekontakte, Medien und veröffentlichte Artikel über uns."),
    ("Medium", "Ein Medium für alle: das Intranet."),
    ("Notes", "Parking spaces, the printer on the third floor and the canteen menu."),
]
QUERIES = [
    "security",
    "chief information security officer",
    "budget travel",
    "knowledge management",
    "Kollabor",
    "Medien",
    "travel Kollabor budget",
    "nothing matches this",
]


@pytest.fixture
def books(backend) -> list[models.Book]:
    """The texts three times over, added in three batches (three segments), one deleted."""
    made = []
    for batch in range(3):
        books = [
            make_book(
                title,
                summary=summary,
                pages=100 + 10 * n + batch,
                publication_date=date(2020 + batch, 1 + n % 12, 1),
            )
            for n, (title, summary) in enumerate(TEXTS)
        ]
        backend.add_bulk(models.Book, books)
        made += books
    gone = made.pop(4)
    backend.delete(gone)
    gone.delete()
    return made


def _page(found, start: int = 0, stop: int = 7) -> tuple:
    window = found.page_with_facets(
        start, stop, facets=("number_of_pages",), month_facets=("publication_date",)
    )
    facets = {name: list(counts.items()) for name, counts in window.facets.items()}
    return window.pks, window.total, facets


def _searches(backend) -> list:
    queryset = models.Book.objects.filter(number_of_pages__lt=170)
    searches = []
    for query in QUERIES:
        searches += [
            backend.search(query, models.Book),
            backend.search(query, queryset),
            backend.search(query, models.Book, operator="and"),
            backend.search(query, models.Book, order_by_relevance=False),
            backend.search(query, models.Book.objects.order_by("number_of_pages")),
        ]
    return searches


def _answers(backend) -> list[tuple]:
    return [
        (_page(found), _page(found, 3, 9), [book.pk for book in found[:6]])
        for found in _searches(backend)
    ]


def test_pages_totals_and_facets_are_whoosh_s_own(backend, books, monkeypatch):
    in_bulk = _answers(backend)
    with monkeypatch.context() as patched:
        patched.setattr(WhooshSearchResults, "_bulk_hits", lambda *args, **kwargs: None)
        own = _answers(backend)

    assert in_bulk == own
    assert any(total > 3 for (_pks, total, _facets), _second, _iterated in in_bulk)


def test_counts_are_whoosh_s_own(backend, books):
    for found in _searches(backend):
        searcher = found._index.store.searcher()
        allowed = None
        if found._filter is not None:
            allowed = found._index.store.filter_docs(searcher, found._filter)
        query = found.query_compiler.get_query()
        own = searcher.search(query, filter=allowed, limit=None, scored=False)

        assert found.count() == len(own)


def test_scores_are_whoosh_s_own(backend, books):
    found = backend.search("chief information security officer", models.Book)
    searcher = found._index.store.searcher()
    own = searcher.search(found.query_compiler.get_query(), limit=5, optimize=False)

    ranking = bulk.rank(searcher, found.query_compiler.get_query(), found._allowed(searcher), 5)

    assert ranking.top == [hit.docnum for hit in own]
    assert ranking.scores == pytest.approx([hit.score for hit in own], rel=1e-12)


def test_a_multi_valued_facet_is_counted_by_whoosh(backend, books):
    author = models.Author.objects.create(name="Ada", date_of_birth=date(1970, 1, 1))
    for book in books[:3]:
        book.authors.add(author)
    backend.add_bulk(models.Book, books[:3])

    window = backend.search("security", models.Book).page_with_facets(0, 2, facets=["authors"])

    assert dict(window.facets["authors"]) == {author.pk: 2, None: 4}


def test_a_sort_on_a_text_column_is_left_to_whoosh(backend, books, monkeypatch):
    found = backend.search("budget", models.Book.objects.order_by("title"))
    searcher = found._index.store.searcher()
    in_bulk = [book.pk for book in found[:4]]
    monkeypatch.setattr(WhooshSearchResults, "_bulk_hits", lambda *args, **kwargs: None)

    assert bulk.sort_keys(searcher, found.query_compiler.get_sortedby(searcher.schema)) is None
    assert in_bulk == [book.pk for book in found[:4]]


def test_pages_published_within_the_same_minute_rank_newest_first(open_space, reader, editor):
    first = make_wiki_page(open_space, "Canteen news", "<p>New dishes.</p>", author=editor)
    second = make_wiki_page(open_space, "Canteen news", "<p>New dishes.</p>", author=editor)
    # Indexed in this order, a tie would put the older page first.
    backend = get_search_backend()
    backend.add(first)
    backend.add(second)

    results = search_content(reader, "canteen", people=False)
    found = backend.search("canteen", type(first).objects.live())

    assert [hit.obj.pk for hit in results.page.object_list] == [second.pk, first.pk]
    assert [page.pk for page in found] == [second.pk, first.pk]
