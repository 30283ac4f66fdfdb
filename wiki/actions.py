"""Writes to the wiki: restoring a revision and starting a page from a template.

Edits themselves go through Wagtail's editor, which saves a revision per change."""

from __future__ import annotations

from django.db import transaction
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision

from wiki.models import WikiPage, page_templates


@transaction.atomic
def restore_revision(page: WikiPage, revision: Revision, user) -> Revision:
    """Publish the content of an old revision as a new revision: nothing is lost, and the
    history shows who restored what."""
    if revision.object_id != str(page.pk):
        raise ValueError("The revision belongs to another page.")
    restored: WikiPage = revision.as_object()
    restored.edit_summary = _("Restored the version of %(when)s") % {
        "when": formats.date_format(revision.created_at, "DATETIME_FORMAT")
    }
    new_revision = restored.save_revision(
        user=user, log_action=True, previous_revision=revision, clean=False
    )
    new_revision.publish(user=user, skip_permission_checks=True)
    log(
        instance=page,
        action="wiki.restore",
        user=user,
        revision=new_revision,
        data={"restored_revision_id": revision.pk},
    )
    return new_revision


def _free_slug(parent: Page, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:200] or "page"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_draft_page(parent: Page, *, title: str, template_key: str, user) -> WikiPage:
    """A new, unpublished wiki page under `parent`, pre-filled from a template; the editor
    finishes it in Wagtail's editor and publishes it there."""
    template = page_templates().get(template_key) or page_templates()["blank"]
    page = WikiPage(
        title=title,
        slug=_free_slug(parent, title),
        body=template.body,
        live=False,
        owner=user,
        language=getattr(parent.specific_deferred, "language", None) or WikiPage().language,
        edit_summary=_("Started from the template “%(name)s”") % {"name": template.label},
    )
    # The tree position comes from the parent's row as it is now, inside this transaction
    # (which holds the write lock): a copy read before it may predate a sibling another
    # process just added, and treebeard would hand out that sibling's path again.
    Page.objects.get(pk=parent.pk).add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page
