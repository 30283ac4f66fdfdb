from django.db import migrations


class Migration(migrations.Migration):
    """The home page model moved to the `home` app. Its table and rows stay: only the
    migration state forgets it here; `home.0001_initial` takes it over."""

    dependencies = [
        ("intranet", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HomePage")],
            database_operations=[],
        ),
    ]
