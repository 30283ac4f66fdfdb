"""The composer in Chromium, as a new employee: join an open space, write a post with a
pasted image and publish it, counting clicks (typing is not counted) and never touching
/admin/. Screenshots of the composer at desktop and phone width go to
test-artifacts/screenshots/."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from blogs.models import BlogPostPage
from tests.blogs.conftest import png_bytes
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAX_CLICKS = 8


class Clicks:
    """Counts the clicks a flow needs; every click in the flow goes through `on`."""

    def __init__(self) -> None:
        self.count = 0

    def on(self, locator) -> None:
        self.count += 1
        locator.click()


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


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_employee_joins_a_space_and_publishes_a_post_with_a_pasted_image(
    page, login, shoot, newcomer, open_space, admin_requests, viewport
):
    name = "desktop" if viewport is DESKTOP else "phone"
    page.set_viewport_size(viewport)
    login("nora")
    page.goto(open_space.url)
    clicks = Clicks()

    clicks.on(page.get_by_role("button", name="Join space"))
    write = page.locator(".space-hero").get_by_role("link", name="Write a post")
    write.wait_for()
    # Above the fold of the space page, at desktop and phone width.
    assert write.bounding_box()["y"] + write.bounding_box()["height"] <= viewport["height"]
    shoot(page, f"compose-space-{name}")
    clicks.on(write)
    page.wait_for_url(f"**/blogs/-/write/?space={open_space.slug}")
    page.locator(".richtext-content").wait_for()
    assert page.locator(f"select[name=space] option[value={open_space.slug}]").evaluate(
        "option => option.selected"
    )
    shoot(page, f"compose-{name}")

    # The title has the focus: no click needed to start typing.
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type("My first week in the kitchen")
    clicks.on(page.locator(".richtext-content"))
    page.keyboard.type("Thanks for the warm welcome! Here is my station:")
    _paste_image(page, "station.png", png_bytes(640, 320, (200, 120, 40)))
    alt = page.get_by_label("Alternative text for people who cannot see the image")
    alt.fill("My cooking station with copper pans")
    clicks.on(page.get_by_role("button", name="Insert"))
    page.locator(".richtext-content img").wait_for()
    page.locator("input[name=tags]").fill("welcome, kitchen")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, f"compose-filled-{name}")
    clicks.on(page.get_by_role("button", name="Publish", exact=True))

    post = BlogPostPage.objects.get(title="My first week in the kitchen")
    page.wait_for_url(f"**{post.url}")
    page.locator("article img[alt='My cooking station with copper pans']").wait_for()
    shoot(page, f"compose-published-{name}")
    assert post.live and post.space_id == open_space.pk and post.owner == newcomer
    assert '<embed embedtype="image"' in post.body
    assert sorted(post.tags.names()) == ["kitchen", "welcome"]
    assert clicks.count <= MAX_CLICKS, clicks.count
    assert admin_requests == []
    assert not page.js_errors
