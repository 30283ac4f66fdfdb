"""After someone leaves: they are gone from every place that offers people, and what they
wrote stays, under their name marked "former employee"; their profile page stays for
readers following an author link."""

from __future__ import annotations

import pytest
from django import forms
from django.test import Client

from blogs.models import users_mentioned_in
from feeds.actions import regenerate_feed_token
from intranet.people import display_name
from intranet.pickers import PersonField
from profiles.actions import deactivate_person
from search.query import search_content
from tests.factories import DepartmentFactory, make_blog_post

pytestmark = pytest.mark.django_db

FORMER = "Lea Ving (former employee)"


@pytest.fixture
def left(site_admin, leaver):
    """The leaver, deactivated."""
    deactivate_person(leaver, actor=site_admin)
    leaver.refresh_from_db()
    return leaver


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- gone from every place that offers people ------------------------------------------------


def test_the_directory_no_longer_lists_them(client_for, employee, leaver, site_admin):
    assert "Lea Ving" in text_of(client_for(employee).get("/people/"))
    deactivate_person(leaver, actor=site_admin)
    assert "Lea Ving" not in text_of(client_for(employee).get("/people/"))


def test_the_expert_finder_no_longer_finds_them(client_for, employee, leaver, site_admin):
    assert "Lea Ving" in text_of(client_for(employee).get("/people/", {"q": "zymurgy"}))
    deactivate_person(leaver, actor=site_admin)
    assert "Lea Ving" not in text_of(client_for(employee).get("/people/", {"q": "zymurgy"}))


def test_the_org_chart_no_longer_shows_them(client_for, employee, leaver, site_admin):
    leaver.profile.department = DepartmentFactory(name="Quokka care", slug="quokka-care")
    leaver.profile.save()
    assert "Lea Ving" in text_of(client_for(employee).get("/org/"))
    deactivate_person(leaver, actor=site_admin)
    assert "Lea Ving" not in text_of(client_for(employee).get("/org/"))


def test_people_pickers_no_longer_suggest_or_accept_them(client_for, employee, leaver, site_admin):
    def suggested() -> list[str]:
        response = client_for(employee).get("/people/-/suggest/", {"q": "Lea Vi"})
        return [hit["username"] for hit in response.json()["results"]]

    assert suggested() == ["lea"]
    deactivate_person(leaver, actor=site_admin)
    assert suggested() == []
    with pytest.raises(forms.ValidationError):
        PersonField().clean("lea")


def test_mentions_no_longer_reach_them(left):
    assert users_mentioned_in("Thanks @lea!") == []


def test_people_search_no_longer_finds_them(reader, leaver, site_admin, site_tree):
    assert search_content(reader, "zymurgy").people_total == 1
    deactivate_person(leaver, actor=site_admin)
    assert search_content(reader, "zymurgy").people_total == 0


def test_new_colleagues_on_home_no_longer_show_them(
    client_for, employee, leaver, site_admin, site_tree
):
    def new_colleagues() -> str:
        page = text_of(client_for(employee).get("/"))
        return page.split("New colleagues", 1)[1].split("</section>", 1)[0]

    assert "/people/lea/" in new_colleagues()
    deactivate_person(leaver, actor=site_admin)
    assert "/people/lea/" not in new_colleagues()


def test_the_activity_stream_no_longer_announces_their_arrival(employee, leaver, site_admin):
    from community.models import Activity

    def arrivals() -> list:
        stream = Activity.stream_for(employee, limit=100)
        return [row.actor for row in stream if row.kind == Activity.Kind.NEW_COLLEAGUE]

    assert leaver in arrivals()
    deactivate_person(leaver, actor=site_admin)
    assert leaver not in arrivals()
    assert employee in arrivals()


def test_their_person_feed_is_gone(reader, left, post):
    token = regenerate_feed_token(reader).token
    assert Client().get("/feeds/people/lea.rss", {"token": token}).status_code == 404


def test_a_file_grant_made_for_them_opens_nothing(site_admin, leaver, open_blog):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from intranet.files import shareable_file_url
    from tests.blogs.conftest import png_bytes

    image = get_image_model().objects.create(
        title="Cake", file=ContentFile(png_bytes(64, 32, (200, 10, 10)), "cake.png")
    )
    make_blog_post(open_blog, "Cake", author=leaver, header_image=image, header_image_alt="x")
    shared = shareable_file_url(leaver, image.file.url)
    assert Client().get(shared).status_code == 200

    deactivate_person(leaver, actor=site_admin)

    assert Client().get(shared).status_code == 404


# --- what they wrote stays, marked -------------------------------------------------------------


def test_their_name_reads_former_employee(leaver, left):
    assert display_name(left) == FORMER


def test_their_post_stays_readable_with_former_employee_in_the_author_line(
    client_for, reader, post, comment, left
):
    page = text_of(client_for(reader).get(post.url))

    assert "Farewell lunch" in page
    assert "See you around" in page
    # The author line, the author card and the comment's head.
    assert page.count(FORMER) >= 3
    assert f"/people/{left.username}/" in page


def test_their_post_is_listed_with_former_employee(client_for, reader, post, left):
    assert FORMER in text_of(client_for(reader).get("/blogs/"))


def test_search_hits_name_them_former_employee(client_for, reader, post, left):
    page = text_of(client_for(reader).get("/search/", {"q": "farewell"}))
    assert "Farewell lunch" in page
    assert FORMER in page


def test_wiki_history_names_them_former_employee(client_for, reader, wiki_page, left):
    page = text_of(client_for(reader).get(f"/wiki/{wiki_page.pk}/history/"))
    assert FORMER in page


# --- their profile page ----------------------------------------------------------------------


def test_their_profile_shows_their_name_and_posts_without_contact_details(
    client_for, reader, post, left
):
    page = text_of(client_for(reader).get(f"/people/{left.username}/"))

    assert FORMER in page
    assert "Farewell lunch" in page
    for gone in ("lea@example.com", "+49 30 1234", "Quokka keeper", "Zymurgy", "/vcard/"):
        assert gone not in page


def test_their_profile_lists_only_what_the_reader_may_see(
    client_for, outsider, private_space, editor, left
):
    from blogs.actions import ensure_space_blog

    make_blog_post(ensure_space_blog(private_space, actor=editor), "Quokka secrets", author=left)

    page = text_of(client_for(outsider).get(f"/people/{left.username}/"))

    assert "Quokka secrets" not in page


def test_their_profile_is_for_employees_and_refuses_post(client_for, reader, left):
    response = Client().get(f"/people/{left.username}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client_for(reader).post(f"/people/{left.username}/").status_code == 405


def test_their_vcard_and_edit_page_are_gone(client_for, site_admin, left):
    client = client_for(site_admin)
    assert client.get(f"/people/{left.username}/vcard/").status_code == 404
    assert client.get(f"/people/{left.username}/edit/").status_code == 404
