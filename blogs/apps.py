from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "blogs"
    verbose_name = "Blogs"

    def ready(self) -> None:
        from blogs import contributions
        from blogs.receivers import connect_receivers

        connect_receivers()
        contributions.register()
