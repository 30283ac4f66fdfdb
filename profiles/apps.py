from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from django.urls import reverse

        from intranet.files import register_file_owner
        from intranet.people import display_name
        from profiles.models import Department, Profile
        from profiles.photos import photo_owner
        from profiles.receivers import connect_receivers
        from search.registry import register_people

        connect_receivers()
        # Search imports no app: this tells it who the people are and where their pages are.
        register_people(
            model=Profile,
            department_model=Department,
            url_for=lambda username: reverse("profiles:detail", args=[username]),
            name_of=display_name,
        )
        # Photos are served by the intranet's one checked file view.
        register_file_owner(photo_owner)
