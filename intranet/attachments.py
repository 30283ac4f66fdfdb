"""The files pages hold, read for search: a page is found by the text inside its files.

A document (PDF, Word, PowerPoint, Excel, OpenDocument, text) belongs to the pages that link
it, found through Wagtail's reference index, as `intranet.files` finds who may fetch it. Its
text is read once per file content, in the background (`read_document_text`, a task queued
after the upload commits; `intranet.extraction` does the reading in a child process with
time and memory limits) and kept in `DocumentText`. It is never indexed on its own: wiki
pages and blog posts index `attachment_text` (the text of the files they link) as one of
their own fields, so a file's text has exactly the visibility of the page that holds it,
under the one rule, with no second one. When a file's text is read, every page that holds
it is indexed again.

A file whose text cannot be read (damaged, protected by a password, too large, a type
search does not read) stays attached and the page publishes as always; its status says
why, and `file_text_notes` tells the page's editors.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.documents import get_document_model
from wagtail.fields import RichTextField
from wagtail.models import Page, ReferenceIndex
from wagtail.rich_text import extract_references_from_rich_text

from intranet import extraction
from intranet.files import pages_showing
from intranet.models import DocumentText
from search.files import FileText
from search.index_queue import index_after_commit

logger = logging.getLogger(__name__)

Status = DocumentText.Status

# Defaults of the limits; each can be set in the settings under its name.
FILE_TEXT_MAX_BYTES = 50 * 1024 * 1024  # files larger are not read at all
FILE_TEXT_MAX_CHARS = 200_000  # about 80 pages of text are kept per file
FILE_TEXT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a ZIP-based file may unpack to
FILE_TEXT_SECONDS = 60  # time to read one file
FILE_TEXT_MEMORY_BYTES = 1024 * 1024 * 1024  # memory the reading process may take
PAGE_FILE_TEXT_MAX_CHARS = 1_000_000  # text of all a page's files, indexed with the page

# What the page's editors are told about a file whose text search cannot read.
NOTES: dict[str, Promise] = {
    Status.EMPTY: _("Search found no text in this file (is it a scan?)."),
    Status.CORRUPT: _("Search could not read this file: it seems to be damaged."),
    Status.ENCRYPTED: _("Search cannot look inside this file: it is protected by a password."),
    Status.TOO_LARGE: _("Search cannot look inside this file: it is too large."),
    Status.UNSUPPORTED: _("Search does not look inside files of this type."),
}


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def limits() -> extraction.Limits:
    """The limits of reading one file, from the settings (read when a file is read)."""
    return extraction.Limits(
        max_chars=_setting("FILE_TEXT_MAX_CHARS", FILE_TEXT_MAX_CHARS),
        max_unpacked=_setting("FILE_TEXT_MAX_UNPACKED_BYTES", FILE_TEXT_MAX_UNPACKED_BYTES),
        seconds=_setting("FILE_TEXT_SECONDS", FILE_TEXT_SECONDS),
        memory=_setting("FILE_TEXT_MEMORY_BYTES", FILE_TEXT_MEMORY_BYTES),
    )


# --- reading a file ---------------------------------------------------------------------------


def has_current_text(document) -> bool:
    """Whether the text of `document` was read from the file it has now."""
    return bool(document.file_hash) and (
        DocumentText.objects.filter(document=document, file_hash=document.file_hash).exists()
    )


def _read_bytes(document, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it is larger than `max_bytes` (then not read whole)."""
    size = document.file_size
    if size is not None and size > max_bytes:
        return None
    with document.open_file() as stored:
        if stored.seekable():
            stored.seek(0)  # an upload just saved is still open at its end
        data = stored.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def read_and_store(document, *, again: bool = False) -> DocumentText:
    """Read the text of `document`'s file and keep it, and index the pages holding it again.
    The same bytes are read once, unless `again` (after the limits changed). Never raises
    for a bad file."""
    max_bytes = _setting("FILE_TEXT_MAX_BYTES", FILE_TEXT_MAX_BYTES)
    try:
        data = _read_bytes(document, max_bytes)
    except OSError:
        logger.warning("The file of document %s cannot be opened", document.pk)
        file_hash, found = document.file_hash, extraction.Extracted(Status.CORRUPT)
    else:
        if data is None:
            file_hash, found = document.file_hash, extraction.Extracted(Status.TOO_LARGE)
        else:
            file_hash = hashlib.sha1(data, usedforsecurity=False).hexdigest()
            known = DocumentText.objects.filter(document=document, file_hash=file_hash).first()
            if known is not None and not again:
                return known  # the same bytes again (a second save, a repeated task)
            found = extraction.read_in_child(data, document.file_extension, limits())
    stored, _created = DocumentText.objects.update_or_create(
        document=document,
        defaults={
            "file_hash": file_hash or "",
            "status": found.status,
            "text": found.text,
            "truncated": found.truncated,
            "read_at": timezone.now(),
        },
    )
    reindex_pages(pages_showing(document))
    return stored


