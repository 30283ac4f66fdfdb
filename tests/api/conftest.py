"""Content in an open and a members-only space, and API clients with tokens.

`editor` writes in both spaces; `reader` is a member of both; `outsider` of neither;
`site_admin` sees everything. `api(user, scope)` is a test client that sends a fresh token
of that user with every request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from api.actions import create_api_token
from tests.factories import make_blog_post, make_wiki_page


@pytest.fixture
def make_token() -> Callable:
    """`make_token(user, scope="read", **kw)`: a new token of `user`, as (ApiToken, raw)."""

    def make(user, scope: str = "read", **kwargs):
        kwargs.setdefault("name", f"{user.get_username()} {scope}")
        return create_api_token(user, scope=scope, **kwargs)

    return make


@pytest.fixture
def api(make_token) -> Callable:
    """`api(user, scope="read")`: a client whose every request carries a token of `user`."""

    def make(user, scope: str = "read") -> Client:
        _token, raw = make_token(user, scope)
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


@pytest.fixture
def open_post(open_blog, editor):
    return make_blog_post(open_blog, "Soup of the day", "<p>Lentils and lemon.</p>", author=editor)


@pytest.fixture
def private_post(private_blog, editor):
    return make_blog_post(
        private_blog, "Quokka launch plan", "<p>Zanzibar quokkas at dawn.</p>", author=editor
    )


@pytest.fixture
def open_wiki(open_space, editor):
    return make_wiki_page(open_space, "Kitchen rules", "<p>Clean the kettle.</p>", author=editor)


@pytest.fixture
def private_wiki(private_space, editor):
    return make_wiki_page(
        private_space, "Quokka roadmap", "<p>Secret quokka milestones.</p>", author=editor
    )


@pytest.fixture
def content(open_post, private_post, open_wiki, private_wiki):
    return {
        "open_post": open_post,
        "private_post": private_post,
        "open_wiki": open_wiki,
        "private_wiki": private_wiki,
    }
