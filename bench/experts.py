"""`python -m bench.experts [--docs 20000]`: the expert finder's own time, query by query.

Seeds (or reuses) the data set of `python -m bench --docs N` (var/bench-<docs>/, production
settings; one person per ten documents, with skills), then times what the directory does for
`/people/?q=...`: `profiles.experts.gather_evidence` over the directory's people, `rank`,
and `explain` for the first page of hits, --runs times per query, as the bench user (an
ordinary employee kept out of most members-only spaces) unless --viewer names another. Prints
p50 and p95 per query and overall, beside the expert finder's target from bench/targets.py.
The search index must exist: run `python -m bench` on the data set first, or leave out
--skip-index.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from bench.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUERIES = ["kubernetes", "onboarding", "security", "medien", "accessibility", "excel"]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.experts", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docs", type=int, default=20_000, help="documents to seed (20000)")
    parser.add_argument("--data-dir", type=Path, help="where the data set lives")
    parser.add_argument("--fresh", action="store_true", help="seed again even if data exists")
    parser.add_argument("--skip-index", action="store_true", help="reuse the built index")
    parser.add_argument("--runs", type=int, default=20, help="runs per query (20)")
    parser.add_argument("--viewer", help="username to search as (the bench user)")
    parser.add_argument(
        "--query",
        action="append",
        dest="queries",
        metavar="WORDS",
        help="a query to time (repeatable; default: six common ones)",
    )
    args = parser.parse_args(argv)
    if args.docs < 100 or args.runs < 1:
        parser.error("--docs must be at least 100; --runs at least 1")
    return args


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def time_query(user, query: str, runs: int) -> tuple[list[float], int]:
    """Milliseconds of each run, and how many people the query ranked."""
    from profiles import experts
    from profiles.views import PER_PAGE, people_for_directory

    timings, ranked = [], []
    for _run in range(runs):
        start = time.perf_counter()
        evidence = experts.gather_evidence(user, query, people_for_directory({}))
        ranked = experts.rank(evidence)
        for user_id in ranked[:PER_PAGE]:
            evidence[user_id].explain(query)
        timings.append((time.perf_counter() - start) * 1000)
    return timings, len(ranked)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = (args.data_dir or ROOT / "var" / f"bench-{args.docs}").resolve()
    from bench.__main__ import configure_environment, prepare_data, time_index_rebuild

    env = configure_environment(data_dir)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from bench.seed_scale import BENCH_USER

    options = argparse.Namespace(
        fresh=args.fresh, docs=args.docs, people=None, spaces=None, activities=None
    )
    made = prepare_data(options, data_dir)
    if not args.skip_index:
        print("bench experts: rebuilding the search index", flush=True)
        if not time_index_rebuild(env)["ok"]:
            print("bench experts: update_index failed", file=sys.stderr)
            return 1
    viewer = args.viewer or BENCH_USER
    user = get_user_model().objects.filter(username=viewer).first()
    if user is None:
        print(f"bench experts: no user {viewer!r} in {data_dir}", file=sys.stderr)
        return 2
    people = get_user_model().objects.filter(is_active=True).count()
    print(
        f"bench experts: {made.get('documents')} documents, {people} people, viewer {viewer}, "
        f"{args.runs} runs each"
    )
    target = TARGETS["expert_finder_p50_ms"]
    everything: list[float] = []
    for query in args.queries or DEFAULT_QUERIES:
        timings, found = time_query(user, query, args.runs)
        everything += timings
        print(
            f"{query:<16} p50 {statistics.median(timings):7.1f} ms   "
            f"p95 {percentile(timings, 95):7.1f} ms   {found} people"
        )
    p50 = statistics.median(everything)
    print(
        f"{'all':<16} p50 {p50:7.1f} ms   p95 {percentile(everything, 95):7.1f} ms   "
        f"{target.verdict(p50)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
