"""Lea Ving and everything the intranet holds about her.

`lea` has a full profile (phone, job title, photo, a skill `employee` endorsed, a language),
wrote a post in the open space's blog (with a comment and a reaction of hers under it) and
one in her personal blog (titled with her name), owns a wiki page, follows the open space
and `employee`, chose a notification setting, has a feed token and an API token, and
uploaded an image and a document no page shows. She was an editor of the private space,
wrote a post there with an image only that post shows, commented on it, and was then
removed from the space: none of that may reach her download."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from intranet.models import Role
from tests.factories import UserFactory, make_blog_post, make_wiki_page

SECRET_MARKERS = ("Zanzibar", "quokka plot", "hidden-plan", "Whispered comment")
LEA_MARKERS = ("Lea", "Ving", "Quokka keeper", "+49 30 1234", "Zymurgy", "lea@example.com")


def png_bytes(colour=(36, 84, 214)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def lea(db, employee):
    from profiles.actions import endorse, set_skill, set_spoken_languages

    person = UserFactory(
        username="lea", first_name="Lea", last_name="Ving", email="lea@example.com"
    )
    profile = person.profile
    profile.job_title = "Quokka keeper"
    profile.phone = "+49 30 1234"
    profile.ask_me_about = "Zymurgy"
    profile.bio = "I brew beer."
    profile.photo.save("lea-photo.jpg", ContentFile(b"\xff\xd8\xff photo bytes"), save=False)
    profile.save()
    set_spoken_languages(profile, ["de"])
    endorse(set_skill(profile, "Kubernetes", 3, actor=person), endorser=employee)
    return person


@pytest.fixture
def open_blog(open_space, editor):
    from blogs.actions import ensure_space_blog

    return ensure_space_blog(open_space, actor=editor)


@pytest.fixture
def lea_post(lea, open_blog):
    return make_blog_post(open_blog, "Farewell lunch", "<p>Thanks, all.</p>", author=lea)


@pytest.fixture
def lea_blog_post(lea, site_tree):
    from blogs.actions import start_personal_blog

    return make_blog_post(start_personal_blog(lea), "My diary", "<p>Day one.</p>", author=lea)


@pytest.fixture
def hidden_image(lea):
    return get_image_model().objects.create(
        title="Hidden plan", file=ContentFile(png_bytes(), "hidden-plan.png"), uploaded_by_user=lea
    )


@pytest.fixture
def left_private_space(lea, private_space, hidden_image, space_admin):
    """Lea wrote in the private space, then was removed from it."""
    from blogs.actions import add_comment, ensure_space_blog
    from intranet.actions import remove_member, set_member_role

    set_member_role(private_space, lea, Role.EDITOR)
    blog = ensure_space_blog(private_space, actor=space_admin)
    image = f'<embed embedtype="image" format="left" id="{hidden_image.pk}" alt="x"/>'
    body = f"<p>The quokka plot.</p>{image}"
    post = make_blog_post(blog, "Zanzibar launch", body, author=lea)
    add_comment(post, lea, "Whispered comment")
    remove_member(private_space, lea, actor=space_admin)
    return private_space


@pytest.fixture
def full_lea(lea, employee, open_space, lea_post, lea_blog_post, left_private_space):
    """Lea with everything of the module docstring."""
    from api.actions import create_api_token
    from blogs.actions import add_comment, react
    from community.actions import follow
    from community.models import NotificationSetting
    from feeds.actions import regenerate_feed_token

    make_wiki_page(open_space, "Onboarding checklist", "<p>Badge first.</p>", author=lea)
    add_comment(lea_post, lea, "See you around")
    react(lea_post, lea, "celebrate")
    follow(lea, "space", open_space)
    follow(lea, "person", employee)
    NotificationSetting.objects.create(user=lea, kind="comment", delivery="immediate")
    regenerate_feed_token(lea)
    create_api_token(lea, name="Laptop script")
    get_image_model().objects.create(
        title="Cat", file=ContentFile(png_bytes((200, 10, 10)), "cat.png"), uploaded_by_user=lea
    )
    get_document_model().objects.create(
        title="CV", file=ContentFile(b"%PDF-1.4 my cv", "cv.pdf"), uploaded_by_user=lea
    )
    return lea


def download(client) -> zipfile.ZipFile:
    """POST the download page and open the streamed ZIP."""
    response = client.post("/privacy/my-data/")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def everything_in(archive: zipfile.ZipFile) -> str:
    """Every member's name and bytes, as one text to search."""
    return "\n".join(
        name + "\n" + archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
    )
