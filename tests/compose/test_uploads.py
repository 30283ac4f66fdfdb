"""POST /-/uploads/: what the editor sends when an image or file is pasted or dropped.

Images are recognised by their bytes, documents must be an allowed type, everything lands
in one "Uploads" collection, answers are JSON, and an upload stays its uploader's until a
page others may see shows it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from blogs.models import BlogPostPage
from intranet.uploads import UPLOADS_COLLECTION
from tests.blogs.conftest import png_bytes
from tests.compose.helpers import UPLOADS, WRITE, edit_url, post_data

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 quarterly numbers"


@pytest.fixture(autouse=True)
def fresh_renditions():
    # Wagtail caches renditions; one from an earlier test names a row that is gone.
    cache.clear()
    yield
    cache.clear()


def send(client, name: str, data: bytes, content_type: str = "application/octet-stream"):
    return client.post(UPLOADS, {"file": SimpleUploadedFile(name, data, content_type)})


def test_anonymous_uploads_are_sent_to_log_in(db):
    response = send(Client(), "a.png", png_bytes())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not get_image_model().objects.exists()


def test_uploads_answer_post_only(client_for, employee):
    client = client_for(employee)
    assert client.get(UPLOADS).status_code == 405
    assert client.put(UPLOADS).status_code == 405


def test_an_upload_needs_the_csrf_token(employee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)
    assert send(client, "a.png", png_bytes()).status_code == 403
    assert not get_image_model().objects.exists()


def test_an_image_is_known_by_its_bytes_not_its_name(client_for, employee):
    response = send(client_for(employee), "holiday.txt", png_bytes(), "text/plain")
    assert response.status_code == 201
    answer = response.json()
    image = get_image_model().objects.get()
    assert answer == {"kind": "image", "id": image.pk, "url": answer["url"], "title": "holiday"}
    assert image.file.name.endswith(".png") and image.width == 800
    assert image.uploaded_by_user == employee
    assert image.collection.name == UPLOADS_COLLECTION
    assert answer["url"].startswith("/media/images/")
    assert client_for(employee).get(answer["url"]).status_code == 200


def test_a_pdf_becomes_a_document_in_the_same_collection(client_for, employee):
    client = client_for(employee)
    send(client, "a.png", png_bytes())
    response = send(client, "Numbers Q3.pdf", PDF, "application/pdf")
    assert response.status_code == 201
    document = get_document_model().objects.get()
    assert response.json() == {
        "kind": "document",
        "id": document.pk,
        "url": document.url,
        "title": "Numbers Q3",
    }
    assert document.uploaded_by_user == employee
    assert Collection.objects.filter(name=UPLOADS_COLLECTION).count() == 1
    assert document.collection.name == UPLOADS_COLLECTION


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("run.exe", b"MZ\x90\x00"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("broken.png", b"not an image at all"),
    ],
)
def test_other_files_are_refused_with_415(client_for, employee, name, data):
    response = send(client_for(employee), name, data)
    assert response.status_code == 415
    assert response.json()["error"]
    assert not get_image_model().objects.exists()
    assert not get_document_model().objects.exists()


def test_a_file_over_the_limit_is_refused_with_413(client_for, employee, settings):
    settings.MAX_UPLOAD_SIZE = 1000
    response = send(client_for(employee), "big.png", png_bytes())
    assert response.status_code == 413
    assert "too big" in response.json()["error"]
    response = send(client_for(employee), "big.pdf", PDF + b" " * 2000)
    assert response.status_code == 413


def test_a_request_without_a_file_is_a_400(client_for, employee):
    response = client_for(employee).post(UPLOADS, {"other": "x"})
    assert response.status_code == 400
    assert response.json() == {"error": "No file was sent."}


def test_too_many_uploads_at_once_are_refused_with_429(client_for, employee, settings):
    settings.UPLOADS_PER_MINUTE = 1
    client = client_for(employee)
    assert send(client, "a.pdf", PDF).status_code == 201
    response = send(client, "b.pdf", PDF)
    assert response.status_code == 429 and response.json()["error"]


def test_an_upload_is_its_uploaders_until_a_visible_post_shows_it(
    client_for, employee, reader, site_tree
):
    client = client_for(employee)
    image_answer = send(client, "chart.png", png_bytes()).json()
    document_answer = send(client, "plan.pdf", PDF, "application/pdf").json()
    image = get_image_model().objects.get()
    document = get_document_model().objects.get()
    addresses = [image_answer["url"], image.file.url, document_answer["url"], document.file.url]
    other = client_for(reader)
    for url in addresses:
        assert client.get(url).status_code == 200, url
        assert other.get(url).status_code == 404, url

    body = (
        f'<p>See <a data-document-id="{document.pk}" href="{document.url}">the plan</a></p>'
        f'<img data-image-id="{image.pk}" data-alt="A chart" src="{image_answer["url"]}">'
    )
    client.post(WRITE, post_data(body=body, action="draft"))
    post = BlogPostPage.objects.get()
    assert f'<embed embedtype="image" format="fullwidth" id="{image.pk}"' in post.body
    assert f'<a linktype="document" id="{document.pk}">the plan</a>' in post.body
    for url in addresses:  # a draft shows it to nobody else
        assert other.get(url).status_code == 404, url

    client.post(edit_url(post), post_data(body=body))
    post.refresh_from_db()
    assert post.live
    for url in addresses:
        assert other.get(url).status_code == 200, url
