"""Addresses and small helpers for the composer's tests."""

from __future__ import annotations

WRITE = "/blogs/-/write/"
UPLOADS = "/-/uploads/"
PAGES = "/search/-/pages.json"


def edit_url(post) -> str:
    return f"/blogs/-/posts/{post.pk}/edit/"


def post_data(**fields) -> dict:
    """A composer submission: a publishable post unless fields say otherwise."""
    data = {
        "title": "Hello from the composer",
        "body": "<p>First words.</p>",
        "tags": "",
        "language": "en",
        "header_image_alt": "",
        "action": "publish",
    }
    data.update(fields)
    return data
