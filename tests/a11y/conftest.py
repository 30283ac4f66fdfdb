"""One small intranet for the accessibility checks: a space whose wiki changes need approval,
with a wiki page, a submitted change to it, a blog post with comments, and so notifications
for the moderator, who visits every page; `reader` is the one who asks to write."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import make_blog_post, make_wiki_page
from tests.moderation.conftest import require_approval, submit


@dataclass(frozen=True)
class Site:
    """The addresses the checks visit, made once per test."""

    space_url: str
    wiki_url: str
    wiki_id: int
    post_url: str
    post_id: int
    review_id: int


@pytest.fixture
def a11y_site(open_space, moderator, editor, reader) -> Site:
    from blogs.actions import add_comment, ensure_space_blog

    space = require_approval(open_space)
    wiki = make_wiki_page(
        space,
        "Kitchen rules",
        '<p>Wash up after lunch. See the <a href="https://example.com/">cleaning plan</a>'
        " for who does what.</p>",
        author=moderator,
    )
    change = submit(wiki, editor, body="<p>Wash up after lunch, every day.</p>")
    blog = ensure_space_blog(space, actor=moderator)
    post = make_blog_post(
        blog,
        "Soup of the day",
        '<p>Lentils and lemon, from <a href="https://example.com/">the market</a>.</p>',
        author=moderator,
        teaser="Warm.",
    )
    question = add_comment(post, editor, "Is there a vegan one, @moderator?")
    add_comment(post, moderator, "Yes, every Friday.", parent=question)
    return Site(
        space_url=space.url,
        wiki_url=wiki.url,
        wiki_id=wiki.pk,
        post_url=post.url,
        post_id=post.pk,
        review_id=change.pk,
    )
