"""Readable diffs of two wiki revisions: block by block, words marked.

Rich text is split into its top-level blocks (paragraphs, headings, list items, code), each
reduced to plain text. Blocks are aligned with difflib; a changed block is then compared word
by word. All text is escaped before `<ins>`/`<del>` marks are added, so an author's HTML can
never reach the reader as markup.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from html import escape, unescape

from django.utils.safestring import SafeString

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote"}
VOID_BLOCK_TAGS = {"hr", "embed"}
# A word or a punctuation mark with the white space after it: joined, the tokens give back
# the text; white space is never a token of its own (it would match everywhere).
TOKEN = re.compile(r"\w+\s*|[^\w\s]\s*|\s+", re.UNICODE)
WORD = re.compile(r"\w+", re.UNICODE)
# A sentence with the white space after it, for long blocks.
SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)\s*", re.UNICODE)
# Longest pair of token lists compared word by word at once (old tokens x new tokens);
# difflib's cost grows with this product. Longer texts go sentence by sentence first.
WORD_DIFF_BUDGET = 250_000
# Share of words two blocks need in common to be shown as an edit rather than a rewrite.
SIMILAR = 0.5


# Every piece of text is escaped before it is marked up; the results are built as
# SafeString directly: mark_safe's lazy-argument check adds up over thousands of rows.
EMPTY = SafeString("")


@dataclass(frozen=True)
class Block:
    tag: str
    text: str


@dataclass(frozen=True)
class DiffRow:
    """One row of the side-by-side view; `kind` is equal, changed, added or removed."""

    kind: str
    tag: str
    old: SafeString
    new: SafeString


# Stored rich text is machine-written HTML; a regular expression walks its tags several
# times faster than `html.parser` (which also parses every attribute of every tag).
MARKUP = re.compile(
    r"<!--.*?(?:-->|$)|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)
ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _attributes(source: str) -> list[tuple[str, str]]:
    return [
        (name.lower(), unescape(double or single or bare or ""))
        for name, double, single, bare in ATTRIBUTE.findall(source)
    ]


class _BlockParser:
    """Collects the text of each block element; inline markup only contributes its text."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._tag: str | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID_BLOCK_TAGS:
            label = "―" if tag == "hr" else _embed_label(attrs)
            if self._tag is None:
                self._flush_loose_text()
                self.blocks.append(Block(tag, label))
            else:
                self._text.append(label)
        elif tag in BLOCK_TAGS:
            if self._tag is None:
                self._flush_loose_text()
                self._tag, self._depth = tag, 1
            elif tag == self._tag:
                self._depth += 1
        elif tag == "img":
            self._text.append(f"[{dict(attrs).get('alt') or 'image'}]")
        elif tag == "br":
            self._text.append("\n")

    def feed(self, html: str) -> None:
        position = 0
        for match in MARKUP.finditer(html):
            if match.start() > position:
                self.handle_data(unescape(html[position : match.start()]))
            position = match.end()
            closing, tag, attrs = match.groups()
            if tag is None:
                continue  # a comment
            tag = tag.lower()
            if closing:
                self.handle_endtag(tag)
            elif tag in VOID_BLOCK_TAGS or tag == "img":
                self.handle_starttag(tag, _attributes(attrs))
            else:
                self.handle_starttag(tag, [])
        if position < len(html):
            self.handle_data(unescape(html[position:]))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._tag:
            self._depth -= 1
            if self._depth == 0:
                self._close()

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def _close(self) -> None:
        text = "".join(self._text).strip()
        if text:
            self.blocks.append(Block(self._tag or "p", text))
        self._tag, self._depth, self._text = None, 0, []

    def _flush_loose_text(self) -> None:
        text = "".join(self._text).strip()
        if text:
            self.blocks.append(Block("p", text))
        self._text = []

    def close(self) -> None:
        if self._tag is not None:
            self._close()
        self._flush_loose_text()


def _embed_label(attrs) -> str:
    values = dict(attrs)
    kind = values.get("embedtype", "embed")
    return f"[{kind} {values.get('id') or values.get('url', '')}]".strip()


def blocks_of(html: str) -> list[Block]:
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _sentences(text: str) -> list[str]:
    return [part for part in SENTENCE.findall(text) if part]


def _mark_words(old: str, new: str) -> tuple[SafeString, SafeString]:
    left: list[str] = []
    right: list[str] = []
    _mark_into(left, right, old, new, by_sentence=True)
    return SafeString("".join(left)), SafeString("".join(right))


