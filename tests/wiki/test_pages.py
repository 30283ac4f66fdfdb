"""A wiki page as readers see it: links, backlinks, the page tree and the editor buttons."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_wiki_page


@pytest.mark.django_db
def test_members_read_members_only_pages_with_tree_and_breadcrumbs(
    client_for, private_space, private_page, reader, editor
):
    child = make_wiki_page(private_page, "Quokka food", author=editor)

    response = client_for(reader).get(child.url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="page">Quokka food' in html
    assert f'href="{private_page.url}">Quokka plans</a>' in html
    assert [node.page.title for node in response.context["tree"]] == ["Quokka plans"]
    assert [n.page.title for n in response.context["tree"][0].children] == ["Quokka food"]


@pytest.mark.django_db
def test_outsiders_get_404_for_members_only_pages(client_for, private_page, outsider):
    response = client_for(outsider).get(private_page.url)

    assert response.status_code == 404
    assert b"Quokka" not in response.content


@pytest.mark.django_db
def test_editors_see_edit_and_new_page_buttons(client_for, open_page, editor):
    html = client_for(editor).get(open_page.url).content.decode()

    assert reverse("wiki:edit", args=[open_page.pk]) in html
    assert reverse("wiki:new", args=[open_page.pk]) in html


@pytest.mark.django_db
def test_readers_see_no_edit_button(client_for, open_page, reader):
    html = client_for(reader).get(open_page.url).content.decode()

    assert reverse("wiki:edit", args=[open_page.pk]) not in html
    assert reverse("wiki:new", args=[open_page.pk]) not in html
    assert reverse("wiki:history", args=[open_page.pk]) in html


@pytest.mark.django_db
def test_wiki_links_resolve_to_pages_of_the_same_space(client_for, open_space, editor, reader):
    target = make_wiki_page(open_space, "Coffee machine", author=editor)
    page = make_wiki_page(
        open_space, "Kitchen", "<p>See [[Coffee machine]] and [[Tea|our tea]].</p>", author=editor
    )

    html = client_for(reader).get(page.url).content.decode()

    assert f'<a class="wiki-link" href="{target.url}">Coffee machine</a>' in html
    assert '<span class="wiki-link missing">our tea</span>' in html


@pytest.mark.django_db
def test_editors_get_a_create_it_link_for_missing_pages(client_for, open_space, editor):
    page = make_wiki_page(open_space, "Kitchen", "<p>See [[Tea room]].</p>", author=editor)

    html = client_for(editor).get(page.url).content.decode()

    create = reverse("wiki:new", args=[page.pk]) + "?title=Tea+room"
    assert f'class="wiki-link missing" href="{create}"' in html


@pytest.mark.django_db
def test_links_to_pages_the_reader_may_not_see_show_only_the_authors_text(
    client_for, open_space, private_page, editor, outsider
):
    page = make_wiki_page(
        open_space,
        "Public page",
        f'<p>Read <a linktype="page" id="{private_page.pk}">the plan</a>.</p>',
        author=editor,
    )

    html = client_for(outsider).get(page.url).content.decode()

    assert '<span class="wiki-link-hidden">the plan</span>' in html
    assert private_page.url not in html
    assert "Quokka" not in html


@pytest.mark.django_db
def test_members_follow_chooser_links_into_their_members_only_space(
    client_for, open_space, private_page, editor, reader
):
    page = make_wiki_page(
        open_space,
        "Public page",
        f'<p><a linktype="page" id="{private_page.pk}">the plan</a></p>',
        author=editor,
    )

    html = client_for(reader).get(page.url).content.decode()

    assert f'href="{private_page.url}"' in html


@pytest.mark.django_db
def test_pages_that_link_here_come_from_chooser_and_wiki_links_visible_to_the_reader(
    client_for, open_space, private_space, editor, reader, outsider
):
    target = make_wiki_page(open_space, "Coffee machine", author=editor)
    make_wiki_page(open_space, "By title", "<p>[[Coffee machine]]</p>", author=editor)
    make_wiki_page(
        open_space, "By chooser", f'<p><a linktype="page" id="{target.pk}">x</a></p>', author=editor
    )
    make_wiki_page(
        private_space,
        "Secret linker",
        f'<p><a linktype="page" id="{target.pk}">x</a></p>',
        author=editor,
    )

    member_titles = [p.title for p in client_for(reader).get(target.url).context["backlinks"]]
    outsider_titles = [p.title for p in client_for(outsider).get(target.url).context["backlinks"]]

    assert member_titles == ["By chooser", "By title", "Secret linker"]
    assert outsider_titles == ["By chooser", "By title"]


@pytest.mark.django_db
def test_the_page_tree_leaves_out_drafts(client_for, open_space, open_page, editor, reader):
    from wiki.models import WikiPage

    open_page.add_child(instance=WikiPage(title="Half-written", slug="half-written", live=False))

    html = client_for(reader).get(open_page.url).content.decode()

    assert "Half-written" not in html
