"""What the benchmark measures: one line per page.

Each entry is (name, URL path, user). A path may name things from the seeded data set in
braces; `placeholders()` fills them. Every page here must answer 200: a page that answers
anything else, or whose placeholder the data set cannot fill, fails the run. The bench user
(bench/seed_scale.py) is an ordinary employee in a few spaces and kept out of most
members-only ones, so the visibility rule is exercised.
"""

from __future__ import annotations

from bench.seed_scale import BENCH_USER

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
    """Values for the braces in PAGES, taken from the seeded data set: the first space the
    bench user is a member of (and may view), members-only if they are in one, that has a
    wiki page, a blog and a blog post."""
    from django.contrib.auth import get_user_model

    from blogs.models import BlogIndexPage, BlogPostPage
    from intranet.access import visible_pages
    from intranet.models import SpacePage
    from wiki.models import WikiPage

    user = get_user_model().objects.get(username=BENCH_USER)
    spaces = visible_pages(user, SpacePage.objects.filter(memberships__user=user))
    values = {"username": BENCH_USER}
    # Members-only first: their pages also pass Wagtail's view restriction, the dearer path.
    for space in sorted(spaces, key=lambda space: (not space.is_members_only, space.path)):
        wiki = WikiPage.objects.filter(space=space, depth=space.depth + 1).order_by("path").first()
        blog = BlogIndexPage.objects.filter(space=space).first()
        post = (
            BlogPostPage.objects.filter(space=space, owner__isnull=False).order_by("-date").first()
        )
        if wiki is None or blog is None or post is None:
            continue
        values["space_url"] = space.url_path.removeprefix("/home")
        values["space_slug"] = space.slug
        values["wiki_url"] = wiki.url_path.removeprefix("/home")
        values["wiki_id"] = str(wiki.pk)
        values["blog_url"] = blog.url_path.removeprefix("/home")
        values["post_url"] = post.url_path.removeprefix("/home")
        values["author"] = post.owner.get_username()
        break
    return values
