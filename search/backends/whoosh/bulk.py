"""The search page's one pass, in bulk: ranked top hits, the exact total and facet counts.

Why it exists: Whoosh ranks document by document through a tree of matchers, a Python call
per document for every column and stem of every query word, and counts facets hit by hit;
for a common word with thousands of hits that cost hundreds of milliseconds. Here each
posting list is read a block at a time (and kept while the searcher is open), scored with
the BM25F parameters Whoosh's own scorer would use (idf, average length, B and K1), summed
per document with the loops in C where possible, and coordination, recency and proximity
are applied as :class:`~search.backends.whoosh.compiler._Ranked` defines them. Proximity,
the costly part, is only checked for documents that could still enter the page, best first,
at most PROXIMITY_WINDOW of them (as a rescoring window). The total is the number of
matching documents the filter allows; facets are counted with ``Counter`` over column values
read once per open searcher. Sorts on numeric columns (newest first) are read the same way.

The same documents come out in the same order as Whoosh's own collector gives them (ties:
lower document number first; tests/search/test_bulk_path.py compares the two); only the
last bits of a sum may differ, as the words' scores are added in another order, and beyond
the proximity window a document keeps its score without the bonus. Other queries (phrases,
fuzzy terms, sorts on text, multi-valued facets) take Whoosh's own path.
"""

from __future__ import annotations

import heapq
import struct
import weakref
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, repeat
from operator import add, mul
from typing import Any

from django.utils import timezone
from whoosh import columns as wcolumns
from whoosh import query as wquery
from whoosh import scoring
from whoosh import sorting as wsorting
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.idsets import BitSet
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.backends.whoosh.compiler import (
    PREFIX_SCORE,
    PROXIMITY_BONUS,
    RECENCY_BONUS,
    RECENCY_HALF_LIFE_DAYS,
    _in_order_within,
    _Or,
    _PartialWord,
    _Ranked,
    _ranking_weighting,
)
from search.backends.whoosh.schema import encode_filter_value

#: The most documents checked for the query's words standing together, best first: where
#: thousands hold every word but few together, the rest keep their score without the bonus.
PROXIMITY_WINDOW = 100
#: Filters whose allowed documents are kept per searcher, as the store keeps their sets.
ALLOWED_CACHE_SIZE = 64
#: Postings kept per searcher (document numbers and weights, 8 bytes each): common words
#: are searched again and again, and reading a list is a third of a search.
POSTINGS_CACHE_SIZE = 500_000
#: Score lists kept per posting list (one per boost a column gives it; 8 bytes a posting).
SCORES_PER_LIST = 2
#: Lists derived from columns kept per searcher (a few time zones, the current minute's
#: recency factors).
DERIVED_CACHE_SIZE = 8
#: Recency factors are worked out once a minute (for its end, so that every document has
#: its own age): a minute changes a factor by less than a billionth.
RECENCY_STEP_MICROSECONDS = 60_000_000

_MICROSECONDS_PER_DAY = 86_400_000_000
# Byte -> its eight bits as eight 0/1 bytes, least significant first (Whoosh's BitSet order).
_BITS_AS_BYTES = [bytes((byte >> bit) & 1 for bit in range(8)) for byte in range(256)]


@dataclass(frozen=True)
class FacetColumn:
    """A facet to count: the FilterField's name, its single-valued column, and for a count
    per month the function from a raw column value to its month."""

    name: str
    column: str
    month_of: Callable[[Any], Any] | None = None


@dataclass
class BulkPage:
    """Global document numbers of the hits from ``start`` to ``stop``, the total, and raw
    facet counts (column value -> count, or month -> count)."""

    docnums: list[int]
    total: int
    facets: dict[str, Counter]


# What is read once per open searcher


class _SegmentData:
    """One segment's field lengths and column values, read in one go each."""

    def __init__(self, searcher: Searcher, offset: int) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.doc_count = self.reader.doc_count_all()
        self._lengths: dict[str, bytes | None] = {}

    def lengths(self, column: str) -> bytes | None:
        """Whoosh's length byte of ``column`` for every document, or None when the segment
        stores no lengths for it."""
        if column not in self._lengths:
            self._lengths[column] = _length_bytes(self.reader, column, self.doc_count)
        return self._lengths[column]

    def column(self, name: str) -> list[Any]:
        """The raw (untranslated) column value of every document, as Whoosh's facets read
        them."""
        column = self.reader.column_reader(name, translate=False)
        return _column_values(column, self.doc_count)


