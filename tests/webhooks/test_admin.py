"""Settings → Webhooks in the Wagtail admin: site admins only, every write audited, URL and
account mistakes shown as form errors, "send again" and "ping" POST-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from webhooks.models import Delivery, Webhook

INDEX = "/admin/webhooks/"
ADD = "/admin/webhooks/new/"


def form(**changes) -> dict:
    data = {
        "name": "Chat announcements",
        "url": "https://chat.example.com/hooks/intranet",
        "events": ["post.published", "comment.posted"],
        "space": "",
        "acts_as": "chatbot",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def refused(response) -> bool:
    """The admin refuses with a redirect (to the login or the dashboard) or a 403."""
    return response.status_code in (302, 403)


@pytest.fixture
def webhook(make_webhook, service_account):
    return make_webhook(service_account, name="Existing hook")


@pytest.fixture
def delivery(webhook, site_admin):
    from webhooks.actions import send_ping

    return send_ping(webhook, actor=site_admin)


def urls(webhook) -> dict[str, str]:
    return {
        "index": INDEX,
        "add": ADD,
        "edit": reverse("webhook_admin:edit", args=[webhook.pk]),
        "delete": reverse("webhook_admin:delete", args=[webhook.pk]),
        "inspect": reverse("webhook_admin:inspect", args=[webhook.pk]),
    }


@pytest.mark.parametrize("persona", ["outsider", "admin_space_admin"])
@pytest.mark.parametrize("view", ["index", "add", "edit", "delete", "inspect"])
def test_only_site_admins_see_webhooks(request, client_for, persona, view, webhook, delivery):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(urls(webhook)[view])
    assert refused(response)
    assert webhook.secret not in response.content.decode()
    assert "Existing hook" not in response.content.decode()


def test_a_space_admin_with_admin_access_cannot_create_one(
    client_for, admin_space_admin, service_account
):
    response = client_for(admin_space_admin).post(ADD, form())
    assert refused(response)
    assert not Webhook.objects.exists()


def test_the_settings_menu_shows_webhooks_to_site_admins_only(
    client_for, site_admin, admin_space_admin
):
    assert INDEX in client_for(site_admin).get("/admin/").content.decode()
    assert INDEX not in client_for(admin_space_admin).get("/admin/").content.decode()


def test_a_site_admin_lists_and_inspects_webhooks(client_for, site_admin, webhook, delivery):
    client = client_for(site_admin)
    listing = client.get(INDEX)
    assert listing.status_code == 200 and "Existing hook" in listing.content.decode()
    assert urls(webhook)["inspect"] in listing.content.decode()
    page = client.get(urls(webhook)["inspect"]).content.decode()
    assert webhook.secret in page
    assert "X-Intranet-Signature" in page and "X-Intranet-Timestamp" in page
    assert "A post is published" in page and "chatbot" in page
    assert str(delivery.uuid) in page
    assert reverse("webhook_admin:send_again", args=[delivery.uuid]) not in page  # pending


def test_a_site_admin_creates_a_webhook_and_sees_its_secret(
    client_for, site_admin, service_account
):
    client = client_for(site_admin)
    response = client.post(ADD, form())
    webhook = Webhook.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("webhook_admin:inspect", args=[webhook.pk])
    assert webhook.acts_as == service_account and webhook.created_by == site_admin
    assert webhook.events == ["post.published", "comment.posted"]
    assert len(webhook.secret) >= 40
    assert webhook.secret in client.get(response.url).content.decode()
    entry = AuditEntry.objects.get(action="webhook.created")
    assert entry.actor == site_admin and entry.target == service_account
    assert entry.details["url"] == "https://chat.example.com/hooks/intranet"
    assert webhook.secret not in str(entry.details)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example.com/in",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://127.0.0.1:6379/_FLUSHALL",
        "not a url",
        "",
    ],
)
def test_a_url_that_is_not_http_is_a_form_error(client_for, site_admin, service_account, url):
    response = client_for(site_admin).post(ADD, form(url=url))
    assert response.status_code == 200
    assert response.context["form"].errors["url"]
    assert not Webhook.objects.exists()


def test_a_webhook_cannot_act_as_a_site_admin_or_nobody(client_for, site_admin, service_account):
    client = client_for(site_admin)
    for username in ["siteadmin", "nobody-of-that-name", ""]:
        response = client.post(ADD, form(acts_as=username))
        assert response.status_code == 200
        assert response.context["form"].errors["acts_as"]
    service_account.is_active = False
    service_account.save()
    assert client.post(ADD, form()).context["form"].errors["acts_as"]
    assert not Webhook.objects.exists()


def test_a_webhook_needs_an_event(client_for, site_admin, service_account):
    response = client_for(site_admin).post(ADD, form(events=None))
    assert response.context["form"].errors["events"]
    response = client_for(site_admin).post(ADD, form(events=["page.deleted"]))
    assert response.context["form"].errors["events"]


def test_a_site_admin_edits_a_webhook_and_the_change_is_audited(
    client_for, site_admin, webhook, delivery, reader
):
    response = client_for(site_admin).post(
        urls(webhook)["edit"],
        form(name="Existing hook", url="https://new.example.com/in", acts_as="reader", active=None),
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert (webhook.url, webhook.acts_as, webhook.active) == (
        "https://new.example.com/in",
        reader,
        False,
    )
    entry = AuditEntry.objects.get(action="webhook.changed")
    assert entry.details["url"] == {
        "before": "https://hooks.example.com/in",
        "after": "https://new.example.com/in",
    }
    assert entry.details["active"] == {"before": True, "after": False}
    assert "name" not in entry.details  # unchanged: not listed


def test_a_site_admin_deletes_a_webhook_and_the_deletion_is_audited(
    client_for, site_admin, webhook, delivery
):
    response = client_for(site_admin).post(urls(webhook)["delete"])
    assert response.status_code == 302
    assert not Webhook.objects.exists() and not Delivery.objects.exists()
    assert AuditEntry.objects.get(action="webhook.deleted").details["name"] == "Existing hook"


def test_ping_and_send_again_refuse_get(client_for, site_admin, webhook, delivery):
    client = client_for(site_admin)
    assert client.get(reverse("webhook_admin:ping", args=[webhook.pk])).status_code == 405
    again = reverse("webhook_admin:send_again", args=[delivery.uuid])
    assert client.get(again).status_code == 405
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "admin_space_admin"])
def test_ping_and_send_again_refuse_everyone_but_site_admins(
    request, client_for, persona, webhook, delivery
):
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    client = client_for(request.getfixturevalue(persona))
    assert refused(client.post(reverse("webhook_admin:ping", args=[webhook.pk])))
    assert refused(client.post(reverse("webhook_admin:send_again", args=[delivery.uuid])))
    assert Delivery.objects.count() == 1


def test_ping_and_send_again_need_the_csrf_token(site_admin, webhook, delivery):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(site_admin)
    assert client.post(reverse("webhook_admin:ping", args=[webhook.pk])).status_code == 403
    assert Delivery.objects.count() == 1


def test_a_site_admin_pings_and_sends_again(
    client_for,
    site_admin,
    make_webhook,
    service_account,
    receiver,
    django_capture_on_commit_callbacks,
):
    webhook = make_webhook(service_account, url=receiver.url)
    client = client_for(site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhook_admin:ping", args=[webhook.pk]))
    assert response.status_code == 302
    ping = webhook.deliveries.get()
    assert ping.status == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook_admin:send_again", args=[ping.uuid]))
    again = webhook.deliveries.exclude(pk=ping.pk).get()
    assert again.event_id == ping.event_id and again.uuid != ping.uuid
    assert again.status == "succeeded"
    assert len(receiver.requests) == 2
    page = client.get(reverse("webhook_admin:inspect", args=[webhook.pk])).content.decode()
    assert reverse("webhook_admin:send_again", args=[again.uuid]) in page


def test_an_unknown_delivery_is_404_for_a_site_admin(client_for, site_admin):
    response = client_for(site_admin).post(
        reverse("webhook_admin:send_again", args=["00000000-0000-0000-0000-000000000000"])
    )
    assert response.status_code == 404
