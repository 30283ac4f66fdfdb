"""The search service: one place that turns a user's query into what that user may see.

The search page, the JSON suggestions, the saved-search feed and the expert finder all call
`search_content` (or `suggest`), so every search surface filters through the one visibility
rule, registered by the app that owns the pages (`search.registry`), which the backend
compiles into an index filter: counts, facets and pagination are computed on what the user
may open, and no private title ever leaves the index.

It knows content only through Wagtail's index declarations and `search.registry`: pages are
subclasses of the registered page base model (their type facet comes from the content types
found), people are the registered people model when it is indexed. Works on every
modelsearch backend (Whoosh, database, Elasticsearch/OpenSearch); facets are read only
where the backend offers them.

One module per job:

- `service`: `search_content`, `suggest`, and `pages_matching` for counting hits
- `filters`: the filter values a search may use (types, author, department, space, dates)
- `windows`: one page of hits, the total and facet counts from the backend; pagination
- `hits`: index hits turned into `SearchHit`s, loading only what is shown
- `facets`: the counts beside the results
- `text` and `spelling`: the query's text, snippets, and corrections ("did you mean")
- `results`: the shapes every surface shows
"""

from search.query.facets import PAGE_FACET_FIELDS, PAGE_MONTH_FACET_FIELDS
from search.query.filters import month_range
from search.query.results import PERSON_TYPE, FacetValue, SearchHit, SearchResults
from search.query.service import PEOPLE_ON_FIRST_PAGE, pages_matching, search_content, suggest
from search.query.text import (
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    SNIPPET_LENGTH,
    highlight,
    normalize_query,
    query_stems,
)
from search.query.windows import counts_by, matching_keys

__all__ = [
    "MAX_QUERY_LENGTH",
    "MAX_QUERY_WORDS",
    "PAGE_FACET_FIELDS",
    "PAGE_MONTH_FACET_FIELDS",
    "PEOPLE_ON_FIRST_PAGE",
    "PERSON_TYPE",
    "SNIPPET_LENGTH",
    "FacetValue",
    "SearchHit",
    "SearchResults",
    "counts_by",
    "highlight",
    "matching_keys",
    "month_range",
    "normalize_query",
    "pages_matching",
    "query_stems",
    "search_content",
    "suggest",
]