class _SearcherData:
    """Everything the bulk path keeps about one open searcher (dropped with it)."""

    def __init__(self, searcher: Searcher) -> None:
        self.segments = [_SegmentData(s, offset) for s, offset in searcher.leaf_searchers()]
        self.doc_count = searcher.doc_count_all()
        self._live: bytes | None = None
        self._columns: dict[str, list[Any]] = {}
        self._allowed: OrderedDict[Any, bytes] = OrderedDict()
        self._derived: OrderedDict[Any, list[Any]] = OrderedDict()
        self._postings: OrderedDict[tuple[int, str, bytes], _PostingList] = OrderedDict()
        self._cached_postings = 0

    def live(self) -> bytes:
        """1 for every document that is not deleted, 0 for the others, per document."""
        if self._live is None:
            flags = bytearray(b"\x01" * self.doc_count)
            for segment in self.segments:
                if segment.reader.has_deletions():
                    for docnum in segment.reader.deleted_docs_set:
                        flags[segment.offset + docnum] = 0
            self._live = bytes(flags)
        return self._live

    def allowed(self, key: Any, docs: BitSet | None) -> bytes:
        """1 for every live document in ``docs`` (every live one when None), per document;
        remembered under ``key`` (the filter query)."""
        if docs is None:
            return self.live()
        found = self._allowed.get(key)
        if found is not None:
            self._allowed.move_to_end(key)
            return found
        expanded = b"".join(map(_BITS_AS_BYTES.__getitem__, docs.bits))[: self.doc_count]
        expanded = expanded.ljust(self.doc_count, b"\x00")
        live = self.live()
        if b"\x00" in live:
            expanded = bytes(a & b for a, b in zip(expanded, live, strict=True))
        self._allowed[key] = expanded
        if len(self._allowed) > ALLOWED_CACHE_SIZE:
            self._allowed.popitem(last=False)
        return expanded

    def column(self, name: str) -> list[Any]:
        """Raw column values of every document of the searcher, in document order."""
        values = self._columns.get(name)
        if values is None:
            values = []
            for segment in self.segments:
                values += segment.column(name)
            self._columns[name] = values
        return values

    def postings(self, segment: _SegmentData, column: str, term: bytes) -> _PostingList:
        """A term's postings without positions, kept while the searcher is open: the most
        recently used lists, up to POSTINGS_CACHE_SIZE postings in all."""
        key = (segment.offset, column, term)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = _read_postings(segment.reader, column, term)
        size = len(found.ids)
        if size <= POSTINGS_CACHE_SIZE // 4:
            self._postings[key] = found
            self._cached_postings += size
            while self._cached_postings > POSTINGS_CACHE_SIZE:
                _key, dropped = self._postings.popitem(last=False)
                self._cached_postings -= len(dropped.ids)
        return found

    def derived(self, key: Any, make: Callable[[], list[Any]]) -> list[Any]:
        """A per-document list made from columns (months in a time zone, recency factors),
        kept under ``key`` while the searcher is open; the latest few keys only."""
        values = self._derived.get(key)
        if values is None:
            values = self._derived[key] = make()
            if len(self._derived) > DERIVED_CACHE_SIZE:
                self._derived.popitem(last=False)
        return values


_data: weakref.WeakKeyDictionary[Searcher, _SearcherData] = weakref.WeakKeyDictionary()


def searcher_data(searcher: Searcher) -> _SearcherData:
    data = _data.get(searcher)
    if data is None:
        data = _data[searcher] = _SearcherData(searcher)
    return data


