"""The outside view: crawl everything reachable from the home page, as an outsider and as a
member, and prove that nothing of a members-only space reaches the outsider — no page,
fragment, feed or JSON response contains its title or a marker word of its content."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import unquote_plus, urljoin, urlsplit

import pytest

from tests.factories import UserFactory, make_blog_post, make_space, make_wiki_page

pytestmark = pytest.mark.django_db

MARKERS = ["Zanzibar Secret", "Quokkaplan", "Platypusprotokoll", "Narwhalmemo"]
SKIP_PREFIXES = ("/accounts/logout", "/static/", "/media/", "/admin/", "/documents/")
# Surfaces that are reached by typing, not by links: search, suggestions, feeds.
EXTRA_URLS = [
    "/search/?q=Zanzibar",
    "/search/?q=Quokkaplan",
    "/search/?q=Platypusprotokoll",
    "/search/?q=Narwhalmemo",
    "/search/suggest/?q=Zanz",
    "/search/suggest/?q=Narw",
    "/feeds/",
    "/spaces/zanzibar-secret/",
    "/spaces/zanzibar-secret/members/",
    "/people/?q=Platypusprotokoll",
    "/people/?q=Quokkaplan",
    # Feeds (session-authenticated here; the token variants come from /feeds/'s links and
    # from test_feed_tokens_show_an_outsider_nothing_of_the_space below).
    "/feeds/all.rss",
    "/feeds/all.atom",
    "/feeds/subscriptions.opml",
    "/feeds/spaces/zanzibar-secret/all.rss",
    "/feeds/spaces/zanzibar-secret/blog.atom",
    "/feeds/spaces/zanzibar-secret/wiki.rss",
    "/feeds/people/insider.rss",
    "/feeds/people/insider.atom",
    "/feeds/search.rss?q=Quokkaplan",
    "/feeds/search.atom?q=Narwhalmemo",
    # JSON and fragments.
    "/search/suggest/?q=Quok",
    "/search/suggest/?q=Plat",
    "/healthz",
    # Profiles, activity and community pages of the space's members.
    "/people/insider/",
    "/people/insider/vcard/",
    "/people/keeper/",
    "/org/",
    "/wiki/spaces/zanzibar-secret/changes/",
    "/notifications/",
    "/dashboard/",
    "/dashboard.csv",
]
HREF = re.compile(r"""(?:href|src)=["']([^"'#]+)""")
MAX_PAGES = 600


@pytest.fixture
def intranet_with_a_secret(site_tree):
    from blogs.models import BlogIndexPage

    owner = UserFactory(username="keeper", first_name="Kim", last_name="Keeper")
    member = UserFactory(username="insider", first_name="Ina", last_name="Sider")
    outsider = UserFactory(username="stranger", first_name="Stan", last_name="Ranger")
    secret = make_space(
        "Zanzibar Secret",
        slug="zanzibar-secret",
        visibility="members",
        description="The Quokkaplan lives here.",
        actor=owner,
    )
    open_space = make_space("Bakery", slug="bakery", description="Bread for all", actor=owner)
    from feeds.actions import regenerate_feed_token
    from intranet.actions import set_member_role

    set_member_role(secret, member, "editor")
    set_member_role(open_space, member, "reader")
    wiki = make_wiki_page(
        secret, "Platypusprotokoll", "<p>The Quokkaplan in detail.</p>", author=member
    )
    make_wiki_page(open_space, "Sourdough", "<p>Flour and water.</p>", author=member)
    for space in (secret, open_space):
        blog = BlogIndexPage(title="Blog", slug="blog")
        space.add_child(instance=blog)
        blog.save_revision().publish(skip_permission_checks=True)
        title = "Narwhalmemo" if space is secret else "Baking times"
        make_blog_post(
            blog,
            title,
            "<p>Quokkaplan news.</p>" if space is secret else "<p>Rye.</p>",
            author=member,
        )
    # Typed, not linked, for the outsider: the secret page's history, diff and edit form.
    secret_urls = [f"/wiki/{wiki.pk}/history/", f"/wiki/{wiki.pk}/diff/", f"/wiki/{wiki.pk}/edit/"]
    return {
        "member": member,
        "outsider": outsider,
        "secret_urls": secret_urls,
        "tokens": {
            "member": regenerate_feed_token(member).token,
            "outsider": regenerate_feed_token(outsider).token,
        },
    }


def crawl(client, extra: list[str] = ()) -> dict[str, str]:
    """Fetch every same-site URL reachable from the home page (plus EXTRA_URLS)."""
    seen: dict[str, str] = {}
    queue = deque(["/", *EXTRA_URLS, *extra])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = f"{response.status_code}"
        content_type = response.get("Content-Type", "")
        if not any(t in content_type for t in ("html", "xml", "json", "text", "opml")):
            continue
        body = response.content.decode("utf-8", "replace")
        seen[url] = body
        for href in HREF.findall(body):
            href = href.replace("&amp;", "&")
            absolute = urljoin(url, href)
            parts = urlsplit(absolute)
            if parts.netloc not in ("", "testserver", "testserver:80"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP_PREFIXES) or path in seen:
                continue
            queue.append(path)
    return seen


def found_markers(pages: dict[str, str]) -> list[tuple[str, str]]:
    """(url, marker) for each marker in a response, except a marker the URL itself typed in:
    a search page echoes its query, which is no leak. The control test uses the same rule."""
    return [
        (url, marker)
        for url, body in pages.items()
        for marker in MARKERS
        if marker in body and marker.lower() not in unquote_plus(url).lower()
    ]


def test_an_outsider_finds_no_trace_of_a_members_only_space(client_for, intranet_with_a_secret):
    pages = crawl(
        client_for(intranet_with_a_secret["outsider"]), intranet_with_a_secret["secret_urls"]
    )
    assert len(pages) > 10, "the crawl should reach a real part of the site"
    assert any("token=" in url for url in pages), "the crawl should follow tokenised feed URLs"
    assert found_markers(pages) == []


def test_a_member_crawling_the_same_way_does_see_the_space(client_for, intranet_with_a_secret):
    """The control: the same crawl as a member finds every marker, so the test can fail."""
    pages = crawl(
        client_for(intranet_with_a_secret["member"]), intranet_with_a_secret["secret_urls"]
    )
    assert {marker for _url, marker in found_markers(pages)} == set(MARKERS)


FEED_URLS = [
    "/feeds/all.rss",
    "/feeds/all.atom",
    "/feeds/spaces/zanzibar-secret/all.rss",
    "/feeds/spaces/zanzibar-secret/blog.rss",
    "/feeds/spaces/zanzibar-secret/wiki.atom",
    "/feeds/people/insider.rss",
    "/feeds/search.rss?q=Quokkaplan",
]


def _fetch_feeds(client, token: str) -> dict[str, str]:
    pages = {}
    for url in FEED_URLS:
        joined = f"{url}{'&' if '?' in url else '?'}token={token}"
        pages[joined] = client.get(joined).content.decode()
    return pages


def test_feed_tokens_show_an_outsider_nothing_of_the_space(client, intranet_with_a_secret):
    """A feed reader has no session: only the token says who reads."""
    pages = _fetch_feeds(client, intranet_with_a_secret["tokens"]["outsider"])
    assert found_markers(pages) == []


def test_the_members_feed_token_does_carry_the_space(client, intranet_with_a_secret):
    pages = _fetch_feeds(client, intranet_with_a_secret["tokens"]["member"])
    assert {marker for _url, marker in found_markers(pages)} == set(MARKERS)
