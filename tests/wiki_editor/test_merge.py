"""The block-level three-way merge behind concurrent edits (wiki/merge.py)."""

from __future__ import annotations

import pytest

from wiki.merge import merge_bodies, merge_titles, split_blocks

pytestmark = pytest.mark.django_db  # the editor's round trip looks up linked pages

BASE = "<p>A</p><p>B</p><p>C</p>"


def merge(mine: str, theirs: str, base: str = BASE):
    return merge_bodies(base, mine, theirs, their_name="Emma")


def test_blocks_are_the_top_level_elements_and_nested_ones_stay_inside():
    html = (
        "<p>a <b>b</b></p>\n<ul><li>1<ul><li>2</li></ul></li></ul>"
        '<hr/><embed embedtype="image" id="3"/>'
    )

    assert split_blocks(html) == [
        "<p>a <b>b</b></p>",
        "<ul><li>1<ul><li>2</li></ul></li></ul>",
        "<hr/>",
        '<embed embedtype="image" id="3"/>',
    ]


def test_changes_to_far_apart_blocks_merge():
    assert merge("<p>A1</p><p>B</p><p>C</p>", "<p>A</p><p>B</p><p>C3</p>").body == (
        "<p>A1</p><p>B</p><p>C3</p>"
    )


def test_changes_to_neighbouring_blocks_merge():
    result = merge("<p>A1</p><p>B</p><p>C</p>", "<p>A</p><p>B2</p><p>C</p>")

    assert (result.body, result.conflicts) == ("<p>A1</p><p>B2</p><p>C</p>", 0)


def test_a_block_added_after_a_block_the_other_changed_merges():
    assert merge("<p>A</p><p>B</p><p>C</p><p>N</p>", "<p>A</p><p>B</p><p>C3</p>").body == (
        "<p>A</p><p>B</p><p>C3</p><p>N</p>"
    )


def test_the_same_change_on_both_sides_is_kept_once():
    result = merge("<p>A</p><p>B!</p><p>C</p>", "<p>A</p><p>B!</p><p>C</p>")

    assert (result.body, result.conflicts) == ("<p>A</p><p>B!</p><p>C</p>", 0)


def test_both_changing_one_block_keeps_both_versions_between_markers():
    result = merge("<p>A</p><p>Mine</p><p>C</p>", "<p>A</p><p>Theirs</p><p>C</p>")

    assert result.conflicts == 1
    blocks = split_blocks(result.body)
    assert blocks[0] == "<p>A</p>" and blocks[-1] == "<p>C</p>"
    assert blocks.index("<p>Mine</p>") < blocks.index("<p>Theirs</p>")
    assert "Emma’s version" in result.body


def test_a_block_i_deleted_and_they_changed_is_kept_as_theirs_in_the_conflict():
    result = merge("<p>A</p><p>C</p>", "<p>A</p><p>B2</p><p>C</p>")

    assert result.conflicts == 1
    assert "<p>B2</p>" in result.body


def test_bodies_written_by_wagtails_admin_compare_by_content():
    base = '<p data-block-key="k1">A</p><p data-block-key="k2">B</p>'
    theirs = '<p data-block-key="k1">A1</p><p data-block-key="k2">B</p>'

    result = merge_bodies(base, "<p>A</p><p>B2</p>", theirs, their_name="Emma")

    assert (result.body, result.conflicts) == ("<p>A1</p><p>B2</p>", 0)


def test_merged_text_is_escaped_in_the_markers():
    result = merge_bodies(
        "<p>A</p>", "<p>Mine</p>", "<p>Theirs</p>", their_name="<script>x</script>"
    )

    assert "<script>" not in result.body


@pytest.mark.parametrize(
    ("base", "mine", "theirs", "expected"),
    [
        ("T", "T", "T", ("T", False)),
        ("T", "Mine", "T", ("Mine", False)),
        ("T", "T", "Theirs", ("Theirs", False)),
        ("T", "Same", "Same", ("Same", False)),
        ("T", "Mine", "Theirs", ("Mine", True)),
    ],
)
def test_titles(base, mine, theirs, expected):
    assert merge_titles(base, mine, theirs) == expected
