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

German words get two more kinds of terms at the same position, in German and
unmarked text and in queries (never in English text):

- Umlauts typed as ae/oe/ue: a word spelt that way ("Maerkte", "uebernahme")
  is also indexed as spelt with the umlaut ("Märkte" → "markt"), so the two
  spellings meet in both directions. The word keeps its own terms too, so words
  with a genuine "ue" ("aktuell", "Duell") still find themselves; after a vowel
  or "q" ("neue", "Bauer", "Quelle") it is never read as an umlaut.
- Compounds: the parts of a compound ("Krisenkommunikation" → "Krisen",
  "Kommunikation"), from the CharSplit n-gram model of German word beginnings,
  middles and ends (the `split-words` package), when the model is confident
  and each part has at least four letters. So "Krise" finds
  "Krisenkommunikation", and the query "Callcenter" (looked up under its parts
  too) finds "Call Center".

Autocomplete fields use edge n-grams of the folded, unstemmed words instead,
because what people type is a prefix of the word, not of its stem ("learni" is
a prefix of "learning" but not of the stem "learn").
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

import split_words
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


#: A query word this long (letters only) that no text contains also finds the words it
#: begins ("Kollabor" finds "Kollaboration"); a shorter one begins too many.
PREFIX_MIN_LENGTH = 4


def partial_prefix(word: str) -> str | None:
    """What a query word finds as the beginning of longer words, or None when it is too
    short (or not letters only) to be read as a partial word."""
    lowered = word.lower()
    if len(lowered) >= PREFIX_MIN_LENGTH and lowered.isalpha():
        return lowered
    return None


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

# Terms are cached per process: an intranet's vocabulary is small, and
# stemming and splitting are most of the cost of analysing a word.
_WORD_CACHE_SIZE = 200_000


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def word_terms(folded_word: str) -> tuple[str, ...]:
    """The stems of one folded word, one per language and distinct; none for a stop word."""
    if folded_word in _dropped_words():
        return ()
    found: list[str] = []
    for lang in LANGUAGES:
        if folded_word not in _folded_stopwords(lang):
            stemmed = _STEMMERS[lang](folded_word)
            if stemmed not in found:
                found.append(stemmed)
    return tuple(found)


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


# "ae", "oe", "ue" typed for "ä", "ö", "ü"; not after a vowel or "q", where the "e" is
# its own letter ("neue", "Feuer", "Bauer", "Quelle"). Elsewhere the reading is only an
# extra term, so a word with a genuine "ue" ("aktuell") keeps its own as well.
_TYPED_UMLAUT = re.compile(r"(?<![aeiouäöüq])([aou])e")
_UMLAUT = {"a": "ä", "o": "ö", "u": "ü"}


def restore_umlauts(word: str) -> str:
    """A lowercase `word` with "ae", "oe", "ue" read as "ä", "ö", "ü" ("maerkte" → "märkte")."""
    if "e" not in word:
        return word
    return _TYPED_UMLAUT.sub(lambda match: _UMLAUT[match.group(1)], word)


#: Shorter words are never split: two parts of four letters at least.
MIN_COMPOUND_LENGTH = 8
MIN_PART_LENGTH = 4
# CharSplit's score of the best split. Compounds mostly score 0.7 to 1.0 ("Krisen|kommunikation"
# 0.98, "Call|center" 0.86); below 0.7 come as many words that are none ("Stan|dort" 0.60,
# "Fehl|ende" 0.61, "Abtei|lungen" 0.64) as compounds ("Mobil|telefon" 0.67), so those are left
# whole. A few verbs still split ("kommen|tieren"): their parts are extra terms, not the only ones.
SPLIT_CONFIDENCE = 0.7


class _NgramTable:
    """CharSplit's probabilities of a German word beginning, containing or ending with a
    letter sequence, in 8 bytes per sequence.

    The package's own JSON holds 1.9 million sequences: loaded as dicts they take 350 MB
    and three seconds in every process, so it is converted once per machine into sorted
    (48-bit hash, 16-bit probability) pairs in the temporary directory, which each process
    reads in milliseconds and keeps in 15 MB."""

    SECTIONS = ("prefix", "infix", "suffix")
    _FORMAT = 1

    def __init__(self) -> None:
        path = Path(tempfile.gettempdir()) / (
            f"intranet-charsplit-{split_words.__version__}-{self._FORMAT}.bin"
        )
        if not path.exists():
            self._build(path)
        counts = array("Q")
        self.sections: dict[str, array] = {}
        with path.open("rb") as stream:
            counts.fromfile(stream, len(self.SECTIONS))
            for name, count in zip(self.SECTIONS, counts, strict=True):
                self.sections[name] = table = array("Q")
                table.fromfile(stream, count)

    @staticmethod
    def _hash(sequence: str) -> int:
        # A stable hash (Python's own changes per process); 48 bits make a false hit among
        # 1.9 million sequences about one in a hundred million lookups.
        return int.from_bytes(hashlib.blake2b(sequence.encode(), digest_size=6).digest())

    @classmethod
    def _build(cls, path: Path) -> None:
        source = files("split_words") / "ngram_probs.json"
        with source.open(encoding="utf-8") as stream:
            model = json.load(stream)
        tables = [
            array(
                "Q", sorted((cls._hash(seq) << 16) | round(p * 0xFFFF) for seq, p in part.items())
            )
            for part in (model.pop(name) for name in cls.SECTIONS)
        ]
        # Written under a name of its own and renamed, so a process that reads the file
        # while another builds it never sees half of it.
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            array("Q", [len(table) for table in tables]).tofile(stream)
            for table in tables:
                table.tofile(stream)
        partial.replace(path)

    def get(self, section: str, sequence: str, default: float) -> float:
        table = self.sections[section]
        key = self._hash(sequence) << 16
        index = bisect_left(table, key)
        if index < len(table) and table[index] >> 16 == key >> 16:
            return (table[index] & 0xFFFF) / 0xFFFF
        return default


