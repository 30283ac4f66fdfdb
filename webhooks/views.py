"""Webhooks in the Wagtail admin (Settings → Webhooks), for site admins only: list, create,
edit, delete, and each webhook's page with its secret, how to check a signature, its
recent deliveries, "send again" and "send a test ping".

Every write goes through `webhooks.actions`, which writes the audit log. The permission
policy lets site admins in and nobody else, whatever permissions a group is given; the
POST views check again through the actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies.base import BasePermissionPolicy

from intranet.access import is_employee
from webhooks import actions, signing
from webhooks.forms import WebhookForm
from webhooks.models import BACKOFF, KEEP_DAYS, Delivery, Event, Webhook
from webhooks.tasks import TIMEOUT

#: How many deliveries a webhook's page lists, newest first.
DELIVERIES_SHOWN = 50


class SiteAdminsOnly(BasePermissionPolicy):
    """Webhooks are for site admins: a webhook can be pointed at any address and made to act
    as any account, so no group permission opens them to anyone else."""

    def user_has_permission(self, user, action) -> bool:
        return is_employee(user) and user.is_superuser

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


def _page_url(webhook: Webhook) -> str:
    return reverse("webhook_admin:inspect", args=[webhook.pk])


class WebhookIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        # In place of Wagtail's "Inspect", which leads to the same page.
        url = _page_url(instance)
        return [
            ListingButton(_("Deliveries and secret"), url=url, icon_name="list-ul"),
            *[b for b in super().get_list_more_buttons(instance) if b.url != url],
        ]


class WebhookCreateView(CreateView):
    def save_instance(self) -> Webhook:
        return actions.create_webhook(actor=self.request.user, **self.form.cleaned_data)

    def get_success_url(self) -> str:
        # Straight to its page, where the new secret is.
        return _page_url(self.object)


class WebhookEditView(EditView):
    def save_instance(self) -> Webhook:
        changes = {field: self.form.cleaned_data[field] for field in actions.AUDITED_FIELDS}
        return actions.update_webhook(self.object, actor=self.request.user, **changes)


class WebhookDeleteView(DeleteView):
    def delete_action(self) -> None:
        actions.delete_webhook(self.object, actor=self.request.user)


class WebhookInspectView(InspectView):
    """The webhook's own page: its settings, secret, signature help and delivery log."""

    template_name = "webhooks/webhook_inspect.html"
    page_title = _("Webhook")

    def get_events_display_value(self) -> str:
        labels = dict(Event.choices)
        return ", ".join(str(labels.get(event, event)) for event in self.object.events)

    def get_acts_as_display_value(self) -> str:
        return self.object.acts_as.get_username()

    def get_space_display_value(self) -> str:
        return self.object.space.title if self.object.space_id else _("Every space")

    def get_active_display_value(self) -> str:
        return _("Yes") if self.object.active else _("No, switched off")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            deliveries=self.object.deliveries.all()[:DELIVERIES_SHOWN],
            deliveries_shown=DELIVERIES_SHOWN,
            ping_url=reverse("webhook_admin:ping", args=[self.object.pk]),
            headers=signing,
            timeout=TIMEOUT,
            backoff=_backoff_in_words(),
            keep_days=KEEP_DAYS,
        )
        return context


def _backoff_in_words() -> str:
    """`BACKOFF` as the help text says it: "1 minute, 5 minutes, …", in the reader's language."""
    now = timezone.now()
    return ", ".join(timesince(now - wait, now) for wait in BACKOFF)


@require_POST
def ping(request, pk: int):
    actions.require_site_admin(request.user)
    webhook = get_object_or_404(Webhook, pk=pk)
    actions.send_ping(webhook, actor=request.user)
    messages.success(request, _("Test ping queued. Its outcome is in the list below."))
    return redirect(_page_url(webhook))


@require_POST
def send_again(request, delivery_uuid):
    actions.require_site_admin(request.user)
    delivery = get_object_or_404(Delivery.objects.select_related("webhook"), uuid=delivery_uuid)
    actions.send_again(delivery, actor=request.user)
    messages.success(request, _("Delivery queued again. Its outcome is in the list below."))
    return redirect(_page_url(delivery.webhook))


class WebhookViewSet(ModelViewSet):
    model = Webhook
    icon = "link-external"
    add_to_settings_menu = True
    menu_label = _("Webhooks")
    url_prefix = "webhooks"
    # "webhooks" is the app's own namespace (webhooks/urls.py).
    url_namespace = "webhook_admin"
    list_display = ["name", "url", "acts_as", "active"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    search_backend_name = None
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "url",
        "events",
        "space",
        "acts_as",
        "active",
        "created_by",
        "created_at",
    ]
    index_view_class = WebhookIndexView
    add_view_class = WebhookCreateView
    edit_view_class = WebhookEditView
    delete_view_class = WebhookDeleteView
    inspect_view_class = WebhookInspectView

    def get_form_class(self, for_update: bool = False) -> type[WebhookForm]:
        return WebhookForm

    def get_permissions_to_register(self):
        # Nothing for the group editor to hand out: site admins only (SiteAdminsOnly).
        return Permission.objects.none()

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/ping/", ping, name="ping"),
            path("deliveries/<uuid:delivery_uuid>/send-again/", send_again, name="send_again"),
        ]
