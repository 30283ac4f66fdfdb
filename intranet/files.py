"""Uploaded files: who owns each one, and the only views that hand out their bytes.

Every file in the media storage belongs to something the visibility rule already knows:

- a Wagtail image (its original and every rendition) or document belongs to the pages that
  show it: the pages that reference it in Wagtail's ReferenceIndex (header images, space
  pictures, images and document links in rich text). A reader may fetch it when
  `intranet.access.visible_pages` lets them see at least one of those pages. A file no page
  shows is readable only by the person who uploaded it and by site admins: a hidden upload
  stays hidden (404), whatever collection it sits in.
- a profile photo belongs to its person and is readable by every employee (`can_view`).

Nobody else gets the bytes: anonymous requests go to the login page, deactivated people and
readers who may not see the owner get 404 (never 403, which would confirm the file). The
bytes then leave through django-sendfile2 (its "simple" backend without a proxy,
X-Accel-Redirect or X-Sendfile behind one), or, when media live in S3, as a redirect to a
presigned URL that expires within a minute.

Feed readers and mail clients have no session. `shareable_file_url(user, url)` adds a signed
grant naming that person and that one file; a fetch with it is checked exactly like that
person's own, at the time of the fetch, so an ex-member's grant opens nothing.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.encoding import filepath_to_uri
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django_sendfile import sendfile
from storages.backends.s3 import S3Storage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from intranet.access import can_view, is_employee, visible_pages

if TYPE_CHECKING:
    from django.db.models import Model
    from django.db.models.fields.files import FieldFile

    from intranet.access import AnyUser

GRANT_SALT = "intranet.files.grant"
# Active content (HTML, SVG, XML) in an upload must never run on the intranet's origin.
FILE_CSP = "default-src 'none'"


class PrivateS3Storage(S3Storage):
    """Media in a private S3 bucket that is never linked directly: `url()` is the intranet's
    own address (what `{% image %}`, feeds and documents render), whose view checks access
    and only then redirects to a presigned URL (`presigned_url`) that expires quickly."""

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return settings.MEDIA_URL + filepath_to_uri(name)

    def presigned_url(self, name: str, *, expire: int, parameters: dict | None = None) -> str:
        return super().url(name, parameters=parameters, expire=expire)


# --- who owns a file ------------------------------------------------------------------------


def pages_showing(obj: Model) -> list[int]:
    """Ids of the pages that reference `obj` (an image or a document), from Wagtail's
    ReferenceIndex, which follows foreign keys, inline children and rich text."""
    page_type = ReferenceIndex._get_base_content_type(Page)
    object_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type=page_type)
        .values_list("object_id", flat=True)
    )
    return [int(pk) for pk in object_ids]


def may_read_upload(user: AnyUser, upload: Model) -> bool:
    """Whether `user` may fetch an uploaded image or document: they may see a live page that
    shows it; site admins see everything. A file no live page shows yet (an upload for a
    draft) is its uploader's alone; once a page shows it, only the page counts, so an
    ex-member who uploaded it loses it with the space."""
    if not is_employee(user):
        return False
    if user.is_superuser:
        return True
    pages = Page.objects.filter(pk__in=pages_showing(upload))
    if visible_pages(user, pages).exists():
        return True
    return upload.uploaded_by_user_id == user.pk and not pages.live().exists()


# Apps above this floor that keep files of their own (profile photos) say how to find a
# file's owner: a function from a stored name to (owner, stored file), or None. An owner is
# then read by whoever `can_view` lets see it.
_owner_lookups: list[Callable[[str], tuple[Model, FieldFile] | None]] = []


def register_file_owner(lookup: Callable[[str], tuple[Model, FieldFile] | None]) -> None:
    """Called from an app's `ready()`; the same function twice is kept once."""
    if lookup not in _owner_lookups:
        _owner_lookups.append(lookup)


def media_owner(name: str) -> tuple[Model, FieldFile] | None:
    """The image, document or other registered owner a stored file name belongs to, with the
    stored file itself; None for a name no record claims (which is then never served)."""
    image_model = get_image_model()
    folder = name.split("/", 1)[0]
    if folder == "original_images":
        image = image_model.objects.filter(file=name).first()
        return (image, image.file) if image else None
    if folder == "images":
        rendition = (
            image_model.get_rendition_model()
            .objects.filter(file=name)
            .select_related("image")
            .first()
        )
        return (rendition.image, rendition.file) if rendition else None
    if folder == "documents":
        document = get_document_model().objects.filter(file=name).first()
        return (document, document.file) if document else None
    for lookup in _owner_lookups:
        if (found := lookup(name)) is not None:
            return found
    return None


