"""Rows about pages moved before moves rewrote them still name the old space: give every
activity, notification and report about a page the space that page is in now."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def rewrite_spaces(apps, schema_editor):
    IntranetPage = apps.get_model("intranet", "IntranetPage")
    space_now = Subquery(
        IntranetPage.objects.filter(pk=OuterRef("page_id")).values("space_id")[:1]
    )
    for name in ("Activity", "Notification", "Report"):
        model = apps.get_model("community", name)
        model.objects.filter(page__isnull=False, page__in=IntranetPage.objects.values("pk")).update(
            space_id=space_now
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_activity_stream_order"),
        ("intranet", "0001_initial"),
    ]

    operations = [migrations.RunPython(rewrite_spaces, migrations.RunPython.noop)]
