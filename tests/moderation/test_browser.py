"""A moderator approves a submitted change from the notification, in Chromium: open the
notifications, open the change, Approve; three clicks, never on an /admin/ URL. Screenshots
of the list and the change page at desktop and phone width."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def test_a_moderator_approves_a_submitted_change_from_the_notification_in_three_clicks(
    page, login, shoot, moderator, change, live_page
):
    admin_requests: list[str] = []
    page.on("request", lambda r: admin_requests.append(r.url) if "/admin/" in r.url else None)
    login("moderator")
    clicks = 0

    page.get_by_role("link", name="Notifications").click()
    clicks += 1
    notification = "Eddie Tor asks you to approve a change to “Kitchen rules”"
    page.get_by_role("link", name=notification).click()
    clicks += 1
    page.get_by_role("heading", name="Review “Kitchen rules”").wait_for()
    assert page.locator(".wiki-diff ins").first.inner_text() == ", every day"
    shoot(page, "moderation-change-1280")
    page.set_viewport_size(PHONE)
    shoot(page, "moderation-change-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Approve").click()
    clicks += 1
    page.get_by_text("Approved and published").wait_for()

    assert clicks <= 3
    assert not admin_requests
    assert not page.js_errors
    live_page.refresh_from_db()
    assert "every day" in live_page.body


def test_the_list_of_changes_at_desktop_and_phone_width(
    page, login, shoot, moderator, editor, change, private_change
):
    login("moderator")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Moderation").click()
    page.get_by_role("heading", name="Changes to approve").wait_for()
    assert page.get_by_role("link", name="Kitchen rules").is_visible()
    assert page.get_by_role("link", name="Quokka plans").is_visible()
    shoot(page, "moderation-changes-1280")
    page.set_viewport_size(PHONE)
    shoot(page, "moderation-changes-390")
    # The menu with its fifth entry still fits a phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.js_errors
