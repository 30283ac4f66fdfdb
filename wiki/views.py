"""Site views of the wiki. Pages themselves are served by Wagtail (`WikiPage.get_context`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Page

from intranet.access import get_page_for_user
from intranet.models import SpacePage
from wiki import actions
from wiki.diff import diff_blocks, diff_title
from wiki.forms import NewPageForm
from wiki.models import WikiPage, diff_url, recent_changes
from wiki.rendering import PageUrls, page_tree

HISTORY_PAGE_SIZE = 100


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


@require_GET
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


@require_GET
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


@require_GET
@login_required
def edit(request: HttpRequest, page_id: int) -> HttpResponse:
    page = get_wiki_page_for_user(request.user, page_id)
    if not page.permissions_for_user(request.user).can_edit():
        return forbidden(request, _("Only editors of this space can edit its wiki pages."))
    return redirect("wagtailadmin_pages:edit", page.pk)


@require_http_methods(["GET", "POST"])
@login_required
def new_page(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = get_page_for_user(request.user, Page.objects.all(), pk=parent_id).specific
    if not isinstance(parent, WikiPage | SpacePage):
        raise Http404
    if not parent.permissions_for_user(request.user).can_add_subpage():
        return forbidden(request, _("Only editors of this space can add wiki pages."))
    form = NewPageForm(request.POST or None, initial={"title": request.GET.get("title", "")[:255]})
    if request.method == "POST" and form.is_valid():
        page = actions.create_draft_page(
            parent,
            title=form.cleaned_data["title"],
            template_key=form.cleaned_data["template"],
            user=request.user,
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    space = parent if isinstance(parent, SpacePage) else parent.space
    return render(request, "wiki/new_page.html", {"form": form, "parent": parent, "space": space})


@require_GET
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
