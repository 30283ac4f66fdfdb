"""Feeds tell each reader no more than the web pages do: bodies with links to members-only
pages, teasers, conditional requests after removals, and feed buttons that work in readers."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_blog_post
from tests.feeds.conftest import parse

pytestmark = pytest.mark.django_db


# --- bodies: what the post's page shows to this reader ------------------------------------


@pytest.fixture
def hidden_post(private_blog, editor):
    return make_blog_post(
        private_blog, "Quokka merger plan", "<p>Buy every quokka.</p>", author=editor
    )


@pytest.fixture
def linking_post(open_blog, editor, hidden_post):
    """An open post whose body links (page chooser) to a members-only post, once inside a
    sentence and once alone in a paragraph (a preview card for members)."""
    body = (
        f'<p>Read <a linktype="page" id="{hidden_post.pk}">the secret plan</a> today.</p>'
        f'<p><a linktype="page" id="{hidden_post.pk}">card text</a></p>'
    )
    post = make_blog_post(open_blog, "Kitchen news", body, author=editor, teaser="")
    post.tags.add("kitchen")
    post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    return post


SCOPES = [
    "/feeds/tags/kitchen",
    "/feeds/all",
    "/feeds/search",
    "/feeds/spaces/open-kitchen/blog",
    "/feeds/people/editor",
]


def feed_of(client, scope: str, suffix: str):
    params = {"q": "Kitchen news"} if scope.endswith("search") else {}
    return client.get(scope + suffix, params)


def kitchen_entry(parsed):
    entries = [entry for entry in parsed.entries if entry.title == "Kitchen news"]
    assert len(entries) == 1, [entry.title for entry in parsed.entries]
    return entries[0]


@pytest.mark.parametrize("suffix", [".rss", ".atom"])
@pytest.mark.parametrize("scope", SCOPES)
def test_an_outsiders_feed_shows_a_link_to_a_hidden_post_as_plain_text_like_the_page(
    linking_post, hidden_post, reader, outsider, client_for, scope, suffix
):
    hidden_path = hidden_post.url  # /spaces/zanzibar-secret/blog/quokka-merger-plan/
    page = client_for(outsider).get(linking_post.url).content.decode()
    assert "the secret plan" in page and hidden_path not in page

    # A member first, so that a shared cache would hand the member's body to the outsider.
    member = kitchen_entry(parse(feed_of(client_for(reader), scope, suffix)))
    assert hidden_path in member.content[0].value
    assert "Quokka merger plan" in member.content[0].value  # the card

    response = feed_of(client_for(outsider), scope, suffix)
    outsider_entry = kitchen_entry(parse(response))
    assert "the secret plan" in outsider_entry.content[0].value
    assert hidden_path not in response.content.decode()
    assert "Quokka" not in response.content.decode()
    assert "zanzibar" not in response.content.decode().lower()


def test_an_outsider_fetching_first_does_not_hide_the_link_from_a_member(
    linking_post, hidden_post, reader, outsider, client_for
):
    outsider_body = kitchen_entry(parse(client_for(outsider).get("/feeds/all.atom")))
    assert hidden_post.url not in outsider_body.content[0].value
    member_body = kitchen_entry(parse(client_for(reader).get("/feeds/all.atom")))
    assert hidden_post.url in member_body.content[0].value


def test_a_linked_post_moved_out_of_sight_disappears_from_a_cached_feed_body(
    linking_post, open_blog, private_blog, editor, outsider, client_for
):
    visible = make_blog_post(open_blog, "Soon hidden", "<p>Moving.</p>", author=editor)
    linking_post.body = f'<p>See <a linktype="page" id="{visible.pk}">this</a>.</p>'
    linking_post.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    client = client_for(outsider)
    before = kitchen_entry(parse(client.get("/feeds/tags/kitchen.rss")))
    assert visible.url in before.content[0].value
    old_url = visible.url
    visible.move(private_blog, pos="last-child", user=editor)
    response = client.get("/feeds/tags/kitchen.rss")
    after = kitchen_entry(parse(response))
    assert "this" in after.content[0].value
    assert old_url not in response.content.decode()
    assert "zanzibar" not in response.content.decode().lower()


def test_a_search_feed_shows_a_wiki_pages_hidden_links_as_plain_text(
    open_space, private_space, editor, reader, outsider, client_for
):
    from tests.factories import make_wiki_page

    secret = make_wiki_page(private_space, "Quokka habitat", "<p>Rottnest.</p>", author=editor)
    make_wiki_page(
        open_space,
        "Pantry rules",
        f'<p>Pantry: see <a linktype="page" id="{secret.pk}">the habitat</a>.</p>',
        author=editor,
    )
    member = client_for(reader).get("/feeds/search.atom", {"q": "Pantry"}).content.decode()
    assert secret.url in member
    response = client_for(outsider).get("/feeds/search.atom", {"q": "Pantry"})
    parsed = parse(response)
    assert [entry.title for entry in parsed.entries] == ["Pantry rules"]
    assert "the habitat" in parsed.entries[0].content[0].value
    assert secret.url not in response.content.decode()


# --- teasers are plain text ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".rss", ".atom"])
def test_a_teaser_is_escaped_text_in_the_feed_as_on_the_page(
    open_blog, editor, reader, client_for, suffix
):
    post = make_blog_post(
        open_blog, "Markup teaser", author=editor, teaser="<b>bold</b> & <i>more</i>"
    )
    page = client_for(reader).get(post.url).content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    entry = parse(client_for(reader).get("/feeds/spaces/open-kitchen/blog" + suffix)).entries[0]
    # An HTML description: the reader shows the tags as text, never as bold.
    assert entry.summary_detail.type == "text/html"
    assert "<b>" not in entry.summary
    assert entry.summary == "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;more&lt;/i&gt;"


# --- conditional requests notice removals ------------------------------------------------


@pytest.mark.parametrize("removal", ["unpublish", "delete", "hide"])
def test_if_modified_since_alone_notices_a_removed_entry(
    open_blog, private_space, space_admin, editor, reader, outsider, client_for, removal
):
    from intranet.actions import set_member_role
    from intranet.models import Role

    make_blog_post(open_blog, "Stays", author=editor)
    going = make_blog_post(open_blog, "Goes", author=editor)
    set_member_role(private_space, outsider, Role.READER, actor=space_admin)
    from blogs.actions import ensure_space_blog

    make_blog_post(ensure_space_blog(private_space, actor=editor), "Members only", author=editor)
    client = client_for(outsider)
    path = "/feeds/all.rss"
    first = client.get(path)
    assert {"Stays", "Goes", "Members only"} <= {e.title for e in parse(first).entries}
    since = first["Last-Modified"]
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=since).status_code == 304

    if removal == "unpublish":
        going.unpublish(user=editor)
        gone = "Goes"
    elif removal == "delete":
        going.delete()
        gone = "Goes"
    else:
        from intranet.actions import remove_member

        remove_member(private_space, outsider, actor=space_admin)
        gone = "Members only"
    response = client.get(path, HTTP_IF_MODIFIED_SINCE=since)
    assert response.status_code == 200
    assert gone not in {entry.title for entry in parse(response).entries}
    assert response["Last-Modified"] != since
    again = client.get(path, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


# --- feed buttons and autodiscovery work in readers ---------------------------------------


def test_a_pages_feed_button_opens_a_dialog_that_makes_the_token_on_first_use(
    open_blog, open_space, editor, reader, client_for
):
    from django.test import Client

    from feeds.models import FeedToken

    client = client_for(reader)
    page = client.get(open_space.url).content.decode()
    assert 'href="/feeds/spaces/open-kitchen/all/"' in page
    dialog = client.get("/feeds/spaces/open-kitchen/all/")
    assert dialog.status_code == 200
    assert dialog["Cache-Control"] == "private, no-store"
    assert not FeedToken.objects.filter(user=reader).exists(), "a GET makes nothing"
    assert 'method="post"' in dialog.content.decode()

    made = client.post("/feeds/spaces/open-kitchen/all/")
    assert made.status_code == 302 and made["Location"] == "/feeds/spaces/open-kitchen/all/"
    token = FeedToken.objects.get(user=reader).token
    dialog = client.get("/feeds/spaces/open-kitchen/all/").content.decode()
    addresses = [
        f"http://testserver/feeds/spaces/open-kitchen/all.rss?token={token}",
        f"http://testserver/feeds/spaces/open-kitchen/all.atom?token={token}",
    ]
    for address in addresses:
        assert f'value="{address}"' in dialog  # a read-only field to copy from
        assert "data-copy-target" in dialog
        # A reader, with no session, gets the feed at that address.
        assert parse(Client().get(address)).feed.title

    client.post("/feeds/spaces/open-kitchen/all/")
    assert FeedToken.objects.get(user=reader).token == token, "a second use keeps the token"


def test_autodiscovery_gives_a_reader_ready_address_to_a_person_with_a_token(
    open_blog, open_space, reader, client_for, token_of
):
    from django.test import Client

    client = client_for(reader)
    without = client.get(open_space.url).content.decode()
    assert 'type="application/rss+xml"' in without and "token=" not in without
    token = token_of(reader)
    page = client.get(open_space.url).content.decode()
    address = f"http://testserver/feeds/spaces/open-kitchen/all.rss?token={token}"
    assert 'rel="alternate" type="application/rss+xml" title="Open Kitchen' in page
    assert f'href="{address}"' in page
    assert parse(Client().get(address)).feed.title


def test_a_subscribe_dialog_of_a_hidden_space_is_404_and_a_search_without_words_400(
    private_space, outsider, client_for
):
    client = client_for(outsider)
    assert client.get("/feeds/spaces/zanzibar-secret/all/").status_code == 404
    assert client.post("/feeds/spaces/zanzibar-secret/all/").status_code == 404
    assert client.get("/feeds/spaces/no-such-space/blog/").status_code == 404
    assert client.get("/feeds/search/").status_code == 400
    assert client.get("/feeds/search/", {"q": "soup"}).status_code == 200


def test_a_member_subscribes_to_a_members_only_space_with_working_reader_addresses(
    private_space, reader, client_for
):
    from django.test import Client

    client = client_for(reader)
    assert client.get("/feeds/spaces/zanzibar-secret/all/").status_code == 200
    client.post("/feeds/spaces/zanzibar-secret/all/")
    body = client.get("/feeds/spaces/zanzibar-secret/all/").content.decode()
    match = re.search(
        r'value="http://testserver(/feeds/spaces/zanzibar-secret/all\.rss\?token=[^"]+)"', body
    )
    assert match, body
    assert Client().get(match.group(1).replace("&amp;", "&")).status_code == 200


def test_a_subscribe_dialog_needs_a_login_and_answers_only_get_head_and_post(
    open_space, reader, client_for
):
    from django.test import Client

    anonymous = Client().get("/feeds/all/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(reader).put("/feeds/all/").status_code == 405


def test_the_subscribe_page_speaks_german_with_open_as_a_verb(client_for, reader, open_space):
    from feeds.actions import ensure_feed_token

    ensure_feed_token(reader)
    client = client_for(reader)
    client.post("/language/", {"language": "de", "next": "/"})
    body = client.get("/feeds/all/").content.decode()
    assert "Adressen für Ihren Feedreader" in body
    assert "Kopieren" in body and "Öffnen" in body and ">Offen<" not in body
