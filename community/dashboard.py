"""The success dashboard's figures: counts only, never who read what."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import ActiveReader, Activity, Follow, ReadCount, week_start

WRITING = [
    Activity.Kind.POST,
    Activity.Kind.WIKI_CREATED,
    Activity.Kind.WIKI_EDITED,
    Activity.Kind.COMMENT,
]


@dataclass
class Series:
    title: str
    rows: list[tuple[str, int]]

    @property
    def peak(self) -> int:
        return max((v for _, v in self.rows), default=0) or 1


def figures(space=None, weeks: int = 12) -> dict:
    """Every figure of the dashboard; `space` narrows it to one space (for space admins)."""
    since = week_start(timezone.localdate() - timedelta(weeks=weeks - 1))
    activity = Activity.objects.filter(created_at__date__gte=since)
    reads = ReadCount.objects.filter(week__gte=since)
    if space is not None:
        activity = activity.filter(space=space)
        reads = reads.filter(page__path__startswith=space.path)

    week_labels = [since + timedelta(weeks=i) for i in range(weeks)]
    writers = dict(
        activity.filter(kind__in=WRITING)
        .annotate(week=TruncWeek("created_at"))
        .values_list("week")
        .annotate(n=Count("actor", distinct=True))
        .values_list("week", "n")
    )
    writers = {k.date() if hasattr(k, "date") else k: v for k, v in writers.items()}
    readers = dict(
        ActiveReader.objects.filter(week__gte=since)
        .values_list("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    )
    result = {
        "writers": Series(
            _("Active writers per week"), [(w.isoformat(), writers.get(w, 0)) for w in week_labels]
        ),
        "readers": Series(
            _("Active readers per week (whole intranet)"),
            [(w.isoformat(), readers.get(w, 0)) for w in week_labels],
        ),
        "by_department": Series(
            _("Posts and wiki edits per department"),
            [
                (name or "—", n)
                for name, n in activity.filter(kind__in=WRITING[:3])
                .values_list("actor__profile__department__name")
                .annotate(n=Count("id"))
                .order_by("-n")[:15]
            ],
        ),
        "by_space": Series(
            _("Posts and wiki edits per space"),
            [
                (title or "—", n)
                for title, n in activity.filter(kind__in=WRITING[:3], space__isnull=False)
                .values_list("space__title")
                .annotate(n=Count("id"))
                .order_by("-n")[:15]
            ],
        ),
        "most_read": Series(
            _("Most-read content"),
            [
                (title, n)
                for title, n in reads.values_list("page__title")
                .annotate(n=Sum("count"))
                .order_by("-n")[:10]
            ],
        ),
    }
    if space is None:
        result.update(company_figures())
    return result


def company_figures() -> dict:
    User = get_user_model()
    employees = User.objects.filter(is_active=True)
    total = employees.count()
    complete = employees.exclude(
        Q(profile__job_title="")
        | Q(profile__department=None)
        | Q(profile__photo="")
        | Q(profile__bio="")
    ).count()
    feeds = 0
    if apps.is_installed("feeds"):
        try:
            FeedToken = apps.get_model("feeds", "FeedToken")
            feeds = FeedToken.objects.count()
        except LookupError:
            feeds = 0
    pairs = Counter()
    for a, b in Follow.objects.filter(kind="person").values_list(
        "user__profile__department__name", "person__profile__department__name"
    ):
        pairs["same" if a == b else "across"] += 1
    cross = [
        (f"{a or '—'} → {b or '—'}", n)
        for (a, b), n in Counter(
            Follow.objects.filter(kind="person")
            .exclude(user__profile__department=None)
            .values_list("user__profile__department__name", "person__profile__department__name")
        ).most_common(10)
    ]
    return {
        "profile_share": round(100 * complete / total) if total else 0,
        "profile_counts": (complete, total),
        "feed_subscriptions": feeds,
        "zero_result_searches": zero_result_searches(),
        "follows_same": pairs["same"],
        "follows_across": pairs["across"],
        "follow_graph": Series(_("Who follows whom, by department"), cross),
    }


def zero_result_searches(limit: int = 15) -> Series:
    """What people look for and do not find (the search app counts them, without names)."""
    from search.models import searches_without_results

    rows = searches_without_results(limit)
    return Series(_("Searches with no results"), [(row.query, row.count) for row in rows])
