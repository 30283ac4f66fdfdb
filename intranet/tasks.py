"""Background work that is the project's own: e-mail delivery and worker recovery, and
the one way to queue a task (`enqueue_after_commit`).

Search-index updates need nothing here: `search.index_queue` enqueues modelsearch's
`insert_or_update_object_task` once per changed object, after its transaction commits, so
with TASK_BACKEND=database they run in the `db_worker` process.
"""

from __future__ import annotations

import base64
import functools
import socket
from datetime import timedelta
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task


def enqueue_after_commit(task_: Task, *args, **kwargs) -> None:
    """Queue `task_` once the current transaction has committed (at once outside one).

    A task queued inside a transaction may run before the commit (the immediate backend
    runs it on the spot, a worker may pick it up at once) and then reads rows that are not
    there yet, or acts on a write that is rolled back: an e-mail about a comment that was
    never saved. A failure to queue is logged, not raised: the write it follows stands."""
    transaction.on_commit(functools.partial(task_.enqueue, *args, **kwargs), robust=True)


def message_to_dict(message: EmailMessage) -> dict:
    """A JSON-safe form of `message`, since task arguments are stored as JSON."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            # Rare (only hand-built MIME parts); send its payload as a plain file.
            filename = attachment.get_filename() or "attachment"
            content = attachment.get_payload(decode=True) or b""
            mimetype = attachment.get_content_type()
        else:
            filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "content_subtype": message.content_subtype,
        "attachments": attachments,
    }


def message_from_dict(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data.get("attachments", []):
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


@task()
def deliver_email(data: dict) -> int:
    """Send one message through the real backend (INTRANET_DELIVERY_EMAIL_BACKEND). An SMTP
    error fails the task, so it shows in the task results instead of vanishing."""
    backend = getattr(settings, "INTRANET_DELIVERY_EMAIL_BACKEND", settings.EMAIL_BACKEND)
    connection = get_connection(backend, fail_silently=False)
    return connection.send_messages([message_from_dict(data)]) or 0


class TaskEmailBackend(BaseEmailBackend):
    """An e-mail backend that only enqueues: every `send_mail` in the project (allauth,
    Wagtail notifications, digests) goes through the task worker without knowing it, and
    only once the transaction that sends it has committed."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            enqueue_after_commit(deliver_email, message_to_dict(message))
            count += 1
        return count


def worker_id() -> str:
    """The id `make serve`/`make worker` give db_worker: one stable id per host, so a restarted
    worker recognises the tasks its killed predecessor left behind."""
    return f"{socket.gethostname()}-worker"


def requeue_abandoned_tasks(worker: str | None = None, stale_after: timedelta | None = None) -> int:
    """Put tasks back in the queue that a killed worker left marked as running.

    django-tasks-db finishes the current task on SIGTERM/SIGINT, but a worker killed with
    SIGKILL (or an OOM kill, or a power cut) leaves its task in RUNNING for ever. Call this
    when a worker starts: tasks last claimed by `worker` (this host's id, so no live process
    can be running them) and tasks running longer than `stale_after` go back to READY, and
    are run again. Our tasks are safe to repeat: index updates rewrite the same document;
    an e-mail may, rarely, arrive twice, which beats never.
    """
    from django.db.models import Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    worker = worker or worker_id()
    stale_after = stale_after or timedelta(
        minutes=int(getattr(settings, "TASK_STALE_AFTER_MINUTES", 30))
    )
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    abandoned = [
        result.pk
        for result in running.only("pk", "worker_ids", "started_at")
        if (result.worker_ids and result.worker_ids[-1] == worker)
        or (result.started_at and result.started_at < timezone.now() - stale_after)
    ]
    if not abandoned:
        return 0
    return DBTaskResult.objects.filter(Q(pk__in=abandoned), status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
