from django.apps import AppConfig


def reindex_profile_with_user(sender, instance, created=False, raw=False, **kwargs) -> None:
    """A profile's search document holds its user's name and active flag: keep it current
    when the user changes (a deactivated colleague must drop out of search at once)."""
    if raw or created:
        return
    from wagtail.search.index import insert_or_update_object, remove_object

    from profiles.models import Profile

    profile = Profile.objects.filter(user=instance).first()
    if profile is None:
        return
    if instance.is_active:
        insert_or_update_object(profile)
    else:
        remove_object(profile)


def make_profile_on_login(sender, user, **kwargs) -> None:
    """Every account gets its profile on first login, however it was created (signup, SSO,
    admin, import), so profile pages and the directory never meet a user without one."""
    from profiles.models import Profile

    Profile.for_user(user)


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save

        from profiles import generation

        user_logged_in.connect(make_profile_on_login, dispatch_uid="profiles.make_profile")
        generation.register()
        post_save.connect(
            reindex_profile_with_user, sender=get_user_model(), dispatch_uid="profiles.reindex"
        )

        from django.urls import reverse

        from intranet.files import register_file_owner
        from intranet.people import display_name
        from profiles.models import Department, Profile
        from profiles.photos import photo_owner
        from search.registry import register_people

        # Search imports no app: this tells it who the people are and where their pages are.
        register_people(
            model=Profile,
            department_model=Department,
            url_for=lambda username: reverse("profiles:detail", args=[username]),
            name_of=display_name,
        )
        # Photos are served by the intranet's one checked file view.
        register_file_owner(photo_owner)
