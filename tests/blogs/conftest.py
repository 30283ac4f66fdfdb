"""Blogs in both spaces and a personal one, each with a post, for the blog tests.

`editor` writes in both spaces' blogs; `employee` has a personal blog. `author_colleague` is
a second editor of both spaces, who must not be able to touch the editor's posts."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from intranet.models import Role
from tests.factories import UserFactory, make_blog_post


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # Rate limit counters live in the cache, which outlives a test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author_colleague(open_space, private_space):
    from intranet.actions import set_member_role

    user = UserFactory(username="colleague", first_name="Cora", last_name="League")
    set_member_role(open_space, user, Role.EDITOR)
    set_member_role(private_space, user, Role.EDITOR)
    return user


@pytest.fixture
def personal_blog(site_tree, employee):
    from blogs.actions import start_personal_blog

    return start_personal_blog(employee)


@pytest.fixture
def open_post(open_blog, editor):
    return make_blog_post(
        open_blog, "Soup of the day", "<p>Lentils and lemon.</p>", author=editor, teaser="Warm."
    )


@pytest.fixture
def private_post(private_blog, editor):
    return make_blog_post(
        private_blog, "Quokka acquisition", "<p>Top secret plans.</p>", author=editor
    )


@pytest.fixture
def personal_post(personal_blog, employee):
    return make_blog_post(personal_blog, "My first week", "<p>Hello all.</p>", author=employee)


def png_bytes(width: int = 800, height: int = 400, colour=(36, 84, 214)) -> bytes:
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def header_image(db):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    image = get_image_model()(
        title="Blue", description="A blue rectangle", file=ContentFile(png_bytes(), "blue.png")
    )
    image.save()
    return image
