"""Site views of the wiki: history, diffs, restore, the in-place editor with its private
drafts, new pages, recent changes. Pages themselves are served by Wagtail
(`WikiPage.get_context`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.timezone import localtime
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import Page

from intranet.access import get_page_for_user
from intranet.gates import behind_write_gates
from intranet.models import SpacePage
from intranet.ratelimit import RateLimited, check_rate
from intranet.richtext import PageUrls
from wiki import actions
from wiki.diff import diff_blocks, diff_title
from wiki.forms import AutosaveForm, NewPageForm, WikiEditForm
from wiki.merge import canonical
from wiki.models import EditDraft, WikiPage, diff_url, page_templates, recent_changes
from wiki.tree import page_tree

HISTORY_PAGE_SIZE = 100
# The editor saves a draft at most every ten seconds; this leaves room for several tabs.
AUTOSAVES_PER_MINUTE = 30


def get_wiki_page_for_user(user, page_id: int) -> WikiPage:
    return get_page_for_user(user, WikiPage.objects.select_related("space"), pk=page_id)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "wiki/forbidden.html", {"message": message}, status=403)


def _int_param(request: HttpRequest, name: str, *, required: bool) -> int | None:
    value = request.GET.get(name, "")
    if not value and not required:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(_("Choose two versions to compare.")) from None


@require_safe
@login_required
def history(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_wiki_page_for_user(request.user, page_id)
    try:
        number = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        number = 1
    start = (number - 1) * HISTORY_PAGE_SIZE
    # One extra row tells each revision which one came before it, and whether there is more.
    rows = list(page.revisions_with_summaries()[start : start + HISTORY_PAGE_SIZE + 1])
    revisions = []
    for i, revision in enumerate(rows[:HISTORY_PAGE_SIZE]):
        older = rows[i + 1] if i + 1 < len(rows) else None
        revision.diff_url = diff_url(page.pk, older.pk if older else None, revision.pk)
        revisions.append(revision)
    if number > 1 and not revisions:
        raise Http404
    return render(
        request,
        "wiki/history.html",
        {
            # Not "page": base.html would add Wagtail's userbar (seven queries) to a site
            # view that has its own buttons.
            "wiki_page": page,
            "space": page.space,
            "revisions": revisions,
            "live_revision_id": page.live_revision_id,
            "can_restore": page.permissions_for_user(request.user).can_publish(),
            "previous_page": number - 1 if number > 1 else None,
            "next_page": number + 1 if len(rows) > HISTORY_PAGE_SIZE else None,
            "tree": page_tree(page.space, request.user, page, urls=PageUrls(request)),
        },
    )


@require_safe
@login_required
def diff(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_wiki_page_for_user(request.user, page_id)
    new_id = _int_param(request, "b", required=True)
    old_id = _int_param(request, "a", required=False)
    wanted = {new_id} | ({old_id} if old_id else set())
    # Filtering through the page's own revisions makes a revision of another page a 404.
    found = {r.pk: r for r in page.revisions.select_related("user").filter(pk__in=wanted)}
    if set(found) != wanted:
        raise Http404
    new = found[new_id]
    old = found.get(old_id) if old_id else None
    if old is not None and (old.created_at, old.pk) > (new.created_at, new.pk):
        old, new = new, old
    old_content = old.content if old else {}
    title_row = diff_title(old_content.get("title", ""), new.content.get("title", ""))
    return render(
        request,
        "wiki/diff.html",
        {
            "wiki_page": page,
            "space": page.space,
            "old": old,
            "new": new,
            "old_summary": old_content.get("edit_summary", ""),
            "new_summary": new.content.get("edit_summary", ""),
            "title_row": title_row,
            "rows": diff_blocks(old_content.get("body", ""), new.content.get("body", "")),
            "can_restore": page.permissions_for_user(request.user).can_publish(),
        },
    )


@require_POST
@login_required
def restore(request: HttpRequest, page_id: int, revision_id: int) -> HttpResponse:
    page = get_wiki_page_for_user(request.user, page_id)
    revision = page.revisions.filter(pk=revision_id).first()
    if revision is None:
        raise Http404
    if not page.permissions_for_user(request.user).can_publish():
        return forbidden(request, _("Only editors of this space can restore old versions."))
    actions.restore_revision(page, revision, request.user)
    messages.success(request, _("The old version is restored as the newest version."))
    return redirect(reverse("wiki:history", args=[page.pk]))


def _reader_language() -> str:
    """The language a new page is written in: the writer's, whose template they chose."""
    return get_supported_language_variant(get_language() or settings.LANGUAGE_CODE)


def _space_of(page: WikiPage | SpacePage) -> SpacePage | None:
    return page if isinstance(page, SpacePage) else page.space