def _length_bytes(reader: Any, column: str, doc_count: int) -> bytes | None:
    """The length bytes of ``column`` in one read where Whoosh 2.7 keeps them in a plain
    byte column (always, for its own codec); document by document otherwise."""
    if column not in reader.schema or not reader.schema[column].scorable:
        return None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not perdoc.has_column(_lenfield(column)):
        return None
    lengths = perdoc.column_reader(_lenfield(column), LENGTHS_COLUMN)
    if isinstance(lengths, wcolumns.NumericColumn.Reader) and lengths._fixedlen == 1:
        data = bytes(lengths._dbfile.get(lengths._basepos, lengths._count))
    else:
        data = bytes(lengths[docnum] for docnum in range(doc_count))
    return data[:doc_count].ljust(doc_count, b"\x00")


def _column_values(column: Any, doc_count: int) -> list[Any]:
    """Every value of a column reader; numeric columns in one read and unpack."""
    if isinstance(column, wcolumns.NumericColumn.Reader) and not column._reverse:
        count = min(column._count, doc_count)
        data = column._dbfile.get(column._basepos, count * column._fixedlen)
        values = list(struct.unpack(f"!{count}{column._typecode}", data))
        return values + [column._default] * (doc_count - count)
    return [column[docnum] for docnum in range(doc_count)]


# Posting lists


class _PostingList:
    """One term's postings in one segment, deleted documents included (the allowed flags
    leave those out): document numbers in ascending order and weights, compact enough to
    keep. Positions are read only for the documents proximity is checked for, from the
    blocks that hold them."""

    __slots__ = ("blocks", "column", "ids", "reader", "scores", "term", "weights")

    def __init__(
        self,
        reader: Any,
        column: str,
        term: bytes,
        ids: Sequence[int],
        weights: Sequence[float],
        blocks: list[tuple[int, int]] | None,
    ) -> None:
        self.reader = reader
        self.column = column
        self.term = term
        self.ids = ids
        self.weights = weights
        # (index of the block's first posting, the block's place in the postings file)
        self.blocks = blocks
        # Scores of the postings under the searcher's statistics, per boost.
        self.scores: dict[tuple, array] = {}

    def index_of(self, docnum: int) -> int | None:
        index = bisect_left(self.ids, docnum)
        return index if index < len(self.ids) and self.ids[index] == docnum else None


class _Positions:
    """Reads positions of postings for one query, a block at a time, each block once."""

    def __init__(self) -> None:
        self._blocks: dict[tuple[int, int], Sequence[Any]] = {}
        self._matchers: dict[int, Any] = {}
        self._all: dict[int, list[Any]] = {}

    def at(self, postings: _PostingList, index: int) -> list[int]:
        """The positions of the posting at ``index`` (its term in that document)."""
        value = self._value(postings, index)
        return list(postings.reader.schema[postings.column].format.decode_as("positions", value))

    def _value(self, postings: _PostingList, index: int) -> Any:
        if postings.blocks is None:
            # Not Whoosh's own codec: every value, read document by document once.
            values = self._all.get(id(postings))
            if values is None:
                matcher = postings.reader.postings(postings.column, postings.term)
                values = self._all[id(postings)] = []
                while matcher.is_active():
                    values.append(matcher.value())
                    matcher.next()
            return values[index]
        block = bisect_right(postings.blocks, (index, float("inf"))) - 1
        first, place = postings.blocks[block]
        key = (id(postings), block)
        values = self._blocks.get(key)
        if values is None:
            matcher = self._matchers.get(id(postings))
            if matcher is None:
                matcher = postings.reader.postings(postings.column, postings.term)
                if isinstance(matcher, FilterMatcher):
                    matcher = matcher.child
                self._matchers[id(postings)] = matcher
            matcher._goto(place)
            matcher._read_values()
            values = self._blocks[key] = matcher._values
        return values[index - first]


def _read_postings(reader: Any, column: str, term: bytes) -> _PostingList:
    """Read a term's document numbers and weights a block at a time (Whoosh's own codec,
    noting where each block starts), or one by one."""
    matcher = reader.postings(column, term)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    blocks: list[tuple[int, int]] | None = None
    if type(matcher) is W3LeafMatcher:
        blocks = []
        place = matcher._baseoffset
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            blocks.append((len(ids), place))
            ids += matcher._ids
            weights += matcher._weights
            place = matcher._nextoffset
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    return _PostingList(reader, column, term, array("I", ids), array("f", weights), blocks)


