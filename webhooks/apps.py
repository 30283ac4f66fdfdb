"""Webhooks: site admins register URLs that hear of events (posts published, pages changed,
members joined, comments posted), signed, retried and logged."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from webhooks import receivers

        receivers.connect_receivers()
