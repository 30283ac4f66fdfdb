"""Query budgets of the wiki page, its history and a space's recent changes at two data
sizes, and the behaviour that keeps them flat: a sidebar that follows the open branch,
URLs worked out without a lookup per page, one workflow lookup per page view."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_wiki_page
from tests.wiki.conftest import edit

# Whole requests, as the benchmark counts them: session, user, site, Wagtail's routing (two
# queries per level), the read counter, the base template's notification count, follow
# buttons and Wagtail's userbar come on top of the wiki's own queries; the header's avatar
# (one) and whether to link the admin (Django's two permission queries) on every page.
WIKI_PAGE_BUDGET = 30
HISTORY_BUDGET = 12
CHANGES_BUDGET = 12


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def _grow(space, hub, editor, n: int) -> None:
    """More of everything the wiki page shows: top-level pages, children of the hub, a
    collapsed branch, pages linking to the hub both ways, and links in the hub's body."""
    tops = [make_wiki_page(space, f"Top {i}", author=editor) for i in range(n)]
    for i in range(n):
        make_wiki_page(hub, f"Hub child {i}", author=editor)
        make_wiki_page(tops[0], f"Hidden grandchild {i}", author=editor)
        make_wiki_page(space, f"Linker {i}", f"<p>See [[{hub.title}]]</p>", author=editor)
        make_wiki_page(
            space, f"Chooser {i}", f'<p><a linktype="page" id="{hub.pk}">hub</a></p>', author=editor
        )
    body = "".join(
        f'<p>[[{t.title}]] and <a linktype="page" id="{t.pk}">{t.title}</a></p>' for t in tops
    )
    edit(hub, editor, body + "<p>[[Nowhere yet]]</p>", "links")


@pytest.mark.parametrize("who", ["reader", "editor"])
@pytest.mark.django_db
def test_the_wiki_page_costs_the_same_queries_with_5_and_30_pages_around_it(
    who, request, client_for, open_space, editor, django_assert_max_num_queries
):
    hub = make_wiki_page(open_space, "Hub", author=editor)
    _grow(open_space, hub, editor, 1)
    client = client_for(request.getfixturevalue(who))
    client.get(hub.url)  # the session, content types, site root paths
    few = _queries(client, hub.url)
    _grow(open_space, hub, editor, 6)

    with django_assert_max_num_queries(len(few)):
        response = client.get(hub.url)

    assert len(few) <= WIKI_PAGE_BUDGET
    html = response.content.decode()
    assert "Hub child 5" in html and "Linker 5" in html and "Chooser 5" in html
    assert html.count('class="wiki-link"') == 6 and 'class="wiki-link missing"' in html


@pytest.mark.parametrize("name", ["history", "changes"])
@pytest.mark.django_db
def test_history_and_recent_changes_cost_the_same_queries_with_3_and_15_pages(
    name, client_for, open_space, reader, editor, django_assert_max_num_queries
):
    hub = make_wiki_page(open_space, "Hub", author=editor)
    url = (
        reverse("wiki:history", args=[hub.pk])
        if name == "history"
        else reverse("wiki:space_changes", args=[open_space.slug])
    )
    make_wiki_page(open_space, "Other", author=editor)
    client = client_for(reader)
    client.get(url)
    few = _queries(client, url)
    for i in range(6):
        make_wiki_page(open_space, f"More {i}", author=editor)
        make_wiki_page(hub, f"Below {i}", author=editor)

    with django_assert_max_num_queries(len(few)):
        client.get(url)
    assert len(few) <= (HISTORY_BUDGET if name == "history" else CHANGES_BUDGET)


@pytest.mark.django_db
def test_the_sidebar_shows_the_top_level_and_the_open_branch_only(
    client_for, open_space, editor, reader
):
    guide = make_wiki_page(open_space, "Guide", author=editor)
    chapter = make_wiki_page(guide, "Chapter", author=editor)
    section = make_wiki_page(chapter, "Section", author=editor)
    make_wiki_page(section, "Paragraph", author=editor)
    make_wiki_page(guide, "Appendix", author=editor)
    faq = make_wiki_page(open_space, "FAQ", author=editor)
    make_wiki_page(faq, "Deep FAQ answer", author=editor)

    response = client_for(reader).get(chapter.url)

    html = response.content.decode()
    tree = response.context["tree"]
    assert [node.page.title for node in tree] == ["Guide", "FAQ"]
    guide_node, faq_node = tree
    assert guide_node.is_open and [n.page.title for n in guide_node.children] == [
        "Chapter",
        "Appendix",
    ]
    chapter_node = guide_node.children[0]
    assert chapter_node.is_current and [n.page.title for n in chapter_node.children] == ["Section"]
    # Closed branches are not loaded: the sidebar's size follows the open path.
    assert "Deep FAQ answer" not in html and "Paragraph" not in html
    assert faq_node.children == [] and faq_node.has_hidden_children
    assert html.count('class="wiki-tree-more"') == 2  # FAQ and Section have closed branches
    assert chapter_node.children[0].has_hidden_children
    # Every URL is the one Wagtail gives the page.
    assert f'href="{guide.url}">Guide</a>' in html and f'href="{faq.url}">FAQ</a>' in html
    assert [a.title for a in response.context["ancestors"]] == ["Guide"]


