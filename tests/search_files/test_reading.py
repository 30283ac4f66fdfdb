"""When a file's text is read and what follows (intranet/attachments.py): once after its
upload commits, again when the file is replaced, and the pages holding it indexed anew; a
file that cannot be read never stops an upload or a publish."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from intranet import extraction
from intranet.attachments import attachment_text, read_document_text
from intranet.models import DocumentText
from intranet.uploads import store_upload
from search.query import search_content
from tests.factories import make_wiki_page
from tests.search_files.conftest import link_to
from tests.search_files.files import docx_bytes, encrypted_pdf_bytes, pdf_bytes

pytestmark = pytest.mark.django_db

UPLOADS = "/-/uploads/"


def titles(user, query: str) -> list[str]:
    return [hit.title for hit in search_content(user, query).hits]


@pytest.fixture
def reads(monkeypatch):
    """The extensions of the files read in a child process, in order."""
    seen: list[str] = []
    original = extraction.read_in_child

    def counting(data, extension, limits):
        seen.append(extension)
        return original(data, extension, limits)

    monkeypatch.setattr(extraction, "read_in_child", counting)
    return seen


def test_an_upload_is_read_only_once_it_has_committed(
    editor, django_capture_on_commit_callbacks, reads
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = store_upload(editor, SimpleUploadedFile("plan.pdf", pdf_bytes("Dienstplan")))
        assert not DocumentText.objects.exists()
    assert reads == []
    for callback in callbacks:
        callback()
    stored = DocumentText.objects.get(document=document)
    assert (stored.status, stored.text, stored.file_hash) == (
        "ok",
        "Dienstplan",
        document.file_hash,
    )
    assert reads == ["pdf"]


def test_saving_a_document_with_the_same_file_reads_nothing(editor, upload, reads):
    document = upload(editor, "plan.pdf", pdf_bytes("Dienstplan"))
    document.title = "Dienstplan Juli"
    document.save()
    assert reads == ["pdf"]


def test_a_replaced_file_is_read_again_and_its_page_found_by_the_new_text(
    editor, reader, open_space, upload, page_holding, django_capture_on_commit_callbacks
):
    document = upload(editor, "menu.pdf", pdf_bytes("Montag Linsensuppe"))
    page_holding(open_space, "Canteen", document)
    assert titles(reader, "Linsensuppe") == ["Canteen"]

    with django_capture_on_commit_callbacks(execute=True):
        document.file.save("menu.pdf", ContentFile(pdf_bytes("Montag Kartoffelgratin")))
        document._set_document_file_metadata()
        document.save()

    assert DocumentText.objects.get(document=document).text == "Montag Kartoffelgratin"
    assert titles(reader, "Kartoffelgratin") == ["Canteen"]
    assert titles(reader, "Linsensuppe") == []


def test_a_file_read_after_its_page_went_live_makes_the_page_findable(
    editor, reader, open_space, django_capture_on_commit_callbacks
):
    # With a task worker, the page may be published before the worker reads the file.
    with django_capture_on_commit_callbacks(execute=False) as reading:
        document = store_upload(editor, SimpleUploadedFile("faq.docx", docx_bytes("Parkausweis")))
    make_wiki_page(open_space, "FAQ", f"<p>{link_to(document)}</p>", author=editor)
    assert titles(reader, "Parkausweis") == []
    for callback in reading:
        callback()
    assert titles(reader, "Parkausweis") == ["FAQ"]


def test_a_file_that_cannot_be_read_is_uploaded_and_published_all_the_same(
    client_for, editor, reader, open_space, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(editor).post(
            UPLOADS, {"file": SimpleUploadedFile("salaries.pdf", encrypted_pdf_bytes("Gehalt"))}
        )
    assert response.status_code == 201
    document_id = response.json()["id"]
    assert DocumentText.objects.get(document_id=document_id).status == "encrypted"
    page = make_wiki_page(
        open_space,
        "Pay scales",
        f'<p>Pay scales <a linktype="document" id="{document_id}">here</a></p>',
        author=editor,
    )
    assert page.live
    assert titles(reader, "Pay scales") == ["Pay scales"]
    assert titles(reader, "Gehalt") == []


def test_a_file_larger_than_the_limit_is_not_read_at_all(editor, upload, settings, reads):
    settings.FILE_TEXT_MAX_BYTES = 1000
    document = upload(editor, "big.pdf", pdf_bytes("x " * 2000))
    assert DocumentText.objects.get(document=document).status == "too_large"
    assert reads == []


def test_a_file_missing_from_storage_is_noted_as_damaged(editor, upload):
    document = upload(editor, "gone.pdf", pdf_bytes("Weg"))
    document.file.storage.delete(document.file.name)
    assert read_document_text.call(document.pk, True) == "corrupt"


def test_the_text_of_a_pages_files_is_cut_at_the_page_limit(editor, open_space, upload, settings):
    first = upload(editor, "a.pdf", pdf_bytes("alpha " * 50))
    second = upload(editor, "b.pdf", pdf_bytes("beta " * 50))
    body = f"<p>{link_to(first)} {link_to(second)}</p>"
    page = make_wiki_page(open_space, "Two files", body, author=editor)
    assert "alpha" in attachment_text(page) and "beta" in attachment_text(page)
    settings.PAGE_FILE_TEXT_MAX_CHARS = 100
    assert len(attachment_text(page)) <= 100
    assert "beta" not in attachment_text(page)


def test_deleting_a_document_takes_its_text_out_of_the_pages_holding_it(
    editor, reader, open_space, upload, page_holding, django_capture_on_commit_callbacks
):
    document = upload(editor, "menu.pdf", pdf_bytes("Dienstags Spinatknödel"))
    page_holding(open_space, "Canteen", document)
    assert titles(reader, "Spinatknödel") == ["Canteen"]
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert titles(reader, "Spinatknödel") == []


def test_a_page_that_no_longer_links_a_file_is_no_longer_found_by_its_text(
    editor, reader, open_space, upload, page_holding
):
    document = upload(editor, "menu.pdf", pdf_bytes("Freitags Fischstäbchen"))
    page = page_holding(open_space, "Canteen", document)
    assert titles(reader, "Fischstäbchen") == ["Canteen"]
    page.body = "<p>The menu moved to the notice board.</p>"
    page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    assert titles(reader, "Fischstäbchen") == []


def test_the_task_skips_a_document_deleted_since_it_was_queued():
    assert read_document_text.call(987654) == "deleted"


def test_the_command_reads_documents_uploaded_before_files_were_read(
    editor, upload, django_capture_on_commit_callbacks
):
    document = upload(editor, "old.pdf", pdf_bytes("Altbestand"))
    DocumentText.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("read_document_texts", stdout=io.StringIO())
    assert DocumentText.objects.get(document=document).text == "Altbestand"


def test_the_command_reads_every_document_again_when_asked(
    editor, upload, reads, django_capture_on_commit_callbacks
):
    upload(editor, "old.pdf", pdf_bytes("Altbestand"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("read_document_texts", stdout=io.StringIO())
    assert reads == ["pdf"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("read_document_texts", "--again", stdout=io.StringIO())
    assert reads == ["pdf", "pdf"]