def _term_bytes(reader: Any, column: str, text: Any) -> bytes | None:
    """The term as the index stores it, or None when this segment lacks it."""
    if column not in reader.schema:
        return None
    try:
        term = reader.schema[column].to_bytes(text)
    except ValueError:
        return None
    return term if (column, term) in reader else None


# Ranking


class _RankedSearch:
    """One ranked query over one open searcher: every posting list it reads is read once
    (scoring and proximity share them)."""

    def __init__(self, searcher: Searcher, query: _Ranked) -> None:
        self.searcher = searcher
        self.query = query
        self.data = searcher_data(searcher)
        self.weighting = _ranking_weighting(searcher)
        self.together = query.together if len(query.words) > 1 else None
        self._postings: dict[tuple[int, str, Any], _PostingList | None] = {}
        self._norm_cache: dict[tuple, list[float]] = {}
        self._positions = _Positions()

    def postings(self, segment: _SegmentData, column: str, text: Any) -> _PostingList | None:
        """The term's postings in the segment (None when it has none), from the
        searcher's cache where it has them."""
        key = (segment.offset, column, text)
        if key in self._postings:
            return self._postings[key]
        term = _term_bytes(segment.reader, column, text)
        found = self.data.postings(segment, column, term) if term is not None else None
        self._postings[key] = found
        return found

    # Scores of one word clause

    def word_scores(self, word: wquery.Query) -> dict[int, float]:
        """Global document number -> the word clause's score, for every document it
        matches (an _Or of alternatives is summed as Whoosh's union sums it)."""
        alternatives = word.subqueries if type(word) is _Or and word.boost == 1.0 else [word]
        parts: list[tuple[Iterable[int], Sequence[float]]] = []
        for segment in self.data.segments:
            for alternative in alternatives:
                if type(alternative) is wquery.Term:
                    part = self._term_scores(segment, alternative)
                elif type(alternative) is _PartialWord:
                    part = self._partial_scores(segment, alternative)
                else:
                    context = segment.searcher.context(weighting=self.weighting)
                    part = _matcher_scores(alternative.matcher(segment.searcher, context), segment)
                if part is not None and part[1]:
                    parts.append(part)
        if not parts:
            return {}
        # The longest list becomes the dict in one go; the others are added to it: their
        # documents not yet in it in one go too (a word's columns mostly hold different
        # documents: a wiki page's body, a post's body), only the others one by one.
        parts.sort(key=lambda part: -len(part[1]))
        scores = dict(zip(*parts[0], strict=True))
        for docnums, values in parts[1:]:
            _add_into(scores, dict(zip(docnums, values, strict=True)))
        return scores

    def _term_scores(
        self, segment: _SegmentData, term: wquery.Term
    ) -> tuple[Iterable[int], Sequence[float]] | None:
        """A Term's BM25F score times its boost for every document holding it, as Whoosh's
        scorer and WrappingMatcher compute it."""
        postings = self.postings(segment, term.fieldname, term.text)
        if postings is None:
            return None
        text = segment.reader.schema[term.fieldname].to_bytes(term.text)
        scorer = self.weighting.scorer(segment.searcher, term.fieldname, text)
        if not isinstance(scorer, scoring.BM25FScorer):
            # Another weighting (never the ranked search's BM25F): Whoosh's own matcher.
            context = segment.searcher.context(weighting=self.weighting)
            return _matcher_scores(term.matcher(segment.searcher, context), segment)
        idf, k1_plus_1, boost = scorer.idf, scorer.K1 + 1, term.boost
        # The scores depend only on statistics of the open searcher: kept with the list.
        key = (idf, scorer.K1, scorer.B, scorer.avgfl, boost)
        values = postings.scores.get(key)
        if values is None:
            norms = self._norms(term.fieldname, scorer)
            lengths = segment.lengths(term.fieldname) or b"\x01" * segment.doc_count
            values = array(
                "d",
                [
                    idf * ((weight * k1_plus_1) / (weight + norms[lengths[docnum]])) * boost
                    for docnum, weight in zip(postings.ids, postings.weights, strict=True)
                ],
            )
            if len(postings.scores) < SCORES_PER_LIST:
                postings.scores[key] = values
        offset = segment.offset
        return (map(offset.__add__, postings.ids) if offset else postings.ids), values

    def _norms(self, column: str, scorer: scoring.BM25FScorer) -> list[float]:
        """whoosh.scoring.bm25's length part for each length byte (Whoosh's dfl() gives a
        length of 1 where a segment keeps no lengths, which byte 1 stands for)."""
        key = (column, scorer.K1, scorer.B, scorer.avgfl)
        norms = self._norm_cache.get(key)
        if norms is None:
            k1, b, average = scorer.K1, scorer.B, scorer.avgfl
            norms = [k1 * ((1 - b) + b * byte_to_length(n) / average) for n in range(256)]
            self._norm_cache[key] = norms
        return norms

    def _partial_scores(
        self, segment: _SegmentData, word: _PartialWord
    ) -> tuple[Iterable[int], list[float]] | None:
        """A partial word's constant score per column in which one of its words stands."""
        terms = word.terms(self.searcher.reader())
        scores: dict[int, float] = {}
        get = scores.get
        for column, column_boost in word.columns:
            docs: set[int] = set()
            for term in terms:
                postings = self.postings(segment, column, term)
                if postings is not None:
                    docs.update(postings.ids)
            score = PREFIX_SCORE * column_boost * word.boost
            for docnum in docs:
                key = docnum + segment.offset
                scores[key] = get(key, 0.0) + score
        return list(scores), list(scores.values())

    # The page

    def top(self, allowed: bytes, limit: int | None) -> Ranking:
        """The ``limit`` (None: all) best allowed documents, best first, and every allowed
        document the query matches."""
        query = self.query
        words = [self.word_scores(word) for word in query.words]
        if not words:
            return Ranking([], [], [])
        if query.require_all:
            keys = set(words[0]).intersection(*words[1:])
        else:
            keys = set(words[0]).union(*words[1:])
        # In document order, as Whoosh meets them: facet values with equal counts keep it.
        docs = sorted(filter(allowed.__getitem__, keys))
        if limit is None:
            limit = len(docs)
        if not docs or limit <= 0:
            return Ranking([], [], docs)
        scores, complete = self._base_scores(words, docs)
        if self.together is not None and complete:
            scores = self._with_proximity(scores, complete, docs, limit)
        top = _best(scores, limit)
        return Ranking(top, [scores[docnum] for docnum in top], docs)

    def _base_scores(
        self, words: list[dict[int, float]], docs: list[int]
    ) -> tuple[dict[int, float], set[int]]:
        """Each document's score before proximity, and the documents holding every word:
        _RankedMatcher.score's sum of the words' scores (in query order), times the share of
        the words it holds and the recency factor, computed in the same order."""
        count = len(words)
        boost = self.query.boost
        recency = self._recency_factors()
        if count == 1:
            totals = words[0]
            matched = None
        else:
            totals = dict(words[0])
            for scores in words[1:]:
                _add_into(totals, scores)
            matched = Counter(chain.from_iterable(words))
        coordination = [boost * held / count for held in range(count + 1)]
        # total * coordination * recency, left to right as _RankedMatcher.score multiplies,
        # with map() so that the loop over thousands of documents runs in C.
        if matched is None:
            factors: Iterable[float] = repeat(coordination[1])
        else:
            factors = map(coordination.__getitem__, map(matched.__getitem__, docs))
        scores = map(mul, map(totals.__getitem__, docs), factors)
        if recency is not None:
            scores = map(mul, scores, map(recency.__getitem__, docs))
        base = dict(zip(docs, scores, strict=True))
        if matched is None:
            return base, set(docs)
        return base, {d for d in docs if matched[d] == count}

    def _recency_factors(self) -> list[float] | None:
        """Each document's recency factor (compiler._recency_factor's), for this minute."""
        column = self.query.recency
        searcher = self.searcher
        if column is None or column not in searcher.schema:
            return None
        if not searcher.reader().has_column(column):
            return None
        # The end of the current minute: every document published so far has its own age
        # (a start of the minute would make the last minute's documents equally new).
        now = encode_filter_value("datetime", timezone.now())
        now += RECENCY_STEP_MICROSECONDS - now % RECENCY_STEP_MICROSECONDS
        from_column = searcher.schema[column].from_column_value
        half_life = RECENCY_HALF_LIFE_DAYS * _MICROSECONDS_PER_DAY

        def published() -> list[int]:
            return [from_column(raw) or 0 for raw in self.data.column(column)]

        def factors() -> list[float]:
            ages = (max(now - moment, 0) for moment in self.data.derived(column, published))
            return [1.0 + RECENCY_BONUS * half_life / (half_life + age) for age in ages]

        return self.data.derived(("recency", column, now), factors)

    def _with_proximity(
        self, base: dict[int, float], complete: set[int], docs: list[int], limit: int
    ) -> dict[int, float]:
        """The scores once the documents holding the words together have the proximity
        bonus. A document can score at most its base score times the bonus, so documents
        are checked from the highest such bound down, until none left can enter the page or
        PROXIMITY_WINDOW have been checked (the rest keep their base score)."""
        bonus = 1.0 + PROXIMITY_BONUS
        # Nothing that cannot reach the limit-th best base score can enter the page, and
        # no more than the window's best are checked.
        floor = heapq.nlargest(limit, base.values())[-1]
        window = heapq.nlargest(PROXIMITY_WINDOW, (base[d] for d in complete))[-1]
        candidates = [d for d in complete if base[d] >= window and base[d] * bonus >= floor]
        candidates.sort(key=lambda d: (-base[d], d))
        final = dict(base)
        kept = _best(final, limit)
        for checked, docnum in enumerate(candidates):
            worst = kept[-1]
            cannot_enter = (base[docnum] * bonus, -docnum) < (final[worst], -worst)
            if checked >= PROXIMITY_WINDOW or cannot_enter:
                break
            if self._together_at(docnum):
                final[docnum] = base[docnum] * bonus
                kept = sorted({*kept, docnum}, key=lambda d: (-final[d], d))[:limit]
        return final

    def _together_at(self, docnum: int) -> bool:
        """Whether the document holds the query's words in order, at most the slop apart,
        in one column."""
        together = self.together
        for segment in self.data.segments:
            if segment.offset <= docnum < segment.offset + segment.doc_count:
                break
        local = docnum - segment.offset
        for column in together.columns:
            # Which of each word's stems the column holds for the document: positions are
            # read (a block of postings each) only where it holds every word.
            held = []
            for stems in together.words:
                lists = [self.postings(segment, column, term) for term in stems]
                here = [
                    (postings, index)
                    for postings in lists
                    if postings is not None and (index := postings.index_of(local)) is not None
                ]
                if not here:
                    break
                held.append(here)
            else:
                positions = [
                    sorted(chain.from_iterable(self._positions.at(p, i) for p, i in here))
                    for here in held
                ]
                if _in_order_within(positions, together.slop):
                    return True
        return False


