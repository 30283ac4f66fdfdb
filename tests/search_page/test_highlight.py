"""Snippets mark what the query found: whole words through their stems, and the words a
partial word begins."""

from search.query.text import highlight


def test_a_partial_word_marks_the_words_it_begins():
    snippet = highlight("Kollaboration im Team und kollaborative Werkzeuge", "Kollabor")
    assert "<mark>Kollaboration</mark>" in snippet
    assert "<mark>kollaborative</mark>" in snippet
    assert "<mark>Team</mark>" not in snippet


def test_a_short_word_marks_only_itself_and_its_forms():
    snippet = highlight("Die App und die Application", "App")
    assert "<mark>App</mark>" in snippet
    assert "<mark>Application</mark>" not in snippet


def test_stems_still_mark_other_forms():
    assert "<mark>Medium</mark>" in highlight("Ein neues Medium", "Medien")
