"""What the benchmark measures: one line per page.

Each entry is (name, URL path, user). A path may name things from the seeded data set in
braces; `placeholders()` fills them. A page that does not exist yet (its URL answers 404 or
its placeholder has no value) is reported as "not built yet", so lines for pages still being
built can stay here. User `bench` is an ordinary employee in three spaces, one of them
members-only, so the visibility rule is exercised.
"""

from __future__ import annotations

BENCH_USER = "user00001"

PAGES: list[tuple[str, str, str]] = [
    ("baseline (minimal view)", "/bench/minimal/", BENCH_USER),
    ("home", "/", BENCH_USER),
    ("space index", "/spaces/", BENCH_USER),
    ("space", "{space_url}", BENCH_USER),
    ("space members", "/spaces/{space_slug}/members/", BENCH_USER),
    ("wiki page", "{wiki_url}", BENCH_USER),
    ("wiki history", "/wiki/{wiki_id}/history/", BENCH_USER),
    ("wiki changes", "/wiki/spaces/{space_slug}/changes/", BENCH_USER),
    ("blog index", "{blog_url}", BENCH_USER),
    ("blog post", "{post_url}", BENCH_USER),
    ("all blogs", "/blogs/", BENCH_USER),
    ("directory", "/people/", BENCH_USER),
    # A skill seed_scale gives about one person in eight (and a word in the documents).
    ("expert finder", "/people/?q=kubernetes", BENCH_USER),
    ("profile", "/people/{username}/", BENCH_USER),
    ("org chart", "/org/", BENCH_USER),
    ("search", "/search/?q=onboarding", BENCH_USER),
    ("search (German stem)", "/search/?q=urlaub", BENCH_USER),
    ("notifications", "/notifications/", BENCH_USER),
    ("feeds page", "/feeds/", BENCH_USER),
    ("feed: everything (RSS)", "/feeds/all.rss", BENCH_USER),
    ("feed: space (Atom)", "/feeds/spaces/{space_slug}/all.atom", BENCH_USER),
    ("feed: space blog (RSS)", "/feeds/spaces/{space_slug}/blog.rss", BENCH_USER),
    ("feed: space wiki (RSS)", "/feeds/spaces/{space_slug}/wiki.rss", BENCH_USER),
    ("feed: person (RSS)", "/feeds/people/{author}.rss", BENCH_USER),
    ("feed: search (RSS)", "/feeds/search.rss?q=onboarding", BENCH_USER),
]

# Measured under load with 2 gunicorn workers (names from PAGES).
LOAD_PAGES = ["home", "blog post"]


def placeholders() -> dict[str, str]:
    """Values for the braces in PAGES, taken from the seeded data set."""
    from django.contrib.auth import get_user_model

    from blogs.models import BlogIndexPage, BlogPostPage
    from intranet.access import visible_pages
    from intranet.models import SpacePage
    from wiki.models import WikiPage

    user = get_user_model().objects.get(username=BENCH_USER)
    space = visible_pages(user, SpacePage.objects.filter(memberships__user=user)).first()
    values = {"username": BENCH_USER}
    if space is not None:
        values["space_url"] = space.url_path.removeprefix("/home")
        values["space_slug"] = space.slug
        wiki = WikiPage.objects.filter(space=space, depth=space.depth + 1).order_by("path")
        blog = BlogIndexPage.objects.filter(space=space).first()
        post = BlogPostPage.objects.filter(space=space).order_by("-date").first()
        for key, page in (("wiki_url", wiki.first()), ("blog_url", blog), ("post_url", post)):
            if page is not None:
                values[key] = page.url_path.removeprefix("/home")
        if wiki.exists():
            values["wiki_id"] = str(wiki.first().pk)
        if post is not None and post.owner is not None:
            values["author"] = post.owner.get_username()
    return values