def _add_into(scores: dict[int, float], more: dict[int, float]) -> None:
    """Add ``more``'s scores to ``scores``, document by document (``scores[d] + more[d]``,
    the order Whoosh adds in), with the loops in C: thousands of documents per word."""
    both = list(more.keys() & scores.keys())
    new = list(more.keys() - scores.keys())
    scores.update(
        zip(both, map(add, map(scores.__getitem__, both), map(more.__getitem__, both)), strict=True)
    )
    scores.update(zip(new, map(more.__getitem__, new), strict=True))


def _matcher_scores(matcher: Any, segment: _SegmentData) -> tuple[list[int], list[float]]:
    """Whoosh's own matcher read document by document, for other kinds of query."""
    docnums: list[int] = []
    values: list[float] = []
    while matcher.is_active():
        docnums.append(matcher.id() + segment.offset)
        values.append(matcher.score())
        matcher.next()
    return docnums, values


def _best(scores: dict[int, float], limit: int) -> list[int]:
    """The ``limit`` documents with the highest scores, best first; of equal scores the
    lower document number first, as Whoosh's collector keeps them."""
    if len(scores) > limit:
        floor = heapq.nlargest(limit, scores.values())[-1]
        candidates = [docnum for docnum, score in scores.items() if score >= floor]
    else:
        candidates = list(scores)
    candidates.sort(key=lambda d: (-scores[d], d))
    return candidates[:limit]


