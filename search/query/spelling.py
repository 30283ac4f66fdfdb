"""'Did you mean': a correction offered when a search finds nothing."""

from __future__ import annotations

import logging

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

from search.query.results import SearchResults
from search.query.text import normalize_query

logger = logging.getLogger(__name__)


def correct_spelling(results: SearchResults, querysets: list[QuerySet]) -> None:
    """Offer "did you mean" when nothing was found, from the backend's spelling corrector
    (`suggest_spelling`, Whoosh's corrector over the index's own words). The corrector only
    offers words that occur in what `querysets` (the reader's searchable pages and people,
    filters included) hold, so a word from a page the reader cannot open is never
    suggested. Backends without a corrector (database, Elasticsearch) suggest nothing."""
    if results.found_anything or not results.query:
        return
    corrector = getattr(get_search_backend(), "suggest_spelling", None)
    if not callable(corrector):
        return
    try:
        candidate = normalize_query(str(corrector(results.query, querysets) or ""))
    except Exception:  # noqa: BLE001 - a broken corrector must not break search
        logger.warning("Spelling suggestion failed for a query", exc_info=True)
        return
    if candidate and candidate.lower() != results.query.lower():
        results.did_you_mean = candidate
