"""The task worker: index updates and e-mail go through django-tasks-db; nothing is lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from intranet.tasks import deliver_email, requeue_abandoned_tasks
from tests.factories import make_wiki_page
from wiki.models import WikiPage

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    # The worker closes database connections between tasks, as in production; that is why
    # the tests that run it use transactional_db.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def search_titles(word: str) -> list[str]:
    return [page.title for page in WikiPage.objects.live().search(word)]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_page_saved_with_the_database_backend_is_searchable_after_the_worker_runs(
    open_space, editor
):
    make_wiki_page(open_space, "Quokka handbook", "<p>Everything about zyxwquokka</p>")
    assert DBTaskResult.objects.ready().exists()
    assert search_titles("zyxwquokka") == []

    run_worker()

    assert search_titles("zyxwquokka") == ["Quokka handbook"]
    assert not DBTaskResult.objects.ready().exists()
    assert not DBTaskResult.objects.failed().exists()


@override_settings(
    TASKS=DATABASE_TASKS,
    EMAIL_BACKEND="intranet.tasks.TaskEmailBackend",
    INTRANET_DELIVERY_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
)
def test_e_mail_is_queued_by_the_request_and_delivered_by_the_worker(transactional_db):
    message = EmailMultiAlternatives(
        "Digest", "Plain text", "intranet@example.com", ["rita@example.com"]
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.attach("report.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    assert message.send() == 1
    assert mail.outbox == []

    run_worker()

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.to, sent.body) == ("Digest", ["rita@example.com"], "Plain text")
    assert sent.alternatives[0][0] == "<p>HTML</p>"
    assert sent.attachments[0][:2] == ("report.pdf", b"%PDF-1.4 \x00\xff")


@override_settings(TASKS=DATABASE_TASKS, EMAIL_BACKEND="intranet.tasks.TaskEmailBackend")
def test_e_mail_is_queued_only_once_its_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            send_mail("Never saved", "Body", None, ["rita@example.com"])
            raise RuntimeError("the write fails")
        with transaction.atomic():
            send_mail("Saved", "Body", None, ["rita@example.com"])
        assert not DBTaskResult.objects.exists(), "queued before the commit"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "intranet.tasks.deliver_email"
    assert queued.args_kwargs["args"][0]["subject"] == "Saved"


def claimed_task(worker: str, started_minutes_ago: int) -> DBTaskResult:
    with override_settings(TASKS=DATABASE_TASKS):
        result = deliver_email.enqueue(
            {
                "subject": "s",
                "body": "b",
                "from_email": None,
                "to": ["a@example.com"],
                "cc": [],
                "bcc": [],
                "reply_to": [],
                "headers": {},
                "alternatives": [],
            }
        )
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker)
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago)
    )
    return row


@override_settings(INTRANET_DELIVERY_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_task_left_running_by_a_killed_worker_runs_again_when_the_worker_restarts(
    transactional_db,
):
    row = claimed_task("host-a-worker", started_minutes_ago=1)

    assert requeue_abandoned_tasks("host-a-worker") == 1
    with override_settings(TASKS=DATABASE_TASKS):
        run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1


def test_a_task_another_worker_is_running_is_left_alone(db):
    row = claimed_task("host-b-worker", started_minutes_ago=1)

    assert requeue_abandoned_tasks("host-a-worker", stale_after=timedelta(minutes=30)) == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


def test_a_task_running_far_too_long_is_taken_as_abandoned(db):
    row = claimed_task("host-b-worker", started_minutes_ago=90)

    assert requeue_abandoned_tasks("host-a-worker", stale_after=timedelta(minutes=30)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
