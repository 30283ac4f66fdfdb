"""The search app's receivers: keep every indexed model's documents current, each object
once, after its transaction commits (`search/index_queue.py`).

They stand in for modelsearch's own, which update the index on every single save, inside
the transaction: `SearchConfig.ready()` hands modelsearch `connect_receivers` in place of
its `register_signal_handlers`, so modelsearch's `ready()` connects these."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from modelsearch import index

from search.index_queue import index_after_commit, remove_after_commit

# Fields a draft save (``save_revision``) writes. The index describes the live page, so a
# save of these alone needs no new document; the publish that follows makes one.
# (``latest_revision_created_at`` is indexed by Wagtail only to sort the admin's page
# search by "updated"; it catches up with the next publish.)
DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "wagtail_admin_comments",  # Wagtail's COMMENTS_RELATION_NAME
    }
)


def index_saved(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:  # fixtures: `update_index` builds the index afterwards
        return
    if update_fields is not None and set(update_fields) <= DRAFT_FIELDS:
        return
    index_after_commit(instance, using=kwargs.get("using"))


def remove_deleted(sender, instance, **kwargs) -> None:
    remove_after_commit(instance, using=kwargs.get("using"))


def connect_receivers() -> None:
    """Connect both receivers for every indexed model that updates automatically (a model
    added later is covered without anyone noticing)."""
    for model in index.get_indexed_models():
        if not getattr(model, "search_auto_update", True):
            continue
        label = model._meta.label_lower
        post_save.connect(index_saved, sender=model, dispatch_uid=f"search_index_saved_{label}")
        post_delete.connect(
            remove_deleted, sender=model, dispatch_uid=f"search_index_deleted_{label}"
        )
