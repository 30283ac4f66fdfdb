"""Departments and skills in the Wagtail admin, so site admins keep the tree tidy.

People themselves are edited on the site (/people/<username>/edit/), where the same form,
validation and photo processing apply to everyone."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
