"""In a browser: the reply box of a comment added without a page load offers colleagues
after "@" at once, as the reply boxes the page came with do."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def root_collection(transactional_db):
    """Blogs keep their images in a collection below the root one, which a migration made
    and a transactional test before this one may have flushed away."""
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def test_the_reply_box_of_a_comment_just_posted_offers_colleagues(
    page, login, reader, editor, open_post
):
    login("reader")
    page.goto(open_post.url)
    page.evaluate("window.__stillTheSamePage = true")

    page.get_by_role("textbox", name="Your comment").fill("Lovely soup!")
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator("article.comment", has_text="Lovely soup!")
    comment.wait_for()
    comment.locator("summary", has_text="Reply").click()
    reply = comment.get_by_role("textbox", name="Your reply")
    reply.press_sequentially("Ask @Edd")
    colleague = comment.get_by_role("option", name=re.compile("Eddie Tor"))
    colleague.click()

    assert reply.input_value() == "Ask @editor "
    assert comment.locator(".person-picker").count() == 1  # enhanced once
    assert page.evaluate("window.__stillTheSamePage === true")
    assert not page.js_errors
