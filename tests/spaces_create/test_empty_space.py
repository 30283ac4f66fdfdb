"""A space with nothing in it yet offers its writers the first post and the first wiki page."""

from __future__ import annotations

import pytest

from blogs.actions import ensure_space_blog
from tests.factories import make_blog_post, make_space, make_wiki_page

pytestmark = pytest.mark.django_db

FIRST_POST = "Write the first post"
FIRST_PAGE = "Write the first wiki page"


@pytest.fixture
def new_space(site_tree, employee):
    return make_space("Coffee Club", slug="coffee-club", actor=employee)


def test_the_creator_of_a_new_space_is_offered_both(client_for, employee, new_space):
    html = client_for(employee).get(new_space.url).content.decode()
    assert FIRST_POST in html and FIRST_PAGE in html
    assert 'href="/blogs/-/write/?space=coffee-club"' in html
    assert f'href="/wiki/{new_space.pk}/new/"' in html


def test_a_reader_is_offered_neither(client_for, reader, open_space):
    html = client_for(reader).get(open_space.url).content.decode()
    assert FIRST_POST not in html and FIRST_PAGE not in html


def test_once_there_is_a_post_only_the_wiki_page_is_offered(client_for, employee, new_space):
    make_blog_post(ensure_space_blog(new_space), "Hello", author=employee)
    html = client_for(employee).get(new_space.url).content.decode()
    assert FIRST_POST not in html and FIRST_PAGE in html


def test_once_there_is_a_wiki_page_only_the_post_is_offered(client_for, employee, new_space):
    make_wiki_page(new_space, "Start here", author=employee)
    html = client_for(employee).get(new_space.url).content.decode()
    assert FIRST_POST in html and FIRST_PAGE not in html
