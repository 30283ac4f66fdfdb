from django.db import migrations

# The groups that were given the Wagtail admin only so that their members could write: the
# four role groups of every space (`intranet.actions.space_group_name`) and the bloggers
# (`blogs.actions.BLOGGERS_GROUP`). Written out here because a migration must keep meaning
# what it meant when it was written, whatever those names become.
SPACE_ROLE_GROUPS = r"^space-[0-9]+-(reader|editor|moderator|admin)$"
BLOGGERS_GROUP = "Bloggers"


def close_the_admin_to_writers(apps, schema_editor):
    """Everyday writing happens in the intranet's own pages now, so these groups lose
    `wagtailadmin.access_admin` and keep everything else (page and collection permissions,
    which those pages check). Groups a site admin made for the admin, and people given the
    permission one by one, keep it."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    access_admin = Permission.objects.using(alias).filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = Group.objects.using(alias)
    writers = groups.filter(name__regex=SPACE_ROLE_GROUPS) | groups.filter(name=BLOGGERS_GROUP)
    Group.permissions.through.objects.using(alias).filter(
        permission__in=access_admin, group__in=writers
    ).delete()


class Migration(migrations.Migration):
    """The Wagtail admin is for site admins only (issue 16). Going back does not hand the
    admin out again: who had it only for writing cannot be told apart any more."""

    dependencies = [
        ("home", "0001_initial"),
        ("intranet", "0003_spaces_from_the_intranet"),
        ("blogs", "0005_body_help_text"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(close_the_admin_to_writers, migrations.RunPython.noop)]