def _editor(
    request: HttpRequest,
    form: WikiEditForm,
    *,
    page: WikiPage | None = None,
    parent: WikiPage | SpacePage | None = None,
    conflict: actions.Conflict | None = None,
    draft: EditDraft | None = None,
) -> HttpResponse:
    """The editor, for `page` or for a new page under `parent`. `draft` is the person's
    unsaved draft, offered to restore."""
    target = page or parent
    submit_label = {
        actions.Outcome.PUBLISHED: _("Publish"),
        actions.Outcome.SUBMITTED: _("Submit for review"),
        actions.Outcome.DRAFT: _("Save as draft"),
    }[actions.outcome_for(target, request.user)]
    if page:
        autosave_url = reverse("wiki:autosave", args=[page.pk])
        discard_url = reverse("wiki:discard_draft", args=[page.pk])
    else:
        autosave_url = reverse("wiki:autosave_new", args=[parent.pk])
        discard_url = reverse("wiki:discard_new_draft", args=[parent.pk])
    context = {
        "form": form,
        "wiki_page": page,
        "parent": parent,
        "space": _space_of(target),
        "submit_label": submit_label,
        "autosave_url": autosave_url,
        "discard_url": discard_url,
        "draft_offer": draft,
        "conflict": conflict,
    }
    if conflict is not None:
        context["rows"] = diff_blocks(conflict.before["body"], conflict.after["body"])
        context["title_row"] = diff_title(conflict.before["title"], conflict.after["title"])
    return render(request, "wiki/edit.html", context)


def _draft_initial(draft: EditDraft) -> dict:
    return {
        "title": draft.title,
        "body": draft.body,
        "edit_summary": draft.edit_summary,
        "base_revision": draft.base_revision_id,
    }


def _say_saved(request: HttpRequest, saved: actions.Saved) -> None:
    if saved.outcome == actions.Outcome.SUBMITTED:
        messages.success(
            request,
            _(
                "Sent to the space's moderators for review. Readers see the change once "
                "it is approved."
            ),
        )
    elif saved.outcome == actions.Outcome.DRAFT:
        messages.warning(request, _("Saved as a draft: you may not publish in this space."))
    elif saved.merged_with:
        messages.success(
            request,
            _("Published, merged with %(name)s’s change: the page keeps both.")
            % {"name": saved.merged_with},
        )
    else:
        messages.success(request, _("Published."))


def _landing(saved: actions.Saved, fallback: Page) -> str:
    """Where the writer lands after saving: the page, or where it will be once approved."""
    return saved.page.url if saved.page.live else fallback.url


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@behind_write_gates
def edit(request: HttpRequest, page_id: int) -> HttpResponse:
    """The page in the intranet's editor; publishing lands on the page."""
    page = get_wiki_page_for_user(request.user, page_id)
    if not page.permissions_for_user(request.user).can_edit():
        return forbidden(request, _("Only editors of this space can edit its wiki pages."))
    if request.method == "POST":
        return _save_edit(request, page)
    draft = EditDraft.find(request.user, page)
    if draft is not None and request.GET.get("draft") == "restore":
        form = WikiEditForm(initial=_draft_initial(draft), user=request.user)
        return _editor(request, form, page=page)
    # Editing goes on from the newest revision, as in Wagtail's own editor.
    current = page.get_latest_revision_as_object()
    if draft is not None and (draft.title, draft.body) == (current.title, canonical(current.body)):
        draft = None  # it holds nothing the page does not
    form = WikiEditForm(
        initial={
            "title": current.title,
            "body": current.body,
            "base_revision": page.latest_revision_id,
        },
        user=request.user,
    )
    return _editor(request, form, page=page, draft=draft)


def _save_edit(request: HttpRequest, page: WikiPage) -> HttpResponse:
    form = WikiEditForm(request.POST, user=request.user)
    if not form.is_valid():
        return _editor(request, form, page=page)
    result = actions.save_page(
        page,
        user=request.user,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        edit_summary=form.cleaned_data["edit_summary"],
        base_revision_id=form.cleaned_data["base_revision"],
    )
    if isinstance(result, actions.Saved):
        _say_saved(request, result)
        return redirect(_landing(result, page))
    # A conflict: the editor again, continuing from the colleague's revision.
    form = WikiEditForm(
        initial={
            "title": result.title,
            "body": result.body,
            "edit_summary": result.edit_summary,
            "base_revision": result.base_revision_id,
        },
        user=request.user,
    )
    return _editor(request, form, page=page, conflict=result)


