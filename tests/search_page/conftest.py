"""Content for the search page's tests: the same words in an open and a private space."""

from __future__ import annotations

import pytest

from tests.factories import make_wiki_page


@pytest.fixture(autouse=True)
def fresh_search_index(settings, tmp_path):
    """On an index kept on disk (Whoosh), each test gets its own, as it gets its own
    database; on the database backend this changes nothing."""
    backends = {
        name: {**config, "PATH": str(tmp_path / f"index-{name}")} if "PATH" in config else config
        for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    settings.WAGTAILSEARCH_BACKENDS = backends
    settings.MODELSEARCH_BACKENDS = backends


@pytest.fixture
def open_wiki(open_space, editor):
    return make_wiki_page(
        open_space,
        "Kitchen quarterly report",
        "<p>The quarterly report of the kitchen about coffee machines.</p>",
        author=editor,
    )


@pytest.fixture
def private_wiki(private_space, editor):
    return make_wiki_page(
        private_space,
        "Quokka quarterly report",
        "<p>Secret quarterly report about the <b>quokka</b> merger.</p>",
        author=editor,
    )
