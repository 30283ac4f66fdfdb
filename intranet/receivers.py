"""The ground floor's receivers, connected in `IntranetConfig.ready()`: keep the space
stored on pages right when pages move (`intranet/moves.py`), expire cached page lists
when published content changes (the "content" generation of `intranet/cache.py`), and read
the text of uploaded documents for search (`intranet/attachments.py`), whoever uploads
them: the intranet's own editor or the Wagtail admin."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from audit import origin
from audit.actions import record
from audit.models import AuditAction
from intranet.attachments import (
    has_current_text,
    read_document_text,
    reindex_pages,
)
from intranet.cache import bump_generation
from intranet.files import pages_showing
from intranet.models import SpacePage
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


def read_text_of_saved_document(sender, instance, raw: bool = False, **kwargs) -> None:
    """Queue the reading of a new or replaced file's text, once its upload has committed.

    A save that keeps the file (a new title) reads nothing. With TASK_BACKEND=database the
    task worker reads it; never inside the upload's transaction, never as part of a publish."""
    if raw or has_current_text(instance):
        return
    enqueue_after_commit(read_document_text, instance.pk)


def remember_pages_holding_document(sender, instance, **kwargs) -> None:
    """Note the pages that link a document about to be deleted: Wagtail forgets its
    references on deletion, and those pages must lose the file's text from the index."""
    instance._pages_holding = pages_showing(instance)


def reindex_pages_of_deleted_document(sender, instance, **kwargs) -> None:
    # Each page's document is written once the deletion commits.
    reindex_pages(getattr(instance, "_pages_holding", []))


def record_deleted_space(sender, instance: SpacePage, **kwargs) -> None:
    """Spaces are deleted in the Wagtail admin (or a shell), never through an action of
    ours: whoever deletes one, the audit log says who, when and which."""
    record(AuditAction.SPACE_DELETED, actor=origin.current_actor(), space=instance)


def connect_receivers() -> None:
    post_save.connect(update_space_after_move, sender=Page, dispatch_uid="intranet_space_of_move")
    post_page_move.connect(reindex_after_move, dispatch_uid="intranet_reindex_after_move")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_content_generation, dispatch_uid=f"intranet_content_gen_{id(signal)}")
    post_delete.connect(bump_content_generation, sender=Page, dispatch_uid="intranet_page_deleted")
    document_model = get_document_model()
    post_save.connect(
        read_text_of_saved_document, sender=document_model, dispatch_uid="intranet_read_text"
    )
    pre_delete.connect(
        remember_pages_holding_document,
        sender=document_model,
        dispatch_uid="intranet_document_pages",
    )
    post_delete.connect(
        reindex_pages_of_deleted_document,
        sender=document_model,
        dispatch_uid="intranet_document_deleted",
    )
    post_delete.connect(
        record_deleted_space, sender=SpacePage, dispatch_uid="intranet_space_deleted"
    )
