from django.apps import AppConfig
from django.conf import settings


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from community import signal_handlers, stream

        # The stream's cache key follows every new or removed activity row, whatever
        # wrote it, and moved pages take their rows' space along: both are wired even when
        # the signals below are off.
        stream.register()
        signal_handlers.register_space_rewrites()
        # Activity and notifications listen to the content apps across app borders; a
        # setting turns the wiring off (e.g. for bulk imports).
        if getattr(settings, "COMMUNITY_SIGNALS_ENABLED", True):
            signal_handlers.register()
