"""The ground floor's receivers, connected in `IntranetConfig.ready()`: keep the space
stored on pages right when pages move (`intranet/moves.py`), and expire cached page lists
when published content changes (the "content" generation of `intranet/cache.py`)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from intranet.cache import bump_generation
from intranet.moves import reindex_descendants, rewrite_space_of_subtree
from intranet.signals import page_space_changed
from intranet.tasks import enqueue_after_commit


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
    # A task, so that with TASK_BACKEND=database the worker, the single writer of the
    # Whoosh index, does it; the immediate backend runs it right after the commit.
    enqueue_after_commit(reindex_descendants, instance.pk)


def bump_content_generation(**kwargs) -> None:
    bump_generation("content")


def connect_receivers() -> None:
    post_save.connect(update_space_after_move, sender=Page, dispatch_uid="intranet_space_of_move")
    post_page_move.connect(reindex_after_move, dispatch_uid="intranet_reindex_after_move")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_content_generation, dispatch_uid=f"intranet_content_gen_{id(signal)}")
    post_delete.connect(bump_content_generation, sender=Page, dispatch_uid="intranet_page_deleted")
