"""The wiki editor in Chromium, as a new employee: edit a page, link another one with the
editor's page picker and publish in at most 5 clicks, never on an /admin/ URL; two people
editing at once keep both changes; the conflict screen. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest

from tests.browser import PASSWORD
from tests.factories import make_wiki_page
from wiki.models import WikiPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
BODY = "<p>Clean the fridge on Fridays.</p><p>Label your food.</p><p>Wipe the hob.</p>"


class Clicks:
    """Counts the clicks of a walk (typing is not counted)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        self.count += 1
        locator.click()


def watch_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def shoot_both(page, shoot, name: str) -> None:
    shoot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    shoot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def open_as(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    other = context.new_page()
    other.goto("/accounts/login/")
    other.fill("input[name=login]", username)
    other.fill("input[name=password]", PASSWORD)
    other.click("form button[type=submit]")
    other.wait_for_load_state()
    return other


def type_at_end_of_block(page, index: int, text: str) -> None:
    page.locator(".richtext-content > *").nth(index).click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_an_editor_edits_links_a_page_with_the_picker_and_publishes_in_five_clicks(
    page, login, editor, open_space, shoot
):
    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    target = make_wiki_page(open_space, "Holiday rules", "<p>Close the windows.</p>", author=editor)
    login("editor")
    requests = watch_requests(page)
    click = Clicks()
    page.goto(wiki.url)

    click(page.get_by_role("link", name="Edit", exact=True))
    page.locator(".richtext-content").wait_for()
    shoot_both(page, shoot, "wiki-editor")
    click(page.locator(".richtext-content > p").nth(1))
    page.keyboard.press("End")
    page.keyboard.type(" See ")
    click(page.get_by_role("button", name="Link a page"))
    dialog = page.get_by_role("dialog", name="Link a page")
    dialog.get_by_label("Search pages").fill("holiday")
    click(dialog.get_by_role("button", name=re.compile("Holiday rules")))
    page.get_by_label("What did you change?").fill("Linked the holiday rules")
    click(page.get_by_role("button", name="Publish"))
    page.wait_for_url(re.compile(re.escape(wiki.url) + "$"))

    assert click.count <= 5
    assert not [url for url in requests if "/admin/" in url]
    wiki.refresh_from_db()
    assert f'<a linktype="page" id="{target.pk}">Holiday rules</a>' in wiki.body
    assert wiki.live_revision.content["edit_summary"] == "Linked the holiday rules"
    page.get_by_role("link", name="Holiday rules").first.wait_for()
    assert not page.js_errors


def test_two_people_editing_at_once_keep_both_changes(
    page, login, browser, live_server, editor, moderator, open_space, shoot
):
    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    login("editor")
    other = open_as(browser, live_server, "moderator")
    edit_url = f"/wiki/{wiki.pk}/edit/"
    page.goto(edit_url)
    other.goto(edit_url)

    type_at_end_of_block(page, 0, " And on Mondays.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(wiki.url) + "$"))
    type_at_end_of_block(other, 2, " Twice a day.")
    other.get_by_role("button", name="Publish").click()
    other.wait_for_url(re.compile(re.escape(wiki.url) + "$"))

    other.get_by_text("merged with Eddie Tor’s change").wait_for()
    shoot(other, "wiki-merged")
    wiki.refresh_from_db()
    assert "Fridays. And on Mondays." in wiki.body and "Wipe the hob. Twice a day." in wiki.body
    other.context.close()


def test_the_second_of_two_people_changing_one_paragraph_loses_nothing(
    page, login, editor, moderator, open_space, shoot
):
    from tests.wiki.conftest import edit

    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    login("moderator")
    page.goto(f"/wiki/{wiki.pk}/edit/")
    page.locator(".richtext-content").wait_for()
    edit(wiki, editor, BODY.replace("on Fridays", "on Mondays"), "Mondays now")

    type_at_end_of_block(page, 0, " Use the blue cloth.")
    page.get_by_role("button", name="Publish").click()

    page.get_by_role(
        "heading", name="Eddie Tor changed this page while you were editing"
    ).wait_for()
    shoot_both(page, shoot, "wiki-conflict")
    content = page.locator(".richtext-content")
    assert "Fridays. Use the blue cloth." in content.inner_text()
    assert "Clean the fridge on Mondays." in content.inner_text()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(wiki.url) + "$"))
    body = WikiPage.objects.get(pk=wiki.pk).body
    assert "Use the blue cloth." in body and "on Mondays." in body
    assert not page.js_errors


def test_the_editor_keeps_a_private_draft_while_typing_and_offers_it_again(
    page, login, editor, open_space
):
    from wiki.models import EditDraft

    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    revisions = wiki.revisions.count()
    login("editor")
    page.goto(f"/wiki/{wiki.pk}/edit/")

    type_at_end_of_block(page, 1, " Use the marker pen.")
    page.get_by_role("status").filter(has_text="Draft saved at").wait_for(timeout=30_000)

    assert "marker pen" in EditDraft.objects.get(user=editor, page=wiki).body
    assert wiki.revisions.count() == revisions
    page.goto(wiki.url)
    page.goto(f"/wiki/{wiki.pk}/edit/")
    page.get_by_role("link", name="Restore your unsaved draft").click()
    page.locator(".richtext-content", has_text="Use the marker pen.").wait_for()
    assert not page.js_errors
