"""A moderator approves a submitted change from the notification, in Chromium, in English
and in German, at desktop and phone width: open the notifications, open the change,
Approve; three clicks, never on an /admin/ URL. Screenshots of the change page and the list
of changes, named by language and width."""

from __future__ import annotations

import pytest

from community.receivers import CHANGE_SUBMITTED
from tests.browser import (
    AT_EVERY_WIDTH,
    IN_EVERY_LANGUAGE,
    PHONE,
    assert_fits_width,
    assert_language,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MAX_CLICKS = 3


@IN_EVERY_LANGUAGE
@AT_EVERY_WIDTH
def test_a_moderator_approves_a_submitted_change_from_the_notification_in_three_clicks(
    page, login, shoot, words, click, moderator, change, live_page, language, variant
):
    admin_requests: list[str] = []
    page.on("request", lambda r: admin_requests.append(r.url) if "/admin/" in r.url else None)
    login("moderator")
    assert_language(page, language)

    click(page.get_by_role("link", name=words("Notifications")))
    notification = words(CHANGE_SUBMITTED, name="Eddie Tor", title="Kitchen rules")
    click(page.get_by_role("link", name=notification))
    page.get_by_role("heading", name=words("Review “%(title)s”", title="Kitchen rules")).wait_for()
    assert page.locator(".wiki-diff ins").first.inner_text() == ", every day"
    assert_language(page, language)
    assert_fits_width(page)
    shoot(page, f"moderation-change-{variant}")

    click(page.get_by_role("button", name=words("Approve")))
    done = words("Approved and published: “%(title)s”.", title="Kitchen rules")
    page.get_by_text(done).wait_for()

    assert click.count <= MAX_CLICKS, click.count
    assert not admin_requests
    assert not page.js_errors
    live_page.refresh_from_db()
    assert "every day" in live_page.body


def test_the_list_of_changes_at_desktop_and_phone_width(
    page, login, shoot, words, moderator, editor, change, private_change
):
    login("moderator")
    main_menu = page.get_by_role("navigation", name=words("Main"))
    main_menu.get_by_role("link", name=words("Moderation")).click()
    page.get_by_role("heading", name=words("Changes to approve")).wait_for()
    assert page.get_by_role("link", name="Kitchen rules").is_visible()
    assert page.get_by_role("link", name="Quokka plans").is_visible()
    shoot(page, "moderation-changes-en-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "moderation-changes-en-phone")
    # The menu with its fifth entry still fits a phone: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not page.js_errors
