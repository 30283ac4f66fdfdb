"""In a browser: a new employee creates a members-only space from home and invites a
colleague by name, in at most 8 clicks (typing not counted), never on an /admin/ address.
Screenshots at desktop and phone width go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from community.models import Notification
from intranet.models import Role, SpacePage
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 8


def test_a_new_employee_creates_a_members_only_space_and_invites_a_colleague(
    page, login, shoot, site_tree, emma
):
    newbie = UserFactory(username="newbie", first_name="Nina", last_name="Neu")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    login("newbie")
    page.goto("/")
    click(page.get_by_role("link", name="Create space"))
    page.wait_for_url("**/spaces/new/")
    page.get_by_label("Name").fill("Coffee Club")
    page.get_by_label("Description").fill("Beans, brewing and the machine on floor 3.")
    click(page.get_by_label(re.compile("Members only")))
    shoot(page, "space-create-desktop")
    click(page.get_by_role("button", name="Create space"))
    page.wait_for_url("**/spaces/coffee-club/")
    space = SpacePage.objects.get(slug="coffee-club")
    assert space.is_members_only and space.role_of(newbie) == Role.ADMIN
    shoot(page, "space-new-desktop")

    click(page.get_by_role("link", name="Invite colleagues"))
    page.wait_for_url("**/spaces/coffee-club/members/#invite")
    invite = page.get_by_role("combobox", name="Colleagues")
    invite.press_sequentially("Emma")
    click(page.get_by_role("option", name=re.compile("Emma Wagner")))
    click(page.get_by_role("button", name="Add to space"))
    page.wait_for_url("**/spaces/coffee-club/members/")
    page.get_by_text("Emma Wagner is now Editor.").wait_for()
    shoot(page, "space-invited-desktop")

    assert space.role_of(emma) == Role.EDITOR
    assert Notification.objects.filter(recipient=emma, kind="membership", space=space).exists()
    assert clicks <= MAX_CLICKS, clicks
    assert not [url for url in requests if "/admin/" in url]
    assert not page.js_errors

    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        ("/spaces/new/", "space-create-phone"),
        (space.url, "space-new-phone"),
        (f"{space.url}members/", "space-invited-phone"),
    ):
        page.goto(path)
        shoot(page, name)
        # The page's own content fits the phone (the site header is base.html's).
        right = page.evaluate(
            "Math.max(...[...document.querySelectorAll('main *')]"
            ".map(e => e.getBoundingClientRect().right))"
        )
        assert right <= 390, (path, right)


def test_a_reader_asks_to_write_from_the_space_page(page, login, shoot, reader, open_space):
    login("reader")
    page.goto(open_space.url)
    page.get_by_role("button", name="Ask to write here").click()
    page.get_by_text("Your request was sent to the space's moderators.").wait_for()
    assert page.get_by_text("Write access requested").is_visible()
    shoot(page, "space-write-access-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "space-write-access-phone")
    assert open_space.join_requests.get(user=reader).role == Role.EDITOR
    assert not page.js_errors
