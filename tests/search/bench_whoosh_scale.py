"""Benchmark of the Whoosh backend at scale; not part of the suite (pytest collects test_*.py).

Run it by naming it::

    BENCH_DOCS=20000 .venv/bin/python -m pytest tests/search/bench_whoosh_scale.py -s -q

It prints the rebuild rate (documents per second) and the median and 90th
percentile latency of a few kinds of query, database fetch included.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date

import pytest
from django.test.utils import override_settings
from modelsearch.backends import get_search_backend
from modelsearch.test.testapp import models

DOCS = int(os.environ.get("BENCH_DOCS", "20000"))
QUERIES = ["medien", "antrag budget", "published report", "Küche Kaffee", "security policy"]
COMMON_WORDS = [
    "medien",
    "antrag",
    "abteilung",
    "projekt",
    "bericht",
    "plan",
    "team",
    "kunde",
    "server",
    "daten",
    "netzwerk",
    "publishing",
    "published",
    "release",
    "wiki",
    "blog",
    "meeting",
    "budget",
    "report",
    "policy",
    "holiday",
    "travel",
    "expense",
    "office",
    "security",
    "password",
    "laptop",
    "handbuch",
    "richtlinie",
    "urlaub",
    "reise",
    "kosten",
    "büro",
    "küche",
    "kaffee",
]


def _vocabulary(rng: random.Random) -> list[str]:
    # Common words first, then made-up ones: word frequencies follow Zipf's law
    # as in real text, so most words are rare and a few are everywhere.
    syllables = [
        "ka",
        "ri",
        "to",
        "men",
        "sa",
        "ber",
        "lin",
        "dat",
        "pro",
        "jekt",
        "an",
        "trag",
        "me",
        "di",
        "um",
        "pub",
        "li",
        "ver",
        "wal",
        "tung",
    ]
    words = list(COMMON_WORDS)
    while len(words) < 8000:
        words.append("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return words


def _percentiles(run: Callable[[str], object]) -> str:
    times = []
    for n in range(60):
        started = time.perf_counter()
        run(QUERIES[n % len(QUERIES)])
        times.append((time.perf_counter() - started) * 1000)
    times = sorted(times[5:])
    return f"p50 {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9)]:.1f} ms"


@pytest.mark.django_db(transaction=True)
def test_rebuild_rate_and_query_latency(tmp_path):
    rng = random.Random(1)
    vocabulary = _vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def text(words: int) -> str:
        return " ".join(rng.choices(vocabulary, weights, k=words))

    models.Book.objects.bulk_create(
        (
            models.Book(
                title=text(6),
                summary=text(150),
                publication_date=date(2000 + n % 20, 1 + n % 12, 1),
                number_of_pages=n % 1000,
            )
            for n in range(DOCS)
        ),
        batch_size=2000,
    )
    backends = {"default": {"BACKEND": "search.backends.whoosh", "PATH": str(tmp_path)}}
    with override_settings(WAGTAILSEARCH_BACKENDS=backends, MODELSEARCH_BACKENDS=backends):
        backend = get_search_backend("default")
        started = time.perf_counter()
        rebuilder = backend.rebuilder_class(backend.get_index_for_model(models.Book))
        index = rebuilder.start()
        queryset = models.Book.get_indexed_objects().order_by("pk")
        for offset in range(0, DOCS, 1000):
            index.add_items(models.Book, list(queryset[offset : offset + 1000]))
        rebuilder.finish()
        elapsed = time.perf_counter() - started
        print(f"\nrebuild: {DOCS} documents in {elapsed:.1f} s = {DOCS / elapsed:.0f} docs/s")

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
        for label, run in kinds.items():
            print(f"{label}: {_percentiles(run)}")
