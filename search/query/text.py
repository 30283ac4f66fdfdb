"""The text of a query: normalising what was typed, and marking it in a snippet."""

from __future__ import annotations

import html
import re

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from search.analyzers import partial_prefix, query_terms, query_words

#: Longer queries are cut: nobody types more, and every word costs index lookups.
MAX_QUERY_LENGTH = 200
#: At most this many words of a query are searched for, for the same reason.
MAX_QUERY_WORDS = 16
SNIPPET_LENGTH = 240

_WORD = re.compile(r"\w+(?:[.'’]\w+)*")
# Characters that are query syntax on some backends; PlainText queries treat them as text,
# but we drop them from what we pass on so no backend ever parses them.
_SYNTAX = re.compile(r"[\"*()\[\]{}:^~!?\\/+<>=|&]")


def normalize_query(raw: str | None) -> str:
    """The query as searched: syntax characters dropped, whitespace collapsed, cut short."""
    text = _SYNTAX.sub(" ", (raw or "")[: MAX_QUERY_LENGTH * 4])
    words = text.split()[:MAX_QUERY_WORDS]
    return " ".join(words)[:MAX_QUERY_LENGTH].strip()


def query_stems(query: str) -> set[str]:
    """The index terms of the query's words, so "Medien" marks "Medium" in a snippet."""
    stems: set[str] = set()
    for word in query_words(query):
        stems.update(query_terms(word))
    return stems


def highlight(text: str, query: str, *, length: int = SNIPPET_LENGTH) -> SafeString:
    """`text` cut to a window around its first match, escaped, with matched words in <mark>.

    The text is escaped word by word before marking, so stored HTML is never rendered."""
    if not text:
        return SafeString("")
    stems = query_stems(query)
    # Partial words ("Kollabor") found the words they begin: those are marked too.
    prefixes = tuple(filter(None, map(partial_prefix, query_words(query))))
    # A text repeats its words: each is looked up once.
    seen: dict[str, bool] = {}

    def matches(word: str) -> bool:
        found = seen.get(word)
        if found is None:
            found = seen[word] = not stems.isdisjoint(query_terms(word)) or (
                bool(prefixes) and word.lower().startswith(prefixes)
            )
        return found

    start = 0
    for match in _WORD.finditer(text):
        if matches(match.group(0)):
            start = max(0, match.start() - length // 3)
            break
    if start:
        # Begin the window at a word boundary.
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    window = text[start : start + length]
    cut = Truncator(window).chars(length) if len(text) - start > length else window
    out: list[str] = ["…" if start else ""]
    position = 0
    for match in _WORD.finditer(cut):
        out.append(html.escape(cut[position : match.start()]))
        word = match.group(0)
        out.append(f"<mark>{html.escape(word)}</mark>" if matches(word) else html.escape(word))
        position = match.end()
    out.append(html.escape(cut[position:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above was escaped
