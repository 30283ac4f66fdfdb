"""`python -m bench.relevance`: does search put the right document first, German and English?

A relevance benchmark, not a timed one. It builds a fresh data set in a temporary directory
(production settings, its own SQLite database and Whoosh index): an open space and a
members-only space, and in them, as real wiki pages and blog posts published through
Wagtail, the corpus of bench/relevance/documents/ (original texts written for this suite:
long German articles, shorter German wiki pages, English posts; several on the same subject
with a different focus, so that ranking matters). Each document file starts with a header:

    title: Krisenkommunikation: wer spricht, wenn es brennt
    kind: wiki            (wiki page or blog post)
    space: open           (or members: only members of the members-only space may read it)
    language: de

followed by a blank line and the body, paragraphs separated by blank lines.

Then every query of bench/relevance/queries.json (typed the way colleagues type: single
words, phrases, umlauts written as ae/oe/ue, typos, partial words, compounds split or
joined) goes through the search page itself (`/search/?q=`, Django's test client, the view's
own `results`), once as a member of the members-only space and once as an outsider who is
not. A query names its expected documents; for the outsider, members-only ones are dropped
(or replaced by the query's "outsider" list) and a query with none left is not scored.

Printed for each reader: success@1 and success@3 (an expected document first, or in the top
three) and MRR (mean of 1/rank of the first expected document on the first page of hits),
overall, per category and per language; then the queries that missed the top three with what
came first; then the leak count: members-only documents that appeared anywhere in what the
outsider was shown. A leak makes the command exit 1; scores below a target do not.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().with_suffix("")
DOCUMENTS = DATA / "documents"
QUERIES = DATA / "queries.json"

OPEN, MEMBERS = "open", "members"
KINDS = ("wiki", "blog")
CATEGORIES = ("plain", "phrase", "umlaut", "typo", "partial", "compound")
LANGUAGES = ("de", "en")
MEMBER, OUTSIDER = "member", "outsider"
SPACES = {
    OPEN: ("Wissen & Kommunikation", "relevance-open"),
    MEMBERS: ("Führungskreis", "relevance-members"),
}


@dataclass(frozen=True)
class Document:
    key: str  # the file name without .txt; queries name documents by it
    title: str
    kind: str
    space: str
    language: str
    paragraphs: tuple[str, ...]

    @property
    def members_only(self) -> bool:
        return self.space == MEMBERS

    @property
    def html(self) -> str:
        from django.utils.html import escape

        return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(paragraph.split()) for paragraph in self.paragraphs)


@dataclass(frozen=True)
class Query:
    text: str
    expected: tuple[str, ...]
    categories: tuple[str, ...]
    language: str
    # For the outsider, when the member's expected documents are members-only; None means
    # "the expected documents the outsider may read".
    outsider: tuple[str, ...] | None = None

    def expected_for(self, reader: str, documents: dict[str, Document]) -> tuple[str, ...]:
        if reader == MEMBER:
            return self.expected
        if self.outsider is not None:
            return self.outsider
        return tuple(key for key in self.expected if not documents[key].members_only)


@dataclass
class Outcome:
    """One query as one reader saw it."""

    query: Query
    reader: str
    expected: tuple[str, ...]
    ranked: list[str]  # document keys (or "[title]" for pages outside the corpus), in order
    leaked: list[str] = field(default_factory=list)
    error: str = ""  # the page's status when it did not answer 200 (scored as a miss)

    @property
    def scored(self) -> bool:
        return bool(self.expected)

    @property
    def rank(self) -> int | None:
        """1-based position of the first expected document on the first page, or None."""
        for position, key in enumerate(self.ranked, start=1):
            if key in self.expected:
                return position
        return None

    def success_at(self, k: int) -> bool:
        return self.rank is not None and self.rank <= k

    @property
    def reciprocal_rank(self) -> float:
        return 1 / self.rank if self.rank else 0.0


# --- the corpus and the queries ----------------------------------------------------------------


def parse_document(path: Path) -> Document:
    """A document file: `name: value` header lines, a blank line, paragraphs."""
    header_text, _blank, body = path.read_text(encoding="utf-8").partition("\n\n")
    header = {}
    for line in header_text.splitlines():
        name, _colon, value = line.partition(":")
        header[name.strip()] = value.strip()
    document = Document(
        key=path.stem,
        title=header.get("title", ""),
        kind=header.get("kind", ""),
        space=header.get("space", ""),
        language=header.get("language", ""),
        paragraphs=tuple(" ".join(p.split()) for p in body.split("\n\n") if p.strip()),
    )
    problems = [
        name
        for name, ok in (
            ("title", bool(document.title)),
            ("kind", document.kind in KINDS),
            ("space", document.space in SPACES),
            ("language", document.language in LANGUAGES),
            ("body", bool(document.paragraphs)),
        )
        if not ok
    ]
    if problems:
        raise ValueError(f"{path.name}: missing or wrong {', '.join(problems)}")
    return document


def load_documents(directory: Path = DOCUMENTS) -> dict[str, Document]:
    return {path.stem: parse_document(path) for path in sorted(directory.glob("*.txt"))}


def load_queries(documents: dict[str, Document], path: Path = QUERIES) -> list[Query]:
    """The queries, checked against the corpus: a typo in a document key or a category must
    stop the run, not silently score zero."""
    queries = []
    for row in json.loads(path.read_text(encoding="utf-8")):
        query = Query(
            text=row["q"],
            expected=tuple(row["expected"]),
            categories=tuple(row["categories"]),
            language=row["language"],
            outsider=tuple(row["outsider"]) if "outsider" in row else None,
        )
        unknown = [k for k in (*query.expected, *(query.outsider or ())) if k not in documents]
        wrong = [c for c in query.categories if c not in CATEGORIES]
        if unknown or wrong or not query.expected or query.language not in LANGUAGES:
            raise ValueError(f"query {query.text!r}: unknown {unknown + wrong} or no expectation")
        if any(documents[key].members_only for key in query.outsider or ()):
            raise ValueError(f"query {query.text!r}: the outsider cannot read its documents")
        queries.append(query)
    return queries


# --- the data set ------------------------------------------------------------------------------


@dataclass
class Corpus:
    """The seeded corpus: who reads it, and which page is which document."""

    documents: dict[str, Document]
    keys_by_pk: dict[int, str]
    readers: dict[str, object]  # MEMBER / OUTSIDER -> user


def seed(documents: dict[str, Document]) -> Corpus:
    """Publish every document through Wagtail into its space (indexed as the editor does);
    the member belongs to both spaces, the outsider only to the open one."""
    from django.contrib.auth import get_user_model

    from blogs.actions import ensure_space_blog
    from blogs.models import BlogPostPage
    from home.site_tree import ensure_site_tree
    from intranet.actions import create_space, set_member_role
    from intranet.models import Role
    from profiles.models import Profile
    from wiki.models import WikiPage

    ensure_site_tree()
    users = get_user_model().objects
    readers = {}
    for name, first, last in ((MEMBER, "Mira", "Mitglied"), (OUTSIDER, "Oskar", "Außen")):
        user = users.create_user(f"relevance-{name}", first_name=first, last_name=last)
        Profile.for_user(user)
        readers[name] = user
    author = users.create_user("relevance-author", first_name="Ada", last_name="Autorin")
    Profile.for_user(author)
    parents = {}
    for space_key, (title, slug) in SPACES.items():
        space = create_space(title=title, slug=slug, visibility=space_key)
        set_member_role(space, author, Role.EDITOR)
        set_member_role(space, readers[MEMBER], Role.READER)
        if space_key == OPEN:
            set_member_role(space, readers[OUTSIDER], Role.READER)
        parents[(space_key, "wiki")] = space
        parents[(space_key, "blog")] = ensure_space_blog(space)
    keys_by_pk = {}
    for document in documents.values():
        model = WikiPage if document.kind == "wiki" else BlogPostPage
        page = model(
            title=document.title, body=document.html, language=document.language, owner=author
        )
        parents[(document.space, document.kind)].add_child(instance=page)
        page.save_revision(user=author).publish(user=author, skip_permission_checks=True)
        keys_by_pk[page.pk] = document.key
    return Corpus(documents=documents, keys_by_pk=keys_by_pk, readers=readers)


# --- asking the search page --------------------------------------------------------------------


def ask(client, corpus: Corpus, query: Query, reader: str) -> Outcome:
    """The query through the search page as `reader`: the first page of hits, as keys. A page
    that fails is a miss with its status, so one broken query does not hide the others."""
    from django.urls import reverse

    expected = query.expected_for(reader, corpus.documents)
    response = client.get(reverse("search:search"), {"q": query.text})
    if response.status_code != 200:
        return Outcome(query, reader, expected, [], error=f"HTTP {response.status_code}")
    results = response.context["results"]
    ranked = [corpus.keys_by_pk.get(hit.obj.pk, f"[{hit.title}]") for hit in results.hits]
    outcome = Outcome(query, reader, expected, ranked)
    if reader == OUTSIDER:
        outcome.leaked = leaks(corpus, ranked, response.content.decode())
    return outcome


def leaks(corpus: Corpus, ranked: Sequence[str], html: str) -> list[str]:
    """Members-only documents among the hits, or whose title is anywhere on the page."""
    return [
        key
        for key, document in corpus.documents.items()
        if document.members_only and (key in ranked or document.title in html)
    ]


def evaluate(corpus: Corpus, queries: Iterable[Query]) -> list[Outcome]:
    """Every query for the member and for the outsider, each logged in through its own client."""
    from django.test import Client

    clients = {}
    for reader, user in corpus.readers.items():
        clients[reader] = Client(raise_request_exception=False)
        clients[reader].force_login(user)
    return [ask(clients[reader], corpus, query, reader) for query in queries for reader in clients]


# --- the report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    count: int
    success_at_1: float
    success_at_3: float
    mrr: float


def score(outcomes: Iterable[Outcome]) -> Scores:
    scored = [outcome for outcome in outcomes if outcome.scored]
    if not scored:
        return Scores(0, 0.0, 0.0, 0.0)
    count = len(scored)
    return Scores(
        count=count,
        success_at_1=sum(o.success_at(1) for o in scored) / count,
        success_at_3=sum(o.success_at(3) for o in scored) / count,
        mrr=sum(o.reciprocal_rank for o in scored) / count,
    )


def groups(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    """Outcomes by "all", each category and each language (a query may be in several)."""
    grouped: dict[str, list[Outcome]] = {"all": list(outcomes)}
    for name in CATEGORIES:
        grouped[name] = [o for o in outcomes if name in o.query.categories]
    for language in LANGUAGES:
        grouped[language] = [o for o in outcomes if o.query.language == language]
    return grouped


def report(outcomes: Sequence[Outcome], documents: dict[str, Document]) -> list[str]:
    """The printed report: scores per reader and group, misses, leaks."""
    by_reader = {
        reader: [o for o in outcomes if o.reader == reader] for reader in (MEMBER, OUTSIDER)
    }
    lines = [
        f"{'group':10} {'reader':9} {'n':>4} {'success@1':>10} {'success@3':>10} {'MRR':>6}",
    ]
    for name in groups(outcomes):
        for reader, mine in by_reader.items():
            scores = score(groups(mine)[name])
            if scores.count:
                lines.append(
                    f"{name:10} {reader:9} {scores.count:4} {scores.success_at_1:10.1%}"
                    f" {scores.success_at_3:10.1%} {scores.mrr:6.3f}"
                )
    misses = [o for o in outcomes if o.scored and not o.success_at(3)]
    lines += ["", f"Missed the top three ({len(misses)}):"]
    for outcome in misses:
        first = outcome.ranked[0] if outcome.ranked else outcome.error or "nothing"
        first_title = documents[first].title if first in documents else first
        lines.append(
            f"  [{outcome.reader}] {outcome.query.text!r} ({', '.join(outcome.query.categories)}, "
            f"{outcome.query.language}): expected {', '.join(outcome.expected)} at rank "
            f"{outcome.rank or '-'} of {len(outcome.ranked)}; first: {first_title}"
        )
    leaked = sorted({key for o in outcomes for key in o.leaked})
    lines += ["", f"Members-only documents shown to the outsider: {len(leaked)}"]
    lines += [f"  LEAK: {key} ({documents[key].title})" for key in leaked]
    return lines


# --- the command -------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.relevance",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--category",
        action="append",
        choices=CATEGORIES + LANGUAGES,
        help="run only the queries of this category or language (repeatable)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    parser.add_argument("--json", type=Path, help="also write every outcome to this file")
    return parser.parse_args(argv)


def selected(queries: list[Query], categories: Sequence[str] | None) -> list[Query]:
    if not categories:
        return queries
    return [q for q in queries if set(categories) & {*q.categories, q.language}]


def as_json(outcomes: Sequence[Outcome]) -> list[dict]:
    return [
        {
            "q": o.query.text,
            "reader": o.reader,
            "categories": o.query.categories,
            "language": o.query.language,
            "expected": o.expected,
            "rank": o.rank,
            "ranked": o.ranked[:5],
            "leaked": o.leaked,
            "error": o.error,
        }
        for o in outcomes
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    documents = load_documents()
    queries = selected(load_queries(documents), args.category)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    try:
        return run(args, documents, queries, data_dir)
    finally:
        if args.keep:
            print(f"relevance: data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(
    args: argparse.Namespace, documents: dict[str, Document], queries: list[Query], data_dir: Path
) -> int:
    from bench.__main__ import configure_environment

    configure_environment(data_dir)
    (data_dir / "static").mkdir()  # whitenoise warns about a missing STATIC_ROOT
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    # The test client's instrumented rendering hands back the view's own `results`.
    setup_test_environment()
    # A failing query is reported in the list of misses; its traceback would bury the table.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    clock = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.perf_counter() - clock
    # Plain static storage: the pages are rendered, but no collectstatic manifest is needed.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}):
        corpus = seed(documents)
        seeded = time.perf_counter() - clock - migrated
        outcomes = evaluate(corpus, queries)
    asked = time.perf_counter() - clock - migrated - seeded
    words = sum(d.words for d in documents.values())
    long_german = sum(1 for d in documents.values() if d.language == "de" and d.words >= 800)
    members_only = sum(1 for d in documents.values() if d.members_only)
    errors = sum(1 for o in outcomes if o.error)
    print(
        f"Relevance, {time.strftime('%Y-%m-%d %H:%M')}: {len(documents)} documents"
        f" ({words:,} words, {long_german} German articles of 800+ words, {members_only}"
        f" members-only), {len(queries)} queries, {errors} failed requests;"
        f" migrate {migrated:.0f} s, seed {seeded:.0f} s, queries {asked:.0f} s"
    )
    print("\n".join(report(outcomes, documents)))
    if args.json:
        args.json.write_text(json.dumps(as_json(outcomes), indent=2, ensure_ascii=False))
    return 1 if any(o.leaked for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
