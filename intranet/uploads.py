"""POST /-/uploads/: images and files that people drop or paste into what they write.

The rich-text editor (`intranet.editor`) and the blog composer's header image send files
here. What a file is, is decided by its bytes, not its name: whatever Willow recognises as
an image Wagtail can render becomes a Wagtail Image (its name is given the extension of
what it really is); anything else must be one of a few document types and becomes a Wagtail
Document. Both land in one "Uploads" collection with `uploaded_by_user` set.

Who may read an upload is `intranet.files`' rule: until a page shows it, only the person
who uploaded it (and site admins); after that, whoever may see such a page. So an upload
for a draft in a members-only space never reaches anyone else.

The answer is the JSON the editor expects: `{"kind", "id", "url", "title"}`, or
`{"error": "..."}` with 400 (unusable), 413 (too big), 415 (not an allowed type) or 429
(too many at once).
"""

from __future__ import annotations

import os

import willow
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.fields import WagtailImageField
from wagtail.images.formats import get_image_format
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.models import Collection
from wagtail.rich_text import extract_references_from_rich_text

from intranet.editor import DEFAULT_IMAGE_FORMAT
from intranet.files import may_read_upload
from intranet.ratelimit import RateLimited, check_rate

UPLOADS_COLLECTION = "Uploads"
# Files that are not images: PDF, office documents (Microsoft and OpenDocument), plain
# text, CSV and ZIP. Never HTML, SVG or scripts, which could run on the intranet's origin.
DOCUMENT_EXTENSIONS = frozenset(
    {
        "pdf",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "pptx",
        "odt",
        "ods",
        "odp",
        "rtf",
        "txt",
        "csv",
        "zip",
    }
)
# Image formats by what Willow detects, and the file extension each is stored under.
IMAGE_EXTENSIONS = {"jpeg": "jpg", "png": "png", "gif": "gif", "webp": "webp", "avif": "avif"}


class UploadError(Exception):
    """A file that cannot be taken; the message is for the person who sent it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def uploads_per_minute() -> int:
    return getattr(settings, "UPLOADS_PER_MINUTE", 30)


@transaction.atomic
def uploads_collection() -> Collection:
    """The one collection every upload goes into, made on first use."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    found = root.get_children().filter(name=UPLOADS_COLLECTION).first()
    return found or root.add_child(name=UPLOADS_COLLECTION)


def _image_extension(file: UploadedFile) -> str | None:
    """The extension of the image format the bytes are in, if Wagtail may store it."""
    try:
        detected = willow.Image.open(file).format_name
    except Exception:  # noqa: BLE001 - any unreadable or unknown bytes: not an image
        return None
    finally:
        file.seek(0)
    extension = IMAGE_EXTENSIONS.get(detected)
    return extension if extension in get_allowed_image_extensions() else None


def _title(file: UploadedFile) -> str:
    stem = os.path.splitext(os.path.basename(file.name or ""))[0].strip()
    return (stem or _("Upload"))[:255]


def _check_size(file: UploadedFile) -> None:
    if file.size > settings.MAX_UPLOAD_SIZE:
        raise UploadError(
            _("This file is too big (%(size)s). At most %(limit)s.")
            % {
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.MAX_UPLOAD_SIZE),
            },
            status=413,
        )


def _store_image(user, file: UploadedFile, extension: str):
    """`file` as a Wagtail Image, its name given the extension of what its bytes are."""
    title = _title(file)
    stem = os.path.splitext(os.path.basename(file.name or ""))[0] or "image"
    file.name = f"{stem}.{extension}"
    try:
        # Wagtail's own checks: size, pixel count, and that the bytes decode.
        WagtailImageField().clean(file)
    except ValidationError as error:
        raise UploadError(" ".join(error.messages), 400) from error
    file.seek(0)
    image = get_image_model()(
        title=title, file=file, collection=uploads_collection(), uploaded_by_user=user
    )
    image._set_image_file_metadata()
    image.save()
    return image


def _store_document(user, file: UploadedFile):
    """`file` as a Wagtail Document, if its type is one of DOCUMENT_EXTENSIONS."""
    extension = os.path.splitext(file.name or "")[1].lower().lstrip(".")
    if extension not in DOCUMENT_EXTENSIONS:
        raise UploadError(
            _(
                "Files of this type cannot be added. Images, PDF, office documents, text, "
                "CSV and ZIP files can."
            ),
            415,
        )
    document = get_document_model()(
        title=_title(file), file=file, collection=uploads_collection(), uploaded_by_user=user
    )
    document._set_document_file_metadata()
    document.save()
    return document


def store_upload(user, file: UploadedFile, *, images_only: bool = False):
    """Store `file` for `user`: a Wagtail Image if its bytes are an image Wagtail can
    render (a misnamed PNG is still a PNG), else a Document if its type is allowed (never
    with `images_only`). Raises UploadError, also when `user` uploads too much at once."""
    try:
        check_rate(user, "uploads", uploads_per_minute())
    except RateLimited:
        raise UploadError(_("Too many uploads just now. Please wait a minute."), 429) from None
    _check_size(file)
    extension = _image_extension(file)
    if extension is not None:
        return _store_image(user, file, extension)
    if images_only:
        raise UploadError(_("This is not an image in a format the intranet can show."), 415)
    return _store_document(user, file)


def describe(upload) -> dict[str, str | int]:
    """The editor's answer for a stored upload. An image's address is the rendition the
    page will show it in (the default rich-text format), readable by its uploader now."""
    if isinstance(upload, get_image_model()):
        spec = get_image_format(DEFAULT_IMAGE_FORMAT).filter_spec
        url = get_rendition_or_not_found(upload, spec).url
        return {"kind": "image", "id": upload.pk, "url": url, "title": upload.title}
    return {"kind": "document", "id": upload.pk, "url": upload.url, "title": upload.title}


def _uploads_in(html: str) -> set[tuple[type, str]]:
    """(model, id) of the images and documents stored rich text shows, found the way
    Wagtail's reference index finds them (which `intranet.files` reads)."""
    models = (get_image_model(), get_document_model())
    return {
        (model, str(pk))
        for model, pk, *_rest in extract_references_from_rich_text(html or "")
        if model in models
    }


def may_show_uploads(user, html: str, *, before: str = "") -> bool:
    """Whether `user` may put the images and documents `html` (stored rich text) refers to
    on a page: each must exist and be one they may read already (`intranet.files`), unless
    the text showed it `before` this edit. An id typed into the editor's HTML would
    otherwise publish someone else's private file to every reader of the page."""
    for model, pk in _uploads_in(html) - _uploads_in(before):
        upload = model.objects.filter(pk=pk).first() if pk.isdigit() else None
        if upload is None or not may_read_upload(user, upload):
            return False
    return True


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """One file in the field `file`; anonymous requests are sent to log in by the
    login-required middleware, and the CSRF token comes as a header."""
    length = request.META.get("CONTENT_LENGTH", "")
    declared = int(length) if length.isdigit() else 0
    # A body far beyond the limit is refused before Django reads it into a temporary file.
    if declared > settings.MAX_UPLOAD_SIZE + 64 * 1024:
        limit = filesizeformat(settings.MAX_UPLOAD_SIZE)
        return _error(_("This file is too big. At most %(limit)s.") % {"limit": limit}, 413)
    file = request.FILES.get("file")
    if file is None:
        return _error(_("No file was sent."), 400)
    try:
        stored = store_upload(request.user, file)
    except UploadError as error:
        return _error(str(error), error.status)
    return JsonResponse(describe(stored), status=201)