@dataclass
class Ranking:
    """The best documents (global numbers), best first, their scores, and every allowed
    document the query matches, in document order."""

    top: list[int]
    scores: list[float]
    docs: list[int]


def rank(searcher: Searcher, query: _Ranked, allowed: bytes, limit: int | None) -> Ranking:
    """The ``limit`` (None: all) best allowed documents for a ranked query and every
    allowed document it matches."""
    return _RankedSearch(searcher, query).top(allowed, limit)


def sort_keys(searcher: Searcher, sortedby: Any) -> Callable[[int], tuple] | None:
    """docnum -> its sort key under ``sortedby`` (a FieldFacet or a MultiFacet of them on
    numeric columns), as Whoosh's sorting collector orders by it; None for other sorts."""
    facets = sortedby.facets if isinstance(sortedby, wsorting.MultiFacet) else [sortedby]
    data = searcher_data(searcher)
    columns = []
    for facet in facets:
        if type(facet) is not wsorting.FieldFacet or facet.allow_overlap:
            return None
        name = facet.fieldname
        if name not in searcher.schema or not searcher.reader().has_column(name):
            return None
        if not isinstance(searcher.schema[name].column_type, wcolumns.NumericColumn):
            return None
        values = data.column(name)
        # A reversed numeric column sorts by the value's negation (NumericColumn.Reader).
        columns.append((values, facet.reverse))
    if len(columns) == 1:
        values, reverse = columns[0]
        return (lambda d: (-values[d], d)) if reverse else (lambda d: (values[d], d))
    return lambda d: (*(-v[d] if reverse else v[d] for v, reverse in columns), d)


