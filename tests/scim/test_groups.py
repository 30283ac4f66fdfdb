"""Groups (RFC 7644) and what they give: a directory group linked to a space makes its
members members of that space, and takes back only the memberships it gave."""

from __future__ import annotations

import pytest

from audit.models import AuditAction, AuditEntry
from intranet.models import Membership, Role
from scim import actions
from scim.models import DirectoryGroup, GroupGrant
from tests.factories import UserFactory, make_space
from tests.scim.conftest import GROUP_SCHEMA, patch_op


@pytest.fixture
def engineers(scim) -> DirectoryGroup:
    """A group as Entra ID makes it: the name first, members in a PATCH later."""
    response = scim.post("Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Engineers"})
    assert response.status_code == 201, response.content
    return DirectoryGroup.objects.get(pk=response.json()["id"])


@pytest.fixture
def lab(site_tree, space_admin):
    """A members-only space with its own admin."""
    from intranet.actions import set_member_role

    space = make_space("Lab", slug="lab", visibility="members")
    set_member_role(space, space_admin, Role.ADMIN)
    return space


@pytest.fixture
def ann(db):
    return UserFactory(username="ann", first_name="Ann", last_name="Lee")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", first_name="Bob", last_name="Ray")


def add(scim, group, *people):
    return scim.patch(
        f"Groups/{group.pk}",
        patch_op({"op": "Add", "path": "members", "value": [{"value": str(p.pk)} for p in people]}),
    )


def role_in(space, user) -> str | None:
    membership = Membership.objects.filter(space=space, user=user).first()
    return membership.role if membership else None


def test_entra_creates_a_group_and_finds_it_by_name(scim, engineers):
    found = scim.get('Groups?filter=displayName eq "engineers"&excludedAttributes=members')
    body = found.json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == str(engineers.pk)
    assert "members" not in body["Resources"][0]
    assert scim.get('Groups?filter=displayName eq "Nobody"').json()["totalResults"] == 0
    assert AuditEntry.objects.filter(action=AuditAction.DIRECTORY_GROUP_CHANGED).exists()


def test_members_added_to_a_linked_group_join_the_space_and_leave_it_again(
    scim, engineers, lab, site_admin, ann, bob
):
    actions.link_group_to_space(engineers, lab, Role.EDITOR, actor=site_admin)

    assert add(scim, engineers, ann, bob).status_code == 204
    assert (role_in(lab, ann), role_in(lab, bob)) == (Role.EDITOR, Role.EDITOR)
    assert GroupGrant.objects.count() == 2
    members = scim.get(f"Groups/{engineers.pk}").json()["members"]
    assert {m["value"] for m in members} == {str(ann.pk), str(bob.pk)}
    assert scim.get(f'Groups?filter=members[value eq "{ann.pk}"]').json()["totalResults"] == 1

    # Okta's form, then Entra's.
    scim.patch(
        f"Groups/{engineers.pk}",
        patch_op({"op": "remove", "path": f'members[value eq "{ann.pk}"]'}),
    )
    assert role_in(lab, ann) is None and role_in(lab, bob) == Role.EDITOR
    scim.patch(
        f"Groups/{engineers.pk}",
        patch_op({"op": "Remove", "path": "members", "value": [{"value": str(bob.pk)}]}),
    )
    assert role_in(lab, bob) is None
    assert not GroupGrant.objects.exists()
    changes = AuditEntry.objects.filter(action=AuditAction.DIRECTORY_GROUP_CHANGED)
    assert any(e.details.get("added") == ["ann", "bob"] and e.actor is None for e in changes)
    assert any(e.details.get("removed") == ["ann"] for e in changes)


def test_a_membership_of_ones_own_is_never_changed_or_taken_by_a_group(
    scim, engineers, lab, site_admin, moderator
):
    from intranet.actions import set_member_role

    set_member_role(lab, moderator, Role.MODERATOR)
    actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)

    add(scim, engineers, moderator)
    assert role_in(lab, moderator) == Role.MODERATOR
    scim.patch(
        f"Groups/{engineers.pk}",
        patch_op({"op": "remove", "path": f'members[value eq "{moderator.pk}"]'}),
    )
    assert role_in(lab, moderator) == Role.MODERATOR


