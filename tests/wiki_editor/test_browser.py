"""The wiki editor in Chromium, as a new employee, in English and in German, at desktop
and phone width: edit a page, link another one with the editor's page picker and publish in
at most 5 clicks, never on an /admin/ URL. Two people editing at once keep both changes; the
conflict screen; the private draft. Screenshots are named by language and width."""

from __future__ import annotations

import re

import pytest

from tests.browser import (
    AT_EVERY_WIDTH,
    IN_EVERY_LANGUAGE,
    assert_fits_width,
    assert_language,
    log_in,
    open_page,
)
from tests.factories import make_wiki_page
from wiki.models import WikiPage

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
BODY = "<p>Clean the fridge on Fridays.</p><p>Label your food.</p><p>Wipe the hob.</p>"
MAX_CLICKS = 5


def watch_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def type_at_end_of_block(page, index: int, text: str) -> None:
    page.locator(".richtext-content > *").nth(index).click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def wait_for_the_page(page, wiki) -> None:
    """Saving lands on the page itself."""
    page.wait_for_url(re.compile(re.escape(wiki.url) + "$"))


@IN_EVERY_LANGUAGE
@AT_EVERY_WIDTH
def test_an_editor_edits_links_a_page_with_the_picker_and_publishes_in_five_clicks(
    page, login, words, click, editor, open_space, shoot, language, variant
):
    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    target = make_wiki_page(open_space, "Holiday rules", "<p>Close the windows.</p>", author=editor)
    login("editor")
    requests = watch_requests(page)
    page.goto(wiki.url)
    assert_language(page, language)

    click(page.get_by_role("link", name=words("Edit"), exact=True))
    page.locator(".richtext-content").wait_for()
    assert_language(page, language)
    assert_fits_width(page)
    shoot(page, f"wiki-editor-{variant}")
    click(page.locator(".richtext-content > p").nth(1))
    page.keyboard.press("End")
    page.keyboard.type(" See ")
    click(page.get_by_role("button", name=words("Link a page")))
    dialog = page.get_by_role("dialog", name=words("Link a page"))
    dialog.get_by_label(words("Search pages")).fill("holiday")
    found = dialog.get_by_role("button", name=re.compile("Holiday rules"))
    found.wait_for()
    shoot(page, f"wiki-editor-picker-{variant}")
    click(found)
    page.get_by_label(words("What did you change?")).fill("Linked the holiday rules")
    click(page.get_by_role("button", name=words("Publish")))
    wait_for_the_page(page, wiki)

    assert click.count <= MAX_CLICKS, click.count
    assert not [url for url in requests if "/admin/" in url]
    wiki.refresh_from_db()
    assert f'<a linktype="page" id="{target.pk}">Holiday rules</a>' in wiki.body
    assert wiki.live_revision.content["edit_summary"] == "Linked the holiday rules"
    page.get_by_role("link", name="Holiday rules").first.wait_for()
    page.get_by_text(words("Published.")).wait_for()
    assert_language(page, language)
    assert not page.js_errors


@IN_EVERY_LANGUAGE
def test_two_people_editing_at_once_keep_both_changes(
    page, login, words, browser, live_server, editor, moderator, open_space, shoot, language
):
    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    login("editor")
    other = log_in(open_page(browser, live_server.url, language), "moderator")
    edit_url = f"/wiki/{wiki.pk}/edit/"
    page.goto(edit_url)
    other.goto(edit_url)

    type_at_end_of_block(page, 0, " And on Mondays.")
    page.get_by_role("button", name=words("Publish")).click()
    wait_for_the_page(page, wiki)
    type_at_end_of_block(other, 2, " Twice a day.")
    other.get_by_role("button", name=words("Publish")).click()
    wait_for_the_page(other, wiki)

    merged = "Published, merged with %(name)s’s change: the page keeps both."
    other.get_by_text(words(merged, name="Eddie Tor")).wait_for()
    assert_language(other, language)
    shoot(other, f"wiki-merged-{language}")
    wiki.refresh_from_db()
    assert "Fridays. And on Mondays." in wiki.body and "Wipe the hob. Twice a day." in wiki.body
    assert not page.js_errors and not other.js_errors
    other.context.close()


@IN_EVERY_LANGUAGE
def test_the_second_of_two_people_changing_one_paragraph_loses_nothing(
    page, login, words, editor, moderator, open_space, shoot, language
):
    from tests.wiki.conftest import edit

    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    login("moderator")
    page.goto(f"/wiki/{wiki.pk}/edit/")
    page.locator(".richtext-content").wait_for()
    edit(wiki, editor, BODY.replace("on Fridays", "on Mondays"), "Mondays now")

    type_at_end_of_block(page, 0, " Use the blue cloth.")
    page.get_by_role("button", name=words("Publish")).click()

    conflict = "%(name)s changed this page while you were editing"
    page.get_by_role("heading", name=words(conflict, name="Eddie Tor")).wait_for()
    assert_language(page, language)
    shoot(page, f"wiki-conflict-{language}")
    content = page.locator(".richtext-content")
    assert "Fridays. Use the blue cloth." in content.inner_text()
    assert "Clean the fridge on Mondays." in content.inner_text()
    page.get_by_role("button", name=words("Publish")).click()
    wait_for_the_page(page, wiki)
    body = WikiPage.objects.get(pk=wiki.pk).body
    assert "Use the blue cloth." in body and "on Mondays." in body
    assert not page.js_errors


def test_the_editor_keeps_a_private_draft_while_typing_and_offers_it_again(
    page, login, words, editor, open_space
):
    from wiki.models import EditDraft

    wiki = make_wiki_page(open_space, "Kitchen rules", BODY, author=editor)
    revisions = wiki.revisions.count()
    login("editor")
    page.goto(f"/wiki/{wiki.pk}/edit/")

    type_at_end_of_block(page, 1, " Use the marker pen.")
    saved_at = words("Draft saved at %(time)s.").split("%(time)s")[0]
    page.get_by_role("status").filter(has_text=saved_at).wait_for(timeout=30_000)

    assert "marker pen" in EditDraft.objects.get(user=editor, page=wiki).body
    assert wiki.revisions.count() == revisions
    page.goto(wiki.url)
    page.goto(f"/wiki/{wiki.pk}/edit/")
    page.get_by_role("link", name=words("Restore your unsaved draft")).click()
    page.locator(".richtext-content", has_text="Use the marker pen.").wait_for()
    assert not page.js_errors
