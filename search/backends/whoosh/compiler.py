"""The query compiler: a modelsearch query, queryset filters and ordering as Whoosh queries.

Text queries search every SearchField column with the query's English and German stems;
ranked ones also find the words a partial word begins and score as described under
"Ranking" below. Queryset filters become terms and ranges on FilterField columns (the
backend applies them as a filter, never as scoring); ordering becomes sort facets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import F, OrderBy, Subquery
from django.db.models.sql import Query
from django.db.models.sql.constants import MULTI, SINGLE
from django.utils import timezone
from modelsearch.backends.base import (
    BaseSearchQueryCompiler,
    FilterError,
    OrderByFieldError,
    get_model_root,
)
from modelsearch.index import get_indexed_models
from modelsearch.query import And, Boost, Fuzzy, MatchAll, Not, Or, Phrase, PlainText
from whoosh import fields as wfields
from whoosh import matching, scoring
from whoosh import query as wquery
from whoosh import sorting as wsorting
from whoosh.reading import IndexReader
from whoosh.searching import SearchContext, Searcher
from whoosh.util import make_binary_tree

from search.analyzers import (
    autocomplete_terms,
    compound_parts,
    joined_terms,
    partial_prefix,
    phrase_terms,
    query_terms,
    query_words,
)
from search.backends.whoosh.schema import (
    CONTENT_TYPES,
    NULL_COLUMNS,
    PK,
    PK_ORDER,
    SPELLING,
    WhooshMapping,
    encode_filter_value,
    short_text_columns,
)


class _Filter:
    """A compiled filter. Always truthy: the base class drops falsy child filters."""

    __slots__ = ("query",)

    def __init__(self, query: wquery.Query) -> None:
        self.query = query


class _Or(wquery.Or):
    """Whoosh's Or, always matched as a tree of unions.

    Left to itself, Whoosh preloads the scores of every Or into a 2,048-slot array per
    index segment under 5,000 documents, and a query of three words over a dozen columns
    and two stems nests dozens of Ors: filling those arrays cost most of a search."""

    matcher_type = wquery.Or.DEFAULT_MATCHER


def _match_everything() -> wquery.Query:
    return wquery.Every()


def is_nothing(query: wquery.Query) -> bool:
    return query is wquery.NullQuery


def _negate(query: wquery.Query) -> wquery.Query:
    # Whoosh normalises Not(NullQuery) to NullQuery; "not nothing" is everything.
    if is_nothing(query):
        return _match_everything()
    if isinstance(query, wquery.Every):
        return wquery.NullQuery
    return wquery.Not(query)


def _fuzzy_distance(term: str) -> int:
    # Elasticsearch's "AUTO" fuzziness.
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


# Ranking
#
# A text query is one clause per query word: any of its stems in any searched column (and,
# for a ranked search, the whole words it begins). Summed as Whoosh sums an Or, four short
# posts that repeat "security" outrank the one text holding "Chief Information Security
# Officer". A ranked query (_Ranked) scores a document instead as
#
#     its words' BM25F scores
#     x (1 + PROXIMITY_BONUS) where the words stand together (proximity)
#     x the share of the query's words it contains (coordination)
#     x at most 1 + RECENCY_BONUS for a document published today (a tie-breaker)
#
# and still visits each matching document once, so top-k collection stays top-k.

#: Score bonus of a document holding the query's words together, in order, at most
#: PROXIMITY_SLOP positions apart (1: as a phrase), in one column.
PROXIMITY_BONUS = 1.0
PROXIMITY_SLOP = 3

#: The most frequent whole words a partial word stands for; it finds no others.
PREFIX_EXPANSIONS = 12
#: Index words read to choose them: a short prefix begins thousands.
PREFIX_SCAN = 400
#: Score of a prefix match per unit of column boost. Constant rather than BM25F, so the
#: high IDF of a rare completion cannot lift it above documents holding the word itself.
PREFIX_SCORE = 0.1

#: BM25F's length normalisation (B) for short columns (titles, names): none, as a title of
#: eight words is no less about each of them than a title of two. Long text keeps 0.75.
SHORT_TEXT_B = 0.0

#: The date that makes a document recent, if its model has it as a FilterField.
RECENCY_FIELD = "first_published_at"
#: Score bonus of a document published now; it halves at the half-life's age.
RECENCY_BONUS = 0.05
RECENCY_HALF_LIFE_DAYS = 365
_MICROSECONDS_PER_DAY = 86_400_000_000


def whole_word_terms(reader: IndexReader, prefix: str, exclude: frozenset[str]) -> tuple[str, ...]:
    """The index terms of the most frequent words beginning with `prefix`, except `exclude`;
    none when `prefix` is itself a word of the index (it is then no partial word).

    Words come from the spelling column (every word as written, unstemmed): a stem may be
    shorter than the prefix ("Abteilu" begins "Abteilung", whose German stem is "abteil").
    """
    if SPELLING not in reader.schema:
        return ()
    field = reader.schema[SPELLING]
    if (SPELLING, field.to_bytes(prefix)) in reader:
        # A word someone wrote is meant as itself: "Team" does not stand for "Teamwork".
        return ()
    words = list(islice(reader.expand_prefix(SPELLING, prefix), PREFIX_SCAN))
    words.sort(key=lambda word: -reader.doc_frequency(SPELLING, word))
    to_text = field.from_bytes
    terms: list[str] = []
    for word in words[:PREFIX_EXPANSIONS]:
        terms += [t for t in query_terms(to_text(word)) if t not in exclude and t not in terms]
    return tuple(terms)


class _ConstantScoreMatcher(matching.WrappingMatcher):
    """Its child's documents, each scored ``boost`` (Whoosh's ConstantScoreQuery keeps the
    child's scores whenever the collector steps through documents, as ranking does)."""

    def score(self) -> float:
        return self.boost

    def max_quality(self) -> float:
        return self.boost

    def supports_block_quality(self) -> bool:
        return False


