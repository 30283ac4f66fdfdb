"""The crawler: marker words planted in every field of a members-only space, then every
same-site link from the home page followed as people who must not see any of it.

Each marker is one word starting with `zqxmarker` and naming its field (space title, wiki
body, edit summary, draft, comment, image file name, ...), so a finding says at once what
leaked. The crawl follows every same-site `href`/`src` in HTML (links, images, scripts,
GET forms), every `Location` of a redirect and every `<link>`/`href`/`url` in feeds and
OPML, breadth-first from `/`, plus a few addresses that are typed rather than linked
(searches for the markers, the space's own pages and files, the old address of a page moved
into the space). No marker may appear in any response body, header or cookie, except the
words the requested URL itself contains (a search page repeats its query; that is no leak);
the space's addresses answer 404; a search for a marker offers no facets; nothing crashes.

Personas: an employee who never was a member, an ex-member (a member while the content and
their notifications were made, removed afterwards), a deactivated member (logged in, then
deactivated: only login redirects), and a feed reader with the non-member's token. The
control: the same crawl as a member of the space does find the markers, so the test can fail.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote_plus, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory, make_space, make_wiki_page

pytestmark = pytest.mark.django_db

PREFIX = "zqxmarker"
# One word per field; all lower case so a case-insensitive search finds them in titles too.
M = {
    name: f"{PREFIX}{name}"
    for name in [
        "spacetitle",
        "spaceslug",
        "spacedescription",
        "wikititle",
        "wikibody",
        "wikitags",
        "wikisummary",
        "drafttitle",
        "draftbody",
        "childtitle",
        "posttitle",
        "postbody",
        "postteaser",
        "posttag",
        "postalt",
        "comment",
        "reply",
        "imagetitle",
        "imagefile",
        "imagedescription",
        "doctitle",
        "docfile",
        "doccontent",
        "reportreason",
        "movedtitle",
        "movedbody",
    ]
}
MARKER = re.compile(PREFIX + r"[a-z]*")
SHARED_TAG = "sharedcrumble"

MAX_URLS = 600
# Query-string variants of one path (pages, months, tags, languages) add little once a few
# have been seen; the cap keeps the crawl broad instead of deep.
MAX_VARIANTS_PER_PATH = 6
# Logging out would end the persona's session halfway; /static/ is whitenoise's, not ours.
SKIP_PREFIXES = ("/accounts/logout", "/static/")
SITE_HOSTS = {"", "testserver", "localhost", "127.0.0.1"}
FEED_TYPES = ("xml", "rss", "atom", "opml")
TEXT_TYPES = ("html", "json", "text", "javascript", "calendar", "vcard", *FEED_TYPES)
# In feeds and OPML: <link>url</link>, href="...", url="..." (enclosures), xmlUrl/htmlUrl.
FEED_LINK = re.compile(
    r"<link>\s*([^<\s]+)\s*</link>|\b(?:href|url|xmlUrl|htmlUrl)=[\"']([^\"']+)[\"']", re.I
)


class _Links(HTMLParser):
    """The links of an HTML document: a/link/area href, img/script/iframe/source src (and
    srcset), and the action of every GET form."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("a", "link", "area") and values.get("href"):
            self.found.append(values["href"])
        if values.get("src"):
            self.found.append(values["src"])
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.found.append(candidate.split()[0])
        if tag == "form" and values.get("method", "get").lower() == "get":
            self.found.append(values.get("action") or "")


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)  # url -> status
    leaks: list[tuple[str, str, str]] = field(default_factory=list)  # (url, where, marker)

    def crashes(self) -> dict[str, int]:
        return {url: status for url, status in self.visited.items() if status >= 500}

    def markers(self) -> set[str]:
        return {marker for _url, _where, marker in self.leaks}

    def assert_no_leaks(self) -> None:
        """Fails with every finding listed (an assert's diff would be cut after a few)."""
        if self.leaks:
            found = "\n".join(f"{url} [{where}] {marker}" for url, where, marker in self.leaks)
            pytest.fail(f"{len(self.leaks)} markers reached the crawl:\n{found}", pytrace=False)


