"""Text analysis for the Whoosh search index, in English and German.

Each page's language decides how its text is indexed: the index builder puts a
language marker in front of the text (`mark_language`), and the analyzer then
indexes each word under that language's stem only (a German page's "Medien"
under the German stem, an English page's "publishing" under the English one).
Text without a marker (people's profiles, models without a language) gets the
English stem *and* the German stem, both at the word's position (like a
synonym). Readers search in either language, so a query word is always looked
up under both of its stems: "Medien" finds a German page about "Medium",
"Anträge" finds "Antrag" and "published" finds an English post about
"publishing", whatever language the reader uses; phrases still match because
the stems share one position.

Per word: lowercase, fold accents (ä→a, é→e, ß→ss, so "Antrage" typed on an
English keyboard finds "Anträge"), drop it if it is a stop word of either
language (it takes no position then), else stem it with each language's
Snowball stemmer. A few German stop words are English nouns ("war", "man");
those are kept and stemmed only as English.

Autocomplete fields use edge n-grams of the folded, unstemmed words instead,
because what people type is a prefix of the word, not of its stem ("learni" is
a prefix of "learning" but not of the stem "learn").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache

from whoosh.analysis import Analyzer, Token
from whoosh.lang import stemmer_for_language, stopwords_for_language
from whoosh.support.charset import accent_map

# Words are runs of letters/digits; dots inside a word are kept so "1.11" or
# "R.R." stay one token, as Elasticsearch's standard tokenizer does.
WORD_PATTERN = re.compile(r"\w+(?:\.\w+)*")

# Longest edge n-gram indexed for autocomplete; longer query words are cut to
# this length so they still match the longest stored prefix.
MAX_EDGE_NGRAM = 15

#: The languages every text is analysed in.
LANGUAGES = ("en", "de")

# Whoosh's accent map turns "ß" into a single "s"; German spells it "ss" when
# the letter is not at hand, so "Strasse" must meet "Straße".
FOLD_MAP: dict[int, str] = {**accent_map, ord("ß"): "ss"}


def fold(text: str) -> str:
    """Lowercase and strip accents the same way the index does."""
    return text.lower().translate(FOLD_MAP)


@cache
def _folded_stopwords(lang: str) -> frozenset[str]:
    # Whoosh's lists hold "für", "über", ...; words are folded before the
    # stop-word check, so the list must be folded too.
    return frozenset(fold(word) for word in stopwords_for_language(lang))


# Stop words of one language that carry meaning in the other.
_MEANINGFUL_ACROSS_LANGUAGES = frozenset({"war", "man", "hat", "bin", "die"})


@cache
def _dropped_words() -> frozenset[str]:
    every_stopword = frozenset().union(*(_folded_stopwords(lang) for lang in LANGUAGES))
    return every_stopword - _MEANINGFUL_ACROSS_LANGUAGES


# Latin and Greek loan words change their ending in the German plural
# (Medium/Medien, Zentrum/Zentren, Thema/Themen, Firma/Firmen) and Snowball
# leaves the singular alone, so singular and plural never meet. Cutting the
# singular's ending brings them together; Snowball already cuts the plural's.
_GERMAN_LOANWORD_ENDINGS = ("um", "a")

_german_snowball: Callable[[str], str] = stemmer_for_language("de")


def german_stem(word: str) -> str:
    """Snowball's German stem, with Latin and Greek singulars cut to meet their plurals."""
    stemmed = _german_snowball(word)
    for ending in _GERMAN_LOANWORD_ENDINGS:
        if stemmed.endswith(ending) and len(stemmed) - len(ending) >= 3:
            return stemmed[: -len(ending)]
    return stemmed


_STEMMERS: dict[str, Callable[[str], str]] = {
    "en": stemmer_for_language("en"),
    "de": german_stem,
}

# Stems are cached per process: an intranet's vocabulary is small, and
# stemming is most of the cost of analysing a word.
_STEM_CACHE_SIZE = 200_000
_terms_cache: dict[str, tuple[str, ...]] = {}


def word_terms(folded_word: str) -> tuple[str, ...]:
    """The index terms of one folded word: its distinct stems, none for a stop word."""
    terms = _terms_cache.get(folded_word)
    if terms is None:
        found: list[str] = []
        for lang in LANGUAGES:
            if folded_word in _dropped_words():
                break
            if folded_word not in _folded_stopwords(lang):
                stemmed = _STEMMERS[lang](folded_word)
                if stemmed not in found:
                    found.append(stemmed)
        if len(_terms_cache) >= _STEM_CACHE_SIZE:
            _terms_cache.clear()
        terms = _terms_cache[folded_word] = tuple(found)
    return terms


# Put in front of a text by `mark_language`: "\x1ede\x1e" + text. The record separator
# never occurs in text people write (and is not a word character).
LANGUAGE_MARK = "\x1e"


def mark_language(text: str, language: str | None) -> str:
    """`text` marked for analysis in `language` ("de", "en", "de-at", ...); unmarked (both
    languages) when the language is not one the index knows."""
    code = (language or "").split("-")[0].lower()
    if not text or code not in LANGUAGES:
        return text
    return f"{LANGUAGE_MARK}{code}{LANGUAGE_MARK}{text}"


