"""A leaver and what they leave behind.

`leaver` (Lea Ving) reports to `manager` (Manny Ger); she owns a wiki page in the open
space, wrote a post in its blog and a comment under it, and is signed in."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditEntry
from tests.factories import UserFactory, make_blog_post, make_wiki_page

IP = "203.0.113.9"


@pytest.fixture
def manager(db):
    return UserFactory(username="manny", first_name="Manny", last_name="Ger")


@pytest.fixture
def leaver(manager):
    person = UserFactory(username="lea", first_name="Lea", last_name="Ving")
    profile = person.profile
    profile.manager = manager
    profile.job_title = "Quokka keeper"
    profile.phone = "+49 30 1234"
    profile.ask_me_about = "Zymurgy"
    profile.save()
    return person


@pytest.fixture
def wiki_page(open_space, leaver):
    return make_wiki_page(open_space, "Onboarding checklist", "<p>Badge first.</p>", author=leaver)


@pytest.fixture
def post(open_blog, leaver):
    return make_blog_post(open_blog, "Farewell lunch", "<p>Thanks, all.</p>", author=leaver)


@pytest.fixture
def comment(post, leaver):
    from blogs.actions import add_comment

    return add_comment(post, leaver, "See you around")


@pytest.fixture
def browser_for():
    """`browser_for(user)`: a signed-in client whose requests come from `IP`."""

    def make(user) -> Client:
        client = Client(REMOTE_ADDR=IP, HTTP_USER_AGENT="LeaverTest/1.0")
        client.force_login(user)
        return client

    return make


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))
