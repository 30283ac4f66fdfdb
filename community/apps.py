from django.apps import AppConfig
from django.conf import settings


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community"

    def ready(self) -> None:
        from community import receivers
        from community.actions import guidelines_gate
        from intranet.gates import register_write_gate

        receivers.connect_receivers(
            activity_from_other_apps=getattr(settings, "COMMUNITY_SIGNALS_ENABLED", True)
        )
        register_write_gate(guidelines_gate)
