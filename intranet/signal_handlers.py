"""Keep `IntranetPage.space` right when pages move between spaces, and count content
changes for the cache keys of page-list fragments.

The one rule for anything that stores "which space a page is in": when a page moves, every
stored copy for it and for every page below it is rewritten in the move's own transaction
(apps above this floor hear of it through `page_space_changed`), and the moved pages' search
documents are written again once that transaction has committed."""

from __future__ import annotations

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal
from django_tasks import task
from modelsearch.backends import get_search_backends_with_name
from modelsearch.index import class_is_indexed
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

#: Sent inside the transaction of a move, after `IntranetPage.space` of the moved page and
#: its descendants was rewritten, when at least one of them changed space. `root` is the
#: moved page (at its new place): every row that keeps its own copy of the space of a page
#: in `root`'s subtree must take the page's new `IntranetPage.space` before the commit.
page_space_changed = Signal()

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


def update_space_after_move(
    sender, instance: Page, raw: bool = False, update_fields=None, **kwargs
) -> None:
    """Rewrite the space of a moved page and its subtree inside the move's transaction.

    Connected to `post_save` of the base `Page` class only: Wagtail's move action saves the
    moved page as a plain `Page` inside its transaction, right after the tree was moved
    (`post_page_move` comes after the commit, too late: for a moment the page would be
    in a members-only space while the column still says the open one). A failure here
    rolls the whole move back. Other saves of a plain `Page` cost two small queries."""
    if raw or (update_fields is not None and "path" not in update_fields):
        return
    if rewrite_space_of_subtree(instance):
        page_space_changed.send(sender=Page, root=instance)
        transaction.on_commit(bump_content_generation)


def reindex_after_move(
    sender, instance: Page, parent_page_before: Page, parent_page_after: Page, **kwargs
) -> None:
    """Index the moved page's descendants again once the move has committed.

    The move rewrote their space (and treebeard their `path`, an index filter too) with
    `UPDATE`s, which no index receiver sees. The moved page itself was saved by the move,
    so the index's own save handling writes it, once, after the commit."""
    if parent_page_before.pk == parent_page_after.pk:
        return  # a reorder among siblings changes nothing the index holds
    page_id = instance.pk
    # A task, so that with TASK_BACKEND=database the worker, the single writer of the
    # Whoosh index, does it; the immediate backend runs it right after the commit.
    transaction.on_commit(lambda: reindex_descendants.enqueue(page_id), robust=True)


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
    bump_content_generation()
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


CONTENT_GENERATION_KEY = "intranet:content-generation"


def content_generation() -> int:
    """A number that changes whenever published content changes; part of cache keys."""
    return cache.get_or_set(CONTENT_GENERATION_KEY, 1, timeout=None) or 1


def bump_content_generation(**kwargs) -> None:
    try:
        cache.incr(CONTENT_GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates old keys
        cache.set(CONTENT_GENERATION_KEY, 2, timeout=None)


def register() -> None:
    post_save.connect(update_space_after_move, sender=Page, dispatch_uid="intranet_space_of_move")
    post_page_move.connect(reindex_after_move, dispatch_uid="intranet_reindex_after_move")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_content_generation, dispatch_uid=f"intranet_content_gen_{id(signal)}")
    post_delete.connect(bump_content_generation, sender=Page, dispatch_uid="intranet_page_deleted")
