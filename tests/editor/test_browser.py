"""The editor in Chromium, on a test page with the real widget (tests/editor/views.py):
type, format, paste an image, link a page, mention a colleague, save, and read what would
be stored. Screenshots at desktop and phone width go to test-artifacts/screenshots/."""

from __future__ import annotations

import base64
import re

import pytest

from tests.blogs.conftest import png_bytes
from tests.factories import make_wiki_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.editor.urls"),
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def writer(page, login, editor, site_tree):
    """The editor persona, logged in, on the editor's test page; CSP reports are errors."""
    csp: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_violations = csp
    login("editor")
    return page


def _open(page, query: str = ""):
    page.goto(f"/editor-test/{query}")
    page.locator(".richtext-content").wait_for()
    return page.locator(".richtext-content")


def _stored(page) -> str:
    return page.locator("#stored").inner_text()


def _paste_file(page, name: str, mime: str, data: bytes) -> None:
    page.evaluate(
        """([name, mime, b64]) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const event = new ClipboardEvent(
                "paste", { clipboardData: transfer, bubbles: true, cancelable: true }
            );
            document.querySelector(".richtext-content").dispatchEvent(event);
        }""",
        [name, mime, base64.b64encode(data).decode()],
    )


def _clean(page) -> None:
    assert not page.js_errors
    assert not page.csp_violations


def test_bold_text_typed_in_the_editor_is_stored_in_wagtails_format(writer, shoot):
    content = _open(writer)
    assert writer.locator("textarea[name=body]").is_hidden()
    writer.evaluate(
        """() => document.querySelector("textarea[name=body]").addEventListener(
            "richtext:change", (event) => { window.lastChange = event.detail.html; })"""
    )
    content.click()
    writer.keyboard.type("Hello ")
    bold = writer.get_by_role("button", name="Bold")
    bold.click()
    assert bold.get_attribute("aria-pressed") == "true"
    writer.keyboard.type("world")
    bold.click()
    assert bold.get_attribute("aria-pressed") == "false"
    writer.keyboard.press("Enter")
    writer.get_by_role("button", name="Bulleted list").click()
    writer.keyboard.type("first")
    writer.keyboard.press("Enter")
    writer.keyboard.type("second")
    writer.wait_for_function(
        "() => document.querySelector('textarea[name=body]').value.includes('second')"
    )
    assert "<li><p>second</p></li></ul>" in writer.evaluate("window.lastChange")
    shoot(writer, "editor-desktop")
    writer.get_by_role("button", name="Save").click()
    assert _stored(writer) == "<p>Hello <b>world</b></p><ul><li>first</li><li>second</li></ul>"
    _clean(writer)


def test_a_pasted_image_is_uploaded_described_and_stored_as_an_image_embed(writer, shoot):
    from wagtail.images import get_image_model

    writer.set_viewport_size(PHONE)
    content = _open(writer)
    content.click()
    writer.keyboard.type("Our new office:")
    _paste_file(writer, "office.png", "image/png", png_bytes(640, 360))
    dialog = writer.get_by_role("dialog", name="Describe the image")
    dialog.wait_for()
    dialog.get_by_role("button", name="Insert").click()
    assert dialog.get_by_text("Describe the image, or mark it as decorative.").is_visible()
    dialog.get_by_label("Alternative text for people who cannot see the image").fill(
        "A bright open-plan office"
    )
    shoot(writer, "editor-alt-text-phone")
    dialog.get_by_role("button", name="Insert").click()
    image = get_image_model().objects.get(title="office.png")
    content.locator(f'img[data-image-id="{image.pk}"]').wait_for()
    shoot(writer, "editor-phone")
    writer.get_by_role("button", name="Save").click()
    assert _stored(writer) == (
        "<p>Our new office:</p>"
        f'<embed embedtype="image" format="fullwidth" id="{image.pk}" '
        'alt="A bright open-plan office"/>'
    )
    _clean(writer)


def test_an_address_is_linked_only_with_a_safe_scheme(writer):
    content = _open(writer)
    content.click()
    writer.keyboard.type("the vendor")
    writer.keyboard.press("Shift+Home")
    writer.keyboard.press("Control+k")
    dialog = writer.get_by_role("dialog", name="Add a link")
    address = dialog.get_by_label("Address (https://…, mailto:… or /path)")
    address.fill("javascript:alert(1)")
    dialog.get_by_role("button", name="Insert").click()
    assert address.get_attribute("aria-invalid") == "true"
    dialog.get_by_text("Use an address starting with").wait_for()
    address.fill("https://example.com/docs")
    dialog.get_by_role("button", name="Insert").click()
    writer.get_by_role("button", name="Save").click()
    assert _stored(writer) == '<p><a href="https://example.com/docs">the vendor</a></p>'
    _clean(writer)


