"""The Wagtail admin's tag autocomplete offers only tags of pages the person may see (and
tags of no page at all): a tag used only in a members-only space names what is written
there. The admin is for site admins, who see everything (issue 16); the writers here were
given the admin by one, as a site admin may still do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from intranet.actions import set_member_role
from intranet.models import Role
from tests.factories import UserFactory, make_blog_post

pytestmark = pytest.mark.django_db

URL = "/admin/tag-autocomplete/"


@pytest.fixture
def blogs(open_space, private_space):
    from blogs.actions import ensure_space_blog

    return ensure_space_blog(open_space), ensure_space_blog(private_space)


@pytest.fixture
def tagged(blogs, editor):
    open_blog, private_blog = blogs
    hidden = make_blog_post(private_blog, "Merger", author=editor)
    hidden.tags.add("zanzibar-merger", "zanzibar-shared")
    hidden.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    shown = make_blog_post(open_blog, "Soup", author=editor)
    shown.tags.add("zanzibar-shared")
    shown.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def open_space_writer(open_space):
    """A colleague who writes in the open space only, and may use the admin."""
    user = UserFactory(username="writer")
    set_member_role(open_space, user, Role.EDITOR)
    return with_admin_access(user)


def suggestions(client, term: str = "zanzibar") -> list[str]:
    response = client.get(URL, {"term": term})
    assert response.status_code == 200
    return response.json()


def test_a_writer_outside_the_space_is_not_offered_its_tags(client_for, open_space_writer, tagged):
    assert suggestions(client_for(open_space_writer)) == ["zanzibar-shared"]


def test_a_member_is_offered_the_spaces_tags(client_for, editor, tagged):
    offered = suggestions(client_for(with_admin_access(editor)))
    assert offered == ["zanzibar-merger", "zanzibar-shared"]


def test_tags_of_no_page_are_still_offered(client_for, open_space_writer, site_tree):
    from taggit.models import Tag

    Tag.objects.create(name="zanzibar-photos", slug="zanzibar-photos")
    assert suggestions(client_for(open_space_writer)) == ["zanzibar-photos"]


def test_the_autocomplete_for_a_named_tag_model_filters_the_same_way(
    client_for, open_space_writer, tagged
):
    response = client_for(open_space_writer).get(URL + "taggit/tag/", {"term": "zanzibar"})
    assert response.json() == ["zanzibar-shared"]
    assert client_for(open_space_writer).get(URL + "auth/user/", {"term": "x"}).status_code == 404


def test_people_without_admin_access_and_anonymous_visitors_get_nothing(
    client, client_for, employee, tagged
):
    assert client.get(URL, {"term": "zanzibar"}).status_code == 302
    response = client_for(employee).get(URL, {"term": "zanzibar"})
    assert response.status_code in (302, 403)
    assert b"zanzibar" not in response.content


def test_the_autocomplete_answers_only_get_and_head(client_for, editor, tagged):
    client = client_for(with_admin_access(editor))
    assert client.post(URL, {"term": "zanzibar"}).status_code == 405
    assert client.head(URL, {"term": "zanzibar"}).status_code == 200
