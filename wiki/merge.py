"""Three-way merge of wiki pages, block by block: when two people edit a page at once, the
second save keeps both changes where they touched different blocks, and where both
changed the same block it keeps both versions, marked, for the person saving to settle.

A body is stored rich text: a row of top-level blocks (paragraphs, headings, lists, quotes,
code, images, rules). Blocks are compared as exact strings, so the three versions are first
written one way (`canonical`: the editor's own round trip). merge3 (Breezy's merge) aligns
them. Like diff3 it calls changes to two neighbouring blocks a conflict; such a region is
looked at again block by block, and only blocks both people changed stay in conflict.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from html import escape

from django.utils.translation import gettext as _
from merge3 import Merge3

from intranet.editor import to_editor, to_storage
from wiki.diff import MARKUP
from wiki.models import WIKI_FEATURES

VOID_TAGS = {"br", "hr", "img", "embed"}


def split_blocks(html: str) -> list[str]:
    """The top-level elements of stored rich text, each as its exact source text; white
    space between them is dropped, loose text between them is a block of its own."""
    blocks: list[str] = []
    depth = start = 0
    for match in MARKUP.finditer(html):
        closing, tag, attrs = match.groups()
        if tag is None:  # a comment
            continue
        if depth == 0:
            if html[start : match.start()].strip():
                blocks.append(html[start : match.start()].strip())
            start = match.start()
        if closing:
            depth = max(depth - 1, 0)
        elif tag.lower() not in VOID_TAGS and not attrs.rstrip().endswith("/"):
            depth += 1
        if depth == 0:
            blocks.append(html[start : match.end()])
            start = match.end()
    if html[start:].strip():
        blocks.append(html[start:].strip())
    return blocks


def canonical(html: str) -> str:
    """`html` written as the intranet's editor writes it, so that a block nobody touched is
    the same string in every version (bodies written by Wagtail's admin carry block keys
    and other details that the editor drops)."""
    return to_storage(to_editor(html or ""), WIKI_FEATURES)


@dataclass(frozen=True)
class Hunk:
    """One change of one side: the base blocks `start:end` become `blocks`."""

    start: int
    end: int
    blocks: tuple[str, ...]
    side: str


def _hunks(base: list[str], changed: list[str], side: str) -> list[Hunk]:
    matcher = difflib.SequenceMatcher(None, base, changed, autojunk=False)
    return [
        Hunk(i1, i2, tuple(changed[j1:j2]), side)
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def _groups(hunks: list[Hunk]) -> list[list[Hunk]]:
    """Hunks that touch one another: overlapping base blocks, or insertions at one place.
    An insertion right before or after a changed block does not touch it."""
    groups: list[list[Hunk]] = []
    end = -1
    for hunk in sorted(hunks, key=lambda h: (h.start, h.end)):
        if groups and (
            hunk.start < end
            or (hunk.start == hunk.end == end and any(h.start == h.end for h in groups[-1]))
        ):
            groups[-1].append(hunk)
            end = max(end, hunk.end)
        else:
            groups.append([hunk])
            end = hunk.end
    return groups


def _apply(base: list[str], start: int, end: int, hunks: list[Hunk]) -> list[str]:
    """`base[start:end]` with `hunks` (of one side, inside that range) applied."""
    out: list[str] = []
    position = start
    for hunk in hunks:
        out.extend(base[position : hunk.start])
        out.extend(hunk.blocks)
        position = hunk.end
    out.extend(base[position:end])
    return out


def _merge_region(
    base: list[str], mine: list[str], theirs: list[str]
) -> list[tuple[str, list[str], list[str]]]:
    """A region merge3 found in conflict, settled block by block: ("ok", blocks, []) parts
    and ("conflict", my blocks, their blocks) parts, in order."""
    parts: list[tuple[str, list[str], list[str]]] = []
    position = 0
    for group in _groups(_hunks(base, mine, "mine") + _hunks(base, theirs, "theirs")):
        start, end = min(h.start for h in group), max(h.end for h in group)
        parts.append(("ok", base[position:start], []))
        position = end
        sides = {h.side for h in group}
        mine_blocks = _apply(base, start, end, [h for h in group if h.side == "mine"])
        theirs_blocks = _apply(base, start, end, [h for h in group if h.side == "theirs"])
        if len(sides) == 1 or mine_blocks == theirs_blocks:
            parts.append(("ok", mine_blocks if "mine" in sides else theirs_blocks, []))
        else:
            parts.append(("conflict", mine_blocks, theirs_blocks))
    parts.append(("ok", base[position:], []))
    return parts


def _marker(text: str) -> str:
    return f"<p><b>{escape(text, quote=False)}</b></p>"


@dataclass(frozen=True)
class BodyMerge:
    """The merged body; where both changed the same blocks, both versions between marker
    lines (`conflicts` counts those places)."""

    body: str
    conflicts: int


def merge_bodies(base: str, mine: str, theirs: str, *, their_name: str) -> BodyMerge:
    """Merge my body and theirs, both edited from `base`."""
    base_blocks, my_blocks, their_blocks = (
        split_blocks(canonical(body)) for body in (base, mine, theirs)
    )
    out: list[str] = []
    conflicts = 0
    for group in Merge3(base_blocks, my_blocks, their_blocks).merge_groups():
        if group[0] != "conflict":
            out.extend(group[1])
            continue
        _kind, region_base, region_mine, region_theirs = group
        for kind, blocks, other in _merge_region(
            list(region_base), list(region_mine), list(region_theirs)
        ):
            if kind == "ok":
                out.extend(blocks)
                continue
            conflicts += 1
            out.append(_marker(_("⚠ Your version:")))
            out.extend(blocks)
            out.append(_marker(_("⚠ %(name)s’s version:") % {"name": their_name}))
            out.extend(other)
            out.append(
                _marker(
                    _(
                        "⚠ End of the two versions. Keep what is right, delete the rest "
                        "and the three ⚠ lines."
                    )
                )
            )
    return BodyMerge("".join(out), conflicts)


def merge_titles(base: str, mine: str, theirs: str) -> tuple[str, bool]:
    """The merged title, and whether both changed it differently (then mine is kept)."""
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    return mine, True