def split_language(text: str) -> tuple[str | None, str, int]:
    """(language, text without the marker, length of the marker) of a marked text."""
    if text.startswith(LANGUAGE_MARK):
        end = text.find(LANGUAGE_MARK, 1)
        if end > 0 and text[1:end] in LANGUAGES:
            return text[1:end], text[end + 1 :], end + 1
    return None, text, 0


def language_terms(folded_word: str, language: str | None) -> tuple[str, ...]:
    """The index terms of a folded word in a text written in `language` (None: both).

    A word whose stems differ keeps only its own language's stem; a word that is a stop
    word in that language but meaningful in the other ("die" in English) keeps the other's.
    """
    terms = word_terms(folded_word)
    if language is None or len(terms) < len(LANGUAGES):
        return terms
    return (terms[LANGUAGES.index(language)],)


class _StatelessAnalyzer(Analyzer):
    """An analyzer without settings: Whoosh pickles analyzers into the index and compares
    them when it opens one, so two instances of one class are equal."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    @staticmethod
    def _token(positions: bool, chars: bool, removestops: bool, mode: str, kwargs) -> Token:
        """The one Token an analysis reuses for every term it yields, as Whoosh's do."""
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.stopped = False
        token.boost = 1.0
        return token


class BilingualAnalyzer(_StatelessAnalyzer):
    """Full-text analysis: each word's stems at the word's position, in the text's marked
    language, or in English and German for unmarked text (and for queries).

    Written as one loop rather than a chain of Whoosh filters because indexing
    runs all text through it and the chained generators cost more per word
    than the work itself. Whoosh pickles analyzers into the index, so this
    class keeps no state.
    """

    def __call__(  # Whoosh's analyzer signature
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = self._token(positions, chars, removestops, mode, kwargs)
        position = start_pos
        language, value, marker = split_language(value)
        start_char += marker
        matches = WORD_PATTERN.finditer(value) if tokenize else ()
        for match in matches:
            original = match.group(0)
            terms = language_terms(fold(original), language)
            if not terms:
                # A stop word takes no position, so "Bericht der Abteilung"
                # matches the phrase "Bericht Abteilung".
                continue
            if keeporiginal:
                token.original = original
            if positions:
                token.pos = position
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            for term in terms:
                token.text = term
                yield token
            position += 1


class EdgeNgramAnalyzer(_StatelessAnalyzer):
    """Index-time analysis for autocomplete: each folded word's prefixes, up to 15 letters."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        removestops: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = self._token(positions, chars, removestops, mode, kwargs)
        for position, match in enumerate(WORD_PATTERN.finditer(value)):
            word = fold(match.group(0))
            for end in range(1, min(len(word), MAX_EDGE_NGRAM) + 1):
                token.text = word[:end]
                if positions:
                    token.pos = position
                if chars:
                    token.startchar, token.endchar = match.start(), match.start() + end
                yield token


class SpellingAnalyzer(_StatelessAnalyzer):
    """The words a spelling corrector may suggest: lowercased but not stemmed or folded (a
    suggestion is shown to the reader as written), without stop words, numbers and words
    shorter than three letters."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        removestops: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = self._token(positions, chars, removestops, mode, kwargs)
        for position, word in enumerate(spelling_words(value)):
            token.text = word
            if positions:
                token.pos = position
            yield token


def spelling_words(text: str) -> list[str]:
    """The words of `text` a corrector knows: lowercased, no stop words, no numbers."""
    words = []
    dropped = _dropped_words()
    for match in _SPELLING_WORD.finditer(_TAG.sub(" ", text) if "<" in text else text):
        word = match.group(0).lower()
        if len(word) >= 3 and fold(word) not in dropped:
            words.append(word)
    return words


# Letters only: "R.R.", "1.11" or "v2" are not words one corrects a spelling to.
_SPELLING_WORD = re.compile(r"[^\W\d_]+")
# Rich text is indexed as stored, HTML included; tag and attribute names are not words.
_TAG = re.compile(r"<[^>]*>")


@cache
def spelling_analyzer() -> SpellingAnalyzer:
    return SpellingAnalyzer()


@cache
def bilingual_analyzer() -> BilingualAnalyzer:
    return BilingualAnalyzer()


@cache
def edge_ngram_analyzer() -> EdgeNgramAnalyzer:
    return EdgeNgramAnalyzer()


def query_words(text: str) -> list[str]:
    """Split a query into words the way the index splits text."""
    return [match.group(0) for match in WORD_PATTERN.finditer(text)]


def query_terms(word: str) -> tuple[str, ...]:
    """The index terms to look up for one query word (empty for a stop word)."""
    return word_terms(fold(word))


def phrase_terms(text: str) -> list[tuple[str, ...]]:
    """The index terms of a phrase, one tuple of alternatives per position."""
    positions = (query_terms(word) for word in query_words(text))
    return [terms for terms in positions if terms]


def autocomplete_terms(text: str) -> list[str]:
    """The edge n-gram terms to look up for what a user has typed so far."""
    return [fold(word)[:MAX_EDGE_NGRAM] for word in query_words(text)]
