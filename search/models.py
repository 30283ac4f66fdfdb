"""Search analytics: what people look for and do not find.

Only the normalised query text is kept, with a count and when it was last searched; never
who searched, so the list can be shown to site admins without exposing anyone.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Stored queries are cut to this length; longer ones are cut by the search page anyway.
MAX_STORED_QUERY = 200


def normalize_for_stats(query: str) -> str:
    """One row per query however it was typed: lowercase, single spaces."""
    return " ".join(query.lower().split())[:MAX_STORED_QUERY]


class ZeroResultQuery(models.Model):
    """A query that found nothing, how often, and when it was last searched."""

    query = models.CharField(_("query"), max_length=MAX_STORED_QUERY, unique=True)
    count = models.PositiveIntegerField(_("searches"), default=0)
    first_seen = models.DateTimeField(_("first searched"), default=timezone.now)
    last_seen = models.DateTimeField(_("last searched"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        ordering = ["-count", "-last_seen"]

    def __str__(self) -> str:
        return f"{self.query} ({self.count})"

    @classmethod
    def record(cls, query: str) -> None:
        """Count one more search for `query` that found nothing."""
        text = normalize_for_stats(query)
        if not text:
            return
        now = timezone.now()
        # An UPDATE with F() first, so two processes counting at once both count; the
        # row is created only the first time.
        updated = cls.objects.filter(query=text).update(count=F("count") + 1, last_seen=now)
        if not updated:
            _, created = cls.objects.get_or_create(
                query=text, defaults={"count": 1, "first_seen": now, "last_seen": now}
            )
            if not created:
                cls.objects.filter(query=text).update(count=F("count") + 1, last_seen=now)


def searches_without_results(
    limit: int = 20, since: timezone.datetime | None = None
) -> models.QuerySet[ZeroResultQuery]:
    """The most frequent searches that found nothing (optionally last searched since
    `since`): for the admin report and the success dashboard."""
    rows = ZeroResultQuery.objects.all()
    if since is not None:
        rows = rows.filter(last_seen__gte=since)
    return rows.order_by("-count", "-last_seen")[:limit]
