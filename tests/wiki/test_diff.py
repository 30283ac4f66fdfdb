"""The diff engine on its own: blocks read from stored rich text, words marked only where
they changed, long blocks aligned sentence by sentence, everything escaped."""

from __future__ import annotations

import random
import re
import time

from wiki.diff import WORD_DIFF_BUDGET, blocks_of, diff_blocks


def _pairs(html: str) -> list[tuple[str, str]]:
    return [(block.tag, block.text) for block in blocks_of(html)]


def test_blocks_are_read_from_stored_rich_text_with_entities_images_and_embeds():
    html = (
        "<!-- note --><h2>T&uuml;r &amp; Tor</h2><P CLASS='x'>Upper <b>bold</b></P>"
        '<ul><li>one <a href="/x?a=1&amp;b=2">link</a></li><li>two<ul><li>nested</li></ul></li>'
        '</ul><p>x <img alt="A &amp; B" src="y"/><br/>next</p><hr/>'
        '<embed embedtype="media" url="https://example.com/v?a=1&amp;b=2"/>'
        "loose text<pre>code\n  indented</pre><p>a < b and c > d</p><p>unclosed"
    )

    assert _pairs(html) == [
        ("h2", "Tür & Tor"),
        ("p", "Upper bold"),
        ("li", "one link"),
        ("li", "twonested"),
        ("p", "x [A & B]\nnext"),
        ("hr", "―"),
        ("embed", "[media https://example.com/v?a=1&b=2]"),
        ("p", "loose text"),
        ("pre", "code\n  indented"),
        ("p", "a < b and c > d"),
        ("p", "unclosed"),
    ]


def test_only_the_changed_words_of_an_edited_block_are_marked():
    rows = diff_blocks(
        "<p>Clean the fridge on Fridays, please.</p><p>Same.</p>",
        "<p>Clean the big fridge on Mondays, please.</p><p>Same.</p>",
    )

    assert [row.kind for row in rows] == ["changed", "equal"]
    assert str(rows[0].old) == "Clean the fridge on <del>Fridays</del>, please."
    assert str(rows[0].new) == "Clean the <ins>big </ins>fridge on <ins>Mondays</ins>, please."


def test_a_rewritten_block_shows_as_removed_and_added():
    rows = diff_blocks("<p>The old policy about parking.</p>", "<p>Lunch is at noon today.</p>")

    assert [row.kind for row in rows] == ["removed", "added"]
    assert str(rows[0].old) == "<del>The old policy about parking.</del>"


def test_author_markup_is_escaped_in_every_kind_of_row():
    rows = diff_blocks(
        "<p>&lt;script&gt;x&lt;/script&gt; same</p><p>&lt;b&gt; kept</p>",
        "<p>&lt;script&gt;y&lt;/script&gt; same</p><p>&lt;b&gt; kept</p><p>&lt;i&gt;</p>",
    )

    html = "".join(str(row.old) + str(row.new) for row in rows)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt; kept" in html


def _long_paragraph(rng: random.Random, words: int) -> str:
    vocabulary = ["team", "plan", "sprint", "review", "ticket", "wiki", "page", "deploy"]
    sentences = []
    for _ in range(words // 10):
        sentences.append(" ".join(rng.choice(vocabulary) for _ in range(10)).capitalize() + ".")
    return " ".join(sentences)


def test_a_50_kb_paragraph_is_compared_sentence_by_sentence_and_marks_only_the_edits():
    rng = random.Random(3)
    old = _long_paragraph(rng, 8500)
    assert len(old) > 50_000
    tokens = re.findall(r"\w+\s*|[^\w\s]\s*", old)
    assert len(tokens) ** 2 > WORD_DIFF_BUDGET  # too long to compare word by word at once
    words = old.split(" ")
    for i in (100, 3000, 8000):
        words[i] = "CHANGED"
    new = " ".join(words)

    start = time.perf_counter()
    rows = diff_blocks(f"<p>{old}</p>", f"<p>{new}</p>")
    elapsed = time.perf_counter() - start

    # Word by word over the whole paragraph took about a minute; sentence by sentence it
    # is a fraction of a second (the bound leaves room for a slow, busy machine).
    assert elapsed < 10
    assert [row.kind for row in rows] == ["changed"]
    assert str(rows[0].new).count("<ins>CHANGED") == 3
    assert str(rows[0].old).count("<del>") == 3
    assert re.sub(r"</?(ins|del)>", "", str(rows[0].new)) == new


def test_marked_text_gives_back_both_versions():
    old = "<p>Eins zwei drei. Vier fünf!</p><ul><li>a</li><li>b</li></ul>"
    new = "<p>Eins drei. Vier sechs fünf!</p><ul><li>a</li><li>c</li><li>d</li></ul>"

    rows = diff_blocks(old, new)

    strip = re.compile(r"</?(ins|del)>")
    assert [strip.sub("", str(r.old)) for r in rows if r.old] == [b.text for b in blocks_of(old)]
    assert [strip.sub("", str(r.new)) for r in rows if r.new] == [b.text for b in blocks_of(new)]