@cache
def _ngrams() -> _NgramTable:
    return _NgramTable()


def _cut_linking_s(part: str) -> str:
    # CharSplit's rule for the linking "s" of "Arbeits|platz" or "Wissens|management".
    if part.endswith(("ts", "gs", "ks", "hls", "ns")) and len(part) > 3:
        return part[:-1]
    return part


def best_split(word: str) -> tuple[float, int]:
    """CharSplit's (score, position) of the likeliest split of a lowercase German word: how
    likely the head ends a word, plus how likely the rest begins one, minus how likely the
    rest's beginnings occur inside words."""
    ngrams = _ngrams()
    best = (float("-inf"), 0)
    for cut in range(MIN_PART_LENGTH, len(word) - MIN_PART_LENGTH + 1):
        rest = word[cut:]
        inside = min(ngrams.get("infix", rest[:end], 1.0) for end in range(3, len(rest) + 1))
        score = (
            ngrams.get("suffix", _cut_linking_s(word[:cut]), -1.0)
            + ngrams.get("prefix", _cut_linking_s(rest), -1.0)
            - inside
        )
        best = max(best, (score, cut))
    return best


def compound_parts(word: str) -> tuple[str, ...]:
    """The parts of a lowercase German compound the splitter is confident about, and their
    parts in turn ("reisekostenabrechnung" → "reisekosten", "abrechnung", "reise", "kosten");
    empty for a word that is not one."""
    if len(word) < MIN_COMPOUND_LENGTH or not word.isalpha():
        return ()
    score, cut = best_split(word)
    if score < SPLIT_CONFIDENCE:
        return ()
    head, tail = word[:cut], word[cut:]
    return (head, tail, *compound_parts(head), *compound_parts(tail))


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def analysed_terms(word: str, language: str | None) -> tuple[str, ...]:
    """All index terms of a lowercase word in a text in `language` (None: either language):
    its stems and, unless the text is English, the stems of its umlaut spelling and of its
    compound parts."""
    own = language_terms(fold(word), language)
    if not own or language == "en":
        return own
    restored = restore_umlauts(word)
    variants = []
    if restored != word:
        if not language_terms(fold(restored), language):
            return ()  # "fuer", "ueber": a stop word typed without its umlaut
        variants.append(restored)
    found = list(own)
    for spelling in dict.fromkeys((word, restored)):
        variants += compound_parts(spelling)
    for variant in variants:
        for term in language_terms(fold(variant), language):
            if term not in found:
                found.append(term)
    return tuple(found)


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
            terms = analysed_terms(original.lower(), language)
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
    """The index terms to look up for one query word (empty for a stop word): its stems in
    both languages, its umlaut spelling's and its compound parts', any of which may match."""
    return analysed_terms(word.lower(), None)


def joined_terms(first: str, second: str) -> tuple[str, ...]:
    """The stems of two query words written as one ("Home", "Office" → "homeoffic"), for
    documents that write them together. Only the whole word's own stems: its compound
    parts are the two words again, whose own terms already stand for them."""
    if not (query_terms(first) and query_terms(second)):
        return ()
    joined = (first + second).lower()
    spellings = dict.fromkeys((joined, restore_umlauts(joined)))
    return tuple(
        dict.fromkeys(
            term for spelling in spellings for term in language_terms(fold(spelling), None)
        )
    )


def phrase_terms(text: str) -> list[tuple[str, ...]]:
    """The index terms of a phrase, one tuple of alternatives per position."""
    positions = (query_terms(word) for word in query_words(text))
    return [terms for terms in positions if terms]


def autocomplete_terms(text: str) -> list[str]:
    """The edge n-gram terms to look up for what a user has typed so far."""
    return [fold(word)[:MAX_EDGE_NGRAM] for word in query_words(text)]
