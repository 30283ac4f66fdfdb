from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top floor: the pages and commands that gather every app's content (the home page
    and its sections, the site tree, the demo data)."""

    name = "home"
    verbose_name = "Home"