def test_a_file_from_the_toolbar_becomes_a_document_link(writer):
    from wagtail.documents import get_document_model

    content = _open(writer)
    content.click()
    writer.keyboard.type("Budget: ")
    with writer.expect_file_chooser() as chooser:
        writer.get_by_role("button", name="File").click()
    chooser.value.set_files(
        {"name": "budget.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 budget"}
    )
    document = get_document_model()
    content.locator("a[data-document-id]").wait_for()
    writer.get_by_text("budget.pdf added.").wait_for()
    writer.get_by_role("button", name="Save").click()
    pk = document.objects.get(title="budget.pdf").pk
    # The space after the link is the editor's, for typing on.
    assert _stored(writer) == f'<p>Budget: <a linktype="document" id="{pk}">budget.pdf</a> </p>'
    _clean(writer)


def test_a_refused_upload_is_reported_and_nothing_typed_is_lost(writer):
    content = _open(writer)
    content.click()
    writer.keyboard.type("Keep me")
    _paste_file(writer, "setup.exe", "application/octet-stream", b"MZ")
    alert = writer.locator(".richtext-errors")
    alert.get_by_text("setup.exe could not be uploaded: Programs cannot be uploaded.").wait_for()
    assert content.inner_text().strip() == "Keep me"
    alert.get_by_role("button", name="Dismiss").click()
    assert alert.inner_text() == ""
    _clean(writer)


def test_a_page_is_linked_with_the_picker_and_a_colleague_mentioned(
    writer, open_space, editor, reader, shoot
):
    target = make_wiki_page(open_space, "Holiday rules", author=editor)
    content = _open(writer)
    content.click()
    writer.keyboard.type("Read ")
    writer.get_by_role("button", name="Link a page").click()
    dialog = writer.get_by_role("dialog", name="Link a page")
    dialog.get_by_label("Search pages").fill("holiday")
    dialog.get_by_text("1 page found.").wait_for()
    result = dialog.get_by_role("button", name=re.compile("Holiday rules"))
    shoot(writer, "editor-page-picker")
    result.click()
    writer.keyboard.type("and ask @rea")
    option = writer.get_by_role("option", name=re.compile("@reader"))
    option.wait_for()
    assert option.get_attribute("aria-selected") == "true"
    shoot(writer, "editor-mention")
    writer.keyboard.press("Enter")
    writer.keyboard.type("about it.")
    writer.get_by_role("button", name="Save").click()
    assert _stored(writer) == (
        f'<p>Read <a linktype="page" id="{target.pk}">Holiday rules</a> '
        "and ask @reader about it.</p>"
    )
    _clean(writer)


def test_a_stored_page_loaded_and_saved_unchanged_stays_the_same(writer, open_space, editor):
    target = make_wiki_page(open_space, "VPN access", author=editor)
    body = (
        "<p>Every new laptop comes with the standard image.</p><h2>First start</h2>"
        "<ol><li>Log in with your account.</li><li>Set up [[VPN access]].</li></ol>"
        f'<p>See <a linktype="page" id="{target.pk}">VPN access</a> and '
        '<a href="https://example.com/?a=1&amp;b=2">the vendor</a>.</p>'
        "<pre>vpn connect office.example.com\nvpn status</pre>"
        "<blockquote>Quote<br/>second line</blockquote><hr/>"
    )
    page = make_wiki_page(open_space, "Laptop setup", body=body, author=editor)
    _open(writer, f"?page={page.pk}")
    writer.get_by_role("button", name="Save").click()
    assert _stored(writer) == body
    _clean(writer)


def test_the_toolbar_is_one_tab_stop_walked_with_arrow_keys(writer):
    _open(writer)
    writer.get_by_role("button", name="Bold").focus()
    writer.keyboard.press("ArrowRight")
    focused = writer.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Italic"
    tabbable = writer.locator(".richtext-toolbar button[tabindex='0']")
    assert tabbable.count() == 1
    writer.keyboard.press("End")
    assert writer.evaluate("document.activeElement.getAttribute('aria-label')") == "File"
    _clean(writer)


def test_the_editor_speaks_the_language_of_its_reader(page, login, editor, site_tree):
    from django.utils import translation

    from profiles.models import Profile

    Profile.objects.filter(user=editor).update(preferred_language="de")
    login("editor")
    _open(page)
    assert page.locator("html").get_attribute("lang") == "de"
    with translation.override("de"):
        bold = translation.gettext("Bold")
    assert page.locator(".richtext-bold").get_attribute("aria-label") == bold
    page.locator(".richtext-link").click()
    page.get_by_role("dialog").get_by_role("button", name="Abbrechen").click()
    assert not page.js_errors