@task()
def read_document_text(document_id: int, again: bool = False) -> str:
    """Read one document's text (queued after an upload or a replaced file commits); the
    status, for the task's result. A document deleted since is skipped."""
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None:
        return "deleted"
    return read_and_store(document, again=again).status


def reindex_pages(page_ids: Iterable[int]) -> None:
    """Write the search documents of these pages again, after the current transaction."""
    for page in Page.objects.filter(pk__in=list(page_ids)).specific():
        index_after_commit(page)


# --- the files of pages -----------------------------------------------------------------------


def _document_references(page_ids: Sequence[int]) -> QuerySet:
    """The reference index rows of the documents these pages link."""
    return ReferenceIndex.objects.filter(
        base_content_type=ReferenceIndex._get_base_content_type(Page),
        object_id__in=[str(pk) for pk in page_ids],
        to_content_type=ReferenceIndex._get_base_content_type(get_document_model()),
    )


def linked_document_ids(page: Page) -> list[int]:
    """Ids of the documents `page`'s rich text links, read from the page itself (the text
    its search document is built from), the way Wagtail's reference index reads them."""
    document_model = get_document_model()
    found: list[int] = []
    for field in page._meta.concrete_fields:
        html = getattr(page, field.attname) if isinstance(field, RichTextField) else None
        # Most pages link no file: a plain substring test spares them the parsing.
        if not html or "document" not in html:
            continue
        for model, pk, *_rest in extract_references_from_rich_text(html):
            if model is document_model and str(pk).isdigit() and int(pk) not in found:
                found.append(int(pk))
    return found


def attachment_text(page: Page) -> str:
    """The text of the files `page` links, for its search document: no query for a page
    that links none, one for the others; cut at PAGE_FILE_TEXT_MAX_CHARS in all."""
    document_ids = linked_document_ids(page)
    if not document_ids:
        return ""
    texts = DocumentText.objects.filter(status=Status.OK, document_id__in=document_ids)
    by_document = dict(texts.values_list("document_id", "text"))
    room = _setting("PAGE_FILE_TEXT_MAX_CHARS", PAGE_FILE_TEXT_MAX_CHARS)
    kept: list[str] = []
    for document_id in document_ids:  # in the order the page links them
        text = by_document.get(document_id, "")[:room]
        if text:
            kept.append(text)
            room -= len(text)
        if room <= 0:
            break
    return "\n\n".join(kept)


def file_name(document) -> str:
    """A document's name as its author knows it: the title, with the file's extension."""
    extension = document.file_extension.lower()
    title = document.title or document.filename
    if not extension or title.lower().endswith(f".{extension}"):
        return title
    return f"{title}.{extension}"


def _documents_by_page(page_ids: Sequence[int]) -> dict[int, list[int]]:
    by_page: dict[int, list[int]] = defaultdict(list)
    rows = _document_references(page_ids).values_list("object_id", "to_object_id")
    for page_id, document_id in rows.order_by("id"):
        if document_id.isdigit() and int(document_id) not in by_page[int(page_id)]:
            by_page[int(page_id)].append(int(document_id))
    return by_page


def files_of_pages(page_ids: Sequence[int]) -> dict[int, list[FileText]]:
    """The files with readable text that each page links, by page id, in two queries (what
    search shows in a hit found inside a file)."""
    by_page = _documents_by_page(page_ids)
    wanted = {pk for pks in by_page.values() for pk in pks}
    texts = DocumentText.objects.filter(document_id__in=wanted, status=Status.OK)
    files = {
        row.document_id: FileText(file_name(row.document), row.document.url, row.text)
        for row in texts.select_related("document")
    }
    return {page_id: [files[pk] for pk in pks if pk in files] for page_id, pks in by_page.items()}


@dataclass(frozen=True)
class FileNote:
    """A file on a page whose text search cannot read, and why."""

    name: str
    url: str
    message: str


def file_text_notes(page: Page) -> list[FileNote]:
    """The files `page` links whose text search could not read, with the reason, for the
    people who edit the page: the file stays attached either way."""
    document_ids = linked_document_ids(page)
    if not document_ids:
        return []
    unread = (
        DocumentText.objects.filter(document_id__in=document_ids)
        .exclude(status=Status.OK)
        .select_related("document")
        .order_by("document_id")
    )
    return [
        FileNote(file_name(row.document), row.document.url, str(NOTES[row.status]))
        for row in unread
        if row.status in NOTES
    ]
