"""Sending: a real local receiver checks the signature as the README tells it to; failures
are tried again with backoff, then given up; every attempt is logged."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from webhooks import signing
from webhooks.actions import send_ping
from webhooks.models import (
    BACKOFF,
    KEEP_DAYS,
    MAX_ATTEMPTS,
    RESPONSE_EXCERPT_CHARS,
    Delivery,
    Webhook,
)
from webhooks.tasks import Outcome, deliver_webhook

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def header(headers: dict[str, str], name: str) -> str:
    """A header as the receiver got it (http.server keeps the sender's spelling)."""
    return {key.lower(): value for key, value in headers.items()}[name.lower()]


def test_a_receiver_verifies_the_signature_of_the_raw_body_and_timestamp(
    receiver, make_webhook, service_account, site_admin, django_capture_on_commit_callbacks
):
    webhook = make_webhook(service_account, url=receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_ping(webhook, actor=site_admin)

    [(path, headers, body)] = receiver.requests
    assert path == "/hook"
    assert header(headers, "Content-Type") == "application/json"
    assert header(headers, "X-Intranet-Event") == "ping"
    assert header(headers, "X-Intranet-Delivery") == str(delivery.uuid)
    timestamp = header(headers, "X-Intranet-Timestamp")
    assert abs(int(timestamp) - time.time()) < 60
    sent = header(headers, "X-Intranet-Signature")
    # What a receiver written in any language does, from the documented recipe.
    import hashlib
    import hmac

    expected = hmac.new(
        webhook.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert sent == f"sha256={expected}"
    assert signing.is_valid(webhook.secret, timestamp, body, sent)
    assert not signing.is_valid("another secret", timestamp, body, sent)
    assert not signing.is_valid(webhook.secret, str(int(timestamp) + 1), body, sent)
    payload = json.loads(body)
    assert payload["id"] == str(delivery.event_id)
    assert payload["event"] == "ping"
    assert payload["data"]["webhook"]["name"] == webhook.name

    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert (delivery.response_status, delivery.response_body) == (200, "thanks")
    assert delivery.attempts == 1 and delivery.duration_ms is not None


def test_failures_are_retried_with_backoff_then_given_up(
    receiver, make_webhook, service_account, site_admin
):
    receiver.status, receiver.body = 503, b"busy " * 1000
    webhook = make_webhook(service_account, url=receiver.url)
    delivery = send_ping(webhook, actor=site_admin)

    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        before = timezone.now()
        assert deliver_webhook.call(delivery.pk) in ("failed", "given_up")
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert delivery.response_status == 503
        assert delivery.response_body.startswith("busy busy")
        assert len(delivery.response_body) == RESPONSE_EXCERPT_CHARS
        assert "503" in delivery.error
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - before)
            # Not due yet: running the task early sends nothing and counts nothing.
            deliver_webhook.call(delivery.pk)
            assert Delivery.objects.get(pk=delivery.pk).attempts == attempt
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(seconds=1)
            )

    assert delivery.status == "given_up" and delivery.next_attempt_at is None
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert [round(w.total_seconds() / 60) for w in waits] == [
        round(b.total_seconds() / 60) for b in BACKOFF
    ]
    # Given up is final.
    assert deliver_webhook.call(delivery.pk) == "given_up"
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_a_retry_is_queued_for_its_time_where_the_worker_can_wait(
    receiver, make_webhook, service_account, site_admin, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    receiver.status = 500
    webhook = make_webhook(service_account, url=receiver.url)
    delivery = send_ping(webhook, actor=site_admin)
    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
        [queued] = DBTaskResult.objects.filter(task_path__endswith=".deliver_webhook")
    assert delivery.status == "failed"
    assert queued.args_kwargs["args"] == [delivery.pk]
    assert queued.run_after == delivery.next_attempt_at


def test_a_retry_succeeds_when_the_receiver_is_back(
    receiver, make_webhook, service_account, site_admin
):
    receiver.status = 500
    delivery = send_ping(make_webhook(service_account, url=receiver.url), actor=site_admin)
    deliver_webhook.call(delivery.pk)
    receiver.status = 204
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver_webhook.call(delivery.pk) == "succeeded"
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, delivery.error) == (2, 204, "")


def test_a_redirect_is_a_failure_and_never_followed(
    receiver, make_webhook, service_account, site_admin
):
    receiver.status = 302
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    delivery = send_ping(make_webhook(service_account, url=receiver.url), actor=site_admin)
    assert deliver_webhook.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.response_status == 302
    assert len(receiver.requests) == 1


def test_an_address_nobody_answers_is_logged_as_an_error(make_webhook, service_account, site_admin):
    # A port nothing listens on: bound and closed again at once.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    delivery = send_ping(
        make_webhook(service_account, url=f"http://127.0.0.1:{port}/"), actor=site_admin
    )
    assert deliver_webhook.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.response_status is None
    assert delivery.error


@pytest.mark.parametrize(
    "outcome, succeeded",
    [(Outcome(200), True), (Outcome(299), True), (Outcome(300), False), (Outcome(None), False)],
)
def test_only_a_2xx_answer_counts_as_received(outcome, succeeded):
    assert outcome.succeeded is succeeded


def test_the_retry_command_sends_what_is_due_once(
    receiver, make_webhook, service_account, site_admin, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    receiver.status = 500
    webhook = make_webhook(service_account, url=receiver.url)
    due, later = send_ping(webhook, actor=site_admin), send_ping(webhook, actor=site_admin)
    deliver_webhook.call(due.pk)
    deliver_webhook.call(later.pk)
    Delivery.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now())
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_webhook_retries", stdout=io.StringIO())
        call_command("send_webhook_retries", stdout=io.StringIO())
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, due.attempts) == ("succeeded", 2)
    assert (later.status, later.attempts) == ("failed", 1)
    assert len(receiver.requests) == 3


def test_a_url_changed_behind_the_forms_back_to_a_file_is_never_opened(
    make_webhook, service_account, site_admin
):
    webhook = make_webhook(service_account)
    Webhook.objects.filter(pk=webhook.pk).update(url="file:///etc/passwd")
    delivery = send_ping(webhook, actor=site_admin)
    assert deliver_webhook.call(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.response_body == "" and "http" in delivery.error


def test_the_delivery_log_keeps_a_bounded_time_and_count(
    make_webhook, service_account, site_admin, monkeypatch
):
    from webhooks import actions

    webhook = make_webhook(service_account)
    old = send_ping(webhook, actor=site_admin)
    Delivery.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=KEEP_DAYS + 1)
    )
    monkeypatch.setattr(actions, "KEEP_PER_WEBHOOK", 3)
    sent = [send_ping(webhook, actor=site_admin) for _ in range(4)]
    assert not Delivery.objects.filter(pk=old.pk).exists()
    assert list(webhook.deliveries.all()) == sent[:0:-1]
