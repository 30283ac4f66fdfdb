import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, old_label, new_label):
    """Give the home page model's content type row its new app label. The existing home page,
    its revisions, log entries and permissions all point at that row, so they follow."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=old_label, model="homepage"
    ).update(app_label=new_label)


def forwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "intranet", "home")


def backwards(apps, schema_editor):
    move_content_type(apps, schema_editor, "home", "intranet")


class Migration(migrations.Migration):
    """Take over `HomePage` from the `intranet` app with its table and rows.

    `intranet.0002` dropped the model from its state only; here it enters home's state on the
    table it always had, which is then renamed to this app's name. A new database gets the
    same table the same way, so every database ends up alike."""

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("intranet", "0002_homepage_moves_to_home"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HomePage",
                    fields=[
                        (
                            "page_ptr",
                            models.OneToOneField(
                                auto_created=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                parent_link=True,
                                primary_key=True,
                                serialize=False,
                                to=settings.WAGTAIL_PAGE_MODEL,
                            ),
                        ),
                        ("intro", models.TextField(blank=True, verbose_name="welcome text")),
                    ],
                    options={
                        "verbose_name": "home page",
                        "db_table": "intranet_homepage",
                    },
                    bases=("wagtailcore.page",),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="homepage", table=None),
        migrations.RunPython(forwards, backwards),
    ]
