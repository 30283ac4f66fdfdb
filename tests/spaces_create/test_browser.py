"""In a browser, in English and in German, at desktop and phone width: a new employee
creates a members-only space from home and invites a colleague by name, in at most 8 clicks
(typing not counted), never on an /admin/ address; the colleague reads the news in their own
language. Screenshots named by language and width go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from community.models import Notification
from community.receivers import MEMBER_ADDED
from intranet.models import Role, SpacePage
from tests.browser import (
    AT_EVERY_WIDTH,
    IN_EVERY_LANGUAGE,
    PHONE,
    assert_fits_width,
    assert_language,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 8


def now_has_role(language: str, name: str, role: Role) -> str:
    """The members page's confirmation for one person, in `language`."""
    with translation.override(language):
        message = translation.ngettext(
            "%(names)s is now %(role)s.", "%(names)s are now %(role)s.", 1
        )
        return message % {"names": name, "role": role.label}


@IN_EVERY_LANGUAGE
@AT_EVERY_WIDTH
def test_a_new_employee_creates_a_members_only_space_and_invites_a_colleague(
    page, login, shoot, words, click, client_for, site_tree, emma, ben, language, variant
):
    # The colleague speaks the other language: the news reaches them in theirs.
    colleague, their_language = (ben, "en") if language == "de" else (emma, "de")
    newbie = UserFactory(username="newbie", first_name="Nina", last_name="Neu")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    login("newbie")
    page.goto("/")
    assert_language(page, language)
    click(page.get_by_role("link", name=words("Create space")))
    page.wait_for_url("**/spaces/new/")
    page.get_by_label(words("Name")).fill("Coffee Club")
    page.get_by_label(words("Description")).fill("Beans, brewing and the machine on floor 3.")
    click(page.get_by_label(words("Members only: invisible to everyone else")))
    assert_language(page, language)
    assert_fits_width(page)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header, where it belongs
    shoot(page, f"space-create-{variant}")
    click(page.get_by_role("button", name=words("Create space")))
    page.wait_for_url("**/spaces/coffee-club/")
    space = SpacePage.objects.get(slug="coffee-club")
    assert space.is_members_only and space.role_of(newbie) == Role.ADMIN
    assert_fits_width(page)
    shoot(page, f"space-new-{variant}")

    click(page.get_by_role("link", name=words("Invite colleagues")))
    page.wait_for_url("**/spaces/coffee-club/members/#invite")
    invite = page.get_by_role("combobox", name=words("Colleagues"))
    invite.press_sequentially(colleague.first_name)
    click(page.get_by_role("option", name=re.compile(colleague.get_full_name())))
    click(page.get_by_role("button", name=words("Add to space")))
    page.wait_for_url("**/spaces/coffee-club/members/")
    page.get_by_text(now_has_role(language, colleague.get_full_name(), Role.EDITOR)).wait_for()
    assert_language(page, language)
    assert_fits_width(page)
    shoot(page, f"space-invited-{variant}")

    assert space.role_of(colleague) == Role.EDITOR
    assert Notification.objects.filter(recipient=colleague, kind="membership", space=space)
    with translation.override(their_language):
        news = translation.gettext(MEMBER_ADDED) % {
            "name": "Nina Neu",
            "space": "Coffee Club",
            "role": Role.EDITOR.label,
        }
    assert news in client_for(colleague).get("/notifications/").content.decode()
    assert click.count <= MAX_CLICKS, click.count
    assert not [url for url in requests if "/admin/" in url]
    assert not page.js_errors


def test_a_reader_asks_to_write_from_the_space_page(page, login, shoot, words, reader, open_space):
    login("reader")
    page.goto(open_space.url)
    page.get_by_role("button", name=words("Ask to write here")).click()
    page.get_by_text(words("Your request was sent to the space's moderators.")).wait_for()
    assert page.get_by_text(words("Write access requested")).is_visible()
    shoot(page, "space-write-access-en-desktop")
    page.set_viewport_size(PHONE)
    shoot(page, "space-write-access-en-phone")
    assert open_space.join_requests.get(user=reader).role == Role.EDITOR
    assert not page.js_errors
