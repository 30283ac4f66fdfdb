"""Every write to people data goes through one function here (views, commands, demo)."""

from __future__ import annotations

import csv
import io
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import import_module
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_permission_codename, get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from audit.actions import change, record
from audit.models import AuditAction
from intranet.access import is_employee
from intranet.cache import bump_generation
from intranet.signals import person_left
from profiles.models import (
    Department,
    Endorsement,
    Profile,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    manager_would_loop,
    named_row,
)
from search.index_queue import index_after_commit

logger = logging.getLogger(__name__)


def can_edit_profile(actor, profile: Profile) -> bool:
    return bool(actor.is_authenticated and (actor.pk == profile.user_id or actor.is_superuser))


def require_edit_profile(actor, profile: Profile) -> None:
    if not can_edit_profile(actor, profile):
        raise PermissionDenied


@transaction.atomic
def update_profile(
    profile: Profile,
    data: dict,
    *,
    actor,
    photo: ContentFile | None = None,
    clear_photo: bool = False,
) -> Profile:
    """Save the fields of the profile form (names live on the user), languages and photo."""
    require_edit_profile(actor, profile)
    user = profile.user
    user.first_name = data.pop("first_name", user.first_name)
    user.last_name = data.pop("last_name", user.last_name)
    user.save(update_fields=["first_name", "last_name"])
    languages = data.pop("languages", None)
    for name, value in data.items():
        setattr(profile, name, value)
    if clear_photo and profile.photo:
        profile.photo.delete(save=False)
    if photo is not None:
        if profile.photo:
            profile.photo.delete(save=False)
        # A new address for each photo: browsers keep a photo for MEDIA_CACHE_SECONDS,
        # and the old address would go on showing the old face.
        profile.photo.save(f"{user.username}-{secrets.token_urlsafe(6)}.jpg", photo, save=False)
    profile.save()
    if languages is not None:
        set_spoken_languages(profile, languages)
    return profile


def set_spoken_languages(profile: Profile, codes: list[str]) -> None:
    profile.spoken_languages.exclude(code__in=codes).delete()
    have = set(profile.spoken_languages.values_list("code", flat=True))
    SpokenLanguage.objects.bulk_create(
        [SpokenLanguage(profile=profile, code=code) for code in codes if code not in have]
    )


def set_skill(profile: Profile, name: str, level: int, *, actor) -> ProfileSkill:
    """Add a skill to the profile or change its level."""
    require_edit_profile(actor, profile)
    skill = Skill.named(name)
    profile_skill, _created = ProfileSkill.objects.update_or_create(
        profile=profile, skill=skill, defaults={"level": level}
    )
    # Skills are part of the person's search document; the through model saves no signal
    # that reaches the profile's index entry.
    index_after_commit(profile)
    return profile_skill


def remove_skill(profile: Profile, skill: Skill, *, actor) -> None:
    require_edit_profile(actor, profile)
    ProfileSkill.objects.filter(profile=profile, skill=skill).delete()
    index_after_commit(profile)


def endorse(profile_skill: ProfileSkill, *, endorser) -> Endorsement:
    """A colleague vouches for a skill; once per colleague and skill, never for oneself."""
    if endorser.pk == profile_skill.profile.user_id:
        raise ValidationError(_("You cannot endorse your own skills."))
    try:
        with transaction.atomic():
            return Endorsement.objects.create(profile_skill=profile_skill, endorser=endorser)
    except IntegrityError:
        return Endorsement.objects.get(profile_skill=profile_skill, endorser=endorser)


def withdraw_endorsement(profile_skill: ProfileSkill, *, endorser) -> None:
    Endorsement.objects.filter(profile_skill=profile_skill, endorser=endorser).delete()


# --- leavers ------------------------------------------------------------------------------


def can_manage_leavers(actor) -> bool:
    """Who may deactivate and reactivate people: site admins, and whoever the Wagtail admin
    lets edit users (it would let them untick "active" there anyway)."""
    if not is_employee(actor):
        return False
    User = get_user_model()
    return actor.is_superuser or actor.has_perm(
        f"{User._meta.app_label}.{get_permission_codename('change', User._meta)}"
    )


