"""The audit app's receivers, connected in `AuditConfig.ready()`.

Two jobs: remember the request being served (`audit.origin`: "from where"), and record
every change of admin rights however it is made (the Wagtail admin's user and group
editors, `createsuperuser`, the shell, later directory sync), since those writes belong to
Django and Wagtail and pass through no action of ours. Admin rights are: site admin
(`is_superuser`), staff (`is_staff`), and Wagtail's `access_admin` permission, held
directly or through a group; and what any group is allowed (its model permissions)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.signals import request_finished, request_started
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.forms import Media
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from audit import origin
from audit.actions import record
from audit.models import AuditAction

# The user's flags that are admin rights, and their names in an entry's details.
ADMIN_FLAGS = {"is_superuser": "site_admin", "is_staff": "staff"}
ADMIN_ACCESS = "admin_access"
ACCESS_ADMIN_PERMISSION = Q(content_type__app_label="wagtailadmin", codename="access_admin")
FLAGS_BEFORE = "_audit_admin_flags_before"


# --- is_superuser, is_staff -----------------------------------------------------------------


def remember_admin_flags(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a user is saved: their admin flags as stored, for the comparison after. A save
    of other fields only (a login stamps `last_login`) costs no query."""
    instance.__dict__.pop(FLAGS_BEFORE, None)
    if raw or (update_fields is not None and not set(update_fields) & set(ADMIN_FLAGS)):
        return
    stored = None
    if not instance._state.adding and instance.pk is not None:
        stored = sender._base_manager.filter(pk=instance.pk).values(*ADMIN_FLAGS).first()
    instance.__dict__[FLAGS_BEFORE] = stored or dict.fromkeys(ADMIN_FLAGS, False)


