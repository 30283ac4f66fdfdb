"""Writes that change who may do what in a space.

Each change — create a space, add or remove a member, change a role, ask for one, change
visibility — goes through one function here, which updates our models, keeps Wagtail's
groups, page permissions and view restriction in step, and writes it down twice: in the
space's history (Wagtail's log entries) and, for changes of who may do what, in the site's
audit log (`audit.actions.record`, in the same transaction). The apps above hear of what
concerns people (someone added them, a reader asks to write) through the signals of
`intranet.signals`.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import GroupPagePermission, Page, PageViewRestriction

from audit.actions import change, record
from audit.models import AuditAction
from intranet.models import (
    JoinPolicy,
    JoinRequest,
    MemberRole,
    Membership,
    Role,
    SpaceCreationSettings,
    SpaceIndexPage,
    SpacePage,
    Visibility,
    role_includes,
)
from intranet.signals import member_role_changed, write_access_requested


class LastSpaceAdminError(ValueError):
    """Refused: the change would leave a space without any space admin."""

    def __init__(self) -> None:
        super().__init__(
            _("A space needs at least one space admin. Make someone else admin first.")
        )


# Space settings that `update_space_settings` may change; everything else is the editor's.
SPACE_SETTINGS = (
    "title",
    "description",
    "picture",
    "kind",
    "visibility",
    "join_policy",
    "member_role",
)

# Addresses under /spaces/ that are views, not spaces (intranet/space_urls.py).
RESERVED_SPACE_SLUGS = frozenset({"new"})

# Wagtail page permissions each role gets on the space's subtree.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    Role.READER: [],
    Role.EDITOR: ["add", "change", "publish"],
    Role.MODERATOR: ["add", "change", "publish", "lock", "unlock"],
    Role.ADMIN: ["add", "change", "publish", "lock", "unlock", "bulk_delete"],
}


def space_group_name(space: SpacePage, role: str) -> str:
    return f"space-{space.pk}-{role}"


def page_permission(codename: str) -> Permission:
    """Wagtail's page permission `codename` ("add", "change", "publish", ...)."""
    return Permission.objects.get(
        content_type__app_label="wagtailcore", codename=f"{codename}_page"
    )


