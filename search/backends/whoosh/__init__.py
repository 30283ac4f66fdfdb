"""A modelsearch (Wagtail search) backend that keeps its index in Whoosh.

Configure it as::

    WAGTAILSEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.whoosh", "PATH": "/var/lib/intranet/search"},
    }
    MODELSEARCH_BACKENDS = WAGTAILSEARCH_BACKENDS

(Wagtail's ``wagtail.search`` app reads ``WAGTAILSEARCH_BACKENDS``; a project
that installs plain ``modelsearch`` instead reads ``MODELSEARCH_BACKENDS``;
both load ``search.backends.whoosh.SearchBackend``.)

Layout on disk, one folder per root model (``wagtailcore_page``, ...)::

    PATH/<index>/current        symlink to the live generation
    PATH/<index>/gen-<id>/      a complete Whoosh index
    PATH/<index>/queue.sqlite3  writes waiting for the write lock (see search.index_queue)
    PATH/<index>/rebuild.lock   held by the one rebuild that may run at a time

``update_index`` builds a new generation next to the live one and switches the
symlink with ``os.replace``, so searches never see a half-built index.

Searches raise :class:`IndexUnavailable` when the live index cannot be read
(deleted, corrupt, unreadable); views catch it and tell the reader that search
is being rebuilt. Writes never raise for that reason: they are queued and the
next writer, or ``update_index``, applies them.

One module per job:

- ``schema``: field mapping, documents and the Whoosh schema
- ``store``: the index folder, its generations, locks and cached searchers
- ``writes``: writes to the live index, the queue, and rebuilds
- ``compiler``: queries, filters and ordering as Whoosh queries
- ``results``: hits, counts and facets
- ``bulk``: the same hits, counts and facets read a posting list at a time (the search
  page's path), where Whoosh would score and count document by document
- ``backend``: the backend class and its spelling corrector
- ``patches``: fixes to Whoosh, applied when the backend is made
"""

from search.backends.whoosh.backend import SearchBackend, WhooshSearchBackend
from search.backends.whoosh.compiler import (
    WhooshAutocompleteQueryCompiler,
    WhooshSearchQueryCompiler,
)
from search.backends.whoosh.results import HitsPage, WhooshSearchResults
from search.backends.whoosh.schema import NUMERIC_SHIFT_STEP, WhooshMapping, build_schema
from search.backends.whoosh.store import IndexStore, IndexUnavailable
from search.backends.whoosh.writes import WhooshIndex, WhooshRebuilder

__all__ = [
    "NUMERIC_SHIFT_STEP",
    "HitsPage",
    "IndexStore",
    "IndexUnavailable",
    "SearchBackend",
    "WhooshAutocompleteQueryCompiler",
    "WhooshIndex",
    "WhooshMapping",
    "WhooshRebuilder",
    "WhooshSearchBackend",
    "WhooshSearchQueryCompiler",
    "WhooshSearchResults",
    "build_schema",
]
