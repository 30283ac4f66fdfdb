"""`python -m bench.search --docs 20000`: the search page on real queries, side by side with
Whoosh alone, PostgreSQL full-text search and tantivy, in one run on the same documents.

Seeds (or reuses) a scale data set with the bulk seeder in its own data directory
(var/bench-search-<docs>/), rebuilds the Whoosh index (timed, unless --skip-index), and draws
--queries queries from the seeded documents the way people search: common words with
thousands of hits, two- and three-word queries, typos, German compounds (whole and in parts)
and umlauts typed as ae/oe/ue. Each query is then run, in turn, by:

1. the search page's path: `search.query.search_content` with facets and the permission
   filter, as an ordinary employee kept out of some members-only spaces, the shown hits
   loaded (snippets, people, spelling included); also with facets off;
2. Whoosh alone: the backend query on the same user's searchable pages, top 20, total and
   the same facet counts, nothing loaded from the database;
3. PostgreSQL full-text search (127.0.0.1:5432, user postgres, its own database
   bench_search; skipped with a message when none answers): the same documents in a table
   with a `german` tsvector under a GIN index, `websearch_to_tsquery` with the words ORed
   (as the search page does), `ts_rank_cd`, the same space filter, top 20 and the count,
   then the facet counts in one GROUPING SETS query;
4. tantivy (PyPI `tantivy`; skipped with a message when not installed), the physical floor:
   an in-memory index with English and German stemmed fields, the same space filter, top 20
   and the count, then the facets as terms aggregations.

Prints p50 and p95 for each, ratios to PostgreSQL and tantivy, the median number of hits,
the page path's figures per kind of query, and the targets from bench/targets.py; then
publish-to-searchable (a new wiki page until the search page finds it). With `--memory N`,
first N searches in two threads, as a web worker's two threads run them, and this
process's resident memory before and after. Figures are printed beside their targets, not
asserted. `--docs 2000` is a quick check.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.targets import TARGETS, search_p50_target

ROOT = Path(__file__).resolve().parent.parent
QUERY_COUNT = 200
WARM_UP_QUERIES = 20
TOP = 20  # hits on a result page

# What share of the queries each kind is (the rest are common single words).
QUERY_MIX = {
    "two words": 0.25,
    "three words": 0.15,
    "typo": 0.10,
    "compound": 0.10,
    "umlaut": 0.10,
}
# A "common" word is in at least this share of the documents: at 20,000 that is 1,000
# documents, and most of them are in thousands.
COMMON_SHARE = 0.05
WORD = re.compile(r"[^\W\d_]+")
TAG = re.compile(r"<[^>]+>")
UMLAUT_SPELLINGS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}

POSTGRES_DSN = "host=127.0.0.1 port=5432 user=postgres connect_timeout=3"
POSTGRES_DATABASE = "bench_search"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description=__doc__.splitlines()[0],
        epilog="Engines that are not available are skipped with a message.",
    )
    parser.add_argument("--docs", type=int, default=20_000, help="documents to seed (20000)")
    parser.add_argument("--queries", type=int, default=QUERY_COUNT, help="queries (200)")
    parser.add_argument("--data-dir", type=Path, help="where the data set lives")
    parser.add_argument("--fresh", action="store_true", help="seed again even if data exists")
    parser.add_argument(
        "--skip-index", action="store_true", help="reuse the Whoosh index if there is one"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed for the queries")
    parser.add_argument(
        "--engines",
        default="page,whoosh,postgres,tantivy",
        help="comma-separated engines to time (page,whoosh,postgres,tantivy)",
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print every query with its kind and hits"
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=0,
        metavar="N",
        help="first run N searches through the search page's path in two threads (as a web "
        "worker's two threads do) and print this process's memory before and after (0: skip)",
    )
    args = parser.parse_args(argv)
    if args.docs < 100 or args.queries < 1 or args.memory < 0:
        parser.error("--docs must be at least 100, --queries at least 1, --memory at least 0")
    unknown = set(args.engines.split(",")) - {"page", "whoosh", "postgres", "tantivy"}
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return args


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


# The documents, as every engine sees them


@dataclass(frozen=True)
class Document:
    pk: int
    content_type_id: int
    space_id: int | None
    owner_id: int | None
    published: Any  # datetime or None
    language: str
    title: str
    text: str  # the searchable text besides the title, tags stripped


def load_documents() -> list[Document]:
    """Every live page the search page searches, with the text of its SearchFields that are
    columns of its own (title, body, teaser, description)."""
    from django.db import models
    from modelsearch.index import SearchField, get_indexed_models

    from search import registry

    base = registry.pages().base_model
    documents: list[Document] = []
    for model in get_indexed_models():
        if not issubclass(model, base) or model._meta.abstract:
            continue
        columns = {f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)}
        columns |= {f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField)}
        text_fields = [
            f.field_name
            for f in model.get_search_fields()
            if isinstance(f, SearchField) and f.field_name in columns and f.field_name != "title"
        ]
        rows = (
            model.objects.live()
            .exact_type(model)
            .values_list(
                "pk",
                "content_type_id",
                "space_id",
                "owner_id",
                "first_published_at",
                "language",
                "title",
                *text_fields,
            )
        )
        for pk, content_type_id, space_id, owner_id, published, language, title, *texts in rows:
            text = " ".join(TAG.sub(" ", t) for t in texts if t)
            documents.append(
                Document(
                    pk,
                    content_type_id,
                    space_id,
                    owner_id,
                    published,
                    language or "",
                    title,
                    " ".join(text.split()),
                )
            )
    return documents


# Queries drawn the way people search


@dataclass(frozen=True)
class BenchQuery:
    text: str
    kind: str


@dataclass
class Vocabulary:
    """The words of the documents: how many documents hold each (lowercase), how each is
    written, the word sequences of a sample of documents, and the German compounds."""

    document_frequency: Counter = field(default_factory=Counter)
    written: dict[str, str] = field(default_factory=dict)
    sentences: list[list[str]] = field(default_factory=list)
    compounds: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def common(self, documents: int) -> list[str]:
        floor = max(2, int(documents * COMMON_SHARE))
        return sorted(w for w, n in self.document_frequency.items() if n >= floor)


def vocabulary(documents: list[Document], rng: random.Random) -> Vocabulary:
    from search.analyzers import compound_parts, query_words

    stop = _stop_words()
    found = Vocabulary()
    sample = set(rng.sample(range(len(documents)), min(len(documents), 2000)))
    for number, document in enumerate(documents):
        words = WORD.findall(f"{document.title} {document.text}")
        seen = set()
        content = []
        for word in words:
            lowered = word.lower()
            if len(lowered) < 4 or lowered in stop:
                continue
            content.append(word)
            if lowered not in seen:
                seen.add(lowered)
                found.document_frequency[lowered] += 1
                found.written.setdefault(lowered, word)
        if number in sample:
            found.sentences.append(content)
    for lowered, word in found.written.items():
        if word[:1].isupper() and len(lowered) >= 10 and query_words(lowered):
            parts = _two_parts(lowered, compound_parts(lowered))
            if parts:
                found.compounds[word] = parts
    return found


def _two_parts(word: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """The first split of `compound_parts` (head and tail), when they make up the word."""
    if len(parts) >= 2 and parts[0] + parts[1] == word:
        return parts[0], parts[1]
    return ()


def _stop_words() -> frozenset[str]:
    from whoosh.lang import stopwords_for_language

    return frozenset(stopwords_for_language("en")) | frozenset(stopwords_for_language("de"))


def make_queries(words: Vocabulary, documents: int, count: int, seed: int) -> list[BenchQuery]:
    """`count` queries: common single words, words that stand together in a document, typos
    of common words, German compounds whole or in parts, umlauts typed as ae/oe/ue."""
    rng = random.Random(seed)
    common = words.common(documents) or sorted(words.document_frequency)
    with_umlaut = [w for w in words.written.values() if any(c in UMLAUT_SPELLINGS for c in w)]
    compounds = sorted(words.compounds)
    kinds = []
    for kind, share in QUERY_MIX.items():
        kinds += [kind] * round(count * share)
    kinds += ["common word"] * max(0, count - len(kinds))
    rng.shuffle(kinds)
    queries = []
    for kind in kinds[:count]:
        text = ""
        if kind in ("two words", "three words"):
            text = _neighbours(rng, words.sentences, 2 if kind == "two words" else 3)
        elif kind == "typo":
            text = _typo(rng, words.written[rng.choice([w for w in common if len(w) >= 5])])
        elif kind == "compound" and compounds:
            text = _compound(rng, compounds, words.compounds)
        elif kind == "umlaut" and with_umlaut:
            text = _without_umlauts(rng.choice(with_umlaut))
        if not text:
            kind, text = "common word", words.written[rng.choice(common)]
        queries.append(BenchQuery(text, kind))
    return queries


def _neighbours(rng: random.Random, sentences: list[list[str]], length: int) -> str:
    """`length` content words that follow one another in a document ("rolling updates")."""
    candidates = [s for s in sentences if len(s) >= length]
    if not candidates:
        return ""
    words = rng.choice(candidates)
    start = rng.randrange(len(words) - length + 1)
    return " ".join(words[start : start + length])


def _typo(rng: random.Random, word: str) -> str:
    """One slip of the fingers: two letters swapped, one left out, doubled or replaced by
    a neighbour on the keyboard."""
    row = "qwertzuiopasdfghjklyxcvbnm"
    at = rng.randrange(1, len(word) - 1)
    slip = rng.choice(("swap", "drop", "double", "neighbour"))
    if slip == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if slip == "drop":
        return word[:at] + word[at + 1 :]
    if slip == "double":
        return word[:at] + word[at] + word[at:]
    index = row.find(word[at].lower())
    neighbour = row[index + 1] if 0 <= index < len(row) - 1 else "e"
    return word[:at] + neighbour + word[at + 1 :]


def _compound(rng: random.Random, compounds: list[str], parts: dict[str, tuple[str, ...]]) -> str:
    """A German compound as written, or its parts typed apart ("Daten Schutz")."""
    word = rng.choice(compounds)
    if rng.random() < 0.5:
        return word
    return " ".join(part.capitalize() for part in parts[word])


def _without_umlauts(word: str) -> str:
    return "".join(UMLAUT_SPELLINGS.get(c, c) for c in word)


# Engines: each runs a query and returns how many documents it found


class Engine:
    name = ""

    def prepare(self) -> str:
        """Build what the engine needs; a message when it cannot run ("" when it can)."""
        return ""

    def run(self, query: str, facets: bool) -> int:
        raise NotImplementedError

    def close(self) -> None:
        pass


class PagePath(Engine):
    """`search_content` as the search page calls it, the shown hits converted."""

    name = "search page"

    def __init__(self, user: Any) -> None:
        self.user = user

    def run(self, query: str, facets: bool) -> int:
        from search.query import search_content

        results = search_content(self.user, query, facets=facets)
        if results.page is not None:
            list(results.page.object_list)
        return results.total


class WhooshAlone(Engine):
    """The backend's one pass: ranked top 20, the total and the facet counts on the user's
    searchable pages (the permission filter), nothing loaded from the database."""

    name = "Whoosh alone"

    def __init__(self, user: Any) -> None:
        from search import registry

        source = registry.pages()
        self.pages = source.searchable(user, source.base_model)

    def run(self, query: str, facets: bool) -> int:
        from search.query import PAGE_FACET_FIELDS, PAGE_MONTH_FACET_FIELDS

        found = self.pages.search(query)
        window = found.page_with_facets(
            0,
            TOP,
            facets=PAGE_FACET_FIELDS if facets else (),
            month_facets=PAGE_MONTH_FACET_FIELDS if facets else (),
        )
        return window.total


class Postgres(Engine):
    """PostgreSQL's own full-text search on a copy of the documents."""

    name = "PostgreSQL FTS"

    def __init__(self, documents: list[Document], hidden_spaces: list[int]) -> None:
        self.documents = documents
        self.hidden = hidden_spaces
        self.connection: Any = None
        self.build_seconds = 0.0

    def prepare(self) -> str:
        try:
            import psycopg
        except ImportError:
            return "psycopg is not installed"
        try:
            with psycopg.connect(POSTGRES_DSN + " dbname=postgres", autocommit=True) as admin:
                exists = admin.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DATABASE]
                ).fetchone()
                if not exists:
                    admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
            self.connection = psycopg.connect(
                f"{POSTGRES_DSN} dbname={POSTGRES_DATABASE}", autocommit=True
            )
        except psycopg.Error as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else error
            return f"no PostgreSQL at 127.0.0.1:5432 ({first_line})"
        started = time.perf_counter()
        self._load()
        self.build_seconds = time.perf_counter() - started
        return ""

    def _load(self) -> None:
        db = self.connection
        db.execute("DROP TABLE IF EXISTS bench_documents")
        db.execute(
            """
            CREATE UNLOGGED TABLE bench_documents (
                id integer PRIMARY KEY,
                content_type_id integer NOT NULL,
                space_id integer,
                owner_id integer,
                published timestamptz,
                title text NOT NULL,
                body text NOT NULL,
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('german', title), 'A')
                    || setweight(to_tsvector('german', body), 'D')
                ) STORED
            )
            """
        )
        with db.cursor() as cursor:
            copy_sql = (
                "COPY bench_documents (id, content_type_id, space_id, owner_id, published, "
                "title, body) FROM STDIN"
            )
            with cursor.copy(copy_sql) as copy:
                for d in self.documents:
                    copy.write_row(
                        (
                            d.pk,
                            d.content_type_id,
                            d.space_id,
                            d.owner_id,
                            d.published,
                            d.title,
                            d.text,
                        )
                    )
        db.execute("CREATE INDEX bench_documents_fts ON bench_documents USING gin (document)")
        db.execute("ANALYZE bench_documents")

    @staticmethod
    def _any_word(query: str) -> str:
        # websearch_to_tsquery ANDs words; the search page finds any of them.
        return " or ".join(query.split())

    def run(self, query: str, facets: bool) -> int:
        db = self.connection
        text = self._any_word(query)
        visible = "(space_id IS NULL OR space_id <> ALL(%(hidden)s))"
        params = {"q": text, "hidden": self.hidden}
        rows = db.execute(
            f"""
            SELECT id, ts_rank_cd(document, q) AS rank, count(*) OVER () AS total
            FROM bench_documents, websearch_to_tsquery('german', %(q)s) AS q
            WHERE document @@ q AND {visible}
            ORDER BY rank DESC LIMIT {TOP}
            """,  # noqa: S608 - constants only; values are parameters
            params,
        ).fetchall()
        total = rows[0][2] if rows else 0
        if facets and total:
            db.execute(
                f"""
                SELECT content_type_id, space_id, owner_id,
                       to_char(published, 'YYYY-MM') AS month, count(*)
                FROM bench_documents, websearch_to_tsquery('german', %(q)s) AS q
                WHERE document @@ q AND {visible}
                GROUP BY GROUPING SETS ((content_type_id), (space_id), (owner_id), (month))
                """,  # noqa: S608
                params,
            ).fetchall()
        return total

    def close(self) -> None:
        if self.connection is not None:
            self.connection.execute("DROP TABLE IF EXISTS bench_documents")
            self.connection.close()


