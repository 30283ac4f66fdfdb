"""Readable diffs of two wiki revisions: block by block, words marked.

Rich text is split into its top-level blocks (paragraphs, headings, list items, code), each
reduced to plain text. Blocks are aligned with difflib; a changed block is then compared word
by word. All text is escaped before `<ins>`/`<del>` marks are added, so an author's HTML can
never reach the reader as markup.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote"}
VOID_BLOCK_TAGS = {"hr", "embed"}
TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


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


class _BlockParser(HTMLParser):
    """Collects the text of each block element; inline markup only contributes its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
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

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

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
        super().close()
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


def _mark_words(old: str, new: str) -> tuple[SafeString, SafeString]:
    old_tokens, new_tokens = TOKEN.findall(old), TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    left: list[str] = []
    right: list[str] = []
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
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308 - escaped above


def _whole(text: str, mark: str) -> SafeString:
    return mark_safe(f"<{mark}>{escape(text)}</{mark}>")  # noqa: S308 - escaped


def diff_blocks(old_html: str, new_html: str) -> list[DiffRow]:
    """Rows for a side-by-side diff of two rich text bodies."""
    old_blocks, new_blocks = blocks_of(old_html), blocks_of(new_html)
    matcher = difflib.SequenceMatcher(
        None, [b.text for b in old_blocks], [b.text for b in new_blocks], autojunk=False
    )
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
        if op == "equal":
            rows.extend(
                DiffRow("equal", n.tag, escape(o.text), escape(n.text))
                for o, n in zip(olds, news, strict=True)
            )
            continue
        # Pair changed blocks in order so an edited paragraph shows its changed words; the
        # leftovers were added or removed whole.
        for o, n in zip(olds, news, strict=False):
            if difflib.SequenceMatcher(None, o.text, n.text).quick_ratio() < 0.3:
                # Too different to read as an edit: show a removal and an addition.
                rows.append(DiffRow("removed", o.tag, _whole(o.text, "del"), mark_safe("")))
                rows.append(DiffRow("added", n.tag, mark_safe(""), _whole(n.text, "ins")))
                continue
            old_marked, new_marked = _mark_words(o.text, n.text)
            rows.append(DiffRow("changed", n.tag, old_marked, new_marked))
        for o in olds[len(news) :]:
            rows.append(DiffRow("removed", o.tag, _whole(o.text, "del"), mark_safe("")))
        for n in news[len(olds) :]:
            rows.append(DiffRow("added", n.tag, mark_safe(""), _whole(n.text, "ins")))
    return rows


def diff_title(old: str, new: str) -> DiffRow | None:
    if old == new:
        return None
    old_marked, new_marked = _mark_words(old, new)
    return DiffRow("changed", "h1", old_marked, new_marked)
