"""`manage.py send_webhook_retries`: queue every webhook delivery whose next attempt is due.

The database worker already runs each retry at its time (the task is queued with
`run_after`); the immediate task backend cannot wait, so there this command, run every few
minutes from cron, is what retries. Where both run, each attempt is still made once
(`webhooks.tasks` claims it before sending)."""

from django.core.management.base import BaseCommand

from webhooks.actions import queue_due_retries


class Command(BaseCommand):
    help = "Queue the webhook deliveries whose next attempt is due."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Queued {queue_due_retries()} webhook retry(s).")
