"""`python -m bench.search --docs 20000`: the search page's figures, Whoosh against the database.

Seeds (or reuses) a scale data set with the production engineer's bulk seeder in its own data
directory (var/bench-search-<docs>/), then prints:

1. rebuild: `manage.py update_index` for the Whoosh index and for Wagtail's database backend,
   documents per second;
2. query time: 200 mixed one-to-three-word queries through the full path the search page
   takes (`search.query.search_content`: permission filter for an ordinary employee who is
   kept out of some members-only spaces, first page of hits loaded, snippets, people), with
   facets off and on, p50 and p95 on each backend, and Whoosh's time as a ratio of the
   database backend's;
3. publish-to-searchable: publishing one wiki page through Wagtail (immediate task backend)
   until `search_content` finds it on Whoosh.

Figures are printed beside their targets from bench/targets.py, not asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.targets import TARGETS, search_p50_target

ROOT = Path(__file__).resolve().parent.parent
QUERY_COUNT = 200
# Words a colleague might type, English and German, some in another form than the text's.
EXTRA_WORDS = [
    "report", "budget", "antrag", "anträge", "medien", "published", "meeting", "plan",
    "security", "kunde", "projekt", "onboarding", "policy", "team", "release", "server",
]  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docs", type=int, default=20_000, help="documents to seed (20000)")
    parser.add_argument("--queries", type=int, default=QUERY_COUNT, help="queries (200)")
    parser.add_argument("--data-dir", type=Path, help="where the data set lives")
    parser.add_argument("--fresh", action="store_true", help="seed again even if data exists")
    parser.add_argument("--skip-index", action="store_true", help="reuse the built indexes")
    parser.add_argument("--seed", type=int, default=7, help="random seed for the queries")
    return parser.parse_args(argv)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def rebuild(env: dict[str, str], backend: str) -> dict:
    """Time `update_index` in a subprocess with SEARCH_BACKEND=`backend`."""
    from wagtail.models import Page

    documents = Page.objects.live().count()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "update_index"],
        cwd=ROOT,
        env={**os.environ, **env, "SEARCH_BACKEND": backend},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        print(completed.stderr[-2000:])
        return {"ok": False, "seconds": seconds, "docs": documents, "docs_per_second": 0.0}
    return {
        "ok": True,
        "seconds": seconds,
        "docs": documents,
        "docs_per_second": documents / seconds,
    }


def make_queries(count: int, seed: int) -> list[str]:
    """Mixed 1-3 word queries from words of the data set's titles and a few common words."""
    from intranet.models import IntranetPage

    rng = random.Random(seed)
    titles = list(IntranetPage.objects.order_by("?").values_list("title", flat=True)[:2000])
    words = sorted({w.strip(".,:;!?()").lower() for t in titles for w in t.split() if len(w) > 3})
    words += EXTRA_WORDS
    return [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(count)]


def bench_user():
    """An active employee who is not a member of every members-only space (so the
    permission filter excludes something) and not a superuser."""
    from django.contrib.auth import get_user_model

    from intranet.access import hidden_space_ids

    for user in get_user_model().objects.filter(is_active=True, is_superuser=False)[:200]:
        if hidden_space_ids(user):
            return user
    return get_user_model().objects.filter(is_active=True, is_superuser=False).first()


def time_queries(user, queries: list[str], facets: bool) -> dict:
    from search.query import search_content

    def run(q: str) -> None:
        results = search_content(user, q, facets=facets)
        if results.page is not None:
            list(results.page.object_list)

    for q in queries[:10]:  # warm caches (searcher, stems, content types)
        run(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        run(q)
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}


def on_backend(config: dict) -> Callable:
    from django.test.utils import override_settings

    return override_settings(
        WAGTAILSEARCH_BACKENDS={"default": config}, MODELSEARCH_BACKENDS={"default": config}
    )


