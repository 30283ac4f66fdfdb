"""Uploaded files are served only after the visibility rule says yes.

An image or document belongs to the pages that show it: a members-only space's files reach
its members and site admins, never outsiders, ex-members, deactivated or anonymous people,
at the original, every rendition and the document address alike. Profile photos are for
every employee. Nothing is a plain static file, with or without DEBUG."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django_sendfile.utils import _get_sendfile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from intranet.actions import remove_member, set_member_role
from intranet.files import shareable_file_url
from intranet.models import Role
from profiles.models import Profile
from profiles.photos import PHOTO_FOLDER
from tests.blogs.conftest import png_bytes
from tests.factories import UserFactory, make_blog_post, make_wiki_page

PLAN = b"%PDF-1.4 quokka acquisition plan"


@pytest.fixture(autouse=True)
def fresh_cache():
    # Wagtail caches renditions; a cached one from an earlier test names a row that test's
    # rolled-back database no longer has.
    cache.clear()
    yield
    cache.clear()


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_no_bytes(response, content: bytes) -> None:
    """Hidden is 404, and anonymous is sent to log in; neither carries the file."""
    assert response.status_code in (302, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert content not in body(response)


def make_image(title: str, colour, uploader=None):
    image = get_image_model()(
        title=title,
        file=ContentFile(png_bytes(64, 32, colour), f"{title}.png"),
        uploaded_by_user=uploader,
    )
    image.save()
    return image


@pytest.fixture
def blogs_of(editor):
    from blogs.actions import ensure_space_blog

    return lambda space: ensure_space_blog(space, actor=editor)


@pytest.fixture
def secret(private_space, blogs_of, editor, space_admin):
    """A members-only post with a header image and an image in its text, and a wiki page
    that links a document; all uploaded by the space admin."""
    header = make_image("secret-header", (200, 10, 10), space_admin)
    inline = make_image("secret-inline", (10, 200, 10), space_admin)
    document = get_document_model().objects.create(
        title="Plan", file=ContentFile(PLAN, "plan.pdf"), uploaded_by_user=space_admin
    )
    post = make_blog_post(
        blogs_of(private_space),
        "Quokka acquisition",
        f'<embed embedtype="image" id="{inline.pk}" format="fullwidth" alt="chart"/>',
        author=editor,
        header_image=header,
        header_image_alt="A red square",
    )
    make_wiki_page(
        private_space,
        "Plans",
        f'<p><a linktype="document" id="{document.pk}">the plan</a></p>',
        author=editor,
    )
    return {"post": post, "header": header, "inline": inline, "document": document}


def secret_urls(secret) -> dict[str, tuple[str, bytes]]:
    """Every address a byte of the members-only space's files could leave by."""
    header, inline, document = secret["header"], secret["inline"], secret["document"]
    urls = {"original": (header.file.url, header.file.open("rb").read())}
    for spec in ("fill-1200x500", "fill-800x450"):
        rendition = header.get_rendition(spec)
        urls[spec] = (rendition.url, rendition.file.open("rb").read())
    rich = inline.get_rendition("width-800")
    urls["image in the text"] = (rich.url, rich.file.open("rb").read())
    urls["document"] = (document.url, PLAN)
    urls["document file"] = (document.file.url, PLAN)
    return urls


@pytest.fixture
def ex_member(private_space):
    user = UserFactory(username="exmember")
    set_member_role(private_space, user, Role.EDITOR)
    remove_member(private_space, user)
    return user


@pytest.fixture
def deactivated_member(private_space):
    user = UserFactory(username="gone")
    set_member_role(private_space, user, Role.READER)
    user.is_active = False
    user.save()
    return user


# --- the only ways out ----------------------------------------------------------------------


