"""Files attached to pages, for the tests of search inside files: `upload` stores a file as
the intranet's editor does (and reads its text, as the task worker would once the upload
commits); `page_holding` publishes a wiki page that links it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from intranet.uploads import store_upload
from tests.factories import make_wiki_page


@pytest.fixture(autouse=True)
def small_limits(settings):
    """Reading limits that the small test files stay well inside, and quick to run over."""
    settings.FILE_TEXT_MAX_BYTES = 2 * 1024 * 1024
    settings.FILE_TEXT_MAX_CHARS = 20_000
    settings.FILE_TEXT_MAX_UNPACKED_BYTES = 4 * 1024 * 1024
    settings.FILE_TEXT_SECONDS = 30


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """`upload(user, name, data)`: a stored document, its text read."""

    def store(user, name: str, data: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            return store_upload(user, SimpleUploadedFile(name, data))

    return store


def link_to(document, text: str | None = None) -> str:
    """Stored rich text linking `document`, as the editor writes it."""
    return f'<a linktype="document" id="{document.pk}">{text or document.title}</a>'


@pytest.fixture
def page_holding(editor):
    """`page_holding(space, title, document, body="")`: a published wiki page in `space`
    whose text links `document`."""

    def make(space, title: str, document, body: str = "<p>The minutes are attached.</p>"):
        return make_wiki_page(space, title, f"{body}<p>{link_to(document)}</p>", author=editor)

    return make
