"""Keep `IntranetPage.space` right when pages move between spaces, and count content
changes for the cache keys of page-list fragments."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def update_space_after_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    from intranet.models import IntranetPage, SpacePage

    if parent_page_before.pk == parent_page_after.pk:
        return
    page = instance.specific
    if not isinstance(page, IntranetPage) or isinstance(page, SpacePage):
        return
    space_id = page.find_space_id()
    IntranetPage.objects.filter(path__startswith=page.path).exclude(
        pk__in=SpacePage.objects.values("pk")
    ).update(space_id=space_id)


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
    post_page_move.connect(update_space_after_move, dispatch_uid="intranet_space_after_move")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_content_generation, dispatch_uid=f"intranet_content_gen_{id(signal)}")
    post_delete.connect(bump_content_generation, sender=Page, dispatch_uid="intranet_page_deleted")
