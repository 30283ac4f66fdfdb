"""Photo uploads: upright, stripped of EXIF/GPS, square; non-images and bombs refused."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from profiles.models import Profile
from profiles.photos import PHOTO_SIZE, square_photo

pytestmark = pytest.mark.django_db


def jpeg_with_exif(width=300, height=200, orientation=6) -> bytes:
    """A wide JPEG whose EXIF says 'rotate 90°', with a GPS block and a camera model."""
    image = Image.new("RGB", (width, height), "red")
    # The left half is blue so we can tell where the image ended up after rotation.
    image.paste("blue", (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x0110] = "SpyCam 3000"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name="me.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_photo_is_turned_upright_and_cropped_square():
    result = Image.open(io.BytesIO(square_photo(upload(jpeg_with_exif())).read()))
    assert result.size == (PHOTO_SIZE, PHOTO_SIZE)
    # Orientation 6 rotates the image clockwise: the blue left half ends up on top.
    top, bottom = (
        result.getpixel((PHOTO_SIZE // 2, 10)),
        result.getpixel((PHOTO_SIZE // 2, PHOTO_SIZE - 10)),
    )
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60


def test_all_exif_and_gps_data_is_removed():
    data = square_photo(upload(jpeg_with_exif())).read()
    result = Image.open(io.BytesIO(data))
    assert not result.getexif()
    assert b"SpyCam" not in data and b"Exif" not in data


def test_a_file_that_is_not_an_image_is_refused():
    with pytest.raises(ValidationError, match="not an image"):
        square_photo(upload(b"%PDF-1.4 definitely not a picture", "cv.jpg"))


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 1_000_000
    image = Image.new("1", (4000, 4000))  # 16 megapixels in a few kilobytes
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ValidationError, match="too many pixels"):
        square_photo(upload(out.getvalue(), "bomb.png"))


def test_a_file_over_the_upload_limit_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 1000
    with pytest.raises(ValidationError, match="too large"):
        square_photo(upload(jpeg_with_exif()))


def test_uploading_a_photo_on_the_edit_page_stores_the_clean_square(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]),
        {"first_name": "Emil", "photo": upload(jpeg_with_exif())},
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=employee)
    with profile.photo.open("rb") as stored:
        data = stored.read()
    assert Image.open(io.BytesIO(data)).size == (PHOTO_SIZE, PHOTO_SIZE)
    assert b"SpyCam" not in data


def test_uploading_a_non_image_shows_a_form_error(client_for, employee):
    response = client_for(employee).post(
        reverse("profiles:edit", args=["employee"]),
        {"first_name": "Emil", "photo": upload(b"<html>nope</html>", "x.jpg")},
    )
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    assert not Profile.objects.get(user=employee).photo


def test_without_a_photo_the_avatar_shows_initials(client_for, employee):
    html = client_for(employee).get(reverse("profiles:detail", args=["employee"])).content.decode()
    assert ">EP</span>" in html