def all_views(resolver=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from all_views(pattern)
        else:
            # A class-based view is known by its class, not by `as_view`'s inner function.
            yield getattr(pattern.callback, "view_class", pattern.callback)


def test_no_url_serves_uploaded_files_without_the_check():
    """Django's static file view, Wagtail's document view (its checks are collection
    restrictions, not spaces) and Wagtail's dynamic image view must never be mounted."""
    unchecked = {
        "django.views.static.serve",
        "wagtail.documents.views.serve.serve",
        "wagtail.images.views.serve.serve",
        "wagtail.images.views.serve.ServeView",
    }
    mounted = {f"{view.__module__}.{view.__qualname__}" for view in all_views()}
    assert not mounted & unchecked
    assert resolve("/media/original_images/a.png").func.__name__ == "serve_media"
    assert resolve("/documents/1/a.pdf").func.__name__ == "serve_document"


# --- a members-only space's files ----------------------------------------------------------


def test_file_addresses_are_the_checked_views(secret):
    for url, _content in secret_urls(secret).values():
        assert url.startswith(("/media/", "/documents/")), url


@pytest.mark.parametrize("persona", ["outsider", "ex_member", "deactivated_member"])
def test_people_outside_a_members_only_space_get_none_of_its_files(
    request, client_for, secret, persona
):
    client = client_for(request.getfixturevalue(persona))
    for kind, (url, content) in secret_urls(secret).items():
        response = client.get(url)
        assert response.status_code == 404 or persona == "deactivated_member", (kind, url)
        assert_no_bytes(response, content)


def test_anonymous_visitors_are_sent_to_log_in_and_get_no_bytes(secret):
    for url, content in secret_urls(secret).values():
        assert_no_bytes(Client().get(url), content)


@pytest.mark.parametrize("persona", ["reader", "editor", "space_admin", "site_admin"])
def test_members_and_site_admins_get_the_files(request, client_for, secret, persona):
    client = client_for(request.getfixturevalue(persona))
    for kind, (url, content) in secret_urls(secret).items():
        response = client.get(url)
        assert response.status_code == 200, (kind, url)
        assert body(response) == content
        assert "private" in response["Cache-Control"]


def test_a_removed_member_loses_the_files_at_once(client_for, private_space, secret, reader):
    url, _content = secret_urls(secret)["original"]
    client = client_for(reader)
    assert client.get(url).status_code == 200
    remove_member(private_space, reader)
    assert client.get(url).status_code == 404


def test_documents_are_attachments_that_cannot_run_code(client_for, reader, secret):
    response = client_for(reader).get(secret["document"].url)
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<script>alert(1)</script>"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("data.xml", b"<?xml version='1.0'?><x/>"),
    ],
)
def test_documents_with_active_content_are_downloads_at_both_addresses(
    client_for, employee, site_tree, name, content
):
    document = get_document_model().objects.create(
        title=name, file=ContentFile(content, name), uploaded_by_user=employee
    )
    client = client_for(employee)
    for url in (document.url, document.file.url):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"


