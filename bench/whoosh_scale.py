"""`python -m bench.whoosh_scale [--docs 20000]`: the Whoosh backend alone, at scale.

Fills modelsearch's test model (Book) with --docs books of synthetic text whose word
frequencies follow Zipf's law as real text does (common English and German words first, then
made-up ones), in a throwaway database and index (a temporary directory, removed afterwards),
then prints the rebuild rate (documents per second) and the median and 90th percentile
latency of five kinds of query, database fetch included. No permission filter, snippets or
people: `python -m bench.search` times the search page's whole path. Each figure is printed
beside its target from bench/targets.py.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bench.targets import TARGETS, search_p50_target

QUERIES = ["medien", "antrag budget", "published report", "Küche Kaffee", "security policy"]
COMMON_WORDS = [
    "medien", "antrag", "abteilung", "projekt", "bericht", "plan", "team", "kunde", "server",
    "daten", "netzwerk", "publishing", "published", "release", "wiki", "blog", "meeting",
    "budget", "report", "policy", "holiday", "travel", "expense", "office", "security",
    "password", "laptop", "handbuch", "richtlinie", "urlaub", "reise", "kosten", "büro",
    "küche", "kaffee",
]  # fmt: skip
SYLLABLES = [
    "ka", "ri", "to", "men", "sa", "ber", "lin", "dat", "pro", "jekt", "an", "trag", "me",
    "di", "um", "pub", "li", "ver", "wal", "tung",
]  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.whoosh_scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--docs", type=int, default=20_000, help="books to index (20000)")
    args = parser.parse_args(argv)
    if not 100 <= args.docs <= 10_000_000:
        parser.error("--docs must be between 100 and 10000000")
    return args


def vocabulary(rng: random.Random) -> list[str]:
    # Common words first, then made-up ones: word frequencies follow Zipf's law
    # as in real text, so most words are rare and a few are everywhere.
    words = list(COMMON_WORDS)
    while len(words) < 8000:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return words


def percentiles(run: Callable[[str], object]) -> tuple[float, float]:
    """Median and 90th percentile in ms of 60 queries, the first five not counted (warm-up)."""
    times = []
    for n in range(60):
        started = time.perf_counter()
        run(QUERIES[n % len(QUERIES)])
        times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[5:])
    return statistics.median(times), times[int(len(times) * 0.9)]


def measure(docs: int, index_dir: Path) -> None:
    from django.test.utils import override_settings
    from modelsearch.backends import get_search_backend
    from modelsearch.test.testapp import models

    rng = random.Random(1)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]

    def text(count: int) -> str:
        return " ".join(rng.choices(words, weights, k=count))

    models.Book.objects.bulk_create(
        (
            models.Book(
                title=text(6),
                summary=text(150),
                publication_date=date(2000 + n % 20, 1 + n % 12, 1),
                number_of_pages=n % 1000,
            )
            for n in range(docs)
        ),
        batch_size=2000,
    )
    backends = {"default": {"BACKEND": "search.backends.whoosh", "PATH": str(index_dir)}}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends, MODELSEARCH_BACKENDS=backends):
        backend = get_search_backend("default")
        started = time.perf_counter()
        rebuilder = backend.rebuilder_class(backend.get_index_for_model(models.Book))
        index = rebuilder.start()
        queryset = models.Book.get_indexed_objects().order_by("pk")
        for offset in range(0, docs, 1000):
            index.add_items(models.Book, list(queryset[offset : offset + 1000]))
        rebuilder.finish()
        elapsed = time.perf_counter() - started
        rate = docs / elapsed
        print(
            f"rebuild: {docs} documents in {elapsed:.1f} s = {rate:.0f} docs/s: "
            f"{TARGETS['index_docs_per_second'].verdict(rate)}"
        )

        short_books = models.Book.objects.filter(number_of_pages__lt=500)
        newest_first = models.Book.objects.order_by("-publication_date")
        kinds: dict[str, Callable[[str], object]] = {
            "search, top 10": lambda q: list(backend.search(q, models.Book)[:10]),
            "search, filtered, top 10": lambda q: list(backend.search(q, short_books)[:10]),
            "count": lambda q: backend.search(q, models.Book).count(),
            "autocomplete": lambda q: list(backend.autocomplete(q[:4], models.Book)[:10]),
            "ordered by date": lambda q: list(
                backend.search(q, newest_first, order_by_relevance=False)[:10]
            ),
        }
        # The backend alone must stay within the search page's p50, which adds more on top.
        target = search_p50_target(docs)
        for label, run in kinds.items():
            p50, p90 = percentiles(run)
            print(f"{label}: p50 {p50:.1f} ms, p90 {p90:.1f} ms: {target.verdict(p50)}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-whoosh-"))
    try:
        from bench.__main__ import configure_environment

        configure_environment(work)
        os.environ.pop("DATABASE_URL", None)  # a throwaway SQLite database in `work`
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_whoosh"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "taggit", verbosity=0, interactive=False)
        call_command("migrate", "searchtests", run_syncdb=True, verbosity=0, interactive=False)
        print(f"whoosh scale bench: {args.docs} books", flush=True)
        measure(args.docs, work / "index")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