class _PartialWord(wquery.Query):
    """The whole words a partial query word begins, in the searched columns, scored
    PREFIX_SCORE x column boost. The words are chosen from the whole index (not per
    segment), so every segment ranks the same completions."""

    def __init__(
        self,
        prefix: str,
        columns: Sequence[tuple[str, float]],
        exclude: frozenset[str],
        boost: float = 1.0,
    ) -> None:
        self.prefix = prefix
        self.columns = tuple(columns)
        self.exclude = exclude
        self.boost = boost
        self._resolved: tuple[IndexReader, tuple[str, ...]] | None = None

    def _key(self) -> tuple:
        return (self.prefix, self.columns, self.exclude, self.boost)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._key()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.prefix!r}*)"

    def estimate_size(self, ixreader: IndexReader) -> int:
        return 0

    def terms(self, reader: IndexReader) -> tuple[str, ...]:
        """The whole words' terms, looked up in the whole index's reader ``reader``."""
        # Each segment asks; the index's words are looked up once.
        if self._resolved is None or self._resolved[0] is not reader:
            self._resolved = (reader, whole_word_terms(reader, self.prefix, self.exclude))
        return self._resolved[1]

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Any:
        terms = self.terms(searcher.get_parent().reader())
        unscored = searcher.boolean_context()
        columns = []
        for column, column_boost in self.columns:
            postings = [wquery.Term(column, term).matcher(searcher, unscored) for term in terms]
            postings = [m for m in postings if m.is_active()]
            if postings:
                union = make_binary_tree(matching.UnionMatcher, postings)
                score = PREFIX_SCORE * column_boost * self.boost
                columns.append(_ConstantScoreMatcher(union, boost=score))
        if not columns:
            return matching.NullMatcher()
        return make_binary_tree(matching.UnionMatcher, columns)


#: The shortest part a query word is cut into when looking for it written as two words.
SPLIT_PART_LENGTH = 4


def split_by_index(reader: IndexReader, word: str) -> tuple[str, str] | None:
    """The cut of `word` into two words that are both written somewhere in the index
    ("homeoffice" → "home", "office"), the one whose rarer part is commonest; None when no
    cut makes two such words. The index's own words are the dictionary: CharSplit's German
    statistics leave English and mixed compounds ("Teammeeting") whole."""
    if SPELLING not in reader.schema or len(word) < 2 * SPLIT_PART_LENGTH or not word.isalpha():
        return None
    field = reader.schema[SPELLING]

    def frequency(part: str) -> int:
        key = field.to_bytes(part)
        return reader.doc_frequency(SPELLING, key) if (SPELLING, key) in reader else 0

    best: tuple[int, str, str] | None = None
    for cut in range(SPLIT_PART_LENGTH, len(word) - SPLIT_PART_LENGTH + 1):
        tail = frequency(word[cut:])
        if not tail:
            continue
        head = word[:cut]
        heads = [head]
        if head.endswith("s") and len(head) > SPLIT_PART_LENGTH:
            heads.append(head[:-1])  # the linking "s" of "Arbeits|zeit"
        for candidate in heads:
            found = min(frequency(candidate), tail)
            if found and (best is None or found > best[0]):
                best = (found, candidate, word[cut:])
    return None if best is None else (best[1], best[2])


