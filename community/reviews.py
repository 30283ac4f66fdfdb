"""Reviews: changes waiting for approval in spaces that moderate, approved or sent back on
the intranet's own pages.

A space whose changes need approval runs Wagtail's moderation workflow (see
`intranet.actions.sync_space_workflow`): editors' saves are submitted to it, and a
`TaskState` in progress is one change waiting for the space's moderators. Everything here
stays on Wagtail's workflow models and acts through `Task.on_action`, so Wagtail logs each
step and, on approval, publishes the page (which indexes it and tells the other apps through
`page_published`); its workflow signals reach community's receivers, which tell the
reviewers and the submitter, whichever way the change was handled.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import GroupApprovalTask, Page, Revision, TaskState, WorkflowState

from community.models import MODERATING_ROLES, Report
from intranet.access import is_employee, visibility_filter
from intranet.models import IntranetPage, Membership, SpacePage
from intranet.people import display_name
from wiki.diff import DiffRow, diff_blocks, diff_title

# The longest comment a reviewer may write (a notification shows as much as fits).
COMMENT_MAX_LENGTH = 2000

# --- who reviews what ------------------------------------------------------------------


def moderates_something(user) -> bool:
    """Whether `user` moderates anything: a site admin, or a moderator or admin of a space.
    They get the moderation menu, the reports queue and the changes to approve."""
    if not is_employee(user):
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role__in=MODERATING_ROLES).exists()
    )


def _approval_tasks_of(user) -> QuerySet[GroupApprovalTask]:
    """The group approval tasks `user` may act on: Wagtail's rule for them (a member of one
    of the task's groups, or a site admin) for every task in one query, where
    `TaskState.objects.reviewable_by` asks task after task. Acting asks the task again."""
    tasks = GroupApprovalTask.objects.filter(active=True)
    if not user.is_superuser:
        tasks = tasks.filter(groups__user=user)
    return tasks


def _task_states_of(user) -> QuerySet[TaskState]:
    """Task states on pages (not snippets) of the tasks `user` may act on, in any status."""
    if not is_employee(user):
        return TaskState.objects.none()
    return TaskState.objects.filter(
        workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
        task__in=_approval_tasks_of(user).values("pk"),
    )


def reviewable_task_states(user) -> QuerySet[TaskState]:
    """The task states in progress that `user` may approve."""
    return _task_states_of(user).filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
    )


@dataclass(frozen=True)
class Review:
    """One change waiting for approval: its task state, and its page (with the space it is
    in now) as the reviewer may see it."""

    task_state: TaskState
    page: IntranetPage

    @property
    def space(self) -> SpacePage:
        return self.page.space

    @property
    def submitter(self):
        return self.task_state.workflow_state.requested_by

    @property
    def submitted_at(self) -> datetime:
        return self.task_state.started_at

    @property
    def title(self) -> str:
        """The title as submitted (a new page has no other)."""
        return self.task_state.revision.object_str or self.page.title

    @property
    def url(self) -> str:
        return reverse("community:review", args=[self.task_state.pk])


def _page_id(state: TaskState) -> int:
    # Wagtail keeps the object of a workflow generically, its id as text.
    return int(state.workflow_state.object_id)


def _pages_to_review(user) -> QuerySet[IntranetPage]:
    """Pages in spaces (the only ones whose changes need approval) that `user` may see
    where they are now: a page moved into a space hidden from them is not theirs to review."""
    return IntranetPage.objects.filter(visibility_filter(user, IntranetPage), space__isnull=False)


def _reviews(user, states: Iterable[TaskState]) -> list[Review]:
    """The reviews of `states` whose page `user` may review (`_pages_to_review`), with one
    query for all the pages."""
    states = list(states)
    pages = (
        _pages_to_review(user)
        .select_related("space")
        .in_bulk({_page_id(state) for state in states})
    )
    return [Review(state, pages[_page_id(state)]) for state in states if _page_id(state) in pages]


def waiting_reviews(user) -> list[Review]:
    """The changes waiting for `user`, oldest first."""
    states = (
        reviewable_task_states(user)
        .select_related("workflow_state__requested_by", "revision")
        .defer("revision__content")
        .order_by("started_at", "pk")
    )
    return _reviews(user, states)


def count_waiting(user) -> int:
    """How many changes wait for `user` (`waiting_reviews`, counted in two small queries)."""
    rows = reviewable_task_states(user).values_list("workflow_state__object_id", flat=True)
    ids = [int(object_id) for object_id in rows]
    if not ids:
        return 0
    visible = set(_pages_to_review(user).filter(pk__in=ids).values_list("pk", flat=True))
    return sum(1 for page_id in ids if page_id in visible)


def get_review_for_user(user, task_state_id: int) -> Review:
    """The change `task_state_id` if `user` may review it now; 404 otherwise, alike for a
    change that does not exist, one in a space hidden from them and one they may not approve
    (never 403, which would confirm that it exists)."""
    state = (
        reviewable_task_states(user)
        .select_related("workflow_state__requested_by", "revision", "task")
        .filter(pk=task_state_id)
        .first()
    )
    found = _reviews(user, [state] if state is not None else [])
    if not found:
        raise Http404
    return found[0]


def _earlier_review(user, task_state_id: int) -> Review | None:
    """A task state `user` could review once and that is finished now (a link to it in an
    older notification), with its page as they may see it."""
    state = (
        _task_states_of(user)
        .filter(pk=task_state_id)
        .exclude(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state", "revision")
        .first()
    )
    found = _reviews(user, [state] if state is not None else [])
    return found[0] if found else None


@dataclass(frozen=True)
class Change:
    """What approving would publish against what readers see now: title, teaser (posts
    have one) and body as side-by-side rows of `wiki.diff`, and the edit summary."""

    revision: Revision
    is_new_page: bool
    title_row: DiffRow | None
    teaser_row: DiffRow | None
    rows: list[DiffRow]
    summary: str


def change_of(review: Review) -> Change:
    """The page's latest revision (what Wagtail publishes when the workflow finishes)
    against the live page; a page never published is compared with nothing."""
    page = review.page.specific
    revision = page.get_latest_revision()
    new = revision.as_object()
    old = page if page.live else None

    def field(obj, name: str) -> str:
        if obj is None:
            return ""
        return getattr(obj, name, "") or ""

    return Change(
        revision=revision,
        is_new_page=old is None,
        title_row=diff_title(field(old, "title"), new.title),
        teaser_row=diff_title(field(old, "teaser"), field(new, "teaser")),
        rows=diff_blocks(field(old, "body"), field(new, "body")),
        summary=field(new, "edit_summary"),
    )


@dataclass(frozen=True)
class ModerationSummary:
    """Whether someone moderates anything, and what waits for them: open reports and
    changes to approve."""

    moderates: bool
    open_reports: int = 0
    waiting_changes: int = 0

    @property
    def total(self) -> int:
        return self.open_reports + self.waiting_changes


# The moderation menu is on every page, for everyone: its summary is cached per person
# until a membership, a report or a change waiting for approval is saved or deleted
# anywhere (community's receivers call `expire_moderation_summaries`), and for at most
# SUMMARY_SECONDS (a page moved into a space hidden from a moderator). So a page costs no
# query for it while nothing changes.
SUMMARY_SECONDS = 300
SUMMARY_GENERATION_KEY = "community:moderation:generation"


def expire_moderation_summaries(**kwargs) -> None:
    cache.set(SUMMARY_GENERATION_KEY, time.time_ns(), timeout=None)


def _count_summary(user) -> ModerationSummary:
    if not moderates_something(user):
        return ModerationSummary(moderates=False)
    open_reports = Report.moderated_by(user).filter(status=Report.Status.OPEN).count()
    return ModerationSummary(True, open_reports, count_waiting(user))


def moderation_summary(user) -> ModerationSummary | None:
    """What waits for `user`; None for someone who moderates nothing (no moderation menu
    for them). Kept on the user object for the rest of the request."""
    if not hasattr(user, "_moderation_summary"):
        summary = None
        if is_employee(user):
            generation = cache.get_or_set(SUMMARY_GENERATION_KEY, time.time_ns, timeout=None)
            key = f"community:moderation:{user.pk}:{generation}"
            summary = cache.get(key)
            if summary is None:
                summary = _count_summary(user)
                cache.set(key, summary, SUMMARY_SECONDS)
        user._moderation_summary = summary if summary is not None and summary.moderates else None
    return user._moderation_summary


# --- approve and send back -------------------------------------------------------------


class ChangeHandled(Exception):
    """Refused: someone else approved or sent back the change meanwhile."""


class ChangeEdited(Exception):
    """Refused: the editor saved a newer version than the one the reviewer saw."""


def _act(review: Review, user, action: str, comment: str, seen_revision_id: int) -> None:
    """Approve or reject through the task itself, whose `get_actions` decides whether
    `user` may (Wagtail's rule, asked again here), on the task state locked for the
    transaction so that two reviewers cannot both finish it."""
    with transaction.atomic():
        state = TaskState.objects.select_for_update().filter(pk=review.task_state.pk).first()
        if state is None or state.status != TaskState.STATUS_IN_PROGRESS:
            raise ChangeHandled
        page = review.page.specific
        if page.get_latest_revision().pk != seen_revision_id:
            raise ChangeEdited
        task = state.task.specific
        if action not in {name for name, _label, _needs_form in task.get_actions(page, user)}:
            raise PermissionDenied
        task.on_action(state, user, action, comment=comment)


def approve_change(review: Review, user, *, seen_revision_id: int, comment: str = "") -> None:
    """Approve the change: Wagtail finishes the workflow and publishes, as `user`, the
    page's latest revision, which must be the one the reviewer saw (else ChangeEdited)."""
    _act(review, user, "approve", comment.strip(), seen_revision_id)


def reject_change(review: Review, user, *, seen_revision_id: int, comment: str) -> None:
    """Send the change back with the reviewer's comment, which is required: the author
    needs to know what to change. Nothing is published; the page keeps the draft."""
    if not comment.strip():
        raise ValueError("Sending a change back needs a comment.")
    _act(review, user, "reject", comment.strip(), seen_revision_id)


# --- pages -----------------------------------------------------------------------------


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Send back"))])
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when you send the change back: say what to change."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what to change, so that the author knows."))
        return data


