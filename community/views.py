from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import Page

from blogs.models import Comment
from blogs.views import comment_problem, get_comment_for_user
from community import actions
from community.dashboard import figures
from community.forms import CommentReportForm, NotificationSettingsForm, ReportForm, ResolveForm
from community.models import (
    Follow,
    MutedSpace,
    Notification,
    NotificationSetting,
    Report,
)
from community.reviews import moderates_something
from community.templatetags.community_tags import follow_button
from intranet.access import (
    can_manage_space,
    get_page_for_user,
    visible_spaces,
)
from intranet.fragments import render_fragment, wants_fragment
from intranet.models import SpacePage
from intranet.ratelimit import RateLimited


def _back(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or fallback
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _follow_target(request: HttpRequest, kind: str, key: str):
    if kind == Follow.Kind.SPACE:
        return get_page_for_user(request.user, SpacePage.objects.all(), slug=key)
    if kind == Follow.Kind.PAGE:
        if not key.isdigit():
            raise Http404
        return get_page_for_user(request.user, Page.objects.all(), pk=int(key))
    if kind == Follow.Kind.PERSON:
        return get_object_or_404(get_user_model(), username=key, is_active=True)
    if kind == Follow.Kind.TAG:
        key = Follow.tag_key(key)
        if not key:
            raise Http404
        return key
    raise Http404


def _follow_button(request: HttpRequest, kind: str, target) -> HttpResponse:
    """The follow button as it is now, for the page's script to swap in; its `next` stays
    the page it sits on, not this address."""
    context = follow_button({"request": request, "csrf_token": get_token(request)}, kind, target)
    context["next"] = _back(request)
    return render_fragment(request, "community/components/follow_button.html", context)


@require_POST
def follow(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    target = _follow_target(request, kind, key)
    actions.follow(request.user, kind, target)
    if wants_fragment(request):
        return _follow_button(request, kind, target)
    messages.success(request, _("You follow this now."))
    return redirect(_back(request))


@require_POST
def unfollow(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    target = _follow_target(request, kind, key)
    actions.unfollow(request.user, kind, target)
    if wants_fragment(request):
        return _follow_button(request, kind, target)
    messages.success(request, _("You no longer follow this."))
    return redirect(_back(request))


@require_safe
def notifications(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(Notification.for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "community/notifications.html", {"page_obj": page_obj})


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(request.user)
    return redirect("community:notifications")


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    spaces = visible_spaces(user).filter(memberships__user=user).order_by("title")
    muted = set(MutedSpace.objects.filter(user=user).values_list("space_id", flat=True))
    form = NotificationSettingsForm(
        request.POST or None,
        deliveries=NotificationSetting.deliveries_for(user),
        spaces=spaces,
        muted=muted,
    )
    if request.method == "POST" and form.is_valid():
        for kind in Notification.Kind.values:
            NotificationSetting.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": form.cleaned_data[f"kind_{kind}"]}
            )
        MutedSpace.objects.filter(user=user).delete()
        MutedSpace.objects.bulk_create(
            MutedSpace(user=user, space=space) for space in form.cleaned_data["muted"]
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("community:notification_settings")
    return render(request, "community/notification_settings.html", {"form": form})


def guidelines_page(request: HttpRequest, page) -> HttpResponse:
    """The guidelines, with the acknowledgement button; served by GuidelinesPage."""
    next_url = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    if request.method == "POST":
        actions.acknowledge_guidelines(request.user, page)
        messages.success(request, _("Thank you. You can write now."))
        return redirect(next_url)
    if request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "community/guidelines_page.html",
        {"page": page, "acknowledged": page.acknowledged_by(request.user), "next": next_url},
    )


@require_POST
def report(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please say what is wrong with it."))
        return redirect(_back(request))
    page = get_page_for_user(request.user, Page.objects.all(), pk=form.cleaned_data["page"])
    actions.report_content(
        request.user, page, form.cleaned_data["reason"], comment_id=form.cleaned_data["comment"]
    )
    messages.success(
        request, _("Thank you. The moderators will look at it and tell you the outcome.")
    )
    return redirect(_back(request, page.url or "/"))


@require_POST
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Report one comment on a post from the form under it; a problem shows that form again
    with the reason kept."""
    comment = get_comment_for_user(request.user, comment_id)
    post = comment.post
    form = CommentReportForm(request.POST)
    if not form.is_valid():
        return comment_problem(request, post, form, 400)
    try:
        actions.report_comment(comment, request.user, form.cleaned_data["reason"])
    except RateLimited:
        message = _("You have sent many reports just now. Please wait a minute.")
        return comment_problem(request, post, form, 429, message)
    if wants_fragment(request):
        return render_fragment(request, "blogs/includes/comment_reported.html", {})
    messages.success(request, _("Thank you. The moderators will look at this comment."))
    return redirect(f"{post.url}#comment-{comment.pk}")


def _with_comments(reports: list[Report]) -> list[Report]:
    """Attach the reported comment (one query for all) so moderators see what was said."""
    ids = [r.comment_id for r in reports if r.comment_id]
    comments = {}
    if ids:
        comments = Comment.objects.select_related("author").in_bulk(ids)
    for report in reports:
        report.comment = comments.get(report.comment_id)
    return reports


@require_safe
def moderation_queue(request: HttpRequest) -> HttpResponse:
    if not moderates_something(request.user):
        raise PermissionDenied(_("Only moderators see the moderation queue."))
    reports = Report.moderated_by(request.user)
    open_reports = _with_comments(list(reports.filter(status=Report.Status.OPEN)))
    handled = reports.exclude(status=Report.Status.OPEN)[:30]
    return render(
        request,
        "community/moderation_queue.html",
        {"open_reports": open_reports, "handled": handled, "form": ResolveForm()},
    )


@require_POST
def resolve(request: HttpRequest, report_id: int) -> HttpResponse:
    """Hide, restore or dismiss one report: only one the user may moderate (404 otherwise,
    like any report outside their spaces)."""
    report = get_object_or_404(Report.moderated_by(request.user), pk=report_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        actions.resolve_report(report, form.cleaned_data["status"], moderator=request.user)
        messages.success(request, _("Done. The reporter has been told."))
    else:
        messages.error(request, _("Choose hide, restore or dismiss."))
    return redirect("community:moderation")


def _dashboard_scope(request: HttpRequest):
    slug = request.GET.get("space", "")
    if slug:
        space = get_page_for_user(request.user, SpacePage.objects.all(), slug=slug)
        if not can_manage_space(request.user, space):
            raise PermissionDenied(_("Only this space's admins see its dashboard."))
        return space
    if not request.user.is_superuser:
        raise PermissionDenied(_("The success dashboard is for site admins and space admins."))
    return None


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    space = _dashboard_scope(request)
    return render(request, "community/dashboard.html", {"space": space, "figures": figures(space)})


@require_safe
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    space = _dashboard_scope(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="intranet-dashboard.csv"'
    writer = csv.writer(response)
    writer.writerow(["figure", "label", "value"])
    for value in figures(space).values():
        if hasattr(value, "rows"):
            for label, number in value.rows:
                # A leading = + - @ would be a formula in a spreadsheet.
                safe = f"'{label}" if str(label)[:1] in "=+-@" else label
                writer.writerow([value.title, safe, number])
    return response