class _SplitWord(wquery.Query):
    """One query word written in documents as two ("Homeoffice" as "Home Office"): the
    two words standing next to each other in one of the searched columns, scored as a
    phrase. The cut is chosen from the whole index's words (`split_by_index`)."""

    def __init__(self, word: str, columns: Sequence[tuple[str, float]], boost: float = 1.0):
        self.word = word
        self.columns = tuple(columns)
        self.boost = boost
        self._resolved: tuple[IndexReader, tuple[str, str] | None] | None = None

    def _key(self) -> tuple:
        return (self.word, self.columns, self.boost)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self._key()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.word!r})"

    def estimate_size(self, ixreader: IndexReader) -> int:
        return 0

    def parts(self, reader: IndexReader) -> tuple[str, str] | None:
        if self._resolved is None or self._resolved[0] is not reader:
            self._resolved = (reader, split_by_index(reader, self.word))
        return self._resolved[1]

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Any:
        parts = self.parts(searcher.get_parent().reader())
        if parts is None:
            return matching.NullMatcher()
        head, tail = (query_terms(part) for part in parts)
        if not head or not tail:
            return matching.NullMatcher()
        columns = []
        for column, column_boost in self.columns:
            steps = [_Or([wquery.Term(column, t) for t in terms]) for terms in (head, tail)]
            found = wquery.Sequence(steps, boost=column_boost * self.boost)
            found_matcher = found.matcher(searcher, context)
            if found_matcher.is_active():
                columns.append(found_matcher)
        if not columns:
            return matching.NullMatcher()
        return make_binary_tree(matching.UnionMatcher, columns)


def _ranking_weighting(searcher: Searcher) -> scoring.WeightingModel:
    """BM25F with the short columns' own B."""
    short_b = {f"{column}_B": SHORT_TEXT_B for column in short_text_columns(searcher.schema)}
    return scoring.BM25F(**short_b)


def _recency_factor(searcher: Searcher, column: str | None) -> Callable[[int], float] | None:
    """docnum -> 1 + the recency bonus of the segment's documents, or None without dates."""
    reader = searcher.reader()
    if column is None or column not in searcher.schema or not reader.has_column(column):
        return None
    published = reader.column_reader(column, translate=True)
    now = encode_filter_value("datetime", timezone.now())
    half_life = RECENCY_HALF_LIFE_DAYS * _MICROSECONDS_PER_DAY

    def factor(docnum: int) -> float:
        age = max(now - (published[docnum] or 0), 0)
        return 1.0 + RECENCY_BONUS * half_life / (half_life + age)

    return factor


@dataclass(frozen=True)
class _Together:
    """The query's words standing together: the stems of each word in query order, looked
    for in ``columns`` at most ``slop`` positions apart (1: a phrase)."""

    columns: tuple[str, ...]
    words: tuple[tuple[str, ...], ...]
    slop: int = PROXIMITY_SLOP


class _TogetherCheck:
    """Reads the positions of the query's words in one document at a time, for documents
    in ascending order (one segment's postings, each read forward once)."""

    def __init__(self, searcher: Searcher, together: _Together) -> None:
        reader = searcher.reader()
        self._slop = together.slop
        # Per column, per word: the postings of its stems that this segment has.
        self._columns: list[list[list[Any]]] = []
        for column in together.columns:
            if column not in searcher.schema:
                continue
            to_bytes = searcher.schema[column].to_bytes
            words = [
                [
                    reader.postings(column, term)
                    for term in stems
                    if (column, to_bytes(term)) in reader
                ]
                for stems in together.words
            ]
            if all(words):
                self._columns.append(words)

    def __bool__(self) -> bool:
        return bool(self._columns)

    def at(self, docnum: int) -> bool:
        for words in self._columns:
            positions = [_positions_at(postings, docnum) for postings in words]
            if all(positions) and _in_order_within(positions, self._slop):
                return True
        return False


def _positions_at(postings: list[Any], docnum: int) -> list[int]:
    found: list[int] = []
    for posting in postings:
        if posting.is_active() and posting.id() < docnum:
            posting.skip_to(docnum)
        if posting.is_active() and posting.id() == docnum:
            found += posting.value_as("positions")
    return sorted(found)


