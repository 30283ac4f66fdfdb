"""Writes of directory sync: people through `profiles.actions.provision_person` (the HR
import's path too), groups and their members, and the spaces groups give (`SpaceLink`).

The identity provider acts as the system (actor None); a site admin links groups to
spaces in the Wagtail admin. A group gives a membership only where the person has none of
their own, and takes back only what it gave (`GroupGrant`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.tokens import is_site_admin
from audit.actions import change, record
from audit.models import AuditAction
from intranet import actions as space_actions
from intranet.models import ROLE_RANK, Membership, Role, SpacePage
from profiles.actions import (
    PersonAttributes,
    Provisioned,
    UsernameTaken,
    ensure_department,
    provision_person,
)
from profiles.models import Department, Profile
from scim.models import DirectoryGroup, DirectoryPerson, GroupGrant, SpaceLink

logger = logging.getLogger(__name__)


# --- people ---------------------------------------------------------------------------------


@transaction.atomic
def provision_user(
    attributes: PersonAttributes,
    *,
    department: str | None = None,
    external_id: str | None = None,
    user=None,
) -> Provisioned:
    """Create or update a person as the identity provider describes them. `department` is
    a name (the department is made when missing); it and `external_id` are left as they
    are when None and cleared when "". A userName someone else has, in any case, is
    refused (UsernameTaken): identity providers compare them so."""
    taken = get_user_model().objects.filter(username__iexact=attributes["username"])
    if user is not None:
        taken = taken.exclude(pk=user.pk)
    if taken.exists():
        raise UsernameTaken(
            _("“%(name)s” is taken by someone else.") % {"name": attributes["username"]}
        )
    if department is not None:
        attributes = {**attributes, "department": _department_named(department, user)}
    result = provision_person(attributes, user=user, actor=None)
    if external_id is not None:
        DirectoryPerson.objects.update_or_create(
            user=result.user, defaults={"external_id": external_id}
        )
    return result


def _department_named(name: str, user) -> Department | None:
    """The department called `name`, made when missing; the person's own when it has that
    name (two departments may share one)."""
    if not name:
        return None
    current = None
    if user is not None:
        current = Profile.objects.filter(user=user).select_related("department").first()
    department = current.department if current is not None else None
    if department is not None and department.name.lower() == " ".join(name.split()).lower():
        return department
    return ensure_department(name)


def deactivate_user(user) -> Provisioned:
    """The identity provider deleted the person: they leave, as with `active` false."""
    return provision_user({"username": user.get_username(), "active": False}, user=user)


# --- groups ---------------------------------------------------------------------------------


def _usernames(users: Iterable) -> list[str]:
    return sorted(user.get_username() for user in users)


def _record_group(group: DirectoryGroup, details: dict, *, actor=None, space=None) -> None:
    record(
        AuditAction.DIRECTORY_GROUP_CHANGED,
        actor=actor,
        space=space,
        details={"group": group.display_name, **details},
    )


@transaction.atomic
def create_group(display_name: str, *, external_id: str = "", members=()) -> DirectoryGroup:
    group = DirectoryGroup.objects.create(display_name=display_name, external_id=external_id)
    _record_group(group, {"created": True})
    set_group_members(group, members)
    return group


@transaction.atomic
def change_group(
    group: DirectoryGroup, *, display_name: str | None = None, external_id: str | None = None
) -> None:
    """Rename the group or change its external id; None leaves either as it is."""
    details = {}
    if display_name is not None and display_name != group.display_name:
        details["display_name"] = change(group.display_name, display_name)
        group.display_name = display_name
    if external_id is not None and external_id != group.external_id:
        details["external_id"] = change(group.external_id, external_id)
        group.external_id = external_id
    if details:
        group.updated_at = timezone.now()
        group.save(update_fields=["display_name", "external_id", "updated_at"])
        _record_group(group, details)


@transaction.atomic
def set_group_members(group: DirectoryGroup, members: Iterable) -> None:
    """Make `members` the group's members: newcomers get the spaces the group gives,
    people who left the group lose the memberships it gave them."""
    wanted = {user.pk: user for user in members}
    current = {user.pk: user for user in group.members.all()}
    added = [user for pk, user in wanted.items() if pk not in current]
    removed = [user for pk, user in current.items() if pk not in wanted]
    if not added and not removed:
        return
    group.members.add(*added)
    group.members.remove(*removed)
    group.updated_at = timezone.now()
    group.save(update_fields=["updated_at"])
    details = {}
    if added:
        details["added"] = _usernames(added)
    if removed:
        details["removed"] = _usernames(removed)
    _record_group(group, details)
    for link in group.space_links.select_related("space"):
        for user in (*added, *removed):
            sync_membership(link.space, user)


@transaction.atomic
def delete_group(group: DirectoryGroup) -> None:
    """The group is gone from the directory: the memberships it gave end with it."""
    links = list(group.space_links.select_related("space"))
    members = list(group.members.all())
    ending = {link.pk for link in links}
    for link in links:
        for user in members:
            sync_membership(link.space, user, ending=ending)
    _record_group(group, {"deleted": True, "members": _usernames(members)})
    group.delete()


# --- groups in spaces -------------------------------------------------------------------------


def require_site_admin(actor) -> None:
    """Linking a group to a space adds its members to it: a site admin's decision."""
    if not is_site_admin(actor):
        raise PermissionDenied


