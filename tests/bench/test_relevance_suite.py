"""The relevance benchmark's harness (bench/relevance.py) on a handful of its documents and
queries: that it seeds real pages, asks the search page as a member and as an outsider,
scores and reports. It does not assert the score target; `python -m bench.relevance` measures."""

from __future__ import annotations

import pytest

from bench.relevance import (
    CATEGORIES,
    LANGUAGES,
    MEMBER,
    OUTSIDER,
    Corpus,
    Outcome,
    Query,
    evaluate,
    leaks,
    load_documents,
    load_queries,
    report,
    score,
    seed,
)

# A members-only document and the open one that competes with it, plus unrelated ones.
FEW_DOCUMENTS = {
    "de-krisenkommunikation",
    "de-krisenstab-kontakte",
    "de-gehaltsbaender",
    "en-coffee-machine",
    "en-security-tip-lock-screen",
}
FEW_QUERIES = {"Krisenstab", "Gehaltsbänder", "coffee machine", "lock your screen"}


def test_the_corpus_and_queries_have_the_shape_the_issue_asks_for():
    documents = load_documents()
    queries = load_queries(documents)

    long_german = [d for d in documents.values() if d.language == "de" and d.words >= 800]
    assert 60 <= len(documents) <= 120
    assert len(long_german) >= 10
    assert any(d.members_only for d in documents.values())
    assert len(queries) >= 80
    assert {c for q in queries for c in q.categories} == set(CATEGORIES)
    assert {q.language for q in queries} == set(LANGUAGES)


def test_an_outcome_is_scored_by_the_first_expected_document_on_the_page():
    query = Query("q", ("b",), ("plain",), "en")
    second = Outcome(query, MEMBER, ("b",), ["a", "b", "c"])
    missing = Outcome(query, MEMBER, ("b",), ["a"])

    scores = score([second, missing])

    assert (second.rank, missing.rank) == (2, None)
    assert (scores.count, scores.success_at_1, scores.success_at_3) == (2, 0.0, 0.5)
    assert scores.mrr == pytest.approx(0.25)


def test_a_members_only_title_on_the_outsiders_page_counts_as_a_leak():
    documents = {k: v for k, v in load_documents().items() if k in FEW_DOCUMENTS}
    corpus = Corpus(documents=documents, keys_by_pk={}, readers={})
    title = documents["de-gehaltsbaender"].title

    assert leaks(corpus, [], f"<p>{title}</p>") == ["de-gehaltsbaender"]
    assert leaks(corpus, ["de-krisenkommunikation"], "<p>nothing secret</p>") == []


@pytest.mark.django_db
def test_it_asks_the_search_page_as_a_member_and_as_an_outsider():
    all_documents = load_documents()
    documents = {key: all_documents[key] for key in sorted(FEW_DOCUMENTS)}
    queries = [q for q in load_queries(all_documents) if q.text in FEW_QUERIES]
    corpus = seed(documents)

    outcomes = evaluate(corpus, queries)

    by = {(o.query.text, o.reader): o for o in outcomes}
    assert len(outcomes) == 2 * len(FEW_QUERIES)
    assert not any(o.error for o in outcomes)
    assert "de-krisenstab-kontakte" in by[("Krisenstab", MEMBER)].ranked
    assert "de-krisenstab-kontakte" not in by[("Krisenstab", OUTSIDER)].ranked
    # The outsider is scored only on what they may read; members-only answers are not theirs.
    assert by[("Krisenstab", OUTSIDER)].expected == ("de-krisenkommunikation",)
    assert not by[("Gehaltsbänder", OUTSIDER)].scored
    assert by[("coffee machine", OUTSIDER)].rank == 1
    assert not any(o.leaked for o in outcomes)
    printed = "\n".join(report(outcomes, documents))
    assert "success@3" in printed
    assert "Members-only documents shown to the outsider: 0" in printed