class Tantivy(Engine):
    """tantivy in memory: the floor of what an inverted index costs on this machine."""

    name = "tantivy"

    def __init__(self, documents: list[Document], hidden_spaces: list[int]) -> None:
        self.documents = documents
        self.hidden = hidden_spaces
        self.build_seconds = 0.0

    def prepare(self) -> str:
        try:
            import tantivy
        except ImportError:
            return "tantivy is not installed (pip install tantivy)"
        self.tantivy = tantivy
        started = time.perf_counter()
        self._build()
        self.build_seconds = time.perf_counter() - started
        return ""

    def _build(self) -> None:
        tantivy = self.tantivy
        german = (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("german"))
            .build()
        )
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, fast=True)
        for name in ("content_type", "space", "owner", "month"):
            builder.add_integer_field(name, indexed=True, fast=True)
        for name in ("title", "body"):
            builder.add_text_field(name, tokenizer_name="german")
            builder.add_text_field(f"{name}_en", tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)  # in memory
        self.index.register_tokenizer("german", german)
        writer = self.index.writer(heap_size=100_000_000, num_threads=1)
        for d in self.documents:
            month = d.published.year * 100 + d.published.month if d.published else 0
            writer.add_document(
                tantivy.Document(
                    id=d.pk,
                    content_type=d.content_type_id,
                    space=d.space_id or 0,
                    owner=d.owner_id or 0,
                    month=month,
                    title=d.title,
                    title_en=d.title,
                    body=d.text,
                    body_en=d.text,
                )
            )
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.fields = ["title", "title_en", "body", "body_en"]
        self.boosts = {"title": 2.0, "title_en": 2.0}
        self.hidden_query = (
            tantivy.Query.term_set_query(self.schema, "space", self.hidden) if self.hidden else None
        )
        self.aggregations = {
            name: {"terms": {"field": name, "size": 1000}}
            for name in ("content_type", "space", "owner", "month")
        }

    def run(self, query: str, facets: bool) -> int:
        tantivy = self.tantivy
        words = " ".join(WORD.findall(query))
        if not words:
            return 0
        text_query = self.index.parse_query(words, self.fields, field_boosts=self.boosts)
        if self.hidden_query is not None:
            text_query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, text_query), (tantivy.Occur.MustNot, self.hidden_query)]
            )
        found = self.searcher.search(text_query, limit=TOP, count=True)
        if facets and found.count:
            self.searcher.aggregate(text_query, self.aggregations)
        return found.count


