"""Comment, react and follow without a page load, and the profile that loses nothing: the
blog fixtures (spaces' blogs, posts, personas), the browser fixtures, and a client that
sends forms the way intranet/js/enhance.js does."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.blogs.conftest import (  # noqa: F401
    author_colleague,
    fresh_rate_limits,
    open_post,
    personal_blog,
    private_post,
)

# What the script sends with every form it takes over.
FETCH = {"HTTP_ACCEPT": "text/html; fragment", "HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def fetch_for():
    """`fetch_for(user)`: `post(url, data)` as the page's script sends it, logged in as
    `user` (or anonymous with None)."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)

        def post(url: str, data: dict | None = None):
            return client.post(url, data or {}, **FETCH)

        return post

    return make