def sync_space_permissions(space: SpacePage) -> dict[str, Group]:
    """Make the space's four role groups, their page permissions and view restriction match
    the space's settings. Safe to run any number of times."""
    groups: dict[str, Group] = {}
    for role, codenames in ROLE_PAGE_PERMISSIONS.items():
        if space.wiki_moderation and role == Role.EDITOR:
            # With moderation on, editors submit and moderators publish.
            codenames = [c for c in codenames if c != "publish"]
        group, _created = Group.objects.get_or_create(name=space_group_name(space, role))
        groups[role] = group
        wanted = {page_permission(c).pk for c in codenames}
        GroupPagePermission.objects.filter(group=group, page=space).exclude(
            permission_id__in=wanted
        ).delete()
        existing = set(
            GroupPagePermission.objects.filter(group=group, page=space).values_list(
                "permission_id", flat=True
            )
        )
        for permission_id in wanted - existing:
            GroupPagePermission.objects.create(group=group, page=space, permission_id=permission_id)

    restrictions = PageViewRestriction.objects.filter(page=space)
    if space.visibility == Visibility.MEMBERS:
        restriction = restrictions.first() or PageViewRestriction.objects.create(
            page=space, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.restriction_type = PageViewRestriction.GROUPS
        restriction.save()
        restriction.groups.set(groups.values())
    else:
        restrictions.delete()
    sync_space_workflow(space, groups)
    return groups


def sync_space_workflow(space: SpacePage, groups: dict[str, Group]) -> None:
    """With `wiki_moderation` on, changes in the space go through Wagtail's moderation
    workflow, approved by the space's moderators and admins; off, they publish directly."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    name = f"space-{space.pk}-moderation"
    if not space.wiki_moderation:
        WorkflowPage.objects.filter(page=space).delete()
        return
    workflow, created = Workflow.objects.get_or_create(name=name)
    if created or not workflow.workflow_tasks.exists():
        task, _ = GroupApprovalTask.objects.get_or_create(name=f"{name}-approval")
        task.groups.set([groups[Role.MODERATOR], groups[Role.ADMIN]])
        WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=space, defaults={"workflow": workflow})


def free_space_slug(index: SpaceIndexPage, title: str) -> str:
    """An address for a new space named `title`, free among the spaces: the name's Latin
    letters and digits ("Küche & Öfen": "kuche-ofen"; the space views' URLs take no other),
    numbered by Wagtail when taken ("coffee-club-1"), never the address of a view."""
    base = slugify(title)[:200].strip("-") or "space"
    if base in RESERVED_SPACE_SLUGS:
        base = f"{base}-space"
    return find_available_slug(index, base)


@transaction.atomic
def create_space(
    *,
    title: str,
    actor=None,
    slug: str = "",
    description: str = "",
    kind: str = "team",
    visibility: str = Visibility.OPEN,
    join_policy: str = "open",
    member_role: str = MemberRole.EDITOR,
    index: SpaceIndexPage | None = None,
    **extra,
) -> SpacePage:
    """Create and publish a space under the space index, with its groups; the actor (if any)
    becomes its first space admin. Without a `slug`, one is made from the title.

    Refuses (PermissionDenied) an actor whom the site setting does not let create spaces;
    the system (no actor) always may."""
    if actor is not None and not SpaceCreationSettings.user_may_create(actor):
        raise PermissionDenied(_("Only some people may create spaces here. Ask a site admin."))
    index = index or SpaceIndexPage.objects.get()
    # One creation at a time: the free address and the place in the tree are read, then taken.
    Page.objects.select_for_update().only("pk").get(pk=index.pk)
    space = SpacePage(
        title=title,
        slug=slug or free_space_slug(index, title),
        description=description,
        kind=kind,
        visibility=visibility,
        join_policy=join_policy,
        member_role=member_role,
        owner=actor,
        **extra,
    )
    index.add_child(instance=space)
    space.save_revision(user=actor, log_action=False).publish(
        user=actor, log_action=False, skip_permission_checks=True
    )
    space.refresh_from_db()
    # No log call here: Wagtail's first save of a page already logs "wagtail.create".
    sync_space_permissions(space)
    record(
        AuditAction.SPACE_CREATED,
        actor=actor,
        space=space,
        details={
            "visibility": str(space.visibility),
            "join_policy": str(space.join_policy),
            "member_role": str(space.member_role),
        },
    )
    if actor is not None:
        set_member_role(space, actor, Role.ADMIN, actor=actor)
    return space


def _user_groups_for(space: SpacePage) -> list[str]:
    return [space_group_name(space, role) for role in ROLE_PAGE_PERMISSIONS]


def _lock_memberships(space: SpacePage) -> dict[int, Membership]:
    """Lock the space's memberships for the rest of the transaction, so two moderators
    changing members at the same time run one after the other (the last write wins, each
    is logged) and the last-admin check cannot be raced."""
    return {m.user_id: m for m in Membership.objects.select_for_update().filter(space=space)}


def _is_last_admin(memberships: dict[int, Membership], user_id: int) -> bool:
    current = memberships.get(user_id)
    if current is None or current.role != Role.ADMIN:
        return False
    return not any(m.role == Role.ADMIN for uid, m in memberships.items() if uid != user_id)


def would_leave_no_admin(space: SpacePage, user, role: str | None) -> bool:
    """Whether giving `user` `role` in `space` (None: removing them) leaves it without a
    space admin; for forms that want to say so before calling the action."""
    memberships = {m.user_id: m for m in Membership.objects.filter(space=space)}
    return role != Role.ADMIN and _is_last_admin(memberships, user.pk)


def _role_groups(space: SpacePage) -> dict[str, Group]:
    return {
        role: Group.objects.get_or_create(name=space_group_name(space, role))[0]
        for role in ROLE_PAGE_PERMISSIONS
    }


@transaction.atomic
def set_member_role(space: SpacePage, user, role: str, *, actor=None) -> Membership:
    """Add `user` to `space` with `role`, or change their role; keeps Wagtail groups in step.

    Refuses (LastSpaceAdminError) to demote the space's only admin."""
    role = Role(role)
    memberships = _lock_memberships(space)
    membership = memberships.get(user.pk)
    created = membership is None
    previous = None if created else membership.role
    if not created and previous != role and _is_last_admin(memberships, user.pk):
        raise LastSpaceAdminError
    if created:
        membership = Membership.objects.create(space=space, user=user, role=role)
        # The groups' permissions were set up when the space was made or last changed;
        # a new member only needs the groups themselves.
        groups = _role_groups(space)
    else:
        if previous != role:
            membership.role = role
            membership.save(update_fields=["role"])
        groups = _role_groups(space)
    user.groups.remove(*[g for r, g in groups.items() if r != role])
    user.groups.add(groups[role])
    space.join_requests.filter(user=user).delete()
    if created or previous != role:
        log(
            instance=space,
            action="intranet.member_added" if created else "intranet.role_changed",
            user=actor,
            data={"member": user.get_username(), "role": str(role), "previous": previous},
        )
        record(
            AuditAction.MEMBERSHIP_ADDED if created else AuditAction.MEMBERSHIP_ROLE_CHANGED,
            actor=actor,
            target=user,
            space=space,
            details={"role": change(previous, str(role))},
        )
        if actor is not None and actor.pk != user.pk:
            member_role_changed.send(
                sender=SpacePage,
                space=space,
                member=user,
                role=str(role),
                previous=previous,
                actor=actor,
            )
    return membership


@transaction.atomic
def add_members(space: SpacePage, people, role: str, *, actor=None) -> list[Membership]:
    """Add everyone in `people` to `space` with `role` (or give members that role), all or
    none: refuses (LastSpaceAdminError) a change that would leave the space without admin."""
    return [set_member_role(space, person, role, actor=actor) for person in people]


@transaction.atomic
def remove_member(space: SpacePage, user, *, actor=None) -> None:
    """Remove `user` from `space` and its Wagtail groups; refuses (LastSpaceAdminError) to
    remove the space's only admin."""
    memberships = _lock_memberships(space)
    if _is_last_admin(memberships, user.pk):
        raise LastSpaceAdminError
    previous = memberships[user.pk].role if user.pk in memberships else None
    deleted, _details = Membership.objects.filter(space=space, user=user).delete()
    user.groups.remove(*Group.objects.filter(name__in=_user_groups_for(space)))
    # A request for a role (to write) goes with the membership it would have changed.
    space.join_requests.filter(user=user).delete()
    if deleted:
        log(
            instance=space,
            action="intranet.member_removed",
            user=actor,
            data={"member": user.get_username()},
        )
        record(
            AuditAction.MEMBERSHIP_REMOVED,
            actor=actor,
            target=user,
            space=space,
            details={"role": change(previous, None)},
        )


@transaction.atomic
def join_space(space: SpacePage, user, *, message: str = "") -> str:
    """An employee asks to join: open spaces add them with the space's role for new members
    (editor unless its admins chose reader), approval spaces record a request for the
    moderators, invite-only spaces refuse (PermissionDenied). Returns "member",
    "requested" or "already"."""
    if Membership.objects.filter(space=space, user=user).exists():
        return "already"
    if space.join_policy == JoinPolicy.OPEN:
        set_member_role(space, user, space.member_role, actor=user)
        return "member"
    if space.join_policy == JoinPolicy.APPROVAL:
        _request, created = JoinRequest.objects.get_or_create(
            space=space, user=user, defaults={"message": message[:1000]}
        )
        if created:
            log(
                instance=space,
                action="intranet.join_requested",
                user=user,
                data={"member": user.get_username()},
            )
        return "requested"
    raise PermissionDenied(
        _("This space is invitation only. Ask one of its moderators to add you.")
    )


@transaction.atomic
def request_write_access(space: SpacePage, user, *, message: str = "") -> str:
    """A reader asks the space's moderators to let them write: records a request for the
    editor role and tells the moderators (`write_access_requested`). Returns "requested"
    (also when asked before) or "already" (they may write); refuses (PermissionDenied)
    someone who is not a member: they join first."""
    role = space.role_of(user)
    if role is None:
        raise PermissionDenied(_("Join the space first; then you can ask to write."))
    if role_includes(role, Role.EDITOR):
        return "already"
    join_request, created = JoinRequest.objects.get_or_create(
        space=space, user=user, defaults={"role": Role.EDITOR, "message": message[:1000]}
    )
    if created:
        write_access_requested.send(sender=JoinRequest, join_request=join_request, space=space)
    return "requested"


@transaction.atomic
def approve_join_request(join_request: JoinRequest, *, actor=None) -> Membership:
    """Give the requester the role asked for, or (a request to join) the space's role for
    new members; this also deletes the request."""
    return set_member_role(
        join_request.space, join_request.user, join_request.role_to_grant(), actor=actor
    )


@transaction.atomic
def deny_join_request(join_request: JoinRequest, *, actor=None) -> None:
    deleted, _details = JoinRequest.objects.filter(pk=join_request.pk).delete()
    if deleted:
        log(
            instance=join_request.space,
            action="intranet.join_request_denied",
            user=actor,
            data={"member": join_request.user.get_username()},
        )


def require_space_manager(space: SpacePage, actor) -> None:
    """Refuse a change of who may read or join `space` unless `actor` is one of its space
    admins or a site admin. `actor=None` is the system itself (commands, migrations)."""
    from intranet.access import can_manage_space

    if actor is not None and not can_manage_space(actor, space):
        raise PermissionDenied(_("Only the space's admins can change who may see or join it."))


@transaction.atomic
def update_space_settings(
    space: SpacePage, *, actor=None, picture_upload=None, **changes
) -> SpacePage:
    """Change a space's title, description, picture, kind, visibility, join policy or role
    for new members from the site: publishes a new revision (so the Wagtail history shows
    it), logs, and keeps groups and the view restriction in step when the visibility
    changes. A new picture file (`picture_upload`) becomes a Wagtail image uploaded by
    `actor`, in the same transaction, so a refused change leaves no orphan image behind."""
    unknown = set(changes) - set(SPACE_SETTINGS)
    if unknown:
        raise ValueError(f"Not a space setting: {', '.join(sorted(unknown))}")
    if picture_upload is not None:
        changes["picture"] = get_image_model().objects.create(
            title=space.title, file=picture_upload, uploaded_by_user=actor
        )
    visibility = changes.pop("visibility", space.visibility)
    join_policy = changes.pop("join_policy", space.join_policy)
    member_role = changes.pop("member_role", space.member_role)
    if (visibility, join_policy, member_role) != (
        space.visibility,
        space.join_policy,
        space.member_role,
    ):
        require_space_manager(space, actor)
    changed = {name: value for name, value in changes.items() if getattr(space, name) != value}
    if join_policy != space.join_policy:
        set_join_policy(space, join_policy, actor=actor)
        changed["join_policy"] = join_policy
    if member_role != space.member_role:
        set_new_member_role(space, member_role, actor=actor)
        changed["member_role"] = member_role
    if changed:
        for name, value in changed.items():
            setattr(space, name, value)
        space.save_revision(user=actor, log_action=False).publish(
            user=actor, log_action=False, skip_permission_checks=True
        )
        log(
            instance=space,
            action="intranet.settings_changed",
            user=actor,
            data={"fields": sorted(changed)},
        )
    if visibility != space.visibility:
        set_space_visibility(space, visibility, actor=actor)
    space.refresh_from_db()
    return space


@transaction.atomic
def set_join_policy(space: SpacePage, join_policy: str, *, actor=None) -> None:
    """Who may join: written to the live row directly, since revisions never carry it."""
    _set_live_setting(
        space, "join_policy", JoinPolicy(join_policy), AuditAction.SPACE_JOIN_POLICY_CHANGED, actor
    )


@transaction.atomic
def set_new_member_role(space: SpacePage, member_role: str, *, actor=None) -> None:
    """What joining gives (write or only read): written to the live row directly, since
    revisions never carry it. Members keep the roles they have."""
    _set_live_setting(
        space, "member_role", MemberRole(member_role), AuditAction.SPACE_MEMBER_ROLE_CHANGED, actor
    )


def _set_live_setting(space: SpacePage, field: str, value, action: AuditAction, actor) -> None:
    """Write one of the space's settings that revisions never carry to its live row, and
    record the change in the audit log when it is one."""
    require_space_manager(space, actor)
    previous = getattr(space, field)
    setattr(space, field, value)
    SpacePage.objects.filter(pk=space.pk).update(**{field: value})
    if previous != value:
        record(action, actor=actor, space=space, details={field: change(str(previous), str(value))})


@transaction.atomic
def set_space_visibility(space: SpacePage, visibility: str, *, actor=None) -> None:
    """Open a space to every employee or hide it (and everything in it) from non-members.

    The read rule checks the space's visibility at query time, so this takes effect
    everywhere at once; Wagtail's view restriction is updated for its own serving."""
    require_space_manager(space, actor)
    visibility = Visibility(visibility)
    previous = space.visibility
    space.visibility = visibility
    SpacePage.objects.filter(pk=space.pk).update(visibility=visibility)
    latest = space.get_latest_revision()
    if latest is not None:
        # Publish a revision too, so the page's history shows the change.
        space.save_revision(user=actor, log_action=False).publish(
            user=actor, log_action=False, skip_permission_checks=True
        )
    sync_space_permissions(space)
    if previous != visibility:
        log(
            instance=space,
            action="intranet.visibility_changed",
            user=actor,
            data={"visibility": str(visibility), "previous": previous},
        )
        record(
            AuditAction.SPACE_VISIBILITY_CHANGED,
            actor=actor,
            space=space,
            details={"visibility": change(str(previous), str(visibility))},
        )


@transaction.atomic
def sync_space_after_admin_edit(space: SpacePage, *, actor=None) -> list[str]:
    """After the Wagtail page editor saved a space: apply the access settings (visibility,
    join policy, role for new members) the editor published if they may change them
    (revisions never carry these, see `SpacePage.with_content_json`), keep groups and the
    view restriction in step with the live visibility, and log a change. Returns the names
    of the settings it refused."""
    latest = space.latest_revision
    wanted: dict[str, str] = {}
    if latest is not None and latest.pk == space.live_revision_id:
        for name in SpacePage.ACCESS_FIELDS:
            value = latest.content.get(name)
            if value is not None and value != getattr(space, name):
                wanted[name] = value
    if wanted:
        try:
            require_space_manager(space, actor)
        except PermissionDenied:
            return sorted(wanted)
    if "join_policy" in wanted:
        set_join_policy(space, wanted["join_policy"], actor=actor)
    if "member_role" in wanted:
        set_new_member_role(space, wanted["member_role"], actor=actor)
    if "visibility" in wanted:
        set_space_visibility(space, wanted["visibility"], actor=actor)
        return []
    restricted = PageViewRestriction.objects.filter(page=space).exists()
    sync_space_permissions(space)
    if restricted != space.is_members_only:
        previous = Visibility.MEMBERS if restricted else Visibility.OPEN
        log(
            instance=space,
            action="intranet.visibility_changed",
            user=actor,
            data={"visibility": str(space.visibility), "previous": previous},
        )
        record(
            AuditAction.SPACE_VISIBILITY_CHANGED,
            actor=actor,
            space=space,
            details={"visibility": change(str(previous), str(space.visibility))},
        )
    return []
