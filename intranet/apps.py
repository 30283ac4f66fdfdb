from __future__ import annotations

import functools

from django.apps import AppConfig
from django.db import transaction


def make_execute_atomic(action_class: type) -> None:
    """Run `action_class.execute` in one transaction.

    Wagtail's publish and unpublish actions save the page (autocommitted: it is live from
    that moment), then send `page_published`/`page_unpublished` to receivers that write
    activity, notifications and tasks, then write log entries, all outside any transaction.
    When a later step fails (on SQLite, "database is locked"), the publish raises but the
    page has already gone live. In one transaction it is all or nothing, and what must run
    after it (the search index) waits for the commit.
    """
    execute = action_class.__dict__["execute"]
    if getattr(execute, "runs_atomic", False):
        return

    @functools.wraps(execute)
    def atomic_execute(self, *args, **kwargs):
        with transaction.atomic():
            return execute(self, *args, **kwargs)

    atomic_execute.runs_atomic = True  # type: ignore[attr-defined]
    action_class.execute = atomic_execute


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = "Intranet"

    def ready(self) -> None:
        from wagtail.actions.publish_revision import PublishRevisionAction
        from wagtail.actions.unpublish import UnpublishAction
        from wagtail.actions.unpublish_page import UnpublishPageAction

        from intranet import receivers

        # Every publish and unpublish, whoever calls it (our actions, Wagtail's editor,
        # `publish_scheduled`, `save_revision().publish()`): page publishing inherits
        # PublishRevisionAction.execute; page unpublishing defines its own.
        for action_class in (PublishRevisionAction, UnpublishAction, UnpublishPageAction):
            make_execute_atomic(action_class)
        receivers.connect_receivers()

        from intranet.access import is_employee, searchable_pages
        from intranet.attachments import files_of_pages
        from intranet.models import IntranetPage, SpacePage
        from search.files import register_files
        from search.registry import register_pages

        # Search imports no app: this tells it which pages there are and who may see them.
        register_pages(
            base_model=IntranetPage,
            space_model=SpacePage,
            searchable=searchable_pages,
            may_search=is_employee,
        )
        # Search shows the file a hit was found in; this tells it where a page's files are.
        register_files(files_of_pages)
