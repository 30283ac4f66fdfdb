"""Blog posts in search (found by their tags, never beyond what the reader may see) and
the date a scheduled post shows once it is published."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from search.query import search_content
from tests.factories import make_blog_post


def _tagged_post(blog, author, title, body, *tags):
    post = make_blog_post(blog, title, body, author=author)
    post.tags.add(*tags)
    post.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    return post


def _titles(user, query):
    return {hit.title for hit in search_content(user, query).hits}


def test_a_search_for_a_tag_word_finds_the_post(reader, editor, open_blog):
    _tagged_post(open_blog, editor, "Pipeline notes", "<p>What we changed.</p>", "kubernetes")
    _tagged_post(open_blog, editor, "Lunch menu", "<p>Soup.</p>", "food")
    titles = _titles(reader, "kubernetes")
    assert "Pipeline notes" in titles
    assert "Lunch menu" not in titles


def test_an_outsider_does_not_find_a_members_only_post_by_its_tag(
    reader, outsider, editor, private_blog
):
    _tagged_post(private_blog, editor, "Merger memo", "<p>Plans.</p>", "zeppelin")
    assert "Merger memo" in _titles(reader, "zeppelin")
    assert "Merger memo" not in _titles(outsider, "zeppelin")


def test_the_search_page_finds_a_post_by_its_tag(client_for, reader, outsider, editor, open_blog):
    _tagged_post(open_blog, editor, "Pipeline notes", "<p>What we changed.</p>", "kubernetes")
    body = client_for(reader).get("/search/", {"q": "kubernetes"}).content.decode()
    assert "Pipeline notes" in body


def test_a_scheduled_post_shows_its_publication_time_once_published(
    client_for, reader, editor, open_blog
):
    from django.core.management import call_command

    from blogs.models import BlogPostPage

    written = timezone.now() - timedelta(days=3)
    post = BlogPostPage(title="Launch day", body="<p>Go.</p>", owner=editor, date=written)
    open_blog.add_child(instance=post)
    go_live = timezone.now() + timedelta(hours=2)
    post.go_live_at = go_live
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    post.refresh_from_db()
    assert not post.live  # scheduled, not yet published
    assert client_for(reader).get(post.url).status_code == 404

    # Two hours later the scheduler publishes it.
    later = go_live + timedelta(minutes=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    post.refresh_from_db()
    assert post.live
    # The scheduled time (Wagtail keeps it to the millisecond), not the time it was written.
    assert post.date == post.go_live_at
    assert abs(post.date - go_live) < timedelta(seconds=1)
    body = client_for(reader).get(post.url).content.decode()
    assert f'datetime="{timezone.localtime(post.date).isoformat()}"' in body
    assert timezone.localtime(written).isoformat() not in body
    # Lists order it by its publication time, before older posts written after it.
    make_blog_post(open_blog, "Written yesterday", author=editor, date=written + timedelta(days=2))
    assert list(BlogPostPage.listing_for(reader).values_list("title", flat=True))[:2] == [
        "Launch day",
        "Written yesterday",
    ]


def test_an_ordinary_post_keeps_the_date_it_was_given(editor, open_blog):
    written = timezone.now() - timedelta(days=10)
    post = make_blog_post(open_blog, "Backdated", author=editor, date=written)
    assert post.date == written