def _in_order_within(positions: list[list[int]], slop: int) -> bool:
    """Whether each word follows the one before at most `slop` positions after it."""
    for start in positions[0]:
        previous = start
        for following in positions[1:]:
            index = bisect_right(following, previous)
            if index == len(following) or following[index] - previous > slop:
                break
            previous = following[index]
        else:
            return True
    return False


class _Ranked(wquery.Query):
    """Documents matching any (or with ``require_all`` every) word clause, scored as
    described under "Ranking": coordination, proximity and recency."""

    def __init__(
        self,
        words: Sequence[wquery.Query],
        *,
        together: _Together | None = None,
        require_all: bool = False,
        recency: str | None = None,
        boost: float = 1.0,
    ) -> None:
        self.words = list(words)
        self.together = together
        self.require_all = require_all
        self.recency = recency
        self.boost = boost

    def _key(self) -> tuple:
        return (self.words, self.together, self.require_all, self.recency, self.boost)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.words, self.together, self.recency))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.words!r}, together={self.together!r})"

    def is_leaf(self) -> bool:
        return False

    def children(self) -> Iterator[wquery.Query]:
        return iter(self.words)

    def apply(self, fn: Callable[[wquery.Query], wquery.Query]) -> _Ranked:
        return _Ranked(
            [fn(word) for word in self.words],
            together=self.together,
            require_all=self.require_all,
            recency=self.recency,
            boost=self.boost,
        )

    def estimate_size(self, ixreader: IndexReader) -> int:
        sizes = [word.estimate_size(ixreader) for word in self.words]
        return min(sizes) if self.require_all else min(sum(sizes), ixreader.doc_count())

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> Any:
        context = context or searcher.context()
        if context.weighting is None:
            # Counting and facets: which documents, not how well.
            kind = matching.IntersectionMatcher if self.require_all else matching.UnionMatcher
            return make_binary_tree(kind, [w.matcher(searcher, context) for w in self.words])
        context = context.set(weighting=_ranking_weighting(searcher))
        together = _TogetherCheck(searcher, self.together) if self.together else None
        return _RankedMatcher(
            [word.matcher(searcher, context) for word in self.words],
            _Scoring(
                len(self.words),
                together or None,
                _recency_factor(searcher, self.recency),
                self.boost,
                self.require_all,
            ),
        )


@dataclass
class _Scoring:
    """What a _RankedMatcher scores by; shared by the matchers that replace one another."""

    word_count: int
    together: _TogetherCheck | None
    recency: Callable[[int], float] | None
    boost: float
    require_all: bool

    def largest_factor(self) -> float:
        """The most that proximity and recency can multiply a document's word scores by."""
        factor = self.boost
        if self.together is not None:
            factor *= 1.0 + PROXIMITY_BONUS
        if self.recency is not None:
            factor *= 1.0 + RECENCY_BONUS
        return factor


