"""axe-core in Chromium on every page a person works with, at desktop and phone width: the
composer, in-place wiki editing, a new wiki page, creating a space, inviting members, asking
to write, the moderation list and a review with its diff, completing a profile, and the
pages around them. No violation of "serious" or "critical" impact may remain (issue #16).

axe's script comes from the `axe-playwright-python` package, so no network is needed."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
BLOCKING = {"serious", "critical"}
# Pages whose form is built by JavaScript: axe runs once it is there.
EDITOR = ".richtext-content"


def moderators_pages(site) -> list[tuple[str, str | None]]:
    """(address, selector to wait for) of every page the moderator checks."""
    return [
        ("/", None),
        (site.space_url, None),
        (site.post_url, None),
        (site.wiki_url, None),
        ("/search/?q=kitchen", None),
        ("/notifications/", None),
        ("/blogs/-/write/", EDITOR),
        (f"/blogs/-/posts/{site.post_id}/edit/", EDITOR),
        (f"/wiki/{site.wiki_id}/edit/", EDITOR),
        (f"/wiki/{site.wiki_id}/new/", None),
        (f"/wiki/{site.wiki_id}/new/?title=Lunch+rota&template=meeting-notes", EDITOR),
        ("/spaces/new/", None),
        (f"{site.space_url}members/", None),
        ("/moderation/changes/", None),
        (f"/moderation/changes/{site.review_id}/", ".wiki-diff"),
        ("/people/me/complete/", None),
    ]


class Checker:
    """Runs axe on the page as it is and keeps what blocks, with where it was found."""

    def __init__(self, page) -> None:
        self.page = page
        self.axe = Axe()
        self.found: list[str] = []

    def visit(self, address: str, ready: str | None = None) -> None:
        response = self.page.goto(address)
        assert response.ok, (address, response.status)
        if ready:
            self.page.locator(ready).first.wait_for()
        self.check(address)

    def check(self, label: str) -> None:
        results = self.axe.run(self.page)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING:
                targets = "; ".join(", ".join(node["target"]) for node in violation["nodes"])
                self.found.append(f"{label}: {violation['id']} ({violation['impact']}) {targets}")


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_no_page_has_a_serious_or_critical_accessibility_violation(
    page, login, a11y_site, viewport
):
    page.set_viewport_size(viewport)
    checker = Checker(page)
    login("moderator")
    for address, ready in moderators_pages(a11y_site):
        checker.visit(address, ready)

    page.context.clear_cookies()
    login("reader")
    checker.visit(a11y_site.space_url)
    page.get_by_role("button", name="Ask to write here").click()
    page.get_by_text("Write access requested").wait_for()
    checker.check(f"{a11y_site.space_url} after asking to write")

    assert not checker.found, "\n".join(checker.found)
