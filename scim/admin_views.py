"""Directory sync in the Wagtail admin (Settings), for site admins only: the groups the
identity provider keeps (to look at: the provider owns them), and which spaces each group
gives its members, with which role (to make, change and remove). Every change goes
through `scim.actions`, so members join and leave at once and the audit log says so."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from api.tokens import is_site_admin
from scim import actions
from scim.models import DirectoryGroup, SpaceLink


class SiteAdminsOnly(BasePermissionPolicy):
    """Site admins may do `actions` with the model; nobody else anything (no Django
    permission can hand it out: linking a group to a space adds people to it)."""

    def __init__(self, model, actions: frozenset[str]) -> None:
        super().__init__(model)
        self.actions = actions

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and is_site_admin(user)

    def user_has_any_permission(self, user, actions) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True, is_superuser=True)
        return users if self.actions.intersection(actions) else users.none()

    def users_with_permission(self, action: str):
        return self.users_with_any_permission([action])


class SpaceLinkCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.link_group_to_space(
            data["group"], data["space"], data["role"], actor=self.request.user
        )


class SpaceLinkEditView(EditView):
    def save_instance(self):
        return actions.change_link_role(
            self.object, self.form.cleaned_data["role"], actor=self.request.user
        )


class SpaceLinkDeleteView(DeleteView):
    def delete_action(self):
        actions.unlink_group_from_space(self.object, actor=self.request.user)


class SpaceLinkRoleForm(forms.ModelForm):
    """Moving a link to another group or space is a removal plus a new link."""

    class Meta:
        model = SpaceLink
        fields = ["role"]


class SpaceLinkViewSet(ModelViewSet):
    model = SpaceLink
    icon = "group"
    menu_label = _("Groups in spaces")
    add_to_settings_menu = True
    menu_order = 710
    form_fields = ["group", "space", "role"]
    list_display = ["group", "space", "role", "created_at"]
    list_filter = ["role", "group"]
    search_fields = ["group__display_name", "space__title"]
    search_backend_name = None
    add_view_class = SpaceLinkCreateView
    edit_view_class = SpaceLinkEditView
    delete_view_class = SpaceLinkDeleteView

    def get_form_class(self, for_update: bool = False):
        return SpaceLinkRoleForm if for_update else super().get_form_class(for_update)


class DirectoryGroupViewSet(ModelViewSet):
    """The identity provider's groups, to look at: SCIM changes them."""

    model = DirectoryGroup
    icon = "group"
    menu_label = _("Directory groups")
    add_to_settings_menu = True
    menu_order = 700
    form_fields = ["display_name"]
    list_display = ["display_name", "external_id", "updated_at"]
    search_fields = ["display_name", "external_id"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = ["display_name", "external_id", "members", "created_at", "updated_at"]
