"""The data migration that closes the Wagtail admin to the groups that had it only for
writing (space role groups and the bloggers), run on groups as they were before issue 16."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from wagtail.models import GroupPagePermission

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MIGRATION = ("home", "0002_admin_for_site_admins_only")


def run_the_migration() -> None:
    """The migration's function on the models as they are at that migration."""
    module = importlib.import_module(f"{MIGRATION[0]}.migrations.{MIGRATION[1]}")
    apps = MigrationLoader(connection).project_state(MIGRATION, at_end=False).apps
    # The function needs only the editor's connection (SQLite refuses a real schema editor
    # inside the test's transaction).
    module.close_the_admin_to_writers(apps, SimpleNamespace(connection=connection))


@pytest.fixture
def access_admin():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def group_with(name: str, *permissions) -> Group:
    group = Group.objects.create(name=name)
    group.permissions.add(*permissions)
    return group


def test_space_role_groups_and_the_bloggers_lose_admin_access_and_keep_the_rest(
    access_admin, open_space
):
    change_page = Permission.objects.get(codename="change_page")
    add_image = Permission.objects.get(codename="add_image")
    # As issue 16 found them: the space's role groups and the bloggers had the admin.
    role_groups = Group.objects.filter(name__startswith=f"space-{open_space.pk}-")
    for group in role_groups:
        group.permissions.add(access_admin)
    bloggers = group_with("Bloggers", access_admin, add_image)
    pages_before = GroupPagePermission.objects.count()

    run_the_migration()

    assert role_groups.count() == 4
    assert not role_groups.filter(permissions=access_admin).exists()
    assert list(bloggers.permissions.all()) == [add_image]
    assert GroupPagePermission.objects.count() == pages_before
    assert GroupPagePermission.objects.filter(
        group__name=f"space-{open_space.pk}-editor", page=open_space, permission=change_page
    ).exists()


def test_groups_and_people_given_the_admin_on_purpose_keep_it(access_admin, site_tree):
    site_admins = group_with("Site admins", access_admin)
    wagtail_editors, _created = Group.objects.get_or_create(name="Editors")
    wagtail_editors.permissions.add(access_admin)
    lookalike = group_with("space-team-editor", access_admin)  # a name, not a space's group
    person = UserFactory(username="trusted")
    person.user_permissions.add(access_admin)

    run_the_migration()

    for group in (site_admins, wagtail_editors, lookalike):
        assert access_admin in group.permissions.all(), group.name
    assert access_admin in person.user_permissions.all()
