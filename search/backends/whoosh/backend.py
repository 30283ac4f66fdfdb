"""The backend modelsearch loads (``search.backends.whoosh.SearchBackend``), and its
spelling corrector ("did you mean")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from modelsearch.backends.base import BaseSearchBackend, get_model_root
from modelsearch.query import MatchAll
from whoosh.idsets import BitSet
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from search.analyzers import query_words, spelling_words
from search.backends.whoosh.compiler import (
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
    is_nothing,
)
from search.backends.whoosh.patches import patch_whoosh
from search.backends.whoosh.results import WhooshSearchResults
from search.backends.whoosh.schema import SPELLING
from search.backends.whoosh.store import CORRUPT_INDEX_ERRORS, IndexUnavailable
from search.backends.whoosh.writes import WhooshIndex, WhooshRebuilder


class WhooshSearchBackend(BaseSearchBackend):
    query_compiler_class = WhooshSearchQueryCompiler
    autocomplete_query_compiler_class = WhooshAutocompleteQueryCompiler
    results_class = WhooshSearchResults
    rebuilder_class = WhooshRebuilder
    # A broken index must not fail the save that triggered the write; writes
    # are queued instead, and anything unforeseen is logged by modelsearch.
    catch_indexing_errors = True

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        # Before any index of this backend is read (see patches.py for why).
        patch_whoosh()
        path = params.get("PATH") or getattr(settings, "SEARCH_INDEX_DIR", None)
        if not path:
            raise ImproperlyConfigured(
                'The Whoosh search backend needs "PATH" (the folder for its index) '
                "in its settings entry."
            )
        self.path = Path(path).resolve()

    def get_index_for_model(self, model: type[models.Model]) -> WhooshIndex:
        return WhooshIndex(self, get_model_root(model))

    def suggest_spelling(
        self, text: str, querysets: Sequence[models.QuerySet], *, candidates: int = 8
    ) -> str:
        """``text`` with its unknown words corrected by Whoosh's spelling corrector, or "".

        The corrector reads the index's own words (the unstemmed words of every
        SearchField). A word counts as known, and a correction is only offered, if it
        occurs in an object of one of ``querysets`` (filters included): so a word that
        only a private page contains is never suggested to someone who cannot open it.
        """
        words = query_words(text)
        if not words or not querysets:
            return ""
        scopes = [scope for qs in querysets if (scope := self._spelling_scope(qs)) is not None]
        if not scopes:
            return ""

        def visible(word: str) -> bool:
            return any(_has_visible_doc(searcher, allowed, word) for searcher, allowed in scopes)

        corrected = []
        changed = False
        for word in words:
            lowered = word.lower()
            if len(lowered) < 3 or not spelling_words(lowered) or visible(lowered):
                corrected.append(word)
                continue
            found = ""
            maxdist = 1 if len(lowered) <= 4 else 2
            options: dict[str, int] = {}
            for searcher, _allowed in scopes:
                corrector = searcher.reader().corrector(SPELLING)
                for option in corrector.suggest(
                    lowered, limit=candidates, maxdist=maxdist, prefix=1
                ):
                    options[option] = min(
                        options.get(option, maxdist + 1), _edit_distance(lowered, option)
                    )
            for option in sorted(options, key=lambda option: options[option]):
                if visible(option):
                    found = option
                    break
            if found:
                corrected.append(found)
                changed = True
            else:
                corrected.append(word)
        return " ".join(corrected) if changed else ""

    def _spelling_scope(self, queryset: models.QuerySet) -> tuple[Searcher, BitSet | None] | None:
        """The searcher of the queryset's index and the documents the queryset allows."""
        index = self.get_index_for_model(queryset.model)
        compiler = self.query_compiler_class(queryset, MatchAll())
        searcher = index.store.searcher()
        if SPELLING not in searcher.schema:
            return None
        try:
            query_filter = compiler.get_filter()
        except CORRUPT_INDEX_ERRORS as error:
            raise IndexUnavailable(f"Search index {index.name} cannot be read") from error
        if query_filter is None:
            return searcher, None
        if is_nothing(query_filter):
            return None
        return searcher, index.store.filter_docs(searcher, query_filter)


def _has_visible_doc(searcher: Searcher, allowed: BitSet | None, word: str) -> bool:
    """Whether an allowed (and undeleted) document contains ``word`` in its spelling words."""
    reader = searcher.reader()
    try:
        postings = searcher.postings(SPELLING, word)
    except (KeyError, TermNotFound):
        return False
    for docnum in postings.all_ids():
        if (allowed is None or docnum in allowed) and not reader.is_deleted(docnum):
            return True
    return False


def _edit_distance(first: str, second: str) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), for ranking corrections."""
    previous_previous: list[int] = []
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i] + [0] * len(second)
        for j, b in enumerate(second, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            if i > 1 and j > 1 and a == second[j - 2] and first[i - 2] == b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[-1]


SearchBackend = WhooshSearchBackend
