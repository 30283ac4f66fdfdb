"""Notifications keep what happened (an untranslated message and its values) and are put
into words in each reader's language when read. Rows made before keep their text, already
in words in the actor's language, as a literal: their message stays empty, so they show it
unchanged (`Notification.display_text`). New kinds: being added to a space or given a new
role, changes waiting for approval, and their outcome."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0003_rows_follow_moved_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="message",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mention", "Someone mentions me"),
                    ("reply", "Replies to my comments"),
                    ("comment", "Comments on my posts"),
                    ("wiki_edit", "Edits to wiki pages I follow"),
                    ("join_request", "Requests to join a space I moderate"),
                    ("followed", "New posts from spaces, people and tags I follow"),
                    ("report_outcome", "Outcome of my reports"),
                    ("membership", "Being added to a space or given a new role"),
                    ("review", "Changes waiting for my approval"),
                    ("review_outcome", "Approval or return of my changes"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="notificationsetting",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mention", "Someone mentions me"),
                    ("reply", "Replies to my comments"),
                    ("comment", "Comments on my posts"),
                    ("wiki_edit", "Edits to wiki pages I follow"),
                    ("join_request", "Requests to join a space I moderate"),
                    ("followed", "New posts from spaces, people and tags I follow"),
                    ("report_outcome", "Outcome of my reports"),
                    ("membership", "Being added to a space or given a new role"),
                    ("review", "Changes waiting for my approval"),
                    ("review_outcome", "Approval or return of my changes"),
                ],
                max_length=16,
            ),
        ),
    ]
