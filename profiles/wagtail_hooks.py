"""Departments and skills in the Wagtail admin, so site admins keep the tree tidy; and
the admin's user editor, whose "active" box deactivates a leaver through the same action
as the profile page's button.

People themselves are edited on the site (/people/<username>/edit/), where the same form,
validation and photo processing apply to everyone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from profiles import actions
from profiles.models import Department, Skill


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    add_to_admin_menu = True
    menu_order = 300
    list_display = ["name", "parent", "head"]
    search_fields = ["name"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "tag"
    menu_label = _("Skills")
    list_display = ["name", "slug"]
    search_fields = ["name"]


register_snippet(DepartmentViewSet)
register_snippet(SkillViewSet)


# --- the admin's user editor: unticking "active" is a departure -----------------------------

# The stored `is_active` of the user being edited, kept on the request between Wagtail's
# hooks: the form has changed the user object by the time the "after" hook sees it.
WAS_ACTIVE = "_profiles_was_active"


@hooks.register("before_edit_user")
def remember_whether_active(request, user) -> None:
    setattr(request, WAS_ACTIVE, user.is_active)


@hooks.register("after_edit_user")
def deactivate_or_reactivate(request, user) -> None:
    """The user editor has saved `user`; if that changed "active", finish the job as the
    profile page's button does: pages handed to the manager, sessions and tokens ended,
    all in the audit log (or the reactivation written down)."""
    from profiles.views import departure_message

    was_active = getattr(request, WAS_ACTIVE, user.is_active)
    if was_active and not user.is_active:
        departure = actions.deactivate_person(user, actor=request.user)
        name = user.get_full_name() or user.get_username()
        messages.info(request, departure_message(name, departure))
    elif not was_active and user.is_active:
        actions.reactivate_person(user, actor=request.user)


@hooks.register("after_bulk_action")
def bulk_deactivate_or_reactivate(request, action_type, objects, action_class_instance) -> None:
    """The user list's "Set active state" bulk action updates the flag without saving each
    user; `objects` still hold the flag as it was, the database the new one."""
    if action_type != "set_active_state":
        return
    User = get_user_model()
    stored = User.objects.in_bulk([obj.pk for obj in objects if isinstance(obj, User)])
    leavers = []
    for before in objects:
        after = stored.get(before.pk)
        if after is None or before.is_active == after.is_active:
            continue
        if after.is_active:
            actions.reactivate_person(after, actor=request.user)
        else:
            actions.deactivate_person(after, actor=request.user, sweep_sessions=False)
            leavers.append(after.pk)
    actions.end_sessions(leavers)
