"""Image uploads through the intranet's upload endpoint (the composer's header image and the
editor's pasted images), as a blogger: bad files are refused with a message and nothing is
saved."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from blogs.actions import start_personal_blog
from tests.blogs.conftest import png_bytes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def decompression_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A few hundred bytes that claim to be a 20,000 × 20,000 picture."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width // 8 + 1) * 16)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


@pytest.fixture
def blogger_client(client_for, employee, site_tree):
    start_personal_blog(employee)
    return client_for(employee)


def upload(client, name: str, content: bytes):
    file = SimpleUploadedFile(name, content, content_type="image/png")
    return client.post(reverse("uploads"), {"file": file})


def nothing_saved() -> bool:
    return not get_image_model().objects.exists() and not get_document_model().objects.exists()


def test_a_blogger_uploads_a_header_image(blogger_client):
    response = upload(blogger_client, "fine.png", png_bytes())
    assert response.status_code == 201
    assert response.json()["kind"] == "image"
    assert get_image_model().objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused(blogger_client):
    response = upload(blogger_client, "notes.png", b"just some text, honestly")
    assert response.status_code == 415
    assert "Files of this type cannot be added" in response.json()["error"]
    assert nothing_saved()


def test_a_decompression_bomb_is_refused(blogger_client, settings):
    assert settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS < 20_000 * 20_000
    response = upload(blogger_client, "bomb.png", decompression_bomb())
    assert response.status_code == 400
    assert "too many pixels" in response.json()["error"]
    assert nothing_saved()


def test_a_30_mb_file_is_refused(blogger_client, settings):
    assert settings.MAX_UPLOAD_SIZE < 30 * 1024 * 1024
    content = png_bytes() + b"\x00" * (30 * 1024 * 1024)
    response = upload(blogger_client, "huge.png", content)
    assert response.status_code == 413
    assert "This file is too big" in response.json()["error"]
    assert nothing_saved()
