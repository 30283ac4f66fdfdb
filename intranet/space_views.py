"""Space pages beside the Wagtail-served space home: join, leave, ask to write, members and
invitations, settings, history; and creating a space.

Views parse, check access through `intranet.access`, call `intranet.actions`, and render.
A hidden space answers 404 before any role check, so a 403 never confirms it exists."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from wagtail.models import PageLogEntry

from intranet import actions
from intranet.access import can_manage_space, can_moderate_space, get_page_for_user
from intranet.access import require_space_role as require_role
from intranet.forms import AddMemberForm, JoinForm, RoleForm, SpaceForm, SpaceSettingsForm
from intranet.models import (
    JoinRequest,
    Membership,
    Role,
    SpaceCreationSettings,
    SpacePage,
    Visibility,
)
from intranet.people import display_name

MEMBERS_PER_PAGE = 50


def get_space_for_user(user, slug: str) -> SpacePage:
    return get_page_for_user(user, SpacePage.objects.all(), slug=slug)


def get_space_for_role(user, slug: str, role: str) -> SpacePage:
    """The space if `user` holds `role` in it; 404 if hidden, 403 if the role is missing."""
    space = get_space_for_user(user, slug)
    require_role(user, space, role)
    return space


def _members_url(space: SpacePage) -> str:
    return reverse("spaces:members", args=[space.slug])


def check_may_change(user, space: SpacePage, *roles: str) -> None:
    """Moderators manage readers, editors and moderators; making, changing or removing a
    space admin takes a space admin."""
    if Role.ADMIN in roles and not can_manage_space(user, space):
        raise PermissionDenied(_("Only a space admin can change space admins."))


def refused(request: HttpRequest, reason: str) -> HttpResponse:
    """A 403 that tells the person why (the site's 403 handler is generic)."""
    return render(request, "403.html", {"exception": reason}, status=403)


@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """A new space, by whoever the site setting lets create spaces: they become its admin
    and land on it."""
    if not SpaceCreationSettings.user_may_create(request.user, request):
        return refused(request, _("Only some people may create spaces here. Ask a site admin."))
    form = SpaceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        space = actions.create_space(actor=request.user, **form.cleaned_data)
        messages.success(request, _("%(space)s is ready.") % {"space": space.title})
        return redirect(space.url)
    return render(request, "intranet/space_new.html", {"form": form})


@require_safe
def members(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(request.user, slug)
    return render_members(request, space)


def render_members(request: HttpRequest, space: SpacePage, add_form=None) -> HttpResponse:
    """The members page; with `add_form`, the invitation as typed, with what was wrong."""
    memberships = (
        Membership.objects.filter(space=space)
        # The person component shows each member's department: joined here, not per row.
        .select_related("user", "user__profile", "user__profile__department")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    may_moderate = can_moderate_space(request.user, space)
    context = {
        "space": space,
        "page_obj": page,
        "memberships": page.object_list,
        "may_moderate": may_moderate,
        # Managing takes a higher role than moderating: no second question otherwise.
        "may_manage": may_moderate and can_manage_space(request.user, space),
        "roles": Role.choices,
    }
    if may_moderate:
        context["join_requests"] = space.join_requests.select_related(
            "user", "user__profile", "user__profile__department"
        ).order_by("created_at")
        context["add_form"] = add_form if add_form is not None else AddMemberForm(space=space)
    return render(request, "intranet/space_members.html", context)


@require_POST
def add_member(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite colleagues by name: each becomes a member with the chosen role (and hears of
    it through `intranet.signals.member_role_changed`)."""
    space = get_space_for_role(request.user, slug, Role.MODERATOR)
    form = AddMemberForm(request.POST, space=space)
    if not form.is_valid():
        return render_members(request, space, add_form=form)
    people, role = form.cleaned_data["username"], form.cleaned_data["role"]
    check_may_change(request.user, space, role, *(space.role_of(p) or "" for p in people))
    try:
        actions.add_members(space, people, role, actor=request.user)
    except actions.LastSpaceAdminError as error:
        messages.error(request, str(error))
        return redirect(_members_url(space))
    names = get_text_list([display_name(person) for person in people], _("and"))
    message = ngettext("%(names)s is now %(role)s.", "%(names)s are now %(role)s.", len(people))
    messages.success(request, message % {"names": names, "role": Role(role).label})
    return redirect(_members_url(space))


@require_POST
def change_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = get_space_for_role(request.user, slug, Role.MODERATOR)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), space=space, user_id=user_id
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect(_members_url(space))
    role = form.cleaned_data["role"]
    check_may_change(request.user, space, role, membership.role)
    try:
        actions.set_member_role(space, membership.user, role, actor=request.user)
    except actions.LastSpaceAdminError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Role changed."))
    return redirect(_members_url(space))


@require_POST
def remove_member(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    space = get_space_for_role(request.user, slug, Role.MODERATOR)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), space=space, user_id=user_id
    )
    check_may_change(request.user, space, membership.role)
    try:
        actions.remove_member(space, membership.user, actor=request.user)
    except actions.LastSpaceAdminError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Member removed."))
    return redirect(_members_url(space))


@require_POST
def approve_request(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    space = get_space_for_role(request.user, slug, Role.MODERATOR)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), space=space, pk=request_id
    )
    check_may_change(request.user, space, join_request.role_to_grant())
    actions.approve_join_request(join_request, actor=request.user)
    messages.success(request, _("Request approved."))
    return redirect(_members_url(space))


@require_POST
def deny_request(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    space = get_space_for_role(request.user, slug, Role.MODERATOR)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), space=space, pk=request_id
    )
    actions.deny_join_request(join_request, actor=request.user)
    messages.success(request, _("Request denied."))
    return redirect(_members_url(space))


@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(request.user, slug)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        outcome = actions.join_space(space, request.user, message=message)
    except PermissionDenied as refusal:
        return refused(request, str(refusal))
    if outcome == "already":
        messages.info(request, _("You are already a member of %(space)s.") % {"space": space.title})
    elif outcome == "member":
        messages.success(request, _("Welcome to %(space)s.") % {"space": space.title})
    else:
        messages.success(request, _("Your request was sent to the space's moderators."))
    return redirect(space.url)


@require_POST
def request_write_access(request: HttpRequest, slug: str) -> HttpResponse:
    """A reader asks the space's moderators to let them write."""
    space = get_space_for_user(request.user, slug)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        outcome = actions.request_write_access(space, request.user, message=message)
    except PermissionDenied as refusal:
        return refused(request, str(refusal))
    if outcome == "already":
        messages.info(request, _("You can already write in %(space)s.") % {"space": space.title})
    else:
        messages.success(request, _("Your request was sent to the space's moderators."))
    return redirect(space.url)


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_user(request.user, slug)
    if not Membership.objects.filter(space=space, user=request.user).exists():
        messages.info(request, _("You are not a member of %(space)s.") % {"space": space.title})
        return redirect(space.url)
    try:
        actions.remove_member(space, request.user, actor=request.user)
    except actions.LastSpaceAdminError:
        messages.error(
            request, _("You are the last space admin. Make someone else admin before you leave.")
        )
        return redirect(space.url)
    messages.success(request, _("You left %(space)s.") % {"space": space.title})
    # A members-only space is gone from view once you leave, so go back to the list.
    return redirect("/spaces/")


@require_http_methods(["GET", "HEAD", "POST"])
def space_settings(request: HttpRequest, slug: str) -> HttpResponse:
    space = get_space_for_role(request.user, slug, Role.ADMIN)
    initial = {
        name: getattr(space, name)
        for name in ("title", "description", "kind", "visibility", "join_policy", "member_role")
    }
    form = SpaceSettingsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: form.cleaned_data[k] for k in initial}
        # A form from before this choice existed sends none: the space keeps its own.
        changes["member_role"] = changes["member_role"] or space.member_role
        upload = form.cleaned_data.get("picture") or None
        if upload is None and form.cleaned_data.get("remove_picture"):
            changes["picture"] = None
        space = actions.update_space_settings(
            space, actor=request.user, picture_upload=upload, **changes
        )
        messages.success(request, _("Space settings saved."))
        return redirect(space.url)
    return render(request, "intranet/space_settings.html", {"space": space, "form": form})


@require_safe
def history(request: HttpRequest, slug: str) -> HttpResponse:
    """The space's audit trail (Wagtail log entries on the space page), for its admins."""
    space = get_space_for_role(request.user, slug, Role.ADMIN)
    entries = (
        PageLogEntry.objects.filter(page=space).select_related("user").order_by("-timestamp", "-pk")
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    labels = {**dict(Role.choices), **dict(Visibility.choices)}
    for entry in page.object_list:
        # The log stores codes ("editor", "members"); people read the translated labels.
        entry.change_to = labels.get(entry.data.get("role") or entry.data.get("visibility"), "")
    return render(
        request,
        "intranet/space_history.html",
        {"space": space, "page_obj": page, "entries": page.object_list},
    )