def publish_to_searchable(user) -> float:
    """Seconds from publishing a new wiki page until the search page's service finds it."""
    from intranet.access import visible_spaces
    from search.query import search_content
    from wiki.models import WikiPage

    space = visible_spaces(user).first()
    word = f"zqx{random.randint(100000, 999999)}"
    page = WikiPage(title=f"Bench {word}", body=f"<p>{word} fresh page</p>", owner=user)
    started = time.perf_counter()
    space.add_child(instance=page)
    page.save_revision(user=user).publish(user=user, skip_permission_checks=True)
    while time.perf_counter() - started < 10:
        if search_content(user, word, facets=False).total:
            break
        time.sleep(0.01)
    seconds = time.perf_counter() - started
    page.delete()
    return seconds


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = (args.data_dir or ROOT / "var" / f"bench-search-{args.docs}").resolve()
    os.environ["SEARCH_BACKEND"] = "whoosh"
    from bench.__main__ import configure_environment, prepare_data

    env = configure_environment(data_dir)
    env["SEARCH_BACKEND"] = "whoosh"
    import django

    django.setup()
    from django.conf import settings

    # The shared seeder's options beyond these keep their defaults ("no top-up").
    options = argparse.Namespace(
        fresh=args.fresh, docs=args.docs, people=None, spaces=None, activities=None
    )
    made = prepare_data(options, data_dir)
    whoosh_config = settings.WAGTAILSEARCH_BACKENDS["default"]
    database_config = {"BACKEND": "wagtail.search.backends.database"}

    print(f"search bench: {args.docs} documents seeded ({made.get('documents')}), {data_dir}")
    rebuilds = {}
    if not args.skip_index:
        for name in ("whoosh", "database"):
            print(f"search bench: rebuilding the {name} index", flush=True)
            rebuilds[name] = rebuild(env, name)

    user = bench_user()
    queries = make_queries(args.queries, args.seed)
    timings: dict[tuple[str, bool], dict] = {}
    for name, config in (("whoosh", whoosh_config), ("database", database_config)):
        with on_backend(config):
            for facets in (False, True):
                print(f"search bench: {name}, facets {'on' if facets else 'off'}", flush=True)
                timings[(name, facets)] = time_queries(user, queries, facets)
    with on_backend(whoosh_config):
        publish_seconds = publish_to_searchable(user)

    print()
    print(f"Search benchmark: {args.docs} documents, {len(queries)} queries, user {user}")
    rebuild_target = TARGETS["index_docs_per_second"]
    for name, figures in rebuilds.items():
        if not figures["ok"]:
            status = "update_index FAILED"
        elif name == "whoosh":
            status = rebuild_target.verdict(figures["docs_per_second"])
        else:
            status = "no target"
        print(
            f"  rebuild {name:8} {figures['docs']} docs in {figures['seconds']:.1f} s = "
            f"{figures['docs_per_second']:.0f} docs/s: {status}"
        )
    p50_target, p95_target = search_p50_target(args.docs), TARGETS["search_p95_ms_20k"]
    print(f"  {'path':28} {'p50 ms':>8} {'p95 ms':>8} {'x database p50':>15}")
    for facets in (False, True):
        whoosh, database = timings[("whoosh", facets)], timings[("database", facets)]
        label = f"facets {'on' if facets else 'off'}"
        for name, figures in (("whoosh", whoosh), ("database", database)):
            ratio = figures["p50"] / database["p50"] if database["p50"] else float("nan")
            print(
                f"  {name + ', ' + label:28} {figures['p50']:8.1f} {figures['p95']:8.1f}"
                f" {ratio:15.2f}"
            )
    print(f"  whoosh targets: p50 {p50_target}, p95 {p95_target} (20k)")
    publish_ms = publish_seconds * 1000
    print(
        "  publish-to-searchable (whoosh, immediate tasks): "
        f"{publish_ms:.0f} ms: {TARGETS['publish_to_searchable_ms'].verdict(publish_ms)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