def _same_site_path(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://testserver{base}", href))
    if parts.scheme not in ("http", "https") or (parts.hostname or "") not in SITE_HOSTS:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        # The test client closes the response once this is read to the end; closing it by
        # hand would also close the test's database connection.
        return b"".join(response.streaming_content)
    return response.content


def _markers_in(text: str, url: str) -> set[str]:
    """Marker words in `text`, less those that the requested URL itself contains."""
    typed = unquote_plus(url).lower()
    return {word for word in MARKER.findall(text.lower()) if word not in typed}


def crawl(
    client: Client,
    start: list[str],
    *,
    limit: int = MAX_URLS,
    skip: tuple[str, ...] = SKIP_PREFIXES,
    only: str = "/",
) -> Crawl:
    """Breadth-first from `start`, GET only, without following redirects by itself (their
    `Location` is checked, then queued like any link). `only` keeps the crawl under a
    prefix; `skip` leaves prefixes out."""
    result = Crawl()
    queue = deque(start)
    queued = set(start)
    variants: Counter[str] = Counter()
    while queue and len(result.visited) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = _body(response)
        result.visited[url] = response.status_code
        headers = "\n".join(f"{name}: {value}" for name, value in response.items())
        for where, text in (
            ("headers", headers),
            ("cookies", response.cookies.output()),
            ("body", body.decode("utf-8", "replace")),
        ):
            result.leaks.extend((url, where, marker) for marker in sorted(_markers_in(text, url)))
        links: list[str] = []
        if response.has_header("Location"):
            links.append(response["Location"])
        content_type = response.get("Content-Type", "").lower()
        if any(kind in content_type for kind in TEXT_TYPES):
            text = body.decode("utf-8", "replace")
            if "html" in content_type:
                parser = _Links()
                parser.feed(text)
                links.extend(parser.found)
            elif any(kind in content_type for kind in FEED_TYPES):
                links.extend(a or b for a, b in FEED_LINK.findall(text))
        for href in links:
            path = _same_site_path(url, href.replace("&amp;", "&"))
            if path is None or path in queued or path.startswith(skip) or not path.startswith(only):
                continue
            bare = path.split("?", 1)[0]
            if "?" in path:
                if variants[bare] >= MAX_VARIANTS_PER_PATH:
                    continue
                variants[bare] += 1
            queued.add(path)
            queue.append(path)
    return result


def _client(user=None) -> Client:
    """A test client that answers a crash with its 500 page (the crawl records it) instead
    of raising, so one broken page does not hide the leaks of all the others."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _png(colour: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _publish_post(blog, author, tags: list[str], **fields):
    """A post published once, with its tags, as the composer does (so tag followers are
    notified, which happens on the first publish only)."""
    from blogs.models import BlogPostPage

    post = BlogPostPage(owner=author, **fields)
    blog.add_child(instance=post)
    post.tags.add(*tags)
    post.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    post.refresh_from_db()
    return post


@pytest.fixture
def secret_intranet(site_tree):
    """A members-only space with a marker in every field, an open space that links into it,
    and the people who crawl it. Everything is made through the project's own actions and
    Wagtail's publishing, so activity, notifications and the search index arise naturally."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from blogs.actions import add_comment, ensure_space_blog, react
    from community.actions import follow, report_comment, resolve_report
    from community.models import Notification, Report
    from feeds.actions import regenerate_feed_token
    from intranet.actions import remove_member, set_member_role

    cache.clear()  # comment and report rate limits live in the cache
    keeper = UserFactory(username="keeper", first_name="Kim", last_name="Keeper")
    insider = UserFactory(username="insider", first_name="Ina", last_name="Sider")
    former = UserFactory(username="former", first_name="Fay", last_name="Ormer")
    gone = UserFactory(username="gone", first_name="Gus", last_name="One")
    stranger = UserFactory(username="stranger", first_name="Stan", last_name="Ranger")

    secret = make_space(
        f"{M['spacetitle'].title()} Team",
        slug=M["spaceslug"],
        visibility="members",
        description=f"Where the {M['spacedescription']} lives.",
        actor=keeper,
    )
    bakery = make_space("Bakery", slug="bakery", description="Bread for all", actor=keeper)
    for user, role in ((insider, "editor"), (former, "editor"), (gone, "reader")):
        set_member_role(secret, user, role, actor=keeper)
        set_member_role(bakery, user, "reader", actor=keeper)
    # The insider and the ex-member also write in the open space (which no longer opens the
    # Wagtail admin to them; the crawl walks it too).
    set_member_role(bakery, insider, "editor", actor=keeper)
    set_member_role(bakery, former, "editor", actor=keeper)

    # The ex-member follows everything, so every kind of notification reaches them.
    follow(former, "space", secret)
    follow(former, "person", insider)
    follow(former, "tag", SHARED_TAG)
    follow(stranger, "tag", SHARED_TAG)
    follow(stranger, "person", insider)

    image = get_image_model()(
        title=M["imagetitle"].title(),
        description=M["imagedescription"],
        file=ContentFile(_png("navy"), f"{M['imagefile']}.png"),
    )
    image.save()
    document = get_document_model()(
        title=M["doctitle"].title(),
        file=ContentFile(f"The {M['doccontent']}.\n".encode(), f"{M['docfile']}.txt"),
    )
    document.save()

    wiki = make_wiki_page(
        secret,
        M["wikititle"].title(),
        f'<p>The {M["wikibody"]}, see <a linktype="document" id="{document.pk}">the file</a>.</p>',
        author=insider,
        tags=f"{M['wikitags']}, {SHARED_TAG}",
        edit_summary=M["wikisummary"],
    )
    follow(former, "page", wiki)
    # A second published edit (a "wiki edited" notification for the follower) ...
    wiki.body = f"<p>The {M['wikibody']} again.</p>" + wiki.body
    wiki.edit_summary = M["wikisummary"]
    wiki.save_revision(user=keeper).publish(user=keeper, skip_permission_checks=True)
    # ... and a draft that is never published.
    wiki.title = M["drafttitle"].title()
    wiki.body = f"<p>{M['draftbody']}</p>"
    wiki.edit_summary = M["wikisummary"]
    wiki.save_revision(user=insider)
    wiki.refresh_from_db()
    make_wiki_page(wiki, M["childtitle"].title(), "<p>Child.</p>", author=insider)
    # A page written in the open space, then moved into the members-only one.
    moved = make_wiki_page(
        bakery, M["movedtitle"].title(), f"<p>{M['movedbody']}</p>", author=insider
    )
    moved_from = moved.url
    moved.move(secret, pos="last-child", user=keeper)
    moved.refresh_from_db()

    secret_blog = ensure_space_blog(secret, actor=insider)
    post = _publish_post(
        secret_blog,
        insider,
        [M["posttag"], SHARED_TAG],
        title=M["posttitle"].title(),
        body=f"<p>The {M['postbody']}.</p>"
        f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{M["postalt"]}"/>',
        teaser=f"A {M['postteaser']}.",
        header_image=image,
        header_image_alt=M["postalt"],
    )
    # A visible post in the open space that links to the hidden post and the hidden wiki
    # pages (as a card on a line of its own, and inline), with the shared tag.
    _publish_post(
        ensure_space_blog(bakery, actor=insider),
        insider,
        [SHARED_TAG],
        title="Crumb report",
        body=f'<p><a linktype="page" id="{post.pk}">the plan</a></p>'
        f'<p>Also read <a linktype="page" id="{wiki.pk}">that page</a> and '
        f'<a linktype="page" id="{moved.pk}">this one</a>.</p>',
        teaser="Crumbs.",
    )
    make_wiki_page(
        bakery,
        "Sourdough",
        f'<p>See <a linktype="page" id="{wiki.pk}">the recipe</a> and '
        f'<a linktype="page" id="{post.pk}">the post</a>.</p>',
        author=insider,
    )

    comment = add_comment(post, insider, f"A {M['comment']} for @former to read.")
    former_comment = add_comment(post, former, f"My {M['comment']} too.")
    add_comment(post, insider, f"A {M['reply']}.", parent=former_comment)
    react(post, former, "like")
    report = report_comment(comment, former, f"Because {M['reportreason']}.")
    resolve_report(report, Report.Status.HIDDEN, moderator=keeper)

    # Every kind of notification reached the ex-member while a member, so their crawl of
    # /notifications/ (and their digest) has something to keep back.
    kinds = set(Notification.objects.filter(recipient=former).values_list("kind", flat=True))
    assert kinds >= {"followed", "mention", "reply", "wiki_edit", "report_outcome"}, kinds

    # The ex-member leaves; the deactivated member is logged in, then deactivated.
    remove_member(secret, former, actor=keeper)
    clients = {}
    for name, user in (("stranger", stranger), ("former", former), ("gone", gone)):
        clients[name] = _client(user)
    clients["insider"] = _client(insider)
    gone.is_active = False
    gone.save()
    # Addresses of the space's things, typed rather than linked: each must answer 404 to
    # everyone outside (or send the deactivated to the login page).
    secret_addresses = [
        secret.url,
        f"{secret.url}members/",
        f"{secret.url}blog/",
        wiki.url,
        moved.url,
        moved_from,
        post.url,
        f"/wiki/{wiki.pk}/history/",
        f"/wiki/{wiki.pk}/diff/",
        f"/wiki/{wiki.pk}/edit/",
        f"/wiki/{wiki.pk}/new/",
        f"/wiki/spaces/{secret.slug}/changes/",
        f"/feeds/spaces/{secret.slug}/all.rss",
        f"/feeds/spaces/{secret.slug}/blog.atom",
        image.file.url,
        image.get_rendition("fill-100x50").url,
        document.url,
    ]
    return {
        "clients": clients,
        "secret_addresses": secret_addresses,
        "member_readable": [
            secret.url,
            wiki.url,
            moved.url,
            post.url,
            image.file.url,
            document.url,
        ],
        "admin_addresses": [
            f"/admin/pages/{bakery.pk}/",
            f"/admin/pages/{secret.pk}/",
            f"/admin/pages/{wiki.pk}/edit/",
            f"/admin/pages/{wiki.pk}/history/",
            f"/admin/pages/{post.pk}/edit/",
            f"/admin/images/{image.pk}/",
            f"/admin/documents/edit/{document.pk}/",
            f"/admin/pages/search/?q={M['wikititle']}",
            f"/admin/images/?q={M['imagetitle']}",
            f"/admin/documents/?q={M['doctitle']}",
            f"/admin/choose-page/search/?q={M['posttitle']}",
            f"/admin/tag-autocomplete/?term={PREFIX}",
        ],
        "typed": [
            *[f"/search/?q={marker}" for marker in M.values()],
            f"/search/?q={M['wikibody'][:-1]}x",  # one letter off: "did you mean"?
            f"/search/suggest/?q={PREFIX[:4]}",
            f"/search/suggest/?q={PREFIX}",
            f"/search/?q={SHARED_TAG}",
            f"/people/?q={M['wikibody']}",
            f"/blogs/?tag={SHARED_TAG}",
            f"/blogs/?tag={M['posttag']}",
            f"/feeds/tags/{SHARED_TAG}.rss",
            f"/feeds/tags/{M['posttag']}.atom",
            f"/feeds/search.rss?q={M['postbody']}",
        ],
        "tokens": {
            "stranger": regenerate_feed_token(stranger).token,
            "gone": regenerate_feed_token(gone).token,
        },
        "users": {"former": former, "insider": insider},
    }


def _start(secret_intranet) -> list[str]:
    return ["/", *secret_intranet["typed"], *secret_intranet["secret_addresses"]]


def _served_secrets(secret_intranet, result: Crawl) -> dict[str, int]:
    """The space's own addresses that answered anything but 404."""
    return {
        url: result.visited[url]
        for url in secret_intranet["secret_addresses"]
        if result.visited.get(url, 404) != 404
    }


def _search_facets(result: Crawl) -> list[str]:
    """Facet links (type, space, author, month) offered on a search for a marker word: a
    search that finds nothing offers none, so any of them gives away that something matched."""
    return [
        url
        for url in result.visited
        if url.startswith("/search/?q=" + PREFIX)
        and any(f"&{facet}=" in url for facet in ("type", "space", "author", "date"))
    ]


# Where a marker is typed in: the answer must be the one for a word nobody ever wrote, so
# not even a count ("1 result", "1 wiki edit about ...") or a "did you mean" gives it away.
SEARCHES = ["/search/?q={}", "/people/?q={}", "/search/suggest/?q={}"]
VOLATILE = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"')


def _answer_to(client: Client, template: str, word: str) -> str:
    body = client.get(template.format(word)).content.decode()
    return VOLATILE.sub("", body).replace(word, "WORD")


def _searches_that_find_something(client: Client) -> list[str]:
    return [
        template.format(marker)
        for name, marker in M.items()
        for template in SEARCHES
        if _answer_to(client, template, marker) != _answer_to(client, template, f"zqxnothing{name}")
    ]


def _assert_nothing_reached(secret_intranet, result: Crawl, client: Client) -> None:
    assert len(result.visited) > 50, "the crawl should reach a real part of the site"
    result.assert_no_leaks()
    assert result.crashes() == {}
    assert _served_secrets(secret_intranet, result) == {}
    assert _search_facets(result) == []
    assert _searches_that_find_something(client) == []


def test_an_employee_who_never_was_a_member_finds_no_marker(secret_intranet):
    """A colleague in no role: the Wagtail admin only redirects, so it is crawled too."""
    client = secret_intranet["clients"]["stranger"]
    _assert_nothing_reached(secret_intranet, crawl(client, _start(secret_intranet)), client)


def test_an_ex_member_finds_no_marker_on_any_page_nor_in_the_digest(secret_intranet, mailoutbox):
    """Followed the space, its pages, a shared tag and an author, got notifications of all
    of them while a member, then was removed: none of it may show any more, on the site or
    in the daily e-mail digest."""
    from community.tasks import send_digest

    client = secret_intranet["clients"]["former"]
    result = crawl(client, _start(secret_intranet))
    _assert_nothing_reached(secret_intranet, result, client)

    users = secret_intranet["users"]
    mailoutbox.clear()
    send_digest.call(users["former"].pk)
    send_digest.call(users["insider"].pk)  # the control: a member's digest names the post
    digests = {
        name: "".join(m.subject + m.body for m in mailoutbox if user.email in m.to).lower()
        for name, user in users.items()
    }
    assert M["posttitle"] in digests["insider"]
    assert MARKER.findall(digests["former"]) == []


def test_an_ex_member_who_edits_elsewhere_finds_no_marker_in_the_wagtail_admin(secret_intranet):
    """Writing in a space gives no admin access any more (issue 16), so the admin's windows
    into hidden spaces (the page editor's rich-text link data, choosers, image and document
    listings, tag autocomplete) stay shut: each address sends the ex-member to the login
    page. tests/security/test_admin_closed.py walks every admin address."""
    start = ["/admin/", *secret_intranet["admin_addresses"]]
    result = crawl(secret_intranet["clients"]["former"], start, only="/admin/", limit=100)
    assert set(result.visited) == set(start)
    assert set(result.visited.values()) == {302}
    result.assert_no_leaks()


def _feed_urls(token: str) -> list[str]:
    urls = [
        "/feeds/all.rss",
        "/feeds/all.atom",
        "/feeds/subscriptions.opml",
        f"/feeds/tags/{SHARED_TAG}.rss",
        f"/feeds/tags/{SHARED_TAG}.atom",
        f"/feeds/tags/{M['posttag']}.rss",
        "/feeds/people/insider.rss",
        "/feeds/people/insider.atom",
        "/feeds/spaces/bakery/all.rss",
        "/feeds/spaces/bakery/blog.atom",
        "/feeds/spaces/bakery/wiki.rss",
        f"/feeds/spaces/{M['spaceslug']}/all.rss",
        f"/feeds/spaces/{M['spaceslug']}/wiki.atom",
        f"/feeds/search.rss?q={M['postbody']}",
        f"/feeds/search.atom?q={SHARED_TAG}",
        f"/feeds/search.rss?q={M['wikibody']}",
    ]
    return [f"{url}{'&' if '?' in url else '?'}token={token}" for url in urls]


def test_a_feed_reader_with_the_non_members_token_finds_no_marker(secret_intranet):
    """A feed reader has no session: only the token says who reads. Links in the feeds are
    followed too (without a session they lead to the login page)."""
    result = crawl(_client(), _feed_urls(secret_intranet["tokens"]["stranger"]))
    assert sum(status == 200 for status in result.visited.values()) >= 10
    result.assert_no_leaks()
    assert result.crashes() == {}
    hidden_space_feeds = [url for url in result.visited if M["spaceslug"] in url]
    assert {result.visited[url] for url in hidden_space_feeds} == {404}


def test_a_deactivated_member_gets_only_login_redirects_and_no_marker(secret_intranet):
    """Logged in before being deactivated: the session and the feed token open nothing."""
    result = crawl(
        secret_intranet["clients"]["gone"],
        [*_start(secret_intranet), *secret_intranet["admin_addresses"]],
    )
    result.assert_no_leaks()
    assert result.visited["/"] == 302
    served = {
        url: status
        for url, status in result.visited.items()
        if status == 200 and not url.startswith("/accounts/")
    }
    assert served == {}

    feeds = crawl(_client(), _feed_urls(secret_intranet["tokens"]["gone"]))
    feeds.assert_no_leaks()
    assert not any(
        status == 200 for url, status in feeds.visited.items() if url.startswith("/feeds/")
    )


def test_a_member_crawling_the_same_way_finds_the_markers(secret_intranet):
    """The control: planting worked and the crawl reaches the fields, so the tests above can
    fail."""
    result = crawl(secret_intranet["clients"]["insider"], _start(secret_intranet))
    # Shown only in the Wagtail admin (image and document titles, the image's description),
    # only to moderators of an open report (its reason), or only in some versions' diffs
    # (the draft, depending on which diff links the crawl reaches first).
    not_on_pages = {
        M[name]
        for name in (
            "imagetitle",
            "imagedescription",
            "doctitle",
            "reportreason",
            "drafttitle",
            "draftbody",
        )
    }
    missing = set(M.values()) - not_on_pages - result.markers()
    assert missing == set()
    assert len(_searches_that_find_something(secret_intranet["clients"]["insider"])) > 20
    readable = secret_intranet["member_readable"]
    assert {url: result.visited.get(url) for url in readable} == dict.fromkeys(readable, 200)
