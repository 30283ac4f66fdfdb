"""People who read in different languages and time zones, and something to tell them about:
a post by Eddie Tor and a wiki page in the open space."""

from __future__ import annotations

import pytest

from profiles.models import Profile
from tests.factories import make_blog_post, make_wiki_page


@pytest.fixture
def speaks():
    """`speaks(user, "de")`: the user reads the intranet, its notifications and e-mails in
    that language."""

    def choose(user, language: str):
        Profile.objects.filter(user=user).update(preferred_language=language)
        return user

    return choose


@pytest.fixture
def lives_in():
    """`lives_in(user, "America/New_York")`: the user reads every time in that zone."""

    def choose(user, zone: str):
        Profile.objects.filter(user=user).update(time_zone=zone)
        return user

    return choose


@pytest.fixture
def open_post(open_space, editor):
    from blogs.actions import ensure_space_blog

    blog = ensure_space_blog(open_space, actor=editor)
    return make_blog_post(blog, "Soup of the day", "<p>Lentils and lemon.</p>", author=editor)


@pytest.fixture
def open_page(open_space, editor):
    return make_wiki_page(open_space, "Kitchen rules", "<p>Wash up.</p>", author=editor)
