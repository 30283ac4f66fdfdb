"""Any tag text works on every page that links a tag: the blog listing's filter, the post
page, /feeds/ and its OPML, the tag's RSS and Atom feeds and its subscribe dialog, and the
search page (the search feed's links). "CI/CD" once made /feeds/ and OPML answer 500 for
everyone who could see the post.

Each example tags a visible post, then follows the links the pages themselves give (never a
URL built by the test), so a link that does not lead back to its tag fails too."""

from __future__ import annotations

import html
import re

import feedparser
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.factories import make_blog_post

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What an editor can type as a tag: printable text of any script, with the characters that
# mean something in URLs, paths and markup. The editor's tag field strips the ends.
tag_names = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
HREF = re.compile(r'href="([^"]*)"')
FORMAT = re.compile(r"\.(rss|atom)(?=\?|$)")


@pytest.fixture
def tagged_post(open_space, editor):
    from blogs.actions import ensure_space_blog

    blog = ensure_space_blog(open_space, actor=editor)
    return make_blog_post(blog, "Tagged post", "<p>Deploys.</p>", author=editor)


def _retag(post, editor, tag: str) -> None:
    post.tags.set([tag])
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)


def _links(page: str) -> list[str]:
    return [html.unescape(href) for href in HREF.findall(page)]


def _get(client, url: str, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return response


def _feed_titles(client, url: str) -> list[str]:
    parsed = feedparser.parse(_get(client, url).content)
    assert parsed.bozo == 0, (url, parsed.get("bozo_exception"))
    return [entry.title for entry in parsed.entries]


@FUZZ
@given(tag=tag_names)
@example(tag="CI/CD")
@example(tag="..")
@example(tag=".")
@example(tag="a/../b")
@example(tag="100%")
@example(tag="%2F")
@example(tag="C++ & <b>")
@example(tag="what?#now")
@example(tag='"quoted"')
def test_any_tag_works_on_every_page_that_links_a_tag(tag, tagged_post, editor, reader, client_for):
    _retag(tagged_post, editor, tag)
    client = client_for(reader)

    # The post page links its tag to the blog listing's filter.
    post_page = _get(client, tagged_post.url).content.decode()
    filters = [link for link in _links(post_page) if link.startswith("/blogs/?tag=")]
    assert filters, "the post page links its tag"
    listing = _get(client, filters[0]).content.decode()
    assert "Tagged post" in listing

    # The filtered listing announces and offers the tag's feed.
    feeds = [link for link in _links(listing) if "/feeds/tags/" in link and ".rss" in link]
    assert feeds, "the filtered listing announces the tag's feed"
    assert _feed_titles(client, feeds[0]) == ["Tagged post"]
    dialogs = [link for link in _links(listing) if "/feeds/tags/" in link and link.endswith("/")]
    assert dialogs, "the filtered listing's feed button opens the subscribe dialog"
    dialog = _get(client, dialogs[0]).content.decode()

    # The dialog, /feeds/ and OPML give the same feeds, RSS and Atom.
    dialog_feeds = [link for link in _links(dialog) if "/feeds/tags/" in link]
    assert {".rss", ".atom"} <= {FORMAT.search(link).group(0) for link in dialog_feeds}
    for link in dialog_feeds:
        assert _feed_titles(client, link) == ["Tagged post"]
    subscriptions = _get(client, "/feeds/").content.decode()
    for link in _links(subscriptions):
        if "/feeds/tags/" in link:
            assert _feed_titles(client, link) == ["Tagged post"]
    client.post("/feeds/token/")
    opml = _get(client, "/feeds/subscriptions.opml").content.decode()
    opml_feeds = [html.unescape(url) for url in re.findall(r'xmlUrl="([^"]*/tags/[^"]*)"', opml)]
    assert len(opml_feeds) == 1
    assert _feed_titles(client, opml_feeds[0]) == ["Tagged post"]

    # The search page for the tag's words (its feed links) answers.
    search = client.get("/search/", {"q": tag})
    assert search.status_code == 200