class _RankedMatcher(matching.Matcher):
    """The matcher of :class:`_Ranked`: a union (or intersection) of the word matchers that
    scores each document once, from the word matchers positioned on it."""

    def __init__(self, words: list[Any], scoring: _Scoring, threshold: float = 0.0) -> None:
        self._words = words
        self._scoring = scoring
        # The top-k collector's lowest kept score (passed to replace()): a document that
        # cannot reach it is not checked for proximity, the costly part of a score.
        self._threshold = threshold
        self._id: int | None = None
        if scoring.require_all:
            self._align()

    def _align(self) -> None:
        """Move the words to the next document all of them contain."""
        words = self._words
        while all(word.is_active() for word in words):
            target = max(word.id() for word in words)
            behind = [word for word in words if word.id() < target]
            if not behind:
                return
            for word in behind:
                word.skip_to(target)

    def is_active(self) -> bool:
        if self._scoring.require_all:
            return bool(self._words) and all(word.is_active() for word in self._words)
        return any(word.is_active() for word in self._words)

    def id(self) -> int:
        if self._id is None:
            self._id = min(word.id() for word in self._words if word.is_active())
        return self._id

    def next(self) -> bool:
        current = self.id()
        new_block = False
        for word in self._words:
            if word.is_active() and word.id() == current:
                new_block = bool(word.next()) or new_block
        self._id = None
        if self._scoring.require_all:
            self._align()
        # True when a word entered a new block of postings: the collector then checks
        # the block's quality again.
        return new_block

    def skip_to(self, target: int) -> None:
        for word in self._words:
            if word.is_active() and word.id() < target:
                word.skip_to(target)
        self._id = None
        if self._scoring.require_all:
            self._align()

    def score(self) -> float:
        scoring = self._scoring
        current = self.id()
        total = 0.0
        matched = 0
        for word in self._words:
            if word.is_active() and word.id() == current:
                total += word.score()
                matched += 1
        together = scoring.together
        if (
            together is not None
            # Only documents holding every word can hold them together.
            and matched == scoring.word_count
            and total * scoring.largest_factor() > self._threshold
            and together.at(current)
        ):
            total *= 1.0 + PROXIMITY_BONUS
        total *= scoring.boost * matched / scoring.word_count
        if scoring.recency is not None:
            total *= scoring.recency(current)
        return total

    # Block quality: an upper bound of the scores in the words' current blocks lets the top-k
    # collector skip blocks that cannot reach its k-th score, as it does for a plain Or.
    # Coordination only lowers a score, so the bound is the words' bound times the largest
    # factor of proximity and recency.

    def supports_block_quality(self) -> bool:
        return not self._scoring.require_all and all(
            word.supports_block_quality() for word in self._words
        )

    def max_quality(self) -> float:
        words = sum(word.max_quality() for word in self._words if word.is_active())
        return words * self._scoring.largest_factor()

    def block_quality(self) -> float:
        words = sum(word.block_quality() for word in self._words if word.is_active())
        return words * self._scoring.largest_factor()

    def skip_to_quality(self, minquality: float) -> int:
        """Skip blocks whose bound stays below `minquality`, the lowest word's first, as
        Whoosh's union does for two."""
        self._id = None
        needed = minquality / self._scoring.largest_factor()
        skipped = 0
        words = [word for word in self._words if word.is_active()]
        while words:
            qualities = [word.block_quality() for word in words]
            total = sum(qualities)
            if total >= needed:
                break
            lowest = min(range(len(words)), key=qualities.__getitem__)
            skipped += words[lowest].skip_to_quality(needed - (total - qualities[lowest]))
            words = [word for word in words if word.is_active()]
        return skipped

    def supports(self, astype: str) -> bool:
        return False

    def children(self) -> list[Any]:
        return list(self._words)

    def depth(self) -> int:
        return 1 + max((word.depth() for word in self._words), default=0)

    def replace(self, minquality: float = 0) -> Any:
        # Drop exhausted words and let each word simplify its own tree.
        if not self.is_active():
            return matching.NullMatcher()
        words = [word.replace(0) for word in self._words if word.is_active()]
        return _RankedMatcher(words, self._scoring, minquality)

    def copy(self) -> _RankedMatcher:
        return _RankedMatcher([word.copy() for word in self._words], self._scoring, self._threshold)

    def reset(self) -> None:
        for word in self._words:
            word.reset()
        self._id = None
        if self._scoring.require_all:
            self._align()