def _mark_into(left: list[str], right: list[str], old: str, new: str, *, by_sentence: bool):
    """Appends the escaped, marked text of `old` to `left` and of `new` to `right`.

    Word by word when the two texts are small enough; a long text (a 50 KB paragraph) is
    first aligned sentence by sentence and only the changed sentences are compared word by
    word, so the work grows with the size of the change, not with the square of the text."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    # The unchanged start and end are copied as they are; only the middle is compared.
    start, limit = 0, min(len(old_tokens), len(new_tokens))
    while start < limit and old_tokens[start] == new_tokens[start]:
        start += 1
    end = 0
    while end < limit - start and old_tokens[-1 - end] == new_tokens[-1 - end]:
        end += 1
    head = escape("".join(old_tokens[:start]))
    left.append(head)
    right.append(head)
    old_middle = old_tokens[start : len(old_tokens) - end]
    new_middle = new_tokens[start : len(new_tokens) - end]
    if len(old_middle) * len(new_middle) <= WORD_DIFF_BUDGET:
        _mark_tokens(left, right, old_middle, new_middle)
    elif by_sentence:
        _mark_sentences(left, right, "".join(old_middle), "".join(new_middle))
    else:
        left.append(_marked("".join(old_middle), "del"))
        right.append(_marked("".join(new_middle), "ins"))
    tail = escape("".join(old_tokens[len(old_tokens) - end :]))
    left.append(tail)
    right.append(tail)


def _mark_tokens(left: list[str], right: list[str], old_tokens, new_tokens) -> None:
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = escape("".join(old_tokens[i1:i2]))
        added = escape("".join(new_tokens[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(f"<del>{removed}</del>")
        if added:
            right.append(f"<ins>{added}</ins>")


def _mark_sentences(left: list[str], right: list[str], old: str, new: str) -> None:
    old_parts, new_parts = _sentences(old), _sentences(new)
    matcher = difflib.SequenceMatcher(None, old_parts, new_parts, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            text = escape("".join(old_parts[i1:i2]))
            left.append(text)
            right.append(text)
            continue
        olds, news = old_parts[i1:i2], new_parts[j1:j2]
        for o, n in zip(olds, news, strict=False):
            if _similar(o, n):
                _mark_into(left, right, o, n, by_sentence=False)
            else:
                left.append(_marked(o, "del"))
                right.append(_marked(n, "ins"))
        for o in olds[len(news) :]:
            left.append(_marked(o, "del"))
        for n in news[len(olds) :]:
            right.append(_marked(n, "ins"))


def _marked(text: str, mark: str) -> str:
    return f"<{mark}>{escape(text)}</{mark}>" if text else ""


def _similar(old: str, new: str) -> bool:
    """Whether two blocks share enough words to read as an edit of one another: the share
    of words they have in common, counted as multisets (linear, like difflib's
    quick_ratio), never the full comparison."""
    old_words, new_words = WORD.findall(old.lower()), WORD.findall(new.lower())
    total = len(old_words) + len(new_words)
    if not total:
        return True
    common = sum((Counter(old_words) & Counter(new_words)).values())
    return 2 * common / total >= SIMILAR


def _safe(text: str) -> SafeString:
    return SafeString(escape(text))


def _whole(text: str, mark: str) -> SafeString:
    return SafeString(_marked(text, mark))


def diff_blocks(old_html: str, new_html: str) -> list[DiffRow]:
    """Rows for a side-by-side diff of two rich text bodies: blocks are aligned first; only
    the blocks that changed are compared word by word."""
    old_blocks, new_blocks = blocks_of(old_html), blocks_of(new_html)
    matcher = difflib.SequenceMatcher(
        None, [b.text for b in old_blocks], [b.text for b in new_blocks], autojunk=False
    )
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
        if op == "equal":
            rows.extend(
                DiffRow("equal", n.tag, _safe(o.text), _safe(n.text))
                for o, n in zip(olds, news, strict=True)
            )
            continue
        # Pair changed blocks in order so an edited paragraph shows its changed words; the
        # leftovers were added or removed whole.
        for o, n in zip(olds, news, strict=False):
            if not _similar(o.text, n.text):
                # Too different to read as an edit: show a removal and an addition.
                rows.append(DiffRow("removed", o.tag, _whole(o.text, "del"), EMPTY))
                rows.append(DiffRow("added", n.tag, EMPTY, _whole(n.text, "ins")))
                continue
            old_marked, new_marked = _mark_words(o.text, n.text)
            rows.append(DiffRow("changed", n.tag, old_marked, new_marked))
        for o in olds[len(news) :]:
            rows.append(DiffRow("removed", o.tag, _whole(o.text, "del"), EMPTY))
        for n in news[len(olds) :]:
            rows.append(DiffRow("added", n.tag, EMPTY, _whole(n.text, "ins")))
    return rows


def diff_title(old: str, new: str) -> DiffRow | None:
    if old == new:
        return None
    old_marked, new_marked = _mark_words(old, new)
    return DiffRow("changed", "h1", old_marked, new_marked)
