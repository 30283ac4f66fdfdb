"""Every write to people data goes through one function here (views, commands, demo)."""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from profiles.models import (
    Endorsement,
    Profile,
    ProfileSkill,
    Skill,
    SpokenLanguage,
    manager_would_loop,
)
from search.index_queue import index_after_commit


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


# --- directory sync ---------------------------------------------------------------------

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


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
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
    """Create or update people, their departments and managers from an HR CSV export.

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
    User = get_user_model()
    by_username: dict[str, Profile] = {}
    for _line, row in rows:
        user = existing.get(row["username"])
        fields = {k: row[k] for k in ("email", "first_name", "last_name") if row[k]}
        if user is None:
            user = User(username=row["username"], **fields)
            user.set_unusable_password()  # they log in through SSO or reset their password
            user.save()
            report.created.append(user.username)
            changed = True
        else:
            changed = any(getattr(user, k) != v for k, v in fields.items())
            if changed:
                for k, v in fields.items():
                    setattr(user, k, v)
                user.save(update_fields=list(fields))
        profile = Profile.for_user(user)
        for name in ("job_title", "location", "phone"):
            if row[name] and getattr(profile, name) != row[name]:
                setattr(profile, name, row[name])
                changed = True
        if row["department"] and profile.department_id != row["department"].pk:
            profile.department = row["department"]
            changed = True
        profile.save()
        by_username[user.username] = profile
        if user.username not in report.created:
            (report.updated if changed else report.skipped).append(user.username)

    # Managers last, once everyone in the file exists; loops are checked against the file's
    # new reporting lines, not just the database's old ones.
    users = {
        u.username: u.pk
        for u in User.objects.filter(
            username__in={r["manager"] for _l, r in rows if r["manager"]} | set(by_username)
        )
    }
    overrides = {users[r["username"]]: users[r["manager"]] for _l, r in rows if r["manager"]}
    for line, row in rows:
        if not row["manager"]:
            continue
        profile = by_username[row["username"]]
        manager_id = users[row["manager"]]
        if manager_would_loop(profile.user_id, manager_id, overrides):
            report.errors.append(
                (line, _("Manager “%(m)s” makes a reporting loop.") % {"m": row["manager"]})
            )
            continue
        if profile.manager_id != manager_id:
            profile.manager_id = manager_id
            profile.save(update_fields=["manager"])
            if row["username"] in report.skipped:
                report.skipped.remove(row["username"])
                report.updated.append(row["username"])
