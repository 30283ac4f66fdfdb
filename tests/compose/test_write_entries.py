"""The "Write a post" entries: plain links to the composer (never forms, never the admin) on
home, on every space where I may write, on my blog and on all blogs."""

from __future__ import annotations

import re

import pytest

from blogs.actions import start_personal_blog

pytestmark = pytest.mark.django_db


def write_links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="(/blogs/-/write/[^"]*)"', html)


def test_home_offers_writing(client_for, employee, site_tree):
    html = client_for(employee).get("/").content.decode()
    assert "/blogs/-/write/" in write_links(html)


def test_a_space_offers_writing_above_everything_else_to_its_writers(
    client_for, editor, reader, open_space
):
    html = client_for(editor).get(open_space.url).content.decode()
    link = f"/blogs/-/write/?space={open_space.slug}"
    assert link in write_links(html)
    # In the space's header, before its sections.
    assert html.index(link) < html.index("space-follow")
    assert write_links(client_for(reader).get(open_space.url).content.decode()) == []


def test_my_blog_and_all_blogs_offer_writing(client_for, employee, site_tree):
    blog = start_personal_blog(employee)
    client = client_for(employee)
    assert "/blogs/-/write/" in write_links(client.get(blog.url).content.decode())
    assert "/blogs/-/write/" in write_links(client.get("/blogs/").content.decode())


def test_a_space_blog_offers_writing_in_that_space(client_for, editor, open_blog, open_space):
    html = client_for(editor).get(open_blog.url).content.decode()
    assert f"/blogs/-/write/?space={open_space.slug}" in write_links(html)


def test_a_post_offers_its_author_the_composer_not_the_admin(client_for, editor, open_post):
    html = client_for(editor).get(open_post.url).content.decode()
    card = re.search(r'<h2>Your post</h2><a [^>]*href="([^"]+)"', html)
    assert card is not None and card.group(1) == f"/blogs/-/posts/{open_post.pk}/edit/"