# Running


@dataclass
class Timings:
    with_facets: list[float] = field(default_factory=list)
    without_facets: list[float] = field(default_factory=list)
    hits: list[int] = field(default_factory=list)


def time_engines(
    engines: list[Engine], queries: list[BenchQuery], warm_up: list[BenchQuery]
) -> dict[str, Timings]:
    """Each query through each engine in turn (with facets, then without), so that a busy
    moment of the machine falls on all engines alike. Warm-up queries are other queries:
    nothing timed was searched before."""
    for query in warm_up:
        for engine in engines:
            engine.run(query.text, True)
            engine.run(query.text, False)
    timings = {engine.name: Timings() for engine in engines}
    for number, query in enumerate(queries, start=1):
        for engine in engines:
            figures = timings[engine.name]
            started = time.perf_counter()
            figures.hits.append(engine.run(query.text, True))
            figures.with_facets.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            engine.run(query.text, False)
            figures.without_facets.append((time.perf_counter() - started) * 1000)
        if number % 50 == 0:
            print(f"search bench: {number}/{len(queries)} queries", flush=True)
    return timings


def rebuild_whoosh(env: dict[str, str]) -> dict:
    """Time `update_index` in a subprocess."""
    from wagtail.models import Page

    documents = Page.objects.live().count()
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", "update_index"],
        cwd=ROOT,
        env={**os.environ, **env, "SEARCH_BACKEND": "whoosh"},
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


