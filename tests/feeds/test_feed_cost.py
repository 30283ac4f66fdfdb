"""What a feed costs: a fixed number of queries whatever its length, conditional requests
answered before any entry is loaded, and bodies sanitized once per published revision."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blogs.models import BlogPostPage
from intranet.actions import remove_member, set_member_role, set_space_visibility
from intranet.models import Role, Visibility
from tests.factories import make_blog_post, make_wiki_page
from tests.feeds.conftest import parse

pytestmark = pytest.mark.django_db

# Measured on a cold cache (nothing cached yet, the expensive case): session, user and
# language (plus the session's first save), the change stamp, the scope's version, its space
# and blog, the post rows (twice when the recent window is short), the posts to render, their
# bodies and tags, the site, the wiki changes and their pages. The same limit holds for 10
# and for 60 entries, so nothing is loaded per entry.
MAX_QUERIES = 18

MAIN_FEEDS = [
    "/feeds/all.rss",
    "/feeds/spaces/open-kitchen/all.atom",
    "/feeds/spaces/open-kitchen/blog.rss",
    "/feeds/spaces/open-kitchen/wiki.rss",
    "/feeds/people/editor.rss",
    "/feeds/tags/batch.atom",
    "/feeds/search.rss?q=batch",
]


def add_content(blog, space, editor, posts: int, pages: int) -> None:
    """`posts` tagged posts, each with a link to make absolute, and `pages` wiki pages."""
    for n in range(posts):
        # Tagged before its first publish: one revision per post, as the composer makes it
        # (publishing a second time only to add the tags doubled this test's run time).
        post = BlogPostPage(
            title=f"Batch post {n}",
            body=f'<p>Batch {n} <a href="/spaces/">link</a></p>',
            owner=editor,
        )
        blog.add_child(instance=post)
        post.tags.add("batch", f"extra{n % 3}")
        post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    for n in range(pages):
        make_wiki_page(space, f"Batch page {n}", f"<p>Batch wiki {n}</p>", author=editor)


def entry_count(client, path: str) -> int:
    return len(parse(client.get(path)).entries)


def test_each_main_feed_costs_the_same_queries_for_10_and_60_entries(
    open_blog, open_space, editor, reader, client_for, django_assert_max_num_queries
):
    client = client_for(reader)
    add_content(open_blog, open_space, editor, posts=10, pages=10)
    small = {}
    for path in MAIN_FEEDS:
        # Cold caches (no bodies cached yet) are the expensive case: measure that.
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            small[path] = entry_count(client, path)
        assert small[path] >= 10, (path, len(captured))
    from django.core.cache import cache

    cache.clear()
    add_content(open_blog, open_space, editor, posts=50, pages=50)
    for path in MAIN_FEEDS:
        with django_assert_max_num_queries(MAX_QUERIES):
            assert entry_count(client, path) > small[path], path


def test_a_304_runs_only_the_cheap_version_query(
    open_blog, open_space, editor, reader, token_of, reader_client
):
    add_content(open_blog, open_space, editor, posts=3, pages=3)
    token = token_of(reader)
    for path in (
        "/feeds/all.rss",
        "/feeds/spaces/open-kitchen/all.atom",
        "/feeds/spaces/open-kitchen/blog.rss",  # its link (the blog page) is not looked up
        "/feeds/tags/batch.rss",
    ):
        first = reader_client.get(path, {"token": token})
        assert first.status_code == 200
        with CaptureQueriesContext(connection) as captured:
            again = reader_client.get(path, {"token": token}, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        assert again.content == b""
        sql = " ".join(query["sql"] for query in captured.captured_queries)
        # No entry is loaded: no post, no tag, no wiki change, no body.
        assert "blogs_blogpostpage" not in sql
        assert "taggit_tag" not in sql
        assert 'wagtailcore_pagelogentry"."action"' not in sql
        # Token, the change stamp and at most the scope's space.
        assert len(captured) <= 4, [query["sql"][:120] for query in captured.captured_queries]


def test_bodies_are_sanitized_once_per_published_revision(
    open_blog, editor, reader, client_for, monkeypatch
):
    from feeds.scopes import FeedScope

    post = make_blog_post(
        open_blog, "Sanitized", "<p>First <script>x()</script></p>", author=editor
    )
    client = client_for(reader)
    calls = []
    original = FeedScope.sanitize

    def counting(self, html):
        calls.append(html)
        return original(self, html)

    monkeypatch.setattr(FeedScope, "sanitize", counting)
    first = parse(client.get("/feeds/spaces/open-kitchen/blog.atom")).entries[0]
    assert "First" in first.content[0].value and "script" not in first.content[0].value
    assert len(calls) == 1
    with CaptureQueriesContext(connection) as captured:
        parse(client.get("/feeds/spaces/open-kitchen/blog.rss"))
    assert len(calls) == 1, "the second fetch must use the cached body"
    assert not any('"blogs_blogpostpage"."body"' in q["sql"] for q in captured.captured_queries)

    post.body = "<p>Second version</p>"
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    again = parse(client.get("/feeds/spaces/open-kitchen/blog.atom")).entries[0]
    assert "Second version" in again.content[0].value
    assert len(calls) == 2


def test_a_shared_body_cache_never_shows_an_outsider_a_hidden_post(
    private_space, editor, reader, outsider, client_for
):
    from blogs.actions import ensure_space_blog

    blog = ensure_space_blog(private_space, actor=editor)
    post = make_blog_post(blog, "Quokka plans", "<p>Hidden body</p>", author=editor)
    post.tags.add("shared")
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    assert b"Hidden body" in client_for(reader).get("/feeds/tags/shared.rss").content
    for path in ("/feeds/tags/shared.rss", "/feeds/all.atom", "/feeds/people/editor.rss"):
        response = client_for(outsider).get(path)
        assert b"Hidden body" not in response.content and b"Quokka" not in response.content


def conditional(client, path: str, etag: str):
    return client.get(path, HTTP_IF_NONE_MATCH=etag)


def test_a_deleted_or_unpublished_post_ends_the_304(open_blog, editor, reader, client_for):
    first = make_blog_post(open_blog, "One", author=editor)
    second = make_blog_post(open_blog, "Two", author=editor)
    client = client_for(reader)
    path = "/feeds/spaces/open-kitchen/blog.rss"
    etag = client.get(path)["ETag"]
    assert conditional(client, path, etag).status_code == 304
    second.unpublish(user=editor)
    response = conditional(client, path, etag)
    assert response.status_code == 200
    assert [entry.title for entry in parse(response).entries] == ["One"]
    etag = response["ETag"]
    first.delete()
    response = conditional(client, path, etag)
    assert response.status_code == 200
    assert parse(response).entries == []


def test_membership_and_visibility_changes_end_the_304(
    private_space, space_admin, editor, outsider, reader, client_for
):
    from blogs.actions import ensure_space_blog

    blog = ensure_space_blog(private_space, actor=editor)
    make_blog_post(blog, "Quokka plans", author=editor)
    client = client_for(outsider)
    path = "/feeds/all.rss"
    etag = client.get(path)["ETag"]
    assert conditional(client, path, etag).status_code == 304
    set_member_role(private_space, outsider, Role.READER, actor=space_admin)
    joined = conditional(client, path, etag)
    assert joined.status_code == 200 and b"Quokka plans" in joined.content
    remove_member(private_space, outsider, actor=space_admin)
    left = conditional(client, path, joined["ETag"])
    assert left.status_code == 200 and b"Quokka plans" not in left.content
    set_space_visibility(private_space, Visibility.OPEN, actor=space_admin)
    opened = conditional(client, path, left["ETag"])
    assert opened.status_code == 200 and b"Quokka plans" in opened.content


def test_a_change_elsewhere_keeps_a_spaces_304(
    open_blog, private_space, editor, reader, client_for
):
    make_blog_post(open_blog, "Kitchen news", author=editor)
    client = client_for(reader)
    path = "/feeds/spaces/open-kitchen/blog.rss"
    etag = client.get(path)["ETag"]
    make_wiki_page(private_space, "Elsewhere", author=editor)
    assert conditional(client, path, etag).status_code == 304
    make_blog_post(open_blog, "More kitchen news", author=editor)
    assert conditional(client, path, etag).status_code == 200
