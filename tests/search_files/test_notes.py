"""The note for a page's editors about files whose text search cannot read
(`{% file_text_notes page %}`): the file stays attached, the note says why."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tests.factories import make_wiki_page
from tests.search_files.conftest import link_to
from tests.search_files.files import encrypted_docx_bytes, pdf_bytes

pytestmark = pytest.mark.django_db


def notes(page) -> str:
    html = Template("{% load file_texts %}{% file_text_notes page %}").render(
        Context({"page": page})
    )
    return " ".join(html.split())


def test_damaged_protected_and_too_large_files_are_named_with_the_reason(
    editor, open_space, upload, settings
):
    readable = upload(editor, "menu.pdf", pdf_bytes("Linsensuppe"))
    protected = upload(editor, "salaries.docx", encrypted_docx_bytes("Gehalt"))
    damaged = upload(editor, "scan.pdf", b"%PDF-1.4 cut off")
    settings.FILE_TEXT_MAX_BYTES = 100
    huge = upload(editor, "archive.pdf", pdf_bytes("x" * 500))
    body = "".join(f"<p>{link_to(d)}</p>" for d in (readable, protected, damaged, huge))
    page = make_wiki_page(open_space, "Files", body, author=editor)

    html = notes(page)
    assert "Files search cannot look inside" in html
    assert (
        f'<a href="{protected.url}">salaries.docx</a>: Search cannot look inside this file: '
        "it is protected by a password." in html
    )
    assert f'<a href="{damaged.url}">scan.pdf</a>: Search could not read this file' in html
    assert (
        f'<a href="{huge.url}">archive.pdf</a>: Search cannot look inside this file: '
        "it is too large." in html
    )
    assert "menu.pdf" not in html


def test_a_page_whose_files_are_all_read_has_no_note(editor, open_space, upload):
    readable = upload(editor, "menu.pdf", pdf_bytes("Linsensuppe"))
    page = make_wiki_page(open_space, "Menu", f"<p>{link_to(readable)}</p>", author=editor)
    assert notes(page) == ""