def whoosh_index_exists() -> bool:
    from django.conf import settings

    path = Path(settings.WAGTAILSEARCH_BACKENDS["default"].get("PATH") or settings.SEARCH_INDEX_DIR)
    return any(path.glob("*/current"))


def bench_user() -> Any:
    """The seed's bench user (an ordinary employee, member of some members-only spaces and
    kept out of the others), else any active non-superuser who is kept out of a space."""
    from django.contrib.auth import get_user_model

    from bench.seed_scale import BENCH_USER
    from intranet.access import hidden_space_ids

    users = get_user_model().objects.filter(is_active=True, is_superuser=False)
    user = users.filter(username=BENCH_USER).first()
    if user is not None and hidden_space_ids(user):
        return user
    for user in users[:200]:
        if hidden_space_ids(user):
            return user
    return users.first()


def resident_mb() -> float:
    """This process's resident memory in MB (Linux), or 0 where /proc is not there."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory_after_searches(user: Any, queries: list[BenchQuery], count: int) -> tuple[float, float]:
    """Resident memory before and after ``count`` searches through the search page's path,
    run by two threads as the two threads of a web worker run them."""
    from django.db import connection

    page = PagePath(user)
    page.run(queries[0].text, True)  # the first search opens the indexes
    before = resident_mb()

    def work(offset: int) -> None:
        try:
            for number in range(offset, count, 2):
                page.run(queries[number % len(queries)].text, True)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return before, resident_mb()


def publish_to_searchable(user: Any) -> float:
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


def print_report(
    args: argparse.Namespace,
    user: Any,
    queries: list[BenchQuery],
    timings: dict[str, Timings],
    skipped: dict[str, str],
    rebuild: dict | None,
    builds: dict[str, float],
    hidden: int,
    publish_seconds: float | None,
    memory: tuple[float, float] | None,
) -> None:
    kinds = Counter(q.kind for q in queries)
    print()
    print(
        f"Search benchmark: {args.docs} documents, {len(queries)} queries as {user} "
        f"(kept out of {hidden} spaces)"
    )
    print("  queries: " + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()))
    if rebuild is not None:
        status = (
            TARGETS["index_docs_per_second"].verdict(rebuild["docs_per_second"])
            if rebuild["ok"]
            else "update_index FAILED"
        )
        print(
            f"  Whoosh rebuild: {rebuild['docs']} docs in {rebuild['seconds']:.1f} s = "
            f"{rebuild['docs_per_second']:.0f} docs/s: {status}"
        )
    for name, seconds in builds.items():
        print(f"  {name} built in {seconds:.1f} s")
    for name, reason in skipped.items():
        print(f"  {name}: SKIPPED, {reason}")
    floors = {name: statistics.median(t.with_facets) for name, t in timings.items()}
    postgres = floors.get(Postgres.name)
    tantivy = floors.get(Tantivy.name)
    print()
    header = (
        f"  {'engine':16} {'facets p50':>10} {'p95':>8} {'no facets p50':>14} {'p95':>8}"
        f" {'hits p50':>9} {'x PostgreSQL':>13} {'x tantivy':>10}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for name, t in timings.items():
        p50, p95 = percentile(t.with_facets, 0.5), percentile(t.with_facets, 0.95)
        bare50, bare95 = percentile(t.without_facets, 0.5), percentile(t.without_facets, 0.95)
        vs_postgres = f"{p50 / postgres:.2f}" if postgres else "-"
        vs_tantivy = f"{p50 / tantivy:.1f}" if tantivy else "-"
        print(
            f"  {name:16} {p50:10.1f} {p95:8.1f} {bare50:14.1f} {bare95:8.1f}"
            f" {statistics.median(t.hits):9.0f} {vs_postgres:>13} {vs_tantivy:>10}"
        )
    print("  (milliseconds; facets: type, space, author, month counts beside top 20 + total)")
    page = timings.get(PagePath.name)
    if page is not None:
        print()
        print("  search page by kind of query (facets on):")
        for kind in sorted(kinds):
            times = [t for t, q in zip(page.with_facets, queries, strict=True) if q.kind == kind]
            hits = [h for h, q in zip(page.hits, queries, strict=True) if q.kind == kind]
            print(
                f"    {kind:12} {len(times):4} queries: p50 {percentile(times, 0.5):7.1f} ms,"
                f" p95 {percentile(times, 0.95):7.1f} ms, hits p50 {statistics.median(hits):.0f}"
            )
        p50_target, p95_target = search_p50_target(args.docs), TARGETS["search_p95_ms_20k"]
        p50 = percentile(page.with_facets, 0.5)
        p95 = percentile(page.with_facets, 0.95)
        print()
        print(f"  search page p50 {p50:.1f} ms: {p50_target.verdict(p50)}")
        if args.docs <= 20_000:
            print(f"  search page p95 {p95:.1f} ms: {p95_target.verdict(p95)}")
    if memory is not None:
        before, after = memory
        print(
            f"  memory after {args.memory} searches in two threads: {before:.0f} MB before, "
            f"{after:.0f} MB after: {TARGETS['worker_rss_mb'].verdict(after)} (this process "
            "also holds the benchmark's documents; `python -m bench` measures web workers)"
        )
    if publish_seconds is not None:
        publish_ms = publish_seconds * 1000
        print(
            "  publish-to-searchable (Whoosh, immediate tasks): "
            f"{publish_ms:.0f} ms: {TARGETS['publish_to_searchable_ms'].verdict(publish_ms)}"
        )


def print_queries(queries: list[BenchQuery], timings: dict[str, Timings]) -> None:
    names = list(timings)
    print()
    print("  " + f"{'kind':12} {'query':40} " + " ".join(f"{n[:12]:>12}" for n in names))
    for number, query in enumerate(queries):
        hits = " ".join(f"{timings[n].hits[number]:12}" for n in names)
        print(f"  {query.kind:12} {query.text[:40]:40} {hits}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = (args.data_dir or ROOT / "var" / f"bench-search-{args.docs}").resolve()
    os.environ["SEARCH_BACKEND"] = "whoosh"
    from bench.__main__ import configure_environment, prepare_data

    env = configure_environment(data_dir)
    env["SEARCH_BACKEND"] = "whoosh"
    import django

    django.setup()

    # The shared seeder's options beyond these keep their defaults ("no top-up").
    options = argparse.Namespace(
        fresh=args.fresh, docs=args.docs, people=None, spaces=None, activities=None
    )
    made = prepare_data(options, data_dir)
    print(f"search bench: {args.docs} documents seeded ({made.get('documents')}), {data_dir}")
    rebuild = None
    if not args.skip_index or not whoosh_index_exists():
        print("search bench: rebuilding the Whoosh index", flush=True)
        rebuild = rebuild_whoosh(env)

    from intranet.access import hidden_space_ids

    user = bench_user()
    hidden = hidden_space_ids(user)
    documents = load_documents()
    rng = random.Random(args.seed)
    words = vocabulary(documents, rng)
    queries = make_queries(words, len(documents), args.queries, args.seed)
    warm_up = make_queries(words, len(documents), WARM_UP_QUERIES, args.seed + 1000)
    print(
        f"search bench: {len(documents)} documents, {len(words.document_frequency)} words, "
        f"{len(words.common(len(documents)))} common, {len(words.compounds)} compounds",
        flush=True,
    )

    memory = None
    if args.memory:
        print(f"search bench: {args.memory} searches for the memory figure", flush=True)
        memory = memory_after_searches(user, queries, args.memory)
    wanted = args.engines.split(",")
    candidates: list[Engine] = []
    if "page" in wanted:
        candidates.append(PagePath(user))
    if "whoosh" in wanted:
        candidates.append(WhooshAlone(user))
    if "postgres" in wanted:
        candidates.append(Postgres(documents, hidden))
    if "tantivy" in wanted:
        candidates.append(Tantivy(documents, hidden))
    engines, skipped, builds = [], {}, {}
    for engine in candidates:
        print(f"search bench: preparing {engine.name}", flush=True)
        reason = engine.prepare()
        if reason:
            print(f"search bench: {engine.name} SKIPPED: {reason}", flush=True)
            skipped[engine.name] = reason
            continue
        engines.append(engine)
        if getattr(engine, "build_seconds", 0):
            builds[engine.name] = engine.build_seconds
    try:
        timings = time_engines(engines, queries, warm_up)
    finally:
        for engine in engines:
            engine.close()
    publish_seconds = publish_to_searchable(user) if "page" in wanted else None
    print_report(
        args,
        user,
        queries,
        timings,
        skipped,
        rebuild,
        builds,
        len(hidden),
        publish_seconds,
        memory,
    )
    if args.show_queries:
        print_queries(queries, timings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