@pytest.mark.django_db
def test_body_links_and_backlinks_get_the_pages_own_urls(
    client_for, open_space, private_space, editor, reader, outsider
):
    target = make_wiki_page(open_space, "Coffee", author=editor)
    secret = make_wiki_page(private_space, "Secret", author=editor)
    body = (
        f'<p><a linktype="page" id="{target.pk}">chosen</a> '
        f'<a linktype="page" id="{secret.pk}">hidden one</a> '
        '<a linktype="page" id="999999">gone</a> [[Coffee|our coffee]]</p>'
    )
    page = make_wiki_page(open_space, "Links", body, author=editor)

    member = client_for(reader).get(page.url)
    outside = client_for(outsider).get(page.url).content.decode()

    html = member.content.decode()
    assert f'<a href="{target.url}">chosen</a>' in html
    assert f'<a href="{secret.url}">hidden one</a>' in html
    assert f'<a class="wiki-link" href="{target.url}">our coffee</a>' in html
    assert '<span class="wiki-link-hidden">gone</span>' in html
    assert (
        secret.url not in outside and '<span class="wiki-link-hidden">hidden one</span>' in outside
    )
    backlinks = client_for(reader).get(target.url).context["backlinks"]
    assert [(b.title, b.url) for b in backlinks] == [("Links", page.url)]


@pytest.mark.django_db
def test_backlinks_are_capped_with_a_note(client_for, open_space, editor, reader, monkeypatch):
    monkeypatch.setattr("wiki.backlinks.BACKLINK_LIMIT", 2)
    target = make_wiki_page(open_space, "Popular", author=editor)
    for i in range(3):
        make_wiki_page(open_space, f"Fan {i}", "<p>[[Popular]]</p>", author=editor)

    response = client_for(reader).get(target.url)

    assert [b.title for b in response.context["backlinks"]] == ["Fan 0", "Fan 1"]
    assert "Only the first 2 pages are listed." in response.content.decode()


@pytest.mark.django_db
def test_the_page_asks_for_its_workflow_state_once(client_for, open_space, editor, site_admin):
    """Also with Wagtail's userbar, which asks too and which only site admins get."""
    page = make_wiki_page(open_space, "Workflow", author=editor)
    client = client_for(site_admin)
    client.get(page.url)

    sql = _queries(client, page.url)

    assert "wagtail-userbar" in client.get(page.url).content.decode()
    assert sum("wagtailcore_workflowstate" in q for q in sql) == 1


@pytest.mark.django_db
def test_history_and_diff_keep_their_feed_link_without_wagtails_userbar(
    client_for, open_page, editor, moderator
):
    first = open_page.latest_revision
    second = edit(open_page, moderator, "<p>New text</p>", "new")
    client = client_for(editor)
    urls = [
        reverse("wiki:history", args=[open_page.pk]),
        reverse("wiki:diff", args=[open_page.pk]) + f"?a={first.pk}&b={second.pk}",
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "wagtail-userbar" not in html
        assert 'type="application/rss+xml"' in html
        assert "Kitchen rules" in html


@pytest.mark.django_db
def test_recent_changes_link_each_page_with_its_own_url(client_for, open_space, editor, reader):
    page = make_wiki_page(open_space, "Changed", author=editor)
    child = make_wiki_page(page, "Changed child", author=editor, slug="änderungen-übersicht")

    response = client_for(reader).get(reverse("wiki:space_changes", args=[open_space.slug]))

    urls = {change.page.pk: change.page_url for change in response.context["changes"]}
    assert urls == {page.pk: page.url, child.pk: child.url}
    assert "%C3%A4nderungen-%C3%BCbersicht" in child.url  # quoted as Wagtail quotes it
    assert f'href="{child.url}">Changed child</a>' in response.content.decode()