def sorted_top(docs: list[int], key: Callable[[int], tuple], limit: int) -> list[int]:
    """The first ``limit`` of ``docs`` in the order of ``key``."""
    return heapq.nsmallest(limit, docs, key=key)


# Matching without scores (counts and facets of unranked searches)


def matching_docs(searcher: Searcher, query: wquery.Query, allowed: bytes) -> list[int]:
    """Every allowed document ``query`` matches."""
    data = searcher_data(searcher)
    found: set[int] = set()
    for segment in data.segments:
        offset = segment.offset
        found.update(docnum + offset for docnum in _segment_docs(segment, query, searcher))
    return sorted(filter(allowed.__getitem__, found))


def _segment_docs(segment: _SegmentData, query: wquery.Query, searcher: Searcher) -> set[int]:
    kind = type(query)
    if kind is wquery.Term:
        text = _term_bytes(segment.reader, query.fieldname, query.text)
        if text is None:
            return set()
        return set(searcher_data(searcher).postings(segment, query.fieldname, text).ids)
    if kind in (_Or, wquery.Or) or (kind is _Ranked and not query.require_all):
        parts = query.words if kind is _Ranked else query.subqueries
        return set().union(*(_segment_docs(segment, part, searcher) for part in parts))
    if kind is wquery.And or (kind is _Ranked and query.require_all):
        parts = query.words if kind is _Ranked else query.subqueries
        sets = [_segment_docs(segment, part, searcher) for part in parts]
        return set.intersection(*sets) if sets else set()
    if kind is _PartialWord:
        docs: set[int] = set()
        for term in query.terms(searcher.reader()):
            for column, _boost in query.columns:
                docs |= _segment_docs(segment, wquery.Term(column, term), searcher)
        return docs
    return set(query.docs(segment.searcher))


def _months(facet: FacetColumn, raw_values: list[Any]) -> list[Any]:
    return [facet.month_of(raw) for raw in raw_values]


def count_facets(
    data: _SearcherData, docs: list[int], facets: Sequence[FacetColumn], zone: str
) -> dict[str, Counter]:
    """Raw counts per column value (per month in time zone ``zone`` for a month facet) of
    ``docs``."""
    counted: dict[str, Counter] = {}
    for facet in facets:
        values = data.column(facet.column)
        if facet.month_of is not None:
            values = data.derived(("months", facet.column, zone), partial(_months, facet, values))
        counted[facet.name] = Counter(map(values.__getitem__, docs))
    return counted
