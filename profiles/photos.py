"""Profile photos: every upload is decoded, turned upright, stripped and cropped here.

We re-encode instead of storing the upload, so no EXIF/GPS data, colour profile or hidden
payload of the original file ever reaches the media folder."""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from profiles.models import Profile

# One stored size: list, card and profile views scale it down with CSS (avatar classes).
PHOTO_SIZE = 512
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# Where profile photos are stored (Profile.photo's upload_to). Every employee may fetch them,
# through intranet.files like every other upload, never as plain files.
PHOTO_FOLDER = "avatars/"


def max_pixels() -> int:
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)


def square_photo(uploaded) -> ContentFile:
    """A 512px square JPEG of the uploaded image, or a ValidationError that says why not."""
    if uploaded.size > settings.MAX_UPLOAD_SIZE:
        limit = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        raise ValidationError(_("The photo is too large; the limit is %(mb)s MB.") % {"mb": limit})
    uploaded.seek(0)
    data = uploaded.read()
    try:
        # Image.open only reads the header, so the pixel count is checked before decoding.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."))
            width, height = image.size
            if width * height > max_pixels():
                raise ValidationError(_("The photo has too many pixels."))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_("This file is not an image we can read.")) from None
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(_("This file is not an image we can read.")) from None

    image = ImageOps.exif_transpose(image)
    image = ImageOps.fit(image.convert("RGB"), (PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A fresh RGB image carries no info dict, so nothing of the original's metadata is written.
    image.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue())


def photo_owner(name: str):
    """`intranet.files`' owner lookup for photos: the profile whose photo is stored under
    `name`, with that stored file, or None."""
    if not name.startswith(PHOTO_FOLDER):
        return None
    profile = Profile.objects.filter(photo=name).first()
    return (profile, profile.photo) if profile else None
