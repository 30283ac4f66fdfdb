"""`manage.py send_digests`: queue today's digest for every user with something pending.

Run it once a day (cron or systemd timer). It only enqueues one task per user, reading user
ids in chunks, so it runs in bounded memory for any number of users; the worker sends."""

from django.core.management.base import BaseCommand

from community.models import Notification
from community.tasks import send_digest


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
            send_digest.enqueue(user_id)
            queued += 1
        self.stdout.write(f"Queued {queued} digest(s).")
