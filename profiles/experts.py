"""The expert finder: who knows about a topic, and why we think so.

Evidence comes from declared skills (level and endorsements) and from content the person
wrote or edited that the search index finds for the query. Content only counts when the
viewer may see it (intranet.access), so a hit never hints at a private space's pages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Revision

from intranet.access import searchable_pages
from profiles.models import ProfileSkill, SkillLevel
from search.query import counts_by, matching_keys

# Hits are counted, not ranked, so the search skips relevance scoring (most of its cost);
# documents beyond this many add no evidence.
MAX_HITS = 4000
NAME_MATCH_SCORE = 50
LEVEL_SCORE = 5
ENDORSEMENT_SCORE = 2
POST_SCORE = 3
WIKI_EDIT_SCORE = 1
COMMENT_SCORE = 1


@dataclass
class Evidence:
    score: int = 0
    name_match: bool = False
    skills: list[ProfileSkill] = field(default_factory=list)  # annotated endorsement_count
    posts: int = 0
    wiki_edits: int = 0
    comments: int = 0

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
        if self.posts:
            parts.append(ngettext("%(n)s post", "%(n)s posts", self.posts) % {"n": self.posts})
        if self.wiki_edits:
            parts.append(
                ngettext(
                    "%(n)s wiki edit about %(q)s", "%(n)s wiki edits about %(q)s", self.wiki_edits
                )
                % {"n": self.wiki_edits, "q": query}
            )
        if self.comments:
            parts.append(
                ngettext("%(n)s comment", "%(n)s comments", self.comments) % {"n": self.comments}
            )
        return " · ".join(parts)


def query_words(query: str) -> list[str]:
    return [w for w in query.split() if len(w) >= 2][:8]


def _found(viewer, model, query: str):
    """The viewer's search over one page model, visibility filtered inside the index."""
    return searchable_pages(viewer, model=model).search(
        query, operator="or", order_by_relevance=False
    )


def gather_evidence(viewer, query: str, people: QuerySet) -> dict[int, Evidence]:
    """Evidence per user id for everyone in `people` who knows about `query`."""
    from blogs.models import BlogPostPage, Comment
    from wiki.models import WikiPage

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
    for user_id in named.values_list("pk", flat=True)[:MAX_HITS]:
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

    # Content the viewer may see, counted in the index: posts per author in one pass (a facet
    # on the owner), the ids of matching wiki pages for their revisions' authors.
    person_ids = set(people.values_list("pk", flat=True))
    for owner_id, n in counts_by(_found(viewer, BlogPostPage, query), "owner_id").items():
        if owner_id in person_ids:
            ev = of(owner_id)
            ev.posts += n
            ev.score += n * POST_SCORE

    wiki_ids = [str(pk) for pk in matching_keys(_found(viewer, WikiPage, query), MAX_HITS)]
    edits = (
        Revision.page_revisions.filter(object_id__in=wiki_ids, user__in=people.values("pk"))
        .values("user_id")
        .annotate(n=Count("pk"))
        if wiki_ids
        else []
    )
    for row in edits:
        ev = of(row["user_id"])
        ev.wiki_edits += row["n"]
        ev.score += row["n"] * WIKI_EDIT_SCORE

    # Comments are not in the search index; a plain text match on the visible ones.
    comment_match = Q()
    for word in words:
        comment_match |= Q(body__icontains=word)
    comments = (
        Comment.visible_to(viewer)
        .filter(comment_match, is_hidden=False, author__in=people.values("pk"))
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    for row in comments:
        ev = of(row["author_id"])
        ev.comments += row["n"]
        ev.score += row["n"] * COMMENT_SCORE
    return evidence


def rank(evidence: dict[int, Evidence]) -> list[int]:
    """User ids, strongest evidence first (ties by user id, so pages stay stable)."""
    return sorted(evidence, key=lambda user_id: (-evidence[user_id].score, user_id))
