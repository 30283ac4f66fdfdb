from django.apps import AppConfig


class ScimConfig(AppConfig):
    name = "scim"
    verbose_name = "Directory sync"

    def ready(self) -> None:
        from scim import receivers

        receivers.connect_receivers()
