"""Writes to the wiki, one function per write: saving a page from the intranet's editor
(merged with a colleague's change made meanwhile), creating a page, the editor's private
drafts, and restoring an old revision.

Pages are saved as Wagtail revisions and published (or, in a space that moderates, sent to
its Wagtail workflow), so history, log entries, search indexing (after the commit,
search/receivers.py), followers' notifications (community, on `page_published`) and
moderation work as for any page."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Page, Revision, WorkflowState

from intranet.people import display_name
from wiki.merge import merge_bodies, merge_titles
from wiki.models import EditDraft, WikiPage


class Outcome(StrEnum):
    PUBLISHED = "published"
    SUBMITTED = "submitted"  # waits for the space's moderators
    DRAFT = "draft"  # neither publish permission nor a workflow: kept as a draft revision


@dataclass(frozen=True)
class Saved:
    page: WikiPage
    revision: Revision
    outcome: Outcome
    # Whose changes, saved since the editor was opened, were merged with this one.
    merged_with: str = ""


@dataclass(frozen=True)
class Conflict:
    """Nothing was saved: a colleague saved meanwhile and both changed the same blocks (or
    the title). The editor opens again with this, continuing from their revision."""

    title: str
    body: str  # both versions of each block both changed, between marker lines
    edit_summary: str
    base_revision_id: int
    their_name: str
    conflicts: int  # how many places in the body
    their_title: str | None  # when both changed the title differently (mine is kept)
    before: dict  # title and body when the editor was opened
    after: dict  # title and body after their change


def outcome_for(page: Page, user) -> Outcome:
    """What saving `page` (or a new page under it) does for `user`: publish where they may,
    else submit to the space's moderation workflow."""
    if page.permissions_for_user(user).can_publish():
        return Outcome.PUBLISHED
    if page.get_workflow() is not None:
        return Outcome.SUBMITTED
    return Outcome.DRAFT


def _publish_or_submit(page: WikiPage, revision: Revision, user) -> Outcome:
    outcome = outcome_for(page, user)
    if outcome == Outcome.PUBLISHED:
        revision.publish(user=user)
    elif outcome == Outcome.SUBMITTED:
        state = page.current_workflow_state
        if state is None:
            page.get_workflow().start(page, user)
        elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            state.resume(user)
        # A review already in progress covers the newest revision: nothing to start.
    return outcome


def _authors_since(page: WikiPage, base: Revision | None, latest: Revision) -> str:
    revisions = page.revisions.select_related("user").order_by("pk")
    revisions = revisions.filter(pk__gt=base.pk) if base else revisions.filter(pk=latest.pk)
    names = dict.fromkeys(display_name(r.user) or _("someone") for r in revisions)
    return ", ".join(names) or _("someone")


def save_page(
    page: WikiPage,
    *,
    user,
    title: str,
    body: str,
    edit_summary: str,
    base_revision_id: int | None,
) -> Saved | Conflict:
    """Save my edit of `page`, begun on revision `base_revision_id`, and publish it (or
    submit it for review). If others saved since, their changes and mine are merged; where
    both changed the same blocks nothing is saved but my private draft, and the Conflict
    says what to show."""
    with transaction.atomic():
        # The page's row lock makes two saves of one page take turns: the second one
        # always sees the first one's revision.
        page = (
            WikiPage.objects.select_for_update(of=("self",))
            .select_related("latest_revision")
            .get(pk=page.pk)
        )
        latest = page.latest_revision
        merged_with = ""
        if latest is not None and base_revision_id != latest.pk:
            base = page.revisions.filter(pk=base_revision_id).first() if base_revision_id else None
            before = {key: (base.content if base else {}).get(key, "") for key in ("title", "body")}
            after = {key: latest.content.get(key, "") for key in ("title", "body")}
            their_name = _authors_since(page, base, latest)
            title, title_conflict = merge_titles(before["title"], title, after["title"])
            merged = merge_bodies(before["body"], body, after["body"], their_name=their_name)
            if merged.conflicts or title_conflict:
                conflict = Conflict(
                    title=title,
                    body=merged.body,
                    edit_summary=edit_summary,
                    base_revision_id=latest.pk,
                    their_name=their_name,
                    conflicts=merged.conflicts,
                    their_title=after["title"] if title_conflict else None,
                    before=before,
                    after=after,
                )
                # Kept as the private draft too: nothing typed is lost, even if the
                # browser closes now.
                autosave(
                    user,
                    page,
                    new_page=False,
                    title=title,
                    body=merged.body,
                    edit_summary=edit_summary,
                    base_revision_id=latest.pk,
                )
                return conflict
            body, merged_with = merged.body, their_name
        editable: WikiPage = page.get_latest_revision_as_object()
        editable.title, editable.body, editable.edit_summary = title, body, edit_summary
        # The form checked what the editor changes; the rest is the latest revision's.
        revision = editable.save_revision(user=user, log_action=True, clean=False)
        outcome = _publish_or_submit(editable, revision, user)
        discard_draft(user, page, new_page=False)
    page.refresh_from_db()  # as published (or not)
    return Saved(page, revision, outcome, merged_with)


