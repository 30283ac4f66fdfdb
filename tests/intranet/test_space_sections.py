"""A space page shows what the content apps register for it (intranet/space_sections.py),
so the ground floor never imports them."""

import pytest

from intranet.space_sections import space_sections
from tests.factories import make_blog_post, make_space, make_wiki_page

pytestmark = pytest.mark.django_db


def test_the_content_apps_register_their_sections_in_page_order():
    assert [section.name for section in space_sections()] == ["latest_posts", "recent_wiki_pages"]


def test_a_space_page_shows_its_own_newest_posts_and_wiki_changes_only(
    client_for, reader, editor, open_space
):
    from blogs.actions import ensure_space_blog

    elsewhere = make_space("Other Garden", slug="other-garden")
    make_blog_post(ensure_space_blog(open_space, actor=editor), "Kitchen news", author=editor)
    make_wiki_page(open_space, "Kitchen rules", author=editor)
    make_blog_post(ensure_space_blog(elsewhere, actor=editor), "Garden news", author=editor)
    make_wiki_page(elsewhere, "Garden rules", author=editor)

    response = client_for(reader).get(open_space.url)

    assert [post.title for post in response.context["latest_posts"]] == ["Kitchen news"]
    assert [page.title for page in response.context["recent_wiki_pages"]] == ["Kitchen rules"]
    body = response.content.decode()
    assert "Kitchen news" in body and "Kitchen rules" in body
    assert "Garden news" not in body and "Garden rules" not in body


def test_a_space_page_hides_its_posts_and_wiki_pages_from_outsiders_of_a_members_only_space(
    client_for, editor, outsider, private_space
):
    from blogs.actions import ensure_space_blog

    make_blog_post(ensure_space_blog(private_space, actor=editor), "Quokka news", author=editor)
    make_wiki_page(private_space, "Quokka rules", author=editor)

    assert client_for(outsider).get(private_space.url).status_code == 404
    member_view = client_for(editor).get(private_space.url).content.decode()
    assert "Quokka news" in member_view and "Quokka rules" in member_view