def test_the_highest_role_of_a_persons_groups_counts(scim, engineers, lab, site_admin, ann):
    leads = actions.create_group("Leads")
    actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)
    actions.link_group_to_space(leads, lab, Role.MODERATOR, actor=site_admin)

    add(scim, engineers, ann)
    add(scim, leads, ann)
    assert role_in(lab, ann) == Role.MODERATOR
    scim.patch(f"Groups/{leads.pk}", patch_op({"op": "remove", "path": "members"}))
    assert role_in(lab, ann) == Role.READER


def test_linking_a_group_adds_its_members_and_unlinking_removes_them(
    scim, engineers, lab, site_admin, ann
):
    add(scim, engineers, ann)
    link = actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)
    assert role_in(lab, ann) == Role.READER
    actions.change_link_role(link, Role.EDITOR, actor=site_admin)
    assert role_in(lab, ann) == Role.EDITOR
    actions.unlink_group_from_space(link, actor=site_admin)
    assert role_in(lab, ann) is None
    entry = (
        AuditEntry.objects.filter(action=AuditAction.DIRECTORY_GROUP_CHANGED, actor=site_admin)
        .order_by("pk")
        .last()
    )
    assert entry.space_id == lab.pk
    assert entry.details["space_role"] == {"before": "editor", "after": None}


def test_only_site_admins_link_groups_to_spaces(engineers, lab, space_admin):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.link_group_to_space(engineers, lab, Role.ADMIN, actor=space_admin)
    with pytest.raises(PermissionDenied):
        actions.link_group_to_space(engineers, lab, Role.ADMIN, actor=None)


def test_put_replaces_name_and_members(scim, engineers, lab, site_admin, ann, bob):
    actions.link_group_to_space(engineers, lab, Role.READER, actor=site_admin)
    add(scim, engineers, ann)
    response = scim.put(
        f"Groups/{engineers.pk}",
        {
            "schemas": [GROUP_SCHEMA],
            "displayName": "Engineering",
            "members": [{"value": str(bob.pk)}],
        },
    )
    assert response.status_code == 200
    assert response.json()["displayName"] == "Engineering"
    assert (role_in(lab, ann), role_in(lab, bob)) == (None, Role.READER)


def test_a_rename_through_patch_without_a_path(scim, engineers):
    response = scim.patch(
        f"Groups/{engineers.pk}",
        patch_op({"op": "replace", "value": {"id": str(engineers.pk), "displayName": "Eng"}}),
    )
    assert response.status_code == 204
    engineers.refresh_from_db()
    assert engineers.display_name == "Eng"


def test_deleting_a_group_ends_the_memberships_it_gave(scim, engineers, lab, site_admin, ann):
    actions.link_group_to_space(engineers, lab, Role.EDITOR, actor=site_admin)
    add(scim, engineers, ann)
    assert scim.delete(f"Groups/{engineers.pk}").status_code == 204
    assert role_in(lab, ann) is None
    assert not DirectoryGroup.objects.exists()
    assert scim.get(f"Groups/{engineers.pk}").status_code == 404


def test_a_group_never_takes_the_last_admin_from_a_space(scim, site_tree, site_admin, ann):
    bare = make_space("Bare", slug="bare")
    admins = actions.create_group("Admins", members=[ann])
    actions.link_group_to_space(admins, bare, Role.ADMIN, actor=site_admin)
    assert role_in(bare, ann) == Role.ADMIN
    scim.patch(f"Groups/{admins.pk}", patch_op({"op": "remove", "path": "members"}))
    assert role_in(bare, ann) == Role.ADMIN
    assert not GroupGrant.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"schemas": [GROUP_SCHEMA]},
        {"displayName": ""},
        {"displayName": "x" * 300},
        {"displayName": "G", "members": [{"value": "999999"}]},
        {"displayName": "G", "members": "everyone"},
        "{oops",
    ],
)
def test_a_bad_group_is_a_400(scim, body):
    response = scim.post("Groups", body)
    assert response.status_code == 400
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert not DirectoryGroup.objects.exists()


def test_adding_an_unknown_member_is_a_400_and_changes_nothing(scim, engineers, ann):
    response = scim.patch(
        f"Groups/{engineers.pk}",
        patch_op(
            {"op": "add", "path": "members", "value": [{"value": str(ann.pk)}, {"value": "x"}]}
        ),
    )
    assert response.status_code == 400
    assert not engineers.members.exists()


def test_a_malformed_group_filter_is_a_400(scim):
    response = scim.get("Groups", data={"filter": 'displayName sw "Eng"'})
    assert response.json()["scimType"] == "invalidFilter"
