"""Starting a blog, writing in it through the composer, and the ownership rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from blogs.actions import start_personal_blog
from blogs.models import BlogIndexPage, BlogPostPage
from tests.compose.helpers import WRITE, edit_url, post_data


def test_writing_makes_the_personal_blog_on_first_use(client_for, employee, site_tree):
    client = client_for(employee)
    assert client.get(WRITE).status_code == 200
    response = client.post(WRITE, post_data())
    blog = BlogIndexPage.objects.get(author=employee)
    assert response.status_code == 302
    assert response["Location"] == BlogPostPage.objects.get().url
    assert blog.url == "/blogs/employee/"
    client.post(WRITE, post_data(title="Second"))
    assert BlogIndexPage.objects.filter(author=employee).count() == 1


def test_opening_the_composer_makes_no_blog(client_for, employee, site_tree):
    assert client_for(employee).get(WRITE).status_code == 200
    assert client_for(employee).put(WRITE).status_code == 405
    assert not BlogIndexPage.objects.exists()


def test_someone_elses_personal_blog_is_a_404_until_it_exists(
    client_for, reader, employee, site_tree
):
    client = client_for(reader)
    assert client.get("/blogs/employee/").status_code == 404
    start_personal_blog(employee)
    assert client.get("/blogs/employee/").status_code == 200


def test_writing_in_a_space_blog_needs_the_editor_role(client_for, reader, editor, open_space):
    assert client_for(reader).post(WRITE, post_data(space=open_space.slug)).status_code == 400
    assert not BlogIndexPage.objects.exists()
    response = client_for(editor).post(WRITE, post_data(space=open_space.slug))
    blog = BlogIndexPage.objects.child_of(open_space).get()
    assert response["Location"] == BlogPostPage.objects.child_of(blog).get().url
    assert blog.url == f"{open_space.url}blog/"


def test_an_outsider_cannot_write_in_a_members_only_space(client_for, outsider, private_space):
    response = client_for(outsider).post(WRITE, post_data(space=private_space.slug))
    assert response.status_code == 404
    assert not BlogIndexPage.objects.exists()


def test_the_author_publishes_a_post_through_the_composer(client_for, employee, site_tree):
    client = client_for(employee)
    start_personal_blog(employee)
    response = client.post(WRITE, post_data(title="Hello from the editor", tags="first, news"))
    assert response.status_code == 302, response.content.decode()[:2000]
    post = BlogPostPage.objects.get(title="Hello from the editor")
    assert post.live and post.owner == employee
    assert sorted(t.name for t in post.tags.all()) == ["first", "news"]


def test_nobody_else_can_add_or_edit_in_a_personal_blog(
    client_for, reader, employee, personal_post
):
    start_personal_blog(reader)  # a blogger too
    client = client_for(reader)
    client.post(WRITE, post_data(title="Mine"))  # lands in the reader's own blog
    assert [page.pk for page in personal_post.get_parent().get_children()] == [personal_post.pk]
    assert client.get(edit_url(personal_post)).status_code == 404
    assert client_for(employee).get(edit_url(personal_post)).status_code == 200


def test_a_space_editor_cannot_edit_a_colleagues_post(
    client_for, author_colleague, editor, open_post
):
    client = client_for(author_colleague)
    assert client.get(edit_url(open_post)).status_code == 404
    client.post(edit_url(open_post), post_data(title="Defaced"))
    open_post.refresh_from_db()
    assert open_post.title == "Soup of the day"
    assert client_for(editor).get(edit_url(open_post)).status_code == 200


def test_a_space_moderator_may_edit_any_post_in_the_space(client_for, moderator, open_post):
    assert client_for(moderator).get(edit_url(open_post)).status_code == 200


def test_a_colleague_cannot_delete_or_unpublish_a_post(client_for, author_colleague, open_post):
    client = client_for(author_colleague)
    client.post(f"/admin/pages/{open_post.pk}/delete/")
    client.post(f"/admin/pages/{open_post.pk}/unpublish/")
    open_post.refresh_from_db()
    assert open_post.live


def test_the_post_page_offers_editing_only_to_those_allowed(
    client_for, editor, author_colleague, open_post
):
    link = edit_url(open_post)
    assert link in client_for(editor).get(open_post.url).content.decode()
    assert link not in client_for(author_colleague).get(open_post.url).content.decode()


def test_a_header_image_needs_a_description(open_blog, editor, header_image):
    header_image.description = ""
    header_image.save()
    post = BlogPostPage(title="Picture", slug="picture", owner=editor, header_image=header_image)
    post.path, post.depth = open_blog.path + "0009", open_blog.depth + 1
    with pytest.raises(ValidationError) as error:
        post.clean()
    assert "header_image_alt" in error.value.message_dict
    post.header_image_alt = "A blue rectangle"
    post.clean()


def test_a_post_page_shows_its_header_image_with_alt_and_srcset(
    client_for, reader, open_blog, editor, header_image
):
    from tests.factories import make_blog_post

    post = make_blog_post(open_blog, "With picture", author=editor, header_image=header_image)
    body = client_for(reader).get(post.url).content.decode()
    assert 'alt="A blue rectangle"' in body
    assert "srcset=" in body
    assert 'property="og:image"' in body


def test_a_post_page_refuses_post(client_for, reader, open_post):
    assert client_for(reader).post(open_post.url).status_code == 405


def test_a_members_only_post_is_a_404_for_an_outsider(client_for, outsider, private_post):
    assert client_for(outsider).get(private_post.url).status_code == 404
