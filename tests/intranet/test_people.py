"""How people are named and ranked everywhere: the one display-name rule (`intranet.people`,
and the `people` template library) and the one ranking of space roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template

from intranet.models import Role, role_includes, roles_at_least
from intranet.people import display_name, initials, short_name
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_person_is_named_by_full_name_or_else_by_username():
    named = UserFactory(username="anna", first_name="Anna", last_name="Berg")
    unnamed = UserFactory(username="bo", first_name="", last_name="")
    assert display_name(named) == "Anna Berg"
    assert display_name(unnamed) == "bo"
    assert display_name(None) == ""


def test_a_greeting_uses_the_first_name_or_else_the_username():
    assert short_name(UserFactory(username="anna", first_name="Anna", last_name="Berg")) == "Anna"
    assert short_name(UserFactory(username="bo", first_name="", last_name="")) == "bo"


def test_initials_come_from_the_names_or_else_the_username():
    assert initials(UserFactory(username="anna", first_name="anna", last_name="berg")) == "AB"
    assert initials(UserFactory(username="bo", first_name="", last_name="")) == "B"


def test_templates_name_people_by_the_same_rule_and_nobody_as_nothing():
    template = Template(
        "{% load people %}[{{ named|display_name }}][{{ unnamed|display_name }}]"
        "[{{ missing|display_name }}][{{ anonymous|display_name }}][{{ named|initials }}]"
    )
    context = Context(
        {
            "named": UserFactory(username="anna", first_name="Anna", last_name="Berg"),
            "unnamed": UserFactory(username="bo", first_name="", last_name=""),
            "anonymous": AnonymousUser(),
        }
    )
    assert template.render(context) == "[Anna Berg][bo][][][AB]"


def test_each_role_may_do_what_the_roles_ranked_below_it_may():
    assert role_includes(Role.ADMIN, Role.MODERATOR)
    assert role_includes(Role.EDITOR, Role.EDITOR)
    assert not role_includes(Role.READER, Role.EDITOR)
    assert not role_includes(None, Role.READER)
    assert roles_at_least(Role.MODERATOR) == [Role.MODERATOR, Role.ADMIN]
    assert roles_at_least(Role.READER) == list(Role)