def require_manage_leavers(actor) -> None:
    """`actor` None is the system (the CSV import, directory sync): always allowed."""
    if actor is not None and not can_manage_leavers(actor):
        raise PermissionDenied


@dataclass(frozen=True)
class Departure:
    """What `deactivate_person` did: to whom their pages went (None: nobody), how many went,
    how many stayed theirs for want of a successor (their posts always stay theirs), and
    how many sessions ended."""

    successor: object | None
    pages_handed_over: int
    pages_unclaimed: int
    sessions_ended: int


def default_successor(user):
    """Who takes over a leaver's pages unless someone is chosen: their manager, while the
    manager still works here."""
    profile = Profile.objects.select_related("manager").filter(user=user).first()
    manager = profile.manager if profile is not None else None
    if manager is None or not manager.is_active or manager.pk == user.pk:
        return None
    return manager


def pages_to_hand_over(user):
    """The pages `user` owns whose owner is not their author. A page type whose `owner` is
    the person it is shown as written by (a blog post, a personal blog) says so with
    `owner_is_author = True`, and keeps its owner: a leaver's posts stay under their name."""
    owned = Page.objects.filter(owner=user)
    type_ids = set(owned.values_list("content_type", flat=True).distinct())
    authored = [
        pk
        for pk in type_ids
        if getattr(ContentType.objects.get_for_id(pk).model_class(), "owner_is_author", False)
    ]
    return owned.exclude(content_type__in=authored)


