"""`manage.py bench_experts`: time the expert finder on the data that exists.

Seed first at the size to measure, e.g. `seed_demo --people 2000 --posts 10000 --wiki 10000`
(20,000 documents), then run this; it prints p50/p95 per query and overall."""

from __future__ import annotations

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from profiles import experts
from profiles.views import PER_PAGE, people_for_directory

DEFAULT_QUERIES = ["kubernetes", "onboarding", "security", "medien", "accessibility", "excel"]


class Command(BaseCommand):
    help = "Measure expert finder latency (p50/p95) on the current database and index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--viewer", default="ben", help="Username to search as.")
        parser.add_argument("--query", action="append", dest="queries")

    def handle(self, *args, runs: int, viewer: str, queries: list[str] | None, **options):
        from blogs.models import BlogPostPage
        from wiki.models import WikiPage

        user = get_user_model().objects.filter(username=viewer).first()
        if user is None:
            raise CommandError(f"No user {viewer!r}; run seed_demo first or pass --viewer.")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        docs = BlogPostPage.objects.live().count() + WikiPage.objects.live().count()
        people = get_user_model().objects.filter(is_active=True).count()
        self.stdout.write(f"{docs} documents, {people} people, viewer {viewer}, {runs} runs each")
        everything = []
        for query in queries or DEFAULT_QUERIES:
            timings = []
            for _run in range(runs):
                start = time.perf_counter()
                evidence = experts.gather_evidence(user, query, people_for_directory({}))
                ranked = experts.rank(evidence)
                for user_id in ranked[:PER_PAGE]:
                    evidence[user_id].explain(query)
                timings.append((time.perf_counter() - start) * 1000)
            everything += timings
            self.stdout.write(
                f"{query:<16} p50 {statistics.median(timings):7.1f} ms   "
                f"p95 {percentile(timings, 95):7.1f} ms   {len(ranked)} people"
            )
        self.stdout.write(
            f"{'all':<16} p50 {statistics.median(everything):7.1f} ms   "
            f"p95 {percentile(everything, 95):7.1f} ms"
        )


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]
