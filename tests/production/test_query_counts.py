"""Query-count guards: every list page costs the same number of queries at two data sizes.

One line per page in LIST_PAGES (name, URL path with `{space}` for the open space's URL).
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intranet.models import Role
from tests.factories import UserFactory, make_blog_post, make_space, make_wiki_page

# 27: the moderation entry of the menu asks once per person while its cache is cold, and
# the header shows the reader's avatar and (for site admins) the admin link.
MAX_QUERIES = 27

LIST_PAGES = [
    ("home", "/"),
    ("space index", "/spaces/"),
    ("space", "{space}"),
    ("space members", "{space}members/"),
    ("space blog", "{space}blog/"),
    ("all blogs", "/blogs/"),
    ("directory", "/people/"),
    ("org chart", "/org/"),
    ("notifications", "/notifications/"),
]


def grow(open_space, reader, batch: int) -> None:
    """Add `batch` of everything a list page lists: posts, wiki pages, people, spaces."""
    from blogs.actions import ensure_space_blog
    from intranet.actions import set_member_role

    blog = ensure_space_blog(open_space)
    for _ in range(batch):
        n = grow.counter = getattr(grow, "counter", 0) + 1
        author = UserFactory(username=f"grown{n}")
        set_member_role(open_space, author, Role.EDITOR)
        make_blog_post(blog, f"Post {n}", author=author)
        make_wiki_page(open_space, f"Wiki {n}", author=author)
        space = make_space(f"Grown space {n}", slug=f"grown-space-{n}")
        set_member_role(space, reader, Role.READER)


def queries_for(client, path: str) -> int:
    # Count a cold fragment cache each time: home caches its sections per view of the
    # intranet, and a warm cache would hide the queries this test guards.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.mark.parametrize(("name", "path"), LIST_PAGES, ids=[name for name, _ in LIST_PAGES])
def test_a_list_page_costs_the_same_queries_with_more_data(
    name, path, client_for, reader, open_space, private_space
):
    path = path.format(space=open_space.url)
    client = client_for(reader)
    grow(open_space, reader, 1)
    client.get(path)  # the first request fills per-session caches (language, etc.)
    small = queries_for(client, path)

    grow(open_space, reader, 5)
    large = queries_for(client, path)

    assert small <= MAX_QUERIES
    assert large == small, f"{name}: {small} queries with little data, {large} with more"
