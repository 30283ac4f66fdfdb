"""The feeds themselves: what they show to whom, formats, HTTP behaviour and limits."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds.actions import revoke_feed_token
from intranet.actions import set_member_role
from intranet.models import Role
from tests.feeds.conftest import parse

pytestmark = pytest.mark.django_db

FEED_PATHS = [
    "/feeds/all",
    "/feeds/spaces/zanzibar-secret/all",
    "/feeds/spaces/zanzibar-secret/blog",
    "/feeds/spaces/zanzibar-secret/wiki",
    "/feeds/spaces/open-kitchen/all",
    "/feeds/people/editor",
    "/feeds/tags/quokka",
]


def fetch(client, path: str, token: str | None = None, **params):
    if token:
        params["token"] = token
    return client.get(path, params)


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


@pytest.mark.parametrize("suffix", [".rss", ".atom"])
@pytest.mark.parametrize("path", FEED_PATHS)
def test_every_feed_parses_without_errors_and_shows_a_members_content(
    content, reader, token_of, reader_client, path, suffix
):
    parsed = parse(fetch(reader_client, path + suffix, token_of(reader)))
    assert parsed.entries
    joined = " ".join(titles(parsed))
    if "open-kitchen" not in path:
        assert "Quokka" in joined


@pytest.mark.parametrize("suffix", [".rss", ".atom"])
def test_the_search_feed_parses_and_finds_a_members_post(
    content, reader, token_of, reader_client, suffix
):
    parsed = parse(fetch(reader_client, "/feeds/search" + suffix, token_of(reader), q="Quokka"))
    assert "Quokka acquisition" in titles(parsed)


def test_a_search_feed_never_shows_an_outsider_a_members_only_post(
    content, outsider, token_of, reader_client
):
    parsed = parse(fetch(reader_client, "/feeds/search.rss", token_of(outsider), q="Quokka"))
    assert parsed.entries == []


def test_a_search_feed_without_words_says_what_is_missing(content, reader, client_for):
    response = client_for(reader).get("/feeds/search.rss")
    assert response.status_code == 400
    assert b"?q=" in response.content


def test_a_search_feed_cleans_its_words_like_the_search_page(content, reader, client_for):
    client = client_for(reader)
    parsed = parse(client.get("/feeds/search.atom", {"q": '"Soup" (day)!'}))
    assert parsed.feed.title == "Search: Soup day"
    assert "Soup of the day" in titles(parsed)
    # The search page's subscribe link carries the same words, so both name one feed.
    page = client.get("/search/", {"q": '"Soup" (day)!'})
    assert page.context["feed_url"] == "/feeds/search/?q=Soup+day"


def test_a_search_feed_of_only_query_syntax_says_what_is_missing(content, reader, client_for):
    client = client_for(reader)
    for path in ("/feeds/search.rss", "/feeds/search/"):
        response = client.get(path, {"q": '* "" ()'})
        assert response.status_code == 400
        assert b"?q=" in response.content


def test_a_search_feed_lists_the_posts_and_pages_the_search_page_finds(
    content, open_space, editor, reader, outsider, client_for
):
    from search.query import search_content
    from tests.factories import make_wiki_page

    make_wiki_page(open_space, "Soup rota", "<p>Who cooks the soup.</p>", author=editor)
    for person in (reader, outsider):
        found = search_content(person, "soup", facets=False, people=False).hits
        page_urls = {
            "http://testserver" + hit.url
            for hit in found
            if hit.kind in ("blogs.blogpostpage", "wiki.wikipage")
        }
        parsed = parse(client_for(person).get("/feeds/search.rss", {"q": "soup"}))
        assert {entry.link for entry in parsed.entries} == page_urls
        assert len(page_urls) == 2


def test_a_non_members_token_sees_nothing_of_a_members_only_space(
    content, outsider, token_of, reader_client
):
    token = token_of(outsider)
    everything = fetch(reader_client, "/feeds/all.rss", token)
    assert b"Quokka" not in everything.content
    assert b"zanzibar" not in everything.content
    assert "Soup of the day" in titles(parse(everything))
    for kind in ("all", "blog", "wiki"):
        hidden = fetch(reader_client, f"/feeds/spaces/zanzibar-secret/{kind}.rss", token)
        missing = fetch(reader_client, f"/feeds/spaces/no-such-space/{kind}.rss", token)
        assert hidden.status_code == missing.status_code == 404
        assert b"Quokka" not in hidden.content and b"Zanzibar" not in hidden.content
    tag = fetch(reader_client, "/feeds/tags/quokka.atom", token)
    assert b"Quokka acquisition" not in tag.content


def test_a_revoked_token_sees_nothing_at_all(content, reader, token_of, reader_client):
    token = token_of(reader)
    assert fetch(reader_client, "/feeds/spaces/zanzibar-secret/all.rss", token).status_code == 200
    revoke_feed_token(reader)
    for path in ("/feeds/spaces/zanzibar-secret/all.rss", "/feeds/all.atom"):
        response = fetch(reader_client, path, token)
        assert response.status_code == 401
        assert b"Quokka" not in response.content


def test_a_regenerated_token_stops_the_old_urls_at_once(content, reader, token_of, reader_client):
    old = token_of(reader)
    new = token_of(reader)
    assert fetch(reader_client, "/feeds/all.rss", old).status_code == 401
    assert fetch(reader_client, "/feeds/all.rss", new).status_code == 200


def test_a_deactivated_users_token_stops_working(content, reader, token_of, reader_client):
    token = token_of(reader)
    reader.is_active = False
    reader.save()
    assert fetch(reader_client, "/feeds/all.rss", token).status_code == 401


@pytest.mark.parametrize("token", [None, "", "abc", "x" * 43, "x" * 500, "%00'\"<>"])
def test_missing_wrong_and_malformed_tokens_get_the_same_plain_401(content, reader_client, token):
    params = {} if token is None else {"token": token}
    hidden = reader_client.get("/feeds/spaces/zanzibar-secret/all.rss", params)
    missing = reader_client.get("/feeds/spaces/no-such-space/all.rss", params)
    assert hidden.status_code == missing.status_code == 401
    assert hidden.content == missing.content
    assert hidden["Content-Type"].startswith("text/plain")


def test_a_membership_change_applies_to_the_next_fetch(
    content, outsider, private_space, token_of, reader_client
):
    token = token_of(outsider)
    path = "/feeds/spaces/zanzibar-secret/all.rss"
    assert fetch(reader_client, path, token).status_code == 404
    set_member_role(private_space, outsider, Role.READER)
    assert "Quokka acquisition" in titles(parse(fetch(reader_client, path, token)))
    from intranet.models import Membership

    Membership.objects.filter(space=private_space, user=outsider).delete()
    assert fetch(reader_client, path, token).status_code == 404


def test_a_logged_in_browser_needs_no_token(content, reader, client_for):
    parsed = parse(client_for(reader).get("/feeds/spaces/zanzibar-secret/blog.atom"))
    assert titles(parsed) == ["Quokka acquisition"]


def test_a_feed_answers_only_get_and_head(content, reader, client_for):
    client = client_for(reader)
    assert client.post("/feeds/all.rss").status_code == 405
    assert client.head("/feeds/all.rss").status_code == 200


def test_an_unknown_person_and_an_inactive_one_are_both_404(
    content, reader, employee, token_of, reader_client
):
    token = token_of(reader)
    employee.is_active = False
    employee.save()
    assert fetch(reader_client, "/feeds/people/nobody.rss", token).status_code == 404
    assert fetch(reader_client, "/feeds/people/employee.rss", token).status_code == 404


def test_an_unknown_tag_is_an_empty_feed_so_tags_of_hidden_posts_stay_secret(
    content, outsider, token_of, reader_client
):
    token = token_of(outsider)
    unknown = parse(fetch(reader_client, "/feeds/tags/no-such-tag.rss", token))
    hidden = parse(fetch(reader_client, "/feeds/tags/quokka.rss", token))
    assert unknown.entries == hidden.entries == []


# --- entries --------------------------------------------------------------------------------


def test_a_post_entry_has_guid_absolute_link_author_dates_tags_and_sanitized_content(
    open_post, editor, reader, client_for
):
    open_post.body = '<p>Hi <a href="/spaces/">spaces</a><script>alert(1)</script></p>'
    open_post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    client = client_for(reader)
    rss = parse(client.get("/feeds/tags/cooking.rss")).entries[0]
    assert rss.id.startswith("tag:") and rss.id.endswith(f":post/{open_post.pk}")
    assert rss.link.startswith("http://testserver/spaces/open-kitchen/")
    assert rss.author == "Eddie Tor"
    assert rss.published_parsed and rss.updated_parsed
    assert [tag.term for tag in rss.tags] == ["cooking"]
    assert rss.summary == "Warm."
    assert 'href="http://testserver/spaces/"' in rss.content[0].value
    assert "script" not in rss.content[0].value
    atom = parse(client.get("/feeds/tags/cooking.atom")).entries[0]
    assert atom.id == rss.id
    assert atom.author_detail.href == "http://testserver/people/editor/"
    assert "script" not in atom.content[0].value


def test_a_header_image_is_an_enclosure(open_blog, editor, reader, client_for):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from tests.blogs.conftest import png_bytes
    from tests.factories import make_blog_post

    image = get_image_model()(title="Blue", file=ContentFile(png_bytes(), "blue.png"))
    image.save()
    make_blog_post(
        open_blog, "Pictured", author=editor, header_image=image, header_image_alt="Blue"
    )
    for suffix in (".rss", ".atom"):
        entry = parse(client_for(reader).get("/feeds/spaces/open-kitchen/blog" + suffix)).entries[0]
        enclosure = entry.enclosures[0]
        assert enclosure.href.startswith("http://testserver/")
        assert enclosure.type == "image/png"
        assert int(enclosure.length) > 0


def test_each_wiki_edit_is_an_entry_with_author_summary_and_diff_link(
    open_wiki_page, editor, reader, client_for
):
    revision = open_wiki_page.save_revision(user=editor)
    revision.publish(user=editor, skip_permission_checks=True)
    parsed = parse(client_for(reader).get("/feeds/spaces/open-kitchen/wiki.atom"))
    assert len(parsed.entries) == 2
    newest = parsed.entries[0]
    assert newest.id.endswith(f":wiki-revision/{revision.pk}")
    assert newest.author == "Eddie Tor"
    assert f"b={revision.pk}" in newest.link and newest.link.startswith("http://testserver/")
    assert newest.summary
    assert parsed.entries[1].title.startswith("New page")


# --- HTTP -----------------------------------------------------------------------------------


def test_a_conditional_repeat_gets_304_without_loading_entries(
    content, reader, token_of, reader_client, monkeypatch
):
    token = token_of(reader)
    first = fetch(reader_client, "/feeds/all.rss", token)
    assert first["ETag"] and first["Last-Modified"]

    def no_entries(scope):
        raise RuntimeError("a 304 must not load entries")

    monkeypatch.setattr("feeds.scopes.FeedScope.entries", no_entries)
    again = reader_client.get("/feeds/all.rss", {"token": token}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304, (first["ETag"], again.get("ETag"))
    assert again.content == b""
    since = reader_client.get(
        "/feeds/all.rss", {"token": token}, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    assert since.status_code == 304


def test_a_new_post_changes_the_etag(content, open_blog, editor, reader, client_for):
    from tests.factories import make_blog_post

    client = client_for(reader)
    etag = client.get("/feeds/all.rss")["ETag"]
    make_blog_post(open_blog, "Fresh", author=editor)
    response = client.get("/feeds/all.rss", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_the_subscriptions_page_offers_a_tag_from_its_publish_to_its_unpublish(
    open_blog, editor, reader, client_for
):
    from tests.factories import make_blog_post

    client = client_for(reader)
    post = make_blog_post(open_blog, "Stew", author=editor)
    assert "/feeds/tags/stew" not in client.get("/feeds/").content.decode()
    post.tags.add("stew")
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    assert "/feeds/tags/stew" in client.get("/feeds/").content.decode()
    post.unpublish(user=editor)
    assert "/feeds/tags/stew" not in client.get("/feeds/").content.decode()


def test_two_users_never_share_an_etag_or_a_shared_cache_entry(
    content, reader, outsider, client_for
):
    mine = client_for(reader).get("/feeds/all.rss")
    theirs = client_for(outsider).get("/feeds/all.rss")
    assert mine["ETag"] != theirs["ETag"]
    for response in (mine, theirs):
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_the_token_records_when_it_was_last_used(content, reader, token_of, reader_client):
    from feeds.models import FeedToken

    token = token_of(reader)
    assert FeedToken.objects.get(user=reader).last_used_at is None
    fetch(reader_client, "/feeds/all.rss", token)
    assert FeedToken.objects.get(user=reader).last_used_at is not None


# --- limits ---------------------------------------------------------------------------------


@pytest.fixture
def many_posts(open_blog, editor):
    from tests.factories import make_blog_post

    return [make_blog_post(open_blog, f"Post {n}", author=editor) for n in range(12)]


def test_limit_picks_how_many_entries(many_posts, reader, client_for):
    client = client_for(reader)
    assert len(parse(client.get("/feeds/spaces/open-kitchen/blog.rss?limit=5")).entries) == 5
    assert len(parse(client.get("/feeds/spaces/open-kitchen/blog.rss")).entries) == 12


def test_a_limit_over_200_is_cut_to_200(many_posts, reader, client_for):
    response = client_for(reader).get("/feeds/spaces/open-kitchen/blog.rss?limit=10000")
    assert len(parse(response).entries) == 12


@pytest.mark.parametrize("limit", ["abc", "-1", "0", "1.5", "9" * 5000])
def test_a_nonsense_limit_is_a_plain_400(content, reader, client_for, limit):
    response = client_for(reader).get("/feeds/all.rss", {"limit": limit})
    assert response.status_code == 400
    assert b"limit" in response.content


def test_a_feed_costs_the_same_queries_for_10_and_200_posts(open_blog, editor, reader, client_for):
    from tests.factories import make_blog_post

    client = client_for(reader)

    def queries() -> int:
        from django.core.cache import cache

        cache.clear()  # entries and versions are cached: compare two cold requests
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/feeds/spaces/open-kitchen/all.rss?limit=200")
        assert response.status_code == 200
        return len(captured)

    for n in range(10):
        make_blog_post(open_blog, f"Early {n}", author=editor).tags.add("t")
    queries()  # warm the per-process caches (site root paths, content types)
    at_10 = queries()
    for n in range(190):
        make_blog_post(open_blog, f"Later {n}", author=editor)
    assert queries() == at_10


def test_a_feed_readers_enclosure_opens_without_a_session_only_while_the_reader_may_see_it(
    private_blog, private_space, editor, reader, token_of
):
    from django.core.files.base import ContentFile
    from django.test import Client
    from wagtail.images import get_image_model

    from intranet.actions import remove_member
    from tests.blogs.conftest import png_bytes
    from tests.factories import make_blog_post

    image = get_image_model()(title="Plan", file=ContentFile(png_bytes(), "plan.png"))
    image.save()
    make_blog_post(
        private_blog, "Pictured", author=editor, header_image=image, header_image_alt="Plan"
    )
    reader_app = Client()  # a feed reader: no session, only the token
    feed = reader_app.get(f"/feeds/spaces/{private_space.slug}/blog.rss?token={token_of(reader)}")
    href = parse(feed).entries[0].enclosures[0].href.removeprefix("http://testserver")
    assert reader_app.get(href).status_code == 200
    assert Client().get(href.split("?")[0]).status_code == 302  # no grant: log in first
    remove_member(private_space, reader)
    assert reader_app.get(href).status_code == 404
