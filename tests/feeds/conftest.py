"""A post and a wiki page in each space, tokens for a member and an outsider.

`editor` writes in both spaces; `reader` is a member of both; `outsider` of neither."""

from __future__ import annotations

import feedparser
import pytest
from django.test import Client

from feeds.actions import regenerate_feed_token
from tests.factories import make_blog_post, make_wiki_page


def parse(response):
    """A feed response parsed by feedparser, after checking it is a 200 of valid XML."""
    assert response.status_code == 200, response.content[:300]
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


@pytest.fixture(autouse=True)
def _empty_cache():
    """Feeds cache bodies and versions; each test starts without the previous test's."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_post(open_blog, editor):
    post = make_blog_post(
        open_blog,
        "Soup of the day",
        '<p>Lentils and <a href="/spaces/">lemon</a>.</p>',
        author=editor,
        teaser="Warm.",
    )
    post.tags.add("cooking")
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    return post


@pytest.fixture
def private_post(private_blog, editor):
    post = make_blog_post(
        private_blog, "Quokka acquisition", "<p>Top secret plans.</p>", author=editor
    )
    post.tags.add("quokka")
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    return post


@pytest.fixture
def open_wiki_page(open_space, editor):
    return make_wiki_page(open_space, "Kitchen rules", "<p>Clean up.</p>", author=editor)


@pytest.fixture
def private_wiki_page(private_space, editor):
    return make_wiki_page(private_space, "Quokka habitat", "<p>Rottnest.</p>", author=editor)


@pytest.fixture
def content(open_post, private_post, open_wiki_page, private_wiki_page):
    return {
        "open_post": open_post,
        "private_post": private_post,
        "open_wiki_page": open_wiki_page,
        "private_wiki_page": private_wiki_page,
    }


@pytest.fixture
def token_of():
    """`token_of(user)`: a fresh feed token for that user, as a reader would send it."""

    def make(user) -> str:
        return regenerate_feed_token(user).token

    return make


@pytest.fixture
def reader_client():
    """A client with no session, like an RSS reader."""
    return Client()
