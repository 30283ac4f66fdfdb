"""What a move of pages changes beyond the tree: the space stored on every moved page, and
the search documents of the pages below the moved one.

The one rule for anything that stores "which space a page is in": when a page moves, every
stored copy for it and for every page below it is rewritten in the move's own transaction
(apps above this floor hear of it through `intranet.signals.page_space_changed`), and the
moved pages' search documents are written again once that transaction has committed. The
receivers that do it at the right moments are in `intranet/receivers.py`."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django_tasks import task
from modelsearch.backends import get_search_backends_with_name
from modelsearch.index import class_is_indexed
from wagtail.models import Page

from intranet.cache import bump_generation

logger = logging.getLogger(__name__)

# Pages written to the index per batch when a moved subtree is indexed again: one Whoosh
# commit per batch, and memory bounded however large the subtree.
REINDEX_BATCH = 200


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(Page.steplen, len(path), Page.steplen)]


def rewrite_space_of_subtree(root: Page) -> int:
    """Set `IntranetPage.space` of `root` and of every page below it from the tree, as it is
    now; return how many pages changed space.

    Two queries (find the space above, one UPDATE), whatever the size of the subtree."""
    from intranet.models import IntranetPage, SpacePage

    outer_space_id = (
        SpacePage.objects.filter(path__in=_ancestor_paths(root.path))
        .order_by("-depth")
        .values_list("pk", flat=True)
        .first()
    )
    return (
        IntranetPage.objects.filter(path__startswith=root.path)
        # A space moved with the subtree is its own space and stays that of its pages.
        .exclude(space_id__in=SpacePage.objects.filter(path__startswith=root.path).values("pk"))
        .exclude(space_id=outer_space_id)
        .update(space_id=outer_space_id)
    )


@task()
def reindex_descendants(page_id: int) -> int:
    """Write the search documents of every page below `page_id` again, from the database as
    it is now, one batch per page type; return how many were written."""
    path = Page.objects.filter(pk=page_id).values_list("path", flat=True).first()
    if path is None:
        return 0  # deleted since: its documents went with it
    below = Page.objects.filter(path__startswith=path).exclude(pk=page_id)
    written = 0
    for content_type in ContentType.objects.filter(pk__in=below.values("content_type")):
        model = content_type.model_class()
        if model is None or not class_is_indexed(model):
            continue
        pages = model.get_indexed_objects().filter(path__startswith=path).exclude(pk=page_id)
        ids = list(pages.order_by("path").values_list("pk", flat=True))
        for start in range(0, len(ids), REINDEX_BATCH):
            batch = list(pages.filter(pk__in=ids[start : start + REINDEX_BATCH]))
            _add_to_every_index(model, batch)
            written += len(batch)
    bump_generation("content")
    return written


def _add_to_every_index(model: type[Page], pages: list[Page]) -> None:
    # As modelsearch's own `insert_or_update_object`: a backend that catches its errors
    # (an external service, a locked Whoosh index that queues the write) logs and goes on.
    for name, backend in get_search_backends_with_name(with_auto_update=True):
        try:
            backend.add_bulk(model, pages)
        except Exception:
            logger.exception("Re-indexing %d moved pages in %r failed", len(pages), name)
            if not backend.catch_indexing_errors:
                raise
