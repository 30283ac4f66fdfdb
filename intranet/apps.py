from django.apps import AppConfig


class IntranetConfig(AppConfig):
    name = "intranet"
    verbose_name = "Intranet"

    def ready(self) -> None:
        from intranet import signal_handlers

        signal_handlers.register()
