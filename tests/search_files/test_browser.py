"""Search inside files in Chromium: an editor attaches a PDF, a Word file, a presentation,
a workbook and an OpenDocument text to a wiki page of a members-only space with the editor's
"File" button and publishes; a member then finds the page by words that are only inside each
file, and the hit names that file and shows the words from inside it. An outsider searching
the same words finds nothing. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from tests.browser import log_in, open_page
from tests.factories import make_wiki_page
from tests.search_files.files import docx_bytes, odt_bytes, pdf_bytes, pptx_bytes, xlsx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One file of each format, a word found only inside it, and its MIME type.
ATTACHMENTS = [
    ("anlage1.pdf", "Kilometerpauschale", "application/pdf", pdf_bytes),
    (
        "anlage2.docx",
        "Parkausweis",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx_bytes,
    ),
    (
        "anlage3.pptx",
        "Quartalsziele",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        lambda text: pptx_bytes("Vorstand", text),
    ),
    (
        "anlage4.xlsx",
        "Druckerpapier",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda text: xlsx_bytes([["Posten", "Betrag"], [text, 12.5]]),
    ),
    (
        "anlage5.odt",
        "Betriebsausflug",
        "application/vnd.oasis.opendocument.text",
        lambda text: odt_bytes("Protokoll", text),
    ),
]


def attach(page, name: str, mime: str, data: bytes) -> None:
    """Attach a file with the editor's "File" button, as a person picks one from disk."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="File").click()
    chooser.value.set_files({"name": name, "mimeType": mime, "buffer": data})
    page.get_by_text(f"{name} added.").wait_for()


def test_a_member_finds_a_page_by_words_inside_each_of_its_five_files(
    page, browser, live_server, editor, outsider, private_space, shoot
):
    wiki = make_wiki_page(
        private_space, "Board minutes", "<p>Minutes of the board meeting.</p>", author=editor
    )
    log_in(page, "editor")
    page.goto(f"/wiki/{wiki.pk}/edit/")
    page.locator(".richtext-content > p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Attachments: ")
    for name, word, mime, make in ATTACHMENTS:
        attach(page, name, mime, make(f"Im Anhang steht das Wort {word} und sonst wenig."))
        page.keyboard.type(" ")
    shoot(page, "search-files-editor")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(wiki.url) + "$"))

    page.goto("/search/")
    form = page.locator("form.search-form")
    form.get_by_label("Search for").fill(ATTACHMENTS[0][1])
    form.get_by_role("button", name="Search").click()
    for index, (name, word, _mime, _make) in enumerate(ATTACHMENTS):
        if index:
            page.goto(f"/search/?q={word}")
        hit = page.locator(".search-hit").filter(has_text="Board minutes")
        hit.wait_for()
        assert page.locator(".search-results .search-hit").count() == 1, word
        assert " ".join(hit.locator(".hit-file").inner_text().split()) == (
            f"In the attached file {name}:"
        )
        assert hit.locator(".snippet mark").first.inner_text() == word
        assert hit.get_by_role("link", name=name).get_attribute("href").endswith(name)
        if index == 0:
            shoot(page, "search-files-hit")
    assert not page.js_errors

    stranger = log_in(open_page(browser, live_server.url), "outsider")
    for _name, word, _mime, _make in ATTACHMENTS:
        stranger.goto(f"/search/?q={word}")
        stranger.locator(".search-count").wait_for()
        assert stranger.locator(".search-hit").count() == 0, word
        assert "Board minutes" not in stranger.content()
        assert "anlage" not in stranger.content()
    stranger.context.close()