@require_safe
def changes(request: HttpRequest) -> HttpResponse:
    """The changes waiting for me, grouped by space."""
    summary = moderation_summary(request.user)
    if summary is None:
        raise PermissionDenied(_("Only moderators see the changes waiting for approval."))
    by_space: dict[int, tuple[SpacePage, list[Review]]] = {}
    for item in waiting_reviews(request.user):
        by_space.setdefault(item.space.pk, (item.space, []))[1].append(item)
    groups = sorted(by_space.values(), key=lambda group: group[0].title.lower())
    return render(request, "community/reviews_list.html", {"groups": groups, "summary": summary})


@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, task_state_id: int) -> HttpResponse:
    """One change as a diff against the live page, with Approve and Send back."""
    try:
        item = get_review_for_user(request.user, task_state_id)
    except Http404:
        return _after_the_fact(request, task_state_id)
    change = change_of(item)
    form = ReviewForm(request.POST or None, initial={"revision": change.revision.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "approve":
                approve_change(
                    item, request.user, seen_revision_id=data["revision"], comment=data["comment"]
                )
                done = gettext("Approved and published: “%(title)s”.") % {"title": item.title}
            else:
                reject_change(
                    item, request.user, seen_revision_id=data["revision"], comment=data["comment"]
                )
                done = gettext("Sent back to %(name)s with your comment.") % {
                    "name": display_name(item.submitter) or gettext("the author")
                }
        except ChangeHandled:
            messages.info(request, gettext("Someone else has handled this change meanwhile."))
            return redirect("community:reviews")
        except ChangeEdited:
            # Show the newest version, keeping what the reviewer typed.
            form = ReviewForm({**request.POST.dict(), "revision": change.revision.pk})
            form.is_valid()
            form.add_error(
                None, gettext("The author saved a newer version meanwhile. Please look again.")
            )
        else:
            messages.success(request, done)
            return redirect("community:reviews")
    context = {
        "review": item,
        "change": change,
        "form": form,
        "summary": moderation_summary(request.user),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "community/reviews_change.html", context, status=status)


def _after_the_fact(request: HttpRequest, task_state_id: int) -> HttpResponse:
    """Where a link to a change that is no longer waiting leads a reviewer: to the same
    page's change in progress, if the task was restarted on a newer version or
    resubmitted; to the list, saying it was handled, if it is done. 404 for anyone else."""
    earlier = _earlier_review(request.user, task_state_id)
    if earlier is None:
        raise Http404
    # At most one workflow runs on a page at a time (a constraint of Wagtail's).
    workflow = earlier.task_state.workflow_state
    waiting_id = (
        WorkflowState.objects.filter(
            base_content_type_id=workflow.base_content_type_id,
            object_id=workflow.object_id,
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .values_list("current_task_state_id", flat=True)
        .first()
    )
    if waiting_id is not None:
        try:
            return redirect(get_review_for_user(request.user, waiting_id).url)
        except Http404:
            pass
    messages.info(request, gettext("This change has been handled already."))
    return redirect("community:reviews")
