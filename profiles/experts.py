"""The expert finder: who knows about a topic, and why we think so.

Evidence comes from declared skills (level and endorsements) and from what the person
contributed about the query: each kind of contribution the content apps register
(`intranet.contributions`) counts it, and only what the viewer may see (intranet.access),
so a hit never hints at a private space's pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intranet.contributions import contribution_kinds
from profiles.models import ProfileSkill, SkillLevel

# People found by name beyond this many add no evidence.
MAX_NAME_MATCHES = 4000
NAME_MATCH_SCORE = 50
LEVEL_SCORE = 5
ENDORSEMENT_SCORE = 2


@dataclass
class Evidence:
    score: int = 0
    name_match: bool = False
    skills: list[ProfileSkill] = field(default_factory=list)  # annotated endorsement_count
    contributions: dict[str, int] = field(default_factory=dict)  # count per kind's name

    def explain(self, query: str) -> str:
        """'Skill: Kubernetes (expert, 4 endorsements) · 3 posts · 7 wiki edits about …'.

        A person found only by name or title gets no explanation: the card says who they are."""
        parts = []
        for ps in self.skills:
            endorsements = ngettext(
                "%(n)s endorsement", "%(n)s endorsements", ps.endorsement_count
            ) % {"n": ps.endorsement_count}
            parts.append(
                _("Skill: %(skill)s (%(level)s, %(endorsements)s)")
                % {
                    "skill": ps.skill.name,
                    "level": SkillLevel(ps.level).label,
                    "endorsements": endorsements,
                }
            )
        for kind in contribution_kinds():
            if count := self.contributions.get(kind.name):
                parts.append(kind.describe(count, query))
        return " · ".join(parts)


def query_words(query: str) -> list[str]:
    return [w for w in query.split() if len(w) >= 2][:8]


def gather_evidence(viewer, query: str, people: QuerySet) -> dict[int, Evidence]:
    """Evidence per user id for everyone in `people` who knows about `query`."""
    words = query_words(query)
    if not words:
        return {}
    evidence: dict[int, Evidence] = {}

    def of(user_id: int) -> Evidence:
        return evidence.setdefault(user_id, Evidence())

    # Names, titles and "ask me about": every word must match somewhere on the person.
    named = people
    for word in words:
        named = named.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(profile__job_title__icontains=word)
            | Q(profile__ask_me_about__icontains=word)
            | Q(profile__department__name__icontains=word)
        )
    for user_id in named.values_list("pk", flat=True)[:MAX_NAME_MATCHES]:
        ev = of(user_id)
        ev.name_match = True
        ev.score += NAME_MATCH_SCORE

    skill_match = Q()
    for word in words:
        skill_match |= Q(skill__name__icontains=word)
    skills = (
        ProfileSkill.objects.filter(skill_match, profile__user__in=people.values("pk"))
        .select_related("skill", "profile")
        .annotate(endorsement_count=Count("endorsements"))
        .order_by("-level", "skill__name")
    )
    for ps in skills:
        ev = of(ps.profile.user_id)
        ev.skills.append(ps)
        ev.score += ps.level * LEVEL_SCORE + ps.endorsement_count * ENDORSEMENT_SCORE

    # What they contributed about it, counted by the app that holds each kind, only where
    # the viewer may see it.
    for kind in contribution_kinds():
        for user_id, count in kind.count_about(viewer, query, words, people).items():
            ev = of(user_id)
            ev.contributions[kind.name] = ev.contributions.get(kind.name, 0) + count
            ev.score += count * kind.weight
    return evidence


def rank(evidence: dict[int, Evidence]) -> list[int]:
    """User ids, strongest evidence first (ties by user id, so pages stay stable)."""
    return sorted(evidence, key=lambda user_id: (-evidence[user_id].score, user_id))
