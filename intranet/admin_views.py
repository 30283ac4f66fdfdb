"""Spaces in the Wagtail admin: memberships and join requests, for site admins.

Every change goes through `intranet.actions`, like on the site, so Wagtail's groups stay in
step and each change lands in the space's history (Wagtail's log entries)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from taggit.models import Tag, TagBase
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.generic import CreateView, DeleteView, EditView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.models import Page

from intranet import actions
from intranet.access import visible_pages
from intranet.models import JoinRequest, Membership


class MembershipCreateView(CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return actions.set_member_role(
            data["space"], data["user"], data["role"], actor=self.request.user
        )


class MembershipEditView(EditView):
    def save_instance(self):
        return actions.set_member_role(
            self.object.space,
            self.object.user,
            self.form.cleaned_data["role"],
            actor=self.request.user,
        )


class MembershipDeleteView(DeleteView):
    def delete_action(self):
        actions.remove_member(self.object.space, self.object.user, actor=self.request.user)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except actions.LastSpaceAdminError as error:
            messages.error(self.request, str(error))
            return HttpResponseRedirect(self.get_success_url())


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if actions.would_leave_no_admin(self.instance.space, self.instance.user, role):
            raise forms.ValidationError(str(actions.LastSpaceAdminError()))
        return role


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "group"
    form_fields = ["space", "user", "role"]
    list_display = ["user", "space", "role", "created_at"]
    list_filter = ["role", "space"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "space__title"]
    search_backend_name = None
    add_view_class = MembershipCreateView
    edit_view_class = MembershipEditView
    delete_view_class = MembershipDeleteView

    def get_form_class(self, for_update: bool = False):
        # Moving a membership to another person or space is a remove plus an add.
        return MembershipEditForm if for_update else super().get_form_class(for_update)


class JoinRequestDeleteView(DeleteView):
    def delete_action(self):
        actions.deny_join_request(self.object, actor=self.request.user)


class JoinRequestViewSet(ModelViewSet):
    """Open join requests; deleting one denies it. Approving happens on the space's members
    page, where moderators work."""

    model = JoinRequest
    icon = "mail"
    form_fields = ["message"]
    list_display = ["user", "space", "created_at"]
    list_filter = ["space"]
    search_fields = ["user__username", "space__title"]
    search_backend_name = None
    inspect_view_enabled = True
    delete_view_class = JoinRequestDeleteView


class SpacesAdminGroup(ModelViewSetGroup):
    menu_label = _("Spaces")
    menu_icon = "group"
    items = (
        MembershipViewSet("memberships"),
        JoinRequestViewSet("join_requests"),
    )


TAG_SUGGESTIONS = 10


def tags_visible_to(user, tags: QuerySet) -> QuerySet:
    """The tags `user` may be offered: those on a page they may see, and those on no page
    at all (images, documents). A tag used only in members-only spaces they are not in
    would name what is written there."""
    on_pages = Q()
    on_visible_pages = Q()
    for relation in tags.model._meta.related_objects:
        through = relation.related_model
        try:
            target = through._meta.get_field("content_object").related_model
        except FieldDoesNotExist:
            continue
        if not (isinstance(target, type) and issubclass(target, Page)):
            continue
        uses = relation.get_accessor_name()
        on_pages |= Q(**{f"{uses}__isnull": False})
        readable = visible_pages(user, target.objects.all()).values("pk")
        on_visible_pages |= Q(**{f"{uses}__content_object__in": readable})
    if not on_pages:
        return tags
    return tags.filter(~on_pages | on_visible_pages).distinct()


@require_safe
@require_admin_access
def tag_autocomplete(request, app_name: str | None = None, model_name: str | None = None):
    """Wagtail's tag autocomplete (same address and answer), offering only `tags_visible_to`."""
    tag_model = Tag
    if app_name and model_name:
        try:
            content_type = ContentType.objects.get_by_natural_key(app_name, model_name)
        except ContentType.DoesNotExist:
            raise Http404 from None
        tag_model = content_type.model_class()
        if tag_model is None or not issubclass(tag_model, TagBase):
            raise Http404
    term = request.GET.get("term", "")[:100]
    if not term:
        return JsonResponse([], safe=False)
    tags = tags_visible_to(request.user, tag_model.objects.filter(name__istartswith=term))
    names = tags.order_by("name").values_list("name", flat=True)[:TAG_SUGGESTIONS]
    return JsonResponse(list(names), safe=False)
