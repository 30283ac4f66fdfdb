"""CSRF on every POST: walk the URL resolver, fill each route's parameters with real values
and POST without a token. New views are covered the moment they get a URL."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# Routes whose parameters cannot be filled generically (regex routes of third-party apps)
# are skipped; the site's own routes all use path() converters.
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            # Regex patterns: only an empty or literal prefix can be followed.
            text = str(pattern).lstrip("^").rstrip("$")
            if re.search(r"[\\()\[\]?*+]", text):
                continue
        else:
            text = str(pattern)
        if isinstance(entry, URLResolver):
            found.extend(_routes(entry, prefix + text))
        elif isinstance(entry, URLPattern):
            found.append(prefix + text)
    return found


def _fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        name, converter = match["name"], match["converter"] or "str"
        if name in values:
            return values[name]
        return "1" if converter == "int" else "x"

    return "/" + PARAMETER.sub(value, route)


@pytest.fixture
def site_urls(private_space, editor):
    from blogs.models import BlogIndexPage
    from tests.factories import make_blog_post, make_wiki_page

    wiki = make_wiki_page(private_space, "Handbook", author=editor)
    blog = BlogIndexPage(title="Blog", slug="blog")
    private_space.add_child(instance=blog)
    blog.save_revision().publish(skip_permission_checks=True)
    post = make_blog_post(blog, "News", author=editor)
    values = {
        "slug": private_space.slug,
        "page_id": str(wiki.pk),
        "parent_id": str(private_space.pk),
        "post_id": str(post.pk),
        "username": editor.username,
        "kind": "space",
        "key": private_space.slug,
    }
    urls = sorted({_fill(route, values) for route in _routes(get_resolver())})
    # Wagtail-served pages (a regex catch-all) that take POSTs: space pages, posts, wiki.
    urls += [private_space.url, post.url, wiki.url, "/"]
    return urls


def test_every_post_endpoint_refuses_a_request_without_a_csrf_token(site_urls, editor, site_admin):
    """As an editor, and the admin's addresses as a site admin, the only people who get past
    its access check (everyone else is sent to log in before any view runs)."""
    clients = {}
    for name, user in (("site", editor), ("admin", site_admin)):
        clients[name] = Client(enforce_csrf_checks=True)
        clients[name].force_login(user)
    assert len(site_urls) > 60, "the resolver walk should find the site's routes"
    accepted = []
    for url in site_urls:
        client = clients["admin" if url.startswith("/admin/") else "site"]
        response = client.post(url, {"text": "hello", "next": "/"})
        if response.status_code == 405:
            continue  # takes no POST at all (the file views), so nothing to forge
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append((url, response.status_code))
    assert accepted == []


def test_a_post_with_a_valid_token_gets_past_the_csrf_check(editor, site_tree):
    """The control: the same client with a token is not refused, so the test above can fail."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    client.get("/feeds/")
    token = client.cookies["csrftoken"].value
    response = client.post("/feeds/token/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
