"""Events become deliveries only for webhooks whose account may see what they are about,
at the event and again just before sending; a change that rolls back queues nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from blogs.actions import add_comment, hide_comment
from intranet.actions import set_member_role, set_space_visibility
from intranet.models import Role, Visibility
from tests.factories import UserFactory, make_blog_post, make_wiki_page
from webhooks.models import Delivery
from webhooks.tasks import deliver_webhook


def events_for(webhook) -> list[str]:
    return sorted(webhook.deliveries.values_list("event", flat=True))


@pytest.fixture
def hooks(make_webhook, outsider, reader, private_blog, open_blog):
    """One webhook acting as the outsider, one as a member of both spaces (the reader).
    Made after the spaces, so their set-up sends nothing."""
    return {"outsider": make_webhook(outsider), "member": make_webhook(reader)}


def test_an_outsider_webhook_hears_nothing_of_a_members_only_space(
    hooks, private_space, private_blog, editor, employee
):
    post = make_blog_post(private_blog, "Quokka launch plan", author=editor)
    make_wiki_page(private_space, "Quokka roadmap", author=editor)
    add_comment(post, editor, "Dawn it is.")
    set_member_role(private_space, employee, Role.READER, actor=editor)

    assert events_for(hooks["outsider"]) == []
    assert events_for(hooks["member"]) == [
        "comment.posted",
        "member.joined",
        "page.changed",
        "post.published",
    ]
    # Nothing of the space's text got into a payload meant for someone else.
    assert not Delivery.objects.filter(webhook=hooks["outsider"]).exists()


def test_an_outsider_webhook_hears_of_an_open_space(hooks, open_space, open_blog, editor):
    post = make_blog_post(open_blog, "Soup of the day", author=editor)
    add_comment(post, editor, "With lemon.")
    assert events_for(hooks["outsider"]) == ["comment.posted", "post.published"]


def test_a_webhook_only_hears_the_events_and_space_it_chose(
    make_webhook, reader, open_space, private_space, open_blog, private_blog, editor
):
    only_posts_in_open = make_webhook(reader, events=["post.published"], space=open_space)
    make_blog_post(open_blog, "Soup", author=editor)
    make_blog_post(private_blog, "Quokkas", author=editor)
    make_wiki_page(open_space, "Kitchen rules", author=editor)
    assert events_for(only_posts_in_open) == ["post.published"]


def test_a_switched_off_webhook_hears_nothing(make_webhook, reader, open_blog, editor):
    webhook = make_webhook(reader, active=False)
    make_blog_post(open_blog, "Soup", author=editor)
    assert events_for(webhook) == []


def test_the_payload_describes_the_post_as_the_api_does_with_absolute_urls(
    hooks, private_blog, editor, reader, client_for
):
    post = make_blog_post(private_blog, "Quokka launch plan", "<p>At dawn.</p>", author=editor)
    delivery = hooks["member"].deliveries.get()
    payload = delivery.payload
    assert payload["id"] == str(delivery.event_id)
    assert payload["event"] == "post.published"
    assert payload["created"]
    data = payload["data"]
    assert data["first_publication"] is True
    api_view = client_for(reader).get(f"/api/v1/posts/{post.pk}/").json()
    for key in ("id", "title", "author", "space", "tags", "teaser", "language", "body_html"):
        assert data["post"][key] == api_view[key], key
    assert data["post"]["url"] == settings.WAGTAILADMIN_BASE_URL + post.url


def test_a_wiki_change_says_which_revision_and_who(hooks, open_space, editor):
    page = make_wiki_page(open_space, "Kitchen rules", "<p>Clean the kettle.</p>", author=editor)
    data = hooks["outsider"].deliveries.get().payload["data"]
    assert data["page"]["title"] == "Kitchen rules"
    assert data["page"]["url"] == settings.WAGTAILADMIN_BASE_URL + page.url
    assert data["revision"]["id"] == page.latest_revision_id
    assert data["revision"]["author"]["username"] == "editor"


def test_a_membership_names_the_person_the_space_and_the_role(hooks, private_space, editor):
    newcomer = UserFactory(username="newcomer")
    set_member_role(private_space, newcomer, Role.EDITOR, actor=editor)
    data = hooks["member"].deliveries.get().payload["data"]
    assert data["person"]["username"] == "newcomer"
    assert data["role"] == "editor"
    assert data["space"]["slug"] == "zanzibar-secret"
    assert data["space"]["my_role"] == "reader"  # the role of the account it acts as
    assert data["space"]["url"].startswith(settings.WAGTAILADMIN_BASE_URL)


def test_a_comment_links_to_itself_on_its_post(hooks, open_blog, editor, reader):
    post = make_blog_post(open_blog, "Soup", author=editor)
    comment = add_comment(post, reader, "Yes please @editor")
    delivery = hooks["outsider"].deliveries.get(event="comment.posted")
    data = delivery.payload["data"]
    assert data["comment"]["id"] == comment.pk
    assert data["comment"]["author"]["username"] == "reader"
    assert data["comment"]["url"].endswith(f"#comment-{comment.pk}")
    assert data["post"]["id"] == post.pk


def test_a_delivery_is_skipped_when_its_account_lost_sight_before_sending(
    hooks, open_space, open_blog, editor, space_admin, receiver
):
    hooks["outsider"].url = receiver.url
    hooks["outsider"].save()
    make_blog_post(open_blog, "Soup of the day", author=editor)
    delivery = hooks["outsider"].deliveries.get()
    set_space_visibility(open_space, Visibility.MEMBERS, actor=space_admin)

    assert deliver_webhook.call(delivery.pk) == "skipped"
    delivery.refresh_from_db()
    assert delivery.status == "skipped" and delivery.attempts == 0
    assert "may no longer see" in delivery.error
    assert receiver.requests == []


def test_a_delivery_is_skipped_when_its_account_was_deactivated(
    hooks, private_blog, editor, reader
):
    make_blog_post(private_blog, "Quokka launch plan", author=editor)
    delivery = hooks["member"].deliveries.get()
    reader.is_active = False
    reader.save()
    assert deliver_webhook.call(delivery.pk) == "skipped"


def test_a_delivery_of_a_comment_hidden_before_sending_is_skipped(
    hooks, open_blog, editor, reader, receiver
):
    post = make_blog_post(open_blog, "Soup", author=editor)
    comment = add_comment(post, reader, "Something rude")
    delivery = hooks["outsider"].deliveries.get(event="comment.posted")
    hide_comment(comment, editor)
    assert deliver_webhook.call(delivery.pk) == "skipped"
    assert receiver.requests == []


def test_a_delivery_of_a_deleted_post_is_skipped(hooks, open_blog, editor):
    post = make_blog_post(open_blog, "Soup", author=editor)
    delivery = hooks["outsider"].deliveries.get()
    post.delete()
    assert deliver_webhook.call(delivery.pk) == "skipped"


def test_a_delivery_of_a_webhook_switched_off_meanwhile_is_skipped(hooks, open_blog, editor):
    make_blog_post(open_blog, "Soup", author=editor)
    delivery = hooks["outsider"].deliveries.get()
    hooks["outsider"].active = False
    hooks["outsider"].save()
    assert deliver_webhook.call(delivery.pk) == "skipped"


def test_a_change_that_rolls_back_queues_nothing(
    hooks, open_blog, private_space, editor, reader, django_capture_on_commit_callbacks
):
    post = make_blog_post(open_blog, "Soup", author=editor)
    Delivery.objects.all().delete()
    ghost = UserFactory(username="ghost")
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        add_comment(post, reader, "Never saved")
        set_member_role(private_space, ghost, Role.READER)
        make_blog_post(open_blog, "Never published", author=editor)
        raise RuntimeError
    assert Delivery.objects.count() == 0
    assert not [cb for cb in callbacks if getattr(cb.func, "__self__", None) == deliver_webhook]


def test_a_committed_event_is_sent_once_it_commits(
    hooks, open_blog, editor, receiver, django_capture_on_commit_callbacks
):
    hooks["outsider"].url = receiver.url
    hooks["outsider"].save()
    with django_capture_on_commit_callbacks(execute=True):
        make_blog_post(open_blog, "Soup", author=editor)
    [(_path, headers, _body)] = receiver.requests
    assert headers["X-Intranet-Event"] == "post.published"
    assert hooks["outsider"].deliveries.get().status == "succeeded"
