"""Browser flows for the features: TOTP, blog posts with images, comments and reactions, the
wiki's history/diff/restore, the expert finder and feeds. Each saves a screenshot; none sleeps."""

from __future__ import annotations

import io
import re

import pytest

from tests.factories import make_blog_post, make_wiki_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_colleague_with_totp_logs_in_with_a_code_from_the_same_secret(
    page, employee, site_tree, shoot
):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    secret = generate_totp_secret()
    TOTP.activate(employee, secret)
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "employee")
    page.fill("input[name=password]", "correct-horse-battery")
    page.click("form button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.fill("input[name=code]", code)
    shoot(page, "totp-code")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    page.get_by_role("heading", name="Hello, Emil").wait_for()
    assert not page.js_errors


@pytest.fixture
def space_blog(open_space):
    from blogs.models import BlogIndexPage

    blog = BlogIndexPage(title="Kitchen blog", slug="blog")
    open_space.add_child(instance=blog)
    blog.save_revision().publish(skip_permission_checks=True)
    return blog


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _type_at_the_end(page, text: str) -> None:
    """Type at the end of the intranet's rich-text editor."""
    page.locator(".richtext-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_an_editor_writes_and_publishes_a_post_with_an_image_and_finds_it_on_home_and_in_search(
    page, login, editor, open_space, space_blog, shoot
):
    from tests.compose.test_compose_browser import _paste_image

    login("editor")
    page.goto(open_space.url)
    page.get_by_role("link", name="Write a post").first.click()
    page.wait_for_url("**/blogs/-/write/**")
    page.fill("input[name=title]", "Pans are back")
    _type_at_the_end(page, "The copper pans are polished again.")
    _paste_image(page, "pans.png", _png())
    page.get_by_label("Alternative text for people who cannot see the image").fill("Copper pans")
    page.get_by_role("button", name="Insert").click()
    page.locator(".richtext-content img").wait_for()
    shoot(page, "blog-editor")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(re.compile(r"/spaces/.+/blog/.+/$"))
    page.goto("/")
    page.get_by_role("link", name="Pans are back").first.wait_for()
    shoot(page, "blog-on-home")
    page.goto("/search/?q=copper+pans")
    page.get_by_role("link", name="Pans are back").first.wait_for()
    shoot(page, "blog-in-search")
    page.goto("/search/?q=polished")
    page.get_by_role("link", name="Pans are back").first.click()
    page.locator("article img").first.wait_for()


def test_a_reader_comments_on_a_post_and_reacts(page, login, reader, editor, space_blog, shoot):
    post = make_blog_post(space_blog, "Lunch menu", "<p>Soup on Friday.</p>", author=editor)
    login("reader")
    page.goto(post.url)
    page.fill("#comment-text", "Which soup?")
    page.get_by_role("button", name="Comment", exact=True).click()
    page.locator(".comment", has_text="Which soup?").first.wait_for()
    reaction = page.locator("#reactions button[aria-pressed=false], .reactions button").first
    reaction.click()
    page.locator("button[aria-pressed=true]").first.wait_for()
    shoot(page, "blog-comment-and-reaction")
    assert post.comments.filter(body__contains="Which soup?").exists()
    assert post.reactions.filter(user=reader).exists()
    assert not page.js_errors


def test_an_editor_creates_and_edits_a_wiki_page_then_compares_and_restores_a_version(
    page, login, editor, open_space, shoot
):
    from wiki.models import WikiPage

    login("editor")
    page.goto(f"/wiki/{open_space.pk}/new/")
    page.fill("input[name=title]", "Fridge rules")
    page.locator("input[name=template]").first.check()
    shoot(page, "wiki-new-page")
    page.get_by_role("button", name="Continue").click()
    page.locator(".richtext-content").click()
    page.keyboard.type("Label your food.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/spaces/open-kitchen/fridge-rules/")
    wiki = WikiPage.objects.get(title="Fridge rules")
    assert "Label your food." in wiki.body
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator(".richtext-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Clean on Fridays.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url("**/spaces/open-kitchen/fridge-rules/")

    page.goto(f"/wiki/{wiki.pk}/history/")
    shoot(page, "wiki-history")
    page.get_by_role("button", name="Compare selected versions").click()
    page.wait_for_url("**/diff/**")
    page.get_by_text("Clean on Fridays.").first.wait_for()
    shoot(page, "wiki-diff")
    page.get_by_role("button", name="Restore the older version").click()
    page.wait_for_load_state()
    shoot(page, "wiki-restored")
    wiki.refresh_from_db()
    assert "Clean on Fridays." not in wiki.body
    assert "Label your food." in wiki.body


def test_an_employee_finds_an_expert_by_skill(page, login, employee, editor, site_tree, shoot):
    from profiles.actions import set_skill
    from profiles.models import Profile

    set_skill(Profile.for_user(editor), "Sourdough", 3, actor=editor)
    login("employee")
    page.goto("/people/")
    page.get_by_label("Search people or expertise").fill("sourdough")
    page.keyboard.press("Enter")
    page.wait_for_url("**/people/?*q=sourdough*")
    page.get_by_role("link", name="Eddie Tor").first.wait_for()
    shoot(page, "expert-finder")


def test_a_member_copies_a_feed_url_and_a_reader_fetches_it(
    page, login, editor, open_space, space_blog, shoot
):
    import feedparser

    make_blog_post(space_blog, "Feed me", "<p>Crumbs.</p>", author=editor)
    make_wiki_page(open_space, "Oven manual", author=editor)
    login("editor")
    page.goto("/feeds/")
    page.get_by_role("button", name="Make a feed token").click()
    link = page.locator("a[type='application/atom+xml'][href*='token=']").first
    link.wait_for()
    shoot(page, "feeds-with-token")
    url = link.get_attribute("href")
    # A feed reader has no cookies: a fresh request context with only the URL.
    reader = page.context.browser.new_context()
    try:
        response = reader.request.get(url)
        assert response.status == 200
        feed = feedparser.parse(response.body())
    finally:
        reader.close()
    assert not feed.bozo
    assert {"Feed me"} <= {entry.title for entry in feed.entries}
