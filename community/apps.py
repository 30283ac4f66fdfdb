from django.apps import AppConfig
from django.conf import settings


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        # Activity and notifications listen to the content apps across app borders; a
        # setting turns the wiring off (e.g. for bulk imports).
        if getattr(settings, "COMMUNITY_SIGNALS_ENABLED", True):
            from community import signal_handlers

            signal_handlers.register()
