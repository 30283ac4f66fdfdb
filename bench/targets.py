"""Every benchmark's targets, in one table: each benchmark reads its limits from here and
prints them beside its figures, so a target is changed in one place.

Each entry says what is measured, the limit, and whether the figure must stay at most (`≤`)
or reach at least (`≥`) it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    limit: float
    unit: str
    what: str
    at_least: bool = False  # True: the figure must reach the limit (rates); else stay under

    def met(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit

    def __str__(self) -> str:
        """`≤ 50 ms`, `≥ 300 docs/s`: what `target` means beside a figure."""
        limit = f"{self.limit:g}" if self.limit < 1000 else f"{self.limit:,.0f}"
        return f"{'≥' if self.at_least else '≤'} {limit} {self.unit}".rstrip()

    def verdict(self, value: float) -> str:
        """`ok (target ≤ 50 ms)` or `over (target ≤ 50 ms)` / `under (...)`."""
        if self.met(value):
            return f"ok (target {self})"
        return f"{'under' if self.at_least else 'over'} (target {self})"


TARGETS: dict[str, Target] = {
    # python -m bench: server time and queries per page, memory of the web workers.
    "page_p50_ms": Target(50, "ms", "median server time of a page"),
    "home_p50_ms": Target(80, "ms", "median server time of the home page"),
    "expert_finder_p50_ms": Target(100, "ms", "median time of the expert finder"),
    "page_queries": Target(25, "queries", "database queries per page request"),
    "worker_rss_mb": Target(250, "MB", "resident memory of a web worker after the load"),
    # python -m bench (index rebuild), bench.search, bench.whoosh_scale.
    "index_docs_per_second": Target(300, "docs/s", "search index rebuild", at_least=True),
    # python -m bench.search: the search page's path.
    "search_p50_ms_20k": Target(30, "ms", "median search at 20,000 documents"),
    "search_p95_ms_20k": Target(100, "ms", "95th percentile search at 20,000 documents"),
    "search_p50_ms_100k": Target(60, "ms", "median search at 100,000 documents"),
    "publish_to_searchable_ms": Target(1000, "ms", "publish until search finds the page"),
    # python -m bench.digest: the daily digest through the task worker.
    "digest_worker_rss_mb": Target(250, "MB", "peak memory of the digest worker"),
    "digest_memory_growth": Target(1.5, "×", "worker memory, largest over smallest round"),
    # python -m bench.wiki_diff: side-by-side diff of two 50 KB revisions.
    "wiki_diff_ms": Target(200, "ms", "diff of two 50 KB wiki revisions, worst case"),
}

# Pages of `python -m bench` with a p50 target of their own; every other page has
# TARGETS["page_p50_ms"].
PAGE_TARGETS = {"home": "home_p50_ms", "expert finder": "expert_finder_p50_ms"}


def page_p50_target(name: str) -> Target:
    return TARGETS[PAGE_TARGETS.get(name, "page_p50_ms")]


def search_p50_target(docs: int) -> Target:
    """The search p50 target for a data set of `docs` documents."""
    return TARGETS["search_p50_ms_20k" if docs <= 20_000 else "search_p50_ms_100k"]


def as_json() -> dict[str, dict]:
    """The table for a results file."""
    return {
        name: {"limit": t.limit, "unit": t.unit, "at_least": t.at_least, "what": t.what}
        for name, t in TARGETS.items()
    }
