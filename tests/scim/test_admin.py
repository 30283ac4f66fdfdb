"""Settings → Directory groups and Groups in spaces: site admins only; a link made, changed
or removed there adds, changes or removes the group's members at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from intranet.models import Membership, Role
from scim import actions
from scim.models import SpaceLink
from tests.factories import UserFactory, make_space

LINKS = "/admin/directory_group_spaces/"
GROUPS = "/admin/directory_groups/"


@pytest.fixture
def lab(site_tree):
    return make_space("Lab", slug="lab", visibility="members")


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


@pytest.fixture
def engineers(ann):
    return actions.create_group("Engineers", members=[ann])


@pytest.fixture
def admin_editor(db):
    """Someone with admin access and every Django permission on the links, but no site
    admin: the permissions must not be enough."""
    user = UserFactory(username="deputy")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="scim"),
    )
    return user


def test_a_site_admin_sees_both_lists_in_the_settings_menu(client_for, site_admin, engineers):
    client = client_for(site_admin)
    groups = client.get(GROUPS)
    assert groups.status_code == 200 and "Engineers" in groups.content.decode()
    assert client.get(LINKS).status_code == 200
    menu = client.get("/admin/").content.decode()
    assert LINKS in menu and GROUPS in menu
    inspect = client.get(f"{GROUPS}inspect/{engineers.pk}/")
    assert inspect.status_code == 200 and "ann" in inspect.content.decode()


def test_a_site_admin_links_a_group_and_its_members_join(
    client_for, site_admin, engineers, lab, ann
):
    response = client_for(site_admin).post(
        f"{LINKS}new/", {"group": engineers.pk, "space": lab.pk, "role": "editor"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(space=lab, user=ann).role == Role.EDITOR


def test_changing_the_role_and_removing_the_link_apply_to_the_members(
    client_for, site_admin, engineers, lab, ann
):
    link = actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)
    client = client_for(site_admin)
    assert client.post(f"{LINKS}edit/{link.pk}/", {"role": "moderator"}).status_code == 302
    assert Membership.objects.get(space=lab, user=ann).role == Role.MODERATOR
    assert client.post(f"{LINKS}delete/{link.pk}/").status_code == 302
    assert not SpaceLink.objects.exists()
    assert not Membership.objects.filter(space=lab, user=ann).exists()


def test_nobody_else_gets_in_even_with_the_django_permissions(
    client_for, admin_editor, employee, engineers, lab, site_admin
):
    link = actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)
    for user in (admin_editor, employee):
        client = client_for(user)
        for url in (LINKS, GROUPS, f"{LINKS}new/", f"{LINKS}edit/{link.pk}/"):
            assert client.get(url).status_code in (302, 403), (user, url)
        client.post(f"{LINKS}new/", {"group": engineers.pk, "space": lab.pk, "role": "admin"})
        client.post(f"{LINKS}delete/{link.pk}/")
    assert list(SpaceLink.objects.values_list("role", flat=True)) == [Role.READER]
    dashboard = client_for(admin_editor).get("/admin/")
    assert dashboard.status_code == 200
    assert LINKS not in dashboard.content.decode()


def test_directory_groups_cannot_be_made_or_changed_in_the_admin(client_for, site_admin, engineers):
    client = client_for(site_admin)
    assert client.get(f"{GROUPS}new/").status_code in (302, 403)
    client.post(f"{GROUPS}edit/{engineers.pk}/", {"display_name": "Renamed"})
    engineers.refresh_from_db()
    assert engineers.display_name == "Engineers"


def test_a_wrong_method_on_the_link_list_is_a_405(client_for, site_admin):
    assert client_for(site_admin).put(LINKS).status_code == 405
