"""factory_boy factories shared by every app's tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from profiles.models import Department, Profile


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def with_profile(self, create, extracted, **kwargs):
        if create:
            self.save()
            Profile.for_user(self)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


def make_space(
    title: str, *, visibility: str = "open", join_policy: str = "open", actor=None, **kw
):
    """A published space under the space index, with Wagtail groups, made through the action."""
    from intranet.actions import create_space

    return create_space(
        title=title, visibility=visibility, join_policy=join_policy, actor=actor, **kw
    )


def make_wiki_page(parent, title: str, body: str = "<p>Text</p>", *, author=None, **kw):
    from wiki.models import WikiPage

    page = WikiPage(title=title, body=body, owner=author, **kw)
    parent.add_child(instance=page)
    page.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    page.refresh_from_db()
    return page


def make_blog_post(blog, title: str, body: str = "<p>Text</p>", *, author=None, **kw):
    from blogs.models import BlogPostPage

    post = BlogPostPage(title=title, body=body, owner=author, **kw)
    blog.add_child(instance=post)
    post.save_revision(user=author).publish(user=author, skip_permission_checks=True)
    post.refresh_from_db()
    return post


def wagtail_user_form(user, **changes) -> dict:
    """The Wagtail admin's user editor form for `user` as it stands, with `changes` (a value
    None leaves the field out, as an unticked box)."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
    }
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
