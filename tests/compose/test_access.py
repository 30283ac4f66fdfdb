"""Who may open the composer, write where, and edit which post: anonymous people log in,
hidden things are 404 (never 403), only GET/HEAD/POST are answered."""

from __future__ import annotations

import pytest
from django.test import Client

from blogs.models import BlogIndexPage, BlogPostPage
from tests.compose.helpers import WRITE, edit_url, post_data

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_log_in(site_tree, open_post):
    client = Client()
    for url in (WRITE, edit_url(open_post)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Client().post(WRITE, post_data()).status_code == 302
    assert not BlogPostPage.objects.filter(title="Hello from the composer").exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_composer_answers_only_get_head_and_post(client_for, editor, open_post, method):
    client = client_for(editor)
    assert getattr(client, method)(WRITE).status_code == 405
    assert getattr(client, method)(edit_url(open_post)).status_code == 405
    assert client.head(WRITE).status_code == 200


def test_an_employee_gets_the_composer_in_the_intranets_look(client_for, employee, site_tree):
    response = client_for(employee).get(WRITE)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'name="title"' in html and "data-richtext" in html
    assert 'data-upload-url="/-/uploads/"' in html
    assert 'data-page-search-url="/search/-/pages.json"' in html
    assert 'value="draft"' in html and 'value="schedule"' in html and 'value="publish"' in html
    # Nothing of the CMS: no slug, SEO or menu fields, no way into the admin.
    for word in ('name="slug"', "seo_title", "show_in_menus", "/admin/"):
        assert word not in html
    # Opening the composer makes nothing: the blog comes with the first save.
    assert not BlogIndexPage.objects.filter(author=employee).exists()


def test_the_space_in_the_address_is_chosen(client_for, editor, open_space, private_space):
    html = client_for(editor).get(WRITE, {"space": open_space.slug}).content.decode()
    assert f'<option value="{open_space.slug}" selected>' in html
    assert f'<option value="{private_space.slug}">' in html


def test_a_members_only_space_is_a_404_for_an_outsider(client_for, outsider, private_space):
    client = client_for(outsider)
    assert client.get(WRITE, {"space": private_space.slug}).status_code == 404
    response = client.post(WRITE, post_data(space=private_space.slug))
    assert response.status_code == 404
    assert not BlogIndexPage.objects.exists()
    assert not BlogPostPage.objects.exists()


def test_a_reader_of_a_space_cannot_pick_it(client_for, reader, open_space):
    client = client_for(reader)
    html = client.get(WRITE, {"space": open_space.slug}).content.decode()
    assert f'<option value="{open_space.slug}"' not in html
    assert "but not write in it yet" in html
    response = client.post(WRITE, post_data(space=open_space.slug))
    assert response.status_code == 400
    assert "You cannot write in this space" in response.content.decode()
    assert not BlogPostPage.objects.exists()


def test_an_editor_publishes_in_the_space_blog_made_on_first_use(client_for, editor, open_space):
    response = client_for(editor).post(WRITE, post_data(space=open_space.slug))
    post = BlogPostPage.objects.get()
    assert post.get_parent().specific == BlogIndexPage.objects.child_of(open_space).get()
    assert post.space_id == open_space.pk and post.owner == editor
    assert response.status_code == 302 and response["Location"] == post.url


def test_only_the_author_moderators_and_site_admins_may_edit_a_post(
    client_for, open_post, editor, author_colleague, moderator, reader, outsider, site_admin
):
    for person in (editor, moderator, site_admin):
        assert client_for(person).get(edit_url(open_post)).status_code == 200, person
    for person in (author_colleague, reader, outsider):
        assert client_for(person).get(edit_url(open_post)).status_code == 404, person
    response = client_for(author_colleague).post(edit_url(open_post), post_data(title="Defaced"))
    assert response.status_code == 404
    open_post.refresh_from_db()
    assert open_post.title == "Soup of the day"


def test_an_outsider_cannot_edit_a_members_only_post(client_for, outsider, private_post):
    assert client_for(outsider).get(edit_url(private_post)).status_code == 404


def test_an_ex_member_cannot_edit_their_post_in_a_members_only_space(
    client_for, editor, private_post, private_space
):
    from intranet.actions import remove_member

    remove_member(private_space, editor)
    assert client_for(editor).get(edit_url(private_post)).status_code == 404


def test_a_missing_post_is_a_404(client_for, editor, site_tree):
    assert client_for(editor).get("/blogs/-/posts/99999/edit/").status_code == 404
