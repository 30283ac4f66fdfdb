"""Ranking on the Whoosh backend: coordination, proximity, title boost, recency, prefixes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from modelsearch.test.testapp import models
from wagtail.search.backends import get_search_backend

from tests.factories import make_wiki_page
from tests.search.conftest import make_book, titles

pytestmark = pytest.mark.django_db

FILLER = (
    "The quarterly planning round covers hiring, office moves, the new coffee machine, "
    "the summer party, parking spaces, the printer on the third floor, desk sharing rules, "
    "a reminder about expense reports, the canteen menu and the holiday calendar. "
)


@pytest.fixture
def unrelated_books(backend):
    """Books about other things, so document frequencies look like a real index's."""
    books = [make_book(f"Notes {n}", summary=FILLER) for n in range(8)]
    backend.add_bulk(models.Book, books)
    return books


def test_the_text_holding_the_whole_phrase_outranks_short_posts_repeating_one_word(
    backend, unrelated_books
):
    posts = [
        make_book(f"Security update {n}", summary="Security first: security, security.")
        for n in range(4)
    ]
    article = make_book(
        "Roles in our company",
        summary=FILLER * 3
        + "Our Chief Information Security Officer answers questions about passwords. "
        + FILLER * 3,
    )
    backend.add_bulk(models.Book, [*posts, article])

    found = titles(backend.search("Chief Information Security Officer", models.Book))

    assert found[0] == "Roles in our company"
    assert set(found[1:5]) == {f"Security update {n}" for n in range(4)}


def test_a_document_with_both_words_outranks_one_repeating_a_single_word(backend, unrelated_books):
    repeating = make_book("Memo", summary="Travel travel travel, travel.")
    both = make_book("Spring", summary=FILLER + "Budget for travel. " + FILLER)
    backend.add_bulk(models.Book, [repeating, both])

    assert titles(backend.search("budget travel", models.Book))[:2] == ["Spring", "Memo"]


def test_words_standing_together_outrank_the_same_words_far_apart(backend, unrelated_books):
    apart = make_book("Apart", summary="Knowledge " + FILLER + " management")
    together = make_book("Together", summary=FILLER + " knowledge management")
    backend.add_bulk(models.Book, [apart, together])

    assert titles(backend.search("knowledge management", models.Book)) == ["Together", "Apart"]


def test_a_long_title_match_outranks_a_body_repeating_the_word(open_space, editor):
    in_body = make_wiki_page(
        open_space,
        "Welcome",
        f"<p>Onboarding, onboarding and onboarding again. {FILLER}</p>",
        author=editor,
    )
    in_title = make_wiki_page(
        open_space,
        "Onboarding checklist for new colleagues joining the sales team in spring",
        f"<p>{FILLER}</p>",
        author=editor,
    )
    found = get_search_backend().search("onboarding", type(in_title).objects.live())

    assert [page.pk for page in found] == [in_title.pk, in_body.pk]


def test_of_two_equal_pages_the_newer_ranks_first(open_space, private_space, editor):
    older = make_wiki_page(open_space, "Canteen news", "<p>New dishes.</p>", author=editor)
    newer = make_wiki_page(private_space, "Canteen news", "<p>New dishes.</p>", author=editor)
    older.first_published_at = timezone.now() - timedelta(days=700)
    older.save(update_fields=["first_published_at"])
    backend = get_search_backend()
    # Indexed in this order, Whoosh alone would put the older page first on a tie.
    backend.add(older)
    backend.add(newer)

    found = backend.search("canteen", type(older).objects.live())

    assert [page.pk for page in found] == [newer.pk, older.pk]


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Kollabor", "Kollaboration im Vertrieb"),
        ("Crowdsourc", "Ideen durch Crowdsourcing"),
        ("Wissensmanag", "Wissensmanagement im Konzern"),
        ("Abteilu", "Neue Abteilungen"),
    ],
)
def test_a_partial_word_finds_german_pages_with_the_whole_word(open_space, editor, typed, title):
    page = make_wiki_page(open_space, title, "<p>Ein Bericht.</p>", author=editor, language="de")

    found = get_search_backend().search(typed, type(page).objects.live())

    assert [hit.pk for hit in found] == [page.pk]


def test_a_prefix_match_ranks_below_a_whole_word_match(open_space, editor):
    partial = make_wiki_page(
        open_space, "Kollaboration", "<p>Kollaboration.</p>", author=editor, language="de"
    )
    whole = make_wiki_page(
        open_space, "Anatomie", f"<p>Das Organ. {FILLER}</p>", author=editor, language="de"
    )

    found = get_search_backend().search("Organ Kollabor", type(whole).objects.live())

    assert [page.pk for page in found] == [whole.pk, partial.pk]


def test_a_word_of_the_index_is_not_taken_as_a_prefix(open_space, editor):
    make_wiki_page(open_space, "Teamwork", "<p>Teamwork.</p>", author=editor, language="en")
    team = make_wiki_page(open_space, "Team", "<p>Das Team.</p>", author=editor, language="de")

    found = get_search_backend().search("Team", type(team).objects.live())

    assert [page.pk for page in found] == [team.pk]


def test_short_words_and_unranked_searches_find_whole_words_only(backend):
    backend.add_bulk(models.Book, [make_book("Planung"), make_book("Organisation")])

    assert list(backend.search("Pla", models.Book)) == []
    assert titles(backend.search("Organ", models.Book)) == ["Organisation"]
    unranked = backend.search("Organ", models.Book, order_by_relevance=False)
    assert list(unranked) == []


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Home Office", "Regeln für das Homeoffice"),
        ("Call Center", "Unser Callcenter in Leipzig"),
        ("Team Meeting", "Protokoll vom Teammeeting"),
        ("Homeoffice", "Regeln für das Home Office"),
        ("Teammeeting", "Protokoll vom Team Meeting"),
        ("Arbeitszeit", "Regeln zu Arbeit und Zeit? Nein: zur Arbeits Zeit"),
    ],
)
def test_words_written_apart_or_together_find_each_other(open_space, editor, typed, written):
    page = make_wiki_page(open_space, written, "<p>Ein Bericht.</p>", author=editor, language="de")
    make_wiki_page(open_space, "Kantine", f"<p>{FILLER}</p>", author=editor, language="de")

    found = get_search_backend().search(typed, type(page).objects.live(), operator="and")

    assert [hit.pk for hit in found] == [page.pk]


def test_a_word_is_split_only_where_both_parts_stand_next_to_each_other(open_space, editor):
    apart = make_wiki_page(
        open_space,
        "Office hours",
        "<p>Office hours. Home is where the heart is.</p>",
        author=editor,
        language="en",
    )
    together = make_wiki_page(
        open_space, "Home Office", "<p>Working from home.</p>", author=editor, language="en"
    )

    found = get_search_backend().search("Homeoffice", type(apart).objects.live())

    assert [hit.pk for hit in found] == [together.pk]


def test_joining_words_leaves_the_ranking_of_whole_words_first(open_space, editor):
    joined = make_wiki_page(
        open_space, "Homeoffice", f"<p>Homeoffice. {FILLER}</p>", author=editor, language="de"
    )
    apart = make_wiki_page(
        open_space, "Home Office", "<p>Home Office.</p>", author=editor, language="de"
    )

    found = get_search_backend().search("Home Office", type(apart).objects.live())

    assert {hit.pk for hit in found} == {apart.pk, joined.pk}
    assert found[0].pk == apart.pk