class WhooshSearchQueryCompiler(BaseSearchQueryCompiler):
    """Translates a modelsearch query, queryset filters and ordering into Whoosh terms."""

    DEFAULT_OPERATOR = "or"
    HANDLES_ORDER_BY_EXPRESSIONS = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mapping = WhooshMapping(self.queryset.model)
        self._to_many_lookups: dict[str, int] = defaultdict(int)

    # Text

    def text_columns(self) -> list[tuple[str, float]]:
        """(column, boost) pairs to search."""
        if self.fields:
            searchable = {
                field.field_name: field
                for field in self.queryset.model.get_searchable_search_fields()
            }
            return [
                (self.mapping.column(searchable[name]), float(searchable[name].boost or 1))
                for name in self.fields
                if name in searchable
            ]
        return _text_columns_for(self.queryset.model)

    def _word_clauses(
        self, text: str, make_term: Any, boost: float = 1.0, partial: bool = False
    ) -> list[wquery.Query]:
        # One clause per query word: any of its stems in any searched column, and with
        # `partial` the whole words it begins and the word as it is written when people
        # write it apart or together: "Home Office" meets "Homeoffice" and the other way.
        columns = self.text_columns()
        # A stop word is left out, as Elasticsearch leaves out the words its analyser drops.
        words = [(word, terms) for word in query_words(text) if (terms := query_terms(word))]
        clauses = []
        for index, (word, terms) in enumerate(words):
            alternatives = [
                make_term(column, term, column_boost)
                for term in terms
                for column, column_boost in columns
            ]
            if partial and columns:
                prefix = partial_prefix(word)
                if prefix is not None:
                    alternatives.append(_PartialWord(prefix, columns, frozenset(terms), boost))
                pairs = []
                if index > 0:
                    pairs.append((words[index - 1][0], word))
                if index + 1 < len(words):
                    pairs.append((word, words[index + 1][0]))
                joined = [t for pair in pairs for t in joined_terms(*pair) if t not in terms]
                alternatives += [
                    make_term(column, term, column_boost)
                    for term in dict.fromkeys(joined)
                    for column, column_boost in columns
                ]
                if not compound_parts(word.lower()):
                    alternatives.append(_SplitWord(word.lower(), columns, boost))
            if alternatives:
                clauses.append(_Or(alternatives))
        return clauses

    def _combine(
        self, clauses: list[wquery.Query], operator: str, together: _Together | None = None
    ) -> wquery.Query:
        """The word clauses as one query: ranked when the search is, else a plain union or
        intersection (an unranked search only asks which documents match)."""
        if not clauses:
            return wquery.NullQuery
        if self.order_by_relevance:
            return _Ranked(
                clauses,
                together=together,
                require_all=operator == "and",
                recency=self._recency_column(),
            )
        return wquery.And(clauses) if operator == "and" else _Or(clauses)

    def _recency_column(self) -> str | None:
        field = self._get_filterable_field(RECENCY_FIELD)
        return self.mapping.filter_column([field]).name if field is not None else None

    def compile_plain_text(self, text: str, operator: str, boost: float) -> wquery.Query:
        clauses = self._word_clauses(
            text,
            lambda column, term, column_boost: wquery.Term(
                column, term, boost=boost * column_boost
            ),
            boost,
            partial=self.order_by_relevance,
        )
        words = tuple(phrase_terms(text))
        together = None
        if len(words) > 1:
            together = _Together(tuple(column for column, _boost in self.text_columns()), words)
        return self._combine(clauses, operator, together)

    def compile_fuzzy(self, query: Fuzzy, boost: float) -> wquery.Query:
        def fuzzy_term(column: str, term: str, column_boost: float) -> wquery.Query:
            return wquery.FuzzyTerm(
                column,
                term,
                boost=boost * column_boost,
                maxdist=_fuzzy_distance(term),
                prefixlength=1,
            )

        return self._combine(self._word_clauses(query.query_string, fuzzy_term), query.operator)

    def compile_phrase(self, text: str, boost: float) -> wquery.Query:
        positions = phrase_terms(text)
        if not positions:
            return wquery.NullQuery
        alternatives: list[wquery.Query] = []
        for column, column_boost in self.text_columns():
            column_boost *= boost
            if len(positions) == 1:
                alternatives += [wquery.Term(column, t, boost=column_boost) for t in positions[0]]
            elif all(len(terms) == 1 for terms in positions):
                words = [terms[0] for terms in positions]
                alternatives.append(wquery.Phrase(column, words, boost=column_boost))
            else:
                # Words whose English and German stems differ: either stem may
                # stand at that position.
                steps = [_Or([wquery.Term(column, t) for t in terms]) for terms in positions]
                alternatives.append(wquery.Sequence(steps, boost=column_boost))
        return _Or(alternatives)

    def compile(self, query: Any, boost: float = 1.0) -> wquery.Query:
        if isinstance(query, MatchAll):
            return wquery.Every()
        if isinstance(query, PlainText):
            return self.compile_plain_text(query.query_string, query.operator, boost * query.boost)
        if isinstance(query, Phrase):
            return self.compile_phrase(query.query_string, boost)
        if isinstance(query, Fuzzy):
            return self.compile_fuzzy(query, boost)
        if isinstance(query, Boost):
            return self.compile(query.subquery, boost * query.boost)
        if isinstance(query, And):
            parts = [self.compile(sub, boost) for sub in query.subqueries]
            if any(is_nothing(part) for part in parts):
                return wquery.NullQuery
            return wquery.And(parts)
        if isinstance(query, Or):
            parts = [self.compile(sub, boost) for sub in query.subqueries]
            parts = [part for part in parts if not is_nothing(part)]
            return _Or(parts) if parts else wquery.NullQuery
        if isinstance(query, Not):
            return _negate(self.compile(query.subquery, boost))
        raise NotImplementedError(
            f"`{query.__class__.__name__}` is not supported by the Whoosh search backend."
        )

    def get_query(self) -> wquery.Query:
        return self.compile(self.query)

    # Filters

    def _process_filter(
        self, column: Any, lookup: str, value: Any, check_only: bool = False
    ) -> Any:
        field_path = self._get_filter_field_path_for_column(column)
        if check_only:
            return None
        result = self._process_lookup(field_path, lookup, value)
        if result is None:
            raise FilterError(
                f'Could not apply filter on search results: "{column.target.attname}__{lookup} = '
                f'{value}". Lookup "{lookup}" not recognised.'
            )
        if self.mapping.filter_column(field_path).multi:
            self._to_many_lookups[column.alias] += 1
        return result

    def _process_lookup(self, field_path: Sequence[Any], lookup: str, value: Any) -> _Filter | None:
        column = self.mapping.filter_column(field_path)
        name, kind = column.name, column.kind
        numeric = kind != "str"

        def encode(item: Any) -> Any:
            return encode_filter_value(kind, item)

        if lookup == "exact":
            if isinstance(value, (Query, Subquery)):
                value = self._run_subquery(value, SINGLE)
                if value is None:
                    return _Filter(wquery.NullQuery)
            return _Filter(wquery.Term(name, encode(value)))
        if lookup == "isnull":
            is_null = wquery.Term(NULL_COLUMNS, name)
            return _Filter(is_null if value else wquery.Not(is_null))
        if lookup in ("startswith", "prefix") and not numeric:
            return _Filter(wquery.Prefix(name, str(value)))
        if lookup in ("gt", "gte", "lt", "lte"):
            bound = encode(value)
            lower = bound if lookup in ("gt", "gte") else None
            upper = bound if lookup in ("lt", "lte") else None
            return _Filter(self._range(name, numeric, lower, upper, lookup == "gt", lookup == "lt"))
        if lookup == "range":
            lower, upper = value
            return _Filter(self._range(name, numeric, encode(lower), encode(upper), False, False))
        if lookup == "in":
            if isinstance(value, (Query, Subquery)):
                values = self._run_subquery(value, MULTI)
            else:
                values = list(value)
            terms = [wquery.Term(name, encode(item)) for item in values if item is not None]
            return _Filter(wquery.Or(terms) if terms else wquery.NullQuery)
        return None

    @staticmethod
    def _range(
        name: str, numeric: bool, lower: Any, upper: Any, lower_excl: bool, upper_excl: bool
    ) -> wquery.Query:
        if numeric:
            return wquery.NumericRange(name, lower, upper, startexcl=lower_excl, endexcl=upper_excl)
        return wquery.TermRange(name, lower, upper, startexcl=lower_excl, endexcl=upper_excl)

    def _run_subquery(self, value: Query | Subquery, result_type: str) -> Any:
        db_alias = self.queryset._db or DEFAULT_DB_ALIAS
        query = value.query if isinstance(value, Subquery) else value
        result = query.get_compiler(db_alias).execute_sql(result_type=result_type)
        if result_type == SINGLE:
            return result[0] if result else None
        return [row[0] for chunk in result for row in chunk]

    def _process_match_none(self) -> _Filter:
        return _Filter(wquery.NullQuery)

    def _connect_filters(self, filters: list[_Filter], connector: str, negated: bool) -> _Filter:
        queries = [item.query for item in filters if item is not None]
        if not queries:
            combined: wquery.Query = _match_everything()
        elif len(queries) == 1:
            combined = queries[0]
        elif connector == "AND":
            combined = (
                wquery.NullQuery if any(is_nothing(q) for q in queries) else wquery.And(queries)
            )
        else:
            kept = [q for q in queries if not is_nothing(q)]
            combined = wquery.Or(kept) if kept else wquery.NullQuery
        return _Filter(_negate(combined) if negated else combined)

    def get_filter(self) -> wquery.Query | None:
        """The Whoosh filter for the queryset and model; None when nothing is filtered out."""
        self._to_many_lookups.clear()
        compiled = self._get_filters_from_queryset()
        queryset_filter = compiled.query if compiled is not None else None
        if any(count > 1 for count in self._to_many_lookups.values()):
            # Several conditions on one to-many relation must hold for the same
            # related row ("a book from 1954 with over 400 pages"); flattened
            # columns cannot tell, so let the database pick the objects.
            pks = list(self.queryset.values_list("pk", flat=True))
            queryset_filter = (
                wquery.Or([wquery.Term(PK, str(pk)) for pk in pks]) if pks else wquery.NullQuery
            )
        parts = []
        if get_model_root(self.queryset.model) is not self.queryset.model:
            parts.append(wquery.Term(CONTENT_TYPES, self.mapping.content_type()))
        if queryset_filter is not None and not isinstance(queryset_filter, wquery.Every):
            parts.append(queryset_filter)
        if any(is_nothing(part) for part in parts):
            return wquery.NullQuery
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wquery.And(parts)

    # Ordering

    def _get_order_by(self) -> Iterator[tuple[bool, Any]]:
        if self.order_by_relevance:
            return
        for item in self.queryset.query.order_by:
            reverse = False
            if isinstance(item, OrderBy):
                # F("title").asc(nulls_first=True) and the like: sortable when
                # the expression is a plain field reference.
                if not isinstance(item.expression, F):
                    raise OrderByFieldError(
                        f'Sorting search results with "{item}" is not supported by this '
                        "search backend.",
                        field_name=str(item),
                    )
                reverse = item.descending
                field_name = item.expression.name
            else:
                field_name = item
                if field_name.startswith("-"):
                    reverse = True
                    field_name = field_name[1:]
            field = self._get_filterable_field(field_name)
            if field is None:
                if field_name in ("pk", self.queryset.model._meta.pk.attname):
                    yield reverse, PK_ORDER
                    continue
                raise OrderByFieldError(
                    f'Cannot sort search results with field "{field_name}". Please add '
                    f'index.FilterField("{field_name}") to '
                    f"{self.queryset.model.__name__}.search_fields.",
                    field_name=field_name,
                )
            yield reverse, field

    def get_sortedby(self, schema: wfields.Schema) -> Any:
        """A Whoosh sort facet, or None to order by relevance."""
        if self.order_by_relevance:
            return None
        if not self.queryset.ordered:
            # Like Elasticsearch: newest objects first when nothing else is asked for.
            return wsorting.FieldFacet(PK_ORDER, reverse=True)
        facets = []
        for reverse, field in self._get_order_by():
            name = field if isinstance(field, str) else self.mapping.filter_column([field]).name
            if name in schema:
                facets.append(wsorting.FieldFacet(name, reverse=reverse))
        if not facets:
            return None
        return facets[0] if len(facets) == 1 else wsorting.MultiFacet(facets)


