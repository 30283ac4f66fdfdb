"""Moving a page between an open and a members-only space (issue "Trust", item 2).

Every stored copy of "which space a page is in" must follow the move of the page and of
everything below it, in the move's own transaction, and the search index must be written
again once the move commits; a redirect left at the old address must not lead a reader
to a page they may not see.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from community import actions as community_actions
from community.models import Activity, Follow, Notification, Report
from intranet.models import IntranetPage
from search.backends.whoosh import WhooshIndex
from search.index_queue import apply_deferred
from search.query import search_content
from tests.factories import make_wiki_page

pytestmark = pytest.mark.django_db

WORD = "wombatology"


@pytest.fixture
def handbook(open_space, editor, outsider):
    """A wiki page with a child in the open space, followed by the outsider (who was notified
    of an edit) and reported once, so that every stored copy of its space exists."""
    page = make_wiki_page(
        open_space,
        "Wombat handbook",
        f"<p>Everything about {WORD} and burrows.</p>",
        author=editor,
    )
    make_wiki_page(page, "Wombat appendix", f"<p>More {WORD} in the appendix.</p>", author=editor)
    community_actions.follow(outsider, Follow.Kind.PAGE, page)
    page.body += "<p>Edited again.</p>"
    page.save_revision(user=editor).publish(user=editor, skip_permission_checks=True)
    Report.objects.create(reporter=outsider, page=page, space=open_space, reason="Too furry")
    page.refresh_from_db()
    return page


def subtree(page) -> list[IntranetPage]:
    return list(IntranetPage.objects.filter(path__startswith=page.path).order_by("path"))


def move(client_for, site_admin, page, destination, django_capture_on_commit_callbacks):
    """Move `page` below `destination` the way a site admin does, in the Wagtail admin; the
    callbacks that wait for the commit run (the test itself runs in a transaction)."""
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(site_admin).post(url)
    assert response.status_code == 302
    page.refresh_from_db()
    return page


@pytest.fixture
def moved(client_for, site_admin, handbook, private_space, django_capture_on_commit_callbacks):
    """The handbook (and its child) moved from the open space into the members-only one."""
    old_url = handbook.url
    page = move(client_for, site_admin, handbook, private_space, django_capture_on_commit_callbacks)
    assert page.url != old_url
    page.old_url = old_url
    return page


# --- every stored copy of the space follows the move -----------------------------------


def test_every_page_of_the_moved_subtree_is_in_the_new_space(moved, private_space):
    assert [page.space_id for page in subtree(moved)] == [private_space.pk, private_space.pk]


def test_activity_rows_of_the_moved_pages_are_in_the_new_space(moved, private_space):
    rows = Activity.objects.filter(page__path__startswith=moved.path)
    assert rows.count() == 3  # created twice (page and child), edited once
    assert set(rows.values_list("space_id", flat=True)) == {private_space.pk}


def test_notifications_and_reports_of_the_moved_page_are_in_the_new_space(moved, private_space):
    assert list(Notification.objects.filter(page=moved).values_list("space_id", flat=True)) == [
        private_space.pk
    ]
    assert list(Report.objects.filter(page=moved).values_list("space_id", flat=True)) == [
        private_space.pk
    ]


def test_rows_about_other_pages_keep_their_space(moved, open_space, editor):
    other = make_wiki_page(open_space, "Kitchen rota", "<p>Who cooks.</p>", author=editor)
    assert Activity.objects.get(page=other).space_id == open_space.pk
    assert Activity.objects.filter(kind=Activity.Kind.JOINED_SPACE, space=open_space).exists()


def test_a_failed_move_leaves_every_copy_of_the_space_as_it_was(
    handbook, private_space, open_space, site_admin, monkeypatch
):
    # The space is rewritten inside the move's transaction: if anything in it fails, the
    # page stays where it was, with its space, and nothing half-moved is left behind.
    from community import receivers

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(receivers, "rewrite_space_of_rows", broken)
    with pytest.raises(RuntimeError):
        handbook.move(private_space, pos="last-child", user=site_admin)
    handbook.refresh_from_db()
    assert handbook.get_parent().pk == open_space.pk
    assert {page.space_id for page in subtree(handbook)} == {open_space.pk}


# --- what an outsider gets after the move -----------------------------------------------


def test_an_outsider_no_longer_finds_the_moved_pages(client_for, outsider, moved):
    results = search_content(outsider, WORD)
    assert results.total == 0
    assert results.facets == {}
    response = client_for(outsider).get("/search/", {"q": WORD})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wombat" not in content
    assert "1 result" not in content


def test_an_outsider_gets_no_facet_counts_from_the_moved_pages(
    client_for, outsider, editor, moved, open_space
):
    make_wiki_page(open_space, "Open wombatology notes", f"<p>{WORD}</p>", author=editor)
    results = search_content(outsider, WORD)
    assert results.total == 1
    assert sum(value.count for value in results.facets["type"]) == 1
    assert sum(value.count for value in results.facets["author"]) == 1
    assert "Zanzibar Secret" not in {value.label for value in results.facets["space"]}


def test_an_outsider_is_not_offered_the_moved_pages_in_suggestions(client_for, outsider, moved):
    response = client_for(outsider).get("/search/suggest/", {"q": "Wombat"})
    assert response.status_code == 200
    assert response.json() == {"suggestions": []}


def test_did_you_mean_does_not_offer_words_of_the_moved_pages(client_for, outsider, moved):
    results = search_content(outsider, "wombatolgy")
    assert (results.query, results.corrected_from, results.did_you_mean) == ("wombatolgy", "", "")
    response = client_for(outsider).get("/search/", {"q": "wombatolgy"})
    assert WORD not in response.content.decode()


def test_the_expert_finder_does_not_count_edits_of_the_moved_pages(client_for, outsider, moved):
    response = client_for(outsider).get(reverse("profiles:directory"), {"q": WORD})
    assert response.status_code == 200
    assert "wiki edit" not in response.content.decode()
    assert "editor" not in {person.username for person, _why in response.context["rows"]}


def test_the_home_stream_does_not_show_the_moved_pages_to_an_outsider(client_for, outsider, moved):
    response = client_for(outsider).get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Wombat" not in content
    assert moved.url not in content


def test_notifications_about_the_moved_page_disappear_for_an_outsider(client_for, outsider, moved):
    response = client_for(outsider).get(reverse("community:notifications"))
    assert response.status_code == 200
    assert "Wombat" not in response.content.decode()


def test_the_old_address_answers_404_to_an_outsider(client_for, outsider, moved):
    assert Redirect.objects.filter(redirect_page=moved).exists()
    response = client_for(outsider).get(moved.old_url)
    assert response.status_code == 404
    assert "Location" not in response
    assert client_for(outsider).get(moved.url).status_code == 404


def test_the_old_address_of_a_child_answers_404_to_an_outsider(client_for, outsider, moved):
    child = moved.get_children().get()
    old_child_url = moved.old_url + child.slug + "/"
    assert client_for(outsider).get(old_child_url).status_code == 404


def test_pages_and_feeds_cached_before_the_move_do_not_outlive_it(
    client_for,
    site_admin,
    outsider,
    handbook,
    private_space,
    open_space,
    django_capture_on_commit_callbacks,
):
    client = client_for(outsider)
    addresses = [
        "/",
        "/feeds/all.rss",
        f"/feeds/search.rss?q={WORD}",
        "/feeds/spaces/open-kitchen/wiki.rss",
        f"/wiki/spaces/{open_space.slug}/changes/",
    ]
    for address in addresses:  # fill every cache with the page while it is open
        assert "Wombat handbook" in client.get(address).content.decode(), address
    move(client_for, site_admin, handbook, private_space, django_capture_on_commit_callbacks)
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert "Wombat" not in response.content.decode(), address


# --- what a member gets -----------------------------------------------------------------


def test_a_member_still_finds_the_moved_pages(client_for, reader, moved, private_space):
    results = search_content(reader, WORD)
    assert results.total == 2
    assert [value.label for value in results.facets["space"]] == ["Zanzibar Secret"]


def test_the_old_address_redirects_a_member_to_the_new_one(client_for, reader, moved):
    response = client_for(reader).get(moved.old_url)
    assert response.status_code == 301
    assert response["Location"] == moved.url


def test_a_member_sees_the_moved_pages_in_the_home_stream(client_for, reader, moved):
    response = client_for(reader).get("/")
    assert "Wombat handbook" in response.content.decode()


# --- moving back out --------------------------------------------------------------------


def test_a_page_moved_out_of_a_members_only_space_is_findable_again(
    client_for, site_admin, outsider, moved, open_space, django_capture_on_commit_callbacks
):
    assert search_content(outsider, WORD).total == 0
    back = move(client_for, site_admin, moved, open_space, django_capture_on_commit_callbacks)
    assert {page.space_id for page in subtree(back)} == {open_space.pk}
    assert search_content(outsider, WORD).total == 2
    assert set(
        Activity.objects.filter(page__path__startswith=back.path).values_list("space_id", flat=True)
    ) == {open_space.pk}
    response = client_for(outsider).get("/search/", {"q": WORD})
    assert "Wombat handbook" in response.content.decode()
    assert "Wombat appendix" in response.content.decode()


# --- the index is written after the commit ------------------------------------------------


def test_each_moved_page_is_written_to_the_index_once_and_the_subtree_after_the_commit(
    handbook, private_space, outsider, site_admin, django_capture_on_commit_callbacks
):
    apply_deferred()  # the setup is committed: its pages are in the index before the move
    child = handbook.get_children().get()
    written: list[int] = []
    add_items = WhooshIndex.add_items

    def spy(self, model, items):
        items = list(items)
        written.extend(item.pk for item in items)
        return add_items(self, model, items)

    with mock.patch.object(WhooshIndex, "add_items", spy):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            handbook.move(private_space, pos="last-child", user=site_admin)
        assert child.pk not in written, "the subtree waits for the commit"
        for callback in callbacks:
            callback()
    assert sorted(written) == sorted([handbook.pk, child.pk])
    assert search_content(outsider, WORD).total == 0


def test_with_a_task_worker_the_subtree_is_reindexed_by_the_worker(
    handbook, private_space, outsider, site_admin, django_capture_on_commit_callbacks
):
    from django.test import override_settings
    from django_tasks_db.models import DBTaskResult

    from intranet.moves import reindex_descendants

    apply_deferred()  # the setup is committed: its pages are in the index before the move
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        with django_capture_on_commit_callbacks(execute=True):
            handbook.move(private_space, pos="last-child", user=site_admin)
        queued = DBTaskResult.objects.filter(task_path="intranet.moves.reindex_descendants")
        assert [task.args_kwargs["args"] for task in queued] == [[handbook.pk]]
        assert search_content(outsider, WORD).total == 2, "nothing written before the worker"
        # The worker's turn: every queued index task (the moved page's own one included).
        for result in DBTaskResult.objects.all():
            result.task.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    assert search_content(outsider, WORD).total == 0
    assert reindex_descendants.call(handbook.pk) == 1  # the child, below the moved page


# --- redirects into hidden pages ---------------------------------------------------------


def test_a_redirect_into_a_members_only_space_answers_404_to_an_outsider(
    client_for, outsider, reader, private_space, editor
):
    secret = make_wiki_page(private_space, "Quokka plans", "<p>Hush.</p>", author=editor)
    Redirect.objects.create(old_path="/go/quokka", redirect_page=secret)
    assert client_for(outsider).get("/go/quokka/").status_code == 404
    response = client_for(reader).get("/go/quokka/")
    assert response.status_code == 301
    assert response["Location"] == secret.url


def test_a_redirect_link_to_a_hidden_page_answers_404_to_an_outsider(
    client_for, outsider, reader, private_space, editor
):
    secret = make_wiki_page(private_space, "Quokka plans", "<p>Hush.</p>", author=editor)
    Redirect.objects.create(old_path="/go/quokka", redirect_link=secret.url)
    assert client_for(outsider).get("/go/quokka/").status_code == 404
    assert client_for(reader).get("/go/quokka/")["Location"] == secret.url


def test_a_redirect_to_an_unpublished_page_answers_404(client_for, reader, open_space, editor):
    draft = make_wiki_page(open_space, "Draft plans", "<p>Soon.</p>", author=editor)
    draft.unpublish()
    Redirect.objects.create(old_path="/go/draft", redirect_page=Page.objects.get(pk=draft.pk))
    assert client_for(reader).get("/go/draft/").status_code == 404


def test_a_redirect_to_an_open_page_or_another_address_still_works(
    client_for, outsider, open_space, editor
):
    page = make_wiki_page(open_space, "Kitchen rota", "<p>Who cooks.</p>", author=editor)
    Redirect.objects.create(old_path="/go/rota", redirect_page=page, is_permanent=False)
    Redirect.objects.create(old_path="/go/people", redirect_link="/people/")
    Redirect.objects.create(old_path="/go/away", redirect_link="https://example.org/x")
    client = client_for(outsider)
    assert client.get("/go/rota/")["Location"] == page.url
    assert client.get("/go/rota/").status_code == 302
    assert client.get("/go/people/")["Location"] == "/people/"
    assert client.get("/go/away/")["Location"] == "https://example.org/x"
