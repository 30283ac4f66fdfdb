"""The composer in Chromium, as a new employee, in English and in German, at desktop and
phone width: join an open space, write a post with a pasted image and publish it, counting
clicks (typing is not counted) and never touching /admin/. Screenshots named by language
and width go to test-artifacts/screenshots/."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from blogs.models import BlogPostPage
from tests.blogs.conftest import png_bytes
from tests.browser import AT_EVERY_WIDTH, IN_EVERY_LANGUAGE, assert_fits_width, assert_language
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MAX_CLICKS = 8
# What the new employee writes, in the language they work in.
POSTS = {
    "en": {
        "title": "My first week in the kitchen",
        "text": "Thanks for the warm welcome! Here is my station:",
        "alt": "My cooking station with copper pans",
        "tags": ["kitchen", "welcome"],
    },
    "de": {
        "title": "Meine erste Woche in der Küche",
        "text": "Danke für den herzlichen Empfang! Hier ist mein Arbeitsplatz:",
        "alt": "Mein Kochplatz mit Kupferpfannen",
        "tags": ["küche", "willkommen"],
    },
}


def _paste_image(page, name: str, data: bytes) -> None:
    """What Ctrl+V with a screenshot on the clipboard does: a paste event carrying a file."""
    page.evaluate(
        """([name, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: "image/png" }));
            document.querySelector(".richtext-content").dispatchEvent(new ClipboardEvent(
                "paste", { clipboardData: transfer, bubbles: true, cancelable: true }
            ));
        }""",
        [name, base64.b64encode(data).decode()],
    )


@pytest.fixture
def newcomer(db):
    return UserFactory(username="nora", first_name="Nora", last_name="Newman")


@pytest.fixture
def admin_requests(page):
    """Every request the browser makes to an /admin/ address."""
    seen: list[str] = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url) if urlsplit(request.url).path.startswith("/admin") else None
        ),
    )
    return seen


@IN_EVERY_LANGUAGE
@AT_EVERY_WIDTH
def test_a_new_employee_joins_a_space_and_publishes_a_post_with_a_pasted_image(
    page, login, shoot, words, click, newcomer, open_space, admin_requests, language, variant
):
    post = POSTS[language]
    login("nora")
    page.goto(open_space.url)
    assert_language(page, language)

    click(page.get_by_role("button", name=words("Join space")))
    write = page.locator(".space-hero").get_by_role("link", name=words("Write a post"))
    write.wait_for()
    # Above the fold of the space page, at desktop and phone width.
    box = write.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    assert_fits_width(page)
    shoot(page, f"compose-space-{variant}")
    click(write)
    page.wait_for_url(f"**/blogs/-/write/?space={open_space.slug}")
    page.locator(".richtext-content").wait_for()
    assert page.locator(f"select[name=space] option[value={open_space.slug}]").evaluate(
        "option => option.selected"
    )
    assert_language(page, language)
    assert_fits_width(page)
    shoot(page, f"compose-{variant}")

    # The title has the focus: no click needed to start typing.
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type(post["title"])
    click(page.locator(".richtext-content"))
    page.keyboard.type(post["text"])
    _paste_image(page, "station.png", png_bytes(640, 320, (200, 120, 40)))
    page.get_by_label(words("Alternative text for people who cannot see the image")).fill(
        post["alt"]
    )
    click(page.get_by_role("button", name=words("Insert")))
    page.locator(".richtext-content img").wait_for()
    page.locator("input[name=tags]").fill(", ".join(post["tags"]))
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"compose-filled-{variant}")
    click(page.get_by_role("button", name=words("Publish"), exact=True))

    published = BlogPostPage.objects.get(title=post["title"])
    page.wait_for_url(f"**{published.url}")
    page.locator("article").get_by_role("img", name=post["alt"]).wait_for()
    assert_language(page, language)
    shoot(page, f"compose-published-{variant}")
    assert published.live and published.space_id == open_space.pk
    assert published.owner == newcomer and published.language == language
    assert '<embed embedtype="image"' in published.body
    assert sorted(published.tags.names()) == post["tags"]
    assert click.count <= MAX_CLICKS, click.count
    assert admin_requests == []
    assert not page.js_errors
