"""Webhooks' place in the Wagtail admin: Settings → Webhooks, for site admins."""

from __future__ import annotations

from wagtail import hooks


@hooks.register("register_admin_viewset")
def register_webhooks_admin():
    from wagtail.permissions import register_permission_policy

    from webhooks.models import Webhook
    from webhooks.views import SiteAdminsOnly, WebhookViewSet

    register_permission_policy(Webhook, SiteAdminsOnly(Webhook))
    return WebhookViewSet("webhooks")