def may_read(user: AnyUser, owner: Model) -> bool:
    if isinstance(owner, (get_image_model(), get_document_model())):
        return may_read_upload(user, owner)
    # A registered owner (a person, for a profile photo): the visibility rule decides.
    return can_view(user, owner)


# --- grants for readers without a session ---------------------------------------------------


def shareable_file_url(user: AnyUser, url: str) -> str:
    """`url` (a /media/ or /documents/ address) with a grant for `user`, for places where
    the reader has no session: feed enclosures and images in e-mail."""
    path = urlsplit(url).path
    grant = signing.dumps([user.pk, path], salt=GRANT_SALT, compress=True)
    return f"{url}{'&' if '?' in url else '?'}grant={grant}"


def reader_of(request: HttpRequest) -> AnyUser | None:
    """The person a file request is made for: the session's user, or the person a valid
    grant for this very path names; None when it is neither (then: log in)."""
    if request.user.is_authenticated:
        return request.user
    grant = request.GET.get("grant")
    if not grant:
        return None
    try:
        user_pk, path = signing.loads(
            grant, salt=GRANT_SALT, max_age=settings.FILE_GRANT_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if path != request.path:
        return None
    return get_user_model().objects.filter(pk=user_pk).first()


# --- serving --------------------------------------------------------------------------------


def stored_file_response(
    request: HttpRequest,
    storage: Storage,
    name: str,
    *,
    content_type: str,
    filename: str,
    attachment: bool,
) -> HttpResponse:
    """The bytes of a file whose access check has passed, by the cheapest way the storage
    offers. Never call this before the check."""
    if isinstance(storage, PrivateS3Storage):
        disposition = "attachment" if attachment else "inline"
        parameters = {
            "ResponseContentType": content_type,
            "ResponseContentDisposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
        }
        response: HttpResponse = HttpResponseRedirect(
            storage.presigned_url(
                name, expire=settings.MEDIA_URL_EXPIRE_SECONDS, parameters=parameters
            )
        )
        # The signed address expires soon; a cached redirect would point at a dead link.
        patch_cache_control(response, private=True, no_store=True)
        return response
    try:
        path = storage.path(name)
    except NotImplementedError:
        # Another remote storage: stream it through Django rather than expose its address.
        response = FileResponse(storage.open(name), as_attachment=attachment, filename=filename)
        response["Content-Type"] = content_type
    else:
        response = sendfile(
            request,
            path,
            attachment=attachment,
            attachment_filename=filename,
            mimetype=content_type,
        )
    response["Content-Security-Policy"] = FILE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    # Browsers may keep a file they were allowed to read; shared caches may not.
    patch_cache_control(response, private=True, max_age=settings.MEDIA_CACHE_SECONDS)
    return response


def _document_response(request: HttpRequest, document) -> HttpResponse:
    return stored_file_response(
        request,
        document.file.storage,
        document.file.name,
        content_type=document.content_type,
        filename=document.filename,
        attachment=document.content_disposition.startswith("attachment"),
    )


@login_not_required  # anonymous requests without a grant are sent to log in below
@csrf_exempt  # it only reads: every other method is 405, not a CSRF failure
@require_safe
def serve_media(request: HttpRequest, name: str) -> HttpResponse:
    """/media/<name>: an original image, a rendition, a document or a profile photo."""
    reader = reader_of(request)
    if reader is None:
        return redirect_to_login(request.get_full_path())
    found = media_owner(name)
    if found is None or not may_read(reader, found[0]):
        raise Http404
    owner, stored = found
    if isinstance(owner, get_document_model()):
        return _document_response(request, owner)
    return stored_file_response(
        request,
        stored.storage,
        stored.name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        filename=name.rsplit("/", 1)[-1],
        attachment=False,
    )


@login_not_required  # anonymous requests without a grant are sent to log in below
@csrf_exempt  # it only reads: every other method is 405, not a CSRF failure
@require_safe
def serve_document(request: HttpRequest, document_id: int, document_filename: str) -> HttpResponse:
    """/documents/<id>/<file name>: Wagtail's document address (`Document.url`), served only
    to readers who may see a page that links the document."""
    reader = reader_of(request)
    if reader is None:
        return redirect_to_login(request.get_full_path())
    document = get_document_model().objects.filter(pk=document_id).first()
    if document is None or document.filename != document_filename:
        raise Http404
    if not may_read(reader, document):
        raise Http404
    return _document_response(request, document)
