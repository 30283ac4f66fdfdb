"""`manage.py read_document_texts [--again]`: read the text of documents for search.

New and replaced files are read by themselves after their upload commits; this is for
documents uploaded before search looked inside files, and, with `--again`, for reading
every file anew after the reading limits were raised. With TASK_BACKEND=database the task
worker does the reading; the pages holding each file are indexed again as it is read."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model

from intranet.attachments import read_document_text
from intranet.models import DocumentText
from intranet.tasks import enqueue_after_commit


class Command(BaseCommand):
    help = "Queue the reading of documents' text for search (those not read yet)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--again", action="store_true", help="Read every document again, not only new ones."
        )

    def handle(self, *args, again: bool = False, **options) -> None:
        documents = get_document_model().objects.order_by("pk")
        if not again:
            documents = documents.exclude(pk__in=DocumentText.objects.values("document_id"))
        count = 0
        for pk in documents.values_list("pk", flat=True).iterator():
            enqueue_after_commit(read_document_text, pk, again)
            count += 1
        self.stdout.write(f"Queued {count} document(s) to read.")