def record_admin_flag_changes(sender, instance, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop(FLAGS_BEFORE, None)
    if raw or before is None:
        return
    for flag, right in ADMIN_FLAGS.items():
        had, has = bool(before[flag]), bool(getattr(instance, flag))
        if had != has:
            record(
                AuditAction.ADMIN_GRANTED if has else AuditAction.ADMIN_REVOKED,
                actor=origin.current_actor(),
                target=instance,
                details={"right": right},
            )


# --- many-to-many changes: groups, direct permissions, group permissions --------------------

# A change's (left, right) pairs that matter: (person, admin group), (person, None) for the
# permission held directly, (group, permission). Found while they are linked: after an add,
# before a remove or clear (Django's pk_set for a remove names what was asked, not what was
# there).
PairFinder = Callable[[object, bool, set | None], list[tuple]]
PairWriter = Callable[[list[tuple], bool], None]


def m2m_receiver(stash: str, find_pairs: PairFinder, write: PairWriter):
    """A receiver for `m2m_changed` that writes what `find_pairs` finds: added pairs after
    the add, removed ones (found before the removal, kept on the instance) after it."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs) -> None:
        if action in ("pre_remove", "pre_clear"):
            instance.__dict__[stash] = find_pairs(instance, reverse, pk_set)
        elif action in ("post_remove", "post_clear"):
            pairs = instance.__dict__.pop(stash, [])
            if pairs:
                write(pairs, False)
        elif action == "post_add":
            pairs = find_pairs(instance, reverse, pk_set)
            if pairs:
                write(pairs, True)

    return receiver


def _narrowed(queryset, pk_set: set | None):
    return queryset if pk_set is None else queryset.filter(pk__in=pk_set)


def admin_group_memberships(instance, reverse: bool, pk_set: set | None) -> list[tuple]:
    """(person, group) for the linked groups among the change that give admin access. Most
    group changes are space roles and blogs (no admin access): one query says so."""
    if pk_set is not None and not pk_set:
        return []
    if reverse:  # `instance` is a group, `pk_set` people's ids
        if not instance.permissions.filter(ACCESS_ADMIN_PERMISSION).exists():
            return []
        return [(person, instance) for person in _narrowed(instance.user_set.all(), pk_set)]
    groups = _narrowed(instance.groups.all(), pk_set).filter(
        permissions__in=Permission.objects.filter(ACCESS_ADMIN_PERMISSION)
    )
    return [(instance, group) for group in groups]


def direct_admin_access(instance, reverse: bool, pk_set: set | None) -> list[tuple]:
    """(person, None) when the change gives or takes `access_admin` held directly."""
    if pk_set is not None and not pk_set:
        return []
    if reverse:  # `instance` is a permission, `pk_set` people's ids
        if not Permission.objects.filter(ACCESS_ADMIN_PERMISSION, pk=instance.pk).exists():
            return []
        return [(person, None) for person in _narrowed(instance.user_set.all(), pk_set)]
    held = _narrowed(instance.user_permissions.all(), pk_set).filter(ACCESS_ADMIN_PERMISSION)
    return [(instance, None)] if held.exists() else []


def group_permissions(instance, reverse: bool, pk_set: set | None) -> list[tuple]:
    """(group, permission) for every linked permission in the change."""
    if pk_set is not None and not pk_set:
        return []
    if reverse:  # `instance` is a permission, `pk_set` groups' ids
        return [(group, instance) for group in _narrowed(instance.group_set.all(), pk_set)]
    permissions = _narrowed(instance.permissions.all(), pk_set).select_related("content_type")
    return [(instance, permission) for permission in permissions]


def write_admin_access(pairs: Iterable[tuple], granted: bool) -> None:
    actor = origin.current_actor()
    for person, group in pairs:
        details = {"right": ADMIN_ACCESS}
        if group is not None:
            details["group"] = group.name
        record(
            AuditAction.ADMIN_GRANTED if granted else AuditAction.ADMIN_REVOKED,
            actor=actor,
            target=person,
            details=details,
        )


def write_group_permissions(pairs: Iterable[tuple], granted: bool) -> None:
    """One entry per group: "added: wagtailadmin.access_admin; group: Site admins"."""
    by_group: dict[Group, list[str]] = defaultdict(list)
    for group, permission in pairs:
        by_group[group].append(f"{permission.content_type.app_label}.{permission.codename}")
    actor = origin.current_actor()
    for group, names in by_group.items():
        record(
            AuditAction.GROUP_CHANGED,
            actor=actor,
            details={"group": group.name, "added" if granted else "removed": sorted(names)},
        )


# --- page and collection permissions in the Wagtail admin's group editor ---------------------


def _object_permissions(group: Group) -> set[str]:
    """What `group` may do on pages and collections, one line per (object, permission)."""
    if group.pk is None:
        return set()
    held = set()
    pages = GroupPagePermission.objects.filter(group=group).select_related("page", "permission")
    for grant in pages:
        held.add(f"{grant.permission.codename} on page “{grant.page.title}” (#{grant.page_id})")
    collections = GroupCollectionPermission.objects.filter(group=group).select_related(
        "collection", "permission"
    )
    for grant in collections:
        held.add(
            f"{grant.permission.codename} on collection “{grant.collection.name}” "
            f"(#{grant.collection_id})"
        )
    return held


class GroupPermissionRecorder:
    """A panel of the group editor that shows nothing: it notes the group's page and
    collection permissions when the editor is opened and, after the other panels have
    saved (Wagtail writes these with `bulk_create`, which sends no signal), records what
    changed. Spaces' role groups are kept by `intranet.actions`, whose changes are recorded
    as the space settings that cause them."""

    media = Media()

    def __init__(self, data=None, files=None, instance: Group | None = None, **kwargs) -> None:
        self.instance = instance
        self.before = _object_permissions(instance) if instance is not None else set()

    def is_valid(self) -> bool:
        return True

    def save(self) -> None:
        if self.instance is None or self.instance.pk is None:
            return
        after = _object_permissions(self.instance)
        details: dict = {"group": self.instance.name}
        if added := after - self.before:
            details["added"] = sorted(added)
        if removed := self.before - after:
            details["removed"] = sorted(removed)
        if added or removed:
            record(AuditAction.GROUP_CHANGED, actor=origin.current_actor(), details=details)

    def as_admin_panel(self) -> str:
        return ""


def connect_receivers() -> None:
    user_model = get_user_model()
    request_started.connect(origin.remember_request, dispatch_uid="audit.remember_request")
    request_finished.connect(origin.forget_request, dispatch_uid="audit.forget_request")
    pre_save.connect(remember_admin_flags, sender=user_model, dispatch_uid="audit.flags_before")
    post_save.connect(
        record_admin_flag_changes, sender=user_model, dispatch_uid="audit.flags_after"
    )
    m2m_changed.connect(
        m2m_receiver("_audit_admin_groups", admin_group_memberships, write_admin_access),
        sender=user_model.groups.through,
        weak=False,
        dispatch_uid="audit.admin_groups",
    )
    m2m_changed.connect(
        m2m_receiver("_audit_admin_access", direct_admin_access, write_admin_access),
        sender=user_model.user_permissions.through,
        weak=False,
        dispatch_uid="audit.admin_access",
    )
    m2m_changed.connect(
        m2m_receiver("_audit_group_permissions", group_permissions, write_group_permissions),
        sender=Group.permissions.through,
        weak=False,
        dispatch_uid="audit.group_permissions",
    )
