"""The author facet names the authors with the most hits, loading only those it lists."""

from __future__ import annotations

import pytest

from search.query import search_content
from search.query.facets import AUTHORS_SHOWN, _author_facet
from tests.factories import UserFactory, make_wiki_page

pytestmark = pytest.mark.django_db


def test_the_author_facet_lists_the_authors_with_most_hits_first(open_space, reader):
    authors = [UserFactory(username=f"author{n:02d}") for n in range(AUTHORS_SHOWN + 2)]
    for n, author in enumerate(authors):
        for _copy in range(2 if n >= AUTHORS_SHOWN else 1):
            make_wiki_page(open_space, f"Canteen menu {n}", "<p>Soup.</p>", author=author)

    facet = search_content(reader, "canteen", people=False).facets["author"]

    assert len(facet) == AUTHORS_SHOWN
    assert [value.value for value in facet[:2]] == [f"author{AUTHORS_SHOWN:02d}", "author16"]
    assert [value.count for value in facet] == [2, 2] + [1] * (AUTHORS_SHOWN - 2)
    assert facet[0].label == authors[AUTHORS_SHOWN].get_full_name()


def test_an_author_deleted_since_indexing_is_skipped_and_the_next_one_listed(
    django_assert_num_queries,
):
    authors = [UserFactory(username=f"writer{n:02d}") for n in range(AUTHORS_SHOWN + 1)]
    by_owner = {author.pk: AUTHORS_SHOWN + 1 - n for n, author in enumerate(authors)}
    authors[0].delete()

    with django_assert_num_queries(2):
        facet = _author_facet(by_owner, selected="writer02")

    assert [value.value for value in facet] == [f"writer{n:02d}" for n in range(1, 16)]
    assert [value.selected for value in facet[:2]] == [False, True]


def test_the_department_facet_counts_the_same_for_few_and_for_many_authors(monkeypatch):
    from search.query import facets
    from tests.factories import DepartmentFactory

    kitchen = DepartmentFactory(name="Kitchen crew", slug="kitchen-crew")
    garden = DepartmentFactory(name="Garden", slug="garden")
    people = [UserFactory(username=f"cook{n}") for n in range(5)]
    for n, person in enumerate(people):
        person.profile.department = kitchen if n < 3 else garden
        person.profile.save()
    by_owner = {person.pk: n + 1 for n, person in enumerate(people)}
    by_owner[people[0].pk + 1000] = 7  # an author without a profile any more

    looked_up = facets._department_facet(by_owner, "garden")
    monkeypatch.setattr(facets, "DEPARTMENT_LOOKUP_OWNERS", 2)
    read_all = facets._department_facet(by_owner, "garden")

    assert looked_up == read_all
    assert [(value.value, value.count, value.selected) for value in read_all] == [
        ("garden", 9, True),
        ("kitchen-crew", 6, False),
    ]
