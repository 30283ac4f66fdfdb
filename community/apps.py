from django.apps import AppConfig
from django.conf import settings


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from community import stream

        # The stream's cache key follows every new or removed activity row, whatever
        # wrote it, so this is wired even when the signals below are off.
        stream.register()
        # Activity and notifications listen to the content apps across app borders; a
        # setting turns the wiring off (e.g. for bulk imports).
        if getattr(settings, "COMMUNITY_SIGNALS_ENABLED", True):
            from community import signal_handlers

            signal_handlers.register()