def end_sessions(user_ids: Collection[int]) -> int:
    """Delete every stored session of these people; returns how many.

    Their next request finds no session (and were one left, Django's authentication
    refuses an inactive account anyway: `ModelBackend.user_can_authenticate`). Sessions are
    stored by key, not by person, so each live one is read: fine for the rare leaver, a
    few seconds at hundreds of thousands of sessions. Backends that cannot list their
    sessions (cache only, signed cookies) rely on that authentication check alone."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not user_ids or not hasattr(store_class, "get_model_class"):
        return 0
    wanted = {str(pk) for pk in user_ids}
    rows = (
        store_class.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    )
    decoder = store_class()
    keys = [
        key
        for key, data in rows.iterator(chunk_size=2000)
        if str(decoder.decode(data).get(SESSION_KEY)) in wanted
    ]
    for key in keys:
        # Through the store, so a cached_db session leaves the cache too.
        store_class(session_key=key).delete()
    return len(keys)


def _announce_departure(user, actor) -> None:
    """After the commit: the apps that keep a way in for the person end it (feed tokens, API
    tokens), and cached page lists that show their name show it marked."""
    for _receiver, response in person_left.send_robust(sender=Profile, user=user, actor=actor):
        if isinstance(response, Exception):
            logger.error(
                "A receiver of person_left failed for user %s: %r",
                user.pk,
                response,
                exc_info=(type(response), response, response.__traceback__),
            )
    bump_generation("content")


def deactivate_person(user, *, actor, successor=None, sweep_sessions: bool = True) -> Departure:
    """`user` has left the company: their account stops working at once (sessions ended,
    and on the commit every app's tokens through `intranet.signals.person_left`), the pages
    they own go to `successor` (default: their manager; nobody: they keep them), and their
    posts and comments stay under their name, which now reads "former employee".

    `actor` None is the system (the CSV import, directory sync). The caller decides that the
    person is leaving now; the Wagtail admin's user editor has saved them inactive already
    when it calls this. `sweep_sessions` False leaves the session sweep to a caller that
    deactivates several people at once (`end_sessions`)."""
    require_manage_leavers(actor)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if successor is not None and (successor.pk == user.pk or not successor.is_active):
        raise ValidationError(_("Choose a colleague who still works here."))
    successor = successor or default_successor(user)
    with transaction.atomic():
        # A real save, so that the profile leaves search and the people caches expire.
        user.is_active = False
        user.save(update_fields=["is_active"])
        handed = pages_to_hand_over(user)
        if successor is not None:
            handed_ids = list(handed.values_list("pk", flat=True))
            handed_over, unclaimed = handed.update(owner=successor), 0
            # Search keeps each page's owner for its author and department facets.
            for page in Page.objects.filter(pk__in=handed_ids).specific():
                index_after_commit(page)
        else:
            handed_over, unclaimed = 0, handed.count()
        details = {
            "pages_handed_to": successor.get_username() if successor is not None else "",
            "pages_handed_over": handed_over,
            "pages_unclaimed": unclaimed,
        }
        sessions = 0
        if sweep_sessions:
            sessions = details["sessions_ended"] = end_sessions([user.pk])
        record(AuditAction.PERSON_DEACTIVATED, actor=actor, target=user, details=details)
        transaction.on_commit(lambda: _announce_departure(user, actor), robust=True)
    return Departure(successor, handed_over, unclaimed, sessions)


@transaction.atomic
def reactivate_person(user, *, actor) -> None:
    """Undo a deactivation (a mistake, or someone who came back). Pages that went to a
    successor stay with them; tokens that ended stay ended."""
    require_manage_leavers(actor)
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(AuditAction.PERSON_REACTIVATED, actor=actor, target=user)
    transaction.on_commit(lambda: bump_generation("content"), robust=True)


# --- directory sync ---------------------------------------------------------------------

#: The user's own fields among a person's directory attributes; the rest are the profile's.
USER_ATTRIBUTES = ("username", "email", "first_name", "last_name")
PROFILE_TEXT_ATTRIBUTES = ("job_title", "location", "phone")


class PersonAttributes(TypedDict, total=False):
    """What a directory (the HR export, an identity provider through SCIM) says about one
    person, validated. A key that is absent leaves that field as it is; "" or None clears
    it. `username` is required."""

    username: str
    email: str
    first_name: str
    last_name: str
    job_title: str
    location: str
    phone: str
    department: Department | None
    manager: AbstractBaseUser | None
    active: bool


@dataclass(frozen=True)
class Provisioned:
    """What `provision_person` did: whom, whether it made them, the fields it changed (as
    the audit log shows them) and whether they left or came back now."""

    user: AbstractBaseUser
    created: bool
    changes: dict[str, dict]
    deactivated: bool = False
    reactivated: bool = False

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changes) or self.deactivated or self.reactivated


class UsernameTaken(ValidationError):
    """Someone else already has the username a directory wants to give a person."""


def ensure_department(name: str) -> Department:
    """The department called `name` (case-insensitively), made at the top of the tree on
    first use: identity providers know departments only by name."""
    name = " ".join(name.split())[:200]
    return named_row(Department, name, slug_length=190, fallback="department")


def _audit_value(value) -> str | None:
    """A field's value as the audit log shows it: a person by username, a department by
    name."""
    if value is None:
        return None
    if hasattr(value, "get_username"):
        return value.get_username()
    return str(value)


def _set(obj, name: str, value, changes: dict[str, dict]) -> bool:
    """Set `obj.name` to `value` and note the change; False when it already had it."""
    before = getattr(obj, name)
    if before == value:
        return False
    setattr(obj, name, value)
    changes[name] = change(_audit_value(before), _audit_value(value))
    return True


@transaction.atomic
def provision_person(
    attributes: PersonAttributes,
    *,
    user=None,
    actor=None,
    manager_overrides: dict[int, int | None] | None = None,
    sweep_sessions: bool = True,
) -> Provisioned:
    """Create or update one person from directory attributes: the one write behind the HR
    import and directory sync (SCIM). `user` is the person to update (default: whoever has
    `attributes["username"]`, made if nobody has; a new person starts without a usable
    password, logging in through single sign-on or a password reset).

    Writes down PERSON_CREATED or PERSON_CHANGED with the fields before and after. A new
    manager that closes a reporting loop is refused (ValidationError; `manager_overrides`
    are the reporting lines a whole file is about to set, see `manager_would_loop`), and so
    is a username someone else has (UsernameTaken). `active` False deactivates the person
    (`deactivate_person`: pages to the manager, after the manager changed), True
    reactivates them. `actor` None is the system."""
    require_manage_leavers(actor)
    User = get_user_model()
    username = attributes["username"]
    if user is None:
        user = User.objects.filter(username=username).first()
    changes: dict[str, dict] = {}
    created = user is None
    if created:
        fields = {name: attributes.get(name) or "" for name in USER_ATTRIBUTES}
        user = User(is_active=attributes.get("active", True), **fields)
        user.set_unusable_password()
        user.save()
    else:
        if username != user.username and User.objects.filter(username=username).exists():
            raise UsernameTaken(_("“%(name)s” is taken by someone else.") % {"name": username})
        changed = [
            name
            for name in USER_ATTRIBUTES
            if name in attributes and _set(user, name, attributes[name] or "", changes)
        ]
        if changed:
            user.save(update_fields=changed)
    profile = Profile.for_user(user)
    changed = [
        name
        for name in PROFILE_TEXT_ATTRIBUTES
        if name in attributes and _set(profile, name, attributes[name] or "", changes)
    ]
    if "department" in attributes and _set(
        profile, "department", attributes["department"], changes
    ):
        changed.append("department")
    if "manager" in attributes:
        manager = attributes["manager"]
        if manager is not None and (
            manager.pk == user.pk or manager_would_loop(user.pk, manager.pk, manager_overrides)
        ):
            raise ValidationError(
                _("Manager “%(m)s” makes a reporting loop.") % {"m": manager.get_username()}
            )
        if _set(profile, "manager", manager, changes):
            changed.append("manager")
    if changed:
        profile.save(update_fields=changed)
    if created:
        details = {
            name: _audit_value(value)
            for name, value in attributes.items()
            if value not in (None, "")
        }
        record(AuditAction.PERSON_CREATED, actor=actor, target=user, details=details)
        return Provisioned(user, created=True, changes={})
    if changes:
        record(AuditAction.PERSON_CHANGED, actor=actor, target=user, details=changes)
    active = attributes.get("active")
    if active is False and user.is_active:
        deactivate_person(user, actor=actor, sweep_sessions=sweep_sessions)
        return Provisioned(user, created=False, changes=changes, deactivated=True)
    if active is True and not user.is_active:
        reactivate_person(user, actor=actor)
        return Provisioned(user, created=False, changes=changes, reactivated=True)
    return Provisioned(user, created=False, changes=changes)


IMPORT_COLUMNS = [
    "username",
    "email",
    "first_name",
    "last_name",
    "job_title",
    "department",
    "manager",
    "location",
    "phone",
]
# Columns a file may have besides: `active` (yes/no; empty or absent leaves it as it is).
OPTIONAL_IMPORT_COLUMNS = ["active"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _form_errors(form) -> str:
    return "; ".join(
        f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
        for name, messages in form.errors.items()
    )


def import_people(text: str, *, dry_run: bool = False) -> ImportReport:
    """Create or update people, their departments and managers from an HR CSV export, and
    deactivate the people who left (`active` "no": `deactivate_person`, their pages going
    to the manager the file names) or reactivate those who came back.

    Every row is validated first (with `ImportRowForm`), then the whole file is applied in
    one transaction; a file with any bad row changes nothing."""
    from profiles.forms import ImportRowForm

    User = get_user_model()
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {(c or "").strip() for c in (reader.fieldnames or [])}
    missing = set(IMPORT_COLUMNS) - columns
    if missing:
        report.errors.append(
            (1, _("Missing columns: %(cols)s") % {"cols": ", ".join(sorted(missing))})
        )
        return report

    rows: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        raw = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        form = ImportRowForm(data=raw)
        if not form.is_valid():
            report.errors.append((line, _form_errors(form)))
            continue
        username = form.cleaned_data["username"]
        if username in seen:
            report.errors.append(
                (line, _("“%(u)s” is also on line %(l)s.") % {"u": username, "l": seen[username]})
            )
            continue
        seen[username] = line
        rows.append((line, form.cleaned_data))

    existing = {u.username: u for u in User.objects.filter(username__in=list(seen))}
    managers_named = {row["manager"] for _line, row in rows if row["manager"]}
    known_managers = set(
        User.objects.filter(username__in=managers_named).values_list("username", flat=True)
    ) | set(seen)
    for line, row in rows:
        if row["manager"] and row["manager"] not in known_managers:
            report.errors.append((line, _("Unknown manager “%(m)s”.") % {"m": row["manager"]}))
        elif row["manager"] == row["username"]:
            report.errors.append((line, _("Nobody can be their own manager.")))
    if report.errors:
        return report

    try:
        with transaction.atomic():
            _apply_rows(rows, existing, report)
            if report.errors or dry_run:
                transaction.set_rollback(True)
    except ValidationError as exc:  # pragma: no cover - rows were validated above
        report.errors.append((0, " ".join(exc.messages)))
    return report


def _apply_rows(rows, existing, report: ImportReport) -> None:
    """Apply validated rows through `provision_person`, in three passes: everyone's own
    fields (so that every manager the file names exists), then managers, then leavers (so
    that their pages go to the manager this file names)."""
    users: dict[str, AbstractBaseUser] = {}
    changed: set[str] = set()
    for _line, row in rows:
        attributes: PersonAttributes = {"username": row["username"]}
        for name in ("email", "first_name", "last_name", "job_title", "location", "phone"):
            if row[name]:  # an empty cell leaves the field as it is
                attributes[name] = row[name]
        if row["department"]:
            attributes["department"] = row["department"]
        if row["username"] not in existing:
            # Someone who left before they were ever imported only keeps their name here.
            attributes["active"] = row["active"] is not False
        result = provision_person(attributes, user=existing.get(row["username"]))
        users[row["username"]] = result.user
        if result.created:
            report.created.append(row["username"])
        elif result.changed:
            changed.add(row["username"])
    changed |= _apply_managers(rows, users, report)
    changed |= _apply_departures(rows, users, report)
    for _line, row in rows:
        if row["username"] not in report.created:
            (report.updated if row["username"] in changed else report.skipped).append(
                row["username"]
            )


def _apply_managers(rows, users: dict, report: ImportReport) -> set[str]:
    """Set the managers the file names; loops are checked against the file's new reporting
    lines, not just the database's old ones. Returns who changed."""
    named = {r["manager"] for _l, r in rows if r["manager"]}
    managers = get_user_model().objects.filter(username__in=named - set(users))
    managers = {u.username: u for u in managers} | users
    overrides = {
        users[r["username"]].pk: managers[r["manager"]].pk for _l, r in rows if r["manager"]
    }
    changed = set()
    for line, row in rows:
        if not row["manager"]:
            continue
        attributes = {"username": row["username"], "manager": managers[row["manager"]]}
        try:
            result = provision_person(
                attributes, user=users[row["username"]], manager_overrides=overrides
            )
        except ValidationError as error:
            report.errors.append((line, " ".join(error.messages)))
            continue
        if result.changed:
            changed.add(row["username"])
    return changed


def _apply_departures(rows, users: dict, report: ImportReport) -> set[str]:
    """Deactivate the leavers and reactivate those who came back; the sessions of all
    leavers are swept in one pass. Returns who changed."""
    changed = set()
    for _line, row in rows:
        if row["username"] in report.created or row["active"] is None:
            continue
        attributes = {"username": row["username"], "active": row["active"]}
        result = provision_person(attributes, user=users[row["username"]], sweep_sessions=False)
        if result.deactivated:
            report.deactivated.append(row["username"])
        elif result.reactivated:
            report.reactivated.append(row["username"])
        if result.changed:
            changed.add(row["username"])
    if report.deactivated:
        end_sessions([users[username].pk for username in report.deactivated])
    return changed
