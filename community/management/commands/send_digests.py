"""`manage.py send_digests`: queue today's digest for every user with something pending.

Run it once a day (cron or systemd timer). It only enqueues one task per user, reading user
ids in chunks, so it runs in bounded memory for any number of users; the worker sends.
Queued like every task (`enqueue_after_commit`): at once here, where no transaction is
open."""

from django.core.management.base import BaseCommand

from community.models import Notification
from community.tasks import send_digest
from intranet.tasks import enqueue_after_commit


class Command(BaseCommand):
    help = "Queue the daily notification digest e-mails."

    def handle(self, *args, **options) -> None:
        user_ids = (
            Notification.objects.filter(read_at=None, emailed_at=None)
            .values_list("recipient_id", flat=True)
            .distinct()
            .order_by("recipient_id")
        )
        queued = 0
        for user_id in user_ids.iterator(chunk_size=2000):
            enqueue_after_commit(send_digest, user_id)
            queued += 1
        self.stdout.write(f"Queued {queued} digest(s).")