def _free_slug(parent: Page, title: str) -> str:
    base = slugify(title, allow_unicode=True)[:200] or "page"
    taken = set(parent.get_children().values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_page(
    parent: Page, *, user, title: str, body: str, edit_summary: str, language: str
) -> Saved:
    """A new wiki page under `parent`, made on its first save: published, or submitted for
    review where the space moderates. Its slug is made from the title, free among its
    siblings (a title used twice gets "-2")."""
    with transaction.atomic():
        # The parent's row lock makes two pages created under it at once take turns, so
        # they never take the same slug or tree position.
        parent = Page.objects.select_for_update().get(pk=parent.pk)
        page = WikiPage(
            title=title,
            slug=_free_slug(parent, title),
            body=body,
            live=False,
            owner=user,
            language=language,
            edit_summary=edit_summary,
        )
        parent.add_child(instance=page)
        revision = page.save_revision(user=user, log_action=True)
        outcome = _publish_or_submit(page, revision, user)
        discard_draft(user, parent, new_page=True)
    page.refresh_from_db()  # as published (or not)
    return Saved(page, revision, outcome)


def autosave(
    user,
    page: Page,
    *,
    new_page: bool,
    title: str,
    body: str,
    edit_summary: str,
    base_revision_id: int | None,
) -> EditDraft:
    """Keep what `user` is typing in the editor of `page` (for a page not made yet: under
    `page`) as their private draft. No revision, no validation beyond the form's."""
    base_id = None
    if base_revision_id and not new_page:
        base_id = page.revisions.filter(pk=base_revision_id).values_list("pk", flat=True).first()
    draft, _created = EditDraft.objects.update_or_create(
        user=user,
        page=page,
        new_page=new_page,
        defaults={
            "title": title,
            "body": body,
            "edit_summary": edit_summary,
            "base_revision_id": base_id,
        },
    )
    return draft


def discard_draft(user, page: Page, *, new_page: bool) -> None:
    EditDraft.objects.filter(user=user, page=page, new_page=new_page).delete()


@transaction.atomic
def restore_revision(page: WikiPage, revision: Revision, user) -> Revision:
    """Publish the content of an old revision as a new revision: nothing is lost, and the
    history shows who restored what."""
    if revision.object_id != str(page.pk):
        raise ValueError("The revision belongs to another page.")
    restored: WikiPage = revision.as_object()
    # Stored like any edit summary, written by the restorer: the old version's time as the
    # history list shows it to them (their zone, activated for their request), and the zone
    # named, so that it means the same moment to readers in other zones. (Rendering it at
    # read time would need every place that shows summaries to know this one.)
    when = formats.date_format(timezone.localtime(revision.created_at), "SHORT_DATETIME_FORMAT")
    restored.edit_summary = _("Restored the version of %(when)s") % {
        "when": f"{when} ({timezone.get_current_timezone_name()})"
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