def test_a_document_address_with_another_file_name_is_not_found(client_for, reader, secret):
    document = secret["document"]
    response = client_for(reader).get(f"/documents/{document.pk}/other.pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("kind", ["original", "document"])
def test_files_answer_only_get_and_head(reader, secret, kind):
    url, content = secret_urls(secret)[kind]
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(url).status_code == 405
    assert client.put(url).status_code == 405
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""


# --- files of open pages, orphans and people ------------------------------------------------


def test_an_image_only_on_an_open_page_is_visible_to_every_employee(
    client_for, open_space, blogs_of, editor, employee
):
    image = make_image("open-header", (1, 2, 3), editor)
    make_blog_post(
        blogs_of(open_space), "Soup", author=editor, header_image=image, header_image_alt="Soup"
    )
    client = client_for(employee)
    assert client.get(image.file.url).status_code == 200
    assert client.get(image.get_rendition("fill-400x225").url).status_code == 200


def test_an_image_on_an_open_and_a_members_only_page_follows_the_open_one(
    client_for, open_space, blogs_of, editor, outsider, secret
):
    make_blog_post(
        blogs_of(open_space),
        "Also here",
        author=editor,
        header_image=secret["header"],
        header_image_alt="Red",
    )
    assert client_for(outsider).get(secret["header"].file.url).status_code == 200


def test_a_post_moved_into_a_members_only_space_takes_its_image_along(
    client_for, open_space, private_space, blogs_of, editor, outsider
):
    image = make_image("moving", (9, 9, 9), editor)
    post = make_blog_post(
        blogs_of(open_space), "Moving", author=editor, header_image=image, header_image_alt="x"
    )
    client = client_for(outsider)
    assert client.get(image.file.url).status_code == 200
    post.move(blogs_of(private_space), pos="last-child")
    assert client.get(image.file.url).status_code == 404


def test_a_file_no_page_shows_is_for_its_uploader_and_site_admins_only(
    client_for, editor, employee, site_admin, site_tree
):
    image = make_image("unused", (4, 5, 6), editor)
    assert client_for(employee).get(image.file.url).status_code == 404
    assert client_for(editor).get(image.file.url).status_code == 200
    assert client_for(site_admin).get(image.file.url).status_code == 200


def test_an_ex_member_who_uploaded_a_posts_image_loses_it_with_the_space(
    client_for, private_space, blogs_of, editor, ex_member
):
    set_member_role(private_space, ex_member, Role.EDITOR)
    image = make_image("mine", (7, 7, 7), ex_member)
    assert client_for(ex_member).get(image.file.url).status_code == 200  # a draft's upload
    make_blog_post(
        blogs_of(private_space), "Ours", author=editor, header_image=image, header_image_alt="x"
    )
    remove_member(private_space, ex_member)
    assert client_for(ex_member).get(image.file.url).status_code == 404


def test_an_unknown_media_path_is_not_found(client_for, employee, site_tree):
    client = client_for(employee)
    assert client.get("/media/original_images/nothing.png").status_code == 404
    assert client.get("/media/../settings.py").status_code == 404
    assert client.get("/media/search-index/_MAIN_1.toc").status_code == 404


@pytest.fixture
def photographed(employee):
    profile = Profile.for_user(employee)
    profile.photo.save("employee.jpg", ContentFile(png_bytes(16, 16)), save=True)
    return profile


def test_profile_photos_are_for_every_employee(client_for, outsider, photographed):
    assert photographed.photo.name.startswith(PHOTO_FOLDER)
    assert Profile._meta.get_field("photo").upload_to == PHOTO_FOLDER
    response = client_for(outsider).get(photographed.photo.url)
    assert response.status_code == 200
    assert body(response) == photographed.photo.open("rb").read()


def test_profile_photos_are_not_for_anonymous_or_deactivated_people(
    client_for, photographed, deactivated_member
):
    content = photographed.photo.open("rb").read()
    assert_no_bytes(Client().get(photographed.photo.url), content)
    assert_no_bytes(client_for(deactivated_member).get(photographed.photo.url), content)


# --- without DEBUG, behind nginx, in S3 -----------------------------------------------------


def test_with_debug_off_a_post_image_on_the_page_is_served(settings, client_for, reader, secret):
    settings.DEBUG = False
    client = client_for(reader)
    page = client.get(secret["post"].url).content.decode()
    sources = re.findall(r'src="(/media/images/[^"]+)"', page)
    assert sources, "the post shows its images"
    for source in sources:
        response = client.get(source)
        assert response.status_code == 200
        assert body(response).startswith(b"\x89PNG")


@pytest.fixture
def nginx_backend(settings):
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    _get_sendfile.cache_clear()  # django-sendfile2 caches the backend it loaded
    yield
    _get_sendfile.cache_clear()


def test_behind_nginx_only_an_internal_redirect_leaves_the_app(
    nginx_backend, client_for, reader, outsider, secret
):
    url, content = secret_urls(secret)["original"]
    response = client_for(reader).get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + secret["header"].file.name
    assert body(response) == b""
    refused = client_for(outsider).get(url)
    assert refused.status_code == 404
    assert not refused.has_header("X-Accel-Redirect")


@pytest.fixture
def s3_media(settings):
    """Media in S3 through storages' own backend, with fake credentials and an endpoint on
    this machine: signing a URL needs no network, and nothing here reads or writes a file."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "intranet.files.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": "intranet-media",
                "access_key": "test-key",
                "secret_key": "test-secret",
                "endpoint_url": "http://127.0.0.1:9",
                "region_name": "us-east-1",
                "signature_version": "s3v4",
            },
        },
    }
    settings.MEDIA_URL_EXPIRE_SECONDS = 45


def test_in_s3_a_reader_is_redirected_to_a_presigned_url_that_expires(
    s3_media, client_for, private_space, blogs_of, editor, reader, outsider
):
    # The row names a file in the bucket; width and height are given, so nothing is read.
    image = get_image_model().objects.create(
        title="In the bucket", file="original_images/bucket.png", width=64, height=32
    )
    make_blog_post(
        blogs_of(private_space), "Cloud", author=editor, header_image=image, header_image_alt="x"
    )
    assert image.file.url == "/media/original_images/bucket.png"

    response = client_for(reader).get(image.file.url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9/intranet-media/original_images/bucket.png?")
    assert "X-Amz-Expires=45" in location
    assert "X-Amz-Signature=" in location
    assert "no-store" in response["Cache-Control"]

    refused = client_for(outsider).get(image.file.url)
    assert refused.status_code == 404
    assert not refused.has_header("Location")
    assert Client().get(image.file.url)["Location"].startswith("/accounts/login/")


# --- grants for feed readers and mail clients -----------------------------------------------


def test_a_grant_opens_one_file_for_its_person_while_they_may_see_it(
    private_space, reader, outsider, secret
):
    url, content = secret_urls(secret)["fill-800x450"]
    shared = shareable_file_url(reader, url)
    response = Client().get(shared)
    assert response.status_code == 200
    assert body(response) == content

    other_url, other_content = secret_urls(secret)["original"]
    borrowed = other_url + "?" + shared.split("?", 1)[1]
    assert_no_bytes(Client().get(borrowed), other_content)

    assert Client().get(shareable_file_url(outsider, url)).status_code == 404
    assert Client().get(url + "?grant=forged").status_code == 302

    remove_member(private_space, reader)
    assert Client().get(shared).status_code == 404