def get_parent_for_user(user, parent_id: int) -> WikiPage | SpacePage:
    """A page new wiki pages can go under (a space or a wiki page) that `user` may see."""
    parent = get_page_for_user(user, Page.objects.all(), pk=parent_id).specific
    if not isinstance(parent, WikiPage | SpacePage):
        raise Http404
    return parent


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@behind_write_gates
def new_page(request: HttpRequest, parent_id: int) -> HttpResponse:
    """First a title and a template, then the editor. The page is made when it is
    published: whoever cancels leaves nothing behind."""
    parent = get_parent_for_user(request.user, parent_id)
    if not parent.permissions_for_user(request.user).can_add_subpage():
        return forbidden(request, _("Only editors of this space can add wiki pages."))
    if request.method == "POST":
        return _create(request, parent)
    draft = EditDraft.find(request.user, parent, new_page=True)
    if draft is not None and request.GET.get("draft") == "restore":
        form = WikiEditForm(initial=_draft_initial(draft), user=request.user)
        return _editor(request, form, parent=parent)
    start = NewPageForm(
        request.GET if "template" in request.GET else None,
        initial={"title": request.GET.get("title", "")[:255]},
    )
    if start.is_bound and start.is_valid():
        template = page_templates()[start.cleaned_data["template"]]
        form = WikiEditForm(
            initial={"title": start.cleaned_data["title"], "body": template.body},
            user=request.user,
        )
        return _editor(request, form, parent=parent, draft=draft)
    return render(
        request,
        "wiki/new_page.html",
        {
            "form": start,
            "parent": parent,
            "space": _space_of(parent),
            "draft_offer": draft,
            "discard_url": reverse("wiki:discard_new_draft", args=[parent.pk]),
        },
    )


def _create(request: HttpRequest, parent: WikiPage | SpacePage) -> HttpResponse:
    form = WikiEditForm(request.POST, user=request.user)
    if not form.is_valid():
        return _editor(request, form, parent=parent)
    saved = actions.create_page(
        parent,
        user=request.user,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        edit_summary=form.cleaned_data["edit_summary"],
        language=_reader_language(),
    )
    _say_saved(request, saved)
    return redirect(_landing(saved, parent))


def _draft_place(request: HttpRequest, page_id: int, new_page: bool) -> Page | None:
    """The page a draft is kept on (for a new page: its parent), if the person may write
    there; 404 for what they may not see."""
    if new_page:
        parent = get_parent_for_user(request.user, page_id)
        return parent if parent.permissions_for_user(request.user).can_add_subpage() else None
    page = get_wiki_page_for_user(request.user, page_id)
    return page if page.permissions_for_user(request.user).can_edit() else None


@require_POST
@login_required
def autosave(request: HttpRequest, page_id: int, new_page: bool = False) -> JsonResponse:
    """The editor's private draft, sent every few seconds while someone types (JSON)."""
    place = _draft_place(request, page_id, new_page)
    if place is None:
        return JsonResponse({"error": _("You may not edit this page.")}, status=403)
    try:
        check_rate(request.user, "wiki-autosave", AUTOSAVES_PER_MINUTE)
    except RateLimited:
        return JsonResponse(
            {"error": _("Draft not saved: too many saves in a minute.")}, status=429
        )
    form = AutosaveForm(request.POST, user=request.user)
    if not form.is_valid():
        error = next(iter(form.errors.values()))[0]
        return JsonResponse(
            {"error": _("Draft not saved: %(error)s") % {"error": error}}, status=400
        )
    draft = actions.autosave(
        request.user,
        place,
        new_page=new_page,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
        edit_summary=form.cleaned_data["edit_summary"],
        base_revision_id=form.cleaned_data["base_revision"],
    )
    when = formats.time_format(localtime(draft.updated_at), "TIME_FORMAT")
    return JsonResponse(
        {
            "saved_at": draft.updated_at.isoformat(),
            "message": _("Draft saved at %(time)s.") % {"time": when},
        }
    )


@require_POST
@login_required
def discard_draft(request: HttpRequest, page_id: int, new_page: bool = False) -> HttpResponse:
    """Throw the editor's private draft away; back to the editor or to the page."""
    place = _draft_place(request, page_id, new_page)
    if place is None:
        return forbidden(request, _("Only editors of this space can edit its wiki pages."))
    actions.discard_draft(request.user, place, new_page=new_page)
    if request.POST.get("next") == "editor":
        return redirect("wiki:new" if new_page else "wiki:edit", place.pk)
    return redirect(place.url)


@require_safe
@login_required
def space_changes(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_page_for_user(request.user, SpacePage.objects.all(), slug=slug)
    urls = PageUrls(request)
    return render(
        request,
        "wiki/changes.html",
        {
            "space": space,
            "changes": recent_changes(request.user, space=space, limit=100, urls=urls),
            "tree": page_tree(space, request.user, urls=urls),
            "can_add": space.permissions_for_user(request.user).can_add_subpage(),
        },
    )