def sync_membership(space: SpacePage, user, *, ending: Iterable[int] = ()) -> None:
    """Make `user`'s membership of `space` what their directory groups give: the highest
    role among their groups linked to it, none when no group gives one. The links in
    `ending` no longer count (they are about to go).

    A membership the person had before any group gave it is theirs: groups neither change
    nor end it. The space's last admin keeps a membership their groups no longer give (it
    becomes their own)."""
    links = list(SpaceLink.objects.filter(space=space, group__members=user).exclude(pk__in=ending))
    wanted = max((Role(link.role) for link in links), key=ROLE_RANK.__getitem__, default=None)
    membership = Membership.objects.filter(space=space, user=user).first()
    if membership is not None and not GroupGrant.objects.filter(membership=membership).exists():
        return
    if wanted is None:
        if membership is not None:
            _end_membership(space, user, membership)
        return
    if membership is None or membership.role != wanted:
        try:
            with transaction.atomic():
                membership = space_actions.set_member_role(space, user, wanted, actor=None)
        except space_actions.LastSpaceAdminError:
            _keep_last_admin(space, user, membership)
            return
    GroupGrant.objects.filter(membership=membership).exclude(link__in=links).delete()
    for link in links:
        GroupGrant.objects.get_or_create(link=link, membership=membership)


def _end_membership(space: SpacePage, user, membership: Membership) -> None:
    try:
        with transaction.atomic():
            space_actions.remove_member(space, user, actor=None)
    except space_actions.LastSpaceAdminError:
        _keep_last_admin(space, user, membership)


def _keep_last_admin(space: SpacePage, user, membership: Membership) -> None:
    """A space never loses its last admin to directory sync: the membership becomes the
    person's own, for a space admin to hand over."""
    logger.warning("Directory sync kept user %s as the last admin of space %s.", user.pk, space.pk)
    GroupGrant.objects.filter(membership=membership).delete()


def _sync_link_members(link: SpaceLink, *, ending: Iterable[int] = ()) -> None:
    for user in link.group.members.all():
        sync_membership(link.space, user, ending=ending)


@transaction.atomic
def link_group_to_space(group: DirectoryGroup, space: SpacePage, role: str, *, actor) -> SpaceLink:
    """From now on the group's members are members of `space` with `role`."""
    require_site_admin(actor)
    link = SpaceLink.objects.create(group=group, space=space, role=Role(role))
    _record_group(group, {"space_role": change(None, str(link.role))}, actor=actor, space=space)
    _sync_link_members(link)
    return link


@transaction.atomic
def change_link_role(link: SpaceLink, role: str, *, actor) -> SpaceLink:
    require_site_admin(actor)
    previous = SpaceLink.objects.get(pk=link.pk).role
    if previous == role:
        return link
    link.role = Role(role)
    link.save(update_fields=["role"])
    _record_group(
        link.group, {"space_role": change(previous, str(role))}, actor=actor, space=link.space
    )
    _sync_link_members(link)
    return link


@transaction.atomic
def unlink_group_from_space(link: SpaceLink, *, actor) -> None:
    """The group no longer gives the space: the memberships it gave there end."""
    require_site_admin(actor)
    _sync_link_members(link, ending={link.pk})
    _record_group(
        link.group, {"space_role": change(str(link.role), None)}, actor=actor, space=link.space
    )
    link.delete()
