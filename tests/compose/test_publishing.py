"""Writing through the composer: drafts, schedules, publishing, review, revisions, search and
the safety of what is stored. Every write goes through Wagtail's revisions."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Revision

from blogs.models import BlogIndexPage, BlogPostPage
from search.query import search_content
from tests.blogs.conftest import png_bytes
from tests.compose.helpers import WRITE, edit_url, post_data

pytestmark = pytest.mark.django_db


def test_publishing_makes_my_blog_and_lands_on_the_post(client_for, employee, reader, site_tree):
    client = client_for(employee)
    response = client.post(WRITE, post_data(title="Hello, world!", tags="first, News"))
    post = BlogPostPage.objects.get()
    blog = BlogIndexPage.objects.get(author=employee)
    assert post.get_parent().pk == blog.pk and post.live and post.owner == employee
    assert response.status_code == 302 and response["Location"] == post.url == (
        "/blogs/employee/hello-world/"
    )
    assert sorted(post.tags.names()) == ["News", "first"]
    assert "Your post is published." in client.get(post.url).content.decode()
    assert client_for(reader).get(post.url).status_code == 200
    assert 'value="News, first"' in client.get(edit_url(post)).content.decode()


def test_the_same_title_twice_gets_a_free_address(client_for, employee, site_tree):
    client = client_for(employee)
    client.post(WRITE, post_data(title="Weekly notes"))
    client.post(WRITE, post_data(title="Weekly notes"))
    client.post(WRITE, post_data(title="!!!"))
    slugs = sorted(BlogPostPage.objects.values_list("slug", flat=True))
    assert slugs == ["post", "weekly-notes", "weekly-notes-1"]


def test_a_draft_is_seen_by_nobody_else(client_for, employee, reader, site_tree):
    client = client_for(employee)
    response = client.post(WRITE, post_data(title="Half an idea", action="draft"))
    post = BlogPostPage.objects.get()
    assert not post.live
    assert response["Location"] == edit_url(post)
    page = client.get(edit_url(post)).content.decode()
    assert "Draft saved." in page and "Half an idea" in page
    other = client_for(reader)
    assert other.get(edit_url(post)).status_code == 404
    assert other.get(post.url).status_code == 404
    assert "Half an idea" not in other.get("/blogs/").content.decode()


def test_a_draft_needs_no_text_but_publishing_does(client_for, employee, site_tree):
    client = client_for(employee)
    response = client.post(WRITE, post_data(body="", title="Empty"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write something first." in html and 'value="Empty"' in html
    assert not BlogPostPage.objects.exists()
    client.post(WRITE, post_data(body="", title="Empty", action="draft"))
    assert BlogPostPage.objects.get().title == "Empty"


def test_a_scheduled_post_appears_only_at_its_time_in_the_readers_zone(
    client_for, employee, reader, site_tree, settings
):
    client = client_for(employee)
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = client.post(
        WRITE, post_data(action="schedule", go_live_at=tomorrow.strftime("%Y-%m-%dT%H:%M"))
    )
    post = BlogPostPage.objects.get()
    assert response["Location"] == edit_url(post)
    assert not post.live
    expected = tomorrow.replace(second=0, microsecond=0)
    assert post.go_live_at == expected
    assert post.go_live_at.tzinfo is not None
    assert timezone.localtime(post.go_live_at).tzinfo == ZoneInfo(settings.TIME_ZONE)
    assert "Appears on" in client.get(edit_url(post)).content.decode()
    assert client_for(reader).get(post.url).status_code == 404
    with mock.patch("django.utils.timezone.now", return_value=expected + timedelta(minutes=1)):
        call_command("publish_scheduled")
    post.refresh_from_db()
    assert post.live
    assert client_for(reader).get(post.url).status_code == 200


def test_scheduling_needs_a_time_in_the_future(client_for, employee, site_tree):
    client = client_for(employee)
    response = client.post(WRITE, post_data(action="schedule"))
    assert response.status_code == 400
    assert "Choose when the post should appear." in response.content.decode()
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(WRITE, post_data(action="schedule", go_live_at=past))
    assert "Choose a time in the future." in response.content.decode()
    assert not BlogPostPage.objects.exists()


def test_hostile_html_is_sanitized(client_for, employee, reader, site_tree):
    hostile = (
        '<p onclick="steal()">Hi<script>alert(1)</script>'
        '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>'
        '<iframe src="https://evil.example"></iframe><b style="color:red">bold</b></p>'
    )
    client_for(employee).post(WRITE, post_data(body=hostile))
    post = BlogPostPage.objects.get()
    shown = str(client_for(reader).get(post.url).context["body_html"])
    for stored_or_shown in (post.body, shown):
        for bad in ("<script", "alert(", "onerror", "onclick", "javascript:", "<iframe", "style="):
            assert bad not in stored_or_shown
    assert post.body == "<p>Hiclick<b>bold</b></p>"


def test_editing_keeps_every_revision_and_the_address(client_for, editor, open_post):
    client = client_for(editor)
    before = Revision.page_revisions.filter(object_id=str(open_post.pk)).count()
    form = client.get(edit_url(open_post)).content.decode()
    assert "Lentils and lemon." in form and 'value="Soup of the day"' in form
    response = client.post(
        edit_url(open_post), post_data(title="Soup of the week", body="<p>Now weekly.</p>")
    )
    open_post.refresh_from_db()
    assert response["Location"] == open_post.url
    assert open_post.title == "Soup of the week" and open_post.slug == "soup-of-the-day"
    revisions = Revision.page_revisions.filter(object_id=str(open_post.pk)).order_by("pk")
    assert revisions.count() == before + 1
    assert revisions.first().as_object().title == "Soup of the day"
    assert revisions.last().user == editor


def test_a_draft_of_a_live_post_leaves_readers_the_published_text(
    client_for, editor, reader, open_post
):
    client = client_for(editor)
    client.post(edit_url(open_post), post_data(title="Soup, revised", action="draft"))
    open_post.refresh_from_db()
    assert open_post.title == "Soup of the day" and open_post.has_unpublished_changes
    assert "Soup, revised" not in client_for(reader).get(open_post.url).content.decode()
    form = client.get(edit_url(open_post)).content.decode()
    assert 'value="Soup, revised"' in form
    assert "Your latest changes are a draft" in form


def test_publishing_indexes_the_post(client_for, employee, reader, site_tree):
    client_for(employee).post(
        WRITE, post_data(title="Quarterly zeppelin review", body="<p>Airships ahead.</p>")
    )
    titles = [hit.title for hit in search_content(reader, "zeppelin").hits]
    assert titles == ["Quarterly zeppelin review"]


def test_a_draft_is_not_found_by_search(client_for, employee, site_tree):
    client_for(employee).post(WRITE, post_data(title="Secret zeppelin", action="draft"))
    assert not search_content(employee, "zeppelin").hits


def test_where_the_space_needs_approval_an_editor_submits_for_review(
    client_for, editor, moderator, reader, open_space
):
    from intranet.actions import sync_space_permissions

    open_space.wiki_moderation = True
    open_space.save()
    sync_space_permissions(open_space)
    client = client_for(editor)
    html = client.get(WRITE, {"space": open_space.slug}).content.decode()
    assert "a moderator approves posts before they appear" in html
    response = client.post(WRITE, post_data(space=open_space.slug, title="Needs a look"))
    post = BlogPostPage.objects.get()
    assert response["Location"] == edit_url(post)
    assert not post.live and post.workflow_in_progress
    assert client_for(reader).get(post.url).status_code == 404
    assert "Waiting for review" in client.get(edit_url(post)).content.decode()
    # A moderator may publish it directly.
    response = client_for(moderator).post(edit_url(post), post_data(title="Needs a look"))
    post.refresh_from_db()
    assert post.live and response["Location"] == post.url


def test_a_header_image_is_kept_when_the_form_comes_back(client_for, employee, reader, site_tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(employee)
    picture = SimpleUploadedFile("header.png", png_bytes(), content_type="image/png")
    response = client.post(WRITE, {**post_data(title=""), "header_image": picture})
    assert response.status_code == 400
    image = get_image_model().objects.get()
    assert image.uploaded_by_user == employee
    html = response.content.decode()
    assert f'name="header_image_id" value="{image.pk}"' in html
    assert "Describe the header image" in html
    # The image is the writer's alone until a page shows it.
    assert client_for(reader).get(image.file.url).status_code == 404
    client.post(
        WRITE,
        post_data(title="With a picture", header_image_id=image.pk, header_image_alt="Blue"),
    )
    post = BlogPostPage.objects.get()
    assert post.header_image == image and post.header_image_alt == "Blue"
    assert client_for(reader).get(image.file.url).status_code == 200


def test_the_header_image_can_be_removed(client_for, editor, open_blog, header_image):
    from tests.factories import make_blog_post

    post = make_blog_post(
        open_blog, "Pictured", author=editor, header_image=header_image, header_image_alt="Blue"
    )
    client = client_for(editor)
    assert f'name="header_image_id" value="{header_image.pk}"' in (
        client.get(edit_url(post)).content.decode()
    )
    client.post(
        edit_url(post),
        post_data(title="Pictured", header_image_id=header_image.pk, remove_header_image="on"),
    )
    post.refresh_from_db()
    assert post.header_image is None and post.header_image_alt == ""


def test_someone_elses_private_image_cannot_be_put_on_a_post(
    client_for, employee, reader, space_admin, site_tree
):
    secret = get_image_model()(
        title="Secret", file=ContentFile(png_bytes(), "secret.png"), uploaded_by_user=space_admin
    )
    secret.save()
    client = client_for(employee)
    embed = f'<p>Look</p><img data-image-id="{secret.pk}" alt="x" src="/x.png">'
    response = client.post(WRITE, post_data(body=embed))
    assert response.status_code == 400
    assert "not available to you" in response.content.decode()
    response = client.post(WRITE, post_data(header_image_id=secret.pk, header_image_alt="x"))
    post = BlogPostPage.objects.get()
    assert post.header_image is None
    assert client_for(reader).get(secret.file.url).status_code == 404


def test_writing_too_fast_is_refused_with_the_text_kept(client_for, employee, site_tree, settings):
    settings.BLOG_POSTS_PER_MINUTE = 1
    client = client_for(employee)
    client.post(WRITE, post_data(title="One"))
    response = client.post(WRITE, post_data(title="Two", body="<p>Kept words.</p>"))
    assert response.status_code == 429
    assert "Kept words." in response.content.decode()
    assert BlogPostPage.objects.count() == 1