# Searching a model searches the columns of the model and all its indexed
# subclasses. Walking every model's search_fields per query would cost more
# than the query, and models do not change while a process runs.
_text_columns: dict[type[models.Model], list[tuple[str, float]]] = {}
_edge_columns: dict[type[models.Model], list[str]] = {}


def _text_columns_for(model: type[models.Model]) -> list[tuple[str, float]]:
    columns = _text_columns.get(model)
    if columns is None:
        found: dict[str, float] = {}
        for indexed in get_indexed_models():
            if issubclass(indexed, model):
                found.update(WhooshMapping(indexed).text_columns())
        columns = _text_columns[model] = sorted(found.items())
    return columns


def _edge_columns_for(model: type[models.Model]) -> list[str]:
    columns = _edge_columns.get(model)
    if columns is None:
        found: set[str] = set()
        for indexed in get_indexed_models():
            if issubclass(indexed, model):
                found.update(WhooshMapping(indexed).edge_columns())
        columns = _edge_columns[model] = sorted(found)
    return columns


class WhooshAutocompleteQueryCompiler(WhooshSearchQueryCompiler):
    """Matches what a user has typed so far against the edge n-grams of AutocompleteFields."""

    def edge_columns(self) -> list[str]:
        if not self.fields:
            return _edge_columns_for(self.queryset.model)
        autocomplete = {
            field.field_name: field
            for field in self.queryset.model.get_autocomplete_search_fields()
        }
        return [
            self.mapping.column(autocomplete[name]) for name in self.fields if name in autocomplete
        ]

    def compile(self, query: Any, boost: float = 1.0) -> wquery.Query:
        if isinstance(query, MatchAll):
            return wquery.Every()
        if not isinstance(query, PlainText):
            raise NotImplementedError(
                f"`{query.__class__.__name__}` is not supported for autocomplete queries."
            )
        columns = self.edge_columns()
        clauses = [
            _Or([wquery.Term(column, term) for column in columns])
            for term in autocomplete_terms(query.query_string)
        ]
        if not clauses or not columns:
            return wquery.NullQuery
        return wquery.And(clauses) if query.operator == "and" else _Or(clauses)
