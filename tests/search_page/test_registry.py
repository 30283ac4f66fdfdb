"""Search knows pages and people only through what their apps register (search.registry)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from search import registry
from search.query import PERSON_TYPE, search_content, suggest

pytestmark = pytest.mark.django_db


def test_the_page_hits_link_their_author_to_the_registered_person_page(reader, open_wiki):
    (hit,) = search_content(reader, "coffee").hits
    assert hit.author_url == f"/people/{open_wiki.owner.get_username()}/"


def test_the_registered_url_builder_decides_where_an_author_link_goes(
    monkeypatch, reader, open_wiki
):
    people = registry.people()
    assert people is not None
    moved = registry.People(
        people.model, people.department_model, lambda name: f"/u/{name}", people.name_of
    )
    monkeypatch.setitem(registry._registered, "people", moved)

    (hit,) = search_content(reader, "coffee").hits

    assert hit.author_url == f"/u/{open_wiki.owner.get_username()}"


def test_the_registered_name_rule_decides_how_authors_read(monkeypatch, reader, open_wiki):
    people = registry.people()
    assert people is not None
    shouting = registry.People(
        people.model, people.department_model, people.url_for, lambda user: "NAME"
    )
    monkeypatch.setitem(registry._registered, "people", shouting)

    results = search_content(reader, "coffee")

    assert results.hits[0].author_name == "NAME"
    assert [value.label for value in results.facets["author"]] == ["NAME"]


def test_without_registered_people_search_finds_pages_only(monkeypatch, reader, open_wiki):
    editor = open_wiki.owner.get_username()
    assert search_content(reader, editor).people_total == 1

    monkeypatch.delitem(registry._registered, "people")

    assert search_content(reader, editor).people_total == 0
    assert search_content(reader, editor, types=[PERSON_TYPE]).total == 0
    pages = search_content(reader, "coffee")
    assert [hit.title for hit in pages.hits] == ["Kitchen quarterly report"]
    assert pages.hits[0].author_url == ""


def test_search_without_registered_pages_says_which_app_must_register(monkeypatch, reader):
    monkeypatch.delitem(registry._registered, "pages")

    with pytest.raises(ImproperlyConfigured, match="register_pages"):
        search_content(reader, "coffee")
    with pytest.raises(ImproperlyConfigured, match="register_pages"):
        suggest(reader, "coffee")
