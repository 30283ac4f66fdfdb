"""The all-blogs page, a blog's index and the home/space teasers: visibility, filters,
pagination and a constant number of queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blogs.models import BlogPostPage
from tests.factories import make_blog_post


def test_all_blogs_shows_posts_from_spaces_and_personal_blogs_to_a_member(
    client_for, reader, open_post, private_post, personal_post
):
    response = client_for(reader).get("/blogs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Soup of the day" in body
    assert "Quokka acquisition" in body
    assert "My first week" in body


def test_all_blogs_hides_members_only_posts_from_an_outsider(
    client_for, outsider, open_post, private_post
):
    response = client_for(outsider).get("/blogs/")
    body = response.content.decode()
    assert "Soup of the day" in body
    assert "Quokka" not in body
    assert "Zanzibar" not in body  # not even the space's name in the filter list


def test_all_blogs_refuses_post(client_for, reader, open_post):
    assert client_for(reader).post("/blogs/").status_code == 405


def test_all_blogs_requires_login(client, open_post):
    response = client.get("/blogs/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_space_blog_answers_404_to_an_outsider(client_for, outsider, private_blog):
    assert client_for(outsider).get(private_blog.url).status_code == 404


def test_a_space_blog_lists_its_posts_to_a_member(client_for, reader, private_post):
    response = client_for(reader).get(private_post.get_parent().url)
    assert response.status_code == 200
    assert "Quokka acquisition" in response.content.decode()


def test_a_blog_index_refuses_post(client_for, reader, open_post):
    assert client_for(reader).post(open_post.get_parent().url).status_code == 405


def test_the_tag_filter_keeps_only_tagged_posts(client_for, reader, open_blog, editor):
    tagged = make_blog_post(open_blog, "Tagged soup", author=editor)
    tagged.tags.add("recipes")
    tagged.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    make_blog_post(open_blog, "Untagged stew", author=editor)
    body = client_for(reader).get("/blogs/?tag=Recipes").content.decode()
    assert "Tagged soup" in body
    assert "Untagged stew" not in body


def test_the_month_filter_keeps_only_that_months_posts(client_for, reader, open_blog, editor):
    make_blog_post(open_blog, "March post", author=editor, date=datetime(2026, 3, 5, tzinfo=UTC))
    make_blog_post(open_blog, "April post", author=editor, date=datetime(2026, 4, 5, tzinfo=UTC))
    body = client_for(reader).get(f"{open_blog.url}?month=2026-03").content.decode()
    assert "March post" in body
    assert "April post" not in body


def test_a_nonsense_month_is_ignored_not_an_error(client_for, reader, open_post):
    response = client_for(reader).get("/blogs/?month=20x6-99&page=zebra")
    assert response.status_code == 200
    assert "Soup of the day" in response.content.decode()


def test_the_author_filter_is_the_authors_page_across_blogs(
    client_for, reader, open_post, personal_post, private_post
):
    body = client_for(reader).get("/blogs/?author=editor").content.decode()
    assert "Posts by Eddie Tor" in body
    assert "Soup of the day" in body
    assert "Quokka acquisition" in body
    assert "My first week" not in body


def test_the_author_filter_never_shows_an_outsider_the_authors_hidden_posts(
    client_for, outsider, open_post, private_post
):
    body = client_for(outsider).get("/blogs/?author=editor").content.decode()
    assert "Soup of the day" in body
    assert "Quokka" not in body


def test_filtering_by_a_space_the_reader_cannot_see_shows_nothing(
    client_for, outsider, open_post, private_post
):
    body = client_for(outsider).get("/blogs/?space=zanzibar-secret").content.decode()
    assert "Quokka" not in body
    assert "Soup of the day" not in body
    assert "No posts match these filters." in body


def test_the_space_filter_keeps_one_spaces_posts(client_for, reader, open_post, private_post):
    body = client_for(reader).get("/blogs/?space=open-kitchen").content.decode()
    assert "Soup of the day" in body
    assert "Quokka" not in body


def test_drafts_are_not_listed(client_for, reader, open_blog, editor):
    from blogs.models import BlogPostPage

    draft = BlogPostPage(title="Half-baked idea", owner=editor, live=False)
    open_blog.add_child(instance=draft)
    draft.save_revision(user=editor)
    assert "Half-baked" not in client_for(reader).get("/blogs/").content.decode()
    assert client_for(reader).get(draft.url).status_code == 404


def test_the_listing_is_paginated(client_for, reader, open_blog, editor):
    for n in range(14):
        make_blog_post(open_blog, f"Numbered post {n:02d}", author=editor)
    first = client_for(reader).get(open_blog.url).content.decode()
    second = client_for(reader).get(f"{open_blog.url}?page=2").content.decode()
    assert "Numbered post 13" in first and "Numbered post 00" not in first
    assert "Numbered post 00" in second


def test_home_and_space_pages_show_newest_posts_the_reader_may_see(
    client_for, outsider, reader, open_space, open_post, private_post
):
    home = client_for(outsider).get("/").content.decode()
    assert "Soup of the day" in home and "Quokka" not in home
    space = client_for(reader).get(open_space.url).content.decode()
    assert "Soup of the day" in space


def test_listing_for_is_newest_first_and_visible_only(outsider, reader, open_post, private_post):
    assert list(BlogPostPage.listing_for(outsider)) == [open_post]
    assert list(BlogPostPage.listing_for(reader)) == [private_post, open_post]
    assert list(BlogPostPage.listing_for(reader, tag="nothing")) == []
    assert list(BlogPostPage.listing_for(reader, author=reader)) == []


def _bulk_posts(blog, author, count: int, image=None) -> None:
    """Many live posts, fast: tree paths are written directly instead of through add_child
    (Django cannot bulk-create multi-table pages, so each is one plain save)."""
    from django.contrib.contenttypes.models import ContentType

    from blogs.models import BlogPostTag

    siblings = BlogPostPage.objects.filter(path__startswith=blog.path, depth=blog.depth + 1)
    last = siblings.order_by("-path").first()
    start = int(last.path[-4:], 36) if last else 0
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    tag = _tag()
    for n in range(start + 1, start + count + 1):
        post = BlogPostPage(
            title=f"Bulk {n}",
            slug=f"bulk-{n}",
            path=blog.path + _base36(n).rjust(4, "0"),
            depth=blog.depth + 1,
            numchild=0,
            url_path=f"{blog.url_path}bulk-{n}/",
            live=True,
            owner=author,
            content_type=content_type,
            locale_id=blog.locale_id,
            header_image=image if n % 2 else None,
        )
        post.save(clean=False)
        if n % 3 == 0:
            BlogPostTag.objects.create(content_object=post, tag=tag)
    type(blog).objects.filter(pk=blog.pk).update(numchild=start + count)


def _tag():
    from taggit.models import Tag

    return Tag.objects.get_or_create(name="bulk", defaults={"slug": "bulk"})[0]


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out or "0"


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/blogs/", "blog_index", "/blogs/?tag=bulk"])
def test_listings_cost_the_same_queries_for_ten_and_many_posts(
    client_for, reader, open_blog, editor, header_image, url
):
    client = client_for(reader)
    target = open_blog.url if url == "blog_index" else url
    _bulk_posts(open_blog, editor, 10, header_image)
    client.get(target)  # warm the session and site caches
    few = _queries_for(client, target)
    _bulk_posts(open_blog, editor, 200, header_image)
    many = _queries_for(client, target)
    assert BlogPostPage.objects.count() == 210
    assert few == many


def test_a_space_page_offers_its_editors_a_way_to_write(
    client_for, editor, moderator, space_admin, reader, open_space
):
    for writer in (editor, moderator, space_admin):
        page = client_for(writer).get(open_space.url).content.decode()
        assert "Write a post in this space" in page, writer
    assert (
        "Write a post in this space" not in client_for(reader).get(open_space.url).content.decode()
    )
