"""The "complete your profile" step: what a new colleague has not told yet. Sign-up leads
to the step's page (`intranet.accounts`), and home shows a card until nothing is missing."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from profiles.models import Department, Profile, ProfileSkill, SpokenLanguage

# What colleagues look for first, in the order the card names them.
PARTS = {
    "photo": _("a photo"),
    "job_title": _("your job title"),
    "department": _("your department"),
    "skills": _("your skills"),
    "languages": _("the languages you speak"),
}


def missing_parts(user) -> list[str]:
    """The labels of the PARTS `user`'s profile lacks, in one query. A department is only
    asked for where the company has departments."""
    profile = (
        Profile.objects.filter(user=user)
        .annotate(
            has_skills=Exists(ProfileSkill.objects.filter(profile=OuterRef("pk"))),
            has_languages=Exists(SpokenLanguage.objects.filter(profile=OuterRef("pk"))),
            departments_exist=Exists(Department.objects.all()),
        )
        .first()
    )
    if profile is None:
        return list(PARTS.values())
    present = {
        "photo": bool(profile.photo),
        "job_title": bool(profile.job_title),
        "department": profile.department_id is not None or not profile.departments_exist,
        "skills": profile.has_skills,
        "languages": profile.has_languages,
    }
    return [label for part, label in PARTS.items() if not present[part]]
